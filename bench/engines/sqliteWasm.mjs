// Candidate: SQLite compiled to WebAssembly with a VFS over Node's fs (`node-sqlite3-wasm`):
// file-backed, one universal .wasm. Rollback journal (DELETE): the VFS has no shared memory,
// so WAL is not offered.
import { INSERT_RUN, INSERT_STEP, GROUP_COUNTS, PAGE, RUN_COLUMNS, SCHEMA, STEP_COLUMNS, candidateVersion, requireCandidate, rowValues } from './common.mjs';

export const name = 'node-sqlite3-wasm';

export async function open(file) {
  const { Database } = requireCandidate('node-sqlite3-wasm');
  const db = new Database(file);
  const journal = db.get('PRAGMA journal_mode = WAL').journal_mode;
  if (journal !== 'wal') db.exec('PRAGMA journal_mode = DELETE');
  db.exec('PRAGMA synchronous = FULL');
  for (const sql of SCHEMA) db.exec(sql);
  const insertRun = db.prepare(INSERT_RUN);
  const insertStep = db.prepare(INSERT_STEP);
  const groupCounts = db.prepare(GROUP_COUNTS);
  const page = db.prepare(PAGE);
  const version = db.get('SELECT sqlite_version() AS v').v;
  const pkg = candidateVersion('node-sqlite3-wasm');
  return {
    version: `SQLite ${version}, node-sqlite3-wasm ${pkg}, journal_mode ${db.get('PRAGMA journal_mode').journal_mode} (WAL asked: got ${journal})`,
    async insertBatch({ runs, steps }) {
      db.exec('BEGIN');
      try {
        for (const r of runs) insertRun.run(rowValues(r, RUN_COLUMNS));
        for (const s of steps) insertStep.run(rowValues(s, STEP_COLUMNS));
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
      return groupCounts.all([sourceId, since]);
    },
    async page(sourceId, status) {
      return page.all([sourceId, status]);
    },
    async integrity() {
      return db
        .all('PRAGMA integrity_check')
        .map((r) => r.integrity_check)
        .join('; ');
    },
    async counts() {
      return { runs: db.get('SELECT count(*) AS n FROM runs').n, steps: db.get('SELECT count(*) AS n FROM steps').n };
    },
    async close() {
      for (const s of [insertRun, insertStep, groupCounts, page]) s.finalize();
      db.close();
    },
  };
}

export async function probe(file) {
  const { Database } = requireCandidate('node-sqlite3-wasm');
  const steps = [];
  let db;
  try {
    db = new Database(file, { fileMustExist: true });
    steps.push('open: ok');
    db.get('SELECT count(*) AS n FROM sqlite_master');
    steps.push('first query: ok');
  } catch (error) {
    steps.push(`${steps.length ? 'first query' : 'open'}: ${error.name} ${error.message}`);
  } finally {
    try {
      db?.close();
    } catch {
      /* already failed */
    }
  }
  return steps;
}
