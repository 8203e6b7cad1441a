// Runs kept on this machine (the run index, src/runIndex/), as export, `list` and `show` see
// them: a listing the local copy can vouch for, a run's detail without a request when it is
// finished and stored, and the runs an API listing brought, kept for next time. The seam is
// here, in core, so the export pipeline reads through the index without depending on its
// engine (the index sits above core in the layers, docs/architecture.md).
import type { Run, RunDetail, RunQuery } from './model';

export interface LocalListingOptions {
  readonly signal?: AbortSignal;
  /** Oldest first (export) or newest first (`list`). */
  readonly order: 'asc' | 'desc';
}

export interface LocalListing {
  /** How many runs `runs()` yields: the API's total for the query, plus the archived runs when asked for. */
  readonly total: number;
  /** Of them, runs the API no longer has (past its retention), kept in the index and marked archived. */
  readonly archived: number;
  runs(): AsyncIterable<Run>;
}

export interface LocalRuns {
  /**
   * The query's runs that started before `pinnedAt`, when the local copy holds exactly what
   * the API has for it (its count checked against the API's total); undefined when it cannot
   * say so, and the caller asks the API.
   */
  listing(query: RunQuery, pinnedAt: Date, options: LocalListingOptions): Promise<LocalListing | undefined>;
  /** A run with its steps: from the local copy when it is finished and stored, else from the API (and then kept). */
  detail(runId: string, signal?: AbortSignal): Promise<RunDetail>;
  /** Runs an API listing gave: kept, so the next listing or export needs fewer requests. */
  keep(runs: readonly Run[]): void;
  /** Writes what `detail` fetched and still holds (it writes in batches): call when done, failed or not. */
  flush(): void;
}
