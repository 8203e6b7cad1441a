// What the benchmark tells a worker process and what the worker answers (one JSON line on
// stdout). The key travels in the environment, as it does for the CLI, never in argv.

export const BENCH_KEY_ENV = 'TASK_HISTORY_API_KEY';

export interface WorkerTask {
  /** The Paragon task-history base URL (origin + /projects/<id>/task-history). */
  readonly baseUrl: string;
  readonly projectId: string;
  readonly target: string;
  /** Ours only: the client's budget per 10 minutes; default the documented 1,000. */
  readonly requestsPer10Min?: number;
  /** Ours only: default exportRuns' own (16). */
  readonly concurrency?: number;
  /** Ours only: export through this run index file (as `task-history export --index FILE`). */
  readonly indexPath?: string;
  /** Ours only: --include-steps. */
  readonly includeSteps?: boolean;
  /** Ours only: a pinned range (ISO instants), the same for every export compared. */
  readonly startedAfter?: string;
  readonly startedBefore?: string;
}

export interface WorkerResult {
  readonly records: number;
  readonly elapsedMs: number;
  /** process.resourceUsage().maxRSS, in kilobytes: the worker's peak resident memory. */
  readonly maxRssKb: number;
  /** Requests the exporter itself sent (retries included). */
  readonly requests: number;
  /** Baseline only: requests sent to an origin other than the configured one, key attached. */
  readonly foreignRequests?: number;
  /** Ours only: how exportRuns read the runs ('client', 'server' or 'index'). */
  readonly method?: string;
  /** Ours with an index: why the listing went to the API instead (nothing when it did not). */
  readonly fallback?: string;
  /** Ours with an index: the time to open it (included in elapsedMs). */
  readonly openMs?: number;
}

export function readTask(): WorkerTask {
  const text = process.argv[2];
  if (!text) throw new Error('usage: node worker.js <task as JSON>');
  return JSON.parse(text) as WorkerTask;
}

export function readKey(): string {
  const key = process.env[BENCH_KEY_ENV];
  if (!key) throw new Error(`${BENCH_KEY_ENV} is not set`);
  return key;
}

export function reply(result: WorkerResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
