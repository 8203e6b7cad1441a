// Insights' figures over the run index, computed by SQLite where the rows are (RunIndex.read):
// counts, token sums and nearest-rank percentiles per group come out of one statement each,
// with window functions, so 150,000 runs are never loaded into JavaScript. The definitions
// (success rate, percentiles, what a row counts by agent, model or tool) are in model.ts.
import { RUN_STATUSES, type RunQuery, type RunStatus, type SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import type { Row, SqlValue } from '../runIndex/sqlite';
import type { SeriesBucket, StatsDimension, StatsRow, TokenSeries } from './model';

/** Which runs Insights reads: one source's runs in the index matching the tree's (or the command line's) filter. */
export interface InsightsScope {
  readonly index: RunIndex;
  readonly sourceId: string;
  readonly kind: SourceKind;
  readonly query?: RunQuery;
}

/** What a kind's runs carry, so a figure the API does not have is left out rather than shown as 0. */
export interface KindTraits {
  /** Token counts (the run's total, each step's). */
  readonly tokens: boolean;
  /** Steps carry agents, models and tools, and sync stores every run's steps. */
  readonly agents: boolean;
  /** The run's `taskCount` (Paragon: steps executed). */
  readonly taskCount: boolean;
}

// A type error here when a kind is added: say what its runs carry.
const TRAITS: Readonly<Record<SourceKind, KindTraits>> = {
  paragon: { tokens: false, agents: false, taskCount: true },
  dispersl: { tokens: true, agents: true, taskCount: false },
};

export function kindTraits(kind: SourceKind): KindTraits {
  return TRAITS[kind];
}

/** What RunIndex writes for an instant (UTC, ms): only these runs can be placed in a bucket. */
export const CANONICAL_INSTANT_GLOB = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';

/** A group as the engine answers it: the row, and its runs per status (for the series). */
interface GroupRow extends StatsRow {
  readonly byStatus: Record<RunStatus, number>;
}

/**
 * Rows of `keyed` (columns k, status, d duration ms, t tokens, tc task count: one row per thing
 * counted) grouped by k. SQLite picks the rows (the filter, the keys); the grouping and the
 * percentiles are done here in one pass: in this engine (SQLite in WebAssembly) window
 * functions over 150,000 runs took 2-3 s a grouping, reading the rows out about 0.4 s.
 * Percentiles are nearest-rank over the finished rows with a duration: the value at rank
 * ⌈p·n/100⌉ in ascending order, in integer arithmetic so that 95% of 20 is exactly 19.
 */
function aggregate(scope: InsightsScope, keyed: string, params: readonly SqlValue[]): GroupRow[] {
  return group(scope.kind, scope.index.read(scope.sourceId, scope.query ?? {}, `, keyed AS (${keyed}) SELECT k, status, d, t, tc FROM keyed`, params), (row) => row['k']);
}

/** Rows (status, d, t, tc and a key) grouped by `keyOf`, with the figures of each group. */
function group(kind: SourceKind, rows: readonly Row[], keyOf: (row: Row) => SqlValue | undefined): GroupRow[] {
  const traits = kindTraits(kind);
  interface Acc {
    key: string | null;
    runs: number;
    byStatus: Record<RunStatus, number>;
    tokens: number;
    tasks: number;
    durations: number[];
  }
  const groups = new Map<string | null, Acc>();
  for (const row of rows) {
    const k = keyOf(row);
    const key = k === null || k === undefined ? null : String(k);
    let acc = groups.get(key);
    if (!acc) {
      acc = { key, runs: 0, byStatus: Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>, tokens: 0, tasks: 0, durations: [] };
      groups.set(key, acc);
    }
    acc.runs++;
    const status = String(row['status']) as RunStatus;
    // A status the model does not know (a hostile "__proto__") counts as a run and nothing else.
    if (Object.hasOwn(acc.byStatus, status)) acc.byStatus[status]++;
    acc.tokens += finite(row['t']);
    acc.tasks += finite(row['tc']);
    const d = row['d'];
    if (d !== null && d !== undefined && !ACTIVE.has(status)) {
      const ms = Number(d);
      if (Number.isFinite(ms)) acc.durations.push(ms);
    }
  }
  return [...groups.values()].map((acc) => {
    const { failed, succeeded } = acc.byStatus;
    const sorted = Float64Array.from(acc.durations).sort();
    const rank = (p: number) => (sorted.length === 0 ? null : sorted[Math.floor((p * sorted.length + 99) / 100) - 1]!);
    return {
      key: acc.key,
      runs: acc.runs,
      failed,
      succeeded,
      successRate: failed + succeeded > 0 ? succeeded / (failed + succeeded) : null,
      p50Ms: rank(50),
      p95Ms: rank(95),
      maxMs: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
      ...(traits.tokens ? { tokens: acc.tokens } : {}),
      ...(traits.taskCount ? { taskCount: acc.tasks } : {}),
      byStatus: acc.byStatus,
    };
  });
}

/**
 * The scope's runs read once for every grouping by a run's own column (totals, status,
 * integration, workflow, user): each reading of 150,000 runs costs about a second here. Made
 * by computeInsights for one computation; a caller without one reads afresh.
 */
export class RunRows {
  private rows: readonly Row[] | undefined;
  constructor(private readonly scope: InsightsScope) {}
  get(): readonly Row[] {
    return (this.rows ??= this.scope.index.read(
      this.scope.sourceId,
      this.scope.query ?? {},
      `SELECT status, integration, coalesce(workflow_id, name) AS workflow, user_id AS user, ${runMeasures(this.scope.kind)} FROM filtered`,
    ));
  }
}

/** The column of RunRows each run-level dimension groups by (workflow: Paragon's id; Dispersl has none, and its task name is what repeats). */
const RUN_COLUMN: Readonly<Record<Exclude<StatsDimension, StepDimension>, string>> = { status: 'status', integration: 'integration', workflow: 'workflow', user: 'user' };

/** Statuses a run may still leave: its duration so far is not a duration. */
const ACTIVE: ReadonlySet<string> = new Set(['running', 'queued', 'delayed']);

/** A number SQLite gave (or text of one, from JSON), else 0: what total() makes of it. */
function finite(value: SqlValue | undefined): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** The row without its per-status counts. */
function statsRow({ byStatus: _byStatus, ...row }: GroupRow): StatsRow {
  return row;
}

/** Most runs first, then by key (runs without one last). */
export function byRuns(a: StatsRow, b: StatsRow): number {
  return b.runs - a.runs || compareKeys(a.key, b.key);
}

/** Most failed runs first, then most runs. */
export function byFailures(a: StatsRow, b: StatsRow): number {
  return b.failed - a.failed || byRuns(a, b);
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** A run's measures as the groupings read them: d its duration, t its tokens and tc its task count where the kind has them. */
function runMeasures(kind: SourceKind): string {
  const traits = kindTraits(kind);
  return `duration_ms AS d, ${traits.tokens ? "summary ->> '$.totalTokens'" : 'NULL'} AS t, ${traits.taskCount ? "summary ->> '$.taskCount'" : 'NULL'} AS tc`;
}

/** One row per run, keyed by one of its own columns. */
function runsKeyed(scope: InsightsScope, key: string): string {
  return `SELECT ${key} AS k, status, ${runMeasures(scope.kind)} FROM filtered`;
}

/** One row per (run, agent or model its steps used), with those steps' tokens. */
function stepColumnKeyed(column: 'agent' | 'model'): string {
  return `SELECT s.${column} AS k, r.status AS status, r.duration_ms AS d, sum(s.tokens) AS t, NULL AS tc
    FROM filtered r JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id
    WHERE s.${column} IS NOT NULL GROUP BY r.run_id, s.${column}`;
}

/** One row per (step, tool it used): the step's outcome, duration and tokens. */
const TOOLS_KEYED = `SELECT j.value AS k, s.status AS status, s.step ->> '$.durationMs' AS d, s.tokens AS t, NULL AS tc
    FROM filtered r JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id, json_each(s.step, '$.toolsUsed') j
    WHERE json_type(s.step, '$.toolsUsed') = 'array' GROUP BY s.run_id, s.position, j.value`;

/** What a step-level dimension groups: agent and model per run that used them, tools per step. */
type StepDimension = 'agent' | 'model' | 'tool';

/** The SQL that gives one row per thing counted under a step-level dimension. */
function stepKeyed(by: StepDimension): string {
  return by === 'tool' ? TOOLS_KEYED : stepColumnKeyed(by);
}

/** One row per key of the dimension, most runs first (see StatsRow for what each figure means). */
export function statsBy(scope: InsightsScope, by: StatsDimension, runs: RunRows = new RunRows(scope)): StatsRow[] {
  const groups = by === 'agent' || by === 'model' || by === 'tool' ? aggregate(scope, stepKeyed(by), []) : group(scope.kind, runs.get(), (row) => row[RUN_COLUMN[by]]);
  return groups.map(statsRow).sort(byRuns);
}

/** Every run in the scope as one row (key null). */
export function totals(scope: InsightsScope, runs: RunRows = new RunRows(scope)): StatsRow {
  const [row] = group(scope.kind, runs.get(), () => null);
  return row ? statsRow(row) : emptyRow(scope.kind);
}

function emptyRow(kind: SourceKind): StatsRow {
  const traits = kindTraits(kind);
  return {
    key: null,
    runs: 0,
    failed: 0,
    succeeded: 0,
    successRate: null,
    p50Ms: null,
    p95Ms: null,
    maxMs: null,
    ...(traits.tokens ? { tokens: 0 } : {}),
    ...(traits.taskCount ? { taskCount: 0 } : {}),
  };
}

/** Up to three days of range in hours, else days. */
const HOURLY_UP_TO_MS = 3 * 86_400_000;
/** A series with more buckets than this is not filled with empty ones (a range of decades). */
const MAX_FILLED_BUCKETS = 10_000;

export type Bucket = 'hour' | 'day';

/** How many characters of a canonical instant name its bucket ("2026-11-29T22" or "2026-11-29"). */
const PREFIX: Readonly<Record<Bucket, number>> = { hour: 13, day: 10 };
const BUCKET_MS: Readonly<Record<Bucket, number>> = { hour: 3_600_000, day: 86_400_000 };

/** The runs' first and last start in the scope (canonical instants only). */
function startRange(scope: InsightsScope): { first: number; last: number } | undefined {
  const [row] = scope.index.read(scope.sourceId, scope.query ?? {}, 'SELECT min(started_at) AS a, max(started_at) AS b FROM filtered WHERE started_at GLOB ?', [
    CANONICAL_INSTANT_GLOB,
  ]);
  if (!row || row['a'] === null) return undefined;
  return { first: Date.parse(String(row['a'])), last: Date.parse(String(row['b'])) };
}

/**
 * Where the series starts and ends (ms) and its bucket: the query's range where it gives one,
 * else the runs' own; hours for up to three days, days beyond.
 */
export function seriesFrame(scope: InsightsScope, bucket?: Bucket): { from: number; to: number; bucket: Bucket } | undefined {
  const held = startRange(scope);
  const query = scope.query ?? {};
  const from = query.startedAfter?.getTime() ?? held?.first;
  // startedBefore is exclusive: its last instant is a millisecond before.
  const to = query.startedBefore ? query.startedBefore.getTime() - 1 : held?.last;
  if (from === undefined || to === undefined || to < from) return undefined;
  return { from, to, bucket: bucket ?? (to - from <= HOURLY_UP_TO_MS ? 'hour' : 'day') };
}

function bucketStart(ms: number, bucket: Bucket): number {
  return Math.floor(ms / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

/** "2026-11-29T22" → its instant, as the engine's substr of a canonical instant names it. */
function bucketOf(prefix: string, bucket: Bucket): number {
  return Date.parse(bucket === 'hour' ? `${prefix}:00:00.000Z` : `${prefix}T00:00:00.000Z`);
}

/** The buckets' starts from `from` to `to`, every one (empty ones too), unless there are too many: then only `present`. */
function bucketStarts(frame: { from: number; to: number; bucket: Bucket }, present: Iterable<number>): number[] {
  const step = BUCKET_MS[frame.bucket];
  const first = bucketStart(frame.from, frame.bucket);
  const last = bucketStart(frame.to, frame.bucket);
  if ((last - first) / step + 1 > MAX_FILLED_BUCKETS) return [...new Set(present)].sort((a, b) => a - b);
  const starts: number[] = [];
  for (let at = first; at <= last; at += step) starts.push(at);
  return starts;
}

/** Runs per bucket of their start: counts per status, success rate and durations, every bucket of the frame. */
export function series(scope: InsightsScope, frame: { from: number; to: number; bucket: Bucket }): SeriesBucket[] {
  const keyed = `${runsKeyed(scope, `substr(started_at, 1, ${PREFIX[frame.bucket]})`)} WHERE started_at GLOB ?`;
  const groups = new Map(aggregate(scope, keyed, [CANONICAL_INSTANT_GLOB]).map((row) => [bucketOf(String(row.key), frame.bucket), row]));
  const zeros = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
  return bucketStarts(frame, groups.keys()).map((at) => {
    const row = groups.get(at);
    return {
      start: new Date(at).toISOString(),
      runs: row?.runs ?? 0,
      byStatus: row?.byStatus ?? zeros,
      successRate: row?.successRate ?? null,
      p50Ms: row?.p50Ms ?? null,
      p95Ms: row?.p95Ms ?? null,
      maxMs: row?.maxMs ?? null,
    };
  });
}

/** Tokens per bucket of `starts` for each agent or model (most tokens first). */
export function tokensOverTime(scope: InsightsScope, column: 'agent' | 'model', bucket: Bucket, starts: readonly string[]): TokenSeries[] {
  const rows = scope.index.read(
    scope.sourceId,
    scope.query ?? {},
    `SELECT substr(r.started_at, 1, ${PREFIX[bucket]}) AS b, s.${column} AS k, total(s.tokens) AS t
     FROM filtered r JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id
     WHERE s.${column} IS NOT NULL AND r.started_at GLOB ? GROUP BY b, k`,
    [CANONICAL_INSTANT_GLOB],
  );
  const position = new Map(starts.map((start, i) => [Date.parse(start), i]));
  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    const at = position.get(bucketOf(String(row['b']), bucket));
    if (at === undefined) continue;
    const key = String(row['k']);
    let tokens = byKey.get(key);
    if (!tokens) byKey.set(key, (tokens = starts.map(() => 0)));
    tokens[at] = Number(row['t']);
  }
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return [...byKey].map(([key, tokens]) => ({ key, tokens })).sort((a, b) => sum(b.tokens) - sum(a.tokens) || compareKeys(a.key, b.key));
}
