// A client-side request budget: at most `limit` requests in ANY window of `intervalMs`,
// so we stay under the vendor's limit instead of learning it from 429s.
// p-throttle's strict mode tracks each call's time (a sliding window), which is what a
// server-side "N per 10 minutes" limit checks; a fixed-window counter would allow up to
// twice the budget across a window boundary.
import pThrottle from 'p-throttle';
import { CancelledError } from '../errors';

export interface RateLimit {
  readonly limit: number;
  readonly intervalMs: number;
}

/**
 * Slack added to the window: a slot is taken when we send, but the server counts the
 * request when it arrives, and arrival jitter could squeeze two requests a window apart
 * into one server window.
 */
const ARRIVAL_JITTER_MS = 1000;

export class RateLimiter {
  private readonly acquireSlot: () => Promise<void>;
  private granted = 0;

  constructor(readonly budget: RateLimit) {
    if (!(budget.limit >= 1) || !(budget.intervalMs > 0)) {
      throw new RangeError(`A rate limit needs limit >= 1 and intervalMs > 0, got ${budget.limit}/${budget.intervalMs}`);
    }
    const throttle = pThrottle({ limit: budget.limit, interval: budget.intervalMs + ARRIVAL_JITTER_MS, strict: true });
    const slot = throttle(async () => {
      this.granted++;
    });
    this.acquireSlot = slot;
  }

  /** Slots handed out so far (for the log and the benchmarks). */
  get grantedCount(): number {
    return this.granted;
  }

  /**
   * Waits for a slot; resolves with the milliseconds waited. A cancelled wait rejects at
   * once; its queued slot is still spent later, which only ever errs on the safe side.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    if (signal?.aborted) throw new CancelledError();
    const slot = this.acquireSlot();
    if (!signal) {
      await slot;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new CancelledError());
        signal.addEventListener('abort', onAbort, { once: true });
        slot.then(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      });
    }
    return Date.now() - started;
  }
}
