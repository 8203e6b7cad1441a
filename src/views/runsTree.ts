// The runs tree: sources → groups → runs → steps. Nodes load their own children; this
// provider holds the view state (filter, grouping) and repaints only what changed.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import * as settings from '../config/settings';
import { describeFilter, type RunFilter } from '../core/filters';
import type { Run } from '../core/model';
import { GroupNode } from './nodes/groupNode';
import { LoadMoreNode } from './nodes/loadMoreNode';
import { MessageNode } from './nodes/messageNode';
import { RunNode } from './nodes/runNode';
import { SourceNode } from './nodes/sourceNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';

export class RunsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: TreeNode[] | undefined;
  private currentFilter: RunFilter = {};
  /** Run nodes currently shown, by node id, for live refresh and reveal. */
  readonly runNodes = new Map<string, RunNode>();
  readonly ctx: TreeContext;
  private readonly filterChanged = new vscode.EventEmitter<RunFilter>();
  readonly onDidChangeFilter = this.filterChanged.event;

  constructor(private readonly registry: SourceRegistry) {
    this.ctx = {
      registry,
      filter: () => this.currentFilter,
      groupBy: () => settings.groupBy(),
      changed: (node) => this.emitter.fire(node),
      track: (node) => this.runNodes.set(node.id, node as RunNode),
      details: new Map(),
    };
  }

  get filter(): RunFilter {
    return this.currentFilter;
  }

  get filterDescription(): string {
    return describeFilter(this.currentFilter);
  }

  setFilter(filter: RunFilter): void {
    this.currentFilter = filter;
    this.filterChanged.fire(filter);
    this.refresh();
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
    this.roots = undefined;
    this.runNodes.clear();
    this.ctx.details.clear();
    this.emitter.fire(undefined);
  }

  /** Reloads one node's data and repaints just it. */
  retry(node: TreeNode): void {
    if (node instanceof SourceNode) node.reset();
    if (node instanceof GroupNode) node.listing.reset();
    this.emitter.fire(node);
  }

  async loadMore(node: LoadMoreNode): Promise<void> {
    await node.listing.loadNext();
    this.emitter.fire(node.parent);
  }

  /** A live poll saw a run change: repaint its nodes only. */
  runChanged(run: Run): void {
    for (const node of this.runNodes.values()) {
      if (node.run.id === run.id) {
        node.update(run);
        this.emitter.fire(node);
      }
    }
  }

  sourceNodes(): SourceNode[] {
    return (this.roots ?? []).filter((n): n is SourceNode => n instanceof SourceNode);
  }

  private buildRoots(): TreeNode[] {
    const roots: TreeNode[] = this.registry.list().map((configured) => new SourceNode(configured, this.ctx));
    for (const [i, problem] of this.registry.problems.entries()) {
      roots.push(
        new MessageNode(undefined, `settings-problem:${i}`, 'settings', problem.message, {
          label: 'Open Settings',
          command: { command: 'workbench.action.openSettingsJson', title: 'Open Settings' },
        }),
      );
    }
    return roots;
  }

  dispose(): void {
    this.emitter.dispose();
    this.filterChanged.dispose();
  }
}
