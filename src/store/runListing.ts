// The paging state of one query of one source: the runs loaded so far (a page at a time),
// the API's total, and the last error. Owned by the run store, which hands the same listing
// to every view that asks for the same query, hears of every page (so it knows the runs'
// summaries) and patches a run in place when a newer state of it arrives. Never fetches more
// than it is asked for, and offers no more after an empty or short page, whatever the total
// says; a next offset that stays, goes back or skips is an error (src/core/listingGuard.ts).
import { followingOffset } from '../core/listingGuard';
import type { Run, RunQuery } from '../core/model';
import { isActive } from '../core/runState';
import type { HistorySource } from '../core/source';

export type ListingEvent = 'page' | 'error' | 'reset';

export interface ListingHooks {
  /** A page arrived (with its runs, as the API listed them), the listing failed, or it was reset. */
  readonly changed: (listing: RunListing, what: ListingEvent, page?: readonly Run[]) => void;
}

export class RunListing {
  private loadedRuns: Run[] = [];
  private index = new Map<string, number>();
  total: number | undefined;
  error: unknown;
  private nextOffset: number | undefined = 0;
  /** Runs per page, from the first page. */
  private pageSize = 0;
  private pending: Promise<void> | undefined;
  /** Bumped by reset(): a page that arrives for an older generation is dropped. */
  private generation = 0;

  constructor(
    /** The client this listing pages through (the store starts a new listing when settings replace it). */
    readonly client: HistorySource,
    readonly sourceId: string,
    readonly query: RunQuery,
    private readonly hooks?: ListingHooks,
  ) {}

  /** The runs loaded so far, in the API's order, each in its newest known state. */
  get runs(): readonly Run[] {
    return this.loadedRuns;
  }

  get loaded(): boolean {
    return this.total !== undefined;
  }

  get hasMore(): boolean {
    return this.nextOffset !== undefined && this.total !== undefined && this.loadedRuns.length < this.total;
  }

  /** The run as this listing holds it, if it does. */
  get(runId: string): Run | undefined {
    const at = this.index.get(runId);
    return at === undefined ? undefined : this.loadedRuns[at];
  }

  /** Loads the first page once (it also gives the count); later calls reuse it. */
  ensureFirstPage(): Promise<void> {
    if (this.loaded || this.error !== undefined) return Promise.resolve();
    return this.loadNext();
  }

  /** The next page; concurrent calls (a double click on Load more) share one request. */
  loadNext(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.nextOffset === undefined) return Promise.resolve();
    const offset = this.nextOffset;
    const generation = this.generation;
    const pending = this.client
      .listPage(this.query, offset)
      .then((page) => {
        if (generation !== this.generation) return;
        if (offset === 0) this.pageSize = page.runs.length;
        // New runs may shift a newest-first listing between pages: skip repeats.
        for (const run of page.runs) {
          if (this.index.has(run.id)) continue;
          this.index.set(run.id, this.loadedRuns.length);
          this.loadedRuns.push(run);
        }
        this.total = page.total;
        this.error = undefined;
        try {
          this.nextOffset = followingOffset(this.client.label, page, this.pageSize);
        } catch (error) {
          // Asking again would get the same answer: no Load more, the error instead.
          this.nextOffset = undefined;
          throw error;
        }
        this.hooks?.changed(this, 'page', page.runs);
      })
      .catch((error: unknown) => {
        if (generation !== this.generation) return;
        this.error = error;
        this.hooks?.changed(this, 'error');
      })
      .finally(() => {
        if (this.pending === pending) this.pending = undefined;
      });
    this.pending = pending;
    return pending;
  }

  /**
   * A newer state of a run this listing holds (a live poll, a panel's reload). Only the
   * fields that change over a run's life are taken: a listing's own fields (Paragon's
   * integration, a task's name) stay as listed. Answers whether the row changed.
   */
  patch(run: Run): boolean {
    const at = this.index.get(run.id);
    if (at === undefined) return false;
    const old = this.loadedRuns[at]!;
    // A state read earlier than the one held (a slow poll): a run that ended does not start again.
    if (!isActive(old.status) && isActive(run.status)) return false;
    const next: Run = { ...old, status: run.status, rawStatus: run.rawStatus, endedAt: run.endedAt, durationMs: run.durationMs, durationText: run.durationText };
    this.loadedRuns[at] = next;
    // A running run's growing duration is kept but is no news (Paragon reports it on every read).
    const durationChanged = !isActive(next.status) && (next.durationMs !== old.durationMs || next.durationText !== old.durationText);
    return next.status !== old.status || next.rawStatus !== old.rawStatus || next.endedAt !== old.endedAt || durationChanged;
  }

  /** Forget everything: the next render fetches afresh (a page in flight is dropped when it lands). */
  reset(): void {
    this.generation++;
    this.pending = undefined;
    this.loadedRuns = [];
    this.index = new Map();
    this.total = undefined;
    this.error = undefined;
    this.nextOffset = 0;
    this.pageSize = 0;
    this.hooks?.changed(this, 'reset');
  }
}
