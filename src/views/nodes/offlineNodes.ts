// A source the API cannot be reached for (a network error or a time-out) shows its runs from
// the run index instead: status groups with the index's counts, runs a page at a time, and
// a first row that keeps the error in sight ("Offline: … · showing N indexed runs, last
// synced 12 min ago", with Retry). Clicking a run opens its panel from the index (the run
// store falls back to it when the API cannot be reached). Every read is local: nothing here
// waits on the network.
//
// Offline groups are by status only: the index knows a Paragon run's integration only when
// a listing filtered by it, so counts per integration from the index would be wrong.
import * as vscode from 'vscode';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { isHistoryApiError } from '../../core/errors';
import { groupsAt, type GroupDimension, type GroupSpec } from '../../core/grouping';
import { formatNumber } from '../../core/locale';
import type { Run, RunQuery, RunStatus } from '../../core/model';
import type { HistorySource } from '../../core/source';
import { describeOffline } from '../../runIndex/backgroundSync';
import { statusIcon } from '../statusStyle';
import { LoadMoreNode, type PagedRuns } from './loadMoreNode';
import { MessageNode } from './messageNode';
import { RunNode } from './runNode';
import type { IndexedSourceView, TreeContext, TreeNode } from './treeNode';

const PAGE = 100;

/** The API cannot be reached (as opposed to refusing the key, or answering with an error). */
export function isUnreachable(error: unknown): boolean {
  return isHistoryApiError(error) && (error.kind === 'network' || error.kind === 'timeout');
}

/** One query's runs in the index, a page at a time, like the API's listing. */
export class IndexedListing implements PagedRuns {
  private readonly loaded: Run[] = [];
  total: number;

  constructor(
    private readonly view: IndexedSourceView,
    private readonly query: RunQuery,
    total?: number,
  ) {
    this.total = total ?? view.count(query);
  }

  get runs(): readonly Run[] {
    return this.loaded;
  }

  get hasMore(): boolean {
    return this.loaded.length < this.total;
  }

  loadNext(): Promise<void> {
    const next = this.view.page(this.query, this.loaded.length, PAGE);
    // The index changed under us (a sync landed): no Load more past what is there.
    if (next.length < PAGE) this.total = this.loaded.length + next.length;
    const seen = new Set(this.loaded.map((r) => r.id));
    this.loaded.push(...next.filter((r) => !seen.has(r.id)));
    return Promise.resolve();
  }
}

/** What a source shows offline: the row with the error, then its indexed runs (by status when the tree groups by status). */
export function offlineChildren(
  parent: TreeNode & { readonly sourceId: string },
  error: unknown,
  view: IndexedSourceView,
  query: RunQuery,
  dimensions: readonly GroupDimension[],
  source: HistorySource,
  ctx: TreeContext,
): TreeNode[] {
  const indexed = view.count(query);
  const retryLabel = vscode.l10n.t('Retry');
  const retry = { label: retryLabel, command: { command: COMMANDS.retry, title: retryLabel, arguments: [parent] } };
  const message = error instanceof Error ? error.message : String(error);
  const detail = [message, isHistoryApiError(error) ? error.detail : undefined, vscode.l10n.t('The runs below come from the run index; they open from it too.')]
    .filter(Boolean)
    .join('\n\n');
  const row = new MessageNode(parent, `${parent.id}/offline`, 'unreachable', describeOffline(message, indexed, view.lastSynced), retry, detail);
  if (dimensions.includes('status') && source.capabilities.filterStatuses.length > 0) {
    const counts = view.countsByStatus(query);
    const groups = groupsAt('status', query, source.capabilities, []).map(
      (spec) => new OfflineGroupNode(parent, spec, counts.get(spec.value as RunStatus) ?? 0, view, source, ctx),
    );
    return [row, ...groups];
  }
  return [row, ...indexedRunNodes(parent, new IndexedListing(view, query, indexed), parent.sourceId, source, ctx)];
}

/** A status group of indexed runs; its id is the online group's, so VS Code keeps it expanded across the switch. */
export class OfflineGroupNode implements TreeNode {
  readonly id: string;
  private listing: IndexedListing | undefined;

  constructor(
    readonly parent: TreeNode & { readonly sourceId: string },
    readonly spec: GroupSpec,
    private readonly count: number,
    private readonly view: IndexedSourceView,
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = `${parent.id}/${spec.dimension}:${spec.value}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = statusIcon(this.spec.value as RunStatus);
    const count = formatNumber(this.count);
    item.description = vscode.l10n.t('{0} indexed', count);
    item.tooltip =
      this.count === 1
        ? vscode.l10n.t('1 run · {0}, from the run index (the API cannot be reached)', this.spec.label)
        : vscode.l10n.t('{0} runs · {1}, from the run index (the API cannot be reached)', count, this.spec.label);
    item.contextValue = viewItem(VIEW_ITEM.group, this.spec.dimension, 'offline');
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1} indexed runs', this.spec.label, count) };
    return item;
  }

  getChildren(): TreeNode[] {
    this.listing ??= new IndexedListing(this.view, this.spec.query, this.count);
    return indexedRunNodes(this, this.listing, this.parent.sourceId, this.source, this.ctx);
  }
}

function indexedRunNodes(parent: TreeNode, listing: IndexedListing, sourceId: string, source: HistorySource, ctx: TreeContext): TreeNode[] {
  if (listing.runs.length === 0 && listing.hasMore) void listing.loadNext();
  const nodes: TreeNode[] = listing.runs.map((run) => new RunNode(parent, run, sourceId, source, ctx));
  if (nodes.length === 0) nodes.push(new MessageNode(parent, `${parent.id}/empty`, 'empty', vscode.l10n.t('No indexed runs match the filter.')));
  else if (listing.hasMore) nodes.push(new LoadMoreNode(parent, listing));
  return nodes;
}
