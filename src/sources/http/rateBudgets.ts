// The process's request budgets: one sliding window per (origin, API key), whatever
// client sends the request. Rebuilding a client (settings changed mid-export) or a second
// source on the same project and key finds the same window, so together they stay within
// the budget the vendor counts per key. The map is keyed by the origin and a SHA-256
// digest of the key, never the key itself.
import { createHash } from 'node:crypto';
import { SlidingWindow, type Clock } from './slidingWindow';

/** A stable, non-reversible name for a key: SHA-256, hex. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class RateBudgets {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(private readonly clock?: Clock) {}

  /** The one window for requests sent with `key` to `origin`. */
  windowFor(origin: string, key: string): SlidingWindow {
    const id = `${origin} ${keyDigest(key)}`;
    let window = this.windows.get(id);
    if (!window) this.windows.set(id, (window = new SlidingWindow(this.clock)));
    return window;
  }

  /** The registry's own names for its windows (origin + key digest), for tests and diagnostics. */
  ids(): string[] {
    return [...this.windows.keys()];
  }
}

/** The process-wide registry every HTTP policy uses. */
export const rateBudgets = new RateBudgets();
