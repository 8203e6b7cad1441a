// Seeded randomness that needs no stored state: every value is a hash of (seed, index, salt),
// so any run's attributes, steps or payloads can be re-derived on demand, in any order.

/** murmur3's 32-bit finalizer: a bijection on uint32, which makes ids derived from it unique and invertible. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Multiplicative inverse modulo 2^32 of an odd number (Newton's iteration). */
function inverseOdd(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}
const INV_C1 = inverseOdd(0x85ebca6b);
const INV_C2 = inverseOdd(0xc2b2ae35);

/** The inverse of fmix32: turns an id's leading 32 bits back into the index it was made from. */
export function unfmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, INV_C2);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, INV_C1);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash2(a: number, b: number): number {
  return fmix32(fmix32(a ^ 0x9e3779b9) ^ Math.imul(b, 0x27d4eb2d) ^ b);
}

export function hash3(a: number, b: number, c: number): number {
  return hash2(hash2(a, b), c);
}

export function hash4(a: number, b: number, c: number, d: number): number {
  return hash2(hash3(a, b, c), d);
}

/** A uint32 hash as a float in [0, 1). */
export function unit(h: number): number {
  return h / 4294967296;
}

/** A small string hash, to turn names into salts. */
export function saltOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a tiny, fast sequential generator for the places where a stream of draws is natural. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A log-normal draw with the given median: durations and sizes have long tails. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

const HEX = '0123456789abcdef';

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * A version-4-shaped UUID whose first 8 hex digits are `lead` and the rest is derived from
 * `h` (so a UUID made with an invertible `lead` can be mapped back to its index).
 */
export function uuidWithLead(lead: number, h: number): string {
  const b = hash2(h, 1);
  const c = hash2(h, 2);
  const d = hash2(h, 3);
  const mid = hex8(b);
  const tail = hex8(c) + hex8(d);
  const variant = HEX[8 + (c & 3)]!;
  return `${hex8(lead)}-${mid.slice(0, 4)}-4${mid.slice(5, 8)}-${variant}${tail.slice(1, 4)}-${tail.slice(4, 16)}`;
}

/** A random-looking UUID derived from a hash. */
export function uuidFrom(h: number): string {
  return uuidWithLead(hash2(h, 0), h);
}
