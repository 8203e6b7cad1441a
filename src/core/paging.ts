// Paging as async iterables over any HistorySource, and the snapshot listing: a complete,
// duplicate-free set of runs that stays exact while new runs keep starting. The API's
// numbers are never trusted to size anything: pages are asked for as the data arriving
// justifies, and every page passes the rules of ListingGuard.
import { setMaxListeners } from 'node:events';
import { ListingGuard, SnapshotMismatchError } from './listingGuard';
import type { Run, RunPage, RunQuery } from './model';
import type { HistorySource, ListOptions } from './source';

export { SnapshotMismatchError };

/**
 * Every page of a query, one request at a time, in the API's order, as the API sent it
 * (a run repeated across one page boundary is kept). Ends at an empty or short page;
 * throws a ProtocolError when the paging stays, goes back, skips, repeats runs from an
 * earlier page, or yields more runs than the API counted.
 */
export async function* pages(source: HistorySource, query: RunQuery, options: ListOptions = {}): AsyncGenerator<RunPage> {
  const guard = new ListingGuard(source.label, 'keep', false);
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page: RunPage = await source.listPage(query, offset, options);
    guard.accept(page, offset);
    yield page;
    offset = guard.next(page);
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

/**
 * Yields every run of `query` that started before the pin, exactly once, oldest first
 * where the source can sort. The first page gives the page size and `total`; after it, up
 * to `concurrency` pages are requested ahead of the one being emitted, at offsets the
 * total still allows, generated one at a time (a total of 1e12 costs nothing). The page
 * after a full one is always asked for, total or not. An empty or short page ends the
 * listing; the look-ahead past it (at most `concurrency` requests) is let finish, while a
 * failure or a cancellation aborts it: either way none is left in flight. Ids are
 * remembered for the whole listing (about 12 bytes each): a repeat across one page
 * boundary is dropped, any other repeat is a ProtocolError, and the count must equal the
 * API's total (a SnapshotMismatchError saying what was seen otherwise, raised as soon as
 * more runs than the total have arrived).
 */
export async function* snapshot(source: HistorySource, query: RunQuery, options: SnapshotOptions = {}): AsyncGenerator<Run, SnapshotSummary> {
  const pinnedAt = options.pinnedAt ?? new Date();
  const pinned = pinQuery(query, pinnedAt);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  // Our own signal for the look-ahead, so pages past the end stop when the listing does.
  const lookahead = new AbortController();
  setMaxListeners(0, lookahead.signal);
  const outer = options.signal;
  const forward = () => lookahead.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const listOptions: ListOptions = { signal: lookahead.signal, order: 'asc' };
  const guard = new ListingGuard(source.label, 'drop', true);
  const queue: { offset: number; request: Promise<RunPage> }[] = [];

  try {
    const first = await source.listPage(pinned, 0, listOptions);
    const firstRuns = guard.accept(first, 0);
    options.onTotal?.(first.total);
    yield* firstRuns;

    let next = guard.next(first);
    let ahead = next ?? 0; // the next offset to request
    while (next !== undefined) {
      // The page at `next` is always justified (the page before was full and said there
      // is more); those after it only while the total allows them.
      while (queue.length < concurrency && (queue.length === 0 || ahead < guard.total)) {
        const offset = ahead;
        const request = source.listPage(pinned, offset, listOptions);
        request.catch(() => undefined); // awaited below, in order; keep it from being "unhandled" meanwhile
        queue.push({ offset, request });
        ahead += guard.pageSize;
      }
      const head = queue.shift()!;
      const page = await head.request;
      const passed = guard.accept(page, next);
      next = guard.next(page);
      yield* passed;
    }
    // The listing reached its end by the rules: let the look-ahead past it finish rather
    // than abort it, so no request of ours is still on its way to the server when this
    // listing is over (an aborted one may still arrive there after we have moved on).
    await Promise.allSettled(queue.map((entry) => entry.request));
    queue.length = 0;
    guard.finish();
    return { total: guard.total, emitted: guard.distinct, duplicatesDropped: guard.duplicatesDropped, pinnedAt };
  } finally {
    outer?.removeEventListener('abort', forward);
    // A failure, a cancellation or a consumer that stopped early: abort what is in flight.
    lookahead.abort();
    await Promise.allSettled(queue.map((entry) => entry.request));
  }
}
