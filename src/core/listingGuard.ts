// The rules every listing follows, whatever the API's numbers say: a page may not be
// longer than the first, an empty or short page is the last, the next offset must follow
// the page just read (never stay, go back, skip or overlap), no run may come twice except
// across one page boundary, and no more runs may arrive than the API counted.
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
    super(
      `The listing did not add up: the API's total is ${count(expected)} runs, but ${count(received)} distinct runs ` +
        `${received > expected ? 'arrived, more than it counted' : 'arrived'}${seen ? ` (${seen})` : ''}. ` +
        "Run it again; if the same figures come back, the API's total and its pages disagree.",
    );
    this.name = 'SnapshotMismatchError';
  }
}

/**
 * What to do with a run repeated from the page just before: `drop` it (an exact listing:
 * runs starting or expiring while it pages shift one page boundary), or `keep` it (a raw
 * listing shows what the API sent). Repeats from any earlier page are an error in both.
 */
export type AdjacentRepeats = 'drop' | 'keep';

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
      `${label} named offset ${offset} as the next page after the page at offset ${offset}: its paging does not advance, and following it would read the same page forever.`,
      `next offset ${nextOffset} after the page at offset ${offset}`,
    );
  }
  if (nextOffset < offset) {
    throw new ProtocolError(
      `${label} named offset ${nextOffset} as the next page after the page at offset ${offset}: its paging goes back, and following it would read the same runs again.`,
      `next offset ${nextOffset} after the page at offset ${offset}`,
    );
  }
  if (received < pageSize) return undefined;
  const expected = offset + received;
  if (nextOffset !== expected) {
    const how = nextOffset > expected ? `skip ${count(nextOffset - expected)} runs` : `read ${count(expected - nextOffset)} runs again (it would overlap)`;
    throw new ProtocolError(
      `${label} named offset ${nextOffset} as the next page after ${received} runs at offset ${offset}: following it would ${how}.`,
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
      throw new ProtocolError(`${this.label} answered a request for offset ${offset} with the page at offset ${page.offset}.`, `page offset ${page.offset}, asked ${offset}`);
    }
    if (!Number.isSafeInteger(page.total) || page.total < 0) {
      throw new ProtocolError(`${this.label} sent a total of ${page.total}, which is not a count of runs.`, `total ${page.total}`);
    }
    const ordinal = this.pageOffsets.length;
    if (ordinal === 0) this.pageSize = page.runs.length;
    else if (page.runs.length > this.pageSize) {
      throw new ProtocolError(
        `${this.label} sent a page of ${page.runs.length} runs at offset ${offset} after a first page of ${this.pageSize}: its pages cannot be followed.`,
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
        `${this.label} listed ${count(this.distinct)} different runs but counted only ${count(this.maxTotal)}: its pages do not end where its total says.`,
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
    const parts = [`${count(pages)} page${pages === 1 ? '' : 's'}`];
    const last = this.last;
    if (last) {
      const end =
        last.runs === 0
          ? 'was empty'
          : last.runs < this.pageSize
            ? `held ${count(last.runs)} runs, short of a full page of ${count(this.pageSize)}`
            : last.nextOffset === undefined
              ? `held ${count(last.runs)} runs and the API said it was the last`
              : `held ${count(last.runs)} runs`;
      parts.push(`the last, at offset ${count(last.offset)}, ${end}`);
    }
    if (this.duplicatesDropped > 0) parts.push(`${count(this.duplicatesDropped)} repeated at page boundaries and counted once`);
    return parts.join('; ');
  }

  private repeated(id: string, offset: number, firstOffset: number): ProtocolError {
    const shown = JSON.stringify(id.length > 100 ? `${id.slice(0, 100)}…` : id);
    const where = offset === firstOffset ? `twice on the page at offset ${offset}` : `again at offset ${offset} after it had already appeared at offset ${firstOffset}`;
    return new ProtocolError(
      `${this.label} listed run ${shown} ${where}. An API that repeats runs leaves others out, so this listing cannot be trusted; try again, and if it happens again its paging is broken.`,
      `repeated id ${shown} at offset ${offset}, first at offset ${firstOffset}`,
    );
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
