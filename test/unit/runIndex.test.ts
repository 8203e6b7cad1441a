// The run index on real files (src/runIndex/): the schema is created and versioned, runs
// and steps round-trip, finished runs never go back to running, counts and pages answer
// from the file, and the file survives what the world does to it — a kill -9 mid-batch, a
// corrupt file, another program's file, a newer build's file, a second process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run, RunDetail } from '../../src/core/model';
import { createSource } from '../../src/sources/createSource';
import { IndexFileError, openIndexFile } from '../../src/runIndex/indexFile';
import { RunIndex } from '../../src/runIndex/runIndex';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/runIndex/schema';
import { openSqlite } from '../../src/runIndex/sqlite';
import { useEmulator } from './support/emulatorFixture';
import { mountSmallDisk } from './support/fullDisk';
import { leaveFreePages, writeVersion1Index } from './support/indexFiles';

const run = (id: string, status: Run['status'], startedAt: string, more: Partial<Run> = {}): Run => ({
  id,
  sourceKind: 'paragon',
  status,
  rawStatus: status.toUpperCase(),
  startedAt,
  ...more,
});

describe('Run index (an embedded database file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thx-index-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => join(dir, 'runs.db');

  it('creates the schema at the current version, marked as ours, and opens it again unchanged', () => {
    const index = RunIndex.open(file());
    index.upsertRuns('s', [run('a', 'failed', '2026-11-01T10:00:00Z')]);
    index.close();
    const db = openSqlite(file(), { mustExist: true });
    assert.equal(db.get('PRAGMA user_version')?.['user_version'], SCHEMA_VERSION);
    assert.equal(db.get('PRAGMA application_id')?.['application_id'], 0x54485849);
    db.close();
    const again = RunIndex.open(file());
    assert.equal(again.rebuilt, undefined);
    assert.equal(again.count('s'), 1);
    again.close();
  });

  it('keeps runs and steps as they were given, with the failing step output, and marks a run archived', () => {
    const index = RunIndex.open(file());
    const detail: RunDetail = {
      ...run('r1', 'failed', '2026-11-01T10:00:00.000Z', { endedAt: '2026-11-01T10:00:02.000Z', durationMs: 2000, workflowId: 'w1', integration: 'salesforce' }),
      steps: [
        { id: 's1', runId: 'r1', status: 'succeeded', rawStatus: 'SUCCEEDED', type: 'TRIGGER/CRON', next: ['s2'] },
        { id: 's2', runId: 'r1', status: 'failed', rawStatus: 'FAILED', type: 'ACTION/REQUEST', model: 'm', tokensUsed: 12, next: [] },
      ],
    };
    index.putDetail('s', detail, { stepId: 's2', output: { error: 'boom' } });
    const got = index.get('s', 'r1')!;
    const { steps: _steps, ...summary } = detail;
    assert.deepEqual(got.run, summary);
    assert.deepEqual(got.steps, detail.steps);
    assert.deepEqual(got.failingOutput, { stepId: 's2', output: { error: 'boom' } });
    assert.equal(got.archived, false);
    assert.deepEqual(index.detail('s', 'r1'), { ...got.run, steps: detail.steps });
    assert.equal(index.markArchived('s', 'r1'), true);
    assert.equal(index.get('s', 'r1')!.archived, true);
    assert.equal(index.markArchived('s', 'nope'), false);
    index.close();
  });

  it('takes a newer state of a run (its steps are then fetched again) and never a finished run back to running', () => {
    const index = RunIndex.open(file());
    assert.equal(index.upsertRuns('s', [run('r', 'running', '2026-11-01T10:00:00Z')]), 1);
    assert.deepEqual(index.activeRunIds('s'), ['r']);
    index.putDetail('s', { ...run('r', 'running', '2026-11-01T10:00:00Z'), steps: [] });
    assert.deepEqual(index.runsWithoutDetail('s'), []);
    assert.equal(index.upsertRuns('s', [run('r', 'failed', '2026-11-01T10:00:00Z', { endedAt: '2026-11-01T10:01:00Z' })]), 1);
    assert.deepEqual(index.activeRunIds('s'), []);
    assert.deepEqual(index.runsWithoutDetail('s'), ['r'], 'its steps are behind its state');
    assert.equal(index.upsertRuns('s', [run('r', 'running', '2026-11-01T10:00:00Z')]), 0, 'a page read before it ended');
    assert.equal(index.get('s', 'r')!.run.status, 'failed');
    assert.equal(index.upsertRuns('s', [run('r', 'failed', '2026-11-01T10:00:00Z', { endedAt: '2026-11-01T10:01:00Z' })]), 0, 'nothing new');
    index.close();
  });

  it('answers counts by status, counts and pages for a query, newest first, whatever form the API wrote its timestamps in', () => {
    const index = RunIndex.open(file());
    index.upsertRuns('s', [
      run('a', 'failed', '2026-11-01T10:00:00Z', { integration: 'hubspot' }),
      run('b', 'succeeded', '2026-11-02T10:00:00+00:00'),
      run('c', 'failed', '2026-11-03T11:00:00.000+01:00', { userId: 'u1' }),
      run('d', 'running', '2026-11-04T10:00:00.123Z'),
    ]);
    index.upsertRuns('other', [run('x', 'failed', '2026-11-03T10:00:00Z')]);
    assert.deepEqual([...index.countsByStatus('s')].sort(), [
      ['failed', 2],
      ['running', 1],
      ['succeeded', 1],
    ]);
    const since = { startedAfter: new Date('2026-11-02T00:00:00Z') };
    assert.deepEqual([...index.countsByStatus('s', since)].sort(), [
      ['failed', 1],
      ['running', 1],
      ['succeeded', 1],
    ]);
    assert.equal(index.count('s', { status: 'failed' }), 2);
    assert.equal(index.count('s', { integration: 'hubspot' }), 1);
    assert.equal(index.count('s', { userId: 'u1' }), 1);
    assert.deepEqual(
      index.page('s', {}, 0, 10).map((r) => r.id),
      ['d', 'c', 'b', 'a'],
    );
    assert.deepEqual(
      index.page('s', { status: 'failed' }, 1, 10).map((r) => r.id),
      ['a'],
    );
    index.close();
  });

  it('a kill -9 in the middle of writing leaves a readable index holding exactly the batches it committed', async function () {
    this.timeout(120_000);
    const batch = 200;
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `killed-${round}.db`);
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'indexWriter.ts'), path, String(batch)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let committed = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          committed = Number(chunk.toString().trim().split('\n').pop());
          // Killed somewhere inside a later batch: after a few have landed.
          if (committed >= 3 + round) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.on('exit', resolve));
      const index = RunIndex.open(path);
      assert.equal(index.rebuilt, undefined, 'not taken for a damaged file');
      const rows = index.count('s');
      assert.equal(rows % batch, 0, `whole batches only (${rows} rows)`);
      assert.ok(rows >= committed * batch, `every committed batch is there (${rows} rows, ${committed} batches committed)`);
      index.close();
      const db = openSqlite(path, { mustExist: true });
      assert.equal(db.get('PRAGMA integrity_check')?.['integrity_check'], 'ok');
      db.close();
    }
  });

  it('rolls back a transaction whose pages reached the file before a kill -9 (the engine alone would not): no torn state', async function () {
    this.timeout(60_000);
    const index = RunIndex.open(file());
    const runs = Array.from({ length: 4000 }, (_, i) => run(`r${i}`, 'failed', new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(), { workflowId: 'w'.repeat(200) }));
    index.upsertRuns('s', runs);
    index.close();
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'spillWriter.ts'), file()], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('spilled') && resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.ok(readdirSync(dir).includes('runs.db-journal'), 'the killed writer left its journal');
    const reopened = RunIndex.open(file());
    assert.equal(reopened.rebuilt, undefined);
    assert.equal(reopened.count('s'), 4000);
    assert.equal(reopened.count('s', { status: 'cancelled' }), 0, 'no change of the uncommitted transaction is left');
    assert.equal(reopened.count('s', { status: 'failed' }), 4000);
    reopened.close();
    assert.ok(!readdirSync(dir).includes('runs.db-journal'), 'the journal was played back and removed');
    const db = openSqlite(file(), { mustExist: true });
    assert.equal(db.get('PRAGMA integrity_check')?.['integrity_check'], 'ok');
    db.close();
  });

  it('moves a corrupt file aside (never deletes it), starts a new index and says so, when the file may be damaged: a writer was killed, or its size is not its pages', () => {
    const damaged = (how: 'in place' | 'cut short') => {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'thx-index-'));
      const index = RunIndex.open(file());
      index.upsertRuns(
        's',
        Array.from({ length: 500 }, (_, i) => run(`r${i}`, 'failed', `2026-11-01T10:00:${String(i % 60).padStart(2, '0')}Z`, { workflowId: 'w'.repeat(300) })),
      );
      index.close();
      // Damage the pages after the header.
      const bytes = readFileSync(file());
      for (let i = 4096; i < bytes.length; i += 97) bytes[i] = 0xff;
      writeFileSync(file(), how === 'cut short' ? bytes.subarray(0, bytes.length - 1000) : bytes);
    };
    for (const [name, make] of [
      // The writer that damaged it was killed holding the lock.
      ['a killed writer’s pid lock', () => (damaged('in place'), writeFileSync(`${file()}.pid`, '4194304'))],
      ['a killed writer’s engine lock', () => (damaged('in place'), mkdirSync(`${file()}.lock`))],
      ['a size that is not whole pages', () => damaged('cut short')],
    ] as const) {
      make();
      const reopened = RunIndex.open(file());
      assert.match(reopened.rebuilt ?? '', /is damaged|cannot be read/, name);
      assert.match(reopened.rebuilt ?? '', /moved to .*runs\.db\.corrupt-/, name);
      assert.equal(reopened.count('s'), 0, name);
      reopened.close();
      assert.ok(
        readdirSync(dir).some((f) => f.startsWith('runs.db.corrupt-')),
        `${name}: the damaged file is kept`,
      );
    }
  });

  it('a damaged page that opening did not read: the query that finds it says the index will be checked, and the next open moves the file aside and starts anew', () => {
    const index = RunIndex.open(file());
    index.upsertRuns(
      's',
      Array.from({ length: 1000 }, (_, i) => run(`r${i}`, 'failed', new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(), { workflowId: 'w'.repeat(300) })),
    );
    index.close();
    // A page of the runs table (a leaf in the middle) overwritten in place: the size still matches the page count, no writer was killed.
    const probe = openSqlite(file(), { mustExist: true });
    const page = Number(probe.get("SELECT pageno FROM dbstat WHERE name = 'runs' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 40")?.['pageno']);
    probe.close();
    assert.ok(page > 1, `a leaf page of runs (${page})`);
    const size = statSync(file()).size;
    const fd = openSync(file(), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (page - 1) * 4096);
    closeSync(fd);
    assert.equal(statSync(file()).size, size);
    const opened = openIndexFile(file());
    assert.equal(opened.integrityChecked, false, 'nothing says the file may be damaged yet');
    opened.close();
    const damagedIndex = RunIndex.open(file());
    assert.throws(
      () => damagedIndex.page('s', {}, 0, 5000),
      (error: unknown) =>
        error instanceof IndexFileError && /is damaged \(SQLite: database disk image is malformed\)/.test(error.message) && /checked on the next open/.test(error.message),
    );
    damagedIndex.close();
    assert.match(readFileSync(`${file()}.suspect`, 'utf8'), /malformed/, 'the marker says why');
    const reopened = openIndexFile(file());
    assert.equal(reopened.integrityChecked, true);
    assert.match(reopened.rebuilt ?? '', /(is damaged|cannot be read) .*moved to .*runs\.db\.corrupt-/);
    reopened.close();
    assert.ok(!existsSync(`${file()}.suspect`), 'the marker is gone once the file was checked');
    const fresh = RunIndex.open(file());
    assert.equal(fresh.rebuilt, undefined);
    fresh.upsertRuns('s', [run('a', 'failed', '2026-11-01T10:00:00Z')]);
    assert.equal(fresh.page('s', {}, 0, 10).length, 1);
    fresh.close();
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('runs.db.corrupt-')).length, 1, 'the damaged file is kept');
  });

  it('a marker left for a file that is not damaged after all: checked, kept, the marker removed', () => {
    const index = RunIndex.open(file());
    index.upsertRuns('s', [run('a', 'failed', '2026-11-01T10:00:00Z')]);
    index.close();
    writeFileSync(`${file()}.suspect`, 'database disk image is malformed\n');
    const opened = openIndexFile(file());
    assert.equal(opened.integrityChecked, true);
    assert.equal(opened.rebuilt, undefined);
    opened.close();
    assert.ok(!existsSync(`${file()}.suspect`));
    const again = RunIndex.open(file());
    assert.equal(again.count('s'), 1);
    again.close();
  });

  it('checks a file for damage (quick_check, most of an open’s time) only when it may be damaged', () => {
    const index = RunIndex.open(file());
    index.upsertRuns('s', [run('a', 'failed', '2026-11-01T10:00:00Z')]);
    index.close();
    const opened = () => {
      const f = openIndexFile(file());
      f.close();
      return f.integrityChecked;
    };
    assert.equal(opened(), false, 'closed cleanly: not checked');
    writeFileSync(`${file()}.pid`, '4194304');
    assert.equal(opened(), true, 'the pid lock of a process that is gone');
    mkdirSync(`${file()}.lock`);
    assert.equal(opened(), true, 'the engine’s lock directory left behind');
    // A journal left by a writer killed mid-transaction: a transaction bigger than the page
    // cache spills pages into the file (after syncing its journal); copied then, with its
    // journal, the copy is that killed writer's file.
    const other = join(dir, 'other.db');
    const writer = openSqlite(file());
    writer.exec(
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO steps (source_id, run_id, position, step_id, status, step) SELECT 's', 'a', i, 'st', 'succeeded', printf('%0500d', i) FROM c",
    );
    writer.exec('PRAGMA cache_size = 2');
    writer.exec('BEGIN IMMEDIATE');
    writer.run("UPDATE steps SET step = 'changed'");
    writeFileSync(other, readFileSync(file()));
    writeFileSync(`${other}-journal`, readFileSync(`${file()}-journal`));
    writer.exec('ROLLBACK');
    writer.close();
    const copy = openIndexFile(other);
    assert.equal(copy.integrityChecked, true, 'a journal played back');
    assert.equal(copy.rebuilt, undefined);
    assert.equal(copy.db.get("SELECT count(*) AS n FROM steps WHERE step = 'changed'")?.['n'], 0, 'rolled back');
    copy.close();
    assert.equal(opened(), false, 'and again once all is clean');
  });

  it('migrates a version 1 file (WITHOUT ROWID tables) to rowid tables, keeping every row, and the file shrinks', () => {
    const db = openSqlite(file());
    db.transaction(() => {
      db.exec(MIGRATIONS[0]!.sql);
      db.exec('PRAGMA user_version = 1');
      db.exec('PRAGMA application_id = 1414027337');
    });
    const pad = 'p'.repeat(1000);
    db.transaction(() => {
      for (let i = 0; i < 400; i++) {
        const id = `r${i}`;
        const started = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
        db.run(
          'INSERT INTO runs (source_id, run_id, status, raw_status, started_at, ended_at, duration_ms, workflow_id, user_id, integration, name, summary, detail_fetched, archived, indexed_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            's',
            id,
            i % 4 ? 'succeeded' : 'failed',
            'X',
            started,
            started,
            i,
            `w${i % 7}`,
            `u${i % 5}`,
            i % 3 ? 'slack' : null,
            null,
            JSON.stringify(i % 2 ? { id, pad, taskCount: i } : { id, pad }),
            i % 2,
            i % 9 === 0 ? 1 : 0,
            started,
            started,
          ],
        );
        for (let position = 0; position < 3; position++) {
          db.run('INSERT INTO steps (source_id, run_id, position, step_id, status, model, agent, tokens, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
            's',
            id,
            position,
            `${id}.${position}`,
            'succeeded',
            'm',
            null,
            position,
            JSON.stringify({ pad }),
          ]);
        }
        if (i % 4 === 0) db.run('INSERT INTO failing_outputs (source_id, run_id, step_id, output) VALUES (?, ?, ?, ?)', ['s', id, `${id}.2`, JSON.stringify({ error: pad })]);
      }
      db.run('INSERT INTO sync_state (source_id, state) VALUES (?, ?)', ['s', '{"complete":"2026-11-02T00:00:00.000Z"}']);
    });
    // The columns version 1 had (later versions add columns of their own, checked below).
    const runColumns =
      'source_id, run_id, status, raw_status, started_at, ended_at, duration_ms, workflow_id, user_id, integration, name, summary, detail_fetched, archived, indexed_at, checked_at';
    const dump = (d: ReturnType<typeof openSqlite>) =>
      [
        `${runColumns} FROM runs ORDER BY source_id, run_id`,
        'source_id, run_id, position, step_id, status, model, agent, tokens, step FROM steps ORDER BY source_id, run_id, position',
        '* FROM failing_outputs ORDER BY source_id, run_id',
        '* FROM sync_state ORDER BY source_id',
      ].map((t) => d.all(`SELECT ${t}`));
    const before = dump(db);
    db.close();
    const sizeBefore = statSync(file()).size;
    const index = RunIndex.open(file());
    assert.equal(index.rebuilt, undefined);
    assert.equal(index.count('s'), 400);
    assert.equal(index.count('s', { integration: 'slack' }), 266, 'the indexes answer');
    index.close();
    const after = openSqlite(file(), { mustExist: true });
    assert.equal(after.get('PRAGMA user_version')?.['user_version'], SCHEMA_VERSION);
    assert.deepEqual(dump(after), before, 'every row kept, as it was');
    assert.equal(
      after.get('SELECT count(*) AS n FROM runs WHERE task_count = CAST(substr(run_id, 2) AS REAL)')?.['n'],
      200,
      "version 4 took each run's task count from its summary",
    );
    assert.equal(after.get('SELECT count(*) AS n FROM runs WHERE task_count IS NULL')?.['n'], 200, 'and none where the summary has none');
    const tables = after.all("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
    assert.deepEqual(
      tables.map((t) => t['name']),
      ['failing_outputs', 'meta', 'runs', 'steps', 'sync_state'],
    );
    for (const t of tables.filter((t) => t['name'] !== 'sync_state')) assert.doesNotMatch(String(t['sql']), /WITHOUT ROWID/, String(t['name']));
    assert.deepEqual(
      after.all("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r['name']),
      ['runs_by_change', 'runs_by_start', 'runs_by_status', 'runs_frame', 'steps_frame'],
    );
    assert.equal(after.get('PRAGMA integrity_check')?.['integrity_check'], 'ok');
    after.close();
    const sizeAfter = statSync(file()).size;
    assert.ok(sizeAfter < sizeBefore / 2, `${sizeBefore} bytes before, ${sizeAfter} after`);
  });

  it('gives back free pages at open when they are over a quarter of the file, whatever left them (a VACUUM killed midway, played back, leaves the file as big as before), and not when they are few', () => {
    RunIndex.open(file()).close();
    leaveFreePages(file(), 4);
    const big = statSync(file()).size;
    const opened = openIndexFile(file());
    assert.equal(opened.notice, undefined);
    opened.close();
    const shrunk = statSync(file()).size;
    assert.ok(shrunk < big / 4, `${big} bytes before, ${shrunk} after`);
    // A few free pages: left for the next writes to reuse, not worth rewriting the file.
    leaveFreePages(file(), 0.5);
    const few = statSync(file()).size;
    RunIndex.open(file()).close();
    assert.equal(statSync(file()).size, few);
  });

  it('on a full disk: a migration that cannot be written is an error saying to free space, with the file unchanged; free pages not given back are a notice, the index working; both done once there is room', async function () {
    this.timeout(60_000);
    const disk = await mountSmallDisk(32 * 1024);
    if (!disk) return this.skip(); // needs a tmpfs (root with CAP_SYS_ADMIN, Linux)
    try {
      const path = join(disk.dir, 'runs.db');
      writeVersion1Index(path, 100);
      const before = readFileSync(path);
      await disk.leaveFree(64 * 1024);
      assert.throws(
        () => RunIndex.open(path),
        (error: unknown) =>
          error instanceof IndexFileError &&
          /could not be updated to this version's schema/.test(error.message) &&
          /file is unchanged/.test(error.message) &&
          /Free some space on its disk/.test(error.message),
      );
      assert.deepEqual(readFileSync(path), before, 'the file is unchanged');
      await disk.leaveFree(24 * 2 ** 20);
      const migrated = RunIndex.open(path);
      assert.equal(migrated.rebuilt, undefined);
      assert.equal(migrated.count('s'), 100);
      migrated.close();
      // Free pages on a disk without room to rewrite the file: not tried, said, and the index works.
      leaveFreePages(path, 4);
      const big = statSync(path).size;
      await disk.leaveFree(512 * 1024);
      const cramped = openIndexFile(path);
      assert.match(cramped.notice ?? '', /unused space it could give back, but its disk has .* free/);
      assert.equal(cramped.db.get("SELECT count(*) AS n FROM runs WHERE source_id = 's'")?.['n'], 100);
      cramped.close();
      assert.equal(statSync(path).size, big);
      await disk.leaveFree(24 * 2 ** 20);
      const roomy = openIndexFile(path);
      assert.equal(roomy.notice, undefined);
      roomy.close();
      assert.ok(statSync(path).size < big / 2, 'given back once there is room');
    } finally {
      await disk.unmount();
    }
  });

  it("moves another program's file aside: random bytes, a text file, another SQLite database", () => {
    const cases: [string, () => void, RegExp][] = [
      ['random bytes', () => writeFileSync(file(), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256))), /not a database/],
      ['a text file', () => writeFileSync(file(), 'name,status\nrun,failed\n'), /not a database/],
      [
        'another SQLite database',
        () => {
          const db = openSqlite(file());
          db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
          db.close();
        },
        /another program’s SQLite database/,
      ],
    ];
    for (const [name, make, message] of cases) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'thx-index-'));
      make();
      const index = RunIndex.open(file());
      assert.match(index.rebuilt ?? '', message, name);
      index.upsertRuns('s', [run('a', 'failed', '2026-11-01T10:00:00Z')]);
      assert.equal(index.count('s'), 1, name);
      index.close();
      assert.equal(readdirSync(dir).filter((f) => f.startsWith('runs.db.foreign-')).length, 1, `${name}: kept beside`);
    }
  });

  it("never touches another program's SQLite file that has a journal or a lock beside it (it may be writing)", () => {
    const db = openSqlite(file());
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    writeFileSync(`${file()}-journal`, 'a journal of theirs');
    const before = readFileSync(file());
    assert.throws(
      () => RunIndex.open(file()),
      (error: unknown) => error instanceof IndexFileError && /not a Task History run index/.test(error.message),
    );
    assert.deepEqual(readFileSync(file()), before);
    assert.equal(readFileSync(`${file()}-journal`, 'utf8'), 'a journal of theirs');
    assert.deepEqual(readdirSync(dir).sort(), ['runs.db', 'runs.db-journal']);
  });

  it('never moves a good index aside for an error that is not damage (a folder where the file should be)', () => {
    mkdirSync(file());
    assert.throws(() => RunIndex.open(file()));
    assert.ok(statSync(file()).isDirectory(), 'left where it was');
    assert.deepEqual(
      readdirSync(dir).filter((f) => /corrupt|foreign/.test(f)),
      [],
    );
  });

  it('takes a run the API lists again out of the archive', () => {
    const index = RunIndex.open(file());
    index.upsertRuns('s', [run('r', 'failed', '2026-11-01T10:00:00Z')]);
    index.markArchived('s', 'r');
    assert.equal(index.get('s', 'r')!.archived, true);
    index.upsertRuns('s', [run('r', 'failed', '2026-11-01T10:00:00Z')]);
    assert.equal(index.get('s', 'r')!.archived, false);
    index.close();
  });

  it('refuses a file written by a newer build, and leaves it untouched', () => {
    RunIndex.open(file()).close();
    const db = openSqlite(file(), { mustExist: true });
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file());
    assert.throws(
      () => RunIndex.open(file()),
      (error: unknown) => error instanceof IndexFileError && /newer version/.test(error.message),
    );
    assert.deepEqual(readFileSync(file()), before);
  });

  it('lets one process use a file at a time, and takes over the lock of a process that is gone', () => {
    const first = RunIndex.open(file());
    const lock = `${file()}.pid`;
    // Another live process holds it (our parent, which is alive).
    writeFileSync(lock, String(process.ppid));
    assert.throws(
      () => RunIndex.open(file()),
      (error: unknown) => error instanceof IndexFileError && /in use by another Task History process \(pid \d+\)/.test(error.message),
    );
    // This very process holds it: a second open is refused too.
    writeFileSync(lock, String(process.pid));
    assert.throws(() => RunIndex.open(file()), /in use by another Task History process/);
    // A process that is gone: pid numbers this high are not in use.
    writeFileSync(lock, '4194304');
    const second = RunIndex.open(file());
    second.close();
    first.close();
  });

  it('takes over a lock holding this very process’s pid that it does not hold (a killed CLI in a container comes back with the same pid), or a live pid that started at another time', () => {
    RunIndex.open(file()).close();
    const lock = `${file()}.pid`;
    // The old format (a bare pid) and the new one (pid, host, start time), each naming this
    // process, which holds no lock on this file.
    for (const text of [String(process.pid), `${process.pid}\n${hostname()}\n1\n`]) {
      writeFileSync(lock, text);
      const opened = openIndexFile(file());
      assert.equal(opened.integrityChecked, true, 'taken over, and its file checked');
      assert.match(readFileSync(lock, 'utf8'), new RegExp(`^${process.pid}\n${hostname()}\n`), 'the lock is ours now');
      opened.close();
      assert.ok(!existsSync(lock), 'released');
    }
    if (existsSync(`/proc/${process.ppid}/stat`)) {
      // Our parent is alive, but the lock says its process started at another time: the pid was reused.
      writeFileSync(lock, `${process.ppid}\n${hostname()}\n1\n`);
      const opened = openIndexFile(file());
      assert.equal(opened.integrityChecked, true);
      opened.close();
    }
  });

  it('refuses a lock from another host, naming the lock file to delete if that host’s process is gone, and leaves it alone', () => {
    const lock = `${file()}.pid`;
    writeFileSync(lock, `${process.pid}\nsome-other-host.example\n12345\n`);
    assert.throws(
      () => RunIndex.open(file()),
      (error: unknown) =>
        error instanceof IndexFileError && error.message.includes('another computer (some-other-host.example, pid') && error.message.includes(`delete the lock file ${lock}`),
    );
    assert.equal(readFileSync(lock, 'utf8'), `${process.pid}\nsome-other-host.example\n12345\n`, 'never taken over');
    assert.ok(!existsSync(file()), 'the index was not touched');
    rmSync(lock);
    RunIndex.open(file()).close();
  });

  it('refuses a lock held by another live process (a child holding the index), and takes it over once that process is killed', async function () {
    this.timeout(60_000);
    RunIndex.open(file()).close();
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'lockHolder.ts'), file()], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
        child.on('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      assert.throws(
        () => RunIndex.open(file()),
        (error: unknown) => error instanceof IndexFileError && error.message.includes(`in use by another Task History process (pid ${child.pid})`),
      );
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.on('exit', resolve) : resolve(undefined)));
    const opened = openIndexFile(file());
    assert.equal(opened.integrityChecked, true, 'a killed holder’s lock: taken over, its file checked');
    opened.close();
  });

  it('removes the journal with a zeroed header that a process killed between commits leaves (locking_mode EXCLUSIVE), keeping every committed run', async function () {
    this.timeout(60_000);
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'lockHolder.ts'), file(), 'write'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
      child.on('exit', (code) => reject(new Error(`the writer exited (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.on('exit', resolve) : resolve(undefined)));
    const journal = readFileSync(`${file()}-journal`);
    assert.ok(journal.length > 0 && journal.subarray(0, 28).every((byte) => byte === 0), `a journal of ${journal.length} bytes, its header zeros`);
    const reopened = RunIndex.open(file());
    assert.ok(!existsSync(`${file()}-journal`), 'removed at open');
    assert.equal(reopened.rebuilt, undefined);
    assert.equal(reopened.count('s'), 200);
    reopened.close();
    // The same journal beside a file closed cleanly: removed, and no reason to check the file.
    writeFileSync(`${file()}-journal`, journal);
    const opened = openIndexFile(file());
    assert.equal(opened.integrityChecked, false);
    opened.close();
    assert.ok(!existsSync(`${file()}-journal`));
  });

  describe('against the emulator', () => {
    const emulator = useEmulator({ paragonExecutions: 1200, disperslTasks: 200 });

    it("holds a listing's runs exactly: the counts by status equal the emulator's truth", async () => {
      const e = emulator();
      const client = createSource({ id: 'p', kind: 'paragon', baseUrl: new URL(e.paragonBaseUrl).origin, projectId: e.projectId }, { apiKey: e.apiKey });
      const index = RunIndex.open(file());
      for (let offset = 0; ;) {
        const page = await client.listPage({}, offset);
        index.upsertRuns('p', page.runs);
        if (page.nextOffset === undefined || page.runs.length === 0) break;
        offset = page.nextOffset;
      }
      assert.equal(index.count('p'), e.truth.paragonIds({}).length);
      assert.equal(index.count('p', { status: 'failed' }), e.truth.paragonIds({ status: 'FAILED' }).length);
      assert.equal(index.count('p', { status: 'succeeded' }), e.truth.paragonIds({ status: 'SUCCEEDED' }).length);
      index.close();
    });
  });
});
