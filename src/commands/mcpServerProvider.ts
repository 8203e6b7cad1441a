// VS Code's chat gets the run history: one `task-history mcp` server per configured source,
// offered through VS Code's MCP server definition provider. Each runs the extension's own
// dist/cli.js on the editor's runtime (process.execPath, as Node through ELECTRON_RUN_AS_NODE);
// the definitions VS Code lists carry no key, and the key is read from SecretStorage into the
// server's environment only when VS Code starts it (resolveMcpServerDefinition), never into
// arguments or settings. The list is refreshed when sources or keys change. On a host without
// the API (older than 1.101) nothing is registered and activation goes on.
// Stats and error signatures read the window's own run index (--index: the setting
// taskHistory.index.path, else <globalStorage>/runs.db, as indexCommands.ts resolves it),
// never the CLI's default file; while the window holds it open the server says so.
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { mcpServerEnv, mcpServerLaunch } from '../mcp/serverDefinition';
import { resolveIndexPath } from './indexLocation';

/** The provider id, as package.json's contributes.mcpServerDefinitionProviders names it. */
export const MCP_PROVIDER_ID = 'taskHistory.mcpServers';

/** Names the source a definition belongs to (not secret: the settings' id), so resolve finds its key whatever object VS Code hands back. */
const SOURCE_ENV = 'TASK_HISTORY_MCP_SOURCE';

export function registerMcpServers(context: vscode.ExtensionContext, registry: SourceRegistry, log: vscode.LogOutputChannel): vscode.Disposable {
  const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof vscode.McpStdioServerDefinition !== 'function') {
    log.info('MCP servers are not offered: this VS Code has no MCP server definition API (1.101 or later has).');
    return new vscode.Disposable(() => undefined);
  }
  const changed = new vscode.EventEmitter<void>();
  const cliPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0');
  /** The window's run index file, as indexCommands.ts opens it; a setting it refuses falls back to the storage's file (the server then says there is none). */
  const indexPath = () => {
    const fallback = join(context.globalStorageUri.fsPath, 'runs.db');
    try {
      return resolveIndexPath(settings.indexSettings().path, fallback);
    } catch {
      return fallback;
    }
  };
  const provider: vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition> = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () =>
      registry.list().map(({ config }) => {
        const launch = mcpServerLaunch(config, { execPath: process.execPath, cliPath, indexPath: indexPath() });
        return new vscode.McpStdioServerDefinition(launch.label, launch.command, launch.args, { ...launch.env, [SOURCE_ENV]: config.id }, version);
      }),
    resolveMcpServerDefinition: async (server) => {
      const id = typeof server.env[SOURCE_ENV] === 'string' ? server.env[SOURCE_ENV] : undefined;
      const source = id === undefined ? undefined : registry.get(id);
      if (!source) throw new Error(vscode.l10n.t('{0}: its source is no longer configured (taskHistory.sources).', server.label));
      const key = await registry.apiKey(source.config.id);
      if (!key) throw new Error(vscode.l10n.t('{0}: no API key is set for this source. Run "Task History: Set API Key" first.', server.label));
      server.env = { ...server.env, ...mcpServerEnv({ env: {} }, key) };
      return server;
    },
  };
  try {
    const registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider);
    const secretsChanged = context.secrets.onDidChange(() => changed.fire());
    const sourcesChanged = registry.onDidChange(() => changed.fire());
    const indexMoved = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('taskHistory.index.path')) changed.fire();
    });
    return vscode.Disposable.from(registration, secretsChanged, sourcesChanged, indexMoved, changed);
  } catch (error) {
    // A host that has the function but refuses the provider (a contribution it does not know): no MCP servers, the rest works.
    log.warn(`MCP servers are not offered: ${error instanceof Error ? error.message : String(error)}`);
    changed.dispose();
    return new vscode.Disposable(() => undefined);
  }
}
