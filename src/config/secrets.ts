// API keys live in SecretStorage (the OS keychain where there is one), one per source id.
// Never in settings, never in logs: every key read or stored here is handed to the
// process's redactor, so the log channel, notifications and error details can hide it
// (whole, in pieces, in any case, in base64) whatever text it turns up in.
import type * as vscode from 'vscode';
import { redactKnown, rememberSecret } from '../sources/redaction';

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
  const text = (value: unknown): string =>
    value instanceof Error ? (value.stack ?? `${value.name}: ${value.message}`) : typeof value === 'string' ? value : safeStringify(value);
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

const NOTIFICATIONS = ['showInformationMessage', 'showWarningMessage', 'showErrorMessage'] as const;
type Notify = (...args: unknown[]) => Thenable<unknown>;

/**
 * Notifications are shown from many commands; each one's message and detail pass the
 * redactor here, once, rather than at every call site. `window` is this extension's own
 * `vscode.window`: wrapping it affects no other extension.
 */
export function redactNotifications(window: Pick<typeof vscode.window, (typeof NOTIFICATIONS)[number]>, log: Pick<vscode.LogOutputChannel, 'warn'>): void {
  const target = window as unknown as Record<(typeof NOTIFICATIONS)[number], Notify>;
  for (const name of NOTIFICATIONS) {
    const show = target[name];
    const redacted: Notify = (message, ...rest) =>
      show.call(
        window,
        redactKnown(String(message)),
        ...rest.map((arg) =>
          // The options object ({ modal, detail }); items (strings or { title }) are our own words.
          arg && typeof arg === 'object' && typeof (arg as { detail?: unknown }).detail === 'string'
            ? { ...arg, detail: redactKnown((arg as { detail: string }).detail) }
            : arg,
        ),
      );
    try {
      target[name] = redacted;
    } catch {
      // Read-only: error texts are still redacted where they are built.
    }
    if (target[name] !== redacted) log.warn(`notifications: ${name} could not be wrapped for redaction; messages are still redacted where they are built`);
  }
}
