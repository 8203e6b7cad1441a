// `task-history errors`: the failed runs behind the filter clustered by error signature (the
// failing step's type and its error text normalized; Dispersl: the failing step's name, agent
// and model), from the run index alone. With --json the output is a stable shape for scripts:
// { "signatures": [ { signature, count, firstSeen, lastSeen, example, workflows, users } ] }.
import type { Command } from 'commander';
import { terminalJson } from '../../core/format';
import { errorSignatures } from '../../insights/errors';
import type { ErrorSignature } from '../../insights/model';
import type { CliContext } from '../cliContext';
import { addFilterOptions, addSourceOptions } from '../sourceOptions';
import { Table, type Column } from '../table';
import { addInsightsIndexOption, openInsights, type InsightsFlags } from './statsCommand';

export function registerErrorsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('errors')
    .description('Failed runs grouped by error signature (the failing step and its error with ids, numbers and times taken out): from the run index, no request.');
  addSourceOptions(command);
  addFilterOptions(command);
  addInsightsIndexOption(command, ctx);
  command
    .option('--json', 'print { "signatures": [ { "signature", "count", "firstSeen", "lastSeen", "example", "workflows", "users" } ] }')
    .addHelpText(
      'after',
      '\n"example" is the newest run\'s id; "workflows" are workflow ids (Paragon) or task names (Dispersl), most runs first.\n\nExamples:\n  task-history errors --source paragon --project <id> --after 2025-01-01\n  task-history errors --source dispersl --json',
    )
    .action(() => {
      runErrors(command.opts<InsightsFlags>(), ctx);
    });
}

/** A signature as --json prints it: exactly these keys. */
export function errorsJsonRow(s: ErrorSignature): Record<string, unknown> {
  return { signature: s.signature, count: s.count, firstSeen: s.firstSeen, lastSeen: s.lastSeen, example: s.example, workflows: s.workflows, users: s.users };
}

export function runErrors(flags: InsightsFlags, ctx: CliContext): void {
  const now = new Date();
  const session = openInsights(flags, ctx, now);
  try {
    const result = errorSignatures(session.scope, now);
    if (flags.json) {
      ctx.io.stdout.write(`${terminalJson({ signatures: result.signatures.map(errorsJsonRow) }, 2)}\n`);
    } else {
      const columns: Column<ErrorSignature>[] = [
        { header: 'count', cell: (s) => s.count.toLocaleString('en-US'), align: 'right' },
        { header: 'last seen', cell: (s) => s.lastSeen ?? '' },
        { header: 'trend', cell: (s) => (s.isNew ? 'new' : s.growing ? 'growing' : '') },
        { header: 'signature', cell: (s) => s.signature, maxWidth: 100 },
        { header: 'example', cell: (s) => s.example },
      ];
      const table = new Table(columns, result.signatures);
      ctx.io.stdout.write(`${table.header()}\n`);
      for (const s of result.signatures) ctx.io.stdout.write(`${table.row(s)}\n`);
    }
    const unsynced = result.withoutSteps > 0 ? `; ${result.withoutSteps.toLocaleString('en-US')} of them without their steps in the index (in no signature)` : '';
    ctx.io.stderr.write(
      `${result.signatures.length.toLocaleString('en-US')} signatures over ${result.failedRuns.toLocaleString('en-US')} failed runs${unsynced}, from the run index (no request).\n`,
    );
  } finally {
    session.close();
  }
}
