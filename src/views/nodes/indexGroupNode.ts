// A group of runs the API cannot list (a Dispersl agent or model, Paragon's runs with no
// workflow): its runs and its count come from the run index, a page at a time, and its tooltip
// says so, with when the source was last synced. Also the group of runs without a workflow
// among those already loaded, when the index is not open (no request: they are in the store).
//
// These rows have no contextValue: the commands on a group (Export Runs…) scope by the group's
// query, which cannot say "this agent", so they are not offered rather than run on the wrong runs.
import * as vscode from 'vscode';
import type { GroupSpec, ValueDimension } from '../../core/grouping';
import type { Run } from '../../core/model';
import { formatNumber } from '../../core/locale';
import type { HistorySource } from '../../core/source';
import { groupSubject, IndexGroupListing, indexGroupTooltip, valueGroupId } from './indexGroups';
import { LoadMoreNode } from './loadMoreNode';
import { MessageNode } from './messageNode';
import { RunNode } from './runNode';
import type { IndexedSourceView, TreeContext, TreeNode } from './treeNode';

const ICONS: Readonly<Record<string, string>> = { agent: 'hubot', model: 'circuit-board', workflow: 'type-hierarchy' };

function iconOf(spec: GroupSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.none ? 'circle-slash' : (ICONS[spec.dimension] ?? 'list-tree'));
}

export class IndexGroupNode implements TreeNode {
  readonly id: string;
  private listing: IndexGroupListing | undefined;

  constructor(
    readonly parent: TreeNode & { readonly sourceId: string },
    readonly spec: GroupSpec,
    /** The index's count, read with the group's values. */
    private readonly count: number,
    private readonly view: IndexedSourceView,
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = valueGroupId(parent.id, spec);
  }

  get sourceId(): string {
    return this.parent.sourceId;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = iconOf(this.spec);
    item.description = formatNumber(this.count);
    item.tooltip = indexGroupTooltip(this.spec, this.count, this.view.lastSynced);
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1} runs, from the run index', this.spec.label, formatNumber(this.count)) };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const listing = (this.listing ??= new IndexGroupListing(
      this.view.values,
      this.spec.query,
      { dimension: this.spec.dimension as ValueDimension, value: this.spec.value, none: this.spec.none },
      this.count,
    ));
    if (listing.runs.length === 0 && listing.hasMore) await listing.loadNext();
    const nodes: TreeNode[] = listing.runs.map((run) => new RunNode(this, run, this.sourceId, this.source, this.ctx));
    if (nodes.length === 0) nodes.push(new MessageNode(this, `${this.id}/empty`, 'empty', vscode.l10n.t('No indexed runs in this group for the filter.')));
    else if (listing.hasMore) nodes.push(new LoadMoreNode(this, listing));
    return nodes;
  }
}

/** Runs without a workflow among those loaded (the run index is not open): listed as they are, no request. */
export class LoadedRunsGroupNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode & { readonly sourceId: string },
    readonly spec: GroupSpec,
    private readonly runs: readonly Run[],
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = valueGroupId(parent.id, spec);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = iconOf(this.spec);
    item.description = formatNumber(this.runs.length);
    item.tooltip = vscode.l10n.t('{0} of the runs loaded · {1}\nThe run index (Sync Run Index) would list every one.', formatNumber(this.runs.length), groupSubject(this.spec));
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1} runs loaded', this.spec.label, formatNumber(this.runs.length)) };
    return item;
  }

  getChildren(): TreeNode[] {
    return this.runs.map((run) => new RunNode(this, run, this.parent.sourceId, this.source, this.ctx));
  }
}
