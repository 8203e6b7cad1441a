// What every run action (Replay, Compare, Export Run) does around its work, written once:
// one at a time per run (a second click while one runs is ignored), the run panel's button
// shown busy meanwhile, and a cancellable progress whose Cancel aborts an AbortSignal.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import type { PanelAction } from '../panels/protocol';
import type { RunPanel, RunTarget } from '../panels/runPanel';

const inFlight = new Set<string>();

/**
 * Runs `work` unless the same action is already running for this run (then resolves
 * undefined at once): the panel's button is busy meanwhile, and free again however it ends.
 */
export async function exclusivePerRun<T>(action: PanelAction, target: RunTarget, panel: RunPanel | undefined, work: () => Promise<T>): Promise<T | undefined> {
  const key = JSON.stringify([action, target.sourceId, target.runId]);
  if (inFlight.has(key)) return undefined;
  inFlight.add(key);
  panel?.setBusy(action, true);
  try {
    return await work();
  } finally {
    inFlight.delete(key);
    panel?.setBusy(action, false);
  }
}

export interface ProgressOptions {
  readonly title: string;
  /** Where it shows: a notification with Cancel (default), or the status bar. */
  readonly location?: vscode.ProgressLocation;
}

export type Progress = vscode.Progress<{ message?: string; increment?: number }>;

/** A cancellable progress: its Cancel button aborts the signal `work` gets. */
export function withCancellableProgress<T>(options: ProgressOptions, work: (signal: AbortSignal, progress: Progress) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress(
    { location: options.location ?? vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
    (progress, token) => work(abortSignalOf(token), progress),
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
