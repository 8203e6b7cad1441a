// Live refresh: on `taskHistory.refreshInterval`, re-polls the runs shown in a running
// state and repaints only those that changed; counts failures in the current time range
// for the status bar and the view badge; and, when enabled, notifies new failures.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import * as settings from '../config/settings';
import { filterToQuery, presetOf } from '../core/filters';
import { runLabel } from '../core/format';
import type { Run, RunQuery } from '../core/model';
import type { RunsTreeProvider } from './runsTree';

const ACTIVE = new Set(['running', 'queued', 'delayed']);
/** Polls per tick and source at most, so a tree full of running runs stays within budget. */
const MAX_POLLS_PER_SOURCE = 20;

export interface FailureCount {
  readonly total: number;
  readonly bySource: ReadonlyMap<string, number>;
  readonly rangeLabel: string;
}

export class LiveRefresh implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Newest failure start time seen per source: later ones are "new". */
  private readonly watermark = new Map<string, number>();
  private readonly counted = new vscode.EventEmitter<FailureCount>();
  readonly onDidCountFailures = this.counted.event;

  constructor(
    private readonly registry: SourceRegistry,
    private readonly tree: RunsTreeProvider,
    private readonly log: vscode.LogOutputChannel,
    private readonly reveal: (sourceId: string, run: Run) => Promise<void>,
  ) {
    this.restart();
  }

  /** Applies a changed interval; 0 stops polling (counts still update on refresh). */
  restart(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = settings.refreshIntervalSeconds();
    if (seconds > 0) this.timer = setInterval(() => void this.tick(), seconds * 1000);
    void this.countFailures();
  }

  async tick(): Promise<void> {
    if (this.ticking) return; // a slow API must not pile ticks up
    this.ticking = true;
    try {
      await Promise.all([this.pollActiveRuns(), this.countFailures()]);
    } finally {
      this.ticking = false;
    }
  }

  private async pollActiveRuns(): Promise<void> {
    const bySource = new Map<string, Run[]>();
    for (const node of this.tree.runNodes.values()) {
      if (!ACTIVE.has(node.run.status)) continue;
      const list = bySource.get(node.sourceId) ?? [];
      if (!list.some((r) => r.id === node.run.id)) list.push(node.run);
      bySource.set(node.sourceId, list);
    }
    await Promise.all(
      [...bySource.entries()].map(async ([sourceId, runs]) => {
        const configured = this.registry.get(sourceId);
        if (!configured) return;
        for (const run of runs.slice(0, MAX_POLLS_PER_SOURCE)) {
          try {
            const fresh = await configured.source.getRun(run.id);
            if (fresh.status !== run.status || fresh.endedAt !== run.endedAt || fresh.rawStatus !== run.rawStatus) {
              this.log.info(`run ${run.id} is now ${fresh.rawStatus}`);
              const { steps: _steps, ...summary } = fresh;
              this.tree.runChanged({ ...summary, integration: run.integration, name: summary.name ?? run.name });
            }
          } catch (error) {
            this.log.warn(`live refresh of ${run.id}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }),
    );
  }

  /** Failures in the filter's time range (the last 24 hours when it has none). */
  async countFailures(): Promise<void> {
    const filter = this.tree.filter;
    const range = filter.timeRange ?? { preset: '24h' as const };
    const rangeLabel = presetOf(range)?.label ?? 'the chosen range';
    const base = filterToQuery({ ...filter, timeRange: range });
    const bySource = new Map<string, number>();
    await Promise.all(
      this.registry.list().map(async ({ config, source }) => {
        if (!source.capabilities.filterStatuses.includes('failed') || !(await this.registry.hasKey(config.id))) return;
        const query: RunQuery = { ...base, status: 'failed' };
        try {
          const page = await source.listPage(query, 0);
          bySource.set(config.id, page.total);
          this.notifyNew(config.id, config.label ?? config.id, page.runs);
        } catch (error) {
          this.log.warn(`failure count for ${config.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    const total = [...bySource.values()].reduce((a, b) => a + b, 0);
    this.counted.fire({ total, bySource, rangeLabel });
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
        ? `Task History: a run failed in ${sourceLabel}: ${runLabel(first)}`
        : `Task History: ${fresh.length} new failed runs in ${sourceLabel}`;
    void vscode.window.showWarningMessage(text, 'Show').then((choice) => {
      if (choice === 'Show') void this.reveal(sourceId, first);
    });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.counted.dispose();
  }
}
