// Candidate: sql.js (SQLite compiled to WebAssembly, database in memory). Persisting means
// exporting the whole database and writing it: here to a temporary file, fsync, then rename
// over the old one, so a kill leaves either the old or the new file, never half of one.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { INSERT_RUN, INSERT_STEP, GROUP_COUNTS, PAGE, RUN_COLUMNS, SCHEMA, STEP_COLUMNS, candidateVersion, requireCandidate, rowValues } from './common.mjs';

export const name = 'sql.js';

async function load() {
  const initSqlJs = requireCandidate('sql.js');
  return initSqlJs();
}

function writeAtomically(file, bytes) {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export async function open(file, { persistEachBatch = false } = {}) {
  const SQL = await load();
  const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  for (const sql of SCHEMA) db.run(sql);
  // export() frees every prepared statement, so they are prepared again after each one.
  let statements = null;
  const prepared = () => (statements ??= { insertRun: db.prepare(INSERT_RUN), insertStep: db.prepare(INSERT_STEP) });
  const all = (sql, params) => {
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params);
      const rows = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  };
  const persist = () => {
    statements = null;
    writeAtomically(file, db.export());
  };
  const version = all('SELECT sqlite_version() AS v', [])[0].v;
  return {
    version: `SQLite ${version}, sql.js ${candidateVersion('sql.js')}`,
    async insertBatch({ runs, steps }) {
      const { insertRun, insertStep } = prepared();
      db.run('BEGIN');
      try {
        for (const r of runs) insertRun.run(rowValues(r, RUN_COLUMNS));
        for (const s of steps) insertStep.run(rowValues(s, STEP_COLUMNS));
        db.run('COMMIT');
      } catch (error) {
        db.run('ROLLBACK');
        throw error;
      }
      if (persistEachBatch) persist();
    },
    async persist() {
      persist();
    },
    async exec(sql) {
      db.run(sql);
    },
    async groupCounts(sourceId, since) {
      return all(GROUP_COUNTS, [sourceId, since]);
    },
    async page(sourceId, status) {
      return all(PAGE, [sourceId, status]);
    },
    async integrity() {
      return all('PRAGMA integrity_check', [])
        .map((r) => r.integrity_check)
        .join('; ');
    },
    async counts() {
      return { runs: all('SELECT count(*) AS n FROM runs', [])[0].n, steps: all('SELECT count(*) AS n FROM steps', [])[0].n };
    },
    async close() {
      statements = null;
      db.close();
    },
  };
}

export async function probe(file) {
  const SQL = await load();
  const steps = [];
  let db;
  try {
    db = new SQL.Database(readFileSync(file));
    steps.push('open: ok');
    db.exec('SELECT count(*) AS n FROM sqlite_master');
    steps.push('first query: ok');
  } catch (error) {
    steps.push(`${steps.length ? 'first query' : 'open'}: ${error.message}`);
  } finally {
    try {
      db?.close();
    } catch {
      /* already failed */
    }
  }
  return steps;
}
