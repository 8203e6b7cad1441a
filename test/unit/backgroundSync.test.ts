// Background sync of the run index (src/runIndex/backgroundSync.ts) on a fake clock: a first
// pass after the first delay, then one per interval, none at 0; never two syncs at once (the
// user's sync waits for the pass in flight, and passes hold off while it runs); a failing
// source backs off (doubling, capped) while the others go on; stop aborts the pass in
// flight; a pass due while paused runs on resume. One pass syncs a real index from the
// emulator. Also where the index lives (src/commands/indexLocation.ts): the checks of
// `taskHistory.index.path`. Nothing here waits on real time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexLocationError, prepareIndexDirectory, resolveIndexPath } from '../../src/commands/indexLocation';
import { BackgroundSync, describeOffline, describeSyncProgress, type BackgroundSyncOptions, type Timers } from '../../src/runIndex/backgroundSync';
import { RunIndex } from '../../src/runIndex/runIndex';
import { syncSource } from '../../src/runIndex/sync';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';

/** Timers that fire only when the test says so. */
class FakeTimers implements Timers {
  private time = 1_000_000;
  private nextId = 1;
  private readonly queue = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number);
  }
  /** How far ahead the next timer is, or undefined when none is set. */
  nextIn(): number | undefined {
    const next = [...this.queue.values()].sort((a, b) => a.at - b.at)[0];
    return next && next.at - this.time;
  }
  get pending(): number {
    return this.queue.size;
  }
  /** Moves the clock to the next timer and fires it. */
  fireNext(): void {
    const [id, next] = [...this.queue.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    assert.ok(id !== undefined && next, 'a timer is set');
    this.queue.delete(id);
    this.time = next.at;
    next.callback();
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const MIN = 60_000;

describe('Background sync of the run index', () => {
  let timers: FakeTimers;
  let calls: string[];
  let interval: number;
  beforeEach(() => {
    timers = new FakeTimers();
    calls = [];
    interval = 15 * MIN;
  });
  const make = (options: Partial<BackgroundSyncOptions> = {}) =>
    new BackgroundSync({
      sources: () => ['a', 'b'],
      syncOne: async (id) => {
        calls.push(id);
      },
      intervalMs: () => interval,
      firstDelayMs: 5_000,
      timers,
      ...options,
    });

  it('runs a first pass after the first delay, then one an interval after each pass ends', async () => {
    const sync = make();
    sync.start();
    assert.equal(timers.nextIn(), 5_000);
    timers.fireNext();
    await sync.idle();
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(timers.nextIn(), interval);
    timers.fireNext();
    await sync.idle();
    assert.deepEqual(calls, ['a', 'b', 'a', 'b']);
    assert.equal(sync.passes, 2);
    // A new interval counts from now.
    interval = 5 * MIN;
    sync.reschedule();
    assert.equal(timers.nextIn(), 5 * MIN);
    sync.stop();
    assert.equal(timers.pending, 0);
  });

  it('syncs soon after something new (a key set), unless a pass is sooner; asked during a pass, the next one comes soon', async () => {
    const gate = deferred();
    let block = false;
    const sync = make({
      syncOne: async (id) => {
        calls.push(id);
        if (block) await gate.promise;
      },
    });
    sync.start();
    timers.fireNext();
    await sync.idle();
    assert.equal(timers.nextIn(), interval);
    sync.soon();
    assert.equal(timers.nextIn(), 5_000);
    timers.advance(4_000);
    sync.soon();
    assert.equal(timers.nextIn(), 1_000, 'a pass already sooner is kept');
    block = true;
    timers.fireNext();
    sync.soon();
    gate.resolve();
    await sync.idle();
    assert.equal(timers.nextIn(), 5_000);
    sync.stop();
  });

  it('never syncs in the background at interval 0 (only the command syncs), and the command still runs', async () => {
    interval = 0;
    const sync = make();
    sync.start();
    assert.equal(timers.pending, 0);
    assert.equal(await sync.exclusive(async () => 'done'), 'done');
    assert.deepEqual(calls, []);
    // Turned on later: the next pass is an interval away.
    interval = 10 * MIN;
    sync.reschedule();
    assert.equal(timers.nextIn(), 10 * MIN);
  });

  it('never runs two syncs at once: the user sync waits for the pass in flight, and passes hold off while it runs', async () => {
    const gate = deferred();
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const sync = make({
      syncOne: async (id) => {
        running++;
        most = Math.max(most, running);
        order.push(`bg:${id}`);
        if (id === 'a') await gate.promise;
        running--;
      },
    });
    sync.start();
    timers.fireNext();
    assert.ok(sync.busy);
    // A second run() joins the pass in flight.
    const joined = sync.run();
    const user = sync.exclusive(async () => {
      running++;
      most = Math.max(most, running);
      order.push('user');
      running--;
    });
    await Promise.resolve();
    assert.deepEqual(order, ['bg:a'], 'the user sync waits');
    gate.resolve();
    await user;
    const report = await joined;
    assert.deepEqual(report.synced, ['a', 'b']);
    assert.deepEqual(order, ['bg:a', 'bg:b', 'user']);
    assert.equal(most, 1);

    // While the user's sync runs, a pass that comes due is put off by an interval.
    const hold = deferred();
    const long = sync.exclusive(() => hold.promise);
    await Promise.resolve();
    await Promise.resolve();
    timers.fireNext();
    assert.ok(!sync.busy, 'no pass while the user syncs');
    assert.equal(timers.nextIn(), interval);
    hold.resolve();
    await long;
    sync.stop();
  });

  it('backs a failing source off (1, 2, 4… intervals, capped) while the others go on; a success or clearBackoff ends it', async () => {
    let aFails = true;
    const errors: [string, number][] = [];
    const sync = make({
      syncOne: async (id) => {
        calls.push(id);
        if (id === 'a' && aFails) throw new Error('offline');
      },
      onError: (id, _error, failures) => errors.push([id, failures]),
      maxBackoffMs: 60 * MIN,
    });
    const pass = async () => {
      calls = [];
      timers.fireNext();
      return sync.idle();
    };
    sync.start();
    await pass();
    assert.deepEqual(calls, ['a', 'b']);
    assert.deepEqual(errors, [['a', 1]]);
    assert.equal(sync.backoff('a')?.retryAt, timers.now() + interval);
    // One interval later it is tried again and fails again: now it waits two.
    await pass();
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(sync.backoff('a')?.retryAt, timers.now() + 2 * interval);
    await pass();
    assert.deepEqual(calls, ['b'], 'backing off: a is skipped');
    await pass();
    assert.deepEqual(calls, ['a', 'b']);
    // 4 intervals would be 60 min: the cap.
    assert.equal(sync.backoff('a')?.retryAt, timers.now() + 60 * MIN);
    assert.deepEqual(
      errors.map(([, n]) => n),
      [1, 2, 3],
    );
    // The key changed: tried at the next pass, and it works.
    sync.clearBackoff('a');
    aFails = false;
    await pass();
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(sync.backoff('a'), undefined);
    sync.stop();
  });

  it('stop aborts the pass in flight, is not counted as a failure, and schedules nothing', async () => {
    let signalSeen: AbortSignal | undefined;
    const errors: string[] = [];
    const sync = make({
      syncOne: (id, signal) =>
        new Promise<void>((_resolve, reject) => {
          calls.push(id);
          signalSeen = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      onError: (id) => errors.push(id),
    });
    sync.start();
    timers.fireNext();
    const pass = sync.run();
    await Promise.resolve();
    sync.stop();
    const report = await pass;
    assert.ok(signalSeen?.aborted);
    assert.equal(report.stopped, true);
    assert.deepEqual(calls, ['a'], 'b is not started after the stop');
    assert.deepEqual(errors, []);
    assert.equal(sync.backoff('a'), undefined);
    assert.equal(timers.pending, 0);
  });

  it('skips a pass that comes due while paused (window unfocused for long) and runs it on resume', async () => {
    let paused = false;
    const sync = make({ paused: () => paused });
    sync.start();
    paused = true;
    timers.fireNext();
    await sync.idle();
    assert.deepEqual(calls, []);
    assert.equal(timers.pending, 0, 'nothing polls while paused');
    sync.resume();
    assert.deepEqual(calls, [], 'still paused: resume does nothing');
    paused = false;
    sync.resume();
    await sync.idle();
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(timers.nextIn(), interval);
    // Resume without a skipped pass does not add one.
    sync.resume();
    assert.ok(!sync.busy);
    sync.stop();
  });

  describe('against the emulator, with a real index', () => {
    const emulator = useEmulator({ paragonExecutions: 600, disperslTasks: 10 });
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thx-bg-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a pass fills the index with the truth, and the next pass costs at most 3 requests', async () => {
      const e = emulator();
      const index = RunIndex.open(join(dir, 'runs.db'));
      const source = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
      const requests: number[] = [];
      const sync = make({
        sources: () => ['p'],
        syncOne: async (id, signal) => {
          const report = await syncSource({ sourceId: id, source, index, since: 'all', signal });
          requests.push(report.requests);
        },
      });
      sync.start();
      timers.fireNext();
      await sync.idle();
      assert.equal(index.count('p'), e.truth.paragonIds({}).length);
      timers.fireNext();
      await sync.idle();
      assert.equal(requests.length, 2);
      assert.ok(requests[1]! <= 3, `the second pass sent ${requests[1]} requests`);
      sync.stop();
      index.close();
    });
  });
});

describe('What background sync and the offline tree say', () => {
  it('progress: the phase, the percentage once the total is known, and the time left when the sync tells it', () => {
    assert.equal(describeSyncProgress({ phase: 'listing', done: 0 }), 'listing');
    assert.equal(describeSyncProgress({ phase: 'listing', done: 1200, total: 4000, remainingMs: 185_000 }), 'listing 30% · 3 min left');
    assert.equal(describeSyncProgress({ phase: 'details', done: 7, total: 7, remainingMs: 0 }), 'details 100% · under a minute left');
    assert.equal(describeSyncProgress({ phase: 'rechecking', done: 3, remainingMs: 2 * 3_600_000 }), 'rechecking 3 · 2.0 h left');
  });

  it('offline: the reason (its first sentence), how many runs the index shows, and when it last synced', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    assert.equal(
      describeOffline('Could not reach Paragon at http://127.0.0.1:9: connection refused. Check the base URL and your network.', 1204, new Date(now - 12 * MIN), now),
      'Offline: Could not reach Paragon at http://127.0.0.1:9: connection refused · showing 1,204 indexed runs, last synced 12 min ago',
    );
    assert.equal(describeOffline('Paragon did not answer in time.', 1, undefined, now), 'Offline: Paragon did not answer in time · showing 1 indexed run, never synced completely');
  });
});

describe('Where the run index lives (taskHistory.index.path)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thx-loc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('empty means the default; ~ is the home folder; an absolute file path is taken as is', () => {
    assert.equal(resolveIndexPath('', '/storage/runs.db'), '/storage/runs.db');
    assert.equal(resolveIndexPath('  ', '/storage/runs.db'), '/storage/runs.db');
    assert.equal(resolveIndexPath('~/th/runs.db', '/d', '/home/u'), '/home/u/th/runs.db');
    assert.equal(resolveIndexPath(join(dir, 'a.db'), '/d'), join(dir, 'a.db'));
  });

  it('refuses a relative path and a folder, saying what to write instead', () => {
    assert.throws(
      () => resolveIndexPath('runs.db', '/d', '/home/u'),
      (e: unknown) => e instanceof IndexLocationError && /must be an absolute path.*\/home\/u\/task-history\/runs\.db/.test(e.message),
    );
    assert.throws(
      () => resolveIndexPath(dir, '/d'),
      (e: unknown) => e instanceof IndexLocationError && e.message.includes(join(dir, 'runs.db')),
    );
    assert.throws(() => resolveIndexPath(`${dir}/`, '/d'), IndexLocationError);
  });

  it('makes a missing folder, and refuses one that cannot be made or written', () => {
    prepareIndexDirectory(join(dir, 'new', 'deeper', 'runs.db'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.throws(
      () => prepareIndexDirectory(join(file, 'runs.db')),
      (e: unknown) => e instanceof IndexLocationError && /cannot be created: a part of the path is a file/.test(e.message),
    );
  });
});
