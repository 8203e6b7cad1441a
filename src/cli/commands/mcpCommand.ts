// `task-history mcp`: the Model Context Protocol server (src/mcp/) on stdin/stdout, for one
// source named by the usual flags, with the key from the environment as for every command.
// The flags and the key are checked before the server starts (exit 2 or 3 with the usual
// message), so a client that launches it with a mistake sees why in its server log.
import type { Command } from 'commander';
import { redactKnown } from '../../core/redaction';
import { createMcpServer } from '../../mcp/server';
import { serveStdio } from '../../mcp/stdio';
import type { McpSourceContext } from '../../mcp/tools';
import type { CliContext } from '../cliContext';
import { stderrHttpLog } from '../httpLog';
import { defaultIndexPath } from '../indexPath';
import { addSourceOptions, sourceFromFlags, type SourceFlags } from '../sourceOptions';
import { sourceKeyOf } from './syncCommand';
import { CLI_VERSION } from '../version';

/** The server's version as MCP clients see it (the package's). */

export interface McpFlags extends SourceFlags {
  readonly index?: string;
  readonly allowReplay?: boolean;
}

export function registerMcpCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('mcp')
    .description(
      'Serve the run history to AI agents: a Model Context Protocol server on stdin/stdout with read-only tools (list, run, step payloads, failing step, compare, stats, error signatures).',
    );
  addSourceOptions(command);
  command
    .option('--index <file>', `the run index that stats and error signatures read (\`task-history sync\` fills it; default: ${defaultIndexPath(ctx.env)})`)
    .option('--allow-replay', 'offer the replay_run tool: it still asks the person to confirm through the client (MCP elicitation) and is refused by clients that cannot ask')
    .addHelpText(
      'after',
      "\nThe server speaks MCP on stdout; messages go to stderr. It ends when the client closes stdin.\n\nExample (an MCP client's configuration):\n  command: task-history   args: mcp --source paragon --project <id>   env: TASK_HISTORY_API_KEY=…",
    )
    .action(async () => {
      await runMcp(command.opts<McpFlags>(), ctx);
    });
}

/** The sync command that fills the index the server reads, as the user would type it. */
function syncCommandFor(flags: McpFlags): string {
  const parts = ['task-history sync', `--source ${flags.source}`];
  if (flags.baseUrl) parts.push(`--base-url ${flags.baseUrl}`);
  if (flags.project) parts.push(`--project ${flags.project}`);
  if (flags.index) parts.push(`--index ${flags.index}`);
  parts.push('--since <date>');
  return parts.join(' ');
}

export async function runMcp(flags: McpFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  // Usage and the key are checked here, before anything is served.
  const source = sourceFromFlags(flags, ctx.env, flags.verbose ? stderrHttpLog((line) => io.stderr.write(`${line}\n`)) : undefined);
  const mcp: McpSourceContext = {
    source,
    kind: flags.source,
    indexSourceId: sourceKeyOf(flags, ctx.env),
    indexPath: flags.index ?? defaultIndexPath(ctx.env),
    syncCommand: syncCommandFor(flags),
    redact: redactKnown,
    signal: ctx.signal,
  };
  const server = createMcpServer(mcp, { allowReplay: flags.allowReplay === true, version: CLI_VERSION });
  io.stderr.write(`task-history mcp: serving ${source.label} on stdio${flags.allowReplay ? ' (replay_run offered, confirmed by the person)' : ''}.\n`);
  await serveStdio(server, { redact: redactKnown, signal: ctx.signal });
}
