import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runList } from '../../src/cli/commands/listCommand';
import type { CliContext } from '../../src/cli/cliContext';
import { exportRuns } from '../../src/core/export/exportRuns';
import type { Run } from '../../src/core/model';
import { pages, runs, snapshot, SnapshotMismatchError } from '../../src/core/paging';
import { SeenIds } from '../../src/core/seenIds';
import type { HistorySource } from '../../src/core/source';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ProtocolError } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { RunListing } from '../../src/store/runListing';
import { nextOffsetFrom } from '../../src/sources/paragon/paragonWire';
import { HOSTILE_KEY, HOSTILE_PROJECT, hostileRunId, startHostileListServer, type HostileBehaviour, type HostileListServer } from './support/hostileListServer';

const CONCURRENCY = 16;
/** A guard, never a timing: a test that loops past this many runs has already failed. */
const RUNAWAY = 5_000;

describe('Listings against a hostile API', () => {
  let server: HostileListServer;
  let dir: string;
  before(async () => {
    server = await startHostileListServer({ runs: 0 });
    dir = await mkdtemp(join(tmpdir(), 'thx-hostile-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const paragon = (behaviour: HostileBehaviour): ParagonClient => {
    server.reset(behaviour);
    return new ParagonClient({ projectId: HOSTILE_PROJECT, baseUrl: server.paragonBaseUrl, apiKey: HOSTILE_KEY, rateLimit: null, retries: 0, concurrency: CONCURRENCY });
  };
  const dispersl = (behaviour: HostileBehaviour): DisperslClient => {
    server.reset(behaviour);
    return new DisperslClient({ baseUrl: server.disperslBaseUrl, apiKey: HOSTILE_KEY, requestsPerHour: null, retries: 0, concurrency: CONCURRENCY });
  };

  function cliContext(out: { stdout: string; stderr: string }): CliContext {
    return {
      io: { stdout: { write: (text) => (out.stdout += text) }, stderr: { write: (text) => (out.stderr += text) }, stderrIsTTY: false },
      env: { TASK_HISTORY_API_KEY: HOSTILE_KEY },
      signal: new AbortController().signal,
    };
  }

  /** Drains a snapshot; resolves with the runs, or rejects with its error. Stops a runaway. */
  async function drainSnapshot(source: HistorySource): Promise<Run[]> {
    const seen: Run[] = [];
    for await (const run of snapshot(source, {}, { concurrency: CONCURRENCY })) {
      seen.push(run);
      if (seen.length > RUNAWAY) throw new Error(`runaway: more than ${RUNAWAY} runs`);
    }
    return seen;
  }

  async function drainRuns(source: HistorySource): Promise<Run[]> {
    const seen: Run[] = [];
    for await (const run of runs(source, {})) {
      seen.push(run);
      if (seen.length > RUNAWAY) throw new Error(`runaway: more than ${RUNAWAY} runs`);
    }
    return seen;
  }

  describe('lying totals', () => {
    it('survives a first page claiming 1e12 runs, and sends requests only as the data justifies', async () => {
      const source = paragon({ runs: 230, total: 1e12, nextLink: 'forever' });
      await assert.rejects(drainSnapshot(source), (error: unknown) => {
        assert.ok(error instanceof SnapshotMismatchError, String(error));
        assert.match(error.message, /1,000,000,000,000/);
        assert.match(error.message, /230/);
        return true;
      });
      const bound = Math.ceil(230 / 100) + CONCURRENCY;
      const sent = source.http.stats.requests;
      console.log(`      total 1e12, 230 runs: ${sent} list requests sent (bound ${bound})`);
      assert.ok(sent <= bound, `${sent} requests`);
    });

    it('sends about ceil(230 / 100) + the look-ahead requests when the total claims 1e6', async () => {
      const source = paragon({ runs: 230, total: 1e6, nextLink: 'forever' });
      await assert.rejects(drainSnapshot(source), SnapshotMismatchError);
      const bound = Math.ceil(230 / 100) + CONCURRENCY;
      const sent = source.http.stats.requests;
      console.log(`      total 1e6, 230 runs: ${sent} list requests sent (bound ${bound})`);
      assert.ok(sent <= bound, `${sent} requests`);
      assert.equal(server.counts.list, sent, 'the look-ahead past the end finished before the listing did: none still on its way');
    });

    it('stops at a short page on Dispersl too, whatever has_more and total say', async () => {
      const source = dispersl({ runs: 230, total: 1e6, hasMore: 'forever' });
      await assert.rejects(drainSnapshot(source), SnapshotMismatchError);
      assert.ok(source.http.stats.requests <= Math.ceil(230 / 100) + CONCURRENCY, `${source.http.stats.requests} requests`);
      const again = dispersl({ runs: 230, total: 1e6, hasMore: 'forever' });
      assert.equal((await drainRuns(again)).length, 230);
      assert.equal(again.http.stats.requests, 3, 'pages at 0, 100 and 200 (short: the last)');
    });

    it('rejects a total that is not a count of runs, on both APIs', async () => {
      for (const total of [-1, 1e300, 2.5]) {
        await assert.rejects(paragon({ runs: 10, total }).listPage({}, 0), (error: unknown) => error instanceof ProtocolError && /not a count/.test(error.message));
        await assert.rejects(dispersl({ runs: 10, total }).listPage({}, 0), (error: unknown) => error instanceof ProtocolError && /not a count/.test(error.message));
      }
    });

    it('says what it saw when fewer runs arrive than the total', async () => {
      const source = paragon({ runs: 230, total: 250 });
      await assert.rejects(drainSnapshot(source), (error: unknown) => {
        assert.ok(error instanceof SnapshotMismatchError);
        assert.equal(error.expected, 250);
        assert.equal(error.received, 230);
        assert.match(error.message, /250/);
        assert.match(error.message, /230/);
        assert.doesNotMatch(error.message, /may have expired/i, 'not a guess about retention when the pages ended short');
        return true;
      });
    });

    it('fails when more runs arrive than the total, without reading the rest', async () => {
      const source = paragon({ runs: 3000, total: 150, nextLink: 'honest' });
      await assert.rejects(drainSnapshot(source), SnapshotMismatchError);
      assert.equal(source.http.stats.requests, 2, 'the first page, and the one its full page justified');
    });

    it('lists --all no further than the data when the total lies, and says so', async () => {
      const source = paragon({ runs: 230, total: 1e6, nextLink: 'forever' });
      assert.equal((await drainRuns(source)).length, 230);
      assert.equal(source.http.stats.requests, 3);

      paragon({ runs: 230, total: 1e6, nextLink: 'forever' });
      const out = { stdout: '', stderr: '' };
      await runList({ source: 'paragon', baseUrl: server.paragonBaseUrl, project: HOSTILE_PROJECT, concurrency: CONCURRENCY, all: true, json: true }, cliContext(out));
      assert.equal((JSON.parse(out.stdout) as unknown[]).length, 230);
      assert.match(out.stderr, /230 of 1,000,000 runs/);
      assert.match(out.stderr, /counted 1,000,000 but its pages ended after 230/);
      assert.doesNotMatch(out.stderr, /--all for more/);
    });

    it('offers no Load more in the tree after a short page, whatever the total says', async () => {
      const listing = new RunListing(paragon({ runs: 150, total: 1e6, nextLink: 'forever' }), 'p', {});
      await listing.ensureFirstPage();
      assert.equal(listing.hasMore, true);
      await listing.loadNext();
      assert.equal(listing.runs.length, 150);
      assert.equal(listing.hasMore, false);
      assert.equal(listing.error, undefined);
    });
  });

  describe('never-ending and looping pages', () => {
    it('ends runs() with an error when nextLink never ends and pages start over (Paragon)', async () => {
      const source = paragon({ runs: 230, nextLink: 'forever', wrap: true });
      await assert.rejects(drainRuns(source), (error: unknown) => {
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match(error.message, /again/);
        return true;
      });
      assert.equal(source.http.stats.requests, 3, 'pages at 0, 100, and 200 (which starts over)');
    });

    it('ends list --all with an error, not 100,002 rows, when nextLink never ends', async () => {
      paragon({ runs: 230, nextLink: 'forever', wrap: true });
      const controller = new AbortController();
      let stderr = '';
      let rows = 0;
      const ctx: CliContext = {
        io: {
          stdout: {
            write: (text) => {
              rows += (text.match(/\n/g) ?? []).length;
              if (rows > RUNAWAY) controller.abort();
            },
          },
          stderr: { write: (text) => (stderr += text) },
          stderrIsTTY: false,
        },
        env: { TASK_HISTORY_API_KEY: HOSTILE_KEY },
        signal: controller.signal,
      };
      await assert.rejects(runList({ source: 'paragon', baseUrl: server.paragonBaseUrl, project: HOSTILE_PROJECT, concurrency: CONCURRENCY, all: true }, ctx), (error: unknown) => {
        assert.ok(error instanceof ProtocolError, `${String(error)} after ${rows} rows`);
        return true;
      });
      console.log(`      list --all against a never-ending nextLink: ${rows} lines printed (the header and 200 runs), then the error`);
      assert.ok(rows <= 300, `${rows} rows printed`);
      assert.equal(controller.signal.aborted, false);
      assert.equal(stderr, '');
    });

    it('fails the snapshot when pages start over', async () => {
      const source = paragon({ runs: 230, total: 1e6, nextLink: 'forever', wrap: true });
      await assert.rejects(drainSnapshot(source), ProtocolError);
      assert.ok(source.http.stats.requests <= 3 + CONCURRENCY, `${source.http.stats.requests} requests`);
    });

    it('treats a nextLink naming the same offset as an error', async () => {
      const source = paragon({ runs: 1000, nextLink: 'same' });
      await assert.rejects(drainRuns(source), /does not advance/);
      assert.equal(source.http.stats.requests, 1);
      await assert.rejects(drainSnapshot(paragon({ runs: 1000, nextLink: 'same' })), /does not advance/);
    });

    it('treats a nextLink going back to an earlier offset as an error', async () => {
      const source = paragon({ runs: 1000, nextLink: 'back' });
      await assert.rejects(drainRuns(source), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, /goes back/);
        return true;
      });
      assert.equal(source.http.stats.requests, 2);
    });

    it('treats a Dispersl answer for another offset as an error', async () => {
      const source = dispersl({ runs: 1000, echoOffset: 'zero' });
      await assert.rejects(drainRuns(source), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, /offset 100.*offset 0/);
        return true;
      });
      assert.equal(source.http.stats.requests, 2);
    });

    it('names the offsets in nextOffsetFrom', () => {
      const link = (offset: number) => `https://zeus.invalid/x?offset=${offset}`;
      assert.equal(nextOffsetFrom(link(200), 100, 100), 200);
      assert.equal(nextOffsetFrom(null, 100, 100), undefined);
      assert.equal(nextOffsetFrom(link(100), 0, 0), undefined, 'an empty page is the last');
      assert.throws(() => nextOffsetFrom(link(100), 100, 100), /does not advance/);
      assert.throws(() => nextOffsetFrom(link(0), 100, 100), /goes back/);
      assert.throws(() => nextOffsetFrom(link(150), 100, 100), /overlap/);
      assert.ok(nextOffsetFrom(`https://zeus.invalid/x?offset=${'9'.repeat(30)}`, 100, 100)! > 1e29, 'an absurd offset is passed on, for the paging rules to call a skip');
    });

    it('shows a looping or skipping nextLink as an error in the tree, with no Load more', async () => {
      const listing = new RunListing(paragon({ runs: 1000, nextLink: 'skip' }), 'p', {});
      await listing.ensureFirstPage();
      assert.ok(listing.error instanceof ProtocolError);
      assert.match((listing.error as Error).message, /skip 100 runs/);
      assert.equal(listing.hasMore, false);
      assert.equal(listing.runs.length, 100);
    });

    it('treats a nextLink that skips runs after a full page as an error', async () => {
      const source = paragon({ runs: 1000, nextLink: 'skip' });
      await assert.rejects(drainRuns(source), /skip/);
      assert.equal(source.http.stats.requests, 1);
      await assert.rejects(drainSnapshot(paragon({ runs: 1000, nextLink: 'skip' })), /skip/);
    });
  });

  describe('repeated ids', () => {
    it('fails a snapshot, and its export, when a page repeats ids of a non-adjacent page', async () => {
      const behaviour: HostileBehaviour = { runs: 1000, repeat: { atOffset: 500, fromOffset: 100, count: 10 } };
      await assert.rejects(drainSnapshot(paragon(behaviour)), (error: unknown) => {
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match(error.message, new RegExp(hostileRunId(100)));
        assert.match(error.message, /offset 500/);
        assert.match(error.message, /offset 100/);
        return true;
      });
      const target = join(dir, 'repeats.ndjson');
      await assert.rejects(exportRuns({ source: paragon(behaviour), query: {}, format: 'ndjson', target, concurrency: CONCURRENCY }), ProtocolError);
      assert.deepEqual(await readdir(dir), [], 'no file, no .part');
    });

    it('fails when a page repeats an id within itself', async () => {
      await assert.rejects(drainSnapshot(paragon({ runs: 1000, repeat: { atOffset: 300, fromOffset: 350, count: 1 } })), /twice|again/);
    });

    it('drops a repeat at an adjacent page boundary (runs shifting while paging) and stays exact', async () => {
      const got = await drainSnapshot(paragon({ runs: 1000, shift: { fromOffset: 200, by: 3 } }));
      assert.deepEqual(
        got.map((r) => r.id),
        Array.from({ length: 1000 }, (_, i) => hostileRunId(i)),
      );
    });

    it('errors in runs() on a non-adjacent repeat, keeps the raw adjacent one', async () => {
      await assert.rejects(drainRuns(paragon({ runs: 1000, repeat: { atOffset: 500, fromOffset: 100, count: 10 } })), ProtocolError);
      const shifted = await drainRuns(paragon({ runs: 1000, shift: { fromOffset: 200, by: 3 } }));
      assert.equal(shifted.length, 1003);
    });

    it('pages() still yields every page in order', async () => {
      const offsets: number[] = [];
      for await (const page of pages(paragon({ runs: 250 }), {})) offsets.push(page.offset);
      assert.deepEqual(offsets, [0, 100, 200]);
    });
  });

  describe('details for another id', () => {
    it('rejects a Paragon run detail for another id', async () => {
      const source = paragon({ runs: 10, detailId: () => hostileRunId(7) });
      await assert.rejects(source.getRun(hostileRunId(3)), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, new RegExp(hostileRunId(7)));
        return true;
      });
      assert.equal((await paragon({ runs: 10 }).getRun(hostileRunId(3))).id, hostileRunId(3));
    });

    it('rejects a Dispersl task detail for another id', async () => {
      const source = dispersl({ runs: 10, detailId: () => hostileRunId(7) });
      await assert.rejects(source.getRun(hostileRunId(3)), ProtocolError);
      assert.equal((await dispersl({ runs: 10 }).getRun(hostileRunId(3))).id, hostileRunId(3));
    });

    it('rejects a Paragon step detail that names another run or step', async () => {
      const run = hostileRunId(3);
      const wrongRun = paragon({ runs: 10, stepIds: () => ({ workflowExecutionId: hostileRunId(4) }) });
      await assert.rejects(wrongRun.getStepPayload(run, 'step-1'), ProtocolError);
      const wrongStep = paragon({ runs: 10, stepIds: () => ({ id: 'step-2' }) });
      await assert.rejects(wrongStep.getStepPayload(run, 'step-1'), ProtocolError);
      const right = paragon({ runs: 10, stepIds: (r, s) => ({ id: s, workflowExecutionId: r }) });
      assert.equal((await right.getStepPayload(run, 'step-1')).output, 'ok');
    });
  });

  describe('whole-listing de-duplication memory', () => {
    it('remembers 150,000 ids in a few MB, finds every repeat and no false one', () => {
      global.gc?.();
      const before = process.memoryUsage();
      const seen = new SeenIds();
      const ids = Array.from({ length: 150_000 }, (_, i) => `${hostileRunId(i)}`);
      for (let i = 0; i < ids.length; i++) assert.equal(seen.add(ids[i]!, Math.floor(i / 100)), undefined);
      const after = process.memoryUsage();
      for (let i = 0; i < ids.length; i += 997) assert.equal(seen.add(ids[i]!, 9_999), Math.floor(i / 100));
      assert.equal(seen.size, 150_000);
      const mb = seen.bytes / 1e6;
      console.log(`      150,000 ids: ${mb.toFixed(1)} MB in typed arrays (arrayBuffers +${((after.arrayBuffers - before.arrayBuffers) / 1e6).toFixed(1)} MB)`);
      assert.ok(mb < 5, `${mb} MB`);
    });
  });
});
