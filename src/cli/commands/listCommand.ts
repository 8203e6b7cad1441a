// `task-history list`: the newest runs behind the filter as a table (or JSON). One page by
// default; --limit N or --all page further, printing each page as it arrives. Paging ends
// at an empty or short page and fails on a loop or a repeat (src/core/paging.ts), so a
// never-ending nextLink cannot print forever.
import { Option, type Command } from 'commander';
import { toExportedRun } from '../../core/export/records';
import { terminalJson } from '../../core/format';
import type { LocalRuns } from '../../core/localRuns';
import type { Run, RunQuery } from '../../core/model';
import type { HistorySource } from '../../core/source';
import { pages, pinQuery } from '../../core/paging';
import { parsePositiveInteger } from '../argParsers';
import type { CliContext } from '../cliContext';
import { addIndexOption, openCliIndex, type IndexFlags } from '../cliIndex';
import { stderrHttpLog } from '../httpLog';
import { ALWAYS_RUN_COLUMNS, RUN_COLUMNS } from '../runColumns';
import { addFilterOptions, addSourceOptions, queryFromFlags, sourceFromFlags, type FilterFlags, type SourceFlags } from '../sourceOptions';
import { columnsWithValues, Table } from '../table';

export interface ListFlags extends SourceFlags, FilterFlags, IndexFlags {
  readonly limit?: number;
  readonly all?: boolean;
  readonly json?: boolean;
}

export function registerListCommand(program: Command, ctx: CliContext): void {
  const command = program.command('list').description('List the newest runs behind the filter (one page by default).');
  addSourceOptions(command);
  addFilterOptions(command);
  command
    .addOption(new Option('--limit <n>', 'show the newest N runs').argParser(parsePositiveInteger).conflicts('all'))
    .option('--all', 'show every run (for large sets, export is faster)')
    .option('--json', "print a JSON array of runs (the export's record shape) instead of a table");
  addIndexOption(command, ctx, 'the runs').action(async () => {
    await runList(command.opts<ListFlags>(), ctx);
  });
}

export async function runList(flags: ListFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const api = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  const indexed = openCliIndex(flags, api, ctx);
  try {
    await listThrough(flags, ctx, indexed?.source ?? api, indexed?.local);
    if (indexed) io.stderr.write(`${indexed.requests().toLocaleString('en-US')} requests (run index: ${indexed.path}).\n`);
  } finally {
    indexed?.close();
  }
}

/**
 * The newest runs: page by page from the API (kept in the index when there is one), or, for
 * more than a page, from the run index when it can vouch for the listing. One page is one
 * request either way, and vouching costs about as much.
 */
async function* newestPages(
  source: HistorySource,
  query: RunQuery,
  local: LocalRuns | undefined,
  limit: number,
  signal: AbortSignal,
): AsyncGenerator<{ runs: readonly Run[]; total: number }> {
  const listing = local && limit > source.capabilities.pageSize ? await local.listing(query, query.startedBefore ?? new Date(), { signal, order: 'desc' }) : undefined;
  if (listing) {
    let runs: Run[] = [];
    for await (const run of listing.runs()) {
      runs.push(run);
      if (runs.length < source.capabilities.pageSize) continue;
      yield { runs, total: listing.total };
      runs = [];
    }
    yield { runs, total: listing.total };
    return;
  }
  for await (const page of pages(source, query, { signal, order: 'desc' })) {
    local?.keep(page.runs);
    yield page;
  }
}

async function listThrough(flags: ListFlags, ctx: CliContext, source: HistorySource, local: LocalRuns | undefined): Promise<void> {
  const { io } = ctx;
  // Pinned at now: runs that start while we page cannot shift the newest-first offsets.
  const query = pinQuery(queryFromFlags(flags), new Date());
  const limit = flags.all ? Number.POSITIVE_INFINITY : (flags.limit ?? source.capabilities.pageSize);

  let shown = 0;
  let total = 0;
  let table: Table<Run> | undefined;
  for await (const page of newestPages(source, query, local, limit, ctx.signal)) {
    total = page.total;
    const rows = page.runs.slice(0, Math.max(0, limit - shown));
    if (flags.json) {
      for (const run of rows) io.stdout.write(`${shown++ === 0 ? '[\n' : ',\n'}${terminalJson(toExportedRun(run))}`);
    } else {
      if (!table) {
        table = new Table(columnsWithValues(RUN_COLUMNS, rows, ALWAYS_RUN_COLUMNS), rows);
        if (rows.length > 0) io.stdout.write(`${table.header()}\n`);
      }
      for (const run of rows) io.stdout.write(`${table.row(run)}\n`);
      shown += rows.length;
    }
    if (shown >= limit) break;
  }
  if (flags.json) io.stdout.write(shown === 0 ? '[]\n' : '\n]\n');
  // With --all, fewer runs than the total means the API's pages ended early (an empty or
  // short page): say so rather than suggest --all.
  const more =
    shown >= total
      ? ''
      : flags.all
        ? ` The API counted ${total.toLocaleString('en-US')} but its pages ended after ${shown.toLocaleString('en-US')}; export checks the count and fails when it does not add up.`
        : ' Use --limit N or --all for more, or export for everything.';
  io.stderr.write(`${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} runs in ${source.label}, newest first.${more}\n`);
}
