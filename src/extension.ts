// Composition root: builds the log, keys, sources, the runs view and its live refresh,
// and registers every command. Nothing else lives here.
import * as vscode from 'vscode';
import { registerDemoCommand } from './commands/demoCommand';
import { registerExportCommands } from './commands/exportCommands';
import { registerFilterCommands } from './commands/filterCommands';
import { openRaw, registerOpenRunCommands } from './commands/openRunCommands';
import { registerSourceCommands } from './commands/sourceCommands';
import { ApiKeys } from './config/secrets';
import * as settings from './config/settings';
import { SourceRegistry } from './config/sourceRegistry';
import type { Run } from './core/model';
import { FailureIndicators } from './views/failureIndicators';
import { LiveRefresh } from './views/liveRefresh';
import type { LoadMoreNode } from './views/nodes/loadMoreNode';
import type { TreeNode } from './views/nodes/treeNode';
import { RunsTreeProvider } from './views/runsTree';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Task History', { log: true });
  const keys = new ApiKeys(context.secrets);
  const registry = new SourceRegistry(keys, log);
  const tree = new RunsTreeProvider(registry);
  const view = vscode.window.createTreeView('taskHistory.runs', { treeDataProvider: tree, showCollapseAll: true });
  const indicators = new FailureIndicators(view);

  const reveal = async (sourceId: string, run: Run) => {
    const node = [...tree.runNodes.values()].find((n) => n.sourceId === sourceId && n.run.id === run.id);
    if (node) await view.reveal(node, { select: true, focus: true });
    else await vscode.commands.executeCommand('taskHistory.openRun', sourceId, run.id);
  };
  const live = new LiveRefresh(registry, tree, log, reveal);

  const showFilter = () => {
    view.description = tree.filterDescription || undefined;
    void vscode.commands.executeCommand('setContext', 'taskHistory.filterActive', Boolean(tree.filterDescription));
  };
  showFilter();

  context.subscriptions.push(
    log,
    registry,
    tree,
    view,
    indicators,
    live,
    live.onDidCountFailures((count) => indicators.update(count)),
    tree.onDidChangeFilter(() => {
      showFilter();
      void live.countFailures();
    }),
    registry.onDidChange(() => {
      tree.refresh();
      void live.countFailures();
    }),
    keys.onDidChange(() => {
      tree.refresh();
      void live.countFailures();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!settings.affectsSettings(event)) return;
      if (event.affectsConfiguration('taskHistory.sources')) registry.reload();
      else if (event.affectsConfiguration('taskHistory.groupBy')) tree.refresh();
      if (event.affectsConfiguration('taskHistory.refreshInterval')) live.restart();
    }),
    vscode.commands.registerCommand('taskHistory.refresh', () => {
      tree.refresh();
      void live.countFailures();
    }),
    vscode.commands.registerCommand('taskHistory.retry', (node: TreeNode) => tree.retry(node)),
    vscode.commands.registerCommand('taskHistory.loadMore', (node: LoadMoreNode) => tree.loadMore(node)),
    vscode.commands.registerCommand('taskHistory.showLog', () => log.show()),
    // The run panel (a later change) takes this over; until then a run opens as JSON.
    vscode.commands.registerCommand('taskHistory.openRun', (sourceId: string, runId: string) => openRaw(sourceId, runId)),
    ...registerSourceCommands(registry, keys),
    ...registerFilterCommands(tree),
    ...registerOpenRunCommands(registry),
    ...registerDemoCommand(registry, log),
    ...registerExportCommands(registry, tree, log),
  );
  if (settings.startDemoOnStartup()) void vscode.commands.executeCommand('taskHistory.openDemo');
  log.info('Task History Explorer activated');
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
