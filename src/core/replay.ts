// After a replay: find the execution it started. Paragon answers the replay with 201 and no
// body, so the new execution is found by listing the workflow's runs started since the request.
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
