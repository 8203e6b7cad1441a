// A group of runs (a status, an integration, a workflow), its count from the API's `total`.
// Its first page is fetched when the group is shown, which is also what gives the count.
// A workflow group is labelled with the name a user gave the workflow (read at each paint, so
// "Name Workflow…" shows at once), else its short id; the full id is in its tooltip.
import * as vscode from 'vscode';
import { workflowNames } from '../../config/settings';
import { VIEW_ITEM, viewItem } from '../../contributions';
import { groupsAt, isValueDimension, valueLabel, type GroupDimension, type GroupSpec } from '../../core/grouping';
import type { RunStatus } from '../../core/model';
import type { HistorySource } from '../../core/source';
import { singleLine } from '../../core/format';
import { formatNumber } from '../../core/locale';
import { statusIcon } from '../statusStyle';
import { valueGroupId } from './indexGroups';
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
    // Status and integration ids as they always were (VS Code keeps their expansion); a value from the API is encoded.
    this.id = isValueDimension(spec.dimension) ? valueGroupId(parent.id, spec) : `${parent.id}/${spec.dimension}:${spec.value}`;
  }

  /** The store's listing of this group's query (a new one after the store was invalidated). */
  get listing(): RunListing {
    return this.ctx.store.listing(this.sourceId, this.spec.query);
  }

  /** The row's text: a workflow's name as the user gave it now, else the spec's label. */
  get label(): string {
    return this.spec.dimension === 'workflow' ? valueLabel('workflow', this.spec.value, workflowNames()) : this.spec.label;
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    await this.listing.ensureFirstPage();
    const total = this.listing.total;
    const label = this.label;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath =
      this.spec.dimension === 'status' ? statusIcon(this.spec.value as RunStatus) : new vscode.ThemeIcon(this.spec.dimension === 'workflow' ? 'type-hierarchy' : 'plug');
    item.description = total === undefined ? (this.listing.error ? vscode.l10n.t('error') : '') : formatNumber(total);
    const subject = this.spec.dimension === 'workflow' ? vscode.l10n.t('{0}\nWorkflow {1}', label, singleLine(this.spec.value)) : label;
    item.tooltip =
      total === undefined
        ? this.listing.error instanceof Error
          ? this.listing.error.message
          : undefined
        : total === 1
          ? vscode.l10n.t('1 run · {0}', subject)
          : vscode.l10n.t('{0} runs · {1}', formatNumber(total), subject);
    item.contextValue = viewItem(VIEW_ITEM.group, this.spec.dimension, this.spec.dimension === 'status' && this.spec.value);
    item.accessibilityInformation = { label: total === undefined ? vscode.l10n.t('{0}, unknown runs', label) : vscode.l10n.t('{0}, {1} runs', label, formatNumber(total)) };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const [next, ...rest] = this.below;
    // Only fixed dimensions (status, integration) nest under another: values are found at the top level.
    if (next === 'status' || next === 'integration') {
      this.children ??= groupsAt(next, this.spec.query, this.source.capabilities, this.integrations).map(
        (spec) => new GroupNode(this, spec, rest, this.sourceId, this.source, this.integrations, this.ctx),
      );
      return this.children;
    }
    return listingChildren(this, this.listing, this.sourceId, this.source, this.ctx);
  }
}
