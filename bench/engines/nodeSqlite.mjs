// Candidate: Node's built-in SQLite (`node:sqlite`, DatabaseSync). Needs Node >= 22.13 / 23.4
// unflagged (22.5-22.12 behind --experimental-sqlite); absent on Node 20. File-backed, WAL.
import { INSERT_RUN, INSERT_STEP, GROUP_COUNTS, PAGE, RUN_COLUMNS, SCHEMA, STEP_COLUMNS, rowValues } from './common.mjs';

export const name = 'node:sqlite';

export async function open(file) {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  for (const sql of SCHEMA) db.exec(sql);
  const insertRun = db.prepare(INSERT_RUN);
  const insertStep = db.prepare(INSERT_STEP);
  const groupCounts = db.prepare(GROUP_COUNTS);
  const page = db.prepare(PAGE);
  const version = db.prepare('SELECT sqlite_version() AS v').get().v;
  return {
    version: `SQLite ${version} in Node ${process.version}`,
    async insertBatch({ runs, steps }) {
      db.exec('BEGIN');
      try {
        for (const r of runs) insertRun.run(...rowValues(r, RUN_COLUMNS));
        for (const s of steps) insertStep.run(...rowValues(s, STEP_COLUMNS));
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async persist() {},
    async exec(sql) {
      db.exec(sql);
    },
    async groupCounts(sourceId, since) {
      return groupCounts.all(sourceId, since);
    },
    async page(sourceId, status) {
      return page.all(sourceId, status);
    },
    async integrity() {
      return db
        .prepare('PRAGMA integrity_check')
        .all()
        .map((r) => r.integrity_check)
        .join('; ');
    },
    async counts() {
      return { runs: db.prepare('SELECT count(*) AS n FROM runs').get().n, steps: db.prepare('SELECT count(*) AS n FROM steps').get().n };
    },
    async close() {
      db.close();
    },
  };
}

/** Opens a file that may not be a database, and reports where (if anywhere) it fails. */
export async function probe(file) {
  const { DatabaseSync } = await import('node:sqlite');
  const steps = [];
  let db;
  try {
    db = new DatabaseSync(file);
    steps.push('open: ok');
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
    steps.push('first query: ok');
  } catch (error) {
    steps.push(`${steps.length ? 'first query' : 'open'}: ${error.code ?? ''} ${error.message}`.trim());
  } finally {
    try {
      db?.close();
    } catch {
      /* already failed */
    }
  }
  return steps;
}
