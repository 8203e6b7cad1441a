// `task-history replay <id> --yes`: runs a workflow again, side effects included (it may
// write to a customer's CRM), so it never happens without --yes, and it is one POST.
// When the answer leaves open whether it ran (a 5xx, a connection broken after the request
// went out, a 201 cut short), it is never sent again: the history is searched for the new
// execution, and what was found is printed; if nothing was, the exit code is non-zero and
// the message says to check the history before replaying.
import { Option, type Command } from 'commander';
import { singleLine } from '../../core/format';
import type { Run } from '../../core/model';
import { FIND_INTERVAL_MS, findAttemptsWithin, settleUncertainReplay } from '../../core/replay';
import type { HistorySource } from '../../core/source';
import { OutcomeUnknownError, UnsupportedError, userMessage } from '../../core/errors';
import { parseSeconds } from '../argParsers';
import type { CliContext } from '../cliContext';
import { CommandFailure } from '../commandFailure';
import { stderrHttpLog } from '../httpLog';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { UsageError } from '../usageError';

/** How long to look for the new execution when the replay's outcome is unknown. */
export const DEFAULT_REPLAY_WAIT_SECONDS = 60;

export interface ReplayFlags extends SourceFlags {
  readonly yes?: boolean;
  readonly wait?: number;
}

export function replayWarning(id: string): string {
  return (
    `replay runs the workflow of execution ${id} again, with all its side effects: it may create or change records ` +
    "in connected systems (a customer's CRM, tickets, messages). Pass --yes to replay it."
  );
}

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('replay')
    .description('Run a workflow execution again (Paragon, beta endpoint). Side effects happen again; needs --yes.')
    .argument('<id>', 'the workflow execution id');
  addSourceOptions(command);
  command
    .option('--yes', 'confirm: run it again, with its side effects')
    .addOption(
      new Option('--wait <seconds>', 'if the answer leaves open whether the replay started, look for its new execution this long (0: look once)')
        .argParser(parseSeconds)
        .default(DEFAULT_REPLAY_WAIT_SECONDS),
    )
    .action(async (id: string) => {
      await runReplay(id, command.opts<ReplayFlags>(), ctx);
    });
}

/** A value for a suggested command line, quoted for POSIX shells unless it is plainly safe. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._:@%+=,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function listCommandFor(flags: ReplayFlags, run: Run): string {
  const project = flags.project ? ` --project ${shellWord(flags.project)}` : '';
  const workflow = run.workflowId ? ` --workflow ${shellWord(run.workflowId)}` : '';
  return singleLine(`task-history list --source ${flags.source}${project}${workflow}`);
}

export async function runReplay(id: string, flags: ReplayFlags, ctx: CliContext): Promise<void> {
  // Checked before anything else, even the key: without --yes nothing is sent at all.
  if (!flags.yes) throw new UsageError(replayWarning(id));
  const { io } = ctx;
  const source = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  if (!source.capabilities.replay || !source.replay) {
    throw new UnsupportedError(`${source.label} cannot replay runs.`, 'no replay capability');
  }
  // Look it up first: an unknown id or a bad key fails here, before the one POST.
  const run = await source.getRun(id, ctx.signal);
  const requestedAt = Date.now();
  try {
    await source.replay(id, ctx.signal);
  } catch (error) {
    if (error instanceof OutcomeUnknownError) return settle(error, source, run, requestedAt, flags, ctx);
    throw error;
  }
  // Everything from the API (the workflow id) is made terminal-safe: no escape sequences.
  const find = run.workflowId ? ` Its new execution will show in: ${listCommandFor(flags, run)}` : '';
  io.stdout.write(`Replay requested for ${singleLine(id)}.${find}\n`);
}

/** The replay may have started: look for it, print what was found; fail when nothing was. */
async function settle(error: OutcomeUnknownError, source: HistorySource, run: Run, requestedAt: number, flags: ReplayFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const id = singleLine(run.id);
  const seconds = flags.wait ?? DEFAULT_REPLAY_WAIT_SECONDS;
  io.stderr.write(`task-history: the replay of ${id} may have started (${singleLine(error.reason)}). Looking for its new execution in the history (up to ${seconds} s)…\n`);
  const outcome = await settleUncertainReplay(source, run, requestedAt, { attempts: findAttemptsWithin(seconds * 1000), intervalMs: FIND_INTERVAL_MS, signal: ctx.signal });
  const check = `Check the history before replaying again: ${listCommandFor(flags, run)}`;
  switch (outcome.kind) {
    case 'found':
      io.stdout.write(`The replay of ${id} did start: it is execution ${singleLine(outcome.run.id)} (${singleLine(outcome.run.rawStatus)}).\n`);
      return;
    case 'not-found':
      throw new CommandFailure(error, `The replay of ${id} may have started, but no new execution of its workflow appeared in the history within ${seconds} s. ${check}`);
    case 'cannot-look':
      throw new CommandFailure(
        error,
        `The replay of ${id} may have started; its new execution cannot be looked for (the run names no workflow). Check the history before replaying again.`,
      );
    case 'look-failed':
      throw new CommandFailure(error, `The replay of ${id} may have started, and looking for its new execution failed: ${userMessage(outcome.error)} ${check}`);
  }
}
