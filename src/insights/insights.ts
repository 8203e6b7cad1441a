// Everything the Insights panel shows for one source, computed from the run index alone (no
// request; see runFrame.ts for how): totals, the time series, durations, slowest and most-failing workflows (task
// names), the breakdowns, tokens and error signatures, as one versioned InsightsData.
import type { RunQuery } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import { FrameCache } from './frameCache';
import { errorSignatures } from './errors';
import { INSIGHTS_VERSION, type DurationSummary, type InsightsData, type StatsRow, type TokenUsage } from './model';
import {
  byFailures,
  kindTraits,
  meanDuration,
  scopeRows,
  scopeRowsReady,
  series,
  seriesFrame,
  statsBy,
  tokensOverTime,
  totals,
  type Bucket,
  type InsightsScope,
  type ScopeRows,
} from './stats';

export interface InsightsOptions {
  /** Hours or days; default hours for a range of up to three days. */
  readonly bucket?: Bucket;
  /** How many workflows (task names) the slowest and most-failing lists keep (default 10). */
  readonly top?: number;
  /** When "the last 24 hours" of error trends end (default now). */
  readonly now?: Date;
}

function queryText(query: RunQuery): InsightsData['query'] {
  const out: Record<string, string> = {};
  if (query.status) out['status'] = query.status;
  if (query.startedAfter) out['startedAfter'] = query.startedAfter.toISOString();
  if (query.startedBefore) out['startedBefore'] = query.startedBefore.toISOString();
  if (query.userId) out['userId'] = query.userId;
  if (query.workflowId) out['workflowId'] = query.workflowId;
  if (query.integration) out['integration'] = query.integration;
  return out as InsightsData['query'];
}

function tokenUsage(rows: readonly StatsRow[]): TokenUsage[] {
  return rows
    .filter((r): r is StatsRow & { key: string } => r.key !== null)
    .map((r) => ({ key: r.key, tokens: r.tokens ?? 0, runs: r.runs, perTask: r.runs > 0 ? (r.tokens ?? 0) / r.runs : null }))
    .sort((a, b) => b.tokens - a.tokens || (a.key < b.key ? -1 : 1));
}

/** The finished runs' durations: the percentiles come with the totals. */
function durationSummary(rows: ScopeRows, total: StatsRow): DurationSummary {
  const { count, meanMs } = meanDuration(rows);
  return { count, p50Ms: total.p50Ms, p95Ms: total.p95Ms, maxMs: total.maxMs, meanMs };
}

/**
 * Insights for the scope, its source's frame read (the first time) or brought up to date now.
 * In the extension host use computeInsightsReady, which reads a first frame in slices.
 */
export function computeInsights(scope: InsightsScope, options: InsightsOptions = {}): InsightsData {
  return insightsOf(scope, scopeRows(scope), options);
}

/** The same, the frame read in slices with `pause` awaited between them (no slice holds the thread for long). */
export async function computeInsightsReady(scope: InsightsScope, options: InsightsOptions, pause: () => Promise<void>): Promise<InsightsData> {
  return insightsOf(scope, await scopeRowsReady(scope, pause), options);
}

/** A turn of the event loop (setImmediate): the pause a frame read in slices takes between them, so timers, I/O and messages are served meanwhile. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads (or brings up to date) the source's frame in slices, ahead of use: the extension does it
 * when the index opens and after each sync, so opening Insights or the tree's Failures finds it
 * ready and pays only the computation.
 */
export async function prepareInsights(scope: Omit<InsightsScope, 'query'>, pause: () => Promise<void>): Promise<void> {
  // Selecting made the frame's order by duration; the distinct agents and models are the other thing made per state.
  const { frame } = await scopeRowsReady(scope, pause);
  if (frame.withSteps) frame.distinctByRun('agent');
}

/** Saves the source's frame beside the index if it changed (frameFile.ts): the next process starts from it. */
export function saveInsightsFrame(index: RunIndex, sourceId: string): Promise<boolean> {
  return FrameCache.save(index, sourceId);
}

/** The same, at once (the CLI, about to exit). */
export function saveInsightsFrameNow(index: RunIndex, sourceId: string): boolean {
  return FrameCache.saveNow(index, sourceId);
}

function insightsOf(scope: InsightsScope, runs: ScopeRows, options: InsightsOptions): InsightsData {
  const traits = kindTraits(scope.kind);
  const now = options.now ?? new Date();
  const top = options.top ?? 10;
  const total = totals(scope, runs);
  const frame = seriesFrame(scope, options.bucket, runs);
  const buckets = frame ? series(scope, frame, runs) : [];
  const starts = buckets.map((b) => b.start);
  const byWorkflow = statsBy(scope, 'workflow', runs);
  const byAgent = traits.agents ? statsBy(scope, 'agent', runs) : [];
  const byModel = traits.agents ? statsBy(scope, 'model', runs) : [];
  return {
    version: INSIGHTS_VERSION,
    sourceId: scope.sourceId,
    kind: scope.kind,
    generatedAt: now.toISOString(),
    query: queryText(scope.query ?? {}),
    has: { tokens: traits.tokens, steps: traits.agents, taskCount: traits.taskCount },
    totals: total,
    durations: durationSummary(runs, total),
    bucket: frame?.bucket ?? options.bucket ?? 'day',
    series: buckets,
    slowest: byWorkflow
      .filter((r) => r.key !== null && r.p95Ms !== null)
      .sort((a, b) => b.p95Ms! - a.p95Ms! || b.runs - a.runs)
      .slice(0, top),
    mostFailing: byWorkflow
      .filter((r) => r.key !== null && r.failed > 0)
      .sort(byFailures)
      .slice(0, top),
    byStatus: statsBy(scope, 'status', runs),
    byIntegration: statsBy(scope, 'integration', runs),
    byWorkflow,
    byUser: statsBy(scope, 'user', runs).sort(byFailures),
    byAgent,
    byModel,
    byTool: traits.agents ? statsBy(scope, 'tool', runs) : [],
    tokens: {
      byModel: traits.tokens ? tokenUsage(byModel) : [],
      byAgent: traits.tokens ? tokenUsage(byAgent) : [],
      overTimeByModel: traits.tokens && frame ? tokensOverTime(scope, 'model', frame.bucket, starts, runs) : [],
      overTimeByAgent: traits.tokens && frame ? tokensOverTime(scope, 'agent', frame.bucket, starts, runs) : [],
    },
    errors: errorSignatures(scope, now, runs),
  };
}
