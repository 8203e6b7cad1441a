// Sync into the run index against the emulator over loopback: from empty it equals the
// emulator's truth exactly (runs, and the steps of failed runs) under random faults while
// runs keep starting; a second sync with nothing new costs at most 3 requests; a sync
// stopped partway resumes without duplicates or gaps; a run the API no longer has is kept,
// archived, with what was fetched; and sync holds to its share of the request budget.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedError } from '../../src/core/errors';
import type { Run, RunDetail } from '../../src/core/model';
import { snapshot } from '../../src/core/paging';
import { isActive } from '../../src/core/runState';
import type { HistorySource } from '../../src/core/source';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { budgetedSource } from '../../src/runIndex/budgetedSource';
import { RunIndex } from '../../src/runIndex/runIndex';
import { estimateRemainingMs, syncCoverage, syncSource, type SyncProgress } from '../../src/runIndex/sync';
import type { RunningEmulator } from '../../emulator/server';
import { collect, useEmulator } from './support/emulatorFixture';

/** Clients that retry at once (the faults cost milliseconds, not the backoff's seconds) and set no budget of their own. */
function paragonOf(e: RunningEmulator): HistorySource {
  return new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
}
function disperslOf(e: RunningEmulator): HistorySource {
  return new DisperslClient({ baseUrl: e.disperslBaseUrl, apiKey: e.apiKey, retryBaseDelayMs: 1, requestsPerHour: null });
}

describe('Sync into the run index', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thx-sync-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = () => RunIndex.open(join(dir, 'runs.db'));

  describe('a healthy emulator', () => {
    const emulator = useEmulator({ paragonExecutions: 1500, disperslTasks: 240 });

    it('from empty equals the truth exactly; a second sync with nothing new costs at most 3 requests', async () => {
      const e = emulator();
      const index = open();
      const first = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      const truth = e.truth.paragonIds({});
      assert.equal(index.count('p'), truth.length);
      assert.equal(first.listed, truth.length);
      assert.equal(index.count('p', { status: 'failed' }), e.truth.paragonIds({ status: 'FAILED' }).length);
      // Every failed run has its steps, and its failing step's output.
      const failed = index.page('p', { status: 'failed' }, 0, 100_000);
      assert.ok(failed.length > 20);
      for (const run of failed) {
        const held = index.get('p', run.id)!;
        assert.ok(held.steps && held.steps.length > 0, `steps of ${run.id}`);
        assert.ok(held.failingOutput, `failing output of ${run.id}`);
      }
      assert.deepEqual(index.runsWithoutDetail('p', { statuses: ['failed'] }), []);
      const second = await syncSource({ sourceId: 'p', source: paragonOf(e), index });
      assert.ok(second.requests <= 3, `a second sync sent ${second.requests} requests`);
      assert.equal(second.details, 0);
      index.close();
    });

    it('reports time left in each phase: the pace so far, never under what the budget allows; none left at the end of a phase', async () => {
      const e = emulator();
      const index = open();
      const seen: SyncProgress[] = [];
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all', onProgress: (p) => seen.push(p) });
      const listing = seen.filter((p) => p.phase === 'listing');
      const midway = listing.filter((p) => p.done > 0 && p.total !== undefined && p.done < p.total);
      assert.ok(midway.length >= 2, 'progress partway through the listing');
      for (const p of midway) assert.ok(p.remainingMs !== undefined && p.remainingMs >= 0, `time left at ${p.done}`);
      assert.equal(listing.at(-1)!.remainingMs, 0);
      const details = seen.filter((p) => p.phase === 'details');
      assert.ok(details.length > 2);
      assert.equal(details[0]!.remainingMs, undefined, 'nothing to go by before the first detail (no budget set)');
      assert.equal(details.at(-1)!.remainingMs, 0);
      assert.ok(details.slice(1, -1).every((p) => p.remainingMs !== undefined));
      index.close();
    });

    it('Dispersl: every finished task with its steps (agents, models and tokens live only there)', async () => {
      const e = emulator();
      const index = open();
      const report = await syncSource({ sourceId: 'd', source: disperslOf(e), index, since: 'all', details: 'all' });
      const truth = e.truth.disperslIds({});
      assert.equal(index.count('d'), truth.length);
      assert.equal(report.details + index.activeRunIds('d').length, truth.length);
      assert.deepEqual(index.runsWithoutDetail('d'), []);
      index.close();
    });

    it("a sync stopped while fetching steps keeps every run's steps it fetched (they are written in batches), and the next sync fetches only the rest", async () => {
      const e = emulator();
      const index = open();
      const abort = new AbortController();
      let fetchedWhenStopped = 0;
      await assert.rejects(
        syncSource({
          sourceId: 'p',
          source: paragonOf(e),
          index,
          since: 'all',
          signal: abort.signal,
          onProgress: (p) => {
            if (p.phase === 'details' && p.done >= 7 && !abort.signal.aborted) {
              fetchedWhenStopped = p.done;
              abort.abort();
            }
          },
        }),
      );
      const failed = e.truth.paragonIds({ status: 'FAILED' }).length;
      const left = index.runsWithoutDetail('p', { statuses: ['failed'] }).length;
      assert.equal(failed - left, fetchedWhenStopped, 'fewer than a batch, written when the sync stopped');
      const resumed = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      assert.equal(resumed.details, left);
      assert.deepEqual(index.runsWithoutDetail('p', { statuses: ['failed'] }), []);
      index.close();
    });

    it('a sync stopped partway resumes where it stopped, without duplicates or gaps', async () => {
      const e = emulator();
      const index = open();
      const abort = new AbortController();
      await assert.rejects(
        syncSource({
          sourceId: 'p',
          source: paragonOf(e),
          index,
          since: 'all',
          signal: abort.signal,
          onProgress: (p) => {
            if (p.phase === 'listing' && p.done >= 500) abort.abort();
          },
        }),
      );
      const landed = index.count('p');
      assert.ok(landed >= 500 && landed < e.truth.paragonIds({}).length, `the first batches landed (${landed})`);
      const resumed = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      assert.ok(resumed.from, 'it resumed from a checkpoint');
      assert.ok(resumed.listed < e.truth.paragonIds({}).length, `it did not list everything again (${resumed.listed})`);
      assert.equal(index.count('p'), e.truth.paragonIds({}).length);
      index.close();
    });

    it('checkpoints partway only through a source that declares it lists oldest first', async () => {
      const e = emulator();
      const index = open();
      const paragon = paragonOf(e);
      assert.equal(paragon.capabilities.listsOldestFirst, true);
      // The same client, not declaring it: a stopped listing leaves no checkpoint, and is listed again whole.
      const undeclared: HistorySource = Object.assign(Object.create(paragon) as HistorySource, { capabilities: { ...paragon.capabilities, listsOldestFirst: undefined } });
      const abort = new AbortController();
      await assert.rejects(
        syncSource({ sourceId: 'p', source: undeclared, index, since: 'all', signal: abort.signal, onProgress: (p) => p.phase === 'listing' && p.done >= 500 && abort.abort() }),
      );
      assert.ok(index.count('p') >= 500, 'the batches landed');
      assert.equal(index.syncState<{ partial?: string }>('p')?.partial, undefined, 'no checkpoint');
      const resumed = await syncSource({ sourceId: 'p', source: undeclared, index, since: 'all' });
      assert.equal(resumed.from, undefined, 'listed from the start again');
      assert.equal(resumed.listed, e.truth.paragonIds({}).length);
      assert.equal(index.count('p'), e.truth.paragonIds({}).length);
      index.close();
    });

    it('a first listing stopped without a checkpoint does not lend its start to the next one: the range starts where the listing that completed started', async () => {
      const e = emulator();
      const index = open();
      const paragon = paragonOf(e);
      const undeclared: HistorySource = Object.assign(Object.create(paragon) as HistorySource, { capabilities: { ...paragon.capabilities, listsOldestFirst: undefined } });
      const day = 86_400_000;
      const abort = new AbortController();
      await assert.rejects(
        syncSource({
          sourceId: 'p',
          source: undeclared,
          index,
          since: new Date(Date.now() - 60 * day),
          signal: abort.signal,
          onProgress: (p) => p.phase === 'listing' && p.done >= 500 && abort.abort(),
        }),
      );
      const later = new Date(Date.now() - 20 * day);
      await syncSource({ sourceId: 'p', source: undeclared, index, since: later });
      const coverage = syncCoverage(index, 'p');
      assert.ok(coverage && coverage.from !== 'all');
      assert.equal(coverage.from.toISOString(), later.toISOString(), "not the stopped listing's 60 days");
      index.close();
    });

    it('records the range the index is complete for: from where the first listing started, even when it was resumed, to the pin of the last complete listing', async () => {
      const e = emulator();
      const index = open();
      const since = new Date(Date.now() - 40 * 86_400_000);
      assert.equal(syncCoverage(index, 'p'), undefined, 'nothing synced yet');
      const abort = new AbortController();
      await assert.rejects(
        syncSource({ sourceId: 'p', source: paragonOf(e), index, since, signal: abort.signal, onProgress: (p) => p.phase === 'listing' && p.done >= 500 && abort.abort() }),
      );
      assert.ok(index.count('p') >= 500);
      assert.equal(syncCoverage(index, 'p'), undefined, 'a listing that did not complete covers nothing yet');
      const before = new Date();
      const resumed = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since });
      assert.notEqual(resumed.from, since.toISOString(), 'it resumed from its checkpoint');
      const coverage = syncCoverage(index, 'p')!;
      assert.deepEqual(coverage.from, since);
      assert.ok(coverage.to >= before && coverage.to <= new Date());
      // Exactly what the API had in that range is in the index.
      assert.equal(
        index.count('p', { startedAfter: since, startedBefore: coverage.to }),
        e.truth.paragonIds({ afterDate: since.toISOString(), beforeDate: coverage.to.toISOString() }).length,
      );
      assert.equal(index.count('p', { startedBefore: since }), 0);
      // A state written before coverage was recorded says nothing about it.
      index.setSyncState('old', { complete: coverage.to.toISOString() });
      assert.equal(syncCoverage(index, 'old'), undefined);
      index.close();
    });

    it('goes further back when asked (an earlier since, then all history), resumably, and widens the range only when that listing completes', async () => {
      const e = emulator();
      const index = open();
      const recent = new Date(Date.now() - 10 * 86_400_000);
      const older = new Date(Date.now() - 70 * 86_400_000);
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: recent });
      assert.deepEqual(syncCoverage(index, 'p')!.from, recent);
      // The same since again, or none: nothing older is listed.
      const again = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: recent });
      assert.equal(again.backfilled, 0);
      assert.ok(again.requests <= 3, `${again.requests} requests`);
      // Further back, stopped partway: the range stays where it was.
      const olderRuns = e.truth.paragonIds({ afterDate: older.toISOString(), beforeDate: recent.toISOString() }).length;
      assert.ok(olderRuns > 600, `${olderRuns} older runs`);
      const abort = new AbortController();
      await assert.rejects(
        syncSource({
          sourceId: 'p',
          source: paragonOf(e),
          index,
          since: older,
          signal: abort.signal,
          onProgress: (p) => p.phase === 'backfilling' && p.done >= 500 && abort.abort(),
        }),
      );
      assert.deepEqual(syncCoverage(index, 'p')!.from, recent, 'not widened by a listing that did not complete');
      // Resumed: only what was left is listed, and then the range starts further back.
      const resumed = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: older });
      assert.ok(resumed.backfilled > 0 && resumed.backfilled < olderRuns, `resumed, not started over (${resumed.backfilled} of ${olderRuns})`);
      const coverage = syncCoverage(index, 'p')!;
      assert.deepEqual(coverage.from, older);
      assert.equal(index.count('p'), e.truth.paragonIds({ afterDate: older.toISOString(), beforeDate: coverage.to.toISOString() }).length);
      // All history.
      const all = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      assert.equal(all.backfilled, e.truth.paragonIds({ beforeDate: older.toISOString() }).length);
      assert.equal(syncCoverage(index, 'p')!.from, 'all');
      assert.equal(index.count('p'), e.truth.paragonIds({ beforeDate: syncCoverage(index, 'p')!.to.toISOString() }).length);
      const last = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      assert.equal(last.backfilled, 0);
      assert.ok(last.requests <= 3, `${last.requests} requests`);
      index.close();
    });

    it('a state from before coverage was recorded gains a range through a backfill up to where its next listing starts', async () => {
      const e = emulator();
      const index = open();
      const recent = new Date(Date.now() - 20 * 86_400_000);
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: recent });
      const { to } = syncCoverage(index, 'p')!;
      index.setSyncState('p', { complete: to.toISOString() });
      assert.equal(syncCoverage(index, 'p'), undefined);
      const older = new Date(Date.now() - 30 * 86_400_000);
      const report = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: older });
      assert.ok(report.backfilled > 0);
      const coverage = syncCoverage(index, 'p')!;
      assert.deepEqual(coverage.from, older);
      assert.equal(index.count('p'), e.truth.paragonIds({ afterDate: older.toISOString(), beforeDate: coverage.to.toISOString() }).length);
      index.close();
    });

    it('keeps a run the API no longer has, archived, with what was fetched; it still opens from the index', async () => {
      const e = emulator();
      let index = open();
      const gone: RunDetail = {
        id: '00000000-0000-4000-8000-000000000000',
        sourceKind: 'paragon',
        status: 'failed',
        rawStatus: 'FAILED',
        startedAt: '2026-01-02T03:04:05.000Z',
        endedAt: '2026-01-02T03:04:06.000Z',
        steps: [{ id: 'st', runId: '00000000-0000-4000-8000-000000000000', status: 'failed', rawStatus: 'FAILED', type: 'ACTION/REQUEST', next: [] }],
      };
      index.putDetail('p', gone);
      // And one listed as running, whose detail never came, that the API has forgotten.
      // It was last seen a day ago: due for a look.
      const running: Run = { id: '00000000-0000-4000-8000-000000000001', sourceKind: 'paragon', status: 'running', rawStatus: 'EXECUTING', startedAt: '2026-01-02T03:04:05.000Z' };
      index.close();
      const yesterday = RunIndex.open(join(dir, 'runs.db'), { now: () => new Date(Date.now() - 86_400_000) });
      yesterday.upsertRuns('p', [running]);
      yesterday.close();
      index = open();
      const report = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: new Date(Date.now() - 3_600_000) });
      assert.equal(report.archived, 1);
      assert.equal(index.get('p', running.id)!.archived, true);
      const kept = index.get('p', gone.id)!;
      assert.deepEqual(kept.steps, gone.steps, 'what was fetched is kept');
      index.close();
    });
  });

  describe("Paragon's integrations (a run names its own only in a listing filtered by it)", () => {
    const emulator = useEmulator({ paragonExecutions: 1500, disperslTasks: 20 });

    /** Each run's integration as the emulator has it. */
    const truthOf = (e: RunningEmulator): Map<string, string> =>
      new Map(e.truth.integrations.flatMap((integration) => e.truth.paragonIds({ integration }).map((id) => [id, integration] as const)));
    /** Asserts every indexed run names the integration the truth gives it (none for those of `missing`), in its summary and its column. */
    const assertTags = (index: RunIndex, e: RunningEmulator, missing: readonly string[] = []) => {
      const truth = truthOf(e);
      const all = [...index.scan('p', {}, { order: 'asc', archived: 'include' })];
      assert.equal(all.length, e.truth.paragonIds({}).length);
      for (const run of all) {
        const expected = truth.get(run.id);
        assert.equal(run.integration, expected !== undefined && missing.includes(expected) ? undefined : expected, `integration of ${run.id}`);
      }
      for (const integration of e.truth.integrations) {
        const expected = missing.includes(integration) ? 0 : e.truth.paragonIds({ integration }).length;
        assert.equal(index.count('p', { integration }), expected, `runs of ${integration}`);
      }
    };

    it("after a sync with the emulator's integration names every run's integration equals the truth; a second sync with nothing new costs at most k+1 requests", async () => {
      const e = emulator();
      const index = open();
      const k = e.truth.integrations.length;
      const first = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all', integrations: e.truth.integrations });
      assert.equal(first.tagged, e.truth.paragonIds({}).length);
      assert.equal(first.untagged, 0);
      assert.equal(first.doubleTagged, 0);
      assertTags(index, e);
      e.resetStats();
      const second = await syncSource({ sourceId: 'p', source: paragonOf(e), index, integrations: e.truth.integrations });
      assert.ok(second.requests <= k + 1, `a second sync sent ${second.requests} requests (k = ${k})`);
      assert.ok(e.stats().requests <= k + 1, `the emulator saw ${e.stats().requests} requests`);
      assertTags(index, e);
      index.close();
    });

    it('an unfiltered listing afterwards (a sync without integrations, a whole re-listing) is no change and drops no tag', async () => {
      const e = emulator();
      const index = open();
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all', integrations: e.truth.integrations });
      const again = await syncSource({ sourceId: 'p', source: paragonOf(e), index });
      assert.equal(again.tagged, 0);
      const everything = await collect(snapshot(paragonOf(e), {}));
      assert.equal(everything.length, e.truth.paragonIds({}).length);
      assert.ok(
        everything.every((run) => run.integration === undefined),
        'the unfiltered listing names no integration',
      );
      // A finished run's summary never changes: the same run without its integration is no change.
      const finished = everything.filter((run) => !isActive(run.status));
      assert.ok(finished.length > 1000);
      assert.equal(index.upsertRuns('p', finished), 0);
      // Runs still going change (their duration so far): written again, with their tags.
      assert.equal(index.upsertRuns('p', everything), everything.length - finished.length);
      assertTags(index, e);
      index.close();
    });

    it("with one integration left out of the config, untagged equals the truth's count of that integration's runs", async () => {
      const e = emulator();
      const index = open();
      const [left, ...configured] = e.truth.integrations;
      const report = await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all', integrations: configured });
      assert.equal(report.untagged, e.truth.paragonIds({ integration: left! }).length);
      assert.ok(report.untagged > 0);
      assert.equal(report.tagged + report.untagged, e.truth.paragonIds({}).length);
      assertTags(index, e, [left!]);
      // Then configured: the runs already indexed are tagged too (the whole covered range, once).
      const all = await syncSource({ sourceId: 'p', source: paragonOf(e), index, integrations: e.truth.integrations });
      assert.equal(all.untagged, 0);
      assertTags(index, e);
      index.close();
    });

    it('a sync stopped while tagging leaves the rest to the next sync, which tags it', async () => {
      const e = emulator();
      const index = open();
      const abort = new AbortController();
      await assert.rejects(
        syncSource({
          sourceId: 'p',
          source: paragonOf(e),
          index,
          since: 'all',
          integrations: e.truth.integrations,
          signal: abort.signal,
          onProgress: (p) => {
            if (p.phase === 'tagging' && p.done >= 2) abort.abort();
          },
        }),
      );
      assert.ok(index.count('p', { integration: e.truth.integrations[0]! }) > 0, 'the first integrations were tagged');
      assert.equal(index.count('p', { integration: e.truth.integrations.at(-1)! }), 0, 'the last was not');
      const next = await syncSource({ sourceId: 'p', source: paragonOf(e), index, integrations: e.truth.integrations });
      assert.equal(next.untagged, 0);
      assertTags(index, e);
      index.close();
    });

    it('a source that cannot list by integration refuses integrations', async () => {
      const e = emulator();
      const index = open();
      await assert.rejects(syncSource({ sourceId: 'd', source: disperslOf(e), index, integrations: ['salesforce'] }), UnsupportedError);
      index.close();
    });

    it('upsertRuns keeps a stored integration that a run without one leaves out, in its summary too, and counts only a real change', () => {
      const index = open();
      const listed: Run = {
        id: 'r1',
        sourceKind: 'paragon',
        status: 'running',
        rawStatus: 'EXECUTING',
        startedAt: '2026-01-02T03:04:05.000Z',
        integration: undefined,
        taskCount: 1,
      };
      assert.equal(index.upsertRuns('p', [listed]), 1);
      assert.equal(index.upsertRuns('p', [{ ...listed, integration: 'salesforce' }]), 1, 'a tag is a change');
      assert.equal(index.upsertRuns('p', [listed]), 0, 'the same run without its integration is not');
      assert.equal(index.get('p', 'r1')!.run.integration, 'salesforce');
      const ended: Run = { ...listed, status: 'succeeded', rawStatus: 'SUCCEEDED', endedAt: '2026-01-02T03:05:05.000Z', taskCount: 4 };
      assert.equal(index.upsertRuns('p', [ended]), 1, 'a new state is');
      assert.deepEqual(index.get('p', 'r1')!.run, { ...ended, integration: 'salesforce' });
      assert.equal(index.count('p', { integration: 'salesforce' }), 1);
      assert.equal(index.upsertRuns('p', [ended]), 0);
      index.close();
    });
  });

  describe('runs that end between syncs', () => {
    const emulator = useEmulator({ paragonExecutions: 200, disperslTasks: 20, replayDurationMs: 20 });

    it('a running run re-checked that has ended is kept with its steps and failing output from that one read: no second request for it', async () => {
      const e = emulator();
      const index = open();
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, since: 'all' });
      const [id] = e.startRuns(1, 'FAILED');
      // A sync lists what started before its pin (now): pinned a few ms on, a run started in this very millisecond is in it.
      await syncSource({ sourceId: 'p', source: paragonOf(e), index, now: () => new Date(Date.now() + 10) });
      assert.equal(index.get('p', id!)!.run.status, 'running');
      while (!e.truth.paragonIds({ status: 'FAILED' }).includes(id!)) await new Promise((resolve) => setTimeout(resolve, 10));
      // Reads of this run, counted on the way to the emulator.
      const inner = paragonOf(e);
      let reads = 0;
      let stepReads = 0;
      const counted: HistorySource = {
        ...inner,
        kind: inner.kind,
        label: inner.label,
        capabilities: inner.capabilities,
        listPage: (query, offset, options) => inner.listPage(query, offset, options),
        getRun: (runId, signal) => ((reads += runId === id ? 1 : 0), inner.getRun(runId, signal)),
        getStepPayload: (runId, stepId, signal) => ((stepReads += runId === id ? 1 : 0), inner.getStepPayload!(runId, stepId, signal)),
      };
      // Two minutes on, the run is due for a look.
      const report = await syncSource({ sourceId: 'p', source: counted, index, now: () => new Date(Date.now() + 120_000) });
      const held = index.get('p', id!)!;
      assert.equal(held.run.status, 'failed');
      assert.ok(held.steps && held.steps.length > 0, 'its steps');
      assert.ok(held.failingOutput, 'its failing output');
      assert.equal(reads, 1, 'one read of the run');
      assert.equal(stepReads, 1, 'one read of its failing step');
      assert.ok(report.rechecked >= 1);
      index.close();
    });
  });

  describe('under random faults, with runs starting during the sync', () => {
    const emulator = useEmulator({ paragonExecutions: 900, disperslTasks: 60, faultRate: 0.08, faultKinds: ['server-error', 'drop', 'truncate', 'non-json'] });

    it('still equals the truth as it stood when the sync started', async () => {
      const e = emulator();
      const index = open();
      const before = new Set(e.truth.paragonIds({}));
      let started = 0;
      await syncSource({
        sourceId: 'p',
        source: paragonOf(e),
        index,
        since: 'all',
        onProgress: () => {
          if (started < 5) started += e.startRuns(1).length;
        },
      });
      const indexed = new Set(index.page('p', {}, 0, 100_000).map((r) => r.id));
      for (const id of before) assert.ok(indexed.has(id), `run ${id} is indexed`);
      assert.ok(started > 0, 'runs started during the sync');
      // Those that started during it are in, or come with the next sync (the overlap window).
      await syncSource({ sourceId: 'p', source: paragonOf(e), index });
      assert.equal(index.count('p'), e.truth.paragonIds({}).length);
      index.close();
    });
  });

  it('estimates time left as the larger of the pace so far and the budget floor', () => {
    assert.equal(estimateRemainingMs(0, undefined, 1000, 0), undefined, 'no total: no estimate');
    assert.equal(estimateRemainingMs(0, 10, 0, 0), undefined, 'nothing done and no budget: nothing to go by');
    assert.equal(estimateRemainingMs(0, 10, 0, 5000), 5000, 'the budget alone');
    assert.equal(estimateRemainingMs(5, 10, 1000, 0), 1000, 'the pace alone: 200 ms each, 5 left');
    assert.equal(estimateRemainingMs(5, 10, 1000, 60_000), 60_000, 'the budget is slower than the pace so far');
    assert.equal(estimateRemainingMs(5, 10, 100_000, 60_000), 100_000, 'the pace is slower than the budget');
    assert.equal(estimateRemainingMs(10, 10, 1000, 60_000), 0, 'done');
  });

  it('holds to its share of the request budget: with 10 per minute and a half share, the sixth request waits', async () => {
    let calls = 0;
    const fake: HistorySource = {
      kind: 'paragon',
      label: 'budget probe',
      capabilities: {
        replay: false,
        stepPayloads: false,
        serverExport: [],
        filterStatuses: [],
        filterByUser: false,
        filterByWorkflow: false,
        filterByIntegration: false,
        groupBy: [],
        pageSize: 100,
        requestBudget: { limit: 10, intervalMs: 60_000 },
      },
      listPage: async () => {
        calls++;
        return { runs: [], total: 0, offset: 0 };
      },
      getRun: async () => {
        throw new Error('not used');
      },
    };
    const { source, requests, lowerBoundMs } = budgetedSource(fake, 0.5);
    // The floor under time left: what the window has room for goes now, the rest at 5 a minute.
    assert.equal(lowerBoundMs(5), 0);
    assert.equal(lowerBoundMs(7), 24_000);
    for (let i = 0; i < 5; i++) await source.listPage({}, 0);
    assert.equal(lowerBoundMs(5), 60_000);
    const abort = new AbortController();
    const sixth = source.listPage({}, 0, { signal: abort.signal });
    const waited = await Promise.race([sixth.then(() => 'sent'), new Promise((resolve) => setImmediate(() => resolve('waiting')))]);
    assert.equal(waited, 'waiting');
    abort.abort();
    await assert.rejects(sixth);
    assert.equal(calls, 5);
    assert.equal(requests(), 5);
  });
});
