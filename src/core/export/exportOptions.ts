// The options of an export and the progress it reports, in a module of their own: exportRuns
// hands its options to serverExport, and serverExport reading their type from exportRuns
// made the two import each other (the architecture test forbids cycles, type-only ones too).
import type { LocalRuns } from '../localRuns';
import type { RunQuery } from '../model';
import type { HistorySource } from '../source';
import type { ExportFormat } from './sinks';

export interface ExportOptions {
  readonly source: HistorySource;
  readonly query: RunQuery;
  readonly format: ExportFormat;
  readonly target: string;
  readonly includeSteps?: boolean;
  /** Step input/output: one more request per step (needs the stepPayloads capability). */
  readonly includePayloads?: boolean;
  /** Requests at once for pages and details (default 16); the rate limiter still governs. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Use the API's own export when it can produce the format and nothing client-side is asked (default true). */
  readonly preferServerExport?: boolean;
  readonly pinnedAt?: Date;
  /**
   * CSV only: write cells exactly as the API sent them. By default a cell starting with
   * `=`, `+`, `-`, `@`, a tab or a carriage return is neutralized (prefixed with `'`) so a
   * spreadsheet shows it as text instead of running it as a formula; this turns that off.
   */
  readonly rawCsv?: boolean;
  /**
   * Runs kept locally (the run index): the listing comes from there when it can be vouched for
   * (checked against the API's total), finished runs' steps are never fetched twice, and what
   * the API gives is kept for next time.
   */
  readonly local?: LocalRuns;
}

export interface ExportProgress {
  readonly written: number;
  readonly total?: number;
  readonly elapsedMs: number;
  /** Estimated from the rate so far; undefined until there is one. */
  readonly remainingMs?: number;
}
