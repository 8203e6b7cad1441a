// The rules every listing follows, whatever the API's numbers say: a page may not be
// longer than the first, an empty or short page is the last, the next offset must follow
// the page just read (never stay, go back, skip or overlap), no run may come twice except
// across one page boundary, and no more runs may arrive than the API counted.
import * as l10n from '@vscode/l10n';
import { formatNumber } from './locale';
import type { Run, RunPage } from './model';
import { SeenIds } from './seenIds';
import { ProtocolError } from './errors';

/** The count did not match the API's total; the message says what was seen. */
export class SnapshotMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number,
    /** What the pages looked like ("3 pages; the last, at offset 200, held 30 runs…"). */
    readonly seen?: string,
  ) {
    super(mismatchMessage(expected, received, seen));
    this.name = 'SnapshotMismatchError';
  }
}

/**
 * What to do with a run repeated from the page just before: `drop` it (an exact listing:
 * runs starting or expiring while it pages shift one page boundary), or `keep` it (a raw
 * listing shows what the API sent). Repeats from any earlier page are an error in both.
 */
export type AdjacentRepeats = 'drop' | 'keep';

/** One whole sentence per case (more or fewer runs than counted, with or without what the pages looked like). */
function mismatchMessage(expected: number, received: number, seen: string | undefined): string {
  const total = count(expected);
  const got = count(received);
  if (received > expected) {
    return seen
      ? l10n.t(
          "The listing did not add up: the API's total is {0} runs, but {1} distinct runs arrived, more than it counted ({2}). Run it again; if the same figures come back, the API's total and its pages disagree.",
          total,
          got,
          seen,
        )
      : l10n.t(
          "The listing did not add up: the API's total is {0} runs, but {1} distinct runs arrived, more than it counted. Run it again; if the same figures come back, the API's total and its pages disagree.",
          total,
          got,
        );
  }
  return seen
    ? l10n.t(
        "The listing did not add up: the API's total is {0} runs, but {1} distinct runs arrived ({2}). Run it again; if the same figures come back, the API's total and its pages disagree.",
        total,
        got,
        seen,
      )
    : l10n.t(
        "The listing did not add up: the API's total is {0} runs, but {1} distinct runs arrived. Run it again; if the same figures come back, the API's total and its pages disagree.",
        total,
        got,
      );
}

/**
 * The offset of the page after `page`, or undefined when `page` is the last: empty, short
 * (fewer runs than `pageSize`), or the API says so. Throws when the API's next offset
 * stays, goes back, or would skip or re-read runs after a full page.
 */
export function followingOffset(label: string, page: RunPage, pageSize: number): number | undefined {
  const { offset, nextOffset } = page;
  const received = page.runs.length;
  if (received === 0 || nextOffset === undefined) return undefined;
  if (nextOffset === offset) {
    throw new ProtocolError(
      l10n.t('{0} named offset {1} as the next page after the page at offset {1}: its paging does not advance, and following it would read the same page forever.', label, offset),
      `next offset ${nextOffset} after the page at offset ${offset}`,
    );
  }
  if (nextOffset < offset) {
    throw new ProtocolError(
      l10n.t(
        '{0} named offset {1} as the next page after the page at offset {2}: its paging goes back, and following it would read the same runs again.',
        label,
        nextOffset,
        offset,
      ),
      `next offset ${nextOffset} after the page at offset ${offset}`,
    );
  }
  if (received < pageSize) return undefined;
  const expected = offset + received;
  if (nextOffset !== expected) {
    throw new ProtocolError(
      nextOffset > expected
        ? l10n.t(
            '{0} named offset {1} as the next page after {2} runs at offset {3}: following it would skip {4} runs.',
            label,
            nextOffset,
            received,
            offset,
            count(nextOffset - expected),
          )
        : l10n.t(
            '{0} named offset {1} as the next page after {2} runs at offset {3}: following it would read {4} runs again (it would overlap).',
            label,
            nextOffset,
            received,
            offset,
            count(expected - nextOffset),
          ),
      `next offset ${nextOffset}, expected ${expected}`,
    );
  }
  return nextOffset;
}

/** Checks a listing's pages, in order, against the rules above; remembers every id compactly. */
export class ListingGuard {
  /** Runs per page, from the first page that says there is more. */
  pageSize = 0;
  /** The latest page's total. */
  total = 0;
  distinct = 0;
  duplicatesDropped = 0;
  private maxTotal = 0;
  private readonly seen = new SeenIds();
  private previous = new Set<string>();
  private current = new Set<string>();
  private readonly pageOffsets: number[] = [];
  private last: { offset: number; runs: number; nextOffset?: number } | undefined;

  constructor(
    private readonly label: string,
    private readonly adjacentRepeats: AdjacentRepeats,
    /** Exact listings report a count beyond the total as a mismatch, raw ones as a protocol error. */
    private readonly exact: boolean,
  ) {}

  /** Checks the page at `offset` (the next in order) and returns the runs to pass on. */
  accept(page: RunPage, offset: number): readonly Run[] {
    if (page.offset !== offset) {
      throw new ProtocolError(
        l10n.t('{0} answered a request for offset {1} with the page at offset {2}.', this.label, offset, page.offset),
        `page offset ${page.offset}, asked ${offset}`,
      );
    }
    if (!Number.isSafeInteger(page.total) || page.total < 0) {
      throw new ProtocolError(l10n.t('{0} sent a total of {1}, which is not a count of runs.', this.label, page.total), `total ${page.total}`);
    }
    const ordinal = this.pageOffsets.length;
    if (ordinal === 0) this.pageSize = page.runs.length;
    else if (page.runs.length > this.pageSize) {
      throw new ProtocolError(
        l10n.t('{0} sent a page of {1} runs at offset {2} after a first page of {3}: its pages cannot be followed.', this.label, page.runs.length, offset, this.pageSize),
        `page of ${page.runs.length} at offset ${offset}, page size ${this.pageSize}`,
      );
    }
    this.pageOffsets.push(offset);
    this.total = page.total;
    this.maxTotal = Math.max(this.maxTotal, page.total);
    this.previous = this.current;
    this.current = new Set();

    const passed: Run[] = [];
    for (const run of page.runs) {
      const id = run.id;
      if (this.current.has(id)) throw this.repeated(id, offset, offset);
      this.current.add(id);
      if (this.previous.has(id)) {
        // A shift at the page boundary: the same run, exactly (the sets hold whole ids).
        if (this.adjacentRepeats === 'drop') {
          this.duplicatesDropped++;
          continue;
        }
        passed.push(run);
        continue;
      }
      const firstOrdinal = this.seen.add(id, ordinal);
      // A hash hit on this page or the one before is a collision: the exact sets above
      // prove the id is new. Anywhere earlier it cannot be told apart, so it fails loudly.
      if (firstOrdinal !== undefined && firstOrdinal < ordinal - 1) throw this.repeated(id, offset, this.pageOffsets[firstOrdinal]!);
      this.distinct++;
      passed.push(run);
    }
    this.last = { offset, runs: page.runs.length, nextOffset: page.nextOffset };

    if (this.exact && this.distinct > this.total) throw new SnapshotMismatchError(this.total, this.distinct, this.describe());
    if (!this.exact && this.distinct > this.maxTotal) {
      throw new ProtocolError(
        l10n.t('{0} listed {1} different runs but counted only {2}: its pages do not end where its total says.', this.label, count(this.distinct), count(this.maxTotal)),
        `${this.distinct} distinct runs, largest total ${this.maxTotal}, ${this.describe()}`,
      );
    }
    return passed;
  }

  /** The offset of the page after the one just accepted, or undefined when it was the last. */
  next(page: RunPage): number | undefined {
    return followingOffset(this.label, page, this.pageSize);
  }

  /** Throws when the runs that arrived do not add up to the latest total. */
  finish(): void {
    if (this.distinct !== this.total) throw new SnapshotMismatchError(this.total, this.distinct, this.describe());
  }

  /** What the pages looked like, for a message. */
  describe(): string {
    const pages = this.pageOffsets.length;
    const parts = [pages === 1 ? l10n.t('1 page') : l10n.t('{0} pages', count(pages))];
    const last = this.last;
    if (last) {
      const at = count(last.offset);
      const runs = count(last.runs);
      parts.push(
        last.runs === 0
          ? l10n.t('the last, at offset {0}, was empty', at)
          : last.runs < this.pageSize
            ? l10n.t('the last, at offset {0}, held {1} runs, short of a full page of {2}', at, runs, count(this.pageSize))
            : last.nextOffset === undefined
              ? l10n.t('the last, at offset {0}, held {1} runs and the API said it was the last', at, runs)
              : l10n.t('the last, at offset {0}, held {1} runs', at, runs),
      );
    }
    if (this.duplicatesDropped > 0) parts.push(l10n.t('{0} repeated at page boundaries and counted once', count(this.duplicatesDropped)));
    return parts.join('; ');
  }

  private repeated(id: string, offset: number, firstOffset: number): ProtocolError {
    const shown = JSON.stringify(id.length > 100 ? `${id.slice(0, 100)}…` : id);
    return new ProtocolError(
      offset === firstOffset
        ? l10n.t(
            '{0} listed run {1} twice on the page at offset {2}. An API that repeats runs leaves others out, so this listing cannot be trusted; try again, and if it happens again its paging is broken.',
            this.label,
            shown,
            offset,
          )
        : l10n.t(
            '{0} listed run {1} again at offset {2} after it had already appeared at offset {3}. An API that repeats runs leaves others out, so this listing cannot be trusted; try again, and if it happens again its paging is broken.',
            this.label,
            shown,
            offset,
            firstOffset,
          ),
      `repeated id ${shown} at offset ${offset}, first at offset ${firstOffset}`,
    );
  }
}

function count(n: number): string {
  return formatNumber(n);
}
