// Sliding-window request counting: the rate limiter (per key) and the statistic that lets
// tests prove a client never went over its budget.

/** Timestamps inside a window, oldest first, in an array with a moving head (no per-request shifts). */
class WindowLog {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.times.length - this.head;
  }

  oldest(): number {
    return this.times[this.head]!;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private readonly logs = new Map<string, WindowLog>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Refused requests do not count, so Retry-After is exactly when the next one will pass. */
  admit(key: string, now: number): Admission {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new WindowLog(this.windowMs)));
    log.prune(now);
    if (log.size < this.limit) {
      log.add(now);
      return { admitted: true };
    }
    const freesAt = log.oldest() + this.windowMs;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now) / 1000)) };
  }
}

/** Counts every request in the trailing window and remembers the highest count seen. */
export class WindowPeak {
  private log: WindowLog;
  peak = 0;

  constructor(private readonly windowMs: number) {
    this.log = new WindowLog(windowMs);
  }

  add(now: number): void {
    this.log.prune(now);
    this.log.add(now);
    this.peak = Math.max(this.peak, this.log.size);
  }

  reset(): void {
    this.log = new WindowLog(this.windowMs);
    this.peak = 0;
  }
}
