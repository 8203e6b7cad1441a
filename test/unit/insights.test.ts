// Insights against the emulator's truth: a real index filled by syncSource over loopback
// (Paragon: failed runs' steps and failing outputs; Dispersl: every task's steps), and every
// figure compared with one computed here in plain JavaScript from what the API itself answers
// (its listing, each task's steps, each failed run's failing step and payload), never from
// the index's SQL. Percentiles are nearest-rank over the finished runs' durations.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_STATUSES, type Run, type RunDetail, type RunQuery, type RunStatus, type Step } from '../../src/core/model';
import { runs as listRuns } from '../../src/core/paging';
import type { HistorySource } from '../../src/core/source';
import { firstFailedStep } from '../../src/core/stepGraph';
import { errorSignatures, signatureRunIds } from '../../src/insights/errors';
import { signatureOf } from '../../src/insights/errorSignature';
import { computeInsights } from '../../src/insights/insights';
import { INSIGHTS_VERSION, type StatsRow } from '../../src/insights/model';
import { series, seriesFrame, statsBy, tokensOverTime, type InsightsScope } from '../../src/insights/stats';
import { RunIndex } from '../../src/runIndex/runIndex';
import { syncSource } from '../../src/runIndex/sync';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { collect, useEmulator } from './support/emulatorFixture';

const ACTIVE = new Set<string>(['running', 'queued', 'delayed']);

/** Nearest rank: the value at rank ⌈p·n/100⌉ of the sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.ceil((p * sorted.length) / 100) - 1]!;
}

interface Counted {
  readonly status: RunStatus;
  readonly durationMs?: number;
  readonly tokens?: number;
  readonly taskCount?: number;
}

/** The figures of one group, computed in JavaScript. */
function truthRow(key: string | null, items: readonly Counted[], with_: { tokens?: boolean; taskCount?: boolean }): StatsRow {
  const failed = items.filter((i) => i.status === 'failed').length;
  const succeeded = items.filter((i) => i.status === 'succeeded').length;
  const durations = items
    .filter((i) => !ACTIVE.has(i.status) && i.durationMs !== undefined)
    .map((i) => i.durationMs!)
    .sort((a, b) => a - b);
  return {
    key,
    runs: items.length,
    failed,
    succeeded,
    successRate: failed + succeeded > 0 ? succeeded / (failed + succeeded) : null,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    maxMs: durations.length > 0 ? durations[durations.length - 1]! : null,
    ...(with_.tokens ? { tokens: items.reduce((n, i) => n + (i.tokens ?? 0), 0) } : {}),
    ...(with_.taskCount ? { taskCount: items.reduce((n, i) => n + (i.taskCount ?? 0), 0) } : {}),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null | readonly string[]): Map<string | null, T[]> {
  const out = new Map<string | null, T[]>();
  for (const item of items) {
    const k = key(item);
    for (const one of Array.isArray(k) ? [...new Set(k as readonly string[])] : [k as string | null]) {
      if (!out.has(one)) out.set(one, []);
      out.get(one)!.push(item);
    }
  }
  return out;
}

/** Rows in a fixed order, to compare sets of rows whatever their ranking. */
const byKey = (rows: readonly StatsRow[]) => [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)));

function assertRows(actual: readonly StatsRow[], truth: readonly StatsRow[], what: string): void {
  assert.equal(actual.length, truth.length, `${what}: rows`);
  const t = byKey(truth);
  byKey(actual).forEach((row, i) => {
    const expected = t[i]!;
    assert.equal(row.key, expected.key, `${what}: key`);
    for (const field of ['runs', 'failed', 'succeeded', 'p50Ms', 'p95Ms', 'maxMs', 'tokens', 'taskCount'] as const) {
      assert.equal(row[field], expected[field], `${what} ${String(row.key)}: ${field}`);
    }
    if (expected.successRate === null) assert.equal(row.successRate, null);
    else assert.ok(Math.abs(row.successRate! - expected.successRate) < 1e-12, `${what} ${String(row.key)}: successRate`);
  });
}

const inRange = (run: Run, query: RunQuery) => {
  const at = Date.parse(run.startedAt ?? '');
  return at >= query.startedAfter!.getTime() && at < query.startedBefore!.getTime();
};

describe('Insights over the run index, against the emulator’s truth', function () {
  this.timeout(120_000);
  const emulator = useEmulator({ paragonExecutions: 800, disperslTasks: 150 });
  let dir: string;
  let index: RunIndex;
  let paragon: HistorySource;
  let dispersl: HistorySource;
  /** What the APIs answer, read here without the index. */
  let paragonRuns: Run[];
  let disperslTasks: RunDetail[];
  /** A range inside the data: from the start of the 15th percentile run to the start of the 85th. */
  let pRange: RunQuery;
  let dRange: RunQuery;

  before(async function () {
    this.timeout(300_000);
    const e = emulator();
    dir = mkdtempSync(join(tmpdir(), 'thx-insights-'));
    index = RunIndex.open(join(dir, 'runs.db'));
    paragon = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
    dispersl = new DisperslClient({ baseUrl: e.disperslBaseUrl, apiKey: e.apiKey, retryBaseDelayMs: 1, requestsPerHour: null });
    await syncSource({ sourceId: 'p', source: paragon, index, since: 'all', details: 'failed' });
    await syncSource({ sourceId: 'd', source: dispersl, index, since: 'all', details: 'all' });
    paragonRuns = await collect(listRuns(paragon, {}));
    const listed = await collect(listRuns(dispersl, {}));
    disperslTasks = await Promise.all(listed.map((t) => dispersl.getRun(t.id)));
    const rangeOf = (all: readonly Run[]): RunQuery => {
      const starts = all.map((r) => Date.parse(r.startedAt!)).sort((a, b) => a - b);
      return { startedAfter: new Date(starts[Math.floor(starts.length * 0.15)]!), startedBefore: new Date(starts[Math.floor(starts.length * 0.85)]!) };
    };
    pRange = rangeOf(paragonRuns);
    dRange = rangeOf(disperslTasks);
  });
  after(() => {
    index?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pScope = (query: RunQuery = pRange): InsightsScope => ({ index, sourceId: 'p', kind: 'paragon', query });
  const dScope = (query: RunQuery = dRange): InsightsScope => ({ index, sourceId: 'd', kind: 'dispersl', query });

  it('Paragon: by status, workflow and user, every figure equals the truth on a known range (counts, success rate, taskCount, nearest-rank p50/p95, max)', () => {
    const runs = paragonRuns.filter((r) => inRange(r, pRange));
    assert.ok(runs.length > 400 && runs.some((r) => r.status === 'failed'));
    for (const [by, key] of [
      ['status', (r: Run) => r.status],
      ['workflow', (r: Run) => r.workflowId ?? null],
      ['user', (r: Run) => r.userId ?? null],
    ] as const) {
      const truth = [...groupBy(runs, key)].map(([k, items]) => truthRow(k, items, { taskCount: true }));
      assertRows(statsBy(pScope(), by), truth, `paragon by ${by}`);
    }
    // And the counts agree with the emulator's own filtered truth (its data, not its HTTP answers).
    const e = emulator();
    const window = { afterDate: pRange.startedAfter!.toISOString(), beforeDate: pRange.startedBefore!.toISOString() };
    for (const row of statsBy(pScope(), 'workflow')) {
      assert.equal(row.runs, e.truth.paragonIds({ ...window, workflowId: row.key! }).length, `workflow ${row.key}`);
      assert.equal(row.failed, e.truth.paragonIds({ ...window, workflowId: row.key!, status: 'FAILED' }).length);
    }
    for (const row of statsBy(pScope(), 'user')) assert.equal(row.runs, e.truth.paragonIds({ ...window, userId: row.key! }).length, `user ${row.key}`);
  });

  it('Paragon: by integration, each integration the index holds counts what the emulator has under it; untagged runs are one null row', () => {
    const rows = statsBy(pScope(), 'integration');
    const e = emulator();
    const window = { afterDate: pRange.startedAfter!.toISOString(), beforeDate: pRange.startedBefore!.toISOString() };
    const total = paragonRuns.filter((r) => inRange(r, pRange)).length;
    assert.equal(
      rows.reduce((n, r) => n + r.runs, 0),
      total,
    );
    for (const row of rows.filter((r) => r.key !== null)) {
      assert.equal(row.runs, e.truth.paragonIds({ ...window, integration: row.key! }).length, `integration ${row.key}`);
    }
  });

  it('a filter beyond time (status, user, workflow) narrows every figure as the tree’s filter does', () => {
    const e = emulator();
    const userId = statsBy(pScope(), 'user')[0]!.key!;
    const query = { ...pRange, userId, status: 'failed' as const };
    const truth = paragonRuns.filter((r) => inRange(r, pRange) && r.userId === userId && r.status === 'failed');
    assertRows(statsBy(pScope(query), 'status'), truth.length ? [truthRow('failed', truth, { taskCount: true })] : [], 'user and status filter');
    assert.equal(
      truth.length,
      e.truth.paragonIds({ userId, status: 'FAILED', afterDate: pRange.startedAfter!.toISOString(), beforeDate: pRange.startedBefore!.toISOString() }).length,
    );
  });

  it('Dispersl: by status and task name, by agent and model (a task under each one its steps used, their tokens) and by tool (steps), every figure equals the truth from the API’s steps', () => {
    const tasks = disperslTasks.filter((t) => inRange(t, dRange));
    assert.ok(tasks.length > 80 && tasks.some((t) => t.status === 'failed'));
    const asRun = (t: RunDetail): Counted => ({ status: t.status, durationMs: t.durationMs, tokens: t.totalTokens });
    assertRows(
      statsBy(dScope(), 'status'),
      [...groupBy(tasks, (t) => t.status)].map(([k, items]) => truthRow(k, items.map(asRun), { tokens: true })),
      'dispersl by status',
    );
    assertRows(
      statsBy(dScope(), 'workflow'),
      [...groupBy(tasks, (t) => t.name ?? null)].map(([k, items]) => truthRow(k, items.map(asRun), { tokens: true })),
      'dispersl by task name',
    );
    for (const column of ['agent', 'model'] as const) {
      // Only tasks whose steps are stored: sync stores the steps of finished tasks.
      const withSteps = tasks.filter((t) => !ACTIVE.has(t.status));
      const truth = [...groupBy(withSteps, (t) => t.steps.map((s) => s[column]).filter((v): v is string => v !== undefined))].map(([k, items]) =>
        truthRow(
          k,
          items.map((t) => ({ status: t.status, durationMs: t.durationMs, tokens: t.steps.filter((s) => s[column] === k).reduce((n, s) => n + (s.tokensUsed ?? 0), 0) })),
          { tokens: true },
        ),
      );
      assert.ok(truth.length >= 3, `${column}s in the emulator`);
      assertRows(statsBy(dScope(), column), truth, `dispersl by ${column}`);
    }
    const steps = tasks.filter((t) => !ACTIVE.has(t.status)).flatMap((t) => t.steps);
    const toolTruth = [...groupBy(steps, (s: Step) => s.toolsUsed ?? [])].map(([k, items]) =>
      truthRow(
        k,
        items.map((s) => ({ status: s.status, durationMs: s.durationMs, tokens: s.tokensUsed })),
        { tokens: true },
      ),
    );
    assert.ok(toolTruth.length >= 3);
    assertRows(statsBy(dScope(), 'tool'), toolTruth, 'dispersl by tool');
  });

  it('the series: runs per day per status, success rate and duration percentiles per bucket, every day of the range (empty ones as zeros)', () => {
    const scope = pScope();
    const frame = seriesFrame(scope)!;
    assert.equal(frame.bucket, 'day');
    const buckets = series(scope, frame);
    const runs = paragonRuns.filter((r) => inRange(r, pRange));
    const days = groupBy(runs, (r) => r.startedAt!.slice(0, 10));
    const firstDay = Date.UTC(pRange.startedAfter!.getUTCFullYear(), pRange.startedAfter!.getUTCMonth(), pRange.startedAfter!.getUTCDate());
    assert.equal(buckets[0]!.start, new Date(firstDay).toISOString());
    for (let i = 1; i < buckets.length; i++) assert.equal(Date.parse(buckets[i]!.start) - Date.parse(buckets[i - 1]!.start), 86_400_000);
    assert.equal(
      buckets.reduce((n, b) => n + b.runs, 0),
      runs.length,
    );
    for (const bucket of buckets) {
      const items = days.get(bucket.start.slice(0, 10)) ?? [];
      const truth = truthRow(null, items, {});
      assert.equal(bucket.runs, truth.runs, bucket.start);
      for (const status of RUN_STATUSES) assert.equal(bucket.byStatus[status], items.filter((r) => r.status === status).length, `${bucket.start} ${status}`);
      assert.equal(bucket.p50Ms, truth.p50Ms);
      assert.equal(bucket.p95Ms, truth.p95Ms);
      assert.equal(bucket.maxMs, truth.maxMs);
      assert.equal(bucket.successRate, truth.successRate);
    }
    // Hours for a short range.
    const day = new Date(Date.parse(buckets[1]!.start));
    const hourly = seriesFrame(pScope({ startedAfter: day, startedBefore: new Date(day.getTime() + 86_400_000) }))!;
    assert.equal(hourly.bucket, 'hour');
    assert.equal(series(pScope({ startedAfter: day, startedBefore: new Date(day.getTime() + 86_400_000) }), hourly).length, 24);
  });

  it('Dispersl tokens over time: per model, per day, the sum of its steps’ tokens', () => {
    const scope = dScope();
    const frame = seriesFrame(scope)!;
    const starts = series(scope, frame).map((b) => b.start);
    const got = tokensOverTime(scope, 'model', frame.bucket, starts);
    const tasks = disperslTasks.filter((t) => inRange(t, dRange) && !ACTIVE.has(t.status));
    for (const line of got) {
      starts.forEach((start, i) => {
        const truth = tasks
          .filter((t) => t.startedAt!.slice(0, frame.bucket === 'day' ? 10 : 13) === (frame.bucket === 'day' ? start.slice(0, 10) : start.slice(0, 13)))
          .flatMap((t) => t.steps)
          .filter((s) => s.model === line.key)
          .reduce((n, s) => n + (s.tokensUsed ?? 0), 0);
        assert.equal(line.tokens[i], truth, `${line.key} ${start}`);
      });
    }
    assert.equal(got.length, new Set(tasks.flatMap((t) => t.steps.map((s) => s.model))).size);
  });

  it('error signatures: every failed run of the range in one signature; counts, first and last seen, the newest example and the runs listed for a signature equal the truth (Paragon: failing step and its output from the API; Dispersl: failing step)', async () => {
    const now = new Date();
    // Paragon: the failing step and its output, asked of the API.
    const failed = paragonRuns.filter((r) => inRange(r, pRange) && r.status === 'failed');
    const truth = new Map<string, Run[]>();
    for (const run of failed) {
      const detail = await paragon.getRun(run.id);
      const step = firstFailedStep(detail.steps)!;
      const payload = await paragon.getStepPayload!(run.id, step.id);
      const key = signatureOf({ kind: 'paragon', stepType: step.type, stepName: step.name, output: payload.output }).key;
      truth.set(key, [...(truth.get(key) ?? []), run]);
    }
    const got = errorSignatures(pScope(), now);
    assert.equal(got.failedRuns, failed.length);
    assert.equal(got.withoutSteps, 0);
    assert.ok(got.signatures.length >= 3, 'several signatures');
    assert.deepEqual(new Map(got.signatures.map((s) => [s.key, s.count])), new Map([...truth].map(([k, runs]) => [k, runs.length])));
    for (const s of got.signatures) {
      const runs = truth.get(s.key)!.sort((a, b) => a.startedAt!.localeCompare(b.startedAt!) || a.id.localeCompare(b.id));
      assert.equal(s.firstSeen, new Date(runs[0]!.startedAt!).toISOString());
      assert.equal(s.lastSeen, new Date(runs.at(-1)!.startedAt!).toISOString());
      assert.equal(s.example, runs.at(-1)!.id);
      assert.deepEqual(new Set(s.users), new Set(runs.map((r) => r.userId).filter(Boolean)));
      // "Export these runs" / "list them in the tree": exactly its runs, newest first.
      const ids = signatureRunIds(pScope(), s.key);
      assert.deepEqual(new Set(ids), new Set(runs.map((r) => r.id)));
      assert.equal(ids[0], s.example);
    }
    // Dispersl: by the failing step's name, agent and model.
    const dFailed = disperslTasks.filter((t) => inRange(t, dRange) && t.status === 'failed');
    const dTruth = new Map<string, number>();
    for (const task of dFailed) {
      const step = firstFailedStep(task.steps);
      const key = signatureOf({ kind: 'dispersl', stepType: step?.type, stepName: step?.name, agent: step?.agent, model: step?.model }).key;
      dTruth.set(key, (dTruth.get(key) ?? 0) + 1);
    }
    const dGot = errorSignatures(dScope(), now);
    assert.ok(dFailed.length > 3);
    assert.equal(dGot.failedRuns, dFailed.length);
    assert.deepEqual(new Map(dGot.signatures.map((s) => [s.key, s.count])), dTruth);
  });

  it('computeInsights: one versioned object that survives JSON, its parts agreeing with the functions above', () => {
    const data = computeInsights(pScope(), { now: new Date() });
    assert.equal(data.version, INSIGHTS_VERSION);
    assert.deepEqual(JSON.parse(JSON.stringify(data)), data);
    const runs = paragonRuns.filter((r) => inRange(r, pRange));
    assertRows([data.totals], [truthRow(null, runs, { taskCount: true })], 'totals');
    assert.equal(data.durations.p95Ms, data.totals.p95Ms);
    assert.equal(data.durations.count, runs.filter((r) => !ACTIVE.has(r.status) && r.durationMs !== undefined).length);
    assert.ok(data.slowest.length > 0 && data.slowest.every((r, i) => i === 0 || data.slowest[i - 1]!.p95Ms! >= r.p95Ms!));
    assert.ok(data.mostFailing.every((r, i) => i === 0 || data.mostFailing[i - 1]!.failed >= r.failed));
    assert.ok(
      data.byUser.every((r, i) => i === 0 || data.byUser[i - 1]!.failed >= r.failed),
      'users: most failures first',
    );
    assert.deepEqual(data.byAgent, [], 'Paragon has no agents');
    assert.equal(data.errors.failedRuns, runs.filter((r) => r.status === 'failed').length);
    const d = computeInsights(dScope());
    assert.ok(d.has.tokens && d.tokens.byModel.length >= 3);
    for (const usage of d.tokens.byModel) {
      const row = d.byModel.find((r) => r.key === usage.key)!;
      assert.equal(usage.tokens, row.tokens);
      assert.equal(usage.perTask, row.tokens! / row.runs);
    }
    assert.equal(
      d.tokens.overTimeByModel.reduce((n, l) => n + l.tokens.reduce((a, b) => a + b, 0), 0),
      d.tokens.byModel.reduce((n, u) => n + u.tokens, 0),
    );
  });
});
