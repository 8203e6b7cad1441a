// "Load more": fetches the next 100 runs of its listing and repaints only its parent.
import * as vscode from 'vscode';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import type { Run } from '../../core/model';
import type { TreeNode } from './treeNode';

/** What Load more pages through: a listing of the API (RunListing) or of the run index (offline). */
export interface PagedRuns {
  readonly runs: readonly Run[];
  readonly total: number | undefined;
  loadNext(): Promise<void>;
}

export class LoadMoreNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly listing: PagedRuns,
  ) {
    this.id = `${parent.id}/more`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.description = `${this.listing.runs.length.toLocaleString('en-US')} of ${(this.listing.total ?? 0).toLocaleString('en-US')}`;
    item.contextValue = viewItem(VIEW_ITEM.loadMore);
    item.accessibilityInformation = { label: `Load more…, ${item.description}` };
    item.command = { command: COMMANDS.loadMore, title: 'Load More', arguments: [this] };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
