// How VS Code starts `task-history mcp` for one configured source: the editor's own runtime
// (process.execPath, with ELECTRON_RUN_AS_NODE so Electron runs as plain Node) on the
// extension's dist/cli.js, the source named by flags built from its settings entry, and the
// key in the environment only. Arguments are visible to every user of the machine (ps) and
// land in logs; the environment of a child process is not. Pure (no `vscode`), so a unit test
// can hold it to that: src/commands/mcpServerProvider.ts wraps it in VS Code's types.
// Stats and error signatures read the window's own run index (--index), never the CLI's
// default file (another history, or none); the window holds that file open exclusively while
// it is open, so the environment tells the server whose it is (MCP_INDEX_OWNER_ENV) and its
// answer says so, with what to do, rather than a generic "try again".
import * as l10n from '@vscode/l10n';
import { API_KEY_ENV } from '../cli/apiKey';
import type { SourceConfig } from '../sources/sourceConfig';

/**
 * Set to 'vscode' in the environment of servers VS Code starts on its window's run index
 * (read by tools.ts). Here, not in tools.ts: the extension imports this module at startup and
 * must not load the run index's engine with it.
 */
export const MCP_INDEX_OWNER_ENV = 'TASK_HISTORY_MCP_INDEX_OWNER';

export interface McpLaunch {
  readonly label: string;
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export interface McpLaunchOptions {
  /** The runtime: the extension host's process.execPath. */
  readonly execPath: string;
  /** The extension's dist/cli.js. */
  readonly cliPath: string;
  /** The extension's run index file (taskHistory.index.path resolved, else <globalStorage>/runs.db); the CLI's default file when absent. */
  readonly indexPath?: string;
}

/** The server's label in VS Code's MCP list. */
export function mcpServerLabel(config: SourceConfig): string {
  return l10n.t('Task History: {0}', config.label?.trim() || config.id);
}

/** `dist/cli.js mcp --source … ` for this source: the same flags a person would type; never the key. */
export function mcpServerArgs(config: SourceConfig, options: McpLaunchOptions): string[] {
  const args = [options.cliPath, 'mcp', '--source', config.kind];
  if (config.baseUrl) args.push('--base-url', config.baseUrl);
  if (config.projectId) args.push('--project', config.projectId);
  if (config.requestsPerHour !== undefined) args.push('--requests-per-hour', String(Math.round(config.requestsPerHour)));
  if (config.allowInsecureHttp === true) args.push('--allow-insecure-http');
  if (options.indexPath) args.push('--index', options.indexPath);
  return args;
}

/**
 * The definition before the server starts: no key yet (it is read from SecretStorage when VS
 * Code resolves the server). With the window's index, the environment says the index is the
 * window's (so "in use" is explained as that).
 */
export function mcpServerLaunch(config: SourceConfig, options: McpLaunchOptions): McpLaunch {
  const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1' };
  if (options.indexPath) env[MCP_INDEX_OWNER_ENV] = 'vscode';
  return { label: mcpServerLabel(config), command: options.execPath, args: mcpServerArgs(config, options), env };
}

/** The environment the server starts with: the launch's, plus the key when there is one. */
export function mcpServerEnv(launch: Pick<McpLaunch, 'env'>, apiKey: string | undefined): Record<string, string> {
  const env = { ...launch.env };
  if (apiKey?.trim()) env[API_KEY_ENV] = apiKey.trim();
  return env;
}
