// The paging state of one query in the tree: the runs loaded so far (100 at a time),
// the API's total, and the last error. Never fetches more than the user asked for, and
// offers no more after an empty or short page, whatever the total says; a next offset
// that stays, goes back or skips is shown as an error (src/core/listingGuard.ts).
import { followingOffset } from '../../core/listingGuard';
import type { Run, RunQuery } from '../../core/model';
import type { HistorySource } from '../../core/source';

export class RunListing {
  runs: Run[] = [];
  total: number | undefined;
  error: unknown;
  private nextOffset: number | undefined = 0;
  /** Runs per page, from the first page. */
  private pageSize = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly source: HistorySource,
    readonly query: RunQuery,
  ) {}

  get loaded(): boolean {
    return this.total !== undefined;
  }

  get hasMore(): boolean {
    return this.nextOffset !== undefined && this.total !== undefined && this.runs.length < this.total;
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
    this.pending = this.source
      .listPage(this.query, offset)
      .then((page) => {
        if (offset === 0) this.pageSize = page.runs.length;
        const known = new Set(this.runs.map((r) => r.id));
        // New runs may shift a newest-first listing between pages: skip repeats.
        this.runs.push(...page.runs.filter((r) => !known.has(r.id)));
        this.total = page.total;
        this.error = undefined;
        try {
          this.nextOffset = followingOffset(this.source.label, page, this.pageSize);
        } catch (error) {
          // Asking again would get the same answer: no Load more, the error instead.
          this.nextOffset = undefined;
          throw error;
        }
      })
      .catch((error: unknown) => {
        this.error = error;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Forget everything: the next render fetches afresh. */
  reset(): void {
    this.runs = [];
    this.total = undefined;
    this.error = undefined;
    this.nextOffset = 0;
    this.pageSize = 0;
  }
}
