// Index files as older builds or other events left them, for the opening tests: a version 1
// file (the schema's first migration alone) with padded rows, and a current file with many
// free pages (as a killed VACUUM, played back, leaves it).
import { MIGRATIONS } from '../../../src/runIndex/schema';
import { openSqlite } from '../../../src/runIndex/sqlite';

/** A version 1 index at `path` with `runs` runs of about 1 KB each, three steps apiece. */
export function writeVersion1Index(path: string, runs: number): void {
  const db = openSqlite(path);
  db.transaction(() => {
    db.exec(MIGRATIONS[0]!.sql);
    db.exec('PRAGMA user_version = 1');
    db.exec('PRAGMA application_id = 1414027337');
  });
  const pad = 'p'.repeat(1000);
  db.transaction(() => {
    for (let i = 0; i < runs; i++) {
      const id = `r${i}`;
      const started = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
      db.run('INSERT INTO runs (source_id, run_id, status, raw_status, started_at, summary, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        's',
        id,
        'failed',
        'FAILED',
        started,
        JSON.stringify({ id, sourceKind: 'paragon', status: 'failed', rawStatus: 'FAILED', startedAt: started, pad }),
        started,
      ]);
      for (let position = 0; position < 3; position++) {
        db.run('INSERT INTO steps (source_id, run_id, position, step_id, status, step) VALUES (?, ?, ?, ?, ?, ?)', [
          's',
          id,
          position,
          `${id}.${position}`,
          'succeeded',
          JSON.stringify({ pad }),
        ]);
      }
    }
  });
  db.close();
}

/** Fills the index at `path` (already created) with padded steps, then deletes them: the file keeps their pages, free. */
export function leaveFreePages(path: string, megabytes: number): void {
  const db = openSqlite(path, { mustExist: true });
  const rows = Math.ceil((megabytes * 2 ** 20) / 1100);
  db.exec(
    `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows}) INSERT INTO steps (source_id, run_id, position, step_id, status, step) SELECT 'free', 'r', i, 'st', 'succeeded', printf('%01000d', i) FROM c`,
  );
  db.exec("DELETE FROM steps WHERE source_id = 'free'");
  db.close();
}
