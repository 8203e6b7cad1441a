// Sync: brings a source's runs into the index, incrementally and resumably, within a share
// of its request budget.
//   1. New runs since the last sync (minus an overlap window for runs that arrive late),
//      through the exact snapshot listing (pinned, de-duplicated, count checked against the
//      API's total). Written in batches, each in one transaction with the sync's checkpoint,
//      so a killed sync resumes where its last batch landed: no duplicates (runs are keyed),
//      no gaps (the checkpoint only ever covers a prefix stored whole, in start order).
//   1c. Paragon's integrations, when configured: a run names its integration only in a listing
//      filtered by it, so the range just listed is listed again once per integration and the
//      runs tagged. Only that range (and a backfilled one), and none of it when every run there
//      is tagged already: a second sync with nothing new costs at most k+1 requests (k
//      integrations), usually one. Ranges listed but not tagged yet are kept in the sync state,
//      so a stopped sync (or one run without the integrations) leaves none untagged for good.
//   2. Runs that may still change are re-checked until they end.
//   3. Steps of finished runs not stored yet — failed runs (with their failing step's output)
//      or all runs, as asked — fetched once, ever. A run the API no longer has is archived.
// Cancellable at any point (what landed stays), with progress and time left.
import * as l10n from '@vscode/l10n';
import { NotFoundError, UnsupportedError } from '../core/errors';
import type { Run, RunDetail, RunQuery, RunStatus } from '../core/model';
import { isActive } from '../core/runState';
import { snapshot } from '../core/paging';
import type { HistorySource } from '../core/source';
import { firstFailedStep } from '../core/stepGraph';
import { budgetedSource, DEFAULT_SYNC_BUDGET_SHARE } from './budgetedSource';
import type { RunIndex } from './runIndex';

export const DEFAULT_SYNC_DAYS = 30;
export const DEFAULT_OVERLAP_MS = 10 * 60_000;
const BATCH = 500;
const DETAIL_BATCH = 50;
const DETAIL_BATCH_MS = 2_000;

/** Which runs get their steps stored: failed ones (what users debug), all (what insights need), or none. */
export type DetailPolicy = 'failed' | 'all' | 'none';

export interface SyncOptions {
  readonly sourceId: string;
  readonly source: HistorySource;
  readonly index: RunIndex;
  /**
   * How far back the index goes: a date, or 'all' that the API has. A first sync starts there
   * (default: 30 days back); a later one given an earlier date lists the older runs too.
   */
  readonly since?: Date | 'all';
  readonly overlapMs?: number;
  readonly details?: DetailPolicy;
  /** Re-check the runs that may still change (default true). An export through the index passes false: it re-checks those of its own range. */
  readonly recheck?: boolean;
  /** Store a failed run's failing step output (one more request per failed run, where the API gives payloads). */
  readonly failingOutputs?: boolean;
  /**
   * Paragon: the integrations runs belong to (the source's configuration, as the tree groups
   * by). A run record has no integration field, so each run listed is tagged by listing its
   * range once per integration. A source that cannot filter by integration refuses them.
   */
  readonly integrations?: readonly string[];
  /** The share of the source's request budget sync may use (default half). */
  readonly budgetShare?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  readonly now?: () => Date;
}

export interface SyncProgress {
  /**
   * Listing new runs, listing older runs (further back than the index went), tagging runs with
   * their integration (`done` and `total` count listings: ranges times integrations),
   * re-checking runs still going, fetching steps.
   */
  readonly phase: 'listing' | 'backfilling' | 'tagging' | 'rechecking' | 'details';
  readonly done: number;
  /** What the phase has to do in all, once known. */
  readonly total?: number;
  readonly requests: number;
  /**
   * About how long the phase still takes, once it can be told: the larger of the pace seen so
   * far in the phase and the floor the request budget sets (the requests left at the share's
   * rate, past what the window has room for now).
   */
  readonly remainingMs?: number;
}

/**
 * Time left in a phase: the pace so far (elapsed per unit done) times the units left, but
 * never under `floorMs`, what the request budget allows at best. Undefined until either
 * says something (nothing done yet and no budget to go by).
 */
export function estimateRemainingMs(done: number, total: number | undefined, elapsedMs: number, floorMs: number): number | undefined {
  if (total === undefined) return undefined;
  const left = Math.max(0, total - done);
  if (left === 0) return 0;
  const observed = done > 0 ? (elapsedMs / done) * left : undefined;
  if (observed === undefined && floorMs <= 0) return undefined;
  return Math.round(Math.max(observed ?? 0, floorMs));
}

export interface SyncReport {
  /** Runs the listing of new runs gave, and of all listed those new or changed in the index. */
  readonly listed: number;
  /** Runs the listing of older runs gave (a sync asked to go further back than the index did). */
  readonly backfilled: number;
  readonly newOrChanged: number;
  readonly rechecked: number;
  readonly details: number;
  readonly archived: number;
  readonly requests: number;
  /** Runs the listings filtered by integration gave (Paragon, with `integrations`): each is stored with its integration. */
  readonly tagged: number;
  /**
   * Runs of the ranges tagged that no configured integration listed: the per-integration
   * listings added up to fewer than the range holds, so they belong to integrations not
   * configured. A count, not an error.
   */
  readonly untagged: number;
  /** Runs listed under two integrations (it should not happen): the first one is kept. */
  readonly doubleTagged: number;
  /** Where the listing started: the last sync's checkpoint minus the overlap, or the first sync's start. */
  readonly from?: string;
}

/**
 * Where a source's sync stands, kept in the index (JSON). Instants are ISO strings; 'all' is
 * "from the oldest run the API had". A state written before `from` existed has only
 * `complete` and `partial`: its coverage is unknown until a backfill completes.
 */
interface SyncState {
  /** The pin of the last complete listing of new runs: every run the API had that started in [from, complete) is in. */
  readonly complete?: string;
  /** Progress of a listing of new runs that did not finish: every run that started before this (and after where it started) is in. */
  readonly partial?: string;
  /** Where the covered range starts: where the first complete listing started, moved back by each completed backfill. */
  readonly from?: string;
  /** Where the first listing started, kept while it is not complete yet (it becomes `from`). */
  readonly start?: string;
  /** A listing of older runs, [since, until), under way: `until` is where the covered range started when it began. */
  readonly backfill?: { readonly since: string; readonly until: string; readonly partial?: string };
  /**
   * Integration tags (Paragon): the integrations the covered range was tagged with (sorted),
   * and the ranges listed since that are not tagged yet. Absent until a sync is given integrations.
   */
  readonly tags?: { readonly integrations: readonly string[]; readonly pending: readonly TagRange[] };
}

/** [from, to) as the state keeps it; no `from`: from the oldest run the API had. */
interface TagRange {
  readonly from?: string;
  readonly to: string;
}

/** Ranges sorted and merged where they overlap or touch. */
export function mergeRanges(ranges: readonly TagRange[]): TagRange[] {
  const start = (r: TagRange) => (r.from === undefined ? -Infinity : Date.parse(r.from));
  const sorted = [...ranges].sort((a, b) => start(a) - start(b));
  const merged: TagRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && start(range) <= Date.parse(last.to)) {
      if (Date.parse(range.to) > Date.parse(last.to)) merged[merged.length - 1] = { ...last, to: range.to };
    } else merged.push(range);
  }
  return merged.map((r) => (r.from === undefined ? { to: r.to } : r));
}

/** The range the index is complete for, as the sync state says. */
export interface SyncCoverage {
  /** Where it starts: an instant, or 'all' (the oldest run the API had). */
  readonly from: Date | 'all';
  /** The pin of the last complete listing. */
  readonly to: Date;
}

/**
 * The range the index is complete for: every run the API had that started in [from, to) was
 * listed into the index by a complete listing. Undefined before a first complete listing,
 * and for a state written before coverage was recorded (until a backfill completes).
 */
export function syncCoverage(index: RunIndex, sourceId: string): SyncCoverage | undefined {
  const state = index.syncState<SyncState>(sourceId);
  if (!state?.complete || state.from === undefined) return undefined;
  return { from: state.from === 'all' ? 'all' : new Date(state.from), to: new Date(state.complete) };
}

/** `since` as the state keeps it. */
const sinceText = (since: Date | 'all'): string => (since === 'all' ? 'all' : since.toISOString());

/** Whether `a` reaches further back than `b` (both as the state keeps them). */
const earlier = (a: string, b: string): boolean => a !== b && (a === 'all' || (b !== 'all' && Date.parse(a) < Date.parse(b)));

/** The state without the keys set to undefined (JSON would drop them; equality in tests should not see them). */
function clean(state: SyncState): SyncState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as SyncState;
}

export async function syncSource(options: SyncOptions): Promise<SyncReport> {
  const { sourceId, index, signal } = options;
  const now = options.now ?? (() => new Date());
  const budgeted = budgetedSource(options.source, options.budgetShare ?? DEFAULT_SYNC_BUDGET_SHARE);
  const source = budgeted.source;
  const clock = () => performance.now();
  // Each phase's pace is its own: a page of 100 runs and a run's detail cost one request each.
  let phaseStarted = clock();
  const begin = () => (phaseStarted = clock());
  // `perUnit`: requests one unit of the phase costs (a run rechecked: 1; a run listed: 1/pageSize).
  const progress = (phase: SyncProgress['phase'], done: number, total: number | undefined, perUnit: number) => {
    if (!options.onProgress) return;
    const left = total === undefined ? 0 : Math.ceil(Math.max(0, total - done) * perUnit);
    const remainingMs = estimateRemainingMs(done, total, clock() - phaseStarted, budgeted.lowerBoundMs(left));
    options.onProgress({ phase, done, total, requests: budgeted.requests(), remainingMs });
  };
  const perPage = 1 / Math.max(1, options.source.capabilities.pageSize);
  const overlap = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  let state: SyncState = index.syncState<SyncState>(sourceId) ?? {};
  const save = (next: SyncState) => {
    state = clean(next);
    index.setSyncState(sourceId, state);
  };
  let newOrChanged = 0;

  // Integrations (Paragon): which, and the ranges still to tag. A new set of integrations tags
  // the whole covered range again (runs of an integration just added are in it untagged).
  const integrations = [...new Set((options.integrations ?? []).map((name) => name.trim()).filter((name) => name.length > 0))];
  if (integrations.length > 0 && !options.source.capabilities.filterByIntegration) {
    throw new UnsupportedError(
      l10n.t('{0} cannot list runs by integration: leave its integrations out of the sync.', options.source.label),
      'integrations given to a source without an integration filter',
    );
  }
  const configured = [...integrations].sort();
  if (configured.length > 0 && (state.tags === undefined || state.tags.integrations.join('\n') !== configured.join('\n'))) {
    const covered: TagRange[] = state.complete && state.from !== undefined ? [{ from: state.from === 'all' ? undefined : state.from, to: state.complete }] : [];
    save({ ...state, tags: { integrations: configured, pending: mergeRanges([...(state.tags?.pending ?? []), ...covered]) } });
  }
  /** A range about to be listed is to be tagged once listed (kept even by a sync without integrations, once tags exist). */
  const toTag = (range: TagRange) => {
    if (state.tags) save({ ...state, tags: { ...state.tags, pending: mergeRanges([...state.tags.pending, range]) } });
  };

  /**
   * Lists [after, pin) into the index in batches, each written in one transaction with the
   * state `checkpoint` gives for it: the start of the last run stored when runs have come in
   * start order so far (every run before it is in), else undefined. `done` gives the state
   * written with the last batch.
   */
  const listInto = async (
    phase: 'listing' | 'backfilling',
    query: RunQuery,
    pinnedAt: Date,
    checkpoint: (partial: string | undefined) => SyncState,
    done: () => SyncState,
  ): Promise<number> => {
    let listed = 0;
    let total: number | undefined;
    let batch: Run[] = [];
    // The checkpoint may advance only for a source that declares it lists oldest first, and
    // only while the runs bear that out (a source that cannot sort counts when its listing completes).
    let ordered = source.capabilities.listsOldestFirst === true;
    let latest = -Infinity;
    const flush = (final: boolean) => {
      const runs = batch;
      batch = [];
      index.batch(() => {
        newOrChanged += index.upsertRuns(sourceId, runs);
        save(final ? done() : checkpoint(ordered && Number.isFinite(latest) ? new Date(latest).toISOString() : undefined));
      });
    };
    begin();
    const listing = snapshot(source, query, { signal, pinnedAt, concurrency: 2, onTotal: (n) => progress(phase, 0, (total = n), perPage) });
    for await (const run of listing) {
      const started = Date.parse(run.startedAt ?? '');
      if (Number.isNaN(started) || started < latest) ordered = false;
      else latest = started;
      batch.push(run);
      listed++;
      if (batch.length >= BATCH) {
        flush(false);
        progress(phase, listed, total, perPage);
      }
    }
    flush(true);
    progress(phase, listed, listed, perPage);
    return listed;
  };

  // 1. New runs: from the last checkpoint (minus the overlap), or, the first time, from `since`.
  const since = options.since ?? new Date(now().getTime() - DEFAULT_SYNC_DAYS * 86_400_000);
  const mark = state.partial ?? state.complete;
  const from = mark ? new Date(Date.parse(mark) - overlap) : since === 'all' ? undefined : since;
  // The first listing's start becomes where the covered range starts, once that listing completes.
  // Without a checkpoint, an earlier first listing left nothing this one builds on (a source that
  // cannot sort saves none partway): the range starts where this listing starts.
  const start = state.complete ? undefined : mark ? state.start : sinceText(since);
  const pinnedAt = now();
  toTag({ from: from?.toISOString(), to: pinnedAt.toISOString() });
  const listed = await listInto(
    'listing',
    from ? { startedAfter: from } : {},
    pinnedAt,
    (partial) => ({ ...state, start, partial: partial ?? state.partial }),
    () => ({ ...state, start: undefined, partial: undefined, complete: pinnedAt.toISOString(), from: state.from ?? start }),
  );

  // 1b. Older runs, when asked to go further back than the covered range starts: [since,
  // where it starts), resumable like the listing of new runs; the range grows only when this
  // listing completes. A state from before coverage was kept starts its range where this
  // sync's listing started.
  let backfilled = 0;
  const until = state.from ?? state.backfill?.until ?? (from ? from.toISOString() : 'all');
  if (options.since !== undefined && earlier(sinceText(options.since), until)) {
    const wanted = sinceText(options.since);
    const resume = state.backfill?.since === wanted && state.backfill.until === until ? state.backfill.partial : undefined;
    const after = resume ? new Date(Date.parse(resume) - overlap) : options.since === 'all' ? undefined : options.since;
    const job = { since: wanted, until };
    save({ ...state, backfill: { ...job, partial: resume } });
    const backfillPin = now();
    toTag({ from: after?.toISOString(), to: until === 'all' ? backfillPin.toISOString() : until });
    backfilled = await listInto(
      'backfilling',
      { startedAfter: after, startedBefore: until === 'all' ? undefined : new Date(until) },
      backfillPin,
      (partial) => ({ ...state, backfill: { ...job, partial: partial ?? resume } }),
      () => ({ ...state, backfill: undefined, from: wanted }),
    );
  }

  // 1c. Integration tags (Paragon): each range listed and not tagged yet, listed again once per
  // integration through the same snapshot listing. A range whose runs are all tagged already
  // (a second sync's overlap window) costs nothing.
  let tagged = 0;
  let untagged = 0;
  let doubleTagged = 0;
  if (integrations.length > 0 && state.tags) {
    const rangeQuery = (range: TagRange): RunQuery => ({ startedAfter: range.from === undefined ? undefined : new Date(range.from), startedBefore: new Date(range.to) });
    /** Runs of the range the index holds (the API still has them) that name no integration. */
    const lacking = (range: TagRange, stopAtFirst: boolean): number => {
      let n = 0;
      for (const run of index.scan(sourceId, rangeQuery(range), { order: 'asc', archived: 'exclude' })) {
        if (run.integration !== undefined) continue;
        n++;
        if (stopAtFirst) break;
      }
      return n;
    };
    const ranges = mergeRanges(state.tags.pending);
    const work = ranges.filter((range) => lacking(range, true) > 0);
    const listings = work.length * integrations.length;
    /** The runs tagged in this sync (the first integration a run is listed under wins). */
    const seen = new Set<string>();
    let done = 0;
    begin();
    if (listings > 0) progress('tagging', 0, listings, 1);
    for (const range of ranges) {
      if (work.includes(range)) {
        for (const integration of integrations) {
          let batch: Run[] = [];
          const flush = () => {
            const runs = batch;
            batch = [];
            // A tag is not a new or changed run: the report counts them apart.
            if (runs.length > 0) index.upsertRuns(sourceId, runs);
          };
          const listing = snapshot(source, { ...rangeQuery(range), integration }, { signal, pinnedAt: new Date(range.to), concurrency: 2 });
          for await (const run of listing) {
            // Listed under an earlier integration too (should not happen): the first one stays.
            if (seen.has(run.id)) {
              doubleTagged++;
              continue;
            }
            seen.add(run.id);
            // The filter is what names it (Paragon's client tags what it lists under one already).
            batch.push({ ...run, integration });
            tagged++;
            if (batch.length >= BATCH) flush();
          }
          flush();
          progress('tagging', ++done, listings, 1);
        }
        // What no configured integration listed belongs to another one.
        untagged += lacking(range, false);
      }
      // Done with: the next sync starts after it (a stopped one tags the rest).
      save({ ...state, tags: { integrations: configured, pending: ranges.slice(ranges.indexOf(range) + 1) } });
    }
  }

  // 2. Runs that may still change.
  // Those a listing just saw are not due: a run is re-checked less often the longer it runs.
  const policy = options.details ?? 'failed';
  const statuses: readonly RunStatus[] = policy === 'failed' ? ['failed'] : policy === 'all' ? ['succeeded', 'failed', 'cancelled', 'unknown'] : [];
  const wants = (status: RunStatus) => statuses.includes(status);
  /** A failed run's failing step's output, where the API gives payloads and it is asked for (one request). */
  const failingOutputOf = async (detail: RunDetail): Promise<{ stepId: string; output: unknown } | undefined> => {
    const failed = detail.status === 'failed' ? firstFailedStep(detail.steps) : undefined;
    if (!failed || options.failingOutputs === false || !source.capabilities.stepPayloads || !source.getStepPayload) return undefined;
    try {
      return { stepId: failed.id, output: (await source.getStepPayload(detail.id, failed.id, signal)).output };
    } catch (error) {
      // The run is there; only its step's payload is not: keep the run's steps without it.
      if (!(error instanceof NotFoundError)) throw error;
      return undefined;
    }
  };
  let details = 0;
  const active = options.recheck === false ? [] : index.activeRunIds(sourceId, now());
  let rechecked = 0;
  let archived = 0;
  begin();
  if (active.length > 0) progress('rechecking', 0, active.length, 1);
  for (const runId of active) {
    signal?.throwIfAborted();
    try {
      const detail = await source.getRun(runId, signal);
      // One that has ended came with its steps: kept now, so step 3 does not fetch it again.
      if (!isActive(detail.status) && wants(detail.status)) {
        index.putDetail(sourceId, detail, await failingOutputOf(detail));
        details++;
      } else {
        index.upsertRuns(sourceId, [stripSteps(detail)]);
      }
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      if (index.markArchived(sourceId, runId)) archived++;
    }
    progress('rechecking', ++rechecked, active.length, 1);
  }

  // 3. Steps of finished runs, fetched once.
  const wanted = statuses.length === 0 ? [] : index.runsWithoutDetail(sourceId, { statuses });
  let fetched = 0;
  let gone = 0;
  // A failed run's failing output is one more request (most runs wanted under 'failed' are failed).
  const perDetail = policy === 'failed' && options.failingOutputs !== false && source.capabilities.stepPayloads ? 2 : 1;
  begin();
  if (wanted.length > 0) progress('details', 0, wanted.length, perDetail);
  // Written a batch per transaction (50 runs, or what 2 s brought): one commit per run cost a
  // sync of the disk each, about 40 runs a second when the API is not the limit. Whatever was
  // fetched is written when the sync stops, cancelled or failed: a kill loses the batch in flight.
  let pending: { detail: RunDetail; failing?: { stepId: string; output: unknown } }[] = [];
  let pendingSince = 0;
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length > 0) index.batch(() => batch.forEach(({ detail, failing }) => index.putDetail(sourceId, detail, failing)));
  };
  try {
    for (const runId of wanted) {
      signal?.throwIfAborted();
      try {
        const detail = await source.getRun(runId, signal);
        const failing = await failingOutputOf(detail);
        if (pending.length === 0) pendingSince = Date.now();
        pending.push({ detail, failing });
        if (pending.length >= DETAIL_BATCH || Date.now() - pendingSince >= DETAIL_BATCH_MS) flush();
        fetched++;
        details++;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        if (index.markArchived(sourceId, runId)) archived++;
        gone++;
      }
      progress('details', fetched + gone, wanted.length, perDetail);
    }
  } finally {
    flush();
  }
  return {
    listed,
    backfilled,
    newOrChanged,
    tagged,
    untagged,
    doubleTagged,
    rechecked,
    details,
    archived,
    requests: budgeted.requests(),
    from: from?.toISOString(),
  };
}

function stripSteps(run: Run & { steps?: unknown }): Run {
  const { steps: _steps, ...summary } = run;
  return summary;
}
