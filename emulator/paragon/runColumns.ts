// Compact per-run storage: one typed array per attribute (about 20 bytes a run), grown by
// doubling when runs are appended. Everything else about a run is derived from the seed.

export const SUCCEEDED = 0;
export const FAILED = 1;
export const DELAYED = 2;
export const EXECUTING = 3;
/** Codes from here on are the configured undocumented statuses, in order. */
export const FIRST_EXTRA = 4;

export const DOCUMENTED_STATUSES: readonly string[] = ['SUCCEEDED', 'FAILED', 'DELAYED', 'EXECUTING'];

/** A run that has not finished has no dateEnded and a growing runDuration. */
export function isRunning(status: number): boolean {
  return status === EXECUTING || status === DELAYED;
}

export class RunColumns {
  start: Float64Array;
  /** Finished runs: the run's length. Running ones: the planned length of what is shown. */
  duration: Uint32Array;
  status: Uint8Array;
  workflow: Uint16Array;
  user: Uint16Array;

  constructor(capacity: number) {
    this.start = new Float64Array(capacity);
    this.duration = new Uint32Array(capacity);
    this.status = new Uint8Array(capacity);
    this.workflow = new Uint16Array(capacity);
    this.user = new Uint16Array(capacity);
  }

  get capacity(): number {
    return this.start.length;
  }

  grow(minimum: number): void {
    if (minimum <= this.capacity) return;
    const capacity = Math.max(minimum, this.capacity * 2, 64);
    this.start = copyInto(new Float64Array(capacity), this.start);
    this.duration = copyInto(new Uint32Array(capacity), this.duration);
    this.status = copyInto(new Uint8Array(capacity), this.status);
    this.workflow = copyInto(new Uint16Array(capacity), this.workflow);
    this.user = copyInto(new Uint16Array(capacity), this.user);
  }
}

function copyInto<T extends { set(array: ArrayLike<number>): void }>(target: T, source: ArrayLike<number>): T {
  target.set(source);
  return target;
}
