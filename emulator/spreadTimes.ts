// Start times for seeded history in both APIs: a Poisson-like process squeezed into a range.
import type { Rng } from './random';

/**
 * Writes `n` strictly increasing whole-ms timestamps in [lo, hi) into `out` from `from` on.
 * `pace(t)` > 1 makes runs sparser around t (nights, weekends). Cumulative exponential gaps
 * normalized to the span give uniform order statistics in one pass, no sorting.
 */
export function spreadTimes(out: Float64Array, from: number, n: number, lo: number, hi: number, rng: Rng, pace: (t: number) => number): void {
  if (n === 0) return;
  const span = hi - lo;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    sum += -Math.log(1 - rng.next()) * pace(lo + (span * (j + 0.5)) / n);
    out[from + j] = sum;
  }
  const total = sum + -Math.log(1 - rng.next());
  let previous = from > 0 ? out[from - 1]! : -Infinity;
  for (let j = 0; j < n; j++) {
    const t = Math.max(Math.floor(lo + (span * out[from + j]!) / total), previous + 1);
    out[from + j] = t;
    previous = t;
  }
}

/** Fewer runs at night and at weekends (UTC), so charts of the seeded history look lived-in. */
export function workdayPace(t: number): number {
  const date = new Date(t);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const night = date.getUTCHours() < 6;
  return (weekend ? 2.5 : 1) * (night ? 1.8 : 1);
}
