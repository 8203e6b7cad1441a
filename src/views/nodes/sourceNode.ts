// A configured source: its groups, or its runs when not grouped, or the node that says
// why there is nothing to show (no key, bad key, unreachable). When the API cannot be
// reached and the run index holds the source, its indexed runs instead (offlineNodes.ts),
// and the row says it is offline and when it last synced. Last, when the index holds the
// source, its "Failures" row (failuresNode.ts): the error signatures of its indexed runs.
// Grouped by a value (workflow, agent, model), the values come from the run index where it is
// open (else, for workflows, from the runs of the first page): a workflow group is an API
// listing filtered by the workflow; an agent's or model's, the index's runs (indexGroupNode.ts).
// The row shows the source's own filter (each source has one: runsTree.ts keeps them) in its
// description and tooltip, and offers Filter… and Clear Filter inline.
import * as vscode from 'vscode';
import type { ConfiguredSource } from '../../config/sourceRegistry';
import * as settings from '../../config/settings';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { describeFilter, filterToQuery, isEmptyFilter } from '../../core/filters';
import { formatNumber, formatTime } from '../../core/locale';
import { kindDescriptor } from '../../sources/kinds';
import type { Run, RunQuery } from '../../core/model';
import {
  countWorkflows,
  dimensionsFor,
  groupsAt,
  groupSource,
  isValueDimension,
  moreValuesMessage,
  valueGroups,
  type GroupDimension,
  type ValueDimension,
} from '../../core/grouping';
import { kindTraits } from '../../insights/stats';
import { describeBudget, describeInterval, pollDelayMs, POLL_BUDGET_SHARE } from '../pollPolicy';
import { errorNode } from './errorNodes';
import { FailuresNode } from './failuresNode';
import { GroupNode } from './groupNode';
import { IndexGroupNode, LoadedRunsGroupNode } from './indexGroupNode';
import { indexNeededMessage } from './indexGroups';
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
  /** Grouped by a value (workflow, agent, model): which groups there are depends on the run index, read again when it opens, closes or syncs. */
  private valueGrouped = false;

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
    const offline =
      this.offline &&
      [vscode.l10n.t('offline'), this.offline.lastSynced ? vscode.l10n.t('synced {0}', relativeTime(this.offline.lastSynced.toISOString())) : vscode.l10n.t('never synced')].join(
        ' · ',
      );
    const filter = this.ctx.filter(config.id);
    const filtered = !isEmptyFilter(filter);
    item.description = [kind.displayName, demo ? vscode.l10n.t('demo') : '', offline, filtered ? vscode.l10n.t('filtered: {0}', describeFilter(filter)) : '']
      .filter(Boolean)
      .join(' · ');
    // The tooltip is filled in on hover (RunsTreeProvider.resolveTreeItem), with the budget
    // in use at that moment.
    const caps = source.capabilities;
    item.contextValue = viewItem(VIEW_ITEM.source, config.kind, caps.replay && VIEW_ITEM.replayable, demo && VIEW_ITEM.demo, filtered && VIEW_ITEM.filtered);
    return item;
  }

  /** Which API, where, and how much of the key's request budget is in use. */
  tooltip(): string {
    const { config, source } = this.configured;
    const lines = [source.label, kindDescriptor(config.kind).apiName];
    if (config.baseUrl) lines.push(config.baseUrl);
    const inUse = this.ctx.registry.budgetInUse(config.id);
    // Worked out on hover; VS Code keeps it until the row is repainted, hence the time.
    const at = formatTime(new Date());
    if (inUse) {
      lines.push(
        inUse.waiting > 0
          ? vscode.l10n.t('Request budget: {0} (at {1}), {2} waiting', describeBudget(inUse), at, formatNumber(inUse.waiting))
          : vscode.l10n.t('Request budget: {0} (at {1})', describeBudget(inUse), at),
      );
    }
    const seconds = settings.refreshIntervalSeconds();
    const every = describeInterval(pollDelayMs(seconds, 1, source.capabilities.requestBudget));
    lines.push(
      seconds > 0
        ? vscode.l10n.t('Live refresh: {0}, while this window has focus and the view is visible (at most {1}% of the budget)', every, Math.round(POLL_BUDGET_SHARE * 100))
        : vscode.l10n.t('Live refresh: off'),
    );
    const filter = this.ctx.filter(config.id);
    lines.push(isEmptyFilter(filter) ? vscode.l10n.t('Filter: none') : vscode.l10n.t('Filter: {0} (sent to the API as its own parameters)', describeFilter(filter)));
    return lines.join('\n');
  }

  async getChildren(): Promise<TreeNode[]> {
    const { config, source } = this.configured;
    if (!(await this.ctx.registry.hasKey(config.id))) {
      return [
        new MessageNode(
          this,
          `${this.id}/no-key`,
          'no-key',
          vscode.l10n.t('No API key set'),
          {
            label: vscode.l10n.t('Set API Key'),
            command: { command: COMMANDS.setApiKey, title: vscode.l10n.t('Set API Key'), arguments: [config.id] },
          },
          undefined,
          { sourceId: config.id, actions: ['set-api-key'] },
        ),
      ];
    }
    const query = (this.query ??= filterToQuery(this.ctx.filter(config.id)));
    // Filtered by an integration: grouping by integration shows that one alone.
    const integrations = query.integration ? [query.integration] : (config.integrations ?? []);
    const dimensions = dimensionsFor(this.ctx.groupBy(), source.capabilities, integrations, { stepAgents: kindTraits(config.kind).agents });
    const [first, ...rest] = dimensions;
    if (this.offline) return this.withFailures(this.offline.children);
    if (first && isValueDimension(first)) {
      this.groups ??= this.valueGroupNodes(first, rest, query, integrations);
      return this.withFailures(await this.groups);
    }
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
      const groups = groupsAt(first as 'status' | 'integration', query, source.capabilities, integrations).map(
        (spec) => new GroupNode(this, spec, rest, config.id, source, integrations, this.ctx),
      );
      // Check the source answers before painting a column of "error" groups.
      await Promise.all(groups.map((g) => g.listing.ensureFirstPage()));
      const failure = groups.find((g) => g.listing.error !== undefined)?.listing.error;
      if (failure === undefined || !groups.every((g) => g.listing.error !== undefined)) return groups;
      this.unreachable = isUnreachable(failure);
      return (this.unreachable && this.goOffline(failure, query, dimensions)) || [errorNode(this, config.id, failure)];
    })();
    return this.withFailures(await this.groups);
  }

  /**
   * The groups of a value dimension, most runs first, at most MAX_VALUE_GROUPS and a row for the
   * rest. Workflows (the API filters by them): one API listing each, the values from the index
   * when it holds any for the filter, else from the source's first page. Agents and models (it
   * cannot): the index's runs and counts, or a row that says how to get the index.
   */
  private async valueGroupNodes(dimension: ValueDimension, rest: readonly GroupDimension[], query: RunQuery, integrations: readonly string[]): Promise<TreeNode[]> {
    const { config, source } = this.configured;
    this.valueGrouped = true;
    const view = this.ctx.indexed(config.id);
    const fromIndex = view ? await view.values.counts(query, dimension) : undefined;
    if (groupSource(dimension, source.capabilities, { stepAgents: kindTraits(config.kind).agents }) === 'index') {
      if (!view || !fromIndex || fromIndex.runs === 0) {
        const action = {
          label: view ? vscode.l10n.t('Sync Run Index') : vscode.l10n.t('Open Settings'),
          command: view
            ? { command: COMMANDS.syncIndex, title: vscode.l10n.t('Sync Run Index') }
            : { command: 'workbench.action.openSettings', title: vscode.l10n.t('Open Settings'), arguments: ['taskHistory.index'] },
        };
        return [new MessageNode(this, `${this.id}/needs-index`, 'empty', indexNeededMessage(dimension, view ? 'empty' : 'closed'), action)];
      }
      const { groups, more } = valueGroups(dimension, query, fromIndex.counts);
      const counts = new Map(fromIndex.counts.map((c) => [c.value ?? '', c.runs]));
      const nodes: TreeNode[] = groups.map((spec) => new IndexGroupNode(this, spec, counts.get(spec.value) ?? 0, view, source, this.ctx));
      if (more) nodes.push(new MessageNode(this, `${this.id}/more-values`, 'empty', moreValuesMessage(dimension, more)));
      return nodes;
    }
    // Workflows: which ones from the index, else from the runs the first page brought.
    const valuesFromIndex = fromIndex !== undefined && fromIndex.runs > 0;
    let counts = valuesFromIndex ? fromIndex.counts : undefined;
    let loaded: readonly Run[] = [];
    let partial = false;
    if (!counts) {
      const listing = this.ctx.store.listing(config.id, query);
      await listing.ensureFirstPage();
      if (listing.error !== undefined && listing.runs.length === 0) {
        this.unreachable = isUnreachable(listing.error);
        return (this.unreachable && this.goOffline(listing.error, query, [dimension, ...rest])) || [errorNode(this, config.id, listing.error)];
      }
      loaded = listing.runs;
      partial = listing.hasMore;
      counts = countWorkflows(loaded);
    }
    const { groups, more } = valueGroups(dimension, query, counts, settings.workflowNames());
    const indexView = valuesFromIndex ? view : undefined;
    const nodes: TreeNode[] = groups.map((spec) => {
      if (!spec.none) return new GroupNode(this, spec, rest, config.id, source, integrations, this.ctx);
      // The API cannot list the runs with no workflow: the index's, else those loaded.
      if (indexView) return new IndexGroupNode(this, spec, counts.find((c) => c.value === null)?.runs ?? 0, indexView, source, this.ctx);
      return new LoadedRunsGroupNode(
        this,
        spec,
        loaded.filter((r) => !r.workflowId),
        source,
        this.ctx,
      );
    });
    const listed = nodes.filter((n): n is GroupNode => n instanceof GroupNode);
    // Check the source answers before painting a column of "error" groups.
    await Promise.all(listed.map((g) => g.listing.ensureFirstPage()));
    const failure = listed.find((g) => g.listing.error !== undefined)?.listing.error;
    if (failure !== undefined && listed.every((g) => g.listing.error !== undefined)) {
      this.unreachable = isUnreachable(failure);
      return (this.unreachable && this.goOffline(failure, query, [dimension, ...rest])) || [errorNode(this, config.id, failure)];
    }
    if (nodes.length === 0) nodes.push(new MessageNode(this, `${this.id}/empty`, 'empty', vscode.l10n.t('No runs match the filter.')));
    if (more) nodes.push(new MessageNode(this, `${this.id}/more-values`, 'empty', moreValuesMessage(dimension, more)));
    if (partial) {
      const n = formatNumber(loaded.length);
      nodes.push(
        new MessageNode(this, `${this.id}/values-loaded`, 'empty', vscode.l10n.t('Workflows of the newest {0} runs: the run index lists every workflow', n), {
          label: vscode.l10n.t('Sync Run Index'),
          command: { command: COMMANDS.syncIndex, title: vscode.l10n.t('Sync Run Index') },
        }),
      );
    }
    return nodes;
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
    return (this.failures ??= new FailuresNode(this, this.configured.source, this.ctx));
  }

  /**
   * The run index opened, closed or was synced: the signatures are worked out again when next
   * expanded (with the tree's filter then), and groups by a value are read again (the API's
   * listings they show are kept in the store: no request for a group already shown).
   */
  forgetIndexed(): void {
    this.failures = undefined;
    if (this.valueGrouped) {
      this.groups = undefined;
      this.valueGrouped = false;
    }
  }

  /**
   * A sync changed the index's runs: the row to repaint. The source itself when its groups are
   * read from the index (grouped by a value) or it has no "Failures" row yet (the row appears);
   * else only the "Failures" row, its signatures worked out again when next expanded; nothing
   * when the source was never shown.
   */
  indexSynced(): TreeNode | undefined {
    const failures = this.failures;
    if (this.valueGrouped || (!failures && this.query !== undefined)) {
      this.forgetIndexed();
      return this;
    }
    failures?.forget();
    return failures;
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
    this.valueGrouped = false;
  }
}
