// The contract every node of the runs tree keeps, and the context nodes share.
import type * as vscode from 'vscode';
import type { SourceRegistry } from '../../config/sourceRegistry';
import type { GroupBy } from '../../core/grouping';
import type { RunFilter } from '../../core/filters';
import type { Run, RunDetail } from '../../core/model';

export interface TreeNode {
  readonly parent: TreeNode | undefined;
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren(): TreeNode[] | Promise<TreeNode[]>;
}

/** What nodes need from the tree: sources, the view's state, and a way to repaint. */
export interface TreeContext {
  readonly registry: SourceRegistry;
  readonly filter: () => RunFilter;
  readonly groupBy: () => GroupBy;
  /** Repaints one node (its label and children), or the whole tree. */
  readonly changed: (node?: TreeNode) => void;
  /** A run node announces itself so live refresh can poll it while it runs. */
  readonly track: (node: { readonly run: Run; readonly sourceId: string; readonly id: string }) => void;
  /**
   * Run details (steps) by run node id. Kept here, not in the node: a repaint builds new run
   * nodes, and an expanded run must not ask the API again for steps it has (a repaint then
   * fed itself: every request moved the budget the repaint shows). Cleared by a refresh.
   */
  readonly details: Map<string, Promise<RunDetail>>;
}
