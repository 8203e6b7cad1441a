// Live refresh: re-polls the runs the run store knows in a running state (in the tree's
// listings, or open in a run panel) and feeds what it finds to the store, which tells every
// view that shows them; counts failures in the current time range for the status bar and the
// view badge; and, when enabled, notifies new failures. Polling is background work on the
// user's request budget, so it runs only in a focused window while someone sees its result
// (the view, a panel of a running run, or failure notifications), and each source waits long
// enough between polls that polling spends at most a tenth of its budget (pollPolicy.ts).
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import * as settings from '../config/settings';
import { describeCustomRange, filterToQuery, presetOf, type RunFilter, type TimeRange } from '../core/filters';
import { runLabel } from '../core/format';
import { formatNumber } from '../core/locale';
import type { Run, RunQuery } from '../core/model';
import type { RunStore } from '../store/runStore';
import { budgetHasRoom, pickRunsToPoll, pollDelayMs, runPollsPerTick, shouldCount, shouldPoll, type PollConditions } from './pollPolicy';
import { showWarningMessage } from './notifications';

export interface FailureCount {
  readonly total: number;
  readonly bySource: ReadonlyMap<string, number>;
  readonly rangeLabel: string;
}

/** What a view needs of the tree view: whether it is on screen. */
export type VisibleView = Pick<vscode.TreeView<unknown>, 'visible' | 'onDidChangeVisibility'>;

export class LiveRefresh implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Newest failure start time seen per source: later ones are "new". */
  private readonly watermark = new Map<string, number>();
  /** When each source may be polled again (ms since epoch); absent means now. */
  private readonly nextPoll = new Map<string, number>();
  /** Where the rotation over a source's running runs stands (in the tree, and in open panels). */
  private readonly rotation = new Map<string, number>();
  private readonly panelRotation = new Map<string, number>();
  /** The last failure count per source, so a tick that counts only some still shows a total. */
  private readonly counts = new Map<string, number>();
  private readonly counted = new vscode.EventEmitter<FailureCount>();
  readonly onDidCountFailures = this.counted.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly registry: SourceRegistry,
    private readonly store: RunStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly reveal: (sourceId: string, run: Run) => Promise<void>,
    /** A source's filter: its failures are counted in its time range. */
    private readonly filter: (sourceId: string) => RunFilter,
    private readonly view?: VisibleView,
    /** Whether a run panel of a run that may still change is on screen. */
    private readonly activeRunPanelVisible: () => boolean = () => false,
    /** The ids of a source's runs that have a row in the tree now (its expanded groups). */
    private readonly shownInTree: (sourceId: string) => ReadonlySet<string> = () => new Set(),
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeWindowState(() => this.conditionsChanged()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('taskHistory.notifyOnFailure')) this.conditionsChanged();
      }),
    );
    if (view) this.subscriptions.push(view.onDidChangeVisibility(() => this.conditionsChanged()));
    this.restart();
  }

  /** Applies a changed interval; 0 stops polling (counts still update on refresh). */
  restart(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.nextPoll.clear();
    const seconds = settings.refreshIntervalSeconds();
    if (seconds > 0) this.timer = setInterval(() => void this.tick(), seconds * 1000);
    if (this.watched()) void this.countFailures();
  }

  /** The conditions polling depends on, right now. */
  conditions(): PollConditions {
    return {
      intervalSeconds: settings.refreshIntervalSeconds(),
      windowFocused: vscode.window.state.focused,
      // Without a view to ask, assume it is shown (the old behaviour).
      viewVisible: this.view?.visible ?? true,
      notifyOnFailure: settings.notifyOnFailure(),
      activeRunPanelVisible: this.activeRunPanelVisible(),
    };
  }

  /** A run panel was shown, hidden or focused: polling may start or stop. */
  panelsChanged(): void {
    this.conditionsChanged();
  }

  async tick(): Promise<void> {
    if (this.ticking || !shouldPoll(this.conditions())) return; // a slow API must not pile ticks up
    this.ticking = true;
    try {
      const now = Date.now();
      const due = this.registry.list().filter(({ config }) => (this.nextPoll.get(config.id) ?? 0) <= now);
      if (due.length === 0) return;
      const conditions = this.conditions();
      const counting = shouldCount(conditions);
      const sent = new Map<string, number>();
      await Promise.all(
        due.map(async ({ config, source }) => {
          const runs = this.runsToWatch(config.id, conditions.viewVisible);
          const planned = (counting ? 1 : 0) + Math.min(runs.inPanels.length + runs.inTree.length, runPollsPerTick(source.capabilities.requestBudget));
          if (planned === 0) return;
          if (!budgetHasRoom(this.registry.budgetInUse(config.id), planned)) {
            this.log.info(`live refresh of ${config.id} skipped: its request budget is nearly spent`);
            sent.set(config.id, 0);
            return;
          }
          const [polled, counted] = await Promise.all([this.pollActiveRuns(config.id, runs), counting ? this.countSource(config.id) : false]);
          sent.set(config.id, polled + (counted ? 1 : 0));
        }),
      );
      this.scheduleNext(sent);
      if (counting) this.fireCount();
    } finally {
      this.ticking = false;
    }
  }

  /** Failures in the filter's time range (the last 24 hours when it has none), for every source. */
  async countFailures(): Promise<void> {
    if (!this.watched() || !vscode.window.state.focused) {
      // Nobody would see it, or another window is in use (a settings change or a key stored
      // elsewhere reaches every window): count when this one is focused and shown again.
      this.nextPoll.clear();
      return;
    }
    const sent = new Map<string, number>();
    this.counts.clear();
    await Promise.all(
      this.registry.list().map(async ({ config }) => {
        if (await this.countSource(config.id)) sent.set(config.id, 1);
      }),
    );
    this.scheduleNext(sent);
    this.fireCount();
  }

  /** The view is shown or failures are announced: someone sees what polling finds. */
  private watched(): boolean {
    const c = this.conditions();
    return c.viewVisible || c.notifyOnFailure;
  }

  private conditionsChanged(): void {
    if (shouldPoll(this.conditions())) void this.tick();
  }

  private scheduleNext(sent: ReadonlyMap<string, number>): void {
    const seconds = settings.refreshIntervalSeconds();
    const now = Date.now();
    for (const [sourceId, requests] of sent) {
      const budget = this.registry.get(sourceId)?.source.capabilities.requestBudget;
      const delay = pollDelayMs(seconds, Math.max(1, requests), budget);
      // Never sooner than a pending, longer wait: a refresh after a big tick must not undo its spacing.
      this.nextPoll.set(sourceId, Math.max(this.nextPoll.get(sourceId) ?? 0, now + delay));
    }
  }

  /**
   * The running runs someone sees: those open in a run panel, and — while the view is on
   * screen — those with a row in the tree. Rows of a hidden view, or of groups never
   * expanded, are not worth a request.
   */
  private runsToWatch(sourceId: string, viewVisible: boolean): { inPanels: Run[]; inTree: Run[] } {
    const active = this.store.activeRuns(sourceId);
    const inPanels = active.filter((run) => this.store.isRetained(sourceId, run.id));
    const shown = viewVisible ? this.shownInTree(sourceId) : new Set<string>();
    const inTree = active.filter((run) => !this.store.isRetained(sourceId, run.id) && shown.has(run.id));
    return { inPanels, inTree };
  }

  /**
   * Re-polls some of a source's running runs: those open in panels first (someone is looking
   * at exactly that run), the tree's with what is left, each in rotation (pickRunsToPoll).
   * Resolves with the requests sent.
   */
  private async pollActiveRuns(sourceId: string, runs: { inPanels: readonly Run[]; inTree: readonly Run[] }): Promise<number> {
    const configured = this.registry.get(sourceId);
    if (!configured) return 0;
    const allowance = runPollsPerTick(configured.source.capabilities.requestBudget);
    const panels = pickRunsToPoll(runs.inPanels, allowance, this.panelRotation.get(sourceId) ?? 0);
    this.panelRotation.set(sourceId, panels.cursor);
    const tree = pickRunsToPoll(runs.inTree, allowance - panels.picked.length, this.rotation.get(sourceId) ?? 0);
    this.rotation.set(sourceId, tree.cursor);
    const picked = [...panels.picked, ...tree.picked];
    let sent = 0;
    for (const run of picked) {
      sent++;
      try {
        // The store compares, keeps the newer state, and tells the tree rows and panels that show it.
        const fresh = await this.store.getRun(sourceId, run.id, { fresh: true });
        if (fresh.status !== run.status || fresh.rawStatus !== run.rawStatus) this.log.info(`run ${run.id} is now ${fresh.rawStatus}`);
      } catch (error) {
        this.log.warn(`live refresh of ${run.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return sent;
  }

  /** Counts one source's failures; resolves with whether a request was sent. */
  private async countSource(sourceId: string): Promise<boolean> {
    const configured = this.registry.get(sourceId);
    if (!configured) return false;
    const { config, source } = configured;
    if (!source.capabilities.filterStatuses.includes('failed') || !(await this.registry.hasKey(config.id))) return false;
    const query: RunQuery = { ...filterToQuery({ ...this.filter(config.id), timeRange: this.range(config.id) }), status: 'failed' };
    try {
      // Through the store: a run shown as running elsewhere that this page lists as failed is updated there too.
      const page = await this.store.peekPage(config.id, query);
      this.counts.set(config.id, page.total);
      this.notifyNew(config.id, config.label ?? config.id, page.runs);
    } catch (error) {
      this.log.warn(`failure count for ${config.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return true;
  }

  private range(sourceId: string): TimeRange {
    return this.filter(sourceId).timeRange ?? { preset: '24h' as const };
  }

  /** The range the counted sources share, in words; when their filters differ, that each counts in its own. */
  private rangeLabel(sourceIds: readonly string[]): string {
    const ranges = new Map(sourceIds.map((id) => [JSON.stringify(this.range(id)), this.range(id)]));
    if (ranges.size > 1) return vscode.l10n.t("each source's time range");
    const [range = { preset: '24h' as const }] = ranges.values();
    return 'preset' in range ? (presetOf(range)?.label ?? vscode.l10n.t('the chosen range')) : describeCustomRange(range);
  }

  private fireCount(): void {
    const present = new Set(this.registry.list().map((s) => s.config.id));
    const bySource = new Map([...this.counts].filter(([id]) => present.has(id)));
    const total = [...bySource.values()].reduce((a, b) => a + b, 0);
    this.counted.fire({ total, bySource, rangeLabel: this.rangeLabel([...bySource.keys()]) });
  }

  private notifyNew(sourceId: string, sourceLabel: string, failures: readonly Run[]): void {
    const newest = Math.max(0, ...failures.map((r) => Date.parse(r.startedAt ?? '') || 0));
    const seen = this.watermark.get(sourceId);
    this.watermark.set(sourceId, Math.max(seen ?? 0, newest));
    if (seen === undefined || !settings.notifyOnFailure()) return; // the first look only sets the mark
    const fresh = failures.filter((r) => (Date.parse(r.startedAt ?? '') || 0) > seen);
    if (fresh.length === 0) return;
    const first = fresh[0]!;
    const text =
      fresh.length === 1
        ? vscode.l10n.t('Task History: a run failed in {0}: {1}', sourceLabel, runLabel(first))
        : vscode.l10n.t('Task History: {0} new failed runs in {1}', formatNumber(fresh.length), sourceLabel);
    const show = vscode.l10n.t('Show');
    void showWarningMessage(text, show).then((choice) => {
      if (choice === show) void this.reveal(sourceId, first);
    });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.counted.dispose();
  }
}
