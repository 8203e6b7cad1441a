// `task-history stats` and `errors` as a user runs them: the built dist/cli.js over an index
// file that `task-history sync` filled from the emulator. The --json shapes are exactly the
// documented ones, the figures match the emulator's truth, no request is sent, and an index
// that does not cover the range says so on stderr (and still answers).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, runCliProcess } from './support/cliProcess';
import { useEmulator } from './support/emulatorFixture';

const KEY = 'thx-insights-cli-key-7a41c9';

describe('Command line: stats and errors from the run index', function () {
  this.timeout(120_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 600, disperslTasks: 80 });
  let dir: string;
  let index: string;
  before(async function () {
    this.timeout(300_000);
    await buildCli();
    dir = mkdtempSync(join(tmpdir(), 'thx-cli-insights-'));
    index = join(dir, 'runs.db');
    const synced = await paragon('sync', '--index', index, '--all-history');
    assert.equal(synced.code, 0, synced.stderr);
    const dSynced = await dispersl('sync', '--index', index, '--all-history');
    assert.equal(dSynced.code, 0, dSynced.stderr);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const paragon = (...args: string[]) =>
    runCliProcess([...args, '--source', 'paragon', '--base-url', new URL(emulator().paragonBaseUrl).origin, '--project', emulator().projectId], { TASK_HISTORY_API_KEY: KEY });
  const dispersl = (...args: string[]) => runCliProcess([...args, '--source', 'dispersl', '--base-url', emulator().disperslBaseUrl], { TASK_HISTORY_API_KEY: KEY });

  it('stats --by status --json prints exactly { rows: [ { key, runs, failed, succeeded, successRate, p50Ms, p95Ms } ] } for Paragon (no tokens), equal to the truth, with no request', async () => {
    emulator().resetStats();
    const out = await paragon('stats', '--by', 'status', '--json', '--index', index);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(emulator().stats().requests, 0, 'no request');
    const json = JSON.parse(out.stdout) as { rows: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(json), ['rows']);
    for (const row of json.rows) {
      assert.deepEqual(Object.keys(row), ['key', 'runs', 'failed', 'succeeded', 'successRate', 'p50Ms', 'p95Ms']);
      assert.ok(row['successRate'] === null || (typeof row['successRate'] === 'number' && row['successRate'] >= 0 && row['successRate'] <= 1));
    }
    const e = emulator();
    const rows = new Map(json.rows.map((r) => [r['key'], r]));
    assert.equal(rows.get('failed')!['runs'], e.truth.paragonIds({ status: 'FAILED' }).length);
    assert.equal(rows.get('succeeded')!['runs'], e.truth.paragonIds({ status: 'SUCCEEDED' }).length);
    assert.equal(
      json.rows.reduce((n, r) => n + Number(r['runs']), 0),
      e.truth.paragonIds({}).length,
    );
    assert.equal(new Set(json.rows.map((r) => r['key'])).size, json.rows.length, 'one row per key');
  });

  it('stats --by model --json has tokens for Dispersl; the table names the columns', async () => {
    const out = await dispersl('stats', '--by', 'model', '--json', '--index', index);
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout) as { rows: Record<string, unknown>[] };
    assert.ok(json.rows.length >= 3);
    for (const row of json.rows) {
      assert.deepEqual(Object.keys(row), ['key', 'runs', 'failed', 'succeeded', 'successRate', 'p50Ms', 'p95Ms', 'tokens']);
      assert.ok(typeof row['tokens'] === 'number' && row['tokens'] > 0);
    }
    const table = await dispersl('stats', '--by', 'tool', '--index', index);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout.split('\n')[0]!, /^tool\s+steps\s+failed\s+succeeded\s+success\s+p50\s+p95\s+tokens$/);
    assert.match(table.stderr, /rows by tool, from the run index \(no request\)/);
  });

  it('errors --json prints exactly { signatures: [ { signature, count, firstSeen, lastSeen, example, workflows, users } ] }, every failed run counted once', async () => {
    const out = await paragon('errors', '--json', '--index', index);
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout) as { signatures: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(json), ['signatures']);
    assert.ok(json.signatures.length >= 3);
    const failed = new Set(emulator().truth.paragonIds({ status: 'FAILED' }));
    for (const s of json.signatures) {
      assert.deepEqual(Object.keys(s), ['signature', 'count', 'firstSeen', 'lastSeen', 'example', 'workflows', 'users']);
      assert.ok(failed.has(String(s['example'])), 'the example is a failed run');
      assert.ok(Array.isArray(s['workflows']) && Array.isArray(s['users']));
      assert.ok(String(s['firstSeen']) <= String(s['lastSeen']));
    }
    assert.equal(
      json.signatures.reduce((n, s) => n + Number(s['count']), 0),
      failed.size,
    );
    const table = await paragon('errors', '--index', index);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout.split('\n')[0]!, /^count\s+last seen\s+trend\s+signature\s+example$/);
  });

  it('a range the index does not cover: stderr says so and how to sync, and the answer is what it holds; a missing index file is an error naming the sync to run', async () => {
    const after = new Date(Date.now() - 86_400_000).toISOString();
    const before = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const out = await paragon('stats', '--by', 'status', '--json', '--index', index, '--after', after, '--before', before);
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stderr,
      /The run index was last synced at .*; answering from the runs it holds\. To fill it, sync first: task-history sync --source paragon .*--index .* --since /,
    );
    const held = (JSON.parse(out.stdout) as { rows: { runs: number }[] }).rows.reduce((n, r) => n + r.runs, 0);
    assert.equal(held, emulator().truth.paragonIds({ afterDate: after, beforeDate: before }).length);
    // A range the last sync covered: nothing said.
    const covered = await paragon('stats', '--by', 'status', '--json', '--index', index, '--before', after);
    assert.doesNotMatch(covered.stderr, /sync first/);
    const missing = await paragon('errors', '--index', join(dir, 'none.db'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no run index at .*none\.db: sync first: task-history sync --source paragon/);
  });
});
