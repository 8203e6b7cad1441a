// "Load more": fetches the next 100 runs of its listing and repaints only its parent.
import * as vscode from 'vscode';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { formatNumber } from '../../core/locale';
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
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    const shown = vscode.l10n.t('{0} of {1}', formatNumber(this.listing.runs.length), formatNumber(this.listing.total ?? 0));
    item.description = shown;
    item.contextValue = viewItem(VIEW_ITEM.loadMore);
    item.accessibilityInformation = { label: vscode.l10n.t('Load more…, {0}', shown) };
    item.command = { command: COMMANDS.loadMore, title: vscode.l10n.t('Load More'), arguments: [this] };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
