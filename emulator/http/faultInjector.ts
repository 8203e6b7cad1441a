// Decides which API requests get a fault: targeted injections first (the next `count`
// requests whose path matches), then random ones at `faultRate` from a seeded generator.
// Also holds the faults' parameters (how slow a trickle, how big a gzip bomb).
import type { FaultKind } from '../emulatorTypes';
import { hash2, Rng } from '../random';

interface Injection {
  readonly kind: FaultKind;
  remaining: number;
  readonly match: RegExp | undefined;
}

export interface FaultParameters {
  /** 'trickle': one byte of the body this often (default 400 ms). */
  readonly trickleIntervalMs?: number;
  /** 'gzip-bomb': bytes of whitespace the body inflates to before the real answer (default 1 GiB). */
  readonly gzipBombBytes?: number;
}

export class FaultInjector {
  private injections: Injection[] = [];
  private readonly rng: Rng;
  readonly trickleIntervalMs: number;
  readonly gzipBombBytes: number;

  constructor(
    seed: number,
    private readonly rate: number,
    private readonly kinds: readonly FaultKind[],
    parameters: FaultParameters = {},
  ) {
    this.rng = new Rng(hash2(seed, 0xfa17));
    const { trickleIntervalMs, gzipBombBytes } = parameters;
    this.trickleIntervalMs = trickleIntervalMs !== undefined && trickleIntervalMs >= 1 ? trickleIntervalMs : 400;
    this.gzipBombBytes = gzipBombBytes !== undefined && gzipBombBytes >= 0 ? gzipBombBytes : 1024 * 1024 * 1024;
  }

  inject(kind: FaultKind, count: number, match?: RegExp): void {
    if (count > 0) this.injections.push({ kind, remaining: Math.floor(count), match });
  }

  clear(): void {
    this.injections = [];
  }

  /** The fault for a request to `path` (pathname and query), if any. */
  next(path: string): FaultKind | undefined {
    for (const injection of this.injections) {
      if (injection.match) injection.match.lastIndex = 0;
      if (injection.match && !injection.match.test(path)) continue;
      injection.remaining--;
      if (injection.remaining <= 0) this.injections = this.injections.filter((i) => i !== injection);
      return injection.kind;
    }
    if (this.rate > 0 && this.kinds.length > 0 && this.rng.next() < this.rate) return this.rng.pick(this.kinds);
    return undefined;
  }

  /** A seeded draw for the details of a fault (which 5xx). */
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
}
