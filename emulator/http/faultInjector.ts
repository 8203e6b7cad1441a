// Decides which API requests get a fault: targeted injections first (the next `count`
// requests whose path matches), then random ones at `faultRate` from a seeded generator.
import type { FaultKind } from '../emulatorTypes';
import { hash2, Rng } from '../random';

interface Injection {
  readonly kind: FaultKind;
  remaining: number;
  readonly match: RegExp | undefined;
}

export class FaultInjector {
  private injections: Injection[] = [];
  private readonly rng: Rng;

  constructor(
    seed: number,
    private readonly rate: number,
    private readonly kinds: readonly FaultKind[],
  ) {
    this.rng = new Rng(hash2(seed, 0xfa17));
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
