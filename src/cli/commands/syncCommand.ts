// `task-history sync`: brings a source's runs into the local run index (src/runIndex/): new
// runs since the last sync, running runs re-checked, failed runs' steps (or all runs' steps
// where the analysis needs them) fetched once. Prints what it fetched and the requests it
// used; progress goes to stderr. Ctrl-C stops it; what landed stays, and the next sync
// resumes from there. Paragon's runs name their integration only in a listing filtered by it:
// `--integrations` lists what was synced once more per integration to tag them (the Insights
// "by integration" figures need it).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatDuration } from '../../core/duration';
import { RunIndex } from '../../runIndex/runIndex';
import { DEFAULT_SYNC_DAYS, syncSource, type DetailPolicy, type SyncProgress } from '../../runIndex/sync';
import { DEFAULT_SYNC_BUDGET_SHARE } from '../../runIndex/budgetedSource';
import { kindDescriptor } from '../../sources/kinds';
import { sourceKey } from '../../sources/kinds/sourceKey';
import { parseDate } from '../argParsers';
import type { CliContext } from '../cliContext';
import { API_KEY_ENV } from '../apiKey';
import { stderrHttpLog } from '../httpLog';
import { defaultIndexPath, ensureIndexFolder } from '../indexPath';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { UsageError } from '../usageError';

export interface SyncFlags extends SourceFlags {
  readonly index?: string;
  readonly since?: Date;
  readonly allHistory?: boolean;
  readonly details?: DetailPolicy;
  readonly failingOutput: boolean;
  readonly budgetShare?: number;
  readonly integrations?: readonly string[];
  readonly json?: boolean;
}

export function registerSyncCommand(program: Command, ctx: CliContext): void {
  const command = program.command('sync').description('Bring the runs of a source into the local run index (new runs, running runs, failed runs’ steps).');
  addSourceOptions(command);
  command
    .option('--index <file>', `the run index file (default: ${defaultIndexPath(ctx.env)})`)
    .addOption(
      new Option('--since <date>', `how far back the index goes (a first sync: default ${DEFAULT_SYNC_DAYS} days; an earlier date later lists the older runs too)`)
        .argParser(parseDate)
        .conflicts('allHistory'),
    )
    .option('--all-history', 'the index takes every run the API still has (90 days), older runs included after a first sync')
    .addOption(new Option('--details <which>', 'whose steps to store: failed runs, all runs, or none (default: per API)').choices(['failed', 'all', 'none']))
    .option('--no-failing-output', "do not fetch failed runs' failing step output (one request each)")
    .addOption(
      new Option(
        '--integrations <names>',
        "Paragon only: the project's integrations, comma-separated (e.g. salesforce,slack), to tag each run with its own (the API names it only in a listing filtered by one: one more listing per integration of what was synced)",
      ).argParser(parseNames),
    )
    .addOption(new Option('--budget-share <fraction>', `the share of the request budget sync may use (default ${DEFAULT_SYNC_BUDGET_SHARE})`).argParser(parseShare))
    .option('--json', 'print the report as JSON')
    .action(async () => {
      await runSync(command.opts<SyncFlags>(), ctx);
    });
}

function parseNames(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new InvalidArgumentError('Give integration names separated by commas, for example salesforce,slack.');
  return names;
}

function parseShare(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1) throw new InvalidArgumentError('Give a number above 0 and at most 1, for example 0.5.');
  return value;
}

/** One progress line: the phase, how far it is, the requests so far and, once it can be told, the time the phase has left. */
export function describeSyncProgress(p: SyncProgress): string {
  const parts = [
    `sync: ${p.phase} ${p.done.toLocaleString('en-US')}${p.total !== undefined ? ` of ${p.total.toLocaleString('en-US')}` : ''}`,
    `${p.requests.toLocaleString('en-US')} requests`,
  ];
  if (p.remainingMs !== undefined && p.total !== undefined && p.done < p.total) parts.push(`about ${formatDuration(p.remainingMs) || '0 ms'} left`);
  return parts.join(' · ');
}

/** The key a source's runs are kept under in the index (the extension computes the same one). */
export function sourceKeyOf(flags: SourceFlags, env: NodeJS.ProcessEnv): string {
  const key = sourceKey({ kind: flags.source, baseUrl: flags.baseUrl, projectId: flags.project }, env[API_KEY_ENV]);
  // sourceFromFlags has already refused a missing key.
  if (key === undefined) throw new Error(`No API key in ${API_KEY_ENV}.`);
  return key;
}

export async function runSync(flags: SyncFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  if (flags.integrations && flags.source !== 'paragon') {
    throw new UsageError(`--integrations is for Paragon sources (their runs name no integration); ${flags.source}'s runs have no integration to tag.`);
  }
  const source = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  const path = flags.index ?? defaultIndexPath(ctx.env);
  ensureIndexFolder(path);
  const index = RunIndex.open(path);
  if (index.rebuilt) io.stderr.write(`${index.rebuilt}\n`);
  if (index.notice) io.stderr.write(`${index.notice}\n`);
  const started = Date.now();
  let lastLine = 0;
  const onProgress = (p: SyncProgress) => {
    if (Date.now() - lastLine < 2000) return;
    lastLine = Date.now();
    io.stderr.write(`${describeSyncProgress(p)}\n`);
  };
  try {
    const report = await syncSource({
      sourceId: sourceKeyOf(flags, ctx.env),
      source,
      index,
      since: flags.allHistory ? 'all' : flags.since,
      details: flags.details ?? kindDescriptor(flags.source).syncDetails,
      failingOutputs: flags.failingOutput,
      budgetShare: flags.budgetShare,
      integrations: flags.integrations,
      signal: ctx.signal,
      onProgress,
    });
    const held = index.count(sourceKeyOf(flags, ctx.env));
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ ...report, indexed: held, index: path, elapsedMs: Date.now() - started })}\n`);
      return;
    }
    io.stdout.write(
      `Synced ${source.label} into ${path}: ${report.listed.toLocaleString('en-US')} runs listed${report.backfilled > 0 ? ` and ${report.backfilled.toLocaleString('en-US')} older ones` : ''} (${report.newOrChanged.toLocaleString('en-US')} new or changed), ` +
        (report.tagged > 0 || report.untagged > 0
          ? `${report.tagged.toLocaleString('en-US')} tagged with their integration${report.untagged > 0 ? ` (${report.untagged.toLocaleString('en-US')} of no integration given)` : ''}${report.doubleTagged > 0 ? ` (${report.doubleTagged} listed under two; the first kept)` : ''}, `
          : '') +
        `${report.rechecked} running re-checked, ${report.details.toLocaleString('en-US')} with their steps, ${report.archived} archived; ` +
        `${report.requests.toLocaleString('en-US')} requests in ${formatDuration(Date.now() - started) || '0 ms'}. The index holds ${held.toLocaleString('en-US')} runs of this source.\n`,
    );
  } finally {
    index.close();
  }
}
