import assert from 'node:assert/strict';
import { findReplayedRun } from '../../src/core/replay';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';

describe('Replay: finding the new execution', () => {
  const emulator = useEmulator({ replayDurationMs: 60_000 });
  const client = () =>
    new ParagonClient({ projectId: emulator().projectId, baseUrl: new URL(emulator().paragonBaseUrl).origin, apiKey: emulator().apiKey, rateLimit: null, retryBaseDelayMs: 10 });

  it('finds the execution the replay started: same workflow, started after the request', async () => {
    const source = client();
    const original = await source.getRun(emulator().truth.paragonIds({})[70]!);
    emulator().resetStats();
    const requestedAt = Date.now();
    await source.replay(original.id);
    const stats = emulator().stats();
    assert.equal(stats.byRoute['paragon.replay'], 1);
    const found = await findReplayedRun(source, original, requestedAt, { attempts: 5, intervalMs: 20 });
    assert.equal(found?.id, stats.replays[0]!.newId);
    assert.equal(found?.workflowId, original.workflowId);
  });

  it('gives up after its attempts when nothing new appears, without replaying anything', async () => {
    const source = client();
    const original = await source.getRun(emulator().truth.paragonIds({})[71]!);
    emulator().resetStats();
    const found = await findReplayedRun(source, original, Date.now() + 3_600_000, { attempts: 3, intervalMs: 1 });
    assert.equal(found, undefined);
    assert.equal(emulator().stats().byRoute['paragon.list'], 3);
    assert.equal(emulator().stats().byRoute['paragon.replay'] ?? 0, 0);
  });

  it('stops when cancelled', async () => {
    const source = client();
    const original = await source.getRun(emulator().truth.paragonIds({})[72]!);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(findReplayedRun(source, original, Date.now(), { signal: abort.signal }));
  });
});
