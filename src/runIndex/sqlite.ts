// The embedded database engine, behind the few calls the run index makes: SQLite compiled
// to WebAssembly with direct file access (node-sqlite3-wasm). Chosen because one build runs
// in VS Code's extension host on every platform from one universal .vsix, in the CLI on
// Node 20+ and in the tests, with SQLite's rollback journal (synchronous=FULL, fsync). It
// does not roll a hot journal back by itself (see hotJournal.ts, which does it before every
// open); the measurements are in docs/run-index-engine.md. Only this file names the engine:
// another one (node:sqlite, where the runtime has it) would replace this module alone.
import { Database, SQLite3Error } from 'node-sqlite3-wasm';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;
export type Row = Readonly<Record<string, SqlValue>>;

export interface SqlDatabase {
  exec(sql: string): void;
  run(sql: string, params?: SqlParams): { changes: number };
  get(sql: string, params?: SqlParams): Row | undefined;
  all(sql: string, params?: SqlParams): Row[];
  /**
   * Runs `work` in one transaction: all of it is written, or (on a throw, or a kill) none.
   * Inside another transaction it is part of that one.
   */
  transaction<T>(work: () => T): T;
  close(): void;
}

export function isSqliteError(error: unknown): boolean {
  return error instanceof SQLite3Error;
}

/** Opens (or creates) the file. Throws the engine's error for a file that is not a database. */
export function openSqlite(path: string, options: { readonly mustExist?: boolean } = {}): SqlDatabase {
  const db = new Database(path, { fileMustExist: options.mustExist === true });
  const params = (p?: SqlParams) => (p === undefined ? undefined : (p as never));
  return {
    exec: (sql) => db.exec(sql),
    run: (sql, p) => ({ changes: Number(db.run(sql, params(p)).changes) }),
    get: (sql, p) => (db.get(sql, params(p)) ?? undefined) as Row | undefined,
    all: (sql, p) => db.all(sql, params(p)) as Row[],
    transaction(work) {
      if (db.inTransaction) return work();
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}
