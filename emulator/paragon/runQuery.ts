// Filtering runs for listing and for the tests' ground truth, with one code path for both.
// Results are cached per filter (without offset or sort) so paging 150,000 runs costs one
// scan per filter, not one per page; any change to the store invalidates the cache.
import { parseIsoDate } from '../isoDate';
import type { RunStore } from './runStore';
import { DOCUMENTED_STATUSES } from './runColumns';

export interface RunFilter {
  userId?: string;
  workflowId?: string;
  integration?: string;
  status?: string;
  beforeDate?: string;
  afterDate?: string;
}

/** A query parameter the API refuses; the 400 names it and its value. */
export class InvalidParameter extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`Invalid value for ${parameter}: ${value}`);
  }
}

const ANY = -1;
const NONE = -2;

interface CompiledFilter {
  readonly key: string;
  readonly user: number;
  readonly workflow: number;
  readonly integration: number;
  readonly status: number;
  readonly afterMs: number;
  readonly beforeMs: number;
}

interface CacheEntry {
  readonly version: number;
  readonly indices: Uint32Array;
}

const CACHE_ENTRIES = 32;
/** Cached indices in all (4 bytes each): bounds the cache at 4 MB however big the store. */
const CACHE_BUDGET = 1_000_000;

function lookup(map: ReadonlyMap<string, number>, value: string | undefined): number {
  if (value === undefined) return ANY;
  return map.get(value) ?? NONE;
}

function date(parameter: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseIsoDate(value);
  if (ms === undefined) throw new InvalidParameter(parameter, value);
  return ms;
}

export class RunQuery {
  private readonly cache = new Map<string, CacheEntry>();
  private cachedIndices = 0;

  constructor(private readonly store: RunStore) {}

  /**
   * Validates and resolves a filter. `strictStatus` (the HTTP API) accepts only the four
   * documented statuses; the ground truth also accepts the configured undocumented ones.
   */
  compile(filter: RunFilter, strictStatus: boolean): CompiledFilter {
    const { catalog } = this.store;
    let status = ANY;
    if (filter.status !== undefined) {
      const allowed = strictStatus ? DOCUMENTED_STATUSES : this.store.statusNames;
      status = allowed.indexOf(filter.status);
      if (status < 0) {
        if (strictStatus) throw new InvalidParameter('status', filter.status);
        status = NONE;
      }
    }
    // afterDate is inclusive and beforeDate exclusive (dateStarted >= afterDate and
    // dateStarted < beforeDate): half-open ranges tile without overlap, so a client that
    // pins beforeDate at "now" and later asks from that instant on sees each run once.
    const afterMs = date('afterDate', filter.afterDate, -Infinity);
    const beforeMs = date('beforeDate', filter.beforeDate, Infinity);
    const user = lookup(catalog.userByName, filter.userId);
    const workflow = lookup(catalog.workflowByUuid, filter.workflowId);
    const integration = lookup(catalog.integrationByName, filter.integration);
    return { key: [user, workflow, integration, status, afterMs, beforeMs].join('|'), user, workflow, integration, status, afterMs, beforeMs };
  }

  /** Matching run indices, oldest first. Do not modify the returned array. */
  matching(filter: CompiledFilter): Uint32Array {
    this.store.refresh();
    const cached = this.cache.get(filter.key);
    if (cached && cached.version === this.store.version) {
      // Re-insert to keep the map in least-recently-used order.
      this.cache.delete(filter.key);
      this.cache.set(filter.key, cached);
      return cached.indices;
    }
    const indices = this.scan(filter);
    this.forget(filter.key);
    this.cache.set(filter.key, { version: this.store.version, indices });
    this.cachedIndices += indices.length;
    // Evict least recently used entries, but always keep the one just computed.
    while (this.cache.size > 1 && (this.cache.size > CACHE_ENTRIES || this.cachedIndices > CACHE_BUDGET)) this.forget(this.cache.keys().next().value!);
    return indices;
  }

  private forget(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cachedIndices -= entry.indices.length;
    this.cache.delete(key);
  }

  private scan(f: CompiledFilter): Uint32Array {
    if (f.user === NONE || f.workflow === NONE || f.integration === NONE || f.status === NONE) return new Uint32Array(0);
    const order = this.store.ordered();
    const { start, user, workflow, status } = this.store.columns;
    const lo = lowerBound(order, start, f.afterMs);
    const hi = lowerBound(order, start, f.beforeMs);
    if (hi <= lo) return new Uint32Array(0);
    if (f.user === ANY && f.workflow === ANY && f.integration === ANY && f.status === ANY) return order.slice(lo, hi);
    const integrationOf = this.store.catalog.integrationOfWorkflow;
    const out = new Uint32Array(hi - lo);
    let n = 0;
    for (let p = lo; p < hi; p++) {
      const i = order[p]!;
      if (f.status !== ANY && status[i] !== f.status) continue;
      if (f.user !== ANY && user[i] !== f.user) continue;
      if (f.workflow !== ANY && workflow[i] !== f.workflow) continue;
      if (f.integration !== ANY && integrationOf[workflow[i]!] !== f.integration) continue;
      out[n++] = i;
    }
    return out.slice(0, n);
  }
}

/** First position in `order` whose run starts at or after `ms`. */
function lowerBound(order: Uint32Array, start: Float64Array, ms: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[order[mid]!]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
