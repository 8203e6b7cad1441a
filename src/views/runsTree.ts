// The runs tree: sources → groups → runs → steps. Nodes read runs from the run store and
// load their own children through it; this provider holds the view state (each source's
// filter, grouping) and repaints only what the store says changed. The filters are kept in the
// workspace's state (core/filterMemory.ts): a window reload finds them, another workspace has
// its own, and a removed source's filter goes with it.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import * as settings from '../config/settings';
import { BUILTIN_COMMANDS } from '../contributions';
import { FilterMemory, summarizeFilters, type FilterStorage } from '../core/filterMemory';
import { filterFieldsOf, isEmptyFilter, restrictFilter, type RunFilter } from '../core/filters';
import type { RunStore } from '../store/runStore';
import type { SignatureNode } from './nodes/failuresNode';
import { GroupNode } from './nodes/groupNode';
import { LoadMoreNode } from './nodes/loadMoreNode';
import { MessageNode } from './nodes/messageNode';
import { RunNode } from './nodes/runNode';
import { SourceNode } from './nodes/sourceNode';
import type { IndexedSourceView, TreeContext, TreeNode } from './nodes/treeNode';

export class RunsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: TreeNode[] | undefined;
  private readonly filters: FilterMemory;
  /** Run nodes currently shown, by node id: repainted when their run changes, and found to reveal. */
  readonly runNodes = new Map<string, RunNode>();
  private readonly subscriptions: { dispose(): void }[] = [];
  /** Set while this provider invalidates the store itself (its own refresh repaints everything). */
  private invalidating = false;
  private readonly sourcesToRepaint = new Set<string>();
  readonly ctx: TreeContext;
  private readonly filterChanged = new vscode.EventEmitter<{ readonly sourceId?: string }>();
  /** A source's filter changed (`sourceId`), or several sources' (undefined). */
  readonly onDidChangeFilter = this.filterChanged.event;
  /** The run index's reader (attached once it opens): a source that cannot be reached shows its indexed runs. */
  private indexReader: ((sourceId: string) => IndexedSourceView | undefined) | undefined;

  constructor(
    private readonly registry: SourceRegistry,
    private readonly store: RunStore,
    /** Where the filters are kept (the workspace's state); none: for this session only. */
    filterState?: FilterStorage,
    log?: { warn(message: string): void },
  ) {
    this.filters = new FilterMemory(filterState, (error) =>
      log?.warn(`could not keep the filters in the workspace state: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.forgetRemovedFilters();
    this.ctx = {
      registry,
      store,
      filter: (sourceId: string) => this.filterOf(sourceId),
      groupBy: () => settings.groupBy(),
      changed: (node) => this.emitter.fire(node),
      track: (node) => this.runNodes.set(node.id, node as RunNode),
      indexed: (sourceId) => this.indexReader?.(sourceId),
    };
    this.subscriptions.push(
      // A run reached a new state (a live poll, the run panel, a count): repaint its rows only.
      store.onDidChangeRun(({ sourceId, run }) => {
        for (const node of this.runNodes.values()) if (node.sourceId === sourceId && node.runId === run.id) this.emitter.fire(node);
      }),
      // Someone else started a source's listings afresh (replay's follow-up): repaint that source.
      // A workflow named (Name Workflow…): the rows repaint with the name (their data is kept).
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('taskHistory.workflowNames')) this.emitter.fire(undefined);
      }),
      // A removed source's filter goes with it.
      registry.onDidChange(() => this.forgetRemovedFilters()),
      store.onDidChangeListing(({ sourceId, what }) => {
        if (what !== 'reset' || this.invalidating) return;
        // One repaint for the many listings an invalidation resets.
        if (this.sourcesToRepaint.size === 0) queueMicrotask(() => this.repaintSources());
        this.sourcesToRepaint.add(sourceId);
      }),
    );
  }

  /** The run index opened, closed or moved: sources shown offline read it from now on. */
  attachIndex(reader: ((sourceId: string) => IndexedSourceView | undefined) | undefined): void {
    this.indexReader = reader;
  }

  /**
   * One source's filter ({} for none), cut to what its API filters by now: a filter kept in the
   * workspace's state may predate a settings change (a source's kind changed under the same id),
   * or be hostile, and a field the API cannot take must never reach a query.
   */
  filterOf(sourceId: string): RunFilter {
    const stored = this.filters.get(sourceId);
    const source = this.registry.get(sourceId)?.source;
    return source ? restrictFilter(stored, filterFieldsOf(source.capabilities)) : stored;
  }

  /** The view's header: the filter when one source has one, else how many sources are filtered. */
  get filterDescription(): string {
    return this.describeFilters();
  }

  /** The filters of these sources (every source when none is given) in words: the view's header, Insights' for the sources it shows. */
  describeFilters(sourceIds: readonly string[] = []): string {
    const sources = this.registry.list().filter((s) => sourceIds.length === 0 || sourceIds.includes(s.config.id));
    return summarizeFilters(
      sources.map((s) => ({ label: s.config.label ?? s.config.id, filter: this.filterOf(s.config.id) })),
      sources.length,
    );
  }

  /** Whether any source has a filter. */
  get filterActive(): boolean {
    return this.registry.list().some((s) => !isEmptyFilter(this.filterOf(s.config.id)));
  }

  /**
   * Sets one source's filter, or every source's (`sourceId` undefined), each cut to what its
   * API can filter by; only the sources whose filter changed are loaded again.
   */
  setFilter(filter: RunFilter, sourceId?: string): void {
    const targets = this.registry.list().filter((s) => sourceId === undefined || s.config.id === sourceId);
    const changed = targets.filter((s) => this.filters.set(s.config.id, restrictFilter(filter, filterFieldsOf(s.source.capabilities)))).map((s) => s.config.id);
    this.filtersChanged(changed, sourceId);
  }

  /** Clears one source's filter, or every source's. */
  clearFilter(sourceId?: string): void {
    this.filtersChanged(this.filters.clear(sourceId), sourceId);
  }

  /** Settles once the filters set so far are written to the workspace's state. */
  get filtersSaved(): Promise<void> {
    return this.filters.saved;
  }

  private filtersChanged(changed: readonly string[], sourceId: string | undefined): void {
    if (changed.length === 0) return;
    this.filterChanged.fire({ sourceId: changed.length === 1 ? changed[0] : sourceId });
    if (!this.roots) return this.emitter.fire(undefined);
    for (const node of this.sourceNodes()) if (changed.includes(node.sourceId)) this.reload(node);
  }

  /** A source's listings afresh, its rows gone: it renders again with its filter. */
  private reload(node: SourceNode): void {
    this.invalidating = true;
    try {
      this.store.invalidate(node.sourceId);
      this.forgetRuns(node);
    } finally {
      this.invalidating = false;
    }
    this.emitter.fire(node);
  }

  /**
   * Drops the filters of sources no longer configured. Not while the settings have a problem:
   * an entry being edited (a typo) is not a removed source, and its filter must not be lost.
   */
  private forgetRemovedFilters(): void {
    if (this.registry.problems.length > 0) return;
    const dropped = this.filters.retain(this.registry.list().map((s) => s.config.id));
    if (dropped.length > 0) this.filterChanged.fire({});
  }

  getTreeItem(node: TreeNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return node.getTreeItem();
  }

  /** On hover: a source's tooltip, computed then so its request budget is current. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node instanceof SourceNode) item.tooltip = node.tooltip();
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    if (node) return node.getChildren();
    if (!this.roots) {
      const roots = (this.roots = this.buildRoots());
      // A source's tooltip (its key's request budget) is resolved on hover, and VS Code keeps
      // a resolved tooltip until that row itself changes: a full refresh does not reset it.
      // Repainting the new source rows once does, at no cost (their children are kept).
      setTimeout(() => roots.forEach((node) => node instanceof SourceNode && this.roots === roots && this.emitter.fire(node)), 0);
    }
    return this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Everything afresh (settings, filter or grouping changed, or the user asked). */
  refresh(): void {
    this.invalidating = true;
    try {
      this.store.invalidate();
    } finally {
      this.invalidating = false;
    }
    this.roots = undefined;
    this.runNodes.clear();
    this.emitter.fire(undefined);
  }

  /** Reloads one node's data and repaints just it; an error row's Retry reloads the row it stands in for. */
  retry(node: TreeNode): void {
    if (node instanceof MessageNode && node.parent) node = node.parent;
    this.invalidating = true;
    try {
      if (node instanceof SourceNode) {
        this.store.invalidate(node.sourceId);
        node.reset();
      }
      if (node instanceof GroupNode) node.listing.reset();
    } finally {
      this.invalidating = false;
    }
    this.emitter.fire(node);
  }

  private repaintSources(): void {
    const ids = new Set(this.sourcesToRepaint);
    this.sourcesToRepaint.clear();
    for (const node of this.sourceNodes()) {
      if (!ids.has(node.sourceId)) continue;
      node.reset();
      for (const [id, run] of this.runNodes) if (run.sourceId === node.sourceId) this.runNodes.delete(id);
      this.emitter.fire(node);
    }
  }

  /**
   * The run index opened, closed or moved: the sources the API cannot be reached for show
   * what it holds now (their failed listings are kept: no request is sent again), and every
   * source's "Failures" row appears, goes or is worked out afresh (the repaint reuses the
   * source's listings: no request either).
   */
  indexChanged(): void {
    for (const node of this.sourceNodes()) {
      if (node.readsIndex) this.forgetRuns(node);
      else node.forgetIndexed();
      this.emitter.fire(node);
    }
  }

  /**
   * A sync added or changed runs in the index (one source, or every one): each source's
   * "Failures" row is worked out again with the tree's current filter, and groups read from the
   * index (agent, model, the workflows shown) are read again; a source shown offline shows what
   * the index holds now. Nothing is asked of the API but the first page of a workflow new to the
   * tree. Wire it to the index's "synced" event (src/commands/indexCommands.ts).
   *
   * Only the rows whose content the sync changed are repainted: a sync runs every few minutes in
   * the background, and repainting a whole source re-renders every row under it while the user
   * may be clicking one (a status-grouped source only repaints its "Failures" row).
   */
  indexSynced(sourceId?: string): void {
    for (const node of this.sourceNodes()) {
      if (sourceId !== undefined && node.sourceId !== sourceId) continue;
      if (node.readsIndex) {
        this.forgetRuns(node);
        this.emitter.fire(node);
        continue;
      }
      const changed = node.indexSynced();
      if (changed) this.emitter.fire(changed);
    }
  }

  /** The source shows the index's runs: it reads them again, and its run rows go. */
  private forgetRuns(node: SourceNode): void {
    node.reset();
    for (const [id, run] of this.runNodes) if (run.sourceId === node.sourceId) this.runNodes.delete(id);
  }

  /**
   * The row of an error signature under its source's "Failures" (computing the signatures if
   * they are not yet), for "List in Tree" to reveal; undefined when the tree cannot show it
   * (the index closed, the source gone, no such signature for the tree's filter).
   */
  async signatureNode(sourceId: string, key: string): Promise<SignatureNode | undefined> {
    if (!this.roots) void this.getChildren();
    const source = this.sourceNodes().find((n) => n.sourceId === sourceId);
    return source?.failuresNode()?.signature(key);
  }

  async loadMore(node: LoadMoreNode): Promise<void> {
    await node.listing.loadNext();
    this.emitter.fire(node.parent);
  }

  sourceNodes(): SourceNode[] {
    return (this.roots ?? []).filter((n): n is SourceNode => n instanceof SourceNode);
  }

  private buildRoots(): TreeNode[] {
    const roots: TreeNode[] = this.registry.list().map((configured) => new SourceNode(configured, this.ctx));
    for (const [i, problem] of this.registry.problems.entries()) {
      roots.push(
        new MessageNode(undefined, `settings-problem:${i}`, 'settings', problem.message, {
          label: vscode.l10n.t('Open Settings'),
          command: { command: BUILTIN_COMMANDS.openSettingsJson, title: vscode.l10n.t('Open Settings') },
        }),
      );
    }
    return roots;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.filterChanged.dispose();
  }
}
