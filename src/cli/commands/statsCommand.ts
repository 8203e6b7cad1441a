// `task-history stats --by <dimension>`: runs, failures, success rate, duration percentiles
// and tokens per group, from the run index alone (no request: `task-history sync` fills it).
// With --json the output is a stable shape for scripts: { "rows": [ { key, runs, failed,
// succeeded, successRate, p50Ms, p95Ms, tokens? } ] }. When the index does not cover the
// filter's range it says so on stderr and still answers from what it holds.
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { formatDuration } from '../../core/duration';
import { terminalJson } from '../../core/format';
import type { RunQuery } from '../../core/model';
import { STATS_DIMENSIONS, type StatsDimension, type StatsRow } from '../../insights/model';
import { saveInsightsFrameNow } from '../../insights/insights';
import { kindTraits, statsBy, type InsightsScope } from '../../insights/stats';
import { RunIndex } from '../../runIndex/runIndex';
import { syncCoverage } from '../../runIndex/sync';
import type { CliContext } from '../cliContext';
import { type IndexFlags } from '../cliIndex';
import { CommandFailure } from '../commandFailure';
import { defaultIndexPath } from '../indexPath';
import { addFilterOptions, addSourceOptions, queryFromFlags, sourceFromFlags, type FilterFlags, type SourceFlags } from '../sourceOptions';
import { Table, type Column } from '../table';
import { sourceKeyOf } from './syncCommand';

export interface InsightsFlags extends SourceFlags, FilterFlags, IndexFlags {
  readonly json?: boolean;
}

export interface StatsFlags extends InsightsFlags {
  readonly by: StatsDimension;
}

/** The index flag of stats and errors: they read nothing else, so without a file they read the default one. */
export function addInsightsIndexOption(command: Command, ctx: CliContext): Command {
  return command.option('--index [file]', `the run index that \`task-history sync\` fills (default: ${defaultIndexPath(ctx.env)})`);
}

export function registerStatsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('stats')
    .description('Runs, failures, success rate, duration p50/p95 and tokens per status, integration, workflow, user, agent, model or tool: from the run index, no request.');
  addSourceOptions(command);
  addFilterOptions(command);
  addInsightsIndexOption(command, ctx);
  command
    .addOption(new Option('--by <dimension>', 'what to group runs by (agent, model and tool: from the steps sync stored)').choices(STATS_DIMENSIONS).makeOptionMandatory())
    .option('--json', 'print { "rows": [ { "key", "runs", "failed", "succeeded", "successRate", "p50Ms", "p95Ms", "tokens" } ] } ("tokens" where the source has tokens)')
    .addHelpText(
      'after',
      "\nsuccessRate is succeeded / (succeeded + failed), from 0 to 1 (null when none ended either way); p50Ms and p95Ms are nearest-rank percentiles of finished runs' durations. By agent or model a run counts under each one its steps used; by tool a row counts steps.\n\nExamples:\n  task-history stats --source paragon --project <id> --by integration --after 2025-01-01\n  task-history stats --source dispersl --by model --json",
    )
    .action(() => {
      runStats(command.opts<StatsFlags>(), ctx);
    });
}

/** An open index scoped to the command's source and filter. */
export interface InsightsSession {
  readonly scope: InsightsScope & { readonly query: RunQuery };
  close(): void;
}

/**
 * Opens the index for stats or errors: the source's key (no request is sent; the key is
 * needed to find the source's runs), the filter, and a line on stderr when the index does not
 * cover the filter's range (or has never been synced), saying how to sync it.
 */
export function openInsights(flags: InsightsFlags, ctx: CliContext, now: Date = new Date()): InsightsSession {
  const query = queryFromFlags(flags);
  // Checks the flags and the key; builds a client that is never asked anything.
  sourceFromFlags(flags, ctx.env);
  const path = typeof flags.index === 'string' ? flags.index : defaultIndexPath(ctx.env);
  const syncLine = syncCommandLine(flags, query);
  if (!existsSync(path)) {
    throw new CommandFailure(new Error('no run index'), `There is no run index at ${path}: sync first: ${syncLine}`);
  }
  const index = RunIndex.open(path);
  if (index.rebuilt) ctx.io.stderr.write(`${index.rebuilt}\n`);
  if (index.notice) ctx.io.stderr.write(`${index.notice}\n`);
  const sourceId = sourceKeyOf(flags, ctx.env);
  const gap = coverageGap(index, sourceId, query, now);
  if (gap) ctx.io.stderr.write(`The run index ${gap}; answering from the runs it holds. To fill it, sync first: ${syncLine}\n`);
  return {
    scope: { index, sourceId, kind: flags.source, query },
    close: () => {
      try {
        // Kept beside the index: the next stats or errors starts from it and reads only what changed (a cache: not writing it costs only time).
        saveInsightsFrameNow(index, sourceId);
      } catch (error) {
        ctx.io.stderr.write(`Insights' saved frame was not written (${error instanceof Error ? error.message : String(error)}); the next run reads the index again.\n`);
      } finally {
        index.close();
      }
    },
  };
}

/** An open-ended range is taken as covered up to a last sync this recent (the extension syncs every 15 minutes). */
const RECENT_SYNC_MS = 60 * 60_000;

/** Why the index may not hold every run of the query's range, or undefined when it does. */
export function coverageGap(index: RunIndex, sourceId: string, query: RunQuery, now: Date): string | undefined {
  const coverage = syncCoverage(index, sourceId);
  if (!coverage) return index.count(sourceId) === 0 ? 'holds no runs of this source' : 'has not completed a sync of this source';
  const { startedAfter: after, startedBefore: before } = query;
  if (coverage.from !== 'all' && (after === undefined || after < coverage.from)) {
    return `holds this source's runs from ${coverage.from.toISOString()} only (the range starts ${after ? after.toISOString() : 'with the oldest run'})`;
  }
  const end = before ?? now;
  if (end.getTime() > coverage.to.getTime() + (before ? 0 : RECENT_SYNC_MS)) {
    return `was last synced at ${coverage.to.toISOString()} (the range ends ${before ? before.toISOString() : 'now'})`;
  }
  return undefined;
}

/** The sync command that fills the index for this source and range, as the user would type it. */
function syncCommandLine(flags: InsightsFlags, query: RunQuery): string {
  const parts = ['task-history sync', `--source ${flags.source}`];
  if (flags.baseUrl) parts.push(`--base-url ${flags.baseUrl}`);
  if (flags.project) parts.push(`--project ${flags.project}`);
  if (typeof flags.index === 'string') parts.push(`--index ${flags.index}`);
  parts.push(query.startedAfter ? `--since ${query.startedAfter.toISOString()}` : '--all-history');
  return parts.join(' ');
}

/** A row as --json prints it: exactly these keys, tokens only where the source has tokens. */
export function statsJsonRow(row: StatsRow, tokens: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    key: row.key,
    runs: row.runs,
    failed: row.failed,
    succeeded: row.succeeded,
    successRate: row.successRate,
    p50Ms: row.p50Ms,
    p95Ms: row.p95Ms,
  };
  if (tokens) out['tokens'] = row.tokens ?? 0;
  return out;
}

const percent = (rate: number | null) => (rate === null ? '' : `${(rate * 100).toFixed(1)}%`);
const count = (n: number | undefined) => (n === undefined ? '' : n.toLocaleString('en-US'));
const duration = (ms: number | null) => (ms === null ? '' : formatDuration(ms));

export function runStats(flags: StatsFlags, ctx: CliContext): void {
  const session = openInsights(flags, ctx);
  try {
    const traits = kindTraits(flags.source);
    if (!traits.agents && (flags.by === 'agent' || flags.by === 'model' || flags.by === 'tool')) {
      ctx.io.stderr.write(`${flags.source}'s runs have no ${flags.by}s: no rows.\n`);
    }
    const rows = statsBy(session.scope, flags.by);
    if (flags.json) {
      ctx.io.stdout.write(`${terminalJson({ rows: rows.map((r) => statsJsonRow(r, traits.tokens)) }, 2)}\n`);
      return;
    }
    const steps = flags.by === 'tool';
    const columns: Column<StatsRow>[] = [
      { header: flags.by, cell: (r) => r.key ?? '(none)', maxWidth: 60 },
      { header: steps ? 'steps' : 'runs', cell: (r) => count(r.runs), align: 'right' },
      { header: 'failed', cell: (r) => count(r.failed), align: 'right' },
      { header: 'succeeded', cell: (r) => count(r.succeeded), align: 'right' },
      { header: 'success', cell: (r) => percent(r.successRate), align: 'right' },
      { header: 'p50', cell: (r) => duration(r.p50Ms), align: 'right' },
      { header: 'p95', cell: (r) => duration(r.p95Ms), align: 'right' },
      ...(traits.tokens ? [{ header: 'tokens', cell: (r: StatsRow) => count(r.tokens), align: 'right' as const }] : []),
      ...(traits.taskCount ? [{ header: 'tasks', cell: (r: StatsRow) => count(r.taskCount), align: 'right' as const }] : []),
    ];
    const table = new Table(columns, rows);
    ctx.io.stdout.write(`${table.header()}\n`);
    for (const row of rows) ctx.io.stdout.write(`${table.row(row)}\n`);
    ctx.io.stderr.write(`${rows.length.toLocaleString('en-US')} rows by ${flags.by}, from the run index (no request).\n`);
  } finally {
    session.close();
  }
}
