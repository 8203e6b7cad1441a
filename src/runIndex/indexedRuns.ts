// The run index as export, `list` and `show` read it (core's LocalRuns): a finished run is
// fetched once, ever; a listing comes from the index when it can be vouched for, and what the
// API gives is kept for next time.
//
// A listing is answered from the index alone (a request or two) only when it is exact, as an
// API export is:
//   1. the index covers the query's range: a complete sync listing started at or before the
//      query's start, and the range stays clear of the API's retention (where its total stops
//      counting the runs being forgotten, so a count could match by chance);
//   2. the sync is brought up to date first, when the range reaches past its last listing: new
//      runs since then (one request when nothing is new);
//   3. the runs of the range that the index holds as still going are re-checked: a listing per
//      such status says which still are, and only those that changed are fetched;
//   4. the index's count for the query equals the API's total for it (one request).
// Otherwise, for a range with no filter beyond time, the range is listed from the API (pages,
// no details), the index brought to match it (runs it no longer lists archived), and read from
// the index: exact, and the runs past retention can be exported with it. Anything else (a
// filter the index cannot apply, start times it cannot place) goes to the API, saying why.
import { NotFoundError } from '../core/errors';
import type { LocalListing, LocalListingOptions, LocalRuns } from '../core/localRuns';
import type { Run, RunDetail, RunQuery, RunStatus } from '../core/model';
import { pinQuery, runs, snapshot } from '../core/paging';
import { isActive } from '../core/runState';
import type { HistorySource } from '../core/source';
import type { RunIndex } from './runIndex';
import { DEFAULT_OVERLAP_MS, syncCoverage, syncSource, type SyncCoverage } from './sync';

export interface IndexedRunsOptions {
  readonly index: RunIndex;
  /** The source's key in the index (sourceKey in src/sources/kinds). */
  readonly sourceId: string;
  readonly source: HistorySource;
  /** Listings also yield the runs the API no longer has (archived), after its own. */
  readonly includeArchived?: boolean;
  /** Told why a listing went to the API instead of the index. */
  readonly onFallback?: (reason: string) => void;
  /** How long the API keeps runs (both APIs: 90 days). */
  readonly retentionDays?: number;
}

const STILL_GOING: readonly RunStatus[] = ['running', 'queued', 'delayed'];
const DETAIL_BATCH = 200;
/** Both vendors keep runs 90 days (shared/api). */
const API_RETENTION_DAYS = 90;

export function indexedRuns(options: IndexedRunsOptions): LocalRuns {
  const { index, sourceId, source } = options;
  const retentionDays = options.retentionDays ?? API_RETENTION_DAYS;

  const keepDetail = (detail: RunDetail): void => {
    if (isActive(detail.status)) index.upsertRuns(sourceId, [summaryOf(detail)]);
    else index.putDetail(sourceId, detail);
  };

  // Details an export fetched, written a batch per transaction: one each would cost a sync of
  // the disk per run (an export of 600 runs' steps spent 13 s there).
  let pending: RunDetail[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    if (batch.length > 0) index.batch(() => batch.forEach(keepDetail));
  };

  const fallback = (reason: string): undefined => {
    options.onFallback?.(reason);
    return undefined;
  };

  const listing = async (query: RunQuery, pinnedAt: Date, listingOptions: LocalListingOptions): Promise<LocalListing | undefined> => {
    // The integration column is filled only where a listing names a run's integration.
    if (query.integration !== undefined) return fallback('the index cannot filter by integration yet');
    const unplaced = index.unplacedStarts(sourceId);
    if (unplaced > 0) return fallback(`the index holds ${unplaced.toLocaleString('en-US')} runs whose start time did not parse, and cannot say which are in the range`);
    const pinned = pinQuery(query, pinnedAt);
    const coverage = syncCoverage(index, sourceId);
    const covered = coverage !== undefined && (coverage.from === 'all' || (query.startedAfter !== undefined && query.startedAfter >= coverage.from));
    // Near the API's retention its total stops counting the runs it is forgetting: a count that
    // matches could be one run forgotten and one arrived late. There, only a listing tells.
    const nearRetention = (query.startedAfter?.getTime() ?? -Infinity) < pinnedAt.getTime() - (retentionDays - 1) * 86_400_000;
    if (covered && !nearRetention) {
      const counted = await countedListing(pinned, coverage, listingOptions);
      if (counted) return counted;
    }
    // One listing of the range from the API says exactly which runs it has: kept, and the
    // index's runs of the range it did not list are archived (the API no longer has them).
    // With a filter beyond time, a run not listed may only be outside the filter: no archiving.
    const onlyTime = query.status === undefined && query.userId === undefined && query.workflowId === undefined;
    if (!onlyTime) {
      return fallback(
        !coverage
          ? 'the source has not been synced into the index'
          : !covered
            ? `the index holds this source's runs from ${coverage.from === 'all' ? 'its first' : coverage.from.toISOString()} on, and the filter reaches further back`
            : nearRetention
              ? "the range reaches the API's retention, where only a listing can say which runs it still has"
              : 'the index does not hold exactly what the API counts for this filter',
      );
    }
    return reconciled(pinned, pinnedAt, listingOptions);
  };

  /** Steps 2 to 4 of the module's comment: the index answers, or undefined (and says why). */
  const countedListing = async (pinned: RunQuery, coverage: SyncCoverage, listingOptions: LocalListingOptions): Promise<LocalListing | undefined> => {
    const { signal } = listingOptions;
    // 2. Up to date: new runs since the last sync, unless the range ended before it (less the
    // window in which late runs may still appear): a month past costs no listing.
    if (pinned.startedBefore!.getTime() > coverage.to.getTime() - DEFAULT_OVERLAP_MS) {
      await syncSource({ sourceId, source, index, since: coverage.from, details: 'none', recheck: false, failingOutputs: false, budgetShare: 1, signal });
    }
    // 3. What the export says of a run still going is what the API says now.
    for (const status of STILL_GOING) {
      if (pinned.status !== undefined && pinned.status !== status) continue;
      await recheck({ ...pinned, status }, signal);
    }
    // 4. The count, against the API's.
    const held = index.count(sourceId, pinned, 'exclude');
    const { total } = await source.listPage(pinned, 0, { signal, order: listingOptions.order });
    if (held !== total) {
      options.onFallback?.(`the index holds ${held.toLocaleString('en-US')} runs for this filter and the API counts ${total.toLocaleString('en-US')}`);
      return undefined;
    }
    return fromIndex(pinned, total, listingOptions);
  };

  /** The range listed from the API (exact: pinned, de-duplicated, counted), the index brought to match it, then read from the index. */
  const reconciled = async (pinned: RunQuery, pinnedAt: Date, listingOptions: LocalListingOptions): Promise<LocalListing | undefined> => {
    const listed = new Set<string>();
    let batch: Run[] = [];
    for await (const run of snapshot(source, pinned, { signal: listingOptions.signal, pinnedAt, concurrency: 4 })) {
      listed.add(run.id);
      batch.push(run);
      if (batch.length >= 500) {
        index.upsertRuns(sourceId, batch);
        batch = [];
      }
    }
    index.upsertRuns(sourceId, batch);
    const gone = [...index.scan(sourceId, pinned, { order: 'asc', archived: 'exclude' })].filter((run) => !listed.has(run.id));
    index.batch(() => gone.forEach((run) => index.markArchived(sourceId, run.id)));
    const held = index.count(sourceId, pinned, 'exclude');
    if (held !== listed.size) {
      options.onFallback?.(`the index holds ${held.toLocaleString('en-US')} runs for this range where the API listed ${listed.size.toLocaleString('en-US')}`);
      return undefined;
    }
    return fromIndex(pinned, listed.size, listingOptions);
  };

  const fromIndex = (pinned: RunQuery, total: number, listingOptions: LocalListingOptions): LocalListing => {
    const archived = options.includeArchived ? index.count(sourceId, pinned, 'only') : 0;
    return {
      total: total + archived,
      archived,
      runs: async function* () {
        yield* index.scan(sourceId, pinned, { order: listingOptions.order, archived: options.includeArchived ? 'include' : 'exclude' });
      },
    };
  };

  /**
   * The index's runs of one still-going status in the range, brought up to date. Where the API
   * filters by that status, one listing (a page, usually) says which still are: only the
   * others, which have changed, are fetched. Elsewhere each is fetched.
   */
  const recheck = async (query: RunQuery & { readonly status: RunStatus }, signal?: AbortSignal): Promise<void> => {
    const held = [...index.scan(sourceId, query, { order: 'asc', archived: 'exclude' })];
    if (held.length === 0) return;
    let still = new Set<string>();
    if (source.capabilities.filterStatuses.includes(query.status)) {
      const listed = await collectRuns(runs(source, query, { signal }));
      index.upsertRuns(sourceId, listed);
      still = new Set(listed.map((run) => run.id));
    }
    for (const run of held) {
      if (still.has(run.id)) continue;
      signal?.throwIfAborted();
      try {
        keepDetail(await source.getRun(run.id, signal));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        index.markArchived(sourceId, run.id);
      }
    }
  };

  const detail = async (runId: string, signal?: AbortSignal): Promise<RunDetail> => {
    const held = index.detail(sourceId, runId);
    if (held && !isActive(held.status)) return held;
    try {
      const fetched = await source.getRun(runId, signal);
      pending.push(fetched);
      if (pending.length >= DETAIL_BATCH) flush();
      return fetched;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Past the API's retention: what the index has, marked archived (its steps, if they were ever fetched).
      const kept = index.get(sourceId, runId);
      if (!kept) throw error;
      index.markArchived(sourceId, runId);
      return { ...kept.run, steps: kept.steps ?? [], archived: true };
    }
  };

  return { listing, detail, keep: (runs) => void index.upsertRuns(sourceId, runs), flush };
}

async function collectRuns(listing: AsyncIterable<Run>): Promise<Run[]> {
  const out: Run[] = [];
  for await (const run of listing) out.push(run);
  return out;
}

function summaryOf(run: RunDetail): Run {
  const { steps: _steps, archived: _archived, offline: _offline, ...summary } = run;
  return summary;
}
