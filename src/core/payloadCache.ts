// Step payloads fetched once and shared by the run panel, the payload documents, Compare
// and Export Run. Concurrent asks for one step share one request; failures are not kept;
// the least recently used entries go once the byte budget (by the API's sizes) is spent.
import type { StepPayload } from './model';

export interface PayloadCacheOptions {
  /** Bytes of payload kept, estimated from the steps' inputSize + outputSize. */
  readonly maxBytes?: number;
  /** The estimate for a step whose sizes the API did not give. */
  readonly defaultBytes?: number;
}

interface Entry {
  readonly promise: Promise<StepPayload>;
  readonly bytes: number;
}

export class PayloadCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly defaultBytes: number;

  constructor(options: PayloadCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.defaultBytes = options.defaultBytes ?? 16 * 1024;
  }

  static key(sourceId: string, runId: string, stepExecutionId: string): string {
    return JSON.stringify([sourceId, runId, stepExecutionId]);
  }

  /** The cached payload, or `load()`'s, kept for next time once it succeeds. */
  get(key: string, load: () => Promise<StepPayload>, sizeHint?: number): Promise<StepPayload> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.promise;
    }
    const bytes = sizeHint && sizeHint > 0 ? sizeHint : this.defaultBytes;
    const promise = load();
    const entry: Entry = { promise, bytes };
    this.entries.set(key, entry);
    this.bytes += bytes;
    promise.catch(() => this.drop(key, entry));
    this.evict(key);
    return promise;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Forgets one entry (a payload that is no longer current). */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.drop(key, entry);
  }

  /** Forgets every entry whose key matches (a source's payloads, when the source now names other data). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const [key, entry] of [...this.entries]) if (matches(key)) this.drop(key, entry);
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private evict(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (key !== keep) this.drop(key, entry);
    }
  }
}
