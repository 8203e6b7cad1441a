// API keys live in SecretStorage (the OS keychain where there is one), one per source id.
// Never in settings, never in logs.
import type * as vscode from 'vscode';

const PREFIX = 'taskHistory.apiKey.';

export class ApiKeys {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(sourceId: string): Thenable<string | undefined> {
    return this.storage.get(PREFIX + sourceId);
  }

  set(sourceId: string, key: string): Thenable<void> {
    return this.storage.store(PREFIX + sourceId, key);
  }

  delete(sourceId: string): Thenable<void> {
    return this.storage.delete(PREFIX + sourceId);
  }

  /** Fires with the source id whose key changed. */
  onDidChange(listener: (sourceId: string) => void): vscode.Disposable {
    return this.storage.onDidChange((event) => {
      if (event.key.startsWith(PREFIX)) listener(event.key.slice(PREFIX.length));
    });
  }
}
