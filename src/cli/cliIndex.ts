// `--index [file]` on export, list and show: the run index those commands read through (the
// file `task-history sync` fills; the default path when no file is given). Requests are
// counted through the same source the command uses, so the command can say what it cost.
import type { Command } from 'commander';
import type { LocalRuns } from '../core/localRuns';
import type { HistorySource } from '../core/source';
import { budgetedSource } from '../runIndex/budgetedSource';
import { indexedRuns } from '../runIndex/indexedRuns';
import { RunIndex } from '../runIndex/runIndex';
import type { CliContext } from './cliContext';
import { sourceKeyOf } from './commands/syncCommand';
import { defaultIndexPath, ensureIndexFolder } from './indexPath';
import type { SourceFlags } from './sourceOptions';

export interface IndexFlags {
  /** A file, or true for the default path; absent: the command goes to the API only. */
  readonly index?: string | true;
}

export function addIndexOption(command: Command, ctx: CliContext, what: string): Command {
  return command.option(
    '--index [file]',
    `read ${what} through the run index that \`task-history sync\` fills, fetching only what it lacks and keeping what was fetched (default file: ${defaultIndexPath(ctx.env)})`,
  );
}

export interface CliIndex {
  readonly path: string;
  readonly local: LocalRuns;
  /** The source the command must use: its requests are counted. */
  readonly source: HistorySource;
  requests(): number;
  close(): void;
}

/** Opens the index named by --index for this source, or undefined without the flag. Says on stderr when a damaged file was moved aside. */
export function openCliIndex(flags: IndexFlags & SourceFlags, source: HistorySource, ctx: CliContext, options: { readonly includeArchived?: boolean } = {}): CliIndex | undefined {
  if (flags.index === undefined) return undefined;
  const path = flags.index === true ? defaultIndexPath(ctx.env) : flags.index;
  ensureIndexFolder(path);
  const index = RunIndex.open(path);
  if (index.rebuilt) ctx.io.stderr.write(`${index.rebuilt}\n`);
  if (index.notice) ctx.io.stderr.write(`${index.notice}\n`);
  // Share 1: the command is what the user asked for; the count is what we want from it.
  const counted = budgetedSource(source, 1);
  const local = indexedRuns({
    index,
    sourceId: sourceKeyOf(flags, ctx.env),
    source: counted.source,
    includeArchived: options.includeArchived,
    onFallback: (reason) => ctx.io.stderr.write(`Listing from the API, not the run index: ${reason}.\n`),
  });
  return {
    path,
    local,
    source: counted.source,
    requests: counted.requests,
    close: () => {
      try {
        local.flush();
      } finally {
        index.close();
      }
    },
  };
}
