// What the index benchmark tells its sync worker and what the worker answers (one JSON line
// on stdout, as for the export workers; the key travels in the environment).
import type { DetailPolicy } from '../src/runIndex/sync';
import { sourceKey } from '../src/sources/kinds/sourceKey';

/** The key as `task-history sync --base-url <origin> --project <id>` computes it (its length is in every row). */
export function benchSourceKey(baseUrl: string, projectId: string, apiKey: string): string {
  return sourceKey({ kind: 'paragon', baseUrl: new URL(baseUrl).origin, projectId }, apiKey)!;
}

export interface SyncTask {
  /** The Paragon task-history base URL (origin + /projects/<id>/task-history). */
  readonly baseUrl: string;
  readonly projectId: string;
  /** The run index file to sync into. */
  readonly indexPath: string;
  /** The client's request budget (what the Paragon client learns as its requestBudget); null: none. */
  readonly rateLimit: { readonly limit: number; readonly intervalMs: number } | null;
  /** The share of that budget sync may use (default the product's, 0.5). */
  readonly budgetShare?: number;
  /** Whose steps to store (default the Paragon kind's: failed runs). */
  readonly details?: DetailPolicy;
}

export interface SyncWorkerResult {
  readonly sourceId: string;
  readonly listed: number;
  readonly details: number;
  readonly rechecked: number;
  /** Requests the sync counted itself (budgetedSource). */
  readonly requests: number;
  /** Runs of the source the index holds after the sync. */
  readonly indexed: number;
  readonly elapsedMs: number;
  /** process.resourceUsage().maxRSS, in kilobytes: the sync process's peak resident memory. */
  readonly maxRssKb: number;
}
