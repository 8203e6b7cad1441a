import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runs } from '../../src/core/paging';
import { AuthError, BadRequestError, NotFoundError, UnsupportedError } from '../../src/core/errors';
import { DisperslClient, type DisperslClientOptions } from '../../src/sources/dispersl/disperslClient';
import { collect, useEmulator } from './support/emulatorFixture';

describe('Dispersl client', () => {
  const emulator = useEmulator();
  const client = (options: Partial<DisperslClientOptions> = {}) =>
    new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null, retryBaseDelayMs: 10, ...options });
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-dispersl-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    emulator().faults.clear();
    emulator().resetStats();
  });

  it('lists tasks newest first with the total', async () => {
    const page = await client().listPage({}, 0);
    const expected = emulator().truth.disperslIds({});
    assert.equal(page.total, expected.length);
    assert.deepEqual(
      page.runs.map((r) => r.id),
      expected.slice(0, 100),
    );
    assert.ok(page.runs.every((r) => r.sourceKind === 'dispersl' && typeof r.name === 'string'));
  });

  it('filters by each status and by a date range', async () => {
    const map = { queued: 'created', running: 'in_progress', succeeded: 'completed', failed: 'failed', cancelled: 'cancelled' } as const;
    for (const [status, raw] of Object.entries(map) as [keyof typeof map, string][]) {
      const page = await client().listPage({ status }, 0);
      assert.equal(page.total, emulator().truth.disperslIds({ status: raw }).length, status);
      assert.ok(page.total > 0, `seeded tasks with status ${raw}`);
      assert.ok(page.runs.every((r) => r.status === status && r.rawStatus === raw));
    }
    const from = new Date(Date.now() - 20 * 86_400_000);
    const to = new Date(Date.now() - 10 * 86_400_000);
    const page = await client().listPage({ startedAfter: from, startedBefore: to }, 0);
    assert.equal(page.total, emulator().truth.disperslIds({ from_date: from.toISOString(), to_date: to.toISOString() }).length);
  });

  it('pages to the end with exact counts', async () => {
    const all = await collect(runs(client(), {}));
    assert.deepEqual(
      all.map((r) => r.id),
      emulator().truth.disperslIds({}),
    );
    assert.equal(emulator().stats().byRoute['dispersl.list'], Math.ceil(all.length / 100));
  });

  it('gets a task with its agent steps, as a chain', async () => {
    const id = emulator().truth.disperslIds({ status: 'completed' })[0]!;
    const task = await client().getRun(id);
    assert.equal(task.id, id);
    assert.ok(task.steps.length >= 1);
    for (const [i, step] of task.steps.entries()) {
      assert.equal(typeof step.agent, 'string');
      assert.equal(typeof step.model, 'string');
      assert.equal(typeof step.tokensUsed, 'number');
      assert.ok(Array.isArray(step.toolsUsed));
      assert.equal(step.prev, i === 0 ? undefined : task.steps[i - 1]!.id);
      if (step.startedAt && step.endedAt) assert.equal(step.durationMs, Date.parse(step.endedAt) - Date.parse(step.startedAt));
    }
    assert.equal(typeof task.totalTokens, 'number');
  });

  it('answers an unknown task with a not-found error', async () => {
    await assert.rejects(client().getRun('task_nope'), (e: unknown) => e instanceof NotFoundError && /Task task_nope was not found/.test(e.message));
  });

  it('maps a wrong key and a bad parameter', async () => {
    await assert.rejects(client({ apiKey: 'nope' }).listPage({}, 0), AuthError);
    await assert.rejects(
      client().http.getJson({ path: '/history', query: { from_date: 'yesterday' } }),
      (e: unknown) => e instanceof BadRequestError && e.parameter === 'from_date',
    );
  });

  it('refuses filters the API does not have', async () => {
    await assert.rejects(client().listPage({ workflowId: 'w' }, 0), UnsupportedError);
    await assert.rejects(client().listPage({ status: 'delayed' }, 0), UnsupportedError);
  });

  it('streams the server-side CSV export to a file', async () => {
    const file = join(dir, 'tasks.csv');
    const bytes = await client().exportToStream('csv', { status: 'failed' }, createWriteStream(file));
    const text = readFileSync(file, 'utf8');
    assert.equal(Buffer.byteLength(text), bytes);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => r['task_id']),
      emulator().truth.disperslIds({ status: 'failed' }),
    );
  });

  it('streams the server-side JSON export to a file', async () => {
    const file = join(dir, 'tasks.json');
    await client().exportToStream('json', {}, createWriteStream(file));
    const tasks = JSON.parse(readFileSync(file, 'utf8')) as { task_id: string }[];
    assert.equal(tasks.length, emulator().truth.disperslIds({}).length);
  });

  it('keeps the account’s hourly budget', () => {
    const c = new DisperslClient({ apiKey: 'k', requestsPerHour: 100 });
    assert.equal(c.http.origin, 'https://api.dispersl.com');
  });
});
