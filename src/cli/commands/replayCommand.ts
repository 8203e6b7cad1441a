// `task-history replay <id> --yes`: runs a workflow again, side effects included (it may
// write to a customer's CRM), so it never happens without --yes, and it is one POST.
import type { Command } from 'commander';
import { UnsupportedError } from '../../sources/errors';
import type { CliContext } from '../cliContext';
import { stderrHttpLog } from '../httpLog';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { UsageError } from '../usageError';

export interface ReplayFlags extends SourceFlags {
  readonly yes?: boolean;
}

export function replayWarning(id: string): string {
  return (
    `replay runs the workflow of execution ${id} again, with all its side effects: it may create or change records ` +
    'in connected systems (a customer\'s CRM, tickets, messages). Pass --yes to replay it.'
  );
}

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('replay')
    .description('Run a workflow execution again (Paragon, beta endpoint). Side effects happen again; needs --yes.')
    .argument('<id>', 'the workflow execution id');
  addSourceOptions(command);
  command.option('--yes', 'confirm: run it again, with its side effects').action(async (id: string) => {
    await runReplay(id, command.opts<ReplayFlags>(), ctx);
  });
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
  await source.replay(id, ctx.signal);
  const project = flags.project ? ` --project ${flags.project}` : '';
  const find = run.workflowId ? ` Its new execution will show in: task-history list --source ${flags.source}${project} --workflow ${run.workflowId}` : '';
  io.stdout.write(`Replay requested for ${id}.${find}\n`);
}
