// The Paragon run store: seeded history in compact columns, plus runs appended while the
// emulator runs (startRuns, replays, live starts), which start EXECUTING and finish later.
// Keeps the oldest-first order (by dateStarted, then id) that listing and truth share.
import { fmix32, hash3, saltOf, unfmix32, unit, uuidWithLead } from '../random';
import { buildCatalog, workflowPicker, type Catalog } from './catalog';
import { DOCUMENTED_STATUSES, EXECUTING, FAILED, RunColumns, SUCCEEDED } from './runColumns';
import { seedRuns } from './seedRuns';

export interface RunStoreOptions {
  readonly seed: number;
  readonly count: number;
  readonly nowMs: number;
  readonly extraStatuses: readonly string[];
  readonly replayDurationMs: number;
  readonly liveStartsPerSecond: number;
  /** Real time: appended runs start "now", and finish replayDurationMs later. */
  readonly clock: () => number;
}

interface PendingFinish {
  readonly index: number;
  readonly finishAt: number;
  readonly finalStatus: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class RunStore {
  readonly catalog: Catalog;
  readonly columns: RunColumns;
  readonly seededCount: number;
  readonly statusNames: readonly string[];
  readonly seed: number;
  readonly nowMs: number;
  /** Bumped whenever a run is added or changes status: cached filters compare it. */
  version = 0;
  private runCount: number;
  private order: Uint32Array;
  private readonly idKey: number;
  private readonly pending: PendingFinish[] = [];
  private readonly bootMs: number;
  private liveCreated = 0;
  private readonly pickWorkflow: (u: number) => number;

  constructor(private readonly options: RunStoreOptions) {
    this.seed = options.seed;
    this.nowMs = options.nowMs;
    this.catalog = buildCatalog(options.seed);
    this.statusNames = [...DOCUMENTED_STATUSES, ...options.extraStatuses];
    this.columns = new RunColumns(options.count);
    seedRuns(this.columns, {
      count: options.count,
      seed: options.seed,
      nowMs: options.nowMs,
      catalog: this.catalog,
      extraStatusCount: options.extraStatuses.length,
    });
    this.runCount = options.count;
    this.seededCount = options.count;
    // Seeded start times strictly increase, so the seeded order is the identity.
    this.order = new Uint32Array(Math.max(options.count, 64));
    for (let i = 0; i < options.count; i++) this.order[i] = i;
    this.idKey = hash3(options.seed, 0, saltOf('run-id'));
    this.bootMs = options.clock();
    this.pickWorkflow = workflowPicker(this.catalog);
  }

  get count(): number {
    return this.runCount;
  }

  /** Run indices oldest first (by dateStarted, then id). A view: do not keep it across appends. */
  ordered(): Uint32Array {
    return this.order.subarray(0, this.runCount);
  }

  idOf(index: number): string {
    // The first 32 bits are an invertible mix of the index: lookups need no id → index map.
    return uuidWithLead(fmix32((index ^ this.idKey) >>> 0), hash3(this.seed, index, 0x1d));
  }

  indexOf(id: string): number | undefined {
    if (!UUID.test(id)) return undefined;
    const index = (unfmix32(parseInt(id.slice(0, 8), 16)) ^ this.idKey) >>> 0;
    return index < this.runCount && this.idOf(index) === id ? index : undefined;
  }

  statusName(index: number): string {
    return this.statusNames[this.columns.status[index]!] ?? 'UNKNOWN';
  }

  /** Materializes live starts that are due and finishes appended runs whose time has come. */
  refresh(now = this.options.clock()): void {
    const rate = this.options.liveStartsPerSecond;
    if (rate > 0) {
      for (;;) {
        const due = this.bootMs + ((this.liveCreated + 1) * 1000) / rate;
        if (due > now) break;
        this.liveCreated++;
        const index = this.append(Math.floor(due), -1, -1);
        const fails = unit(hash3(this.seed, index, saltOf('live-outcome'))) < 0.15;
        this.schedule(index, fails ? FAILED : SUCCEEDED);
      }
    }
    if (this.pending.length === 0) return;
    let kept = 0;
    for (const item of this.pending) {
      if (item.finishAt <= now) {
        this.columns.status[item.index] = item.finalStatus;
        this.columns.duration[item.index] = this.options.replayDurationMs;
        this.version++;
      } else {
        this.pending[kept++] = item;
      }
    }
    this.pending.length = kept;
  }

  /** New EXECUTING runs starting now that finish with `outcome` after replayDurationMs. */
  startRuns(count: number, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): string[] {
    const now = this.options.clock();
    this.refresh(now);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const index = this.append(now, -1, -1);
      this.schedule(index, outcome === 'FAILED' ? FAILED : SUCCEEDED);
      ids.push(this.idOf(index));
    }
    return ids;
  }

  /** A replay: same workflow and user, new id, starts now, SUCCEEDED after replayDurationMs. */
  replay(sourceIndex: number): string {
    const now = this.options.clock();
    this.refresh(now);
    const index = this.append(now, this.columns.workflow[sourceIndex]!, this.columns.user[sourceIndex]!);
    this.schedule(index, SUCCEEDED);
    return this.idOf(index);
  }

  private schedule(index: number, finalStatus: number): void {
    this.pending.push({ index, finishAt: this.columns.start[index]! + this.options.replayDurationMs, finalStatus });
  }

  private append(startMs: number, workflow: number, user: number): number {
    const index = this.runCount;
    const columns = this.columns;
    columns.grow(index + 1);
    const h = hash3(this.seed, index, saltOf('appended'));
    columns.start[index] = startMs;
    columns.duration[index] = this.options.replayDurationMs;
    columns.status[index] = EXECUTING;
    columns.workflow[index] = workflow >= 0 ? workflow : this.pickWorkflow(unit(h));
    columns.user[index] = user >= 0 ? user : hash3(h, 1, 2) % this.catalog.userIds.length;
    this.runCount++;
    this.insertOrdered(index);
    this.version++;
    return index;
  }

  private insertOrdered(index: number): void {
    if (this.order.length < this.runCount) {
      const grown = new Uint32Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    // Usually the new run is the newest and lands at the end; ties on dateStarted go by id.
    const start = this.columns.start[index]!;
    const id = this.idOf(index);
    let lo = 0;
    let hi = this.runCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.order[mid]!;
      const otherStart = this.columns.start[other]!;
      if (otherStart < start || (otherStart === start && this.idOf(other) < id)) lo = mid + 1;
      else hi = mid;
    }
    this.order.copyWithin(lo + 1, lo, this.runCount - 1);
    this.order[lo] = index;
  }
}
