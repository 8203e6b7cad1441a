// A configured source: its groups, or its runs when not grouped, or the node that says
// why there is nothing to show (no key, bad key, unreachable). When the API cannot be
// reached and the run index holds the source, its indexed runs instead (offlineNodes.ts),
// and the row says it is offline and when it last synced. Last, when the index holds the
// source, its "Failures" row (failuresNode.ts): the error signatures of its indexed runs.
import * as vscode from 'vscode';
import type { ConfiguredSource } from '../../config/sourceRegistry';
import * as settings from '../../config/settings';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { filterToQuery } from '../../core/filters';
import { kindDescriptor } from '../../sources/kinds';
import type { RunQuery } from '../../core/model';
import { dimensionsFor, groupsAt } from '../../core/grouping';
import { describeBudget, describeInterval, pollDelayMs, POLL_BUDGET_SHARE } from '../pollPolicy';
import { errorNode } from './errorNodes';
import { FailuresNode } from './failuresNode';
import { GroupNode } from './groupNode';
import { listingChildren } from './listingChildren';
import { MessageNode } from './messageNode';
import { isUnreachable, offlineChildren } from './offlineNodes';
import type { TreeContext, TreeNode } from './treeNode';
import { relativeTime } from '../../core/format';

export class SourceNode implements TreeNode {
  readonly parent = undefined;
  readonly id: string;
  /** Fixed when first shown: a relative time range ("last 24 hours") must not move with every repaint. */
  private query: RunQuery | undefined;
  private groups: Promise<TreeNode[]> | undefined;
  /** Set while the children come from the run index (the API cannot be reached): the row says so. */
  private offline: { readonly lastSynced: Date | undefined; readonly children: TreeNode[] } | undefined;
  /** The API could not be reached at the last render (shown offline, or as an error when the index had nothing). */
  private unreachable = false;
  /** The "Failures" row, with the signatures it computed on expansion: kept until the source resets. */
  private failures: FailuresNode | undefined;

  constructor(
    readonly configured: ConfiguredSource,
    private readonly ctx: TreeContext,
  ) {
    this.id = `source:${configured.config.id}`;
  }

  get sourceId(): string {
    return this.configured.config.id;
  }

  getTreeItem(): vscode.TreeItem {
    const { config, source, demo } = this.configured;
    const item = new vscode.TreeItem(config.label ?? config.id, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    const kind = kindDescriptor(config.kind);
    item.iconPath = new vscode.ThemeIcon(kind.icon);
    const offline = this.offline && ['offline', this.offline.lastSynced ? `synced ${relativeTime(this.offline.lastSynced.toISOString())}` : 'never synced'].join(' · ');
    item.description = [kind.displayName, demo ? 'demo' : '', offline].filter(Boolean).join(' · ');
    // The tooltip is filled in on hover (RunsTreeProvider.resolveTreeItem), with the budget
    // in use at that moment.
    const caps = source.capabilities;
    item.contextValue = viewItem(VIEW_ITEM.source, config.kind, caps.replay && VIEW_ITEM.replayable, demo && VIEW_ITEM.demo);
    return item;
  }

  /** Which API, where, and how much of the key's request budget is in use. */
  tooltip(): string {
    const { config, source } = this.configured;
    const lines = [source.label, kindDescriptor(config.kind).apiName];
    if (config.baseUrl) lines.push(config.baseUrl);
    const inUse = this.ctx.registry.budgetInUse(config.id);
    // Worked out on hover; VS Code keeps it until the row is repainted, hence the time.
    const at = new Date().toLocaleTimeString('en-GB');
    if (inUse) lines.push(`Request budget: ${describeBudget(inUse)} (at ${at})${inUse.waiting > 0 ? `, ${inUse.waiting} waiting` : ''}`);
    const seconds = settings.refreshIntervalSeconds();
    const every = describeInterval(pollDelayMs(seconds, 1, source.capabilities.requestBudget));
    lines.push(
      seconds > 0
        ? `Live refresh: ${every}, while this window has focus and the view is visible (at most ${Math.round(POLL_BUDGET_SHARE * 100)}% of the budget)`
        : 'Live refresh: off',
    );
    return lines.join('\n');
  }

  async getChildren(): Promise<TreeNode[]> {
    const { config, source } = this.configured;
    if (!(await this.ctx.registry.hasKey(config.id))) {
      return [
        new MessageNode(this, `${this.id}/no-key`, 'no-key', 'No API key set', {
          label: 'Set API Key',
          command: { command: COMMANDS.setApiKey, title: 'Set API Key', arguments: [config.id] },
        }),
      ];
    }
    const query = (this.query ??= filterToQuery(this.ctx.filter()));
    const integrations = config.integrations ?? [];
    const dimensions = dimensionsFor(this.ctx.groupBy(), source.capabilities, integrations);
    const [first, ...rest] = dimensions;
    if (this.offline) return this.withFailures(this.offline.children);
    if (!first) {
      const listing = this.ctx.store.listing(config.id, query);
      await listing.ensureFirstPage();
      this.unreachable = listing.runs.length === 0 && isUnreachable(listing.error);
      if (this.unreachable) {
        const offline = this.goOffline(listing.error, query, dimensions);
        if (offline) return this.withFailures(offline);
      }
      return this.withFailures(await listingChildren(this, listing, config.id, source, this.ctx));
    }
    // Kept, failure included, until Retry or Refresh, and shared by renders that overlap: a
    // repaint of this row (to refresh its tooltip) never asks the API again.
    this.groups ??= (async () => {
      const groups = groupsAt(first, query, source.capabilities, integrations).map((spec) => new GroupNode(this, spec, rest, config.id, source, integrations, this.ctx));
      // Check the source answers before painting a column of "error" groups.
      await Promise.all(groups.map((g) => g.listing.ensureFirstPage()));
      const failure = groups.find((g) => g.listing.error !== undefined)?.listing.error;
      if (failure === undefined || !groups.every((g) => g.listing.error !== undefined)) return groups;
      this.unreachable = isUnreachable(failure);
      return (this.unreachable && this.goOffline(failure, query, dimensions)) || [errorNode(this, config.id, failure)];
    })();
    return this.withFailures(await this.groups);
  }

  /** The source's children, then its "Failures" row when the run index holds the source. */
  private withFailures(children: TreeNode[]): TreeNode[] {
    const failures = this.failuresNode();
    return failures ? [...children, failures] : children;
  }

  /**
   * The "Failures" row (the same node until the source resets), or undefined when the run
   * index is closed or does not hold the source. Nothing is computed until it is expanded.
   */
  failuresNode(): FailuresNode | undefined {
    if (!this.ctx.indexed(this.sourceId)) return undefined;
    const query = (this.query ??= filterToQuery(this.ctx.filter()));
    return (this.failures ??= new FailuresNode(this, query, this.configured.source, this.ctx));
  }

  /** The run index opened, closed or was synced by someone else: the signatures are worked out again when next expanded. */
  forgetFailures(): void {
    this.failures = undefined;
  }

  /** The API cannot be reached: the index's runs, if it holds any of this source (else undefined: the plain error). */
  private goOffline(error: unknown, query: RunQuery, dimensions: Parameters<typeof offlineChildren>[4]): TreeNode[] | undefined {
    const view = this.ctx.indexed(this.sourceId);
    if (!view || view.count({}) === 0) return undefined;
    const children = offlineChildren(this, error, view, query, dimensions, this.configured.source, this.ctx);
    this.offline = { lastSynced: view.lastSynced, children };
    // The row itself says offline: repainted once its children are known.
    setTimeout(() => this.offline && this.ctx.changed(this), 0);
    return children;
  }

  /** Shown from the run index because the API could not be reached. */
  get isOffline(): boolean {
    return this.offline !== undefined;
  }

  /** The API could not be reached: what the run index holds would change what this source shows. */
  get readsIndex(): boolean {
    return this.unreachable || this.offline !== undefined;
  }

  /** Forget the groups and the query; the next render builds them again (from the store's listings). */
  reset(): void {
    this.query = undefined;
    this.groups = undefined;
    this.offline = undefined;
    this.unreachable = false;
    this.failures = undefined;
  }
}
