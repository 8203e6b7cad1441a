// `task-history sync` as a user runs it: the built dist/cli.js (which loads the SQLite
// engine's .wasm from beside it) against the emulator over loopback, into an index file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeSyncProgress } from '../../src/cli/commands/syncCommand';
import { defaultIndexPath } from '../../src/cli/indexPath';
import { useEmulator } from './support/emulatorFixture';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const KEY = 'thx-sync-spec-key-0c41aa';

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: undefined, TASK_HISTORY_API_KEY: KEY, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('Command line: task-history sync', function () {
  this.timeout(60_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 800, disperslTasks: 120 });
  let dir: string;
  before(async function () {
    this.timeout(120_000);
    const built = await run(process.execPath, ['esbuild.mjs']);
    assert.equal(built.code, 0, built.stderr);
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thx-cli-sync-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const flags = () => ['--source', 'paragon', '--base-url', new URL(emulator().paragonBaseUrl).origin, '--project', emulator().projectId];

  it('syncs every run into the index file, says what it fetched and the requests it used; a second sync costs at most 3', async () => {
    const index = join(dir, 'runs.db');
    const first = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', index, '--all-history', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as { listed: number; indexed: number; details: number; requests: number };
    const truth = emulator().truth.paragonIds({});
    assert.equal(report.indexed, truth.length);
    assert.equal(report.listed, truth.length);
    assert.equal(report.details, emulator().truth.paragonIds({ status: 'FAILED' }).length, 'every failed run with its steps');
    const second = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', index]);
    assert.equal(second.code, 0, second.stderr);
    const requests = Number(/; (\d+) requests in/.exec(second.stdout)?.[1]);
    assert.ok(requests <= 3, `the second sync used ${requests} requests: ${second.stdout}`);
    assert.match(second.stdout, new RegExp(`The index holds ${truth.length.toLocaleString('en-US')} runs of this source`));
  });

  it('goes further back when a later sync is given --all-history: the older runs are listed too', async () => {
    const index = join(dir, 'runs.db');
    const recent = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const first = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', index, '--since', recent, '--details', 'none', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const all = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', index, '--all-history', '--details', 'none', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const report = JSON.parse(all.stdout) as { backfilled: number; indexed: number };
    assert.equal(report.backfilled, emulator().truth.paragonIds({ beforeDate: recent }).length);
    assert.equal(report.indexed, emulator().truth.paragonIds({}).length);
  });

  it('moves a damaged index aside, says so on stderr, and syncs into a new one', async () => {
    const index = join(dir, 'runs.db');
    writeFileSync(index, 'not a database at all, just text');
    const result = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', index, '--since', '2026-11-20']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /is not a database .*moved to .*runs\.db\.foreign-/);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('runs.db.foreign-')).length, 1);
  });

  it('refuses a budget share that is not a fraction (exit 2), before any request', async () => {
    emulator().resetStats();
    const result = await run(process.execPath, [CLI, 'sync', ...flags(), '--index', join(dir, 'x.db'), '--budget-share', '2']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /budget-share/);
    assert.equal(emulator().stats().requests, 0);
  });

  it('shows the time a phase has left on its progress line, once it can be told', () => {
    assert.equal(describeSyncProgress({ phase: 'listing', done: 500, total: 1500, requests: 6, remainingMs: 4000 }), 'sync: listing 500 of 1,500 · 6 requests · about 4.00 s left');
    assert.equal(describeSyncProgress({ phase: 'details', done: 0, total: 80, requests: 16 }), 'sync: details 0 of 80 · 16 requests');
    assert.equal(describeSyncProgress({ phase: 'details', done: 80, total: 80, requests: 176, remainingMs: 0 }), 'sync: details 80 of 80 · 176 requests');
  });

  it('keeps the index in a per-user data folder by default', () => {
    assert.equal(defaultIndexPath({ XDG_DATA_HOME: '/data' }, 'linux'), join('/data', 'task-history', 'runs.db'));
    assert.match(defaultIndexPath({}, 'darwin'), /Library[/\\]Application Support[/\\]task-history[/\\]runs\.db$/);
    assert.equal(defaultIndexPath({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), join('C:\\Users\\u\\AppData\\Local', 'task-history', 'runs.db'));
  });
});
