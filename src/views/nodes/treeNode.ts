// The contract every node of the runs tree keeps, and the context nodes share.
import type * as vscode from 'vscode';
import type { SourceRegistry } from '../../config/sourceRegistry';
import type { GroupBy } from '../../core/grouping';
import type { RunFilter } from '../../core/filters';
import type { Run, RunQuery, RunStatus } from '../../core/model';
import type { ErrorSignatures } from '../../insights/model';
import type { IndexValues } from '../../insights/valueGroups';
import type { RunStore } from '../../store/runStore';

export interface TreeNode {
  readonly parent: TreeNode | undefined;
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren(): TreeNode[] | Promise<TreeNode[]>;
}

/** What nodes need from the tree: sources, the run store, the view's state, and a way to repaint. */
export interface TreeContext {
  readonly registry: SourceRegistry;
  /** Where every run, listing and step comes from: nodes hold queries and ids, never their own copies. */
  readonly store: RunStore;
  /** A source's filter (each source has its own, kept in the workspace's state). */
  readonly filter: (sourceId: string) => RunFilter;
  readonly groupBy: () => GroupBy;
  /** Repaints one node (its label and children), or the whole tree. */
  readonly changed: (node?: TreeNode) => void;
  /** A run node announces itself so a change of its run repaints it, and so it can be revealed. */
  readonly track: (node: { readonly runId: string; readonly sourceId: string; readonly id: string }) => void;
  /** A source's runs in the run index, when the index is open and holds the source: what the tree shows offline. */
  readonly indexed: (sourceId: string) => IndexedSourceView | undefined;
}

/** The run index, as the tree reads one source of it (local reads: nothing waits on the network). */
export interface IndexedSourceView {
  count(query: RunQuery): number;
  countsByStatus(query: RunQuery): ReadonlyMap<RunStatus, number>;
  /** Runs matching the query, newest first. */
  page(query: RunQuery, offset: number, limit: number): Run[];
  /** The failed runs matching the query, clustered by error signature (most runs first): the "Failures" row. Call on demand: the first time it reads the source's Insights frame (in slices). */
  errorSignatures(query: RunQuery): Promise<ErrorSignatures>;
  /** The runs of one signature (ErrorSignature.key) matching the query, as indexed, newest first. */
  signatureRuns(query: RunQuery, key: string): Promise<Run[]>;
  /** When the last complete sync of the source ended, if one did. */
  readonly lastSynced: Date | undefined;
  /** The source's values (workflows, agents, models) and a group's runs, from its Insights frame: the tree's groups by workflow, agent or model (indexGroups.ts). */
  readonly values: IndexValues;
}
