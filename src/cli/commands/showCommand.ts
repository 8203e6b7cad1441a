// `task-history show <id>`: one run's fields and its steps in the order the workflow flows.
import type { Command } from 'commander';
import { toExportedRun, toExportedStep } from '../../core/export/records';
import { runFields, terminalJson } from '../../core/format';
import { orderSteps } from '../../core/stepGraph';
import type { CliContext } from '../cliContext';
import { stderrHttpLog } from '../httpLog';
import { ALWAYS_STEP_COLUMNS, STEP_COLUMNS } from '../runColumns';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { columnsWithValues, Table, terminalSafe } from '../table';

export interface ShowFlags extends SourceFlags {
  readonly json?: boolean;
}

export function registerShowCommand(program: Command, ctx: CliContext): void {
  const command = program.command('show').description('Show one run and its steps (in flow order, with status and duration).').argument('<id>', 'the run id');
  addSourceOptions(command);
  command.option('--json', 'print the run with its steps as JSON (the export\'s record shape)').action(async (id: string) => {
    await runShow(id, command.opts<ShowFlags>(), ctx);
  });
}

export async function runShow(id: string, flags: ShowFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const source = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  const run = await source.getRun(id, ctx.signal);
  const ordered = orderSteps(run.steps);
  if (flags.json) {
    // C1 controls and bidi overrides as \u escapes: JSON.stringify leaves them raw for the terminal to obey.
    io.stdout.write(`${terminalJson(toExportedRun(run, ordered.map((o) => toExportedStep(o.step))), 2)}\n`);
    return;
  }
  const fields = runFields(run);
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) io.stdout.write(`${`${label}:`.padEnd(width + 2)}${terminalSafe(value)}\n`);
  io.stdout.write(`\nSteps (${run.steps.length}):\n`);
  if (ordered.length === 0) return;
  const table = new Table(columnsWithValues(STEP_COLUMNS, ordered, ALWAYS_STEP_COLUMNS), ordered);
  io.stdout.write(`${table.header()}\n`);
  for (const step of ordered) io.stdout.write(`${table.row(step)}\n`);
}
