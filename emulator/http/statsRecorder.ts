// What the emulator saw, for tests to assert on: counts by route and status, the busiest
// sliding window, the most requests in flight, replays, faults and decoy-origin visits.
import { FAULT_KINDS, type EmulatorStats, type FaultKind } from '../emulatorTypes';
import { ROUTE_KEYS, type RouteKey } from './apiTypes';
import { WindowPeak } from './slidingWindow';

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export class StatsRecorder {
  private stats: EmulatorStats = StatsRecorder.empty();
  private readonly window: WindowPeak;
  private inFlight = 0;

  constructor(windowMs: number) {
    this.window = new WindowPeak(windowMs);
  }

  private static empty(): EmulatorStats {
    return {
      requests: 0,
      byRoute: zeroes(ROUTE_KEYS),
      byStatus: {},
      rateLimited: 0,
      maxInWindow: 0,
      maxConcurrent: 0,
      replays: [],
      foreignRequests: [],
      faultsInjected: zeroes<FaultKind>(FAULT_KINDS),
    };
  }

  /** Counts an API request on the main origin; the returned function marks it finished (idempotent). */
  begin(key: RouteKey | undefined, now: number): () => void {
    this.stats.requests++;
    if (key) this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
    this.window.add(now);
    this.stats.maxInWindow = this.window.peak;
    this.inFlight++;
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, this.inFlight);
    let done = false;
    return () => {
      if (!done) this.inFlight--;
      done = true;
    };
  }

  status(code: number): void {
    this.stats.byStatus[code] = (this.stats.byStatus[code] ?? 0) + 1;
  }

  rateLimited(): void {
    this.stats.rateLimited++;
  }

  fault(kind: FaultKind): void {
    this.stats.faultsInjected[kind]++;
  }

  replay(sourceId: string, newId: string, at: number): void {
    this.stats.replays.push({ sourceId, newId, at: new Date(at).toISOString() });
  }

  foreign(method: string, path: string, authorization: string | undefined): void {
    this.stats.foreignRequests.push(authorization === undefined ? { method, path } : { method, path, authorization });
  }

  /** A deep copy: callers may keep it while the emulator goes on counting. */
  snapshot(): EmulatorStats {
    return structuredClone(this.stats);
  }

  /** Starts counting afresh; requests still in flight keep counting toward concurrency. */
  reset(): void {
    this.stats = StatsRecorder.empty();
    this.window.reset();
    this.stats.maxConcurrent = this.inFlight;
  }
}
