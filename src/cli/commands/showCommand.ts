// `task-history show <id>`: one run's fields and its steps in the order the workflow flows,
// each step as its fields from core's stepFields (the list the tree and the panel show too).
import type { Command } from 'commander';
import { toExportedRun, toExportedStep } from '../../core/export/records';
import { runFields, stepFields, stepLabel, terminalJson } from '../../core/format';
import type { RunDetail } from '../../core/model';
import { orderSteps, type OrderedStep } from '../../core/stepGraph';
import type { CliContext } from '../cliContext';
import { addIndexOption, openCliIndex, type IndexFlags } from '../cliIndex';
import { stderrHttpLog } from '../httpLog';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { terminalSafe } from '../table';

/** Branches indent by two spaces a level, up to this many levels: deeper ones would push the fields off the screen. */
const MAX_INDENT = 8;

export interface ShowFlags extends SourceFlags, IndexFlags {
  readonly json?: boolean;
}

export function registerShowCommand(program: Command, ctx: CliContext): void {
  const command = program.command('show').description('Show one run and its steps (in flow order, with status and duration).').argument('<id>', 'the run id');
  addSourceOptions(command);
  command.option('--json', "print the run with its steps as JSON (the export's record shape)");
  addIndexOption(command, ctx, 'the run').action(async (id: string) => {
    await runShow(id, command.opts<ShowFlags>(), ctx);
  });
}

export async function runShow(id: string, flags: ShowFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const source = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  const indexed = openCliIndex(flags, source, ctx);
  let run: RunDetail;
  try {
    // A finished run the index holds is shown without a request; one past the API's retention, archived.
    run = indexed ? await indexed.local.detail(id, ctx.signal) : await source.getRun(id, ctx.signal);
  } finally {
    indexed?.close();
  }
  if (run.archived) io.stderr.write('Archived: the API no longer has this run (past its retention); shown as the run index kept it.\n');
  const ordered = orderSteps(run.steps);
  if (flags.json) {
    // C1 controls and bidi overrides as \u escapes: JSON.stringify leaves them raw for the terminal to obey.
    io.stdout.write(
      `${terminalJson(
        toExportedRun(
          run,
          ordered.map((o) => toExportedStep(o.step)),
        ),
        2,
      )}\n`,
    );
    return;
  }
  const fields = runFields(run);
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) io.stdout.write(`${`${label}:`.padEnd(width + 2)}${terminalSafe(value)}\n`);
  io.stdout.write(`\nSteps (${run.steps.length}):\n`);
  io.stdout.write(stepBlocks(ordered));
}

/**
 * Each step as a heading (its name, indented by its depth in the flow, ↳ where a branch
 * starts) and its fields under it, one a line, values aligned across all steps.
 */
export function stepBlocks(ordered: readonly OrderedStep[]): string {
  const blocks = ordered.map((o) => ({ o, fields: stepFields(o.step) }));
  // A loop, not Math.max(...): a run of thousands of steps has too many labels to spread.
  let width = 0;
  for (const { fields } of blocks) for (const [label] of fields) width = Math.max(width, label.length);
  let text = '';
  for (const { o, fields } of blocks) {
    const indent = '  '.repeat(Math.min(o.depth, MAX_INDENT));
    text += `\n${indent}${o.branch ? '↳ ' : ''}${terminalSafe(stepLabel(o.step))}\n`;
    for (const [label, value] of fields) text += `${indent}  ${`${label}:`.padEnd(width + 2)}${terminalSafe(value)}\n`;
  }
  return text;
}
