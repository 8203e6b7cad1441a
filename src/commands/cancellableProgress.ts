// Long work with a progress whose Cancel button aborts an AbortSignal (what core and the
// clients take), written once for every command: run actions, Export Runs, the Add Source check.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';

export interface ProgressOptions {
  readonly title: string;
  /** Where it shows: a notification with Cancel (default), or the status bar. */
  readonly location?: vscode.ProgressLocation;
}

export type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** A cancellable progress: its Cancel button aborts the signal `work` gets. */
export function withCancellableProgress<T>(options: ProgressOptions, work: (signal: AbortSignal, progress: Progress) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: options.location ?? vscode.ProgressLocation.Notification, title: options.title, cancellable: true }, (progress, token) =>
    work(abortSignalOf(token), progress),
  );
}

/** An AbortSignal that aborts when the token is cancelled. */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** Whether an error only says the user cancelled (nothing to report). */
export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof DOMException && error.name === 'AbortError');
}
