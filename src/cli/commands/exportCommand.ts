// `task-history export`: every run behind the filter to a JSON, NDJSON or CSV file, through
// core's exportRuns (the same code as the VS Code command, so both write the same records).
import { Option, type Command } from 'commander';
import { formatDuration } from '../../core/duration';
import { writesDirectly } from '../../core/export/atomicFile';
import { exportRuns, type ExportResult } from '../../core/export/exportRuns';
import { EXPORT_FORMATS, type ExportFormat } from '../../core/export/sinks';
import { CancelledError, UnsupportedError } from '../../core/errors';
import { formatFromPath } from '../argParsers';
import type { CliContext } from '../cliContext';
import { addIndexOption, openCliIndex, type IndexFlags } from '../cliIndex';
import { CommandFailure } from '../commandFailure';
import { stderrHttpLog } from '../httpLog';
import { ProgressLine } from '../progress';
import { addFilterOptions, addServerExportOptions, addSourceOptions, queryFromFlags, sourceFromFlags, type FilterFlags, type SourceFlags } from '../sourceOptions';
import { UsageError } from '../usageError';
import type { RunQuery } from '../../core/model';
import type { HistorySource } from '../../core/source';
import type { CliIndex } from '../cliIndex';

/** Internal, for tests that compare the CLI with a direct exportRuns call: the snapshot's end. */
export const PINNED_AT_ENV = 'TASK_HISTORY_PINNED_AT';

export interface ExportFlags extends SourceFlags, FilterFlags, IndexFlags {
  readonly out: string;
  readonly format?: ExportFormat;
  readonly includeSteps?: boolean;
  readonly includePayloads?: boolean;
  /** false with --no-server-export. */
  readonly serverExport: boolean;
  readonly rawCsv?: boolean;
  readonly includeArchived?: boolean;
}

export function registerExportCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('export')
    .description(
      "Export every run behind the filter to a file: exact (a pinned, de-duplicated snapshot checked against the API's total), written to a temporary file renamed only on success.",
    );
  addSourceOptions(command);
  addFilterOptions(command);
  addServerExportOptions(command);
  addIndexOption(command, ctx, 'runs');
  command
    .option('--include-archived', 'with --index: also export the runs the API no longer has (past its retention), marked "archived": true')
    .requiredOption('--out <file>', 'the file to write (replaced only when the export succeeds)')
    .addOption(new Option('--format <format>', 'default: from the --out extension (.csv, .ndjson/.jsonl, .parquet), else json').choices(EXPORT_FORMATS))
    .option('--include-steps', "add each run's steps (one more request per run)")
    .option('--include-payloads', "add each step's input and output (one more request per step; implies --include-steps)")
    .option('--no-server-export', 'Dispersl: page through the API instead of using its own export endpoint')
    .option(
      '--raw-csv',
      "CSV: write every cell exactly as the API sent it. By default a text cell starting with =, +, -, @, a tab or a carriage return gets a leading ' so a spreadsheet shows it as text; with --raw-csv such cells may run as formulas when the file is opened in a spreadsheet",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  task-history export --source paragon --project <id> --status failed --after 2025-01-01 --out failed.csv\n  task-history export --source dispersl --out tasks.json',
    )
    .action(async () => {
      await runExport(command.opts<ExportFlags>(), ctx);
    });
}

function pinnedAtFrom(env: NodeJS.ProcessEnv): Date | undefined {
  const text = env[PINNED_AT_ENV];
  if (!text) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${PINNED_AT_ENV} is not a date-time: "${text}".`);
  return date;
}

export async function runExport(flags: ExportFlags, ctx: CliContext): Promise<ExportResult> {
  const format = flags.format ?? formatFromPath(flags.out);
  const query = queryFromFlags(flags);
  const pinnedAt = pinnedAtFrom(ctx.env);
  const progress = new ProgressLine(ctx.io, 'Exporting');
  if (flags.includeArchived && flags.index === undefined) throw new UsageError('--include-archived reads the run index: add --index.');
  if (flags.includeArchived && format === 'csv') throw new UsageError('CSV has no column to mark archived runs: export them as json, ndjson or parquet.');
  const api = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => progress.log(line)) : undefined);
  const indexed = openCliIndex(flags, api, ctx, { includeArchived: flags.includeArchived });
  const source = indexed?.source ?? api;
  try {
    return await exportThrough(flags, ctx, { format, query, pinnedAt, progress, source, indexed });
  } finally {
    indexed?.close();
  }
}

async function exportThrough(
  flags: ExportFlags,
  ctx: CliContext,
  {
    format,
    query,
    pinnedAt,
    progress,
    source,
    indexed,
  }: { format: ExportFormat; query: RunQuery; pinnedAt?: Date; progress: ProgressLine; source: HistorySource; indexed?: CliIndex },
): Promise<ExportResult> {
  const includePayloads = flags.includePayloads === true;
  if (includePayloads && (!source.capabilities.stepPayloads || !source.getStepPayload)) {
    throw new UnsupportedError(`${source.label} has no step input/output to export: drop --include-payloads.`, 'no stepPayloads capability');
  }
  try {
    const result = await exportRuns({
      source,
      query,
      format,
      target: flags.out,
      includeSteps: includePayloads || flags.includeSteps === true,
      includePayloads,
      concurrency: flags.concurrency,
      preferServerExport: flags.serverExport,
      rawCsv: flags.rawCsv === true,
      signal: ctx.signal,
      pinnedAt,
      onProgress: (p) => progress.update(p),
      local: indexed?.local,
    });
    progress.finish();
    const how = result.method === 'server' ? `${source.label}'s own export` : result.method === 'index' ? 'from the run index' : 'paged';
    const cost = indexed ? `; ${indexed.requests().toLocaleString('en-US')} requests` : '';
    ctx.io.stderr.write(`Exported ${result.records.toLocaleString('en-US')} runs to ${flags.out} (${format}, ${how}${cost}) in ${formatDuration(result.elapsedMs) || '0 ms'}.\n`);
    if (result.schemaFile) {
      ctx.io.stderr.write(`BigQuery schema: ${result.schemaFile} (bq load --source_format=NEWLINE_DELIMITED_JSON <dataset.table> ${flags.out} ${result.schemaFile}).\n`);
    }
    return result;
  } catch (error) {
    progress.finish();
    // A device or FIFO is written in place: what it received before the failure stays received.
    const outcome = (await writesDirectly(flags.out)) ? `the data written to ${flags.out} is incomplete` : `nothing was written to ${flags.out}`;
    if (ctx.signal.aborted) throw new CommandFailure(new CancelledError('export cancelled'), `Export cancelled; ${outcome}.`);
    throw CommandFailure.withContext(error, `Export failed; ${outcome}.`);
  }
}
