// The requests one key has sent to one origin, as a log of send times, and the queue of
// requests waiting for room in it. Each waiter brings its own budget (two sources on one
// key may be configured differently): a request goes when the log has room under *its*
// budget, so every budget that shares the key holds over all of the key's traffic.
import { CancelledError } from '../../core/errors';

/**
 * Slack added to the window: a slot is taken when we send, but the server counts the
 * request when it arrives, and arrival jitter could squeeze two requests a window apart
 * into one server window.
 */
export const ARRIVAL_JITTER_MS = 1000;

/** A request budget: at most `limit` requests in any window of `intervalMs` (rateLimiter.ts re-exports it). */
export interface RateLimit {
  readonly limit: number;
  readonly intervalMs: number;
}

interface Waiter {
  readonly budget: RateLimit;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
}

export type Clock = () => number;

export class SlidingWindow {
  /** Send times, oldest first, from `head` on (a moving head: no per-request shifts). */
  private times: number[] = [];
  private head = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The longest window any budget asked about: older entries can be dropped. */
  private longestMs = 0;

  constructor(private readonly clock: Clock = () => performance.now()) {}

  /** Requests sent in the trailing window of `budget` (jitter slack included). */
  used(budget: RateLimit): number {
    this.longestMs = Math.max(this.longestMs, windowOf(budget));
    const now = this.clock();
    this.prune(now);
    return this.countSince(now - windowOf(budget));
  }

  /** Requests waiting for room. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when a request may go under `budget`; FIFO with every other waiter on this key. */
  acquire(budget: RateLimit, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    this.longestMs = Math.max(this.longestMs, windowOf(budget));
    return new Promise<void>((resolve, reject) => {
      const onAbort = signal
        ? () => {
            // A cancelled wait leaves the queue without spending a slot.
            const index = this.queue.indexOf(waiter);
            if (index >= 0) this.queue.splice(index, 1);
            reject(new CancelledError());
            this.drain();
          }
        : undefined;
      const waiter: Waiter = { budget, resolve, reject, signal, onAbort };
      if (signal && onAbort) signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.drain();
    });
  }

  /** Grants waiters in order while the log has room; otherwise sleeps until the oldest send that blocks the head leaves the window. */
  private drain(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const waiter = this.queue[0]!;
      const now = this.clock();
      this.prune(now);
      const windowMs = windowOf(waiter.budget);
      const first = this.firstIndexAfter(now - windowMs);
      const inWindow = this.times.length - first;
      if (inWindow < waiter.budget.limit) {
        this.queue.shift();
        this.times.push(now);
        if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
        continue;
      }
      // The send whose leaving makes room: the (inWindow - limit + 1)-th oldest in the window.
      const freesAt = this.times[first + (inWindow - waiter.budget.limit)]! + windowMs;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.drain();
        },
        Math.max(1, Math.ceil(freesAt - now)),
      );
      return;
    }
  }

  private countSince(start: number): number {
    return this.times.length - this.firstIndexAfter(start);
  }

  /** The first index (>= head) whose time is after `start` (binary search: times only grow). */
  private firstIndexAfter(start: number): number {
    let low = this.head;
    let high = this.times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.times[mid]! > start) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  private prune(now: number): void {
    this.head = this.firstIndexAfter(now - this.longestMs);
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

function windowOf(budget: RateLimit): number {
  return budget.intervalMs + ARRIVAL_JITTER_MS;
}
