// Insights' figures over the run index, computed from a source's frame (runFrame.ts: its runs
// as columns in memory, brought up to date from what the index wrote since): a filter is one
// pass over the frame, each grouping another, and no figure reads the index again. The
// definitions (success rate, percentiles, what a row counts by agent, model or tool) are in
// model.ts.
import { RUN_STATUSES, type RunQuery, type RunStatus, type SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import type { SeriesBucket, StatsDimension, StatsRow, TokenSeries } from './model';
import { FrameCache } from './frameCache';
import { grown, type RunFrame } from './runFrame';

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

/** A scope's runs: its source's frame and the rows of it the filter takes. Made once per computation and handed to every figure. */
export interface ScopeRows {
  readonly frame: RunFrame;
  /** In ascending order of duration (RunFrame.byDuration): every grouping walks them so, and its percentiles need no sort. */
  readonly rows: Int32Array;
  /** 1 for each row taken, by row. */
  readonly mask: Uint8Array;
}

/** The scope's frame (read or brought up to date now) and its rows. */
export function scopeRows(scope: InsightsScope): ScopeRows {
  return rowsOf(FrameCache.now(scope.index, scope.sourceId, scope.kind, kindTraits(scope.kind).agents), scope.query);
}

/** The same, the frame read in slices with `pause` awaited between them (the extension host stays responsive while 150,000 runs are read the first time). */
export async function scopeRowsReady(scope: InsightsScope, pause: () => Promise<void>): Promise<ScopeRows> {
  return rowsOf(await FrameCache.ready(scope.index, scope.sourceId, scope.kind, kindTraits(scope.kind).agents, pause), scope.query);
}

function rowsOf(frame: RunFrame, query: RunQuery = {}): ScopeRows {
  return { frame, ...frame.select(query) };
}

/** What each status code of a frame's dictionary is: its place in RUN_STATUSES (-1: not a status, like a hostile "__proto__"), and whether a run in it may still change. */
interface StatusTable {
  readonly index: Int8Array;
  readonly active: Uint8Array;
}

function statusTable(frame: RunFrame): StatusTable {
  const values = frame.text.values;
  const index = new Int8Array(values.length).fill(-1);
  const active = new Uint8Array(values.length);
  RUN_STATUSES.forEach((status, i) => {
    const code = frame.text.find(status);
    if (code >= 0) index[code] = i;
  });
  for (const status of ACTIVE) {
    const code = frame.text.find(status);
    if (code >= 0) active[code] = 1;
  }
  return { index, active };
}

const STATUS_COUNT = RUN_STATUSES.length;

/** One group's tallies once every thing counted is in: the figures() input. */
interface Tallied {
  readonly slot: number;
  readonly runs: number;
  readonly byStatus: Int32Array;
  readonly tokens: number;
  readonly tasks: number;
  /** Nearest-rank percentiles and the maximum of its finished rows' durations (NaN: none). */
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/**
 * Groups' tallies in flat arrays, a group per slot (a dictionary code + 1, so none is slot 0):
 * a grouping over 900,000 steps is a few array writes a step, with no object or map per step.
 * The things counted are added twice, in ascending order of duration both times: the first
 * pass counts (so each group knows the ranks of its percentiles: ⌈p·n/100⌉ of n finished rows),
 * the second finds the values at those ranks. No durations are kept and none sorted.
 */
class GroupTable {
  private runs = new Int32Array(0);
  private byStatus = new Int32Array(0);
  private tokens = new Float64Array(0);
  private tasks = new Float64Array(0);
  private finished = new Int32Array(0);
  private seen = new Int32Array(0);
  private p50 = new Float64Array(0);
  private p95 = new Float64Array(0);
  private max = new Float64Array(0);

  constructor(private readonly table: StatusTable) {}

  /** First pass: counts. */
  add(slot: number, statusCode: number, durationMs: number, tokens: number, tasks: number): void {
    if (slot >= this.runs.length) this.reserve(slot + 1);
    this.runs[slot]!++;
    const i = statusCode >= 0 ? this.table.index[statusCode]! : -1;
    if (i >= 0) this.byStatus[slot * STATUS_COUNT + i]!++;
    if (Number.isFinite(tokens)) this.tokens[slot]! += tokens;
    if (Number.isFinite(tasks)) this.tasks[slot]! += tasks;
    if (this.counts(statusCode, durationMs)) this.finished[slot]!++;
  }

  /** Second pass, in the same (ascending) order: the durations at each group's ranks. */
  rank(slot: number, statusCode: number, durationMs: number): void {
    if (!this.counts(statusCode, durationMs)) return;
    const n = this.finished[slot]!;
    const at = ++this.seen[slot]!;
    if (at === Math.floor((50 * n + 99) / 100)) this.p50[slot] = durationMs;
    if (at === Math.floor((95 * n + 99) / 100)) this.p95[slot] = durationMs;
    if (at === n) this.max[slot] = durationMs;
  }

  /** A finished row with a duration: what the percentiles are of. */
  private counts(statusCode: number, durationMs: number): boolean {
    return Number.isFinite(durationMs) && !(statusCode >= 0 && this.table.active[statusCode]);
  }

  private reserve(slots: number): void {
    this.runs = grown(this.runs, slots);
    // Every array as long as runs (the grower may give more than asked): a slot below runs.length is in all of them.
    const n = this.runs.length;
    this.byStatus = grown(this.byStatus, n * STATUS_COUNT);
    this.tokens = grown(this.tokens, n);
    this.tasks = grown(this.tasks, n);
    this.finished = grown(this.finished, n);
    this.seen = grown(this.seen, n);
    this.p50 = grown(this.p50, n);
    this.p95 = grown(this.p95, n);
    this.max = grown(this.max, n);
  }

  /** Every group with something in it. */
  result(): Tallied[] {
    const out: Tallied[] = [];
    for (let slot = 0; slot < this.runs.length; slot++) {
      if (this.runs[slot] === 0) continue;
      const none = this.finished[slot] === 0;
      out.push({
        slot,
        runs: this.runs[slot]!,
        byStatus: this.byStatus.subarray(slot * STATUS_COUNT, (slot + 1) * STATUS_COUNT),
        tokens: this.tokens[slot]!,
        tasks: this.tasks[slot]!,
        p50: none ? NaN : this.p50[slot]!,
        p95: none ? NaN : this.p95[slot]!,
        max: none ? NaN : this.max[slot]!,
      });
    }
    return out;
  }
}

/** A group as computed: the row, and its runs per status (for the series). */
interface GroupRow extends StatsRow {
  readonly byStatus: Record<RunStatus, number>;
}

/**
 * A group's figures. Percentiles are nearest-rank over the finished rows with a duration: the
 * value at rank ⌈p·n/100⌉ in ascending order, in integer arithmetic so that 95% of 20 is
 * exactly 19.
 */
function figures(kind: SourceKind, key: string | null, tally: Tallied): GroupRow {
  const traits = kindTraits(kind);
  const byStatus = Object.fromEntries(RUN_STATUSES.map((status, i) => [status, tally.byStatus[i]!])) as Record<RunStatus, number>;
  const { failed, succeeded } = byStatus;
  const value = (ms: number) => (Number.isNaN(ms) ? null : ms);
  return {
    key,
    runs: tally.runs,
    failed,
    succeeded,
    successRate: failed + succeeded > 0 ? succeeded / (failed + succeeded) : null,
    p50Ms: value(tally.p50),
    p95Ms: value(tally.p95),
    maxMs: value(tally.max),
    ...(traits.tokens ? { tokens: tally.tokens } : {}),
    ...(traits.taskCount ? { taskCount: tally.tasks } : {}),
    byStatus,
  };
}

/** The runs tallied by the slot each one is keyed by (-1: in no group). */
function tallyRuns({ frame, rows }: ScopeRows, slotOf: (row: number) => number): Tallied[] {
  const groups = new GroupTable(statusTable(frame));
  const slots = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const slot = (slots[i] = slotOf(row));
    if (slot >= 0) groups.add(slot, frame.status[row]!, frame.durationMs[row]!, frame.tokens[row]!, frame.taskCount[row]!);
  }
  for (let i = 0; i < rows.length; i++) if (slots[i]! >= 0) groups.rank(slots[i]!, frame.status[rows[i]!]!, frame.durationMs[rows[i]!]!);
  return groups.result();
}

/** The runs grouped by one of their own columns' codes (slot = code + 1). */
function groupRuns(kind: SourceKind, rows: ScopeRows, codeOf: (row: number) => number): GroupRow[] {
  return tallyRuns(rows, (row) => codeOf(row) + 1).map((tally) => figures(kind, rows.frame.text.value(tally.slot - 1), tally));
}

/** Each run once under each agent or model its steps used, with those steps' tokens (a run's own status and duration). */
function groupByStepColumn(kind: SourceKind, { frame, rows }: ScopeRows, column: 'agent' | 'model'): GroupRow[] {
  const groups = new GroupTable(statusTable(frame));
  const { start, codes, tokens } = frame.distinctByRun(column);
  for (const row of rows) {
    for (let i = start[row]!; i < start[row + 1]!; i++) groups.add(codes[i]! + 1, frame.status[row]!, frame.durationMs[row]!, tokens[i]!, NaN);
  }
  for (const row of rows) {
    for (let i = start[row]!; i < start[row + 1]!; i++) groups.rank(codes[i]! + 1, frame.status[row]!, frame.durationMs[row]!);
  }
  return groups.result().map((tally) => figures(kind, frame.text.value(tally.slot - 1), tally));
}

/** Each step once under each tool it used: the step's own status, duration and tokens (steps walked in ascending order of duration). */
function groupByTool(kind: SourceKind, { frame, mask }: ScopeRows): GroupRow[] {
  const groups = new GroupTable(statusTable(frame));
  const steps = frame.byDuration().steps;
  for (const s of steps) {
    if (mask[frame.stepRun[s]!] !== 1) continue;
    const from = frame.toolStart[s]!;
    const to = from + frame.toolCount[s]!;
    for (let t = from; t < to; t++) groups.add(frame.toolCodes[t]! + 1, frame.stepStatus[s]!, frame.stepDuration[s]!, frame.stepTokens[s]!, NaN);
  }
  for (const s of steps) {
    if (mask[frame.stepRun[s]!] !== 1) continue;
    const from = frame.toolStart[s]!;
    const to = from + frame.toolCount[s]!;
    for (let t = from; t < to; t++) groups.rank(frame.toolCodes[t]! + 1, frame.stepStatus[s]!, frame.stepDuration[s]!);
  }
  return groups.result().map((tally) => figures(kind, frame.text.value(tally.slot - 1), tally));
}

/** The code each run-level dimension groups by (workflow: Paragon's id, else the run's name: Dispersl has no workflows, and its task name is what repeats). */
function runKey(frame: RunFrame, by: RunDimension): (row: number) => number {
  switch (by) {
    case 'status':
      return (row) => frame.status[row]!;
    case 'integration':
      return (row) => frame.integration[row]!;
    case 'user':
      return (row) => frame.user[row]!;
    case 'workflow':
      return (row) => (frame.workflowId[row]! >= 0 ? frame.workflowId[row]! : frame.name[row]!);
  }
}

type RunDimension = Exclude<StatsDimension, StepDimension>;

/** Statuses a run may still leave: its duration so far is not a duration. */
const ACTIVE: ReadonlySet<string> = new Set(['running', 'queued', 'delayed']);

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

/** What a step-level dimension groups: agent and model per run that used them, tools per step. */
type StepDimension = 'agent' | 'model' | 'tool';

/** One row per key of the dimension, most runs first (see StatsRow for what each figure means). */
export function statsBy(scope: InsightsScope, by: StatsDimension, rows: ScopeRows = scopeRows(scope)): StatsRow[] {
  const groups =
    by === 'agent' || by === 'model'
      ? groupByStepColumn(scope.kind, rows, by)
      : by === 'tool'
        ? groupByTool(scope.kind, rows)
        : groupRuns(scope.kind, rows, runKey(rows.frame, by));
  return groups.map(statsRow).sort(byRuns);
}

/** Every run in the scope as one row (key null). */
export function totals(scope: InsightsScope, rows: ScopeRows = scopeRows(scope)): StatsRow {
  const [row] = groupRuns(scope.kind, rows, () => -1);
  return row ? statsRow(row) : emptyRow(scope.kind);
}

/** The mean of the finished runs' durations, and how many there are. */
export function meanDuration(rows: ScopeRows): { count: number; meanMs: number | null } {
  const { frame } = rows;
  const table = statusTable(frame);
  let count = 0;
  let sum = 0;
  for (const row of rows.rows) {
    const d = frame.durationMs[row]!;
    const status = frame.status[row]!;
    if (Number.isFinite(d) && !(status >= 0 && table.active[status])) {
      count++;
      sum += d;
    }
  }
  return { count, meanMs: count > 0 ? sum / count : null };
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

const BUCKET_MS: Readonly<Record<Bucket, number>> = { hour: 3_600_000, day: 86_400_000 };

/** The runs' first and last start in the scope (canonical instants only). */
function startRange({ frame, rows }: ScopeRows): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const ms = frame.startMs[row]!;
    if (ms < first) first = ms;
    if (ms > last) last = ms;
  }
  return first === Infinity ? undefined : { first, last };
}

/**
 * Where the series starts and ends (ms) and its bucket: the query's range where it gives one,
 * else the runs' own; hours for up to three days, days beyond.
 */
export function seriesFrame(scope: InsightsScope, bucket?: Bucket, rows: ScopeRows = scopeRows(scope)): { from: number; to: number; bucket: Bucket } | undefined {
  const held = startRange(rows);
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
export function series(scope: InsightsScope, frame: { from: number; to: number; bucket: Bucket }, rows: ScopeRows = scopeRows(scope)): SeriesBucket[] {
  // A run without a place in time (no start, or one kept as sent) is in no bucket. Buckets get slots as they come.
  const slots = new Map<number, number>();
  const starts: number[] = [];
  const tallies = tallyRuns(rows, (row) => {
    const ms = rows.frame.startMs[row]!;
    if (Number.isNaN(ms)) return -1;
    const at = bucketStart(ms, frame.bucket);
    let slot = slots.get(at);
    if (slot === undefined) slots.set(at, (slot = starts.push(at) - 1));
    return slot;
  });
  const groups = new Map(tallies.map((tally) => [starts[tally.slot]!, figures(scope.kind, null, tally)]));
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
export function tokensOverTime(scope: InsightsScope, column: 'agent' | 'model', bucket: Bucket, starts: readonly string[], rows: ScopeRows = scopeRows(scope)): TokenSeries[] {
  const { frame } = rows;
  const { start, codes, tokens: runTokens } = frame.distinctByRun(column);
  const position = new Map(starts.map((start, i) => [Date.parse(start), i]));
  const byCode = new Map<number, number[]>();
  for (const row of rows.rows) {
    const ms = frame.startMs[row]!;
    if (Number.isNaN(ms)) continue;
    const at = position.get(bucketStart(ms, bucket));
    if (at === undefined) continue;
    for (let i = start[row]!; i < start[row + 1]!; i++) {
      const code = codes[i]!;
      let tokens = byCode.get(code);
      if (!tokens) byCode.set(code, (tokens = starts.map(() => 0)));
      const t = runTokens[i]!;
      if (Number.isFinite(t)) tokens[at]! += t;
    }
  }
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return [...byCode].map(([code, tokens]) => ({ key: frame.text.value(code)!, tokens })).sort((a, b) => sum(b.tokens) - sum(a.tokens) || compareKeys(a.key, b.key));
}
