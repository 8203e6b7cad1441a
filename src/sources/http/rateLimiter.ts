// A client-side request budget: at most `limit` requests in ANY window of `intervalMs`,
// so we stay under the vendor's limit instead of learning it from 429s. The budget
// belongs to the key, not to the client: a limiter given its origin and key source
// resolves the key when a request goes and waits in that key's one window (rateBudgets),
// shared with every other client in the process that uses the same key on the same origin.
// A sliding window of send times, as a server-side "N per 10 minutes" limit checks; a
// fixed-window counter would allow up to twice the budget across a window boundary.
import { CancelledError } from '../../core/errors';
import { rateBudgets as processBudgets, type RateBudgets } from './rateBudgets';
import { SlidingWindow, type RateLimit } from './slidingWindow';

// The budget's shape lives with the window that enforces it (the window imports nothing from here: no cycle).
export type { RateLimit } from './slidingWindow';

/** How much of a budget is spent: requests sent in the trailing window, of `limit`. */
export interface BudgetInUse {
  readonly used: number;
  readonly limit: number;
  readonly intervalMs: number;
  /** Requests waiting for room in the window. */
  readonly waiting: number;
}

export type KeySource = string | (() => string | undefined | Promise<string | undefined>);

export interface SharedBudget {
  /** The origin the key is sent to: with the key, it names the window. */
  readonly origin: string;
  /** Read when a request goes, as the HTTP policy reads it: a rotated key gets its own window. */
  readonly apiKey: KeySource;
  /** Default: the process-wide registry. */
  readonly registry?: RateBudgets;
}

export class RateLimiter {
  private granted = 0;
  private readonly own?: SlidingWindow;
  /** The window the last request waited in, for `inUse` (read without resolving the key). */
  private current: SlidingWindow | undefined;

  constructor(
    readonly budget: RateLimit,
    private readonly shared?: SharedBudget,
  ) {
    if (!(budget.limit >= 1) || !(budget.intervalMs > 0)) {
      throw new RangeError(`A rate limit needs limit >= 1 and intervalMs > 0, got ${budget.limit}/${budget.intervalMs}`);
    }
    if (!shared) this.own = this.current = new SlidingWindow();
    else if (typeof shared.apiKey === 'function') limiters.set(shared.apiKey, this);
  }

  /** Slots handed out by this limiter so far (for the log and the benchmarks). */
  get grantedCount(): number {
    return this.granted;
  }

  /** Requests sent in the current window with this limiter's key (by any client), of the limit. */
  inUse(): BudgetInUse {
    const window = this.current;
    return { used: window?.used(this.budget) ?? 0, limit: this.budget.limit, intervalMs: this.budget.intervalMs, waiting: window?.waiting ?? 0 };
  }

  /**
   * Waits for a slot; resolves with the milliseconds waited. A cancelled wait rejects at
   * once and leaves the queue without spending a slot.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    if (signal?.aborted) throw new CancelledError();
    const window = await this.windowNow();
    this.current = window;
    await window.acquire(this.budget, signal);
    this.granted++;
    return Date.now() - started;
  }

  private async windowNow(): Promise<SlidingWindow> {
    if (this.own) return this.own;
    const { origin, apiKey, registry = processBudgets } = this.shared!;
    const key = typeof apiKey === 'function' ? await apiKey() : apiKey;
    // No key: the policy refuses to send anyway; a window of its own keeps the types simple.
    if (!key) return (this.current ??= new SlidingWindow());
    return registry.windowFor(origin, key);
  }
}

/** Limiters by the key source they read, so a host that built the source can show its budget. */
const limiters = new WeakMap<object, RateLimiter>();

/** The limiter of the client built with this key source (a function), if it has a budget. */
export function limiterReading(apiKey: KeySource): RateLimiter | undefined {
  return typeof apiKey === 'function' ? limiters.get(apiKey) : undefined;
}
