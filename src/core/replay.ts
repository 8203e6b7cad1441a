// After a replay: find the execution it started. Paragon answers the replay with 201 and no
// body, so the new execution is found by listing the workflow's runs started since the request.
// The same search settles a replay whose outcome is unknown (a 5xx, a connection broken after
// the request went out, a 201 cut short): only when it finds nothing is replaying again offered.
import * as l10n from '@vscode/l10n';
import type { Run } from './model';
import type { HistorySource } from './source';

/** How long, and how often, to look for the replay's execution in the history. */
export const FIND_ATTEMPTS = 20;
export const FIND_INTERVAL_MS = 3000;
/** Clock difference tolerated between this machine and the API's. */
export const CLOCK_SLACK_MS = 5000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls the listing for the replay's execution: same workflow, started after the request. */
export async function findReplayedRun(
  source: HistorySource,
  original: Run,
  requestedAt: number,
  options: { attempts?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Run | undefined> {
  if (!original.workflowId || !source.capabilities.filterByWorkflow) return undefined;
  const since = requestedAt - CLOCK_SLACK_MS;
  const attempts = options.attempts ?? FIND_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(options.intervalMs ?? FIND_INTERVAL_MS, options.signal);
    options.signal?.throwIfAborted();
    const page = await source.listPage({ workflowId: original.workflowId, startedAfter: new Date(since) }, 0, { order: 'desc', signal: options.signal });
    const candidates = page.runs.filter((r) => r.id !== original.id && r.startedAt && Date.parse(r.startedAt) >= since);
    if (candidates.length > 0) {
      // The one that started closest to the request: another run of the workflow may have begun meanwhile.
      return candidates.reduce((a, b) => (Math.abs(Date.parse(a.startedAt!) - requestedAt) <= Math.abs(Date.parse(b.startedAt!) - requestedAt) ? a : b));
    }
  }
  return undefined;
}

/** Whether the replay's execution can be looked for: the run names its workflow and the source filters by it. */
export function canFindReplayedRun(source: HistorySource, original: Run): boolean {
  return Boolean(original.workflowId) && source.capabilities.filterByWorkflow;
}

/** Look-ups that fit in `ms`, FIND_INTERVAL_MS apart: at least one. */
export function findAttemptsWithin(ms: number, intervalMs: number = FIND_INTERVAL_MS): number {
  return Math.max(1, Math.floor(Math.max(0, ms) / intervalMs) + 1);
}

/** What the history says about a replay whose outcome was unknown. */
export type UncertainReplayOutcome =
  /** It did start: this is its execution. */
  | { readonly kind: 'found'; readonly run: Run }
  /** Nothing new appeared while we looked: it may still have started (or be queued). */
  | { readonly kind: 'not-found' }
  /** The run names no workflow (or the source cannot filter by one): nothing to look for. */
  | { readonly kind: 'cannot-look' }
  /** The look-up itself failed. */
  | { readonly kind: 'look-failed'; readonly error: unknown };

/** Looks for the execution of a replay that may have started. Cancelling rejects. */
export async function settleUncertainReplay(
  source: HistorySource,
  original: Run,
  requestedAt: number,
  options: { attempts?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<UncertainReplayOutcome> {
  if (!canFindReplayedRun(source, original)) return { kind: 'cannot-look' };
  try {
    const run = await findReplayedRun(source, original, requestedAt, options);
    return run ? { kind: 'found', run } : { kind: 'not-found' };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { kind: 'look-failed', error };
  }
}

/** What to tell a person about a replay whose outcome was unknown, once the history was searched. */
export interface UncertainReplayNotice {
  readonly severity: 'info' | 'warning';
  readonly message: string;
  /** "Open Run" when the execution was found; "Replay Again" only when the search found nothing. */
  readonly action?: 'Open Run' | 'Replay Again';
  /** The action's button, in the display language. */
  readonly actionLabel?: string;
}

export function uncertainReplayNotice(outcome: UncertainReplayOutcome, original: Run, reason: string, lookedForSeconds: number): UncertainReplayNotice {
  // Whole sentences for each case, with and without the workflow's id (translators see each one entire).
  const id = original.id;
  const workflow = original.workflowId || undefined;
  switch (outcome.kind) {
    case 'found': {
      const status = outcome.run.rawStatus.toLowerCase();
      const message =
        workflow === undefined
          ? l10n.t('The replay of {0} did start ({1}): it is execution {2} ({3}).', id, reason, outcome.run.id, status)
          : l10n.t('The replay of {0} (workflow {1}) did start ({2}): it is execution {3} ({4}).', id, workflow, reason, outcome.run.id, status);
      return { severity: 'info', message, action: 'Open Run', actionLabel: l10n.t('Open Run') };
    }
    case 'not-found': {
      const message =
        workflow === undefined
          ? l10n.t(
              'The replay of {0} may have started ({1}), but no new execution of its workflow appeared in the history within {2} s. Check the history before replaying: a second replay runs its side effects again.',
              id,
              reason,
              lookedForSeconds,
            )
          : l10n.t(
              'The replay of {0} (workflow {1}) may have started ({2}), but no new execution of its workflow appeared in the history within {3} s. Check the history before replaying: a second replay runs its side effects again.',
              id,
              workflow,
              reason,
              lookedForSeconds,
            );
      return { severity: 'warning', message, action: 'Replay Again', actionLabel: l10n.t('Replay Again') };
    }
    case 'cannot-look': {
      const message =
        workflow === undefined
          ? l10n.t(
              'The replay of {0} may have started ({1}); its new execution cannot be looked for, as the run names no workflow. Check the history before replaying: a second replay runs its side effects again.',
              id,
              reason,
            )
          : l10n.t(
              'The replay of {0} (workflow {1}) may have started ({2}); its new execution cannot be looked for, as the run names no workflow. Check the history before replaying: a second replay runs its side effects again.',
              id,
              workflow,
              reason,
            );
      return { severity: 'warning', message };
    }
    case 'look-failed': {
      const message =
        workflow === undefined
          ? l10n.t(
              'The replay of {0} may have started ({1}); looking for its new execution did not finish. Check the history before replaying: a second replay runs its side effects again.',
              id,
              reason,
            )
          : l10n.t(
              'The replay of {0} (workflow {1}) may have started ({2}); looking for its new execution did not finish. Check the history before replaying: a second replay runs its side effects again.',
              id,
              workflow,
              reason,
            );
      return { severity: 'warning', message };
    }
  }
}
