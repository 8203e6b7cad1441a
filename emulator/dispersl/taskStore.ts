// The Dispersl task store: seeded tasks over the last 80 days in compact columns, plus live
// tasks that appear in real time (in_progress, then completed or failed).
//
// Seeded data: ~90% of tasks spread over 80 days, ~10% in the last 2 hours, because
// `created` and `in_progress` only make sense for recent tasks. The newest 10 tasks cycle
// through all five statuses, so every status exists even in a tiny data set.
// Landmarks by index (oldest first): index % 37 == 5 → hostile task_name; index % 37 == 6 →
// a task_name with a quote, a comma and a line break (CSV quoting); index % 37 == 7 → the
// first step's name is hostile.
import { fmix32, hash3, Rng, saltOf, unfmix32, unit } from '../random';
import { spreadTimes, workdayPace } from '../spreadTimes';
import { parseIsoDate } from '../isoDate';

export const TASK_STATUSES = ['created', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export const CREATED = 0;
export const IN_PROGRESS = 1;
export const COMPLETED = 2;
export const TASK_FAILED = 3;
export const CANCELLED = 4;

const DAY = 86_400_000;
const RECENT_MS = 2 * 3_600_000;
const GUARANTEE = [IN_PROGRESS, CREATED, TASK_FAILED, CANCELLED, COMPLETED];

export interface TaskStoreOptions {
  readonly seed: number;
  readonly count: number;
  readonly nowMs: number;
  readonly liveStartsPerSecond: number;
  readonly clock: () => number;
}

export interface TaskFilter {
  status?: string;
  from_date?: string;
  to_date?: string;
}

function pickStatus(rng: Rng, recent: boolean): number {
  const r = rng.next();
  if (recent) return r < 0.3 ? CREATED : r < 0.8 ? IN_PROGRESS : r < 0.92 ? COMPLETED : r < 0.97 ? TASK_FAILED : CANCELLED;
  return r < 0.13 ? TASK_FAILED : r < 0.185 ? CANCELLED : COMPLETED;
}

function pickDuration(rng: Rng, status: number, room: number): number {
  const median = status === IN_PROGRESS ? 1_800_000 : status === COMPLETED ? 2_400_000 : status === TASK_FAILED ? 900_000 : 600_000;
  const wanted = Math.min(Math.max(20_000, rng.logNormal(median, 1)), 10 * 3_600_000);
  // Whole seconds, like the docs' timestamps; never past `now`.
  return Math.max(0, Math.floor(Math.min(wanted, room) / 1000) * 1000);
}

export class TaskStore {
  readonly seed: number;
  readonly seededCount: number;
  created: Float64Array;
  /** Finished tasks: their length. Running ones: the planned length of what is shown. */
  duration: Float64Array;
  status: Uint8Array;
  private taskCount: number;
  private readonly idKey: number;
  private readonly bootMs: number;
  private liveCreated = 0;
  private readonly pending: { index: number; finishAt: number; finalStatus: number }[] = [];

  constructor(private readonly options: TaskStoreOptions) {
    const { seed, count, nowMs } = options;
    this.seed = seed;
    this.seededCount = count;
    this.taskCount = count;
    this.created = new Float64Array(Math.max(count, 64));
    this.duration = new Float64Array(this.created.length);
    this.status = new Uint8Array(this.created.length);
    this.idKey = hash3(seed, 0, saltOf('task-id'));
    this.bootMs = options.clock();
    const recentCount = Math.min(count, Math.max(Math.round(count * 0.1), 10));
    const oldCount = count - recentCount;
    const timeRng = new Rng(hash3(seed, count, saltOf('task-times')));
    spreadTimes(this.created, 0, oldCount, nowMs - 80 * DAY, nowMs - RECENT_MS, timeRng, workdayPace);
    spreadTimes(this.created, oldCount, recentCount, nowMs - RECENT_MS, nowMs, timeRng, () => 1);
    for (let i = 0; i < count; i++) {
      // Whole seconds like the docs, distinct while there is room before `now` (so a seeded
      // task's index is its position oldest first); beyond that ties are broken by id.
      let created = Math.floor(this.created[i]! / 1000) * 1000;
      if (i > 0 && created <= this.created[i - 1]! && this.created[i - 1]! + 1000 < nowMs) created = this.created[i - 1]! + 1000;
      this.created[i] = created;
      const rng = new Rng(hash3(seed, i, saltOf('task')));
      const fromEnd = count - 1 - i;
      const status = fromEnd < 10 ? GUARANTEE[fromEnd % 5]! : pickStatus(rng, i >= oldCount);
      this.status[i] = status;
      this.duration[i] = status === CREATED ? 0 : pickDuration(rng, status, nowMs - this.created[i]!);
    }
  }

  get count(): number {
    return this.taskCount;
  }

  idOf(index: number): string {
    return `task_${fmix32((index ^ this.idKey) >>> 0)
      .toString(16)
      .padStart(8, '0')}`;
  }

  indexOf(id: string): number | undefined {
    const match = /^task_([0-9a-f]{8})$/.exec(id);
    if (!match) return undefined;
    const index = (unfmix32(parseInt(match[1]!, 16)) ^ this.idKey) >>> 0;
    return index < this.taskCount ? index : undefined;
  }

  statusName(index: number): string {
    return TASK_STATUSES[this.status[index]!]!;
  }

  /** Materializes due live tasks and finishes the ones whose time has come. */
  refresh(now = this.options.clock()): void {
    const rate = this.options.liveStartsPerSecond;
    if (rate > 0) {
      for (;;) {
        const due = this.bootMs + ((this.liveCreated + 1) * 1000) / rate;
        if (due > now) break;
        this.liveCreated++;
        this.appendLive(Math.floor(due));
      }
    }
    let kept = 0;
    for (const item of this.pending) {
      if (item.finishAt <= now) this.status[item.index] = item.finalStatus;
      else this.pending[kept++] = item;
    }
    this.pending.length = kept;
  }

  private appendLive(createdMs: number): void {
    const index = this.taskCount;
    if (index >= this.created.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.created = grow(this.created, (n) => new Float64Array(n));
      this.duration = grow(this.duration, (n) => new Float64Array(n));
      this.status = grow(this.status, (n) => new Uint8Array(n));
    }
    const h = hash3(this.seed, index, saltOf('live-task'));
    this.created[index] = createdMs;
    this.duration[index] = 20_000 + (h % 100_000);
    this.status[index] = IN_PROGRESS;
    this.taskCount++;
    this.pending.push({ index, finishAt: createdMs + this.duration[index]!, finalStatus: unit(hash3(h, 1, 2)) < 0.15 ? TASK_FAILED : COMPLETED });
  }

  /**
   * Task indices matching the filter, newest first (ties by task_id, descending).
   * from_date is inclusive and to_date exclusive (created_at >= from_date, < to_date):
   * half-open ranges tile, so a client pinning to_date at "now" never sees a task twice.
   * Throws a `[parameter, value]` pair for a bad value.
   */
  matching(filter: TaskFilter): number[] {
    this.refresh();
    const status = filter.status === undefined ? -1 : TASK_STATUSES.indexOf(filter.status as (typeof TASK_STATUSES)[number]);
    if (status < 0 && filter.status !== undefined) throw new TaskFilterError('status', filter.status);
    const from = filter.from_date === undefined ? -Infinity : parseIsoDate(filter.from_date);
    if (from === undefined) throw new TaskFilterError('from_date', filter.from_date!);
    const to = filter.to_date === undefined ? Infinity : parseIsoDate(filter.to_date);
    if (to === undefined) throw new TaskFilterError('to_date', filter.to_date!);
    const out: number[] = [];
    for (let i = 0; i < this.taskCount; i++) {
      const t = this.created[i]!;
      if (t >= from && t < to && (status < 0 || this.status[i] === status)) out.push(i);
    }
    return out.sort((a, b) => this.created[b]! - this.created[a]! || (this.idOf(a) < this.idOf(b) ? 1 : -1));
  }
}

export class TaskFilterError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`Invalid value for ${parameter}: ${value}`);
  }
}
