// The run store (src/store/) against the emulator over loopback: the store is where every
// view reads runs, so what it promises is counted in requests that reach the API (joined
// loads, details served from the store, eviction, invalidation) and in the change events
// the tree and the run panel redraw on (once per real change, none for nothing, never a
// finished run shown running again).
import assert from 'node:assert/strict';
import { CancelledError } from '../../src/core/errors';
import type { Run, RunQuery } from '../../src/core/model';
import { isActive } from '../../src/core/runState';
import type { HistorySource } from '../../src/core/source';
import { createSource } from '../../src/sources/createSource';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import type { Event } from '../../src/store/emitter';
import { RunStore, type ListingChange, type RunChange, type RunStoreOptions } from '../../src/store/runStore';
import type { RunningEmulator } from '../../emulator/server';
import { useEmulator } from './support/emulatorFixture';

const P = 'spec-paragon';
const D = 'spec-dispersl';

function clientsOf(emulator: RunningEmulator): Map<string, HistorySource> {
  return new Map<string, HistorySource>([
    [P, createSource({ id: P, kind: 'paragon', baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId }, { apiKey: emulator.apiKey })],
    [D, createSource({ id: D, kind: 'dispersl', baseUrl: emulator.disperslBaseUrl, requestsPerHour: 100_000 }, { apiKey: emulator.apiKey })],
  ]);
}

/** A store on fresh clients of the emulator; `clients` is the lookup it reads (a test may replace one). */
function storeOn(emulator: RunningEmulator, options?: RunStoreOptions): { store: RunStore; clients: Map<string, HistorySource> } {
  const clients = clientsOf(emulator);
  return { store: new RunStore((id) => clients.get(id), options), clients };
}

/** A store whose Paragon client retries at once: for the fault tests, which wait out every retry. */
function storeRetryingQuickly(emulator: RunningEmulator): RunStore {
  const paragon = new ParagonClient({
    projectId: emulator.projectId,
    baseUrl: new URL(emulator.paragonBaseUrl).origin,
    apiKey: emulator.apiKey,
    retryBaseDelayMs: 1,
    rateLimit: null,
  });
  return new RunStore((id) => (id === P ? paragon : undefined));
}

/** Everything an event fires, until disposed. */
function record<T>(event: Event<T>): { seen: T[]; dispose(): void } {
  const seen: T[] = [];
  const subscription = event((value) => seen.push(value));
  return { seen, dispose: () => subscription.dispose() };
}

const requests = (emulator: RunningEmulator, route: string) => emulator.stats().byRoute[route] ?? 0;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls the client (not the store, so the store hears nothing) until the run has ended; a generous bound on "it ends at all". */
async function untilFinished(client: HistorySource, runId: string): Promise<Run> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const run = await client.getRun(runId);
    if (!isActive(run.status)) return run;
    if (Date.now() > giveUpAt) throw new Error(`run ${runId} still ${run.status} after a minute`);
    await sleep(50);
  }
}

/** Finished runs of the seeded history (oldest first). */
const finishedIds = (emulator: RunningEmulator, count: number) => emulator.truth.paragonIds({ status: 'SUCCEEDED' }).slice(0, count);

/**
 * A run started now, listed (in a listing of the runs started since just before it) and
 * loaded while it still runs. The emulator ends it after replayDurationMs; should a slow
 * machine see it end before both reads, another run is started (a precondition, not a timing assertion).
 */
async function runningListedAndLoaded(emulator: RunningEmulator, store: RunStore, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') {
  for (let attempt = 0; attempt < 5; attempt++) {
    const query: RunQuery = { startedAfter: new Date(Date.now() - 1) };
    const [id] = emulator.startRuns(1, outcome);
    const listing = store.listing(P, query);
    await listing.ensureFirstPage();
    const detail = await store.getRun(P, id!);
    if (listing.get(id!)?.status === 'running' && detail.status === 'running') return { id: id!, listing, query };
  }
  throw new Error('could not list and load a started run while it was still running');
}

/**
 * The real client, with one kind of answer (pages, or run reads) held back once holdBack() is
 * called, until release(): an answer read at one moment that lands after later news.
 */
function heldBack(real: HistorySource, which: 'listPage' | 'getRun') {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let hold = false;
  const later = async <T>(answer: Promise<T>): Promise<T> => {
    const value = await answer;
    if (hold) await released;
    return value;
  };
  const client: HistorySource = {
    kind: real.kind,
    label: real.label,
    capabilities: real.capabilities,
    getRun: (runId, signal) => (which === 'getRun' ? later(real.getRun(runId, signal)) : real.getRun(runId, signal)),
    listPage: (query, offset, options) => (which === 'listPage' ? later(real.listPage(query, offset, options)) : real.listPage(query, offset, options)),
  };
  return { client, real, holdBack: () => (hold = true), release };
}

describe('RunStore', () => {
  // Started runs end after a second here: long enough to be read while running, short enough to wait for.
  const quick = useEmulator({ paragonExecutions: 400, disperslTasks: 150, replayDurationMs: 1000 });
  // Started runs here outlast the suite.
  const slow = useEmulator({ paragonExecutions: 400, disperslTasks: 150, replayDurationMs: 600_000 });
  beforeEach(() => {
    quick().resetStats();
    slow().resetStats();
  });

  describe('loading a run', () => {
    it('joins five concurrent getRun calls of one run into one request, serves the next from the store, and asks again when fresh', async () => {
      const { store } = storeOn(quick());
      const [id] = finishedIds(quick(), 1);
      const details = await Promise.all(Array.from({ length: 5 }, () => store.getRun(P, id!)));
      assert.equal(requests(quick(), 'paragon.get'), 1);
      assert.ok(
        details.every((d) => d === details[0]),
        'every caller gets the one detail',
      );
      assert.equal(details[0]!.id, id);
      assert.ok(details[0]!.steps.length > 0);

      quick().resetStats();
      assert.equal(await store.getRun(P, id!), details[0]);
      assert.equal(store.detail(P, id!), details[0]);
      assert.equal(quick().stats().requests, 0, 'served from the store');

      const fresh = await store.getRun(P, id!, { fresh: true });
      assert.equal(requests(quick(), 'paragon.get'), 1, 'fresh asks the API again');
      assert.equal(fresh.id, id);
    });

    it('rejects only the caller whose signal aborts (CancelledError); another caller of the same load gets the run', async () => {
      const { store } = storeOn(quick());
      const [id] = finishedIds(quick(), 2).slice(1);
      const controller = new AbortController();
      const aborted = store.getRun(P, id!, { signal: controller.signal });
      const other = store.getRun(P, id!);
      controller.abort();
      await assert.rejects(aborted, (error: unknown) => error instanceof CancelledError);
      const detail = await other;
      assert.equal(detail.id, id);
      assert.equal(requests(quick(), 'paragon.get'), 1, 'one shared request');
      // The shared load went on: the store keeps what it brought.
      quick().resetStats();
      assert.equal(await store.getRun(P, id!), detail);
      assert.equal(quick().stats().requests, 0);
    });

    it('rejects a caller whose signal was aborted before it asked, and leaves the store usable', async () => {
      const { store } = storeOn(quick());
      const [id] = finishedIds(quick(), 3).slice(2);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(store.getRun(P, id!, { signal: controller.signal }), (error: unknown) => error instanceof CancelledError);
      assert.equal((await store.getRun(P, id!)).id, id);
    });

    it('shares a failed load with every caller, keeps nothing of it, and asks again on the next getRun', async () => {
      const store = storeRetryingQuickly(quick());
      const [id] = finishedIds(quick(), 4).slice(3);
      quick().faults.inject('non-json', 100, new RegExp(`/workflow-executions/${id}$`));
      const changes = record(store.onDidChangeRun);
      const results = await Promise.allSettled([store.getRun(P, id!), store.getRun(P, id!), store.getRun(P, id!)]);
      quick().faults.clear();
      assert.ok(results.every((r) => r.status === 'rejected'));
      const gets = requests(quick(), 'paragon.get');
      assert.ok(gets >= 1 && gets === quick().stats().faultsInjected['non-json'], 'the callers shared one load (with its retries)');
      assert.equal(store.detail(P, id!), undefined);
      assert.equal(changes.seen.length, 0);
      quick().resetStats();
      assert.equal((await store.getRun(P, id!)).id, id);
      assert.equal(requests(quick(), 'paragon.get'), 1);
    });
  });

  describe('listings', () => {
    it('gives the same listing for equal queries (dates built separately, keys in another order, undefined fields) and another for another query or source', () => {
      const { store } = storeOn(quick());
      const at = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
      const a = store.listing(P, { status: 'failed', startedAfter: new Date(at) });
      const b = store.listing(P, { startedAfter: new Date(new Date(at).toISOString()), status: 'failed', userId: undefined });
      assert.equal(a, b);
      assert.notEqual(store.listing(P, { status: 'failed', startedAfter: new Date(at + 1) }), a);
      assert.notEqual(store.listing(P, { status: 'succeeded', startedAfter: new Date(at) }), a);
      assert.notEqual(store.listing(P, { status: 'failed' }), a);
      const other = store.listing(D, { status: 'failed', startedAfter: new Date(at) });
      assert.notEqual(other, a);
      assert.equal(other.sourceId, D);
      assert.equal(quick().stats().requests, 0, 'asking for a listing fetches nothing');
    });

    it('pages with loadNext (one request per page, also when asked twice at once) and announces each page', async () => {
      const { store } = storeOn(quick());
      const changes = record(store.onDidChangeListing);
      const listing = store.listing(P, {});
      await Promise.all([listing.ensureFirstPage(), listing.ensureFirstPage()]);
      assert.equal(requests(quick(), 'paragon.list'), 1);
      assert.equal(listing.runs.length, 100);
      assert.equal(listing.total, quick().truth.paragonIds({}).length);
      assert.ok(listing.hasMore);
      await listing.ensureFirstPage();
      assert.equal(requests(quick(), 'paragon.list'), 1, 'the first page is loaded once');

      await Promise.all([listing.loadNext(), listing.loadNext()]);
      assert.equal(requests(quick(), 'paragon.list'), 2);
      assert.equal(listing.runs.length, 200);
      assert.equal(new Set(listing.runs.map((r) => r.id)).size, 200);
      assert.deepEqual(
        changes.seen.map((c: ListingChange) => [c.sourceId, c.listing === listing, c.what]),
        [
          [P, true, 'page'],
          [P, true, 'page'],
        ],
      );
      assert.equal(store.listing(P, {}), listing, 'the paged listing is the one handed out');
    });

    it('keeps a failed page as the listing error (announced), does not ask again on ensureFirstPage, and loads on loadNext', async () => {
      const store = storeRetryingQuickly(quick());
      const changes = record(store.onDidChangeListing);
      const listing = store.listing(P, { status: 'succeeded' });
      quick().faults.inject('non-json', 100, /workflow-executions\?/);
      await listing.ensureFirstPage();
      quick().faults.clear();
      assert.ok(listing.error instanceof Error);
      assert.equal(listing.loaded, false);
      assert.deepEqual(
        changes.seen.map((c) => c.what),
        ['error'],
      );
      quick().resetStats();
      await listing.ensureFirstPage();
      assert.equal(quick().stats().requests, 0, 'an error stays until the user asks again');
      await listing.loadNext();
      assert.equal(requests(quick(), 'paragon.list'), 1);
      assert.equal(listing.error, undefined);
      assert.equal(listing.runs.length, 100);
      assert.deepEqual(
        changes.seen.map((c) => c.what),
        ['error', 'page'],
      );
    });

    it('rebuilds a listing whose client was replaced on the next listing() call', async () => {
      const { store, clients } = storeOn(quick());
      const first = store.listing(P, { status: 'failed' });
      await first.ensureFirstPage();
      assert.equal(first.client, clients.get(P));
      const replacement = clientsOf(quick()).get(P)!;
      clients.set(P, replacement);
      const second = store.listing(P, { status: 'failed' });
      assert.notEqual(second, first);
      assert.equal(second.client, replacement);
      assert.equal(second.loaded, false, 'the new listing starts again');
      assert.equal(store.listing(P, { status: 'failed' }), second, 'and is handed out from then on');
      quick().resetStats();
      await second.ensureFirstPage();
      assert.equal(requests(quick(), 'paragon.list'), 1);
      assert.deepEqual(
        second.runs.map((r) => r.id),
        first.runs.map((r) => r.id),
      );
    });
  });

  describe('change events', () => {
    it('announces a run that finished once, with its final status and detail, and patches its listing row in place; a load with nothing changed announces nothing', async () => {
      const { store, clients } = storeOn(quick());
      const { id, listing, query } = await runningListedAndLoaded(quick(), store, 'FAILED');
      await untilFinished(clients.get(P)!, id);
      const changes = record(store.onDidChangeRun);
      const listingChanges = record(store.onDidChangeListing);

      const detail = await store.getRun(P, id, { fresh: true });
      assert.equal(detail.status, 'failed');
      assert.equal(changes.seen.length, 1);
      const change: RunChange = changes.seen[0]!;
      assert.equal(change.sourceId, P);
      assert.equal(change.run.id, id);
      assert.equal(change.run.status, 'failed');
      assert.equal(change.detail, detail);
      assert.ok(change.detail.steps.length > 0);
      assert.equal(store.listing(P, query), listing, 'the same listing');
      assert.equal(listing.get(id)?.status, 'failed', 'its row is patched in place');
      assert.equal(listing.runs.find((r) => r.id === id)?.status, 'failed');
      assert.equal(store.summary(P, id)?.status, 'failed');

      await store.getRun(P, id, { fresh: true });
      assert.equal(changes.seen.length, 1, 'nothing changed: nothing announced');
      assert.equal(listingChanges.seen.length, 0, 'a patched row is a run change, not a listing change');
    });

    it('note() with a newer state patches the listings holding the run and announces it once; a state it has already changes nothing', async () => {
      const { store, clients } = storeOn(quick());
      const { id, listing, query } = await runningListedAndLoaded(quick(), store);
      await untilFinished(clients.get(P)!, id);
      const finishedRow = (await clients.get(P)!.listPage(query, 0)).runs.find((r) => r.id === id)!;
      assert.equal(finishedRow.status, 'succeeded');
      const changes = record(store.onDidChangeRun);

      store.note(P, [finishedRow]);
      assert.equal(listing.get(id)?.status, 'succeeded');
      assert.equal(changes.seen.length, 1);
      assert.equal(changes.seen[0]!.run.id, id);
      assert.equal(changes.seen[0]!.run.status, 'succeeded');
      // The detail held steps of a running run: dropped, so the next view loads it afresh.
      assert.equal(store.detail(P, id), undefined);

      store.note(P, [finishedRow]);
      assert.equal(changes.seen.length, 1, 'the same state again announces nothing');
    });

    it('note() of a page that says "running" for a run the store knows finished changes nothing (a detail, or only a listing row, says so)', async function () {
      const { store, clients } = storeOn(quick());
      const client = clients.get(P)!;
      // Known finished by its detail and its row.
      const known = await runningListedAndLoaded(quick(), store);
      const staleRow = known.listing.get(known.id)!;
      assert.equal(staleRow.status, 'running');
      await untilFinished(client, known.id);
      await store.getRun(P, known.id, { fresh: true });
      // Known finished by a listing row only (no detail was ever loaded).
      const rowOnlyQuery: RunQuery = { startedAfter: new Date(Date.now() - 1) };
      const [rowOnly] = quick().startRuns(1);
      const staleOnly = (await client.listPage(rowOnlyQuery, 0)).runs.find((r) => r.id === rowOnly);
      assert.ok(staleOnly, 'the started run is listed');
      await untilFinished(client, rowOnly!);
      const rowListing = store.listing(P, rowOnlyQuery);
      await rowListing.ensureFirstPage();
      if (staleOnly.status !== 'running') this.skip();
      assert.equal(rowListing.get(rowOnly!)?.status, 'succeeded');

      const changes = record(store.onDidChangeRun);
      store.note(P, [staleRow, staleOnly]);
      assert.equal(changes.seen.length, 0);
      assert.equal(store.summary(P, known.id)?.status, 'succeeded');
      assert.equal(store.detail(P, known.id)?.status, 'succeeded', 'the finished detail is kept');
      assert.equal(known.listing.get(known.id)?.status, 'succeeded');
      assert.equal(rowListing.get(rowOnly!)?.status, 'succeeded');
      assert.equal(store.summary(P, rowOnly!)?.status, 'succeeded');
      assert.deepEqual(
        store.activeRuns(P).filter((r) => r.id === known.id || r.id === rowOnly),
        [],
      );
    });

    it('peekPage notes the runs of a page it does not keep: a listed running run that the page shows finished is patched and announced', async () => {
      const { store, clients } = storeOn(quick());
      const { id, listing, query } = await runningListedAndLoaded(quick(), store, 'FAILED');
      await untilFinished(clients.get(P)!, id);
      const changes = record(store.onDidChangeRun);
      quick().resetStats();
      const page = await store.peekPage(P, { ...query, status: 'failed' });
      assert.equal(requests(quick(), 'paragon.list'), 1);
      assert.ok(page.runs.some((r) => r.id === id));
      assert.equal(listing.get(id)?.status, 'failed');
      assert.deepEqual(
        changes.seen.map((c) => [c.run.id, c.run.status]),
        [[id, 'failed']],
      );
    });

    it('a page with a newer state of a run another listing holds patches that row and announces it', async function () {
      const { store, clients } = storeOn(quick());
      const client = clients.get(P)!;
      // Listed while running, never opened (no detail).
      const query: RunQuery = { startedAfter: new Date(Date.now() - 1) };
      const [id] = quick().startRuns(1);
      const first = store.listing(P, query);
      await first.ensureFirstPage();
      if (first.get(id!)?.status !== 'running') this.skip(); // it ended before the first page: nothing to test
      await untilFinished(client, id!);
      const changes = record(store.onDidChangeRun);

      // Another view asks another query that holds the same run: its page says it ended.
      const second = store.listing(P, { startedAfter: new Date(query.startedAfter!.getTime() - 60_000) });
      await second.ensureFirstPage();
      assert.equal(second.get(id!)?.status, 'succeeded');
      assert.equal(first.get(id!)?.status, 'succeeded', 'the other listing shows the newest state too');
      assert.equal(store.summary(P, id!)?.status, 'succeeded');
      assert.ok(!store.activeRuns(P).some((r) => r.id === id), 'live refresh does not poll a run the store knows ended');
      assert.deepEqual(
        changes.seen.map((c) => [c.run.id, c.run.status]),
        [[id, 'succeeded']],
      );
    });

    it('a slow page that lists a run as running after the store saw it finish does not bring it back', async () => {
      // The real client, whose list answers are held back until released: a page read before the run ended, landing after.
      const { client: slowPages, real, holdBack, release } = heldBack(clientsOf(quick()).get(P)!, 'listPage');
      const store = new RunStore((sourceId) => (sourceId === P ? slowPages : undefined));
      const { id, query } = await runningListedAndLoaded(quick(), store);
      const listed = requests(quick(), 'paragon.list');
      holdBack();
      const other = store.listing(P, { startedAfter: new Date(query.startedAfter!.getTime() - 60_000) });
      const landing = other.ensureFirstPage();
      // Wait until the page has been read (the request counted) while the run still ran.
      while (requests(quick(), 'paragon.list') === listed) await sleep(10);
      await untilFinished(real, id);
      const finished = await store.getRun(P, id, { fresh: true });
      assert.equal(finished.status, 'succeeded');
      const changes = record(store.onDidChangeRun);
      release();
      await landing;
      const landed = other.get(id);
      assert.ok(landed, 'the slow page lists the run');
      assert.equal(store.summary(P, id)?.status, 'succeeded');
      assert.equal(store.detail(P, id)?.status, 'succeeded');
      assert.equal(landed.status, 'succeeded', "the slow page's row shows the state the store knows");
      assert.ok(!store.activeRuns(P).some((r) => r.id === id), 'live refresh does not poll a run the store knows ended');
      assert.equal(changes.seen.length, 0);
    });
  });

  describe('what the review found', () => {
    it('a slow poll that read the run running, landing after a page listed it finished, neither brings it back nor announces it', async () => {
      // The real client, whose run reads are held back until released: a poll read while the run ran, landing after.
      const { client: slowPolls, real, holdBack, release } = heldBack(clientsOf(quick()).get(P)!, 'getRun');
      const store = new RunStore((sourceId) => (sourceId === P ? slowPolls : undefined));
      const { id, listing } = await runningListedAndLoaded(quick(), store);
      const read = requests(quick(), 'paragon.get');
      holdBack();
      const poll = store.getRun(P, id, { fresh: true });
      while (requests(quick(), 'paragon.get') === read) await sleep(10);
      const ended = await untilFinished(real, id);
      // A count's page says it ended (the store drops the detail, whose steps are behind).
      store.note(P, [ended]);
      assert.equal(listing.get(id)?.status, 'succeeded');
      const changes = record(store.onDidChangeRun);
      release();
      const answered = await poll;
      assert.equal(store.summary(P, id)?.status, 'succeeded', 'the store still says it ended');
      assert.equal(listing.get(id)?.status, 'succeeded');
      assert.ok(!store.activeRuns(P).some((r) => r.id === id));
      assert.deepEqual(changes.seen, [], 'the older news is not announced');
      assert.equal(answered.status, 'running', 'the poll itself answers what the API said');
    });

    it('serves a cached running run only while something keeps it current (a listing, an open view); otherwise asks again', async () => {
      const { store } = storeOn(slow());
      const [running] = slow().startRuns(1);
      await store.getRun(P, running!);
      slow().resetStats();
      // In no listing, kept by no view: nothing polls it, so the store's copy may be stale.
      await store.getRun(P, running!);
      assert.equal(requests(slow(), 'paragon.get'), 1, 'asked again');
      const kept = store.retain(P, running!);
      await store.getRun(P, running!);
      assert.equal(requests(slow(), 'paragon.get'), 1, 'an open view keeps it current: served from the store');
      kept.dispose();
      const [finished] = finishedIds(slow(), 1);
      await store.getRun(P, finished!);
      slow().resetStats();
      await store.getRun(P, finished!);
      assert.equal(slow().stats().requests, 0, 'a finished run is served from the store');
    });

    it('a first load of a listed run announces nothing when its state is the one listed', async () => {
      const { store } = storeOn(slow());
      const listing = store.listing(P, { status: 'succeeded' });
      await listing.ensureFirstPage();
      const changes = record(store.onDidChangeRun);
      await store.getRun(P, listing.runs[0]!.id);
      assert.deepEqual(changes.seen, []);
    });

    it('a caller whose signal is already aborted sends no request', async () => {
      const { store } = storeOn(slow());
      const [finished] = finishedIds(slow(), 1);
      slow().resetStats();
      await assert.rejects(store.getRun(P, finished!, { signal: AbortSignal.abort() }), CancelledError);
      assert.equal(slow().stats().requests, 0);
    });

    it('keeps the listings a view keeps asking for: the least recently asked for goes past the cap', async () => {
      const { store } = storeOn(slow(), { maxListingsPerSource: 3 });
      const main = store.listing(P, { status: 'failed' });
      for (let day = 1; day <= 5; day++) {
        store.listing(P, { status: 'succeeded', startedAfter: new Date(Date.UTC(2026, 10, day)) });
        assert.equal(store.listing(P, { status: 'failed' }), main, `the listing asked for between the others stays (after ${day})`);
      }
      assert.notEqual(store.listing(P, { status: 'succeeded', startedAfter: new Date(Date.UTC(2026, 10, 1)) }), undefined);
    });

    it('forget() drops everything of a source, finished runs and payloads too (its settings now name other data)', async () => {
      const { store } = storeOn(slow());
      const [finished] = finishedIds(slow(), 1);
      const detail = await store.getRun(P, finished!);
      const step = detail.steps[0]!;
      await store.stepPayload(P, finished!, step);
      store.forget(P);
      assert.equal(store.detail(P, finished!), undefined);
      slow().resetStats();
      await store.stepPayload(P, finished!, step);
      assert.equal(requests(slow(), 'paragon.step'), 1, 'the payload is asked for again');
    });

    it("does not keep a running step's payload: it is not its last", async () => {
      const { store } = storeOn(slow());
      const [finished] = finishedIds(slow(), 1);
      const detail = await store.getRun(P, finished!);
      const step = detail.steps[0]!;
      slow().resetStats();
      await store.stepPayload(P, finished!, { ...step, status: 'running' });
      await store.stepPayload(P, finished!, { ...step, status: 'running' });
      assert.equal(requests(slow(), 'paragon.step'), 2, 'asked each time while it runs');
      await store.stepPayload(P, finished!, step);
      await store.stepPayload(P, finished!, step);
      assert.equal(requests(slow(), 'paragon.step'), 3, 'kept once it has ended');
    });
  });

  describe('a running run read again', () => {
    it('announces nothing when only its duration so far grew (Paragon reports it on every read), in the detail or the listing row', async () => {
      const { store } = storeOn(slow());
      const [running] = slow().startRuns(1);
      const listing = store.listing(P, { startedAfter: new Date(Date.now() - 60_000) });
      await listing.ensureFirstPage();
      assert.equal(listing.get(running!)?.status, 'running');
      const first = await store.getRun(P, running!);
      const changes = record(store.onDidChangeRun);
      await sleep(1100);
      const again = await store.getRun(P, running!, { fresh: true });
      assert.equal(again.status, 'running');
      assert.ok(first.durationMs === undefined || again.durationMs === undefined || again.durationMs >= first.durationMs);
      store.note(P, [{ ...again, durationMs: (again.durationMs ?? 0) + 5000 }]);
      assert.deepEqual(changes.seen, [], 'no change announced for a growing duration');
      assert.ok(store.detail(P, running!), 'and the detail is not dropped for it');
    });
  });

  describe('activeRuns, retain and invalidate', () => {
    it('gives the running runs in the listings plus a retained run known only by its detail, until the retain is disposed', async () => {
      const { store } = storeOn(slow());
      const query: RunQuery = { startedAfter: new Date(Date.now() - 1) };
      const listed = slow().startRuns(2);
      const listing = store.listing(P, query);
      await listing.ensureFirstPage();
      const [finished] = finishedIds(slow(), 1);
      await store.getRun(P, finished!);
      const [opened] = slow().startRuns(1);
      await store.getRun(P, opened!);
      const ids = () => new Set(store.activeRuns(P).map((r) => r.id));

      assert.deepEqual(ids(), new Set(listed), 'a detail nobody keeps is not polled');
      const kept = store.retain(P, opened!);
      const finishedKept = store.retain(P, finished!);
      assert.equal(store.isRetained(P, opened!), true);
      assert.deepEqual(ids(), new Set([...listed, opened!]), 'a finished retained run is not active');
      const again = store.retain(P, opened!);
      kept.dispose();
      kept.dispose();
      assert.deepEqual(ids(), new Set([...listed, opened!]), 'still retained by the second view');
      again.dispose();
      finishedKept.dispose();
      assert.equal(store.isRetained(P, opened!), false);
      assert.deepEqual(ids(), new Set(listed));
      assert.deepEqual(store.activeRuns(D), []);
      // Whatever else the listings hold that may still change is in it too.
      const all = store.listing(P, {});
      await all.ensureFirstPage();
      const expected = new Set([...listed, ...all.runs.filter((r) => isActive(r.status)).map((r) => r.id)]);
      assert.deepEqual(ids(), expected);
    });

    it('invalidate() drops the listings (announced as a reset; a new listing loads again) and details of active runs, and keeps finished ones', async () => {
      const { store } = storeOn(slow());
      const listing = store.listing(P, { status: 'failed' });
      await listing.ensureFirstPage();
      const [running] = slow().startRuns(1);
      const [finished] = finishedIds(slow(), 1);
      await store.getRun(P, running!);
      await store.getRun(P, finished!);
      const listed = listing.runs.map((r) => r.id);
      const changes = record(store.onDidChangeListing);
      slow().resetStats();

      store.invalidate();
      assert.equal(listing.loaded, false, 'the old listing is emptied');
      assert.deepEqual(
        changes.seen.map((c) => [c.sourceId, c.listing === listing, c.what]),
        [[P, true, 'reset']],
      );
      const again = store.listing(P, { status: 'failed' });
      assert.notEqual(again, listing);
      await again.ensureFirstPage();
      assert.equal(requests(slow(), 'paragon.list'), 1, 'the new listing loads again');
      assert.deepEqual(
        again.runs.map((r) => r.id),
        listed,
      );

      slow().resetStats();
      await store.getRun(P, finished!);
      assert.equal(slow().stats().requests, 0, 'a finished run never changes: kept');
      assert.equal(store.detail(P, running!), undefined);
      await store.getRun(P, running!);
      assert.equal(requests(slow(), 'paragon.get'), 1, 'a running one is asked again');
    });

    it('invalidate() keeps the detail of a running run an open view retains, and live refresh still finds it', async () => {
      const { store } = storeOn(slow());
      const [running] = slow().startRuns(1);
      const kept = store.retain(P, running!);
      await store.getRun(P, running!);
      store.invalidate();
      assert.ok(store.detail(P, running!), 'the panel still shows it');
      assert.deepEqual(
        store.activeRuns(P).map((r) => r.id),
        [running],
      );
      kept.dispose();
      store.invalidate();
      assert.equal(store.detail(P, running!), undefined, 'once no view keeps it, it goes like any running run');
    });

    it('invalidate(sourceId) leaves the other sources alone', async () => {
      const { store } = storeOn(slow());
      const paragon = store.listing(P, {});
      const dispersl = store.listing(D, {});
      await Promise.all([paragon.ensureFirstPage(), dispersl.ensureFirstPage()]);
      const [running] = slow().startRuns(1);
      await store.getRun(P, running!);
      store.invalidate(D);
      assert.equal(store.listing(P, {}), paragon);
      assert.notEqual(store.listing(D, {}), dispersl);
      assert.equal(store.detail(P, running!)?.id, running);
      store.invalidate(P);
      assert.equal(store.detail(P, running!), undefined);
    });
  });

  describe('eviction', () => {
    it('keeps the maxDetails most recently used details', async () => {
      const { store } = storeOn(quick(), { maxDetails: 2 });
      const ids = finishedIds(quick(), 4);
      for (const id of ids) await store.getRun(P, id);
      assert.equal(quick().truth.paragonIds({}).length > 4, true);
      assert.deepEqual(
        ids.map((id) => store.detail(P, id) !== undefined),
        [false, false, true, true],
      );
      quick().resetStats();
      await store.getRun(P, ids[3]!);
      await store.getRun(P, ids[2]!);
      assert.equal(quick().stats().requests, 0);
      await store.getRun(P, ids[0]!);
      assert.equal(requests(quick(), 'paragon.get'), 1, 'an evicted run costs one request');
      // ids[3] was used least recently of the two kept: it went.
      assert.deepEqual(
        ids.map((id) => store.detail(P, id) !== undefined),
        [true, false, true, false],
      );
    });

    it('never evicts a retained run', async () => {
      const { store } = storeOn(quick(), { maxDetails: 2 });
      const ids = finishedIds(quick(), 4);
      const kept = store.retain(P, ids[0]!);
      for (const id of ids) await store.getRun(P, id);
      assert.ok(store.detail(P, ids[0]!), 'the retained run stays');
      quick().resetStats();
      await store.getRun(P, ids[0]!);
      assert.equal(quick().stats().requests, 0);
      kept.dispose();
      // Used most recently of the two kept, it goes once two others are loaded after it.
      await store.getRun(P, ids[1]!);
      await store.getRun(P, ids[2]!);
      assert.equal(store.detail(P, ids[0]!), undefined, 'once released it may go like any other');
    });
  });

  describe('step payloads', () => {
    it('fetches each step once for concurrent callers, and serves it again without a request', async () => {
      const { store } = storeOn(quick());
      const [id] = finishedIds(quick(), 1);
      const detail = await store.getRun(P, id!);
      const steps = detail.steps.slice(0, 2);
      assert.equal(steps.length, 2, 'the seeded run has two steps or more');
      quick().resetStats();
      const payloads = await Promise.all(steps.flatMap((step) => [1, 2, 3].map(() => store.stepPayload(P, id!, step))));
      assert.equal(requests(quick(), 'paragon.step'), 2, 'one request per step');
      assert.equal(payloads[0], payloads[2]);
      assert.notEqual(payloads[0], payloads[3]);
      await store.stepPayload(P, id!, steps[1]!);
      assert.equal(requests(quick(), 'paragon.step'), 2);
    });

    it('rejects, saying so, for a source without step payloads (Dispersl), without a request', async () => {
      const { store } = storeOn(quick());
      const [taskId] = quick().truth.disperslIds({});
      const detail = await store.getRun(D, taskId!);
      const step = detail.steps[0] ?? { id: 'any-step' };
      quick().resetStats();
      const call = store.stepPayload(D, taskId!, step);
      assert.ok(call instanceof Promise);
      await assert.rejects(call, /Dispersl does not give step inputs and outputs/);
      assert.equal(quick().stats().requests, 0);
    });
  });

  describe('a source that is not configured', () => {
    it('source() throws an Error saying so; getRun, stepPayload and peekPage reject instead of throwing', async () => {
      const { store } = storeOn(quick());
      const notConfigured = (error: unknown) => error instanceof Error && /"gone" is not configured/.test(error.message);
      assert.throws(() => store.source('gone'), notConfigured);
      assert.throws(() => store.listing('gone', {}), notConfigured);
      let run: Promise<unknown> | undefined;
      assert.doesNotThrow(() => (run = store.getRun('gone', 'r1')));
      await assert.rejects(run!, notConfigured);
      let payload: Promise<unknown> | undefined;
      assert.doesNotThrow(() => (payload = store.stepPayload('gone', 'r1', { id: 's1' })));
      await assert.rejects(payload!, notConfigured);
      await assert.rejects(store.peekPage('gone', {}), notConfigured);
      assert.equal(store.summary('gone', 'r1'), undefined);
      assert.deepEqual(store.activeRuns('gone'), []);
      assert.equal(quick().stats().requests, 0);
    });
  });
});
