// A group of runs (a status, an integration), its count from the API's `total`.
// Its first page is fetched when the group is shown, which is also what gives the count.
import * as vscode from 'vscode';
import { VIEW_ITEM, viewItem } from '../../contributions';
import { groupsAt, type GroupDimension, type GroupSpec } from '../../core/grouping';
import type { RunStatus } from '../../core/model';
import type { HistorySource } from '../../core/source';
import { statusIcon } from '../statusStyle';
import { listingChildren } from './listingChildren';
import type { RunListing } from '../../store/runListing';
import type { TreeContext, TreeNode } from './treeNode';

export class GroupNode implements TreeNode {
  readonly id: string;
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
  }

  /** The store's listing of this group's query (a new one after the store was invalidated). */
  get listing(): RunListing {
    return this.ctx.store.listing(this.sourceId, this.spec.query);
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    await this.listing.ensureFirstPage();
    const total = this.listing.total;
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = this.spec.dimension === 'status' ? statusIcon(this.spec.value as RunStatus) : new vscode.ThemeIcon('plug');
    item.description = total === undefined ? (this.listing.error ? 'error' : '') : total.toLocaleString('en-US');
    item.tooltip =
      total === undefined
        ? this.listing.error instanceof Error
          ? this.listing.error.message
          : undefined
        : `${total.toLocaleString('en-US')} run${total === 1 ? '' : 's'} · ${this.spec.label}`;
    item.contextValue = viewItem(VIEW_ITEM.group, this.spec.dimension, this.spec.dimension === 'status' && this.spec.value);
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
