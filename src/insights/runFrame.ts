// A source's runs as columns in memory, for Insights: the figures over 150,000 runs are a few
// passes over typed arrays, where the same figures read out of the index each time cost
// seconds (the engine, SQLite in WebAssembly, spends about half a microsecond on every value it
// hands over: 150,000 runs of ten columns are the better part of a second before any
// arithmetic, and Dispersl's 900,000 steps several seconds). So a frame is read from the index
// once, and after that only the rows written since (`changed_seq`, stamped by RunIndex on every
// write of a run's row) are read again: a background sync that added 200 runs costs a read of
// 200 rows. Every source's frame holds all its runs; a filter is applied here, in one pass.
//
// What a frame holds per run: its id, status, start, duration, workflow id, name, user,
// integration, task count, tokens and whether its steps are stored; per step (kinds whose
// steps carry agents): status, agent, model, tokens, duration and tools; per failed run with
// stored steps: its error signature, worked out once (the slow part: the failing step's output
// is read and normalized). Text is kept once per distinct value (a dictionary), each run
// holding a code.
//
// Memory, measured over 150,000 runs (with the orders and lists made per state): about 29 MB for
// Paragon's, about 89 MB for Dispersl's with their 900,000 steps (docs/benchmarks-insights.md).
import type { RunQuery, SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import type { SqlValue } from '../runIndex/sqlite';
import { ascendingOrder } from './ascendingOrder';
import { knownSignatureOf, type KnownSignature } from './errorSignature';
import { failureSamples } from './failureSamples';

/** Distinct text values (statuses, workflow ids, users, agents, tools…), each kept once; a run holds its value's code, -1 for none. */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string | null | undefined): number {
    if (value === null || value === undefined) return -1;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  /** The code of a value, without adding it: -2 when it is not there (so it matches no run). */
  find(value: string): number {
    return this.codes.get(value) ?? -2;
  }

  value(code: number): string | null {
    return code < 0 ? null : this.values[code]!;
  }
}

/** A typed array at least `length` long, its contents kept (doubling, so appends cost amortized O(1)). */
export function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  if (array.length >= length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2, 1024));
  next.set(array);
  return next;
}

/** Text the engine gave (a number where a hostile API sent one: its text), or null. */
function textOf(value: SqlValue | undefined): string | null {
  return typeof value === 'string' ? value : value === null || value === undefined ? null : String(value);
}

/** A number the engine gave, else NaN (no figure). */
function numberOf(value: SqlValue | undefined): number {
  return typeof value === 'number' ? value : NaN;
}

/** A frame as plain parts (RunFrame.snapshot), what frameFile.ts saves beside the index. */
export interface FrameSnapshot {
  readonly sourceId: string;
  readonly kind: SourceKind;
  readonly withSteps: boolean;
  readonly seq: number;
  readonly ids: readonly string[];
  readonly text: readonly string[];
  readonly oddStart: readonly (readonly [number, string])[];
  readonly signatures: readonly KnownSignature[];
  readonly runs: {
    readonly status: Int32Array;
    readonly startMs: Float64Array;
    readonly durationMs: Float64Array;
    readonly workflowId: Int32Array;
    readonly name: Int32Array;
    readonly user: Int32Array;
    readonly integration: Int32Array;
    readonly taskCount: Float64Array;
    readonly tokens: Float64Array;
    readonly detailFetched: Uint8Array;
    readonly signature: Int32Array;
    readonly stepStart: Int32Array;
    readonly stepCount: Int32Array;
  };
  readonly steps: {
    readonly stepRun: Int32Array;
    readonly stepStatus: Int32Array;
    readonly stepAgent: Int32Array;
    readonly stepModel: Int32Array;
    readonly stepTokens: Float64Array;
    readonly stepDuration: Float64Array;
    readonly toolStart: Int32Array;
    readonly toolCount: Int32Array;
  };
  readonly tools: { readonly toolCodes: Int32Array };
  readonly made: {
    readonly runsByDuration: Int32Array;
    readonly stepsByDuration: Int32Array;
    readonly agentStart?: Int32Array;
    readonly agentCodes?: Int32Array;
    readonly agentTokens?: Float64Array;
    readonly modelStart?: Int32Array;
    readonly modelCodes?: Int32Array;
    readonly modelTokens?: Float64Array;
  };
}

/** Per run, the distinct codes of one column of its steps and their tokens (RunFrame.distinctByRun). */
export interface DistinctByRun {
  /** codes[start[row]] up to codes[start[row + 1]]: the run's; start has size + 1 entries. */
  readonly start: Int32Array;
  readonly codes: Int32Array;
  readonly tokens: Float64Array;
}

/** Rows read a chunk at a time, so no single call into the engine holds the thread for long (and a frame read in slices can yield between them). */
const CHUNK = 20_000;

/** What RunIndex writes for an instant: only such starts are placed in time (the same test as stats' GLOB). */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export class RunFrame {
  /** Rows in use. A run keeps its row for the frame's life; a changed run is written over in place. */
  size = 0;
  readonly ids: string[] = [];
  /** Row by run id: made when first needed (an update, a lookup), so a frame loaded from its file pays for it only then. */
  private positionMap: Map<string, number> | undefined = new Map();
  private get position(): Map<string, number> {
    if (!this.positionMap) {
      this.positionMap = new Map();
      for (let row = 0; row < this.size; row++) this.positionMap.set(this.ids[row]!, row);
    }
    return this.positionMap;
  }
  readonly text = new Dictionary();
  status = new Int32Array(0);
  /** Start in ms for a canonical instant, else NaN; oddStart holds a start kept as sent (it did not parse), compared as text like the index does. */
  startMs = new Float64Array(0);
  readonly oddStart = new Map<number, string>();
  /** NaN where the index has none. */
  durationMs = new Float64Array(0);
  workflowId = new Int32Array(0);
  name = new Int32Array(0);
  user = new Int32Array(0);
  integration = new Int32Array(0);
  taskCount = new Float64Array(0);
  tokens = new Float64Array(0);
  detailFetched = new Uint8Array(0);
  /** The failed run's signature (index into `signatures`), -1 for none. */
  signature = new Int32Array(0);
  readonly signatures: KnownSignature[] = [];
  private readonly signatureCodes = new Map<string, number>();

  /** Steps (kinds whose steps carry agents, models and tools): each run's steps are one slice of the arena, stepStart[run] … + stepCount[run]. */
  stepStart = new Int32Array(0);
  stepCount = new Int32Array(0);
  steps = 0;
  /** Slices left behind by runs whose steps were written again: compacted when they outgrow the live ones. */
  private deadSteps = 0;
  /** The row each step belongs to (-1 for a dead one). */
  stepRun = new Int32Array(0);
  stepStatus = new Int32Array(0);
  stepAgent = new Int32Array(0);
  stepModel = new Int32Array(0);
  stepTokens = new Float64Array(0);
  stepDuration = new Float64Array(0);
  /** Each step's distinct tools: toolCodes[toolStart[step] … + toolCount[step]]. A tool that is not text is its JSON. */
  toolStart = new Int32Array(0);
  toolCount = new Int32Array(0);
  toolCodes = new Int32Array(0);
  tools = 0;

  /** The index's write counter this frame has read up to. */
  seq = 0;

  private constructor(
    readonly sourceId: string,
    readonly kind: SourceKind,
    /** Whether the kind's steps are read (Dispersl: agents, models, tools). */
    readonly withSteps: boolean,
  ) {}

  /** A frame holding nothing yet: update() reads it (see FrameCache for the one to use). */
  static empty(sourceId: string, kind: SourceKind, withSteps: boolean): RunFrame {
    return new RunFrame(sourceId, kind, withSteps);
  }

  /** Reads a frame in one go (the CLI: nothing else to keep responsive). */
  static readNow(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean): RunFrame {
    const frame = new RunFrame(sourceId, kind, withSteps);
    frame.updateNow(index);
    return frame;
  }

  /** Set while an update runs in slices: another update waits for it (two would write the same rows). */
  private updating: Promise<void> | undefined;

  get busy(): boolean {
    return this.updating !== undefined;
  }

  /** Brings the frame up to the index at once. Not while an update runs in slices (see busy). */
  updateNow(index: RunIndex): void {
    if (this.updating) throw new Error('RunFrame.updateNow during an update in slices.');
    for (const _ of this.work(index));
  }

  /** Brings the frame up to the index, `pause` awaited between chunks. */
  async update(index: RunIndex, pause: () => Promise<void>): Promise<void> {
    while (this.updating) await this.updating;
    const running = (async () => {
      // Not in this turn: a caller whose update just ended reads the frame in the microtasks of this turn (select, compute), before this one changes it.
      await pause();
      for (const _ of this.work(index)) await pause();
    })();
    this.updating = running;
    try {
      await running;
    } finally {
      this.updating = undefined;
    }
  }

  /** The rows written since `seq` (all of them the first time), their steps and signatures; yields between chunks. */
  private *work(index: RunIndex): Generator<void> {
    const target = index.changeSeq;
    if (this.seq === target && this.size > 0) return;
    const since = this.seq;
    const first = this.size === 0;
    const changed = new Set<number>();
    // The first time every run, a chunk at a time by id through the frame's index (its columns
    // alone); after that the rows stamped since, found through changed_seq's index.
    let afterId = '';
    let afterSeq = since;
    for (;;) {
      const [chunk] = index.select(
        `WITH chunk AS (
           SELECT ${first ? 'run_id' : 'changed_seq'} AS k, run_id, status, started_at, duration_ms, workflow_id, name, user_id, integration, task_count, total_tokens, detail_fetched
           FROM ${first ? 'runs INDEXED BY runs_frame WHERE source_id = ? AND run_id > ? ORDER BY run_id' : 'runs INDEXED BY runs_by_change WHERE source_id = ? AND changed_seq > ? ORDER BY changed_seq'} LIMIT ${CHUNK})
         SELECT count(*) AS n, max(k) AS last, json_group_array(run_id) AS id, json_group_array(status) AS status, json_group_array(started_at) AS started,
           json_group_array(duration_ms) AS duration, json_group_array(workflow_id) AS workflow, json_group_array(name) AS name, json_group_array(user_id) AS user,
           json_group_array(integration) AS integration, json_group_array(task_count) AS tasks, json_group_array(total_tokens) AS tokens,
           json_group_array(detail_fetched) AS fetched
         FROM chunk`,
        first ? [this.sourceId, afterId] : [this.sourceId, afterSeq],
      );
      const n = Number(chunk?.['n'] ?? 0);
      if (n === 0) break;
      if (first) afterId = String(chunk!['last']);
      // Each write stamps its own value, so the stamps of one source's rows are a key too.
      else afterSeq = Number(chunk!['last']);
      const column = (name: string) => JSON.parse(String(chunk![name])) as SqlValue[];
      this.putRuns(
        column('id'),
        column('status'),
        column('started'),
        column('duration'),
        column('workflow'),
        column('name'),
        column('user'),
        column('integration'),
        column('tasks'),
        column('tokens'),
        column('fetched'),
        changed,
      );
      yield;
      if (n < CHUNK) break;
    }
    if (this.withSteps && changed.size > 0) yield* this.readSteps(index, [...changed], first);
    if (changed.size > 0) yield* this.readSignatures(index, [...changed], first);
    this.seq = target;
  }

  /** Writes a chunk of runs into their rows (a new run gets the next row); `changed` collects the rows written. */
  private putRuns(
    ids: SqlValue[],
    status: SqlValue[],
    started: SqlValue[],
    duration: SqlValue[],
    workflow: SqlValue[],
    name: SqlValue[],
    user: SqlValue[],
    integration: SqlValue[],
    tasks: SqlValue[],
    tokens: SqlValue[],
    fetched: SqlValue[],
    changed: Set<number>,
  ): void {
    this.reserve(this.size + ids.length);
    const text = textOf;
    const num = numberOf;
    for (let i = 0; i < ids.length; i++) {
      const id = String(ids[i]);
      let row = this.position.get(id);
      if (row === undefined) {
        row = this.size++;
        this.ids[row] = id;
        this.position.set(id, row);
      }
      // Once per update: a run written again between two chunks comes twice (its steps are read once, after all its rows).
      changed.add(row);
      this.status[row] = this.text.code(text(status[i]) ?? '');
      const start = text(started[i]);
      this.oddStart.delete(row);
      // A start in the canonical form that does not name a real instant ("…T25:00…", kept as sent) is compared as text, like any other kept as sent.
      const ms = start !== null && CANONICAL.test(start) ? Date.parse(start) : NaN;
      this.startMs[row] = ms;
      if (Number.isNaN(ms) && start !== null) this.oddStart.set(row, start);
      this.durationMs[row] = num(duration[i]);
      this.workflowId[row] = this.text.code(text(workflow[i]));
      this.name[row] = this.text.code(text(name[i]));
      this.user[row] = this.text.code(text(user[i]));
      this.integration[row] = this.text.code(text(integration[i]));
      this.taskCount[row] = num(tasks[i]);
      this.tokens[row] = num(tokens[i]);
      this.detailFetched[row] = fetched[i] === 1 ? 1 : 0;
      this.signature[row] = -1;
    }
  }

  private reserve(rows: number): void {
    this.status = grown(this.status, rows);
    this.startMs = grown(this.startMs, rows);
    this.durationMs = grown(this.durationMs, rows);
    this.workflowId = grown(this.workflowId, rows);
    this.name = grown(this.name, rows);
    this.user = grown(this.user, rows);
    this.integration = grown(this.integration, rows);
    this.taskCount = grown(this.taskCount, rows);
    this.tokens = grown(this.tokens, rows);
    this.detailFetched = grown(this.detailFetched, rows);
    this.signature = grown(this.signature, rows);
    this.stepStart = grown(this.stepStart, rows);
    this.stepCount = grown(this.stepCount, rows);
  }

  /**
   * The steps of the rows in `changed`: every step of the source the first time, else those
   * runs' steps, in (run, position) order through the frame's index, so each run's steps arrive
   * together and become one slice of the arena (a run's old slice is left dead).
   */
  private *readSteps(index: RunIndex, changed: readonly number[], first: boolean): Generator<void> {
    for (const row of changed) {
      const start = this.stepStart[row]!;
      this.stepRun.fill(-1, start, start + this.stepCount[row]!);
      this.deadSteps += this.stepCount[row]!;
      this.stepCount[row] = 0;
    }
    let current = -1;
    const take = (chunk: Record<string, SqlValue> | undefined): number => {
      const n = Number(chunk?.['n'] ?? 0);
      if (n === 0) return 0;
      const column = (name: string) => JSON.parse(String(chunk![name])) as SqlValue[];
      const [runs, status, agent, model, tokens, duration, tools] = ['run', 'status', 'agent', 'model', 'tokens', 'duration', 'tools'].map(column) as SqlValue[][];
      this.reserveSteps(this.steps + n);
      for (let i = 0; i < n; i++) {
        const row = this.position.get(String(runs![i]));
        // A step of a run not (yet) in the frame: a write since this update began; the next update reads both.
        if (row === undefined) continue;
        if (row !== current) {
          current = row;
          // A slice this update already gave the run (it cannot, with `changed` once per run; kept so that it never counts twice).
          if (this.stepCount[row]! > 0) {
            const start = this.stepStart[row]!;
            this.stepRun.fill(-1, start, start + this.stepCount[row]!);
            this.deadSteps += this.stepCount[row]!;
          }
          this.stepStart[row] = this.steps;
          this.stepCount[row] = 0;
        }
        const s = this.steps++;
        this.stepCount[row]!++;
        this.stepRun[s] = row;
        this.stepStatus[s] = this.text.code(textOf(status![i]) ?? '');
        this.stepAgent[s] = this.text.code(textOf(agent![i]));
        this.stepModel[s] = this.text.code(textOf(model![i]));
        this.stepTokens[s] = numberOf(tokens![i]);
        this.stepDuration[s] = numberOf(duration![i]);
        this.putTools(s, tools![i]!);
      }
      return n;
    };
    const columns = `count(*) AS n, max(run_id) AS last_run, json_group_array(run_id) AS run, json_group_array(status) AS status, json_group_array(agent) AS agent,
      json_group_array(model) AS model, json_group_array(tokens) AS tokens, json_group_array(duration_ms) AS duration, json_group_array(tools) AS tools`;
    if (first) {
      // By run, a chunk of whole runs at a time: the chunk ends at a run boundary (the last run's steps are read again with the next).
      let afterRun = '';
      for (;;) {
        const [chunk] = index.select(
          `WITH chunk AS (SELECT run_id, status, agent, model, tokens, duration_ms, tools FROM steps INDEXED BY steps_frame
             WHERE source_id = ? AND run_id IN (SELECT run_id FROM runs INDEXED BY runs_frame WHERE source_id = ? AND run_id > ? ORDER BY run_id LIMIT ${CHUNK})
             ORDER BY run_id, position)
           SELECT ${columns} FROM chunk`,
          [this.sourceId, this.sourceId, afterRun],
        );
        const [last] = index.select(
          `SELECT max(run_id) AS k FROM (SELECT run_id FROM runs INDEXED BY runs_frame WHERE source_id = ? AND run_id > ? ORDER BY run_id LIMIT ${CHUNK})`,
          [this.sourceId, afterRun],
        );
        take(chunk);
        yield;
        if (last?.['k'] === null || last?.['k'] === undefined) break;
        afterRun = String(last['k']);
      }
    } else {
      for (let at = 0; at < changed.length; at += 500) {
        const ids = changed.slice(at, at + 500).map((row) => this.ids[row]!);
        const [chunk] = index.select(
          `WITH chunk AS (SELECT run_id, status, agent, model, tokens, duration_ms, tools FROM steps INDEXED BY steps_frame
             WHERE source_id = ? AND run_id IN (${ids.map(() => '?').join(', ')}) ORDER BY run_id, position)
           SELECT ${columns} FROM chunk`,
          [this.sourceId, ...ids],
        );
        take(chunk);
        yield;
      }
    }
    if (this.deadSteps > this.steps / 2) this.compactSteps();
  }

  /** A step's tools (the JSON array as text), each distinct one once: text as it is, anything else as its JSON. */
  private putTools(step: number, json: SqlValue): void {
    this.toolStart[step] = this.tools;
    this.toolCount[step] = 0;
    if (typeof json !== 'string') return;
    let list: unknown;
    try {
      list = JSON.parse(json);
    } catch {
      return;
    }
    if (!Array.isArray(list)) return;
    const seen = new Set<number>();
    for (const item of list as unknown[]) {
      const code = item === null ? -1 : this.text.code(typeof item === 'string' ? item : JSON.stringify(item));
      if (seen.has(code)) continue;
      seen.add(code);
      this.toolCodes = grown(this.toolCodes, this.tools + 1);
      this.toolCodes[this.tools++] = code;
      this.toolCount[step]!++;
    }
  }

  private reserveSteps(steps: number): void {
    this.stepRun = grown(this.stepRun, steps);
    this.stepStatus = grown(this.stepStatus, steps);
    this.stepAgent = grown(this.stepAgent, steps);
    this.stepModel = grown(this.stepModel, steps);
    this.stepTokens = grown(this.stepTokens, steps);
    this.stepDuration = grown(this.stepDuration, steps);
    this.toolStart = grown(this.toolStart, steps);
    this.toolCount = grown(this.toolCount, steps);
  }

  /** Drops the dead slices: the live ones copied down, in row order. */
  private compactSteps(): void {
    const old = {
      run: this.stepRun,
      status: this.stepStatus,
      agent: this.stepAgent,
      model: this.stepModel,
      tokens: this.stepTokens,
      duration: this.stepDuration,
      toolStart: this.toolStart,
      toolCount: this.toolCount,
      toolCodes: this.toolCodes,
    };
    const live = this.steps - this.deadSteps;
    this.stepRun = new Int32Array(live);
    this.stepStatus = new Int32Array(live);
    this.stepAgent = new Int32Array(live);
    this.stepModel = new Int32Array(live);
    this.stepTokens = new Float64Array(live);
    this.stepDuration = new Float64Array(live);
    this.toolStart = new Int32Array(live);
    this.toolCount = new Int32Array(live);
    this.toolCodes = new Int32Array(this.tools);
    let s = 0;
    let t = 0;
    for (let row = 0; row < this.size; row++) {
      const from = this.stepStart[row]!;
      const count = this.stepCount[row]!;
      this.stepStart[row] = s;
      for (let k = 0; k < count; k++, s++) {
        const o = from + k;
        this.stepRun[s] = old.run[o]!;
        this.stepStatus[s] = old.status[o]!;
        this.stepAgent[s] = old.agent[o]!;
        this.stepModel[s] = old.model[o]!;
        this.stepTokens[s] = old.tokens[o]!;
        this.stepDuration[s] = old.duration[o]!;
        this.toolStart[s] = t;
        this.toolCount[s] = old.toolCount[o]!;
        for (let j = 0; j < old.toolCount[o]!; j++) this.toolCodes[t++] = old.toolCodes[old.toolStart[o]! + j]!;
      }
    }
    this.steps = s;
    this.tools = t;
    this.deadSteps = 0;
  }

  /**
   * The signature of each failed run among `changed` whose steps are stored: its failing step
   * (the one its stored output names, else its only failed step, else the first failed in flow
   * order) and that step's output, as errors.ts has always read them.
   */
  private *readSignatures(index: RunIndex, changed: readonly number[], first: boolean): Generator<void> {
    const failed = this.text.find('failed');
    const rows = changed.filter((row) => this.status[row] === failed && this.detailFetched[row] === 1);
    if (rows.length === 0) return;
    const read = (where: string, params: SqlValue[]) => {
      for (const sample of failureSamples(index, this.sourceId, this.kind, where, params)) {
        const row = this.position.get(sample.runId);
        if (row === undefined) continue;
        const known = knownSignatureOf(sample);
        let code = this.signatureCodes.get(known.canonical);
        if (code === undefined) {
          code = this.signatures.length;
          this.signatures.push(known);
          this.signatureCodes.set(known.canonical, code);
        }
        this.signature[row] = code;
      }
    };
    if (first) {
      read('', []);
      yield;
      return;
    }
    for (let at = 0; at < rows.length; at += 500) {
      const ids = rows.slice(at, at + 500).map((row) => this.ids[row]!);
      read(` AND r.run_id IN (${ids.map(() => '?').join(', ')})`, ids);
      yield;
    }
  }

  /** The write counter's value this frame was last saved at (frameFile.ts): a frame not changed since is not written again. */
  savedSeq = -1;

  /** The frame as plain parts for frameFile.ts: arrays trimmed to their use, dead steps dropped first. */
  snapshot(): FrameSnapshot {
    if (this.deadSteps > 0) this.compactSteps();
    const n = this.size;
    const k = this.steps;
    return {
      sourceId: this.sourceId,
      kind: this.kind,
      withSteps: this.withSteps,
      seq: this.seq,
      ids: this.ids.slice(0, n),
      text: [...this.text.values],
      oddStart: [...this.oddStart],
      signatures: this.signatures.map((sig) => ({ key: sig.key, label: sig.label, canonical: sig.canonical })),
      runs: {
        status: this.status.subarray(0, n),
        startMs: this.startMs.subarray(0, n),
        durationMs: this.durationMs.subarray(0, n),
        workflowId: this.workflowId.subarray(0, n),
        name: this.name.subarray(0, n),
        user: this.user.subarray(0, n),
        integration: this.integration.subarray(0, n),
        taskCount: this.taskCount.subarray(0, n),
        tokens: this.tokens.subarray(0, n),
        detailFetched: this.detailFetched.subarray(0, n),
        signature: this.signature.subarray(0, n),
        stepStart: this.stepStart.subarray(0, n),
        stepCount: this.stepCount.subarray(0, n),
      },
      steps: {
        stepRun: this.stepRun.subarray(0, k),
        stepStatus: this.stepStatus.subarray(0, k),
        stepAgent: this.stepAgent.subarray(0, k),
        stepModel: this.stepModel.subarray(0, k),
        stepTokens: this.stepTokens.subarray(0, k),
        stepDuration: this.stepDuration.subarray(0, k),
        toolStart: this.toolStart.subarray(0, k),
        toolCount: this.toolCount.subarray(0, k),
      },
      tools: { toolCodes: this.toolCodes.subarray(0, this.tools) },
      // What is made per state of the frame, saved with it so a loaded frame computes at once.
      made: (() => {
        const order = this.byDuration();
        const agent = this.withSteps ? this.distinctByRun('agent') : undefined;
        const model = this.withSteps ? this.distinctByRun('model') : undefined;
        return {
          runsByDuration: order.runs,
          stepsByDuration: order.steps,
          ...(agent && model
            ? { agentStart: agent.start, agentCodes: agent.codes, agentTokens: agent.tokens, modelStart: model.start, modelCodes: model.codes, modelTokens: model.tokens }
            : {}),
        };
      })(),
    };
  }

  /**
   * A frame from saved parts, every code and slice checked against the parts' own sizes: a
   * damaged or tampered file gives an error (the caller reads the frame from the index instead),
   * never a frame whose figures point nowhere.
   */
  static fromSnapshot(snap: FrameSnapshot): RunFrame {
    const frame = new RunFrame(snap.sourceId, snap.kind, snap.withSteps);
    const bad = (what: string): never => {
      throw new Error(`saved Insights frame: ${what}`);
    };
    const n = snap.ids.length;
    const k = snap.steps.stepRun.length;
    const t = snap.tools.toolCodes.length;
    for (const [name, array] of Object.entries(snap.runs)) if (array.length !== n) bad(`${name} has ${array.length} rows, not ${n}`);
    for (const [name, array] of Object.entries(snap.steps)) if (array.length !== k) bad(`${name} has ${array.length} steps, not ${k}`);
    const codes = snap.text.length;
    for (let i = 0; i < codes; i++) if (typeof snap.text[i] !== 'string') bad('a text value is not text');
    for (let i = 0; i < n; i++) if (typeof snap.ids[i] !== 'string') bad('a run id is not text');
    const within = (array: Int32Array, low: number, high: number, what: string) => {
      for (let i = 0; i < array.length; i++) {
        const v = array[i]!;
        if (v < low || v >= high) bad(what);
      }
    };
    for (const name of ['status', 'workflowId', 'name', 'user', 'integration'] as const) within(snap.runs[name], -1, codes, `${name} holds a code out of range`);
    for (const name of ['stepStatus', 'stepAgent', 'stepModel'] as const) within(snap.steps[name], -1, codes, `${name} holds a code out of range`);
    within(snap.tools.toolCodes, -1, codes, 'toolCodes holds a code out of range');
    within(snap.runs.signature, -1, snap.signatures.length, 'a signature code is out of range');
    within(snap.steps.stepRun, 0, n, 'a step belongs to no run');
    const { stepStart, stepCount } = snap.runs;
    const { stepRun, toolStart, toolCount } = snap.steps;
    for (let row = 0; row < n; row++) {
      const start = stepStart[row]!;
      const count = stepCount[row]!;
      if (start < 0 || count < 0 || start + count > k) bad('a run’s steps lie outside the steps');
      for (let s = start; s < start + count; s++) if (stepRun[s] !== row) bad('a step names another run');
    }
    for (let s = 0; s < k; s++) {
      const start = toolStart[s]!;
      const count = toolCount[s]!;
      if (start < 0 || count < 0 || start + count > t) bad('a step’s tools lie outside the tools');
    }
    for (const [row, text] of snap.oddStart) if (!Number.isInteger(row) || row < 0 || row >= n || typeof text !== 'string') bad('an unplaced start is out of range');
    for (const sig of snap.signatures) if (typeof sig.key !== 'string' || typeof sig.label !== 'string' || typeof sig.canonical !== 'string') bad('a signature is not text');

    snap.text.forEach((value) => frame.text.code(value));
    if (frame.text.values.length !== codes) bad('the text values repeat');
    // One by one: spreading 150,000 ids into push() overflows the stack.
    for (let row = 0; row < n; row++) frame.ids[row] = snap.ids[row]!;
    frame.positionMap = undefined;
    if (new Set(snap.ids).size !== n) bad('a run id repeats');
    frame.size = n;
    // The arrays are taken as they are (the file's own copies); growing them later copies.
    Object.assign(frame, snap.runs, snap.steps, snap.tools);
    frame.steps = k;
    frame.tools = t;
    for (const [row, text] of snap.oddStart) frame.oddStart.set(row, text);
    snap.signatures.forEach((sig, code) => {
      frame.signatures.push(sig);
      frame.signatureCodes.set(sig.canonical, code);
    });
    frame.seq = snap.seq;
    frame.savedSeq = snap.seq;
    frame.restoreMade(snap.made, bad);
    return frame;
  }

  /** The orders and distinct lists saved with the frame, checked as the rest is; made afresh when absent. */
  private restoreMade(made: FrameSnapshot['made'], bad: (what: string) => never): void {
    const n = this.size;
    const isPermutation = (order: Int32Array, count: number, valid: (i: number) => boolean) => {
      if (order.length !== count) return false;
      const seen = new Uint8Array(count === 0 ? 0 : Math.max(n, this.steps));
      for (let i = 0; i < order.length; i++) {
        const v = order[i]!;
        if (v < 0 || v >= seen.length || seen[v] || !valid(v)) return false;
        seen[v] = 1;
      }
      return true;
    };
    const liveSteps = this.steps;
    if (!isPermutation(made.runsByDuration, n, () => true) || !isPermutation(made.stepsByDuration, liveSteps, () => true)) bad('its orders are not orders of its rows');
    // Ascending: a wrong order would give wrong percentiles, so it is checked, not trusted.
    const ascending = (order: Int32Array, values: Float64Array) => {
      for (let i = 1; i < order.length; i++) {
        const a = values[order[i - 1]!]!;
        const b = values[order[i]!]!;
        if (Number.isNaN(a) ? !Number.isNaN(b) : a > b) return false;
      }
      return true;
    };
    if (!ascending(made.runsByDuration, this.durationMs) || !ascending(made.stepsByDuration, this.stepDuration)) bad('its orders are not ascending');
    this.orders = { seq: this.seq, size: n, steps: this.steps, runs: made.runsByDuration, steps_: made.stepsByDuration };
    if (!this.withSteps) return;
    const lists = (start: Int32Array | undefined, codes: Int32Array | undefined, tokens: Float64Array | undefined): DistinctByRun | undefined => {
      if (!start || !codes || !tokens || start.length !== n + 1 || codes.length !== tokens.length || start[0] !== 0 || start[n] !== codes.length) return undefined;
      for (let row = 0; row < n; row++) if (start[row + 1]! < start[row]!) return undefined;
      for (let i = 0; i < codes.length; i++) if (codes[i]! < 0 || codes[i]! >= this.text.values.length) return undefined;
      return { start, codes, tokens };
    };
    const agent = lists(made.agentStart, made.agentCodes, made.agentTokens);
    const model = lists(made.modelStart, made.modelCodes, made.modelTokens);
    if (agent && model) this.distinctMade = { seq: this.seq, size: n, steps: this.steps, agent, model };
  }

  /** The row of a run, if the frame has it. */
  rowOf(runId: string): number | undefined {
    return this.position.get(runId);
  }

  /** Each run's distinct agents and models, for the frame's state they were made at. */
  private distinctMade: { seq: number; size: number; steps: number; agent: DistinctByRun; model: DistinctByRun } | undefined;

  /**
   * Each run's distinct agents (or models) with their steps' tokens (as SQL's sum(): the tokens
   * there are; NaN for none at all), run by run: codes[start[row] … start[row + 1]]. Made once
   * per state of the frame, for the groupings by agent and model and tokens over time.
   */
  distinctByRun(column: 'agent' | 'model'): DistinctByRun {
    const made = this.distinctMade;
    if (made && made.seq === this.seq && made.size === this.size && made.steps === this.steps) return made[column];
    const build = (codes: Int32Array): DistinctByRun => {
      const start = new Int32Array(this.size + 1);
      let out = new Int32Array(this.steps);
      let tokens = new Float64Array(this.steps);
      // Where each code was last put, and for which run: a run with thousands of distinct agents costs linear time, not quadratic.
      const lastRow = new Int32Array(this.text.values.length).fill(-1);
      const lastAt = new Int32Array(this.text.values.length);
      let n = 0;
      for (let row = 0; row < this.size; row++) {
        start[row] = n;
        const from = this.stepStart[row]!;
        const to = from + this.stepCount[row]!;
        for (let s = from; s < to; s++) {
          const code = codes[s]!;
          if (code < 0) continue;
          let at: number;
          if (lastRow[code] === row) at = lastAt[code]!;
          else {
            at = n;
            lastRow[code] = row;
            lastAt[code] = n;
            out[n] = code;
            tokens[n++] = NaN;
          }
          const t = this.stepTokens[s]!;
          if (Number.isFinite(t)) tokens[at] = Number.isNaN(tokens[at]!) ? t : tokens[at]! + t;
        }
      }
      start[this.size] = n;
      out = out.slice(0, n);
      tokens = tokens.slice(0, n);
      return { start, codes: out, tokens };
    };
    const next = { seq: this.seq, size: this.size, steps: this.steps, agent: build(this.stepAgent), model: build(this.stepModel) };
    this.distinctMade = next;
    return next[column];
  }

  /** Rows and steps in ascending order of duration (none last), for the seq they were made at. */
  private orders: { seq: number; size: number; steps: number; runs: Int32Array; steps_: Int32Array } | undefined;

  /**
   * Every row, and every live step, in ascending order of duration (those without one last).
   * Made once per state of the frame: walked in this order, each group's durations arrive
   * sorted, so a percentile is a count, not a sort per group per computation.
   */
  byDuration(): { readonly runs: Int32Array; readonly steps: Int32Array } {
    const o = this.orders;
    if (o && o.seq === this.seq && o.size === this.size && o.steps === this.steps) return { runs: o.runs, steps: o.steps_ };
    const runs = ascendingOrder(this.durationMs, this.size, () => true);
    const steps = ascendingOrder(this.stepDuration, this.steps, (s) => this.stepRun[s]! >= 0);
    this.orders = { seq: this.seq, size: this.size, steps: this.steps, runs, steps_: steps };
    return { runs, steps };
  }

  /**
   * The rows matching a query, by the same rules as the index's filter (RunIndex's filterSql):
   * equal text, starts compared as the index's text. In ascending order of duration (see
   * byDuration), with a mask of them by row.
   */
  select(query: RunQuery): { readonly rows: Int32Array; readonly mask: Uint8Array } {
    // As the index's filter reads a query: an empty value, or no date, filters nothing.
    const status = query.status ? this.text.find(query.status) : undefined;
    const user = query.userId ? this.text.find(query.userId) : undefined;
    const workflow = query.workflowId ? this.text.find(query.workflowId) : undefined;
    const integration = query.integration ? this.text.find(query.integration) : undefined;
    const after = query.startedAfter ? query.startedAfter.getTime() : undefined;
    const before = query.startedBefore ? query.startedBefore.getTime() : undefined;
    const afterText = query.startedAfter ? query.startedAfter.toISOString() : undefined;
    const beforeText = query.startedBefore ? query.startedBefore.toISOString() : undefined;
    const ranged = after !== undefined || before !== undefined;
    const out = new Int32Array(this.size);
    const mask = new Uint8Array(this.size);
    let n = 0;
    for (const row of this.byDuration().runs) {
      if (status !== undefined && this.status[row] !== status) continue;
      if (user !== undefined && this.user[row] !== user) continue;
      if (workflow !== undefined && this.workflowId[row] !== workflow) continue;
      if (integration !== undefined && this.integration[row] !== integration) continue;
      if (ranged) {
        const ms = this.startMs[row]!;
        if (Number.isNaN(ms)) {
          // No start matches no range; a start kept as sent is compared as text, as SQLite does.
          const odd = this.oddStart.get(row);
          if (odd === undefined || (afterText !== undefined && !(odd >= afterText)) || (beforeText !== undefined && !(odd < beforeText))) continue;
        } else if ((after !== undefined && !(ms >= after)) || (before !== undefined && !(ms < before))) continue;
      }
      out[n++] = row;
      mask[row] = 1;
    }
    return { rows: out.subarray(0, n), mask };
  }
}
