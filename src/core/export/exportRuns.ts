// Exports every run behind a filter to a file: pinned snapshot, concurrent pages within
// the source's rate limiter, optional steps and step input/output fetched ahead in
// order, streamed through a format sink into a temp file renamed on success only.
// Shared by the VS Code command and the CLI, so both produce the same records.
import * as l10n from '@vscode/l10n';
import { setMaxListeners } from 'node:events';
import type { Writable } from 'node:stream';
import type { LocalListing } from '../localRuns';
import type { Run, RunDetail, StepPayload } from '../model';
import { ProtocolError } from '../errors';
import { formatNumber } from '../locale';
import { snapshot } from '../paging';
import type { HistorySource } from '../source';
import { openAtomic } from './atomicFile';
import { openCompanionFiles, type CompanionFiles } from './bigQuerySchema';
import { mapConcurrent, mapOrdered } from './orderedMap';
import { toExportedRun, toExportedStep, type ExportedRun } from './records';
import { serverExport } from './serverExport';
import { createSink } from './sinks';
import type { ExportOptions } from './exportOptions';

export type { ExportOptions, ExportProgress } from './exportOptions';

export interface ExportResult {
  readonly target: string;
  readonly records: number;
  readonly total: number;
  /** Paged through the API, the API's own export, or read from the run index. */
  readonly method: 'client' | 'server' | 'index';
  readonly elapsedMs: number;
  readonly pinnedAt: Date;
  /** The BigQuery schema written beside an NDJSON export (runs.ndjson → runs.schema.json). */
  readonly schemaFile?: string;
}

export const DEFAULT_EXPORT_CONCURRENCY = 16;

export async function exportRuns(options: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const linked = linkSignal(options.signal);
  options = { ...options, signal: linked.signal };
  const pinnedAt = options.pinnedAt ?? new Date();
  try {
    return await exportToFile(options, pinnedAt, started);
  } catch (error) {
    // Stop the requests still in flight or queued (look-ahead pages, step details).
    linked.stop();
    throw error;
  } finally {
    linked.dispose();
  }
}

async function exportToFile(options: ExportOptions, pinnedAt: Date, started: number): Promise<ExportResult> {
  const file = await openAtomic(options.target);
  let companions: CompanionFiles | undefined;
  try {
    const local = options.local ? await options.local.listing(options.query, pinnedAt, { signal: options.signal, order: 'asc' }) : undefined;
    const useServer =
      local === undefined &&
      (options.preferServerExport ?? true) &&
      !options.includeSteps &&
      !options.includePayloads &&
      options.source.exportToStream !== undefined &&
      (options.format === 'csv' || options.format === 'json') &&
      options.source.capabilities.serverExport.includes(options.format);
    const counts = useServer
      ? await serverExport(options, pinnedAt, file.stream, (written, total) => report(options, written, total, started))
      : await clientExport(options, pinnedAt, file.stream, started, local);
    options.signal?.throwIfAborted();
    // Beside an NDJSON export, its BigQuery schema: written now, renamed into place right after the export.
    companions = await openCompanionFiles(options.format, options.target, recordShape(options), options.signal);
    await file.commit();
    await companions.commit();
    const schemaFile = companions.schemaFile === undefined ? {} : { schemaFile: companions.schemaFile };
    return { target: options.target, ...counts, method: local ? 'index' : useServer ? 'server' : 'client', elapsedMs: Date.now() - started, pinnedAt, ...schemaFile };
  } catch (error) {
    await companions?.abort();
    await file.abort();
    // When the file failed (a full disk), that is the cause, whatever error the writer saw.
    throw file.failure() ?? error;
  } finally {
    // What was fetched stays fetched, whether the export succeeded or not. The index is a copy:
    // failing to write to it (a full disk) must not fail an export that succeeded, nor hide why
    // one failed; the next sync meets the same disk and says so.
    try {
      options.local?.flush();
    } catch {
      // (see above)
    }
  }
}

/**
 * A signal of our own that follows the caller's. Every request in flight (and every one
 * waiting for the rate budget) listens to it, hundreds with step payloads, which Node would
 * report as a leak past 10; the caller's signal keeps one listener and its own limit.
 */
function linkSignal(outer: AbortSignal | undefined): { signal: AbortSignal; stop: () => void; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    stop: () => controller.abort(),
    dispose: () => outer?.removeEventListener('abort', forward),
  };
}

async function clientExport(options: ExportOptions, pinnedAt: Date, out: Writable, started: number, local?: LocalListing): Promise<{ records: number; total: number }> {
  const { source, signal } = options;
  const concurrency = options.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  const { includeSteps, includePayloads } = recordShape(options);
  const sink = createSink(options.format, out, { includeSteps, includePayloads, rawCsv: options.rawCsv, signal });

  let total = local?.total;
  const listing: AsyncIterable<Run> = local
    ? local.runs()
    : kept(
        snapshot(source, options.query, {
          signal,
          concurrency,
          pinnedAt,
          onTotal: (t) => {
            total = t;
          },
        }),
        options,
      );
  const detailOf = (runId: string): Promise<RunDetail> => (options.local ? options.local.detail(runId, signal) : source.getRun(runId, signal));
  const records: AsyncIterable<ExportedRun> = includeSteps
    ? mapOrdered(listing, concurrency, async (run) => {
        const detail = await detailOf(run.id);
        // Bounded per run too: a 1,000-step run must not queue 1,000 requests at once.
        const steps = includePayloads
          ? await mapConcurrent(detail.steps, concurrency, async (step) => toExportedStep(step, await payloadOf(source, run.id, step.id, signal)))
          : detail.steps.map((step) => toExportedStep(step));
        // Keep the listing's view of the run (its integration tag), add the steps.
        return toExportedRun({ ...run, stepCount: detail.steps.length }, steps);
      })
    : mapSync(listing, (run) => toExportedRun(run));

  let written = 0;
  for await (const record of records) {
    signal?.throwIfAborted();
    await sink.write(record);
    written++;
    if (written % 100 === 0) report(options, written, total, started);
  }
  // The API's listing checks its count as it goes (snapshot); the index's is checked here.
  if (local && written !== local.total) {
    throw new ProtocolError(
      l10n.t('The run index gave {0} runs where it had counted {1} (it changed during the export): export again.', formatNumber(written), formatNumber(local.total)),
      `index listing yielded ${written}, counted ${local.total}`,
    );
  }
  await sink.end();
  report(options, written, total, started);
  return { records: written, total: total ?? written };
}

/** Runs as an API listing gives them, handed to the local copy in batches as they pass (kept for next time). */
async function* kept(listing: AsyncIterable<Run>, options: ExportOptions): AsyncGenerator<Run> {
  const local = options.local;
  if (!local) return yield* listing;
  let batch: Run[] = [];
  for await (const run of listing) {
    batch.push(run);
    if (batch.length >= 500) {
      local.keep(batch);
      batch = [];
    }
    yield run;
  }
  local.keep(batch);
}

/** What each record holds: steps when asked; their input/output when asked and the source has them. */
function recordShape(options: ExportOptions): { includeSteps: boolean; includePayloads: boolean } {
  const includeSteps = options.includeSteps ?? false;
  const { source } = options;
  return { includeSteps, includePayloads: includeSteps && (options.includePayloads ?? false) && source.capabilities.stepPayloads && !!source.getStepPayload };
}

async function payloadOf(source: HistorySource, runId: string, stepId: string, signal?: AbortSignal): Promise<StepPayload> {
  return source.getStepPayload!(runId, stepId, signal);
}

function report(options: ExportOptions, written: number, total: number | undefined, started: number): void {
  if (!options.onProgress) return;
  const elapsedMs = Date.now() - started;
  const remainingMs = total !== undefined && written > 0 ? Math.round((elapsedMs / written) * Math.max(0, total - written)) : undefined;
  options.onProgress({ written, total, elapsedMs, remainingMs });
}

async function* mapSync<T, R>(input: AsyncIterable<T>, fn: (item: T) => R): AsyncGenerator<R> {
  for await (const item of input) yield fn(item);
}

/** What an export will cost in requests, shown before a user commits to step payloads. */
export function estimateExportRequests(total: number, pageSize: number, includeSteps: boolean, includePayloads: boolean, averageSteps: number): number {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const details = includeSteps ? total : 0;
  const payloads = includeSteps && includePayloads ? Math.round(total * averageSteps) : 0;
  return pages + details + payloads;
}
