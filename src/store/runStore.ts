// The run store: the one place the extension's views read runs from. It holds, per source,
// the listings the views page through (one per query, shared), run details (steps), and
// step payloads; loads them through the source clients, joins concurrent loads of the same
// run, and announces what changed: per run (a live poll, a reload, a count saw a newer state)
// and per listing (a page arrived, a listing was reset). The tree, the run panel, live
// refresh, the failure count and replay's follow-up all go through it, so a run seen
// anywhere is shown in its newest state everywhere. Plain TypeScript (no `vscode`): the CLI
// and the MCP server can stand on it, and it is tested in plain Node.
import * as l10n from '@vscode/l10n';
import { CancelledError, NetworkError, NotFoundError, TimeoutError } from '../core/errors';
import type { Run, RunDetail, RunPage, RunQuery, Step, StepPayload } from '../core/model';
import { PayloadCache } from '../core/payloadCache';
import { isActive } from '../core/runState';
import type { HistorySource } from '../core/source';
import { Emitter, type Disposable, type Event } from './emitter';
import { RunListing, type ListingEvent } from './runListing';

/** A run reached a new state (status, end, duration, or its steps). */
export interface RunChange {
  readonly sourceId: string;
  readonly run: Run;
  /** The run with its steps, when the change came with them. */
  readonly detail?: RunDetail;
}

export interface ListingChange {
  readonly sourceId: string;
  readonly listing: RunListing;
  readonly what: ListingEvent;
}

/**
 * What the store needs of the run index (src/runIndex/RunIndex satisfies it): finished runs
 * it has stored are served without a request, runs the store loads are written to it, and a
 * run the API no longer has — or cannot be reached for — opens from it.
 */
export interface RunArchive {
  /** The run with its steps, if stored. */
  detail(sourceId: string, runId: string): RunDetail | undefined;
  putDetail(sourceId: string, detail: RunDetail): void;
  markArchived(sourceId: string, runId: string): boolean;
  /** The output of a failed run's failing step, when it was stored (sync stores it): shown when the API cannot give it. */
  failingOutput?(sourceId: string, runId: string, stepId: string): { readonly output: unknown } | undefined;
}

export interface RunStoreOptions {
  /** The run index: read through, written through. */
  readonly archive?: RunArchive;
  /** Run details kept beyond those retained by an open view (least recently used go first). */
  readonly maxDetails?: number;
  /** Listings kept per source beyond the newest (older ones are dropped when more are asked for). */
  readonly maxListingsPerSource?: number;
  readonly payloads?: PayloadCache;
}

export interface LoadOptions {
  readonly signal?: AbortSignal;
  /** Ask the API even if the store has the run (a reload, a live poll). */
  readonly fresh?: boolean;
}

const runKey = (sourceId: string, runId: string) => JSON.stringify([sourceId, runId]);

/** The same query always gives the same key (dates as instants, keys in one order). */
export function queryKey(query: RunQuery): string {
  const entries = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/**
 * What a view compares to know whether a run changed: its life-cycle fields and its steps'
 * states. A duration counts only once its run or step has ended: Paragon reports a running
 * run's duration so far, which grows with every read and is no news.
 */
function fingerprint(run: Run | RunDetail): string {
  const duration = (item: { status: Run['status']; durationMs?: number; durationText?: string }) =>
    isActive(item.status) ? '' : `${item.durationMs ?? ''}|${item.durationText ?? ''}`;
  const steps = 'steps' in run ? run.steps.map((s) => [s.id, s.status, s.rawStatus, s.endedAt ?? '', duration(s)]) : null;
  return JSON.stringify([run.status, run.rawStatus, run.endedAt ?? '', duration(run), steps]);
}

/** A run's own state, without its steps: what a listing row and a detail can be compared by. */
function stateOf(run: Run | RunDetail): string {
  return fingerprint('steps' in run ? summaryOf(run) : run);
}

/** The summary part of a detail: the run without its steps. */
function summaryOf(detail: RunDetail): Run {
  const { steps: _steps, ...run } = detail;
  return run;
}

export class RunStore implements Disposable {
  private readonly listings = new Map<string, Map<string, RunListing>>();
  /** Details in least-recently-used order (Map order). */
  private readonly details = new Map<string, RunDetail>();
  private readonly loads = new Map<string, Promise<RunDetail>>();
  private readonly retained = new Map<string, number>();
  private readonly maxDetails: number;
  private readonly maxListingsPerSource: number;
  private archive: RunArchive | undefined;
  readonly payloads: PayloadCache;
  private readonly runChanged = new Emitter<RunChange>();
  private readonly listingChanged = new Emitter<ListingChange>();
  readonly onDidChangeRun: Event<RunChange> = this.runChanged.event;
  readonly onDidChangeListing: Event<ListingChange> = this.listingChanged.event;

  constructor(
    /** The client of a configured source, looked up on every use (settings may rebuild them). */
    private readonly sourceOf: (sourceId: string) => HistorySource | undefined,
    options: RunStoreOptions = {},
  ) {
    this.maxDetails = options.maxDetails ?? 200;
    this.maxListingsPerSource = options.maxListingsPerSource ?? 256;
    this.payloads = options.payloads ?? new PayloadCache();
    this.archive = options.archive;
  }

  /** Reads and writes through the run index from now on (it opens after activation: its engine compiles then). */
  attachArchive(archive: RunArchive | undefined): void {
    this.archive = archive;
  }

  /** The client of a source, or an error that says what to do. */
  source(sourceId: string): HistorySource {
    const source = this.sourceOf(sourceId);
    if (!source) throw new Error(l10n.t('The source "{0}" is not configured (any more). Add it again (or open the demo), then reopen the run.', sourceId));
    return source;
  }

  /** The listing of `query` for a source: the same object for the same query until invalidated. */
  listing(sourceId: string, query: RunQuery): RunListing {
    const source = this.source(sourceId);
    let bySource = this.listings.get(sourceId);
    if (!bySource) this.listings.set(sourceId, (bySource = new Map()));
    const key = queryKey(query);
    const existing = bySource.get(key);
    // A listing built on a client that has since been replaced (settings changed) starts again.
    if (existing && existing.client === source) {
      // Least recently used last: the listings a view keeps asking for are never the ones dropped.
      bySource.delete(key);
      bySource.set(key, existing);
      return existing;
    }
    const listing = new RunListing(source, sourceId, query, { changed: (l, what, page) => this.onListing(l, what, page) });
    bySource.set(key, listing);
    // Past the cap (far more than a tree shows: 256 groups) the least recently asked for goes;
    // whoever still holds it pages a listing the store no longer patches, until it asks again.
    while (bySource.size > this.maxListingsPerSource) bySource.delete(bySource.keys().next().value!);
    return listing;
  }

  /** The newest state the store knows of a run (its detail, else a listing's row). */
  summary(sourceId: string, runId: string): Run | undefined {
    const detail = this.details.get(runKey(sourceId, runId));
    if (detail) return this.withListed(sourceId, summaryOf(detail));
    for (const listing of this.listings.get(sourceId)?.values() ?? []) {
      const run = listing.get(runId);
      if (run) return run;
    }
    return undefined;
  }

  /** The run's detail if the store has it (no request). */
  detail(sourceId: string, runId: string): RunDetail | undefined {
    return this.details.get(runKey(sourceId, runId));
  }

  /**
   * The run with its steps: from the store, else from the API (concurrent loads of one run
   * share one request; `fresh` asks the API even when the store has it). A caller's signal
   * ends only its own wait.
   */
  getRun(sourceId: string, runId: string, options: LoadOptions = {}): Promise<RunDetail> {
    if (options.signal?.aborted) return Promise.reject(new CancelledError('cancelled before the load started'));
    const key = runKey(sourceId, runId);
    const cached = this.details.get(key);
    // A run that may still change is served from the store only while something keeps it
    // current (live refresh polls runs in listings and runs an open view retains).
    if (cached && !options.fresh && (!isActive(cached.status) || this.isWatched(sourceId, runId))) {
      this.touch(key, cached);
      return Promise.resolve(cached);
    }
    // A finished run the index stored never changes: no request.
    const stored = options.fresh ? undefined : this.stored(sourceId, runId);
    if (stored && !isActive(stored.status)) {
      this.put(sourceId, stored, false);
      return Promise.resolve(this.details.get(key) ?? stored);
    }
    let load = this.loads.get(key);
    if (!load) {
      let source: HistorySource;
      try {
        source = this.source(sourceId);
      } catch (error) {
        return Promise.reject(error);
      }
      const started = source.getRun(runId).then(
        (detail) => this.put(sourceId, detail),
        (error: unknown) => this.fromArchive(sourceId, runId, error),
      );
      load = started.finally(() => {
        if (this.loads.get(key) === load) this.loads.delete(key);
      });
      this.loads.set(key, load);
    }
    return abortable(load, options.signal);
  }

  /**
   * A run's detail from elsewhere (a loaded run, a poll): kept, and announced if it changed.
   * Answers the detail the store now holds: a detail read before the store learnt that the
   * run ended (a slow poll landing after a page that listed it finished) is older news and is
   * neither kept nor announced — a finished run never runs again.
   */
  put(sourceId: string, detail: RunDetail, archive = true): RunDetail {
    const key = runKey(sourceId, detail.id);
    const held = this.details.get(key);
    const before = held ?? this.summary(sourceId, detail.id);
    if (before && !isActive(before.status) && isActive(detail.status)) return held ?? detail;
    // Finished runs go to the index as they are seen (fetched once, ever).
    if (archive && this.archive && !isActive(detail.status) && !detail.archived) this.writeArchive(() => this.archive!.putDetail(sourceId, detail));
    this.touch(key, detail);
    this.evict();
    this.patchListings(sourceId, summaryOf(detail));
    // Against a listing row (no steps) only the run's own state can differ: a first load of a listed run is no news.
    const changed = !before || (held ? fingerprint(held) !== fingerprint(detail) : stateOf(before) !== stateOf(detail));
    if (changed) this.runChanged.fire({ sourceId, run: this.withListed(sourceId, summaryOf(detail)), detail });
    return detail;
  }

  /** The run as the index stored it, if there is an index and it has the run's steps. */
  private stored(sourceId: string, runId: string): RunDetail | undefined {
    if (!this.archive) return undefined;
    try {
      return this.archive.detail(sourceId, runId);
    } catch {
      return undefined; // the index is a cache: a failing read is a miss
    }
  }

  /**
   * The API answered 404 (the run is past its retention) or could not be reached: a run the
   * index has opens from it — archived, or as it was last seen — instead of failing.
   */
  private fromArchive(sourceId: string, runId: string, error: unknown): RunDetail {
    const stored = error instanceof NotFoundError || error instanceof NetworkError || error instanceof TimeoutError ? this.stored(sourceId, runId) : undefined;
    if (!stored) throw error;
    const gone = error instanceof NotFoundError;
    if (gone) this.writeArchive(() => this.archive!.markArchived(sourceId, runId));
    // Archived is final: kept in memory like any finished run. Offline is for now only: not kept,
    // so the next look asks the API again.
    if (gone) {
      const detail: RunDetail = { ...stored, archived: true };
      this.touch(runKey(sourceId, runId), detail);
      return detail;
    }
    return { ...stored, offline: true };
  }

  /** Index writes never fail a view: the index is a cache of what the API said. */
  private writeArchive(write: () => unknown): void {
    try {
      write();
    } catch {
      // a full disk or a locked file: the run is still shown; the next sync stores it
    }
  }

  /** Whether something keeps this run current: an open view retains it, or a listing holds it (live refresh polls those). */
  private isWatched(sourceId: string, runId: string): boolean {
    if (this.retained.has(runKey(sourceId, runId))) return true;
    for (const listing of this.listings.get(sourceId)?.values() ?? []) if (listing.get(runId)) return true;
    return false;
  }

  /**
   * Forgets everything of a source (its listings, details and payloads): its settings now
   * name another server, project or account, whose runs these are not.
   */
  forget(sourceId: string): void {
    this.invalidate(sourceId);
    for (const key of [...this.details.keys()]) if ((JSON.parse(key) as [string])[0] === sourceId) this.details.delete(key);
    this.payloads.deleteWhere((key) => (JSON.parse(key) as [string])[0] === sourceId);
  }

  /** Runs seen in a page the store does not keep (a failure count, a replay's search): newer states are taken. */
  note(sourceId: string, runs: readonly Run[]): void {
    for (const run of runs) {
      const key = runKey(sourceId, run.id);
      const detail = this.details.get(key);
      // A page read before a poll may be older than what the store has: a finished run never runs again.
      if (detail && !isActive(detail.status) && isActive(run.status)) continue;
      const rowChanged = this.patchListings(sourceId, run);
      const detailBehind = detail !== undefined && stateOf(detail) !== stateOf(run);
      // The detail's steps are behind the run's state: dropped, so the next view loads it afresh.
      if (detailBehind) this.details.delete(key);
      if (rowChanged || detailBehind) this.runChanged.fire({ sourceId, run: this.summary(sourceId, run.id) ?? run });
    }
  }

  /** One page of a query that no view pages through (a count): its runs are noted, the page is not kept. */
  async peekPage(sourceId: string, query: RunQuery, signal?: AbortSignal): Promise<RunPage> {
    const page = await this.source(sourceId).listPage(query, 0, { signal });
    this.note(sourceId, page.runs);
    return page;
  }

  /**
   * A step's input and output, fetched once and shared by the panel, documents, Compare and
   * Export — once the step has ended: a running step's payload is not its last, so it is
   * fetched each time and not kept.
   */
  stepPayload(
    sourceId: string,
    runId: string,
    step: Pick<Step, 'id' | 'inputSize' | 'outputSize'> & { readonly status?: Step['status'] },
    signal?: AbortSignal,
  ): Promise<StepPayload> {
    let source: HistorySource;
    try {
      source = this.source(sourceId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!source.capabilities.stepPayloads || !source.getStepPayload) return Promise.reject(new Error(l10n.t('{0} does not give step inputs and outputs.', source.label)));
    const status = step.status ?? this.details.get(runKey(sourceId, runId))?.steps.find((s) => s.id === step.id)?.status;
    const cacheKey = PayloadCache.key(sourceId, runId, step.id);
    if (status !== undefined && isActive(status)) {
      this.payloads.delete(cacheKey);
      return abortable(source.getStepPayload(runId, step.id), signal);
    }
    const size = (step.inputSize ?? 0) + (step.outputSize ?? 0);
    const load = this.payloads.get(cacheKey, () => this.payloadOrStored(source, sourceId, runId, step.id), size || undefined);
    return abortable(load, signal);
  }

  /**
   * A finished step's payload from the API; when the API cannot be reached or no longer has the
   * run, the failing step's output the index stored (its input was never stored: shown as missing).
   */
  private async payloadOrStored(source: HistorySource, sourceId: string, runId: string, stepId: string): Promise<StepPayload> {
    try {
      return await source.getStepPayload!(runId, stepId);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof NetworkError || error instanceof TimeoutError)) throw error;
      const stored = this.archive?.failingOutput?.(sourceId, runId, stepId);
      if (!stored) throw error;
      return { runId, stepId, output: stored.output, isLargeInput: false, isLargeOutput: false };
    }
  }

  /** An open view keeps this run: its detail is never evicted, and live refresh polls it while it runs. */
  retain(sourceId: string, runId: string): Disposable {
    const key = runKey(sourceId, runId);
    this.retained.set(key, (this.retained.get(key) ?? 0) + 1);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        const left = (this.retained.get(key) ?? 1) - 1;
        if (left > 0) this.retained.set(key, left);
        else this.retained.delete(key);
      },
    };
  }

  /** Whether an open view keeps this run. */
  isRetained(sourceId: string, runId: string): boolean {
    return this.retained.has(runKey(sourceId, runId));
  }

  /** Runs of a source that may still change, as far as the store knows: in its listings, or kept by an open view. */
  activeRuns(sourceId: string): Run[] {
    const found = new Map<string, Run>();
    for (const listing of this.listings.get(sourceId)?.values() ?? []) {
      for (const run of listing.runs) if (isActive(run.status) && !found.has(run.id)) found.set(run.id, run);
    }
    for (const key of this.retained.keys()) {
      const [owner, runId] = JSON.parse(key) as [string, string];
      if (owner !== sourceId || found.has(runId)) continue;
      const run = this.summary(sourceId, runId);
      if (run && isActive(run.status)) found.set(runId, run);
    }
    return [...found.values()];
  }

  /**
   * Everything afresh for one source or all (the user refreshed, settings changed): listings
   * are dropped, and details of runs that may still change. A finished run never changes:
   * its detail and payloads stay.
   */
  invalidate(sourceId?: string): void {
    const sources = sourceId === undefined ? [...this.listings.keys()] : [sourceId];
    for (const id of sources) {
      const listings = this.listings.get(id);
      this.listings.delete(id);
      for (const listing of listings?.values() ?? []) listing.reset();
    }
    for (const [key, detail] of this.details) {
      const [owner] = JSON.parse(key) as [string];
      // A retained run stays: its open panel shows it, and live refresh keeps polling it.
      if ((sourceId === undefined || owner === sourceId) && isActive(detail.status) && !this.retained.has(key)) this.details.delete(key);
    }
  }

  dispose(): void {
    this.runChanged.dispose();
    this.listingChanged.dispose();
  }

  private onListing(listing: RunListing, what: ListingEvent, page: readonly Run[] | undefined): void {
    // A page may carry a newer state of a run another listing or a detail holds; or an older
    // one (read before a poll saw the run end): then the page's own row takes the ended state.
    if (page) {
      for (const run of page) {
        const detail = this.details.get(runKey(listing.sourceId, run.id));
        const held = detail ? summaryOf(detail) : this.heldElsewhere(listing, run.id);
        if (!held || stateOf(held) === stateOf(run)) continue;
        this.note(listing.sourceId, [run]);
        if (isActive(run.status) && !isActive(held.status)) listing.patch(held);
      }
    }
    this.listingChanged.fire({ sourceId: listing.sourceId, listing, what });
  }

  /** The run's row in another listing of the same source, if one holds it. */
  private heldElsewhere(listing: RunListing, runId: string): Run | undefined {
    for (const other of this.listings.get(listing.sourceId)?.values() ?? []) {
      const run = other === listing ? undefined : other.get(runId);
      if (run) return run;
    }
    return undefined;
  }

  /** Updates the run's row in every listing of its source; answers whether any row changed. */
  private patchListings(sourceId: string, run: Run): boolean {
    let changed = false;
    for (const listing of this.listings.get(sourceId)?.values() ?? []) changed = listing.patch(run) || changed;
    return changed;
  }

  /** A detail's summary with what only a listing knows (Paragon's integration, a task's name). */
  private withListed(sourceId: string, run: Run): Run {
    for (const listing of this.listings.get(sourceId)?.values() ?? []) {
      const listed = listing.get(run.id);
      if (listed) return { ...run, integration: run.integration ?? listed.integration, name: run.name ?? listed.name };
    }
    return run;
  }

  private touch(key: string, detail: RunDetail): void {
    this.details.delete(key);
    this.details.set(key, detail);
  }

  private evict(): void {
    let over = this.details.size - this.maxDetails;
    for (const key of this.details.keys()) {
      if (over <= 0) break;
      if (this.retained.has(key)) continue;
      this.details.delete(key);
      over--;
    }
  }
}

/** Waits for `promise`, or rejects with CancelledError when the signal aborts first (the shared work goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError('cancelled before the load finished'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError('cancelled while waiting for the load'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
