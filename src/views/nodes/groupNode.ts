// A group of runs (a status, an integration), its count from the API's `total`.
// Its first page is fetched when the group is shown, which is also what gives the count.
import * as vscode from 'vscode';
import { groupsAt, type GroupDimension, type GroupSpec } from '../../core/grouping';
import type { RunStatus } from '../../core/model';
import type { HistorySource } from '../../core/source';
import { statusIcon } from '../statusStyle';
import { listingChildren } from './listingChildren';
import { RunListing } from './runListing';
import type { TreeContext, TreeNode } from './treeNode';

export class GroupNode implements TreeNode {
  readonly id: string;
  readonly listing: RunListing;
  private children: GroupNode[] | undefined;

  constructor(
    readonly parent: TreeNode,
    readonly spec: GroupSpec,
    /** Dimensions still to group by below this one. */
    private readonly below: readonly GroupDimension[],
    readonly sourceId: string,
    private readonly source: HistorySource,
    private readonly integrations: readonly string[],
    private readonly ctx: TreeContext,
  ) {
    this.id = `${parent.id}/${spec.dimension}:${spec.value}`;
    this.listing = new RunListing(source, spec.query);
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    await this.listing.ensureFirstPage();
    const total = this.listing.total;
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath =
      this.spec.dimension === 'status' ? statusIcon(this.spec.value as RunStatus) : new vscode.ThemeIcon('plug');
    item.description = total === undefined ? (this.listing.error ? 'error' : '') : total.toLocaleString('en-US');
    item.tooltip =
      total === undefined
        ? this.listing.error instanceof Error
          ? this.listing.error.message
          : undefined
        : `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'} · ${this.spec.label}`;
    item.contextValue = `group ${this.spec.dimension} ${this.spec.dimension === 'status' ? this.spec.value : ''}`.trim();
    item.accessibilityInformation = { label: `${this.spec.label}, ${total ?? 'unknown'} runs` };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const [next, ...rest] = this.below;
    if (next) {
      this.children ??= groupsAt(next, this.spec.query, this.source.capabilities, this.integrations).map(
        (spec) => new GroupNode(this, spec, rest, this.sourceId, this.source, this.integrations, this.ctx),
      );
      return this.children;
    }
    return listingChildren(this, this.listing, this.sourceId, this.source, this.ctx);
  }
}
