// Whether a run or step is still going, and what its duration reads as: one rule for the
// tree, the run panel, the webview and the CLI, which each wrote it out before and did not
// quite agree (the CLI preferred a running run's partial duration, the others 'running').
// Plain TypeScript with no Node or `vscode` import: the webview bundle uses it too.
import { formatDuration } from './duration';
import type { RunStatus } from './model';

const ACTIVE: ReadonlySet<string> = new Set<RunStatus>(['running', 'queued', 'delayed']);

/** Running, queued or delayed: a run that may still change, so live refresh keeps polling it. */
export function isActive(status: RunStatus | string): boolean {
  return ACTIVE.has(status);
}

/**
 * Active (running, queued, delayed) and not ended. A run or step whose status still says
 * 'running' but that has an end time is over as far as its timing goes (the status lags), so
 * it shows its duration.
 */
export function isStillRunning(item: { readonly status: string; readonly endedAt?: string }): boolean {
  return isActive(item.status) && !item.endedAt;
}

/**
 * 'running' (or 'queued', 'delayed') while it has not ended, else its duration: computed from
 * timestamps where the model has it ("1.48 s"), the vendor's own text ("4h 15m") as a
 * fallback, '' when neither is known. Never a duration so far (Paragon reports one for a
 * running or delayed run), which would read as final.
 */
export function durationText(item: { readonly status: string; readonly endedAt?: string; readonly durationMs?: number; readonly durationText?: string }): string {
  if (isStillRunning(item)) return item.status;
  return formatDuration(item.durationMs) || item.durationText || '';
}
