import assert from 'node:assert/strict';
import type { RunPage, RunQuery } from '../../src/core/model';
import { runs, snapshot } from '../../src/core/paging';
import type { HistorySource, ListOptions } from '../../src/core/source';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { collect, useEmulator } from './support/emulatorFixture';

/** Starts new runs on the emulator before every page request: the worst case for offsets. */
function startingRunsWhilePaging(source: HistorySource, start: () => void): HistorySource {
  return {
    kind: source.kind,
    label: source.label,
    capabilities: source.capabilities,
    getRun: (id, signal) => source.getRun(id, signal),
    listPage(query: RunQuery, offset: number, options?: ListOptions): Promise<RunPage> {
      start();
      return source.listPage(query, offset, options);
    },
  };
}

describe('Snapshot listing', () => {
  describe('Paragon', () => {
    const emulator = useEmulator({ faultRate: 0.08, faultKinds: ['server-error', 'drop', 'truncate', 'non-json', 'rate-limit'] });
    const client = () =>
      new ParagonClient({
        projectId: emulator().projectId,
        baseUrl: new URL(emulator().paragonBaseUrl).origin,
        apiKey: emulator().apiKey,
        rateLimit: null,
        retries: 8,
        retryBaseDelayMs: 5,
        concurrency: 4,
      });

    it('is complete and duplicate-free while runs keep starting, under random faults', async () => {
      const pinnedAt = new Date();
      const source = startingRunsWhilePaging(client(), () => emulator().startRuns(3));
      const iterator = snapshot(source, {}, { pinnedAt, concurrency: 4 });
      const ids: string[] = [];
      let result = await iterator.next();
      while (!result.done) {
        ids.push(result.value.id);
        result = await iterator.next();
      }
      const expected = emulator().truth.paragonIds({ beforeDate: pinnedAt.toISOString() });
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual(ids, expected, 'every run before the pin, oldest first, none missing');
      assert.equal(result.value.emitted, expected.length);
      assert.ok(emulator().stats().replays.length === 0);
      assert.ok(Object.values(emulator().stats().faultsInjected).reduce((a, b) => a + b, 0) > 0, 'faults did happen');
    });

    it('shows why: plain newest-first paging repeats runs when new ones start', async () => {
      const source = startingRunsWhilePaging(client(), () => emulator().startRuns(3));
      const all = (await collect(runs(source, {}))).map((r) => r.id);
      assert.ok(all.length > new Set(all).size, 'the naive listing saw duplicates');
    });

    it('respects a filter and an earlier end date', async () => {
      const before = new Date(Date.now() - 10 * 86_400_000);
      const ids = (await collect(snapshot(client(), { status: 'failed', startedBefore: before }))).map((r) => r.id);
      assert.deepEqual(ids, emulator().truth.paragonIds({ status: 'FAILED', beforeDate: before.toISOString() }));
    });

    it('stops when cancelled', async () => {
      const controller = new AbortController();
      let seen = 0;
      await assert.rejects(async () => {
        for await (const run of snapshot(client(), {}, { signal: controller.signal })) {
          if (run && ++seen === 250) controller.abort();
        }
      }, /Cancelled/);
    });
  });

  describe('Dispersl', () => {
    const emulator = useEmulator({ liveStartsPerSecond: 20 });
    it('pins the end date so new tasks do not shift its newest-first pages', async () => {
      const client = new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null });
      const pinnedAt = new Date();
      const ids = (await collect(snapshot(client, {}, { pinnedAt }))).map((r) => r.id);
      assert.deepEqual(ids, emulator().truth.disperslIds({ to_date: pinnedAt.toISOString() }));
    });
  });
});
