// API keys live in SecretStorage (the OS keychain where there is one), one per source id.
// Never in settings, never in logs: every key read or stored here is handed to the
// process's redactor, so the log channel, notifications and error details can hide it
// (whole, in pieces, in any case, in base64) whatever text it turns up in.
import type * as vscode from 'vscode';
import { redactKnown, rememberSecret } from '../core/redaction';

const PREFIX = 'taskHistory.apiKey.';

export class ApiKeys {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(sourceId: string): Promise<string | undefined> {
    const key = await this.storage.get(PREFIX + sourceId);
    rememberSecret(key);
    return key;
  }

  set(sourceId: string, key: string): Thenable<void> {
    rememberSecret(key);
    return this.storage.store(PREFIX + sourceId, key);
  }

  /** Reads the keys of these sources so the redactor knows them before any text is shown. */
  async rememberAll(sourceIds: Iterable<string>): Promise<void> {
    await Promise.all([...sourceIds].map((id) => this.get(id).then(undefined, () => undefined)));
  }

  delete(sourceId: string): Thenable<void> {
    return this.storage.delete(PREFIX + sourceId);
  }

  /** Fires with the source id whose key changed (after the redactor has learnt the new key). */
  onDidChange(listener: (sourceId: string) => void): vscode.Disposable {
    return this.storage.onDidChange((event) => {
      if (!event.key.startsWith(PREFIX)) return;
      const sourceId = event.key.slice(PREFIX.length);
      // Another window may have stored it: learn it before anything can quote it.
      void this.get(sourceId).then(
        () => listener(sourceId),
        () => listener(sourceId),
      );
    });
  }
}

/** The log channel with every message redacted (arguments are folded into the line first). */
export function redactingLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const text = (value: unknown): string => (value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : typeof value === 'string' ? value : safeStringify(value));
  const line = (message: unknown, args: readonly unknown[]) => redactKnown([message, ...args].map(text).join(' '));
  return new Proxy(channel, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      switch (property) {
        case 'trace':
        case 'debug':
        case 'info':
        case 'warn':
        case 'error':
        case 'append':
        case 'appendLine':
        case 'replace':
          return (message: unknown, ...args: unknown[]) => (value as (m: string) => void).call(target, line(message, args));
        default:
          return (value as (...a: unknown[]) => unknown).bind(target);
      }
    },
  });
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The three notification calls of `vscode.window`, with their overloads. */
export type Notifications = Pick<typeof vscode.window, 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage'>;
type Notify = (...args: unknown[]) => Thenable<unknown>;

/**
 * The window's notifications with every known key redacted from the message and the
 * options' `detail` (items are our own words). Every notification of the extension goes
 * through the instance in src/views/notifications.ts; a test checks that nothing calls
 * `window.show…Message` directly, so no command can forget it.
 */
export function redactedNotifications(window: Notifications): Notifications {
  const wrap =
    (show: Notify): Notify =>
    (message, ...rest) =>
      show.call(
        window,
        redactKnown(String(message)),
        ...rest.map((arg) =>
          arg && typeof arg === 'object' && typeof (arg as { detail?: unknown }).detail === 'string' ? { ...arg, detail: redactKnown((arg as { detail: string }).detail) } : arg,
        ),
      );
  return {
    showInformationMessage: wrap(window.showInformationMessage as Notify),
    showWarningMessage: wrap(window.showWarningMessage as Notify),
    showErrorMessage: wrap(window.showErrorMessage as Notify),
  } as Notifications;
}
