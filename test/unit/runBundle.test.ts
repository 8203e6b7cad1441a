import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderSteps } from '../../src/core/stepGraph';
import { buildRunBundle, RUN_BUNDLE_FORMAT, writeRunBundle } from '../../src/core/runBundle';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';

describe('Export Run (run bundle)', () => {
  const emulator = useEmulator();
  const client = () =>
    new ParagonClient({ projectId: emulator().projectId, baseUrl: new URL(emulator().paragonBaseUrl).origin, apiKey: emulator().apiKey, rateLimit: null, retryBaseDelayMs: 10 });
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-bundle-'));
    emulator().faults.clear();
    emulator().resetStats();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds the run, every step in graph order and each step’s input and output as the API gives them', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const source = client();
    const detail = await source.getRun(id);
    emulator().resetStats();
    const bundle = await buildRunBundle(source, id);
    assert.equal(bundle.format, RUN_BUNDLE_FORMAT);
    assert.equal(bundle.run.id, id);
    assert.deepEqual(
      bundle.steps.map((s) => s.id),
      orderSteps(detail.steps).map((o) => o.step.id),
    );
    assert.equal(emulator().stats().byRoute['paragon.step'], detail.steps.length, 'one request per step');
    const failed = bundle.steps.find((s) => s.status === 'failed')!;
    const direct = await source.getStepPayload(id, failed.id);
    assert.deepEqual(failed.output, direct.output);
    assert.equal(typeof failed.output, 'string');
  });

  it('is written to a temporary file and renamed, leaving one valid JSON file', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const bundle = await buildRunBundle(client(), id);
    const target = join(dir, 'run.json');
    const bytes = await writeRunBundle(bundle, target);
    const text = await readFile(target, 'utf8');
    assert.equal(Buffer.byteLength(text), bytes);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(bundle)));
    assert.deepEqual(await readdir(dir), ['run.json']);
  });

  it('writes a run without steps as valid JSON too', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const bundle = { ...(await buildRunBundle(client(), id, { includePayloads: false })), steps: [] };
    const target = join(dir, 'empty.json');
    await writeRunBundle(bundle, target);
    assert.deepEqual(JSON.parse(await readFile(target, 'utf8')).steps, []);
  });

  it('leaves nothing behind when cancelled', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const bundle = await buildRunBundle(client(), id);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(writeRunBundle(bundle, join(dir, 'run.json'), abort.signal));
    assert.deepEqual(await readdir(dir), []);
  });

  it('shares payloads already fetched (the panel’s cache) instead of asking again', async () => {
    const id = emulator().truth.paragonIds({})[70]!;
    const source = client();
    const detail = await source.getRun(id);
    emulator().resetStats();
    const bundle = await buildRunBundle(source, id, {
      detail,
      payload: async (step) => ({ runId: id, stepId: step.id, input: 'cached', isLargeInput: false, isLargeOutput: false }),
    });
    assert.equal(emulator().stats().requests, 0);
    assert.ok(bundle.steps.every((s) => s.input === 'cached'));
  });
});
