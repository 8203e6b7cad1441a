// The run store reading through the run index: a finished run is fetched once, ever (a new
// session opens it from the index with no request); a run the API has forgotten opens
// archived; a source that cannot be reached opens its indexed runs, marked offline.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistorySource } from '../../src/core/source';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { RunIndex } from '../../src/runIndex/runIndex';
import { syncSource } from '../../src/runIndex/sync';
import { RunStore } from '../../src/store/runStore';
import type { RunningEmulator } from '../../emulator/server';
import { useEmulator } from './support/emulatorFixture';

const P = 'p';
/** Retries at once: an unreachable source fails in milliseconds, not after the backoff's seconds. */
const paragon = (e: RunningEmulator, origin = new URL(e.paragonBaseUrl).origin): HistorySource =>
  new ParagonClient({ projectId: e.projectId, baseUrl: origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Run store reading through the run index', () => {
  const emulator = useEmulator({ paragonExecutions: 300, disperslTasks: 30, replayDurationMs: 600_000 });
  let dir: string;
  let index: RunIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-store-index-'));
    index = RunIndex.open(join(dir, 'runs.db'));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a finished run once, ever: a new session opens it from the index with no request', async () => {
    const e = emulator();
    const [id] = e.truth.paragonIds({ status: 'FAILED' });
    const first = new RunStore(() => paragon(e), { archive: index });
    const detail = await first.getRun(P, id!);
    assert.ok(index.detail(P, id!), 'written to the index');
    e.resetStats();
    const nextSession = new RunStore(() => paragon(e), { archive: index });
    const again = await nextSession.getRun(P, id!);
    assert.equal(e.stats().requests, 0);
    assert.deepEqual(
      again.steps.map((s) => s.id),
      detail.steps.map((s) => s.id),
    );
    // Reload asks the API all the same.
    await nextSession.getRun(P, id!, { fresh: true });
    assert.equal(e.stats().requests, 1);
  });

  it('does not serve a run that may still change from the index', async () => {
    const e = emulator();
    const [running] = e.startRuns(1);
    const store = new RunStore(() => paragon(e), { archive: index });
    await store.getRun(P, running!);
    assert.equal(index.detail(P, running!), undefined, 'a running run is not stored as final');
  });

  it('opens a run the API no longer has from the index, archived, and marks it so', async () => {
    const e = emulator();
    const gone = {
      id: '00000000-0000-4000-8000-00000000beef',
      sourceKind: 'paragon' as const,
      status: 'failed' as const,
      rawStatus: 'FAILED',
      startedAt: '2026-06-01T00:00:00.000Z',
      endedAt: '2026-06-01T00:00:01.000Z',
      steps: [{ id: 'st', runId: '00000000-0000-4000-8000-00000000beef', status: 'failed' as const, rawStatus: 'FAILED', next: [] }],
    };
    index.putDetail(P, gone);
    const store = new RunStore(() => paragon(e), { archive: index });
    const opened = await store.getRun(P, gone.id, { fresh: true });
    assert.equal(opened.archived, true);
    assert.deepEqual(opened.steps, gone.steps);
    assert.equal(index.get(P, gone.id)!.archived, true);
    // The next session still says archived, from the index, with no request.
    e.resetStats();
    const later = await new RunStore(() => paragon(e), { archive: index }).getRun(P, gone.id);
    assert.equal(later.archived, true);
    assert.equal(e.stats().requests, 0);
  });

  it('opens indexed runs of a source that cannot be reached, marked offline; a run it never saw fails clearly', async () => {
    const e = emulator();
    const [id] = e.truth.paragonIds({ status: 'FAILED' });
    await new RunStore(() => paragon(e), { archive: index }).getRun(P, id!);
    const unreachable = paragon(e, `http://127.0.0.1:${await closedPort()}`);
    const offline = new RunStore(() => unreachable, { archive: index });
    const opened = await offline.getRun(P, id!, { fresh: true });
    assert.equal(opened.offline, true);
    assert.equal(opened.id, id);
    // Offline is for now only: once the API answers again, nothing says offline.
    let client = unreachable;
    const recovering = new RunStore(() => client, { archive: index });
    assert.equal((await recovering.getRun(P, id!, { fresh: true })).offline, true);
    client = paragon(e);
    assert.equal((await recovering.getRun(P, id!, { fresh: true })).offline, undefined);
    await assert.rejects(offline.getRun(P, 'never-seen', { fresh: true }), /reach|connect|refused|answer/i);
  });

  it("shows a failed run's failing step output from the index when the API cannot be reached; other steps' payloads fail as before", async () => {
    const e = emulator();
    // Sync stores each failed run's steps and its failing step's output.
    await syncSource({ sourceId: P, source: paragon(e), index, since: 'all' });
    const [id] = e.truth.paragonIds({ status: 'FAILED' });
    const held = index.get(P, id!)!;
    assert.ok(held.failingOutput, 'sync stored the failing output');
    const online = await new RunStore(() => paragon(e), { archive: index }).stepPayload(P, id!, { id: held.failingOutput.stepId, status: 'failed' });
    const unreachable = paragon(e, `http://127.0.0.1:${await closedPort()}`);
    const offline = new RunStore(() => unreachable, { archive: index });
    const shown = await offline.stepPayload(P, id!, { id: held.failingOutput.stepId, status: 'failed' });
    assert.deepEqual(shown.output, online.output, 'the output the API gives');
    assert.equal(shown.input, undefined, 'its input was never stored');
    const other = held.steps!.find((step) => step.id !== held.failingOutput!.stepId)!;
    await assert.rejects(offline.stepPayload(P, id!, { id: other.id, status: other.status }), /reach|connect|refused|answer/i);
  });
});
