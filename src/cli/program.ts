// The command line's shape (commander): commands, shared help, and how any failure becomes
// one line on stderr and an exit code. Commands stay thin: flags → core → output.
import { Argument, Command, CommanderError } from 'commander';
import { singleLine } from '../core/format';
import { isHistoryApiError, userMessage } from '../core/errors';
import { API_KEY_ENV } from './apiKey';
import type { CliContext } from './cliContext';
import { CommandFailure } from './commandFailure';
import { COMPLETION_HELP, COMPLETION_SHELLS, completionScript, type CompletionShell } from './completion';
import { registerErrorsCommand } from './commands/errorsCommand';
import { registerExportCommand } from './commands/exportCommand';
import { registerListCommand } from './commands/listCommand';
import { registerMcpCommand } from './commands/mcpCommand';
import { registerReplayCommand } from './commands/replayCommand';
import { registerShowCommand } from './commands/showCommand';
import { registerStatsCommand } from './commands/statsCommand';
import { registerSyncCommand } from './commands/syncCommand';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exitCodes';
import { PROFILES_FILE_HELP } from './sourceOptions';
import { applySourceDefaults, BASE_URL_ENV, PROFILE_ENV, PROJECT_ENV, SOURCE_ENV } from './sourceDefaults';
import { CLI_VERSION } from './version';

const PROGRAM_HELP = `
Environment:
  ${API_KEY_ENV}  the API key (Paragon project key or Dispersl token). Read from the
                        environment only, never from a flag, so it stays out of shell history.
  ${SOURCE_ENV}, ${BASE_URL_ENV}, ${PROJECT_ENV}
                        defaults for --source, --base-url and --project (a flag wins; the
                        base URL and project apply only with their own source).
  ${PROFILE_ENV}  a profile to use when --profile is not given.

Profiles: ${PROFILES_FILE_HELP}
  {"profiles": {"prod": {"source": "paragon", "project": "<id>"},
                "local": {"source": "paragon", "baseUrl": "http://127.0.0.1:4680", "project": "<id>"}}}
  task-history list --profile prod      (source, baseUrl and project only: a file holding
                                         anything key-like is refused; a profile replaces the
                                         ${SOURCE_ENV}/… variables, flags still win)

Dates are ISO 8601: a date (2025-01-31, midnight UTC) or a date-time (2025-01-31T14:30:00Z).
Data goes to stdout (or --out); progress and messages go to stderr.

${EXIT_CODES_HELP}

Examples:
  export TASK_HISTORY_API_KEY=...
  task-history list --source paragon --project <id> --status failed
  task-history show <execution-id> --source paragon --project <id>
  task-history export --source paragon --project <id> --after 2025-01-01 --before 2025-02-01 --out january.ndjson
  task-history export --source dispersl --out tasks.csv
  task-history sync --source paragon --project <id> --all-history
  task-history mcp --source paragon --project <id>    (an MCP server for AI agents, on stdio)

${COMPLETION_HELP}`;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('task-history')
    .description('Browse, export and replay Paragon workflow executions and Dispersl agent tasks.')
    // Settings made before .command() are inherited by every command.
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.io.stdout.write(text), writeErr: (text) => ctx.io.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', PROGRAM_HELP);
  registerExportCommand(program, ctx);
  registerListCommand(program, ctx);
  registerShowCommand(program, ctx);
  registerReplayCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerStatsCommand(program, ctx);
  registerErrorsCommand(program, ctx);
  registerMcpCommand(program, ctx);
  registerCompletionCommand(program, ctx);
  // --source, --base-url and --project left out: from a profile or the environment (and --source is required from one of them).
  program.hook('preAction', (_program, action) => applySourceDefaults(action, ctx.env));
  for (const command of program.commands.filter((c) => c.name() !== 'completion'))
    command.addHelpText('after', `\nThe key is read from ${API_KEY_ENV}. See task-history --help for exit codes.`);
  return program;
}

function registerCompletionCommand(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script for bash or zsh (commands, flags, and the values of --source, --status, --format, --by…).')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(COMPLETION_SHELLS))
    .addHelpText('after', `\n${COMPLETION_HELP}`)
    .action((shell: CompletionShell) => {
      ctx.io.stdout.write(completionScript(shell, program));
    });
}

/** Runs one command line; resolves with the process's exit code, never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error, ctx, argv.includes('--verbose'));
  }
}

function report(error: unknown, ctx: CliContext, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help) through configureOutput.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  const reason = error instanceof CommandFailure ? error.reason : error;
  const message = singleLine(error instanceof CommandFailure ? error.message : userMessage(error));
  ctx.io.stderr.write(`task-history: ${message}\n`);
  if (verbose && isHistoryApiError(reason)) ctx.io.stderr.write(`detail: ${singleLine(reason.detail)}\n`);
  if (ctx.signal.aborted) return EXIT.cancelled;
  return exitCodeFor(reason);
}
