// Composition root: builds the log, keys, sources, the runs view and its live refresh,
// and registers every command. Nothing else lives here.
import * as vscode from 'vscode';
import { registerDemoCommand } from './commands/demoCommand';
import { registerExportCommands } from './commands/exportCommands';
import { registerFilterCommands } from './commands/filterCommands';
import { registerOpenRunCommands } from './commands/openRunCommands';
import { registerRunCommands } from './commands/runCommands';
import { registerSourceCommands } from './commands/sourceCommands';
import { ApiKeys, redactingLog } from './config/secrets';
import * as settings from './config/settings';
import { SourceRegistry } from './config/sourceRegistry';
import type { Run } from './core/model';
import { PayloadCache } from './core/payloadCache';
import { stepDocuments } from './panels/stepDocuments';
import { FailureIndicators } from './views/failureIndicators';
import { LiveRefresh } from './views/liveRefresh';
import type { LoadMoreNode } from './views/nodes/loadMoreNode';
import type { TreeNode } from './views/nodes/treeNode';
import { RunsTreeProvider } from './views/runsTree';

export function activate(context: vscode.ExtensionContext): void {
  // Every line written to the log, and every notification (views/notifications.ts), passes
  // the redactor with every key in SecretStorage (errors are already redacted where they are
  // built: this is the second line of defence, at the outputs).
  const channel = vscode.window.createOutputChannel('Task History', { log: true });
  const log = redactingLog(channel);
  const keys = new ApiKeys(context.secrets);
  const registry = new SourceRegistry(keys, log);
  void keys.rememberAll(registry.list().map((s) => s.config.id));
  const tree = new RunsTreeProvider(registry);
  // Step inputs and outputs, shared by the run panel, payload documents, Compare and Export Run.
  const payloads = new PayloadCache();
  const view = vscode.window.createTreeView('taskHistory.runs', { treeDataProvider: tree, showCollapseAll: true });
  const indicators = new FailureIndicators(view);

  const reveal = async (sourceId: string, run: Run) => {
    const node = [...tree.runNodes.values()].find((n) => n.sourceId === sourceId && n.run.id === run.id);
    if (node) await view.reveal(node, { select: true, focus: true });
    else await vscode.commands.executeCommand('taskHistory.openRun', sourceId, run.id);
  };
  // The view tells live refresh when it is on screen: polling stops while nobody sees it.
  const live = new LiveRefresh(registry, tree, log, reveal, view);

  const showFilter = () => {
    view.description = tree.filterDescription || undefined;
    void vscode.commands.executeCommand('setContext', 'taskHistory.filterActive', Boolean(tree.filterDescription));
  };
  showFilter();

  context.subscriptions.push(
    channel,
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
      if (event.affectsConfiguration('taskHistory.sources') || settings.affectsHttpLimits(event)) registry.reload();
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
    ...registerSourceCommands(registry, keys),
    ...registerFilterCommands(tree),
    ...registerOpenRunCommands(registry, stepDocuments(registry, payloads)),
    // The run panel: taskHistory.openRun, Replay, Compare, Export Run, and panel restore.
    ...registerRunCommands({ extensionUri: context.extensionUri, registry, payloads, log }),
    ...registerDemoCommand(registry, log),
    ...registerExportCommands(registry, tree, log),
  );
  if (settings.startDemoOnStartup()) void vscode.commands.executeCommand('taskHistory.openDemo');
  log.info('Task History Explorer activated');
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
