// Composition root: builds the log, keys, sources, the run store, the runs view and its live
// refresh, and registers every command (one table: src/commands/commandTable.ts). Nothing
// else lives here.
import * as vscode from 'vscode';
import { registerCommandTable } from './commands/commandTable';
import { demoCommand } from './commands/demoCommand';
import { insightsCommands } from './commands/insightsCommands';
import { registerMcpServers } from './commands/mcpServerProvider';
import { runListActions } from './commands/runListCommands';
import { workflowNameCommandHandlers } from './commands/workflowNameCommands';
import { exportCommandHandlers } from './commands/exportCommands';
import { filterCommandHandlers } from './commands/filterCommands';
import { indexCommands } from './commands/indexCommands';
import { linkCommands } from './commands/linkCommands';
import { openRunCommandHandlers } from './commands/openRunCommands';
import { runCommands } from './commands/runCommands';
import { sourceCommandHandlers } from './commands/sourceCommands';
import { ApiKeys, redactingLog } from './config/secrets';
import * as settings from './config/settings';
import { SourceRegistry } from './config/sourceRegistry';
import { BUILTIN_COMMANDS, COMMANDS, CONTEXT_KEYS, VIEWS } from './contributions';
import { configureLocalization } from './core/locale';
import type { Run } from './core/model';
import { TaskHistoryDocuments } from './documents/taskHistoryDocuments';
import { RunPanel } from './panels/runPanel';
import { RunStore } from './store/runStore';
import { FailureIndicators } from './views/failureIndicators';
import { LiveRefresh } from './views/liveRefresh';
import type { LoadMoreNode } from './views/nodes/loadMoreNode';
import type { TreeNode } from './views/nodes/treeNode';
import { RunsTreeProvider } from './views/runsTree';

export function activate(context: vscode.ExtensionContext): void {
  // First: core's and the sources' messages (@vscode/l10n) read VS Code's bundle for the display
  // language, and numbers, dates and relative times are written in it (core/locale.ts).
  configureLocalization(vscode.l10n.bundle, vscode.env.language);
  // Every line written to the log, and every notification (views/notifications.ts), passes
  // the redactor with every key in SecretStorage (errors are already redacted where they are
  // built: this is the second line of defence, at the outputs).
  const channel = vscode.window.createOutputChannel('Task History', { log: true });
  const log = redactingLog(channel);
  const keys = new ApiKeys(context.secrets);
  const registry = new SourceRegistry(keys, log);
  void keys.rememberAll(registry.list().map((s) => s.config.id));
  // Every view reads runs, listings, steps and payloads from here.
  const store = new RunStore((id) => registry.get(id)?.source);
  // Each source's filter is kept in this workspace's state (a reload finds it).
  const tree = new RunsTreeProvider(registry, store, context.workspaceState, log);
  const view = vscode.window.createTreeView(VIEWS.runs, { treeDataProvider: tree, showCollapseAll: true });
  const indicators = new FailureIndicators(view);

  const reveal = async (sourceId: string, run: Run) => {
    const node = [...tree.runNodes.values()].find((n) => n.sourceId === sourceId && n.runId === run.id);
    if (node) await view.reveal(node, { select: true, focus: true });
    else await vscode.commands.executeCommand(COMMANDS.openRun, sourceId, run.id);
  };
  // The view and the run panels tell live refresh when they are on screen: polling stops while nobody sees it.
  const live = new LiveRefresh(
    registry,
    store,
    log,
    reveal,
    (sourceId) => tree.filterOf(sourceId),
    view,
    () => RunPanel.activeRunVisible(),
    // The runs with a row in the tree: polled while the view is on screen.
    (sourceId) => new Set([...tree.runNodes.values()].filter((n) => n.sourceId === sourceId).map((n) => n.runId)),
  );

  const showFilter = () => {
    view.description = tree.filterDescription || undefined;
    void vscode.commands.executeCommand(BUILTIN_COMMANDS.setContext, CONTEXT_KEYS.filterActive, Boolean(tree.filterDescription));
  };
  showFilter();
  const refresh = () => {
    tree.refresh();
    void live.countFailures();
  };

  // What each source id's data comes from: when a source's settings name another server or
  // project, or its key changes (another account), what the store holds of it is not its data.
  const identityOf = (id: string) => {
    const config = registry.get(id)?.config;
    return config && JSON.stringify([config.kind, config.baseUrl ?? '', config.projectId ?? '']);
  };
  let identities = new Map(registry.list().map((s) => [s.config.id, identityOf(s.config.id)]));
  const sourcesChanged = () => {
    for (const [id, identity] of identities) if (identityOf(id) !== identity) store.forget(id);
    identities = new Map(registry.list().map((s) => [s.config.id, identityOf(s.config.id)]));
    refresh();
    // The header names sources and counts them: a source added, removed or renamed changes it.
    showFilter();
  };

  const demo = demoCommand(registry, log);
  const runIndex = indexCommands(context.globalStorageUri, registry, store, log);
  // A source the API cannot be reached for shows its runs from the index.
  tree.attachIndex((sourceId) => runIndex.indexed(sourceId));
  // "List in Tree" (Insights): the error signature's row under its source's "Failures", opened and selected.
  const runList = runListActions(registry, log, runIndex.withLocalRuns, async (sourceId, key) => {
    const node = await tree.signatureNode(sourceId, key);
    if (!node) return false;
    await view.reveal(node, { expand: true, select: true, focus: true });
    return true;
  });
  const insights = insightsCommands({
    extensionUri: context.extensionUri,
    registry,
    tree,
    index: runIndex,
    log,
    exportRunIds: runList.exportRunIds,
    listRunIds: runList.listRunIds,
  });
  const runs = runCommands({ extensionUri: context.extensionUri, registry, store, log, panelsChanged: () => live.panelsChanged() });
  // The URI handler (vscode://<publisher>.<name>/run?…), Copy Link and Open in Dashboard.
  const links = linkCommands({ registry, store, log, extensionId: context.extension.id });
  context.subscriptions.push(
    channel,
    registry,
    store,
    tree,
    view,
    indicators,
    live,
    live.onDidCountFailures((count) => indicators.update(count)),
    tree.onDidChangeFilter(() => {
      showFilter();
      void live.countFailures();
    }),
    // New clients (settings changed): what the store holds came through the old ones.
    registry.onDidChange(sourcesChanged),
    keys.onDidChange((sourceId) => {
      store.forget(sourceId);
      runIndex.keysChanged(sourceId);
      refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!settings.affectsSettings(event)) return;
      if (event.affectsConfiguration('taskHistory.sources') || settings.affectsHttpLimits(event)) registry.reload();
      else if (event.affectsConfiguration('taskHistory.groupBy')) tree.refresh();
      if (event.affectsConfiguration('taskHistory.refreshInterval')) live.restart();
    }),
    TaskHistoryDocuments.register(store),
    ...runs.disposables,
    ...links.disposables,
    ...insights.disposables,
    demo.disposable,
    // VS Code's chat: one task-history MCP server per source (skipped on a host without the API).
    registerMcpServers(context, registry, log),
    runIndex.disposable,
    runIndex.onDidChangeIndex(() => tree.indexChanged()),
    runIndex.onDidSyncSource((sourceId) => tree.indexSynced(sourceId)),
    ...registerCommandTable({
      [COMMANDS.refresh]: refresh,
      [COMMANDS.retry]: (node: TreeNode) => tree.retry(node),
      [COMMANDS.loadMore]: (node: LoadMoreNode) => tree.loadMore(node),
      [COMMANDS.showLog]: () => log.show(),
      ...sourceCommandHandlers(registry, keys),
      ...filterCommandHandlers(tree),
      ...openRunCommandHandlers(registry, store, log, context.extension.id),
      ...links.handlers,
      ...runs.handlers,
      ...demo.handlers,
      ...runIndex.handlers,
      ...exportCommandHandlers(registry, tree, log, runIndex.withLocalRuns),
      ...workflowNameCommandHandlers(),
      ...insights.handlers,
    }),
  );
  // TASK_HISTORY_START_DEMO=1: F5's development host (.vscode/launch.json), whose launch cannot set an application-scoped setting.
  if (settings.startDemoOnStartup() || process.env.TASK_HISTORY_START_DEMO === '1') void vscode.commands.executeCommand(COMMANDS.openDemo);
  log.info('Task History Explorer activated');
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
