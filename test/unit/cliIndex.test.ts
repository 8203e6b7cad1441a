// `--index` on export, list and show, as a user runs them: the built dist/cli.js against the
// emulator over loopback, reading through an index file that `task-history sync` filled.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportedRun } from '../../src/core/export/records';
import { buildCli, runCliProcess } from './support/cliProcess';
import { useEmulator } from './support/emulatorFixture';

const KEY = 'thx-index-spec-key-5d02be';

describe('Command line: export, list and show with --index', function () {
  this.timeout(120_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 900, disperslTasks: 0 });
  let dir: string;
  let index: string;
  before(async function () {
    this.timeout(180_000);
    await buildCli();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-cli-index-'));
    index = join(dir, 'runs.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    runCliProcess([...args, '--source', 'paragon', '--base-url', new URL(emulator().paragonBaseUrl).origin, '--project', emulator().projectId], { TASK_HISTORY_API_KEY: KEY });
  const ndjson = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l) as ExportedRun);

  it('export --index after a sync reads the runs from the index and says the requests it used; without a sync it says why it listed from the API', async () => {
    const unsynced = await cli('export', '--index', index, '--status', 'failed', '--out', join(dir, 'a.ndjson'));
    assert.equal(unsynced.code, 0, unsynced.stderr);
    assert.match(unsynced.stderr, /Listing from the API, not the run index: the source has not been synced into the index\./);
    assert.match(unsynced.stderr, /\(ndjson, paged; \d+ requests\)/);

    const synced = await cli('sync', '--index', index, '--all-history');
    assert.equal(synced.code, 0, synced.stderr);
    const after = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const fromIndex = await cli('export', '--index', index, '--status', 'failed', '--after', after, '--include-steps', '--out', join(dir, 'b.ndjson'));
    assert.equal(fromIndex.code, 0, fromIndex.stderr);
    const requests = Number(/\(ndjson, from the run index; (\d+) requests\)/.exec(fromIndex.stderr)?.[1]);
    assert.ok(requests <= 5, `the export from the index used ${requests} requests: ${fromIndex.stderr}`);
    const failed = emulator().truth.paragonIds({ status: 'FAILED', afterDate: after });
    const records = ndjson(join(dir, 'b.ndjson'));
    assert.deepEqual(new Set(records.map((r) => r.id)), new Set(failed));
    assert.ok(
      records.every((r) => (r.steps?.length ?? 0) > 0),
      'every failed run with the steps sync stored',
    );
  });

  it('list --index shows the same newest runs as the API; show --index opens an indexed run without a request', async () => {
    assert.equal((await cli('sync', '--index', index, '--all-history')).code, 0);
    const api = await cli('list', '--status', 'failed', '--limit', '7', '--json');
    const local = await cli('list', '--index', index, '--status', 'failed', '--limit', '7', '--json');
    assert.equal(local.code, 0, local.stderr);
    const ids = (out: string) => (JSON.parse(out) as ExportedRun[]).map((r) => r.id);
    assert.deepEqual(ids(local.stdout), ids(api.stdout));
    assert.equal(ids(local.stdout).length, 7);
    assert.match(local.stderr, /7 of [\d,]+ runs in .*newest first/);
    assert.match(local.stderr, /^1 requests/m, 'one page is one request, from the API');

    // More than a page: from the index, which a count vouches for.
    const after = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const all = await cli('list', '--all', '--after', after, '--json');
    const allLocal = await cli('list', '--index', index, '--all', '--after', after, '--json');
    assert.equal(allLocal.code, 0, allLocal.stderr);
    assert.ok(ids(all.stdout).length > 100);
    assert.deepEqual(ids(allLocal.stdout), ids(all.stdout));
    assert.doesNotMatch(allLocal.stderr, /Listing from the API/);
    assert.ok(Number(/^(\d+) requests/m.exec(allLocal.stderr)?.[1]) <= 5, allLocal.stderr);

    const [id] = ids(local.stdout);
    const shown = await cli('show', id!, '--index', index, '--verbose');
    assert.equal(shown.code, 0, shown.stderr);
    assert.doesNotMatch(shown.stderr, /http: /, 'no request for a finished run the index holds');
    assert.match(shown.stdout, new RegExp(`Steps \\(\\d+\\):`));
    const fetched = await cli('show', id!, '--verbose');
    assert.match(fetched.stderr, /http: /, 'the same command without --index asks the API');
  });

  it('refuses --include-archived without --index, and for CSV', async () => {
    const without = await cli('export', '--include-archived', '--out', join(dir, 'a.ndjson'));
    assert.notEqual(without.code, 0);
    assert.match(without.stderr, /--include-archived reads the run index: add --index\./);
    const csv = await cli('export', '--index', index, '--include-archived', '--out', join(dir, 'a.csv'));
    assert.notEqual(csv.code, 0);
    assert.match(csv.stderr, /CSV has no column to mark archived runs/);
  });
});
