// Candidate: DuckDB through @duckdb/node-api (native: a per-platform @duckdb/node-bindings-*
// package carrying duckdb.node + libduckdb). Rows go in through the Appender (DuckDB's fast
// path; row-by-row prepared INSERTs are much slower) inside an explicit transaction.
import { GROUP_COUNTS, PAGE, RUN_COLUMNS, SCHEMA, STEP_COLUMNS, candidateVersion, requireCandidate } from './common.mjs';

export const name = 'duckdb';

const INT_COLUMNS = new Set(['started_at', 'ended_at', 'duration_ms', 'tokens', 'position']);

function append(appender, row, columns) {
  for (const c of columns) {
    const v = row[c];
    if (v === null || v === undefined) appender.appendNull();
    else if (INT_COLUMNS.has(c)) appender.appendBigInt(BigInt(v));
    else appender.appendVarchar(v);
  }
  appender.endRow();
}

const plain = (rows) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

export async function open(file) {
  const { DuckDBInstance } = requireCandidate('@duckdb/node-api');
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  for (const sql of SCHEMA) await conn.run(sql);
  const read = async (sql, params) => plain((await conn.runAndReadAll(sql, params)).getRowObjects());
  const version = (await read('SELECT version() AS v', []))[0].v;
  return {
    version: `DuckDB ${version}, @duckdb/node-api ${candidateVersion('@duckdb/node-api')}`,
    async insertBatch({ runs, steps }) {
      await conn.run('BEGIN TRANSACTION');
      try {
        const runsAppender = await conn.createAppender('runs');
        for (const r of runs) append(runsAppender, r, RUN_COLUMNS);
        runsAppender.closeSync();
        const stepsAppender = await conn.createAppender('steps');
        for (const s of steps) append(stepsAppender, s, STEP_COLUMNS);
        stepsAppender.closeSync();
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK');
        throw error;
      }
    },
    async persist() {
      await conn.run('CHECKPOINT');
    },
    async exec(sql) {
      await conn.run(sql);
    },
    async groupCounts(sourceId, since) {
      return read(GROUP_COUNTS, [sourceId, since]);
    },
    async page(sourceId, status) {
      return read(PAGE, [sourceId, status]);
    },
    async integrity() {
      // DuckDB has no PRAGMA integrity_check: the check is that the file opens, its WAL
      // replays, every table scans and a CHECKPOINT succeeds (blocks carry checksums).
      await read('SELECT count(*) AS n, sum(length(json)) AS b FROM runs', []);
      await read('SELECT count(*) AS n, sum(length(json)) AS b FROM steps', []);
      await conn.run('CHECKPOINT');
      return 'ok (opened, full scan, checkpoint)';
    },
    async counts() {
      return { runs: (await read('SELECT count(*) AS n FROM runs', []))[0].n, steps: (await read('SELECT count(*) AS n FROM steps', []))[0].n };
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export async function probe(file) {
  const { DuckDBInstance } = requireCandidate('@duckdb/node-api');
  const steps = [];
  let instance;
  let conn;
  try {
    instance = await DuckDBInstance.create(file);
    conn = await instance.connect();
    steps.push('open: ok');
    await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables()');
    steps.push('first query: ok');
  } catch (error) {
    steps.push(`${steps.length ? 'first query' : 'open'}: ${error.message.split('\n')[0]}`);
  } finally {
    try {
      conn?.closeSync();
      instance?.closeSync();
    } catch {
      /* already failed */
    }
  }
  return steps;
}
