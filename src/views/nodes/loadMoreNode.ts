// "Load more": fetches the next 100 runs of its listing and repaints only its parent.
import * as vscode from 'vscode';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import type { RunListing } from '../../store/runListing';
import type { TreeNode } from './treeNode';

export class LoadMoreNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly listing: RunListing,
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
