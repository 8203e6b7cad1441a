// Paging as async iterables over any HistorySource, and the snapshot listing: a complete,
// duplicate-free set of runs that stays exact while new runs keep starting.
import type { Run, RunPage, RunQuery } from './model';
import type { HistorySource, ListOptions } from './source';

/** Every page of a query, one request at a time, in the API's order. */
export async function* pages(source: HistorySource, query: RunQuery, options: ListOptions = {}): AsyncGenerator<RunPage> {
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page: RunPage = await source.listPage(query, offset, options);
    yield page;
    offset = page.runs.length > 0 ? page.nextOffset : undefined;
  }
}

/** Every run of a query, page by page. */
export async function* runs(source: HistorySource, query: RunQuery, options: ListOptions = {}): AsyncGenerator<Run> {
  for await (const page of pages(source, query, options)) yield* page.runs;
}

export interface SnapshotOptions {
  readonly signal?: AbortSignal;
  /** Pages fetched at once after the first (default 4); the source's limiter still applies. */
  readonly concurrency?: number;
  /** The pinned end; default now. */
  readonly pinnedAt?: Date;
  /** Called once the first page gives the total. */
  readonly onTotal?: (total: number) => void;
}

export interface SnapshotSummary {
  readonly total: number;
  readonly emitted: number;
  readonly duplicatesDropped: number;
  readonly pinnedAt: Date;
}

/** The query a snapshot actually runs: its end pinned to the moment it started. */
export function pinQuery(query: RunQuery, pinnedAt: Date): RunQuery {
  const before = query.startedBefore && query.startedBefore < pinnedAt ? query.startedBefore : pinnedAt;
  return { ...query, startedBefore: before };
}

/** The count did not match the API's total: runs expired or appeared inside the pinned range. */
export class SnapshotMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(
      `The listing changed while it was read: the API counted ${expected} runs but ${received} arrived. ` +
        'Runs may have expired past retention during the read; run it again.',
    );
    this.name = 'SnapshotMismatchError';
  }
}

/**
 * Yields every run of `query` that started before the pin, exactly once, oldest first
 * where the source can sort. The first page gives `total`; the rest are fetched
 * concurrently (bounded look-ahead, so memory stays flat) and emitted in order.
 * Duplicates can only come from a shift at a page boundary, so ids are remembered for
 * the last two pages only; the final count is checked against the API's `total`.
 */
export async function* snapshot(
  source: HistorySource,
  query: RunQuery,
  options: SnapshotOptions = {},
): AsyncGenerator<Run, SnapshotSummary> {
  const pinnedAt = options.pinnedAt ?? new Date();
  const pinned = pinQuery(query, pinnedAt);
  const listOptions: ListOptions = { signal: options.signal, order: 'asc' };
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const first = await source.listPage(pinned, 0, listOptions);
  const total = first.total;
  options.onTotal?.(total);
  const pageSize = Math.max(1, first.runs.length);

  const recent = new RecentIds();
  let emitted = 0;
  let duplicatesDropped = 0;
  const emit = function* (page: RunPage): Generator<Run> {
    recent.nextPage();
    for (const run of page.runs) {
      if (recent.has(run.id)) {
        duplicatesDropped++;
        continue;
      }
      recent.add(run.id);
      emitted++;
      yield run;
    }
  };

  let finalTotal = total;
  yield* emit(first);
  if (first.nextOffset !== undefined && first.runs.length > 0) {
    // Offsets are known from `total`, so pages can be requested ahead of the one emitted.
    const offsets: number[] = [];
    for (let offset = first.nextOffset; offset < total; offset += pageSize) offsets.push(offset);
    const inFlight = new Map<number, Promise<RunPage>>();
    let nextToStart = 0;
    const startMore = () => {
      while (inFlight.size < concurrency && nextToStart < offsets.length) {
        const offset = offsets[nextToStart++]!;
        const request = source.listPage(pinned, offset, listOptions);
        request.catch(() => undefined); // awaited below, in order; keep it from being "unhandled" meanwhile
        inFlight.set(offset, request);
      }
    };
    try {
      startMore();
      for (const offset of offsets) {
        const page = await inFlight.get(offset)!;
        inFlight.delete(offset);
        startMore();
        finalTotal = page.total;
        yield* emit(page);
      }
    } finally {
      inFlight.clear();
    }
  }
  // Each page reports the filter's total; the last one is the freshest word on it.
  if (emitted !== finalTotal) throw new SnapshotMismatchError(finalTotal, emitted);
  return { total: finalTotal, emitted, duplicatesDropped, pinnedAt };
}

/** Ids of the current and the previous page: enough to catch a boundary shift. */
class RecentIds {
  private previous = new Set<string>();
  private current = new Set<string>();

  nextPage(): void {
    this.previous = this.current;
    this.current = new Set();
  }

  has(id: string): boolean {
    return this.current.has(id) || this.previous.has(id);
  }

  add(id: string): void {
    this.current.add(id);
  }
}
