// The embedded database engine, behind the few calls the run index makes: SQLite compiled
// to WebAssembly with direct file access (node-sqlite3-wasm). Chosen because one build runs
// in VS Code's extension host on every platform from one universal .vsix, in the CLI on
// Node 20+ and in the tests, with SQLite's rollback journal (synchronous=FULL, fsync). It
// does not roll a hot journal back by itself (see hotJournal.ts, which does it before every
// open); the measurements are in docs/run-index-engine.md. Only this file names the engine:
// another one (node:sqlite, where the runtime has it) would replace this module alone.
import { Database, SQLite3Error, type Statement } from 'node-sqlite3-wasm';

/** Prepared statements kept per connection: an export reads thousands of runs with the same few queries, and preparing each took a tenth of its time. */
const STATEMENT_CACHE = 64;

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

/**
 * SQLite saying the file itself is damaged: SQLITE_CORRUPT ("database disk image is
 * malformed", "malformed database schema") or SQLITE_NOTADB ("file is not a database"). The
 * engine gives its message alone, no code, so the message is what is matched.
 */
export function isCorruptionError(error: unknown): error is Error {
  return error instanceof SQLite3Error && /database disk image is malformed|malformed database schema|file is not a database/i.test(error.message);
}

export interface OpenOptions {
  readonly mustExist?: boolean;
  /**
   * Called when a statement finds the file damaged (isCorruptionError), whatever the
   * statement; what it returns is thrown instead. Damage in a page that opening did not read
   * shows only here, when a query reaches it: the caller records it so the next open checks
   * the file.
   */
  readonly onCorruption?: (error: Error) => Error;
}

/** Opens (or creates) the file. Throws the engine's error for a file that is not a database. */
export function openSqlite(path: string, options: OpenOptions = {}): SqlDatabase {
  const db = new Database(path, { fileMustExist: options.mustExist === true });
  const { onCorruption } = options;
  /** Runs `work`, handing a damaged-file error to onCorruption. */
  const guarded = <T>(work: () => T): T => {
    if (!onCorruption) return work();
    try {
      return work();
    } catch (error) {
      throw isCorruptionError(error) ? onCorruption(error) : error;
    }
  };
  const params = (p?: SqlParams) => (p === undefined ? undefined : (p as never));
  // Least recently used last out: a Map keeps insertion order, and a hit is moved to the end.
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else statement = db.prepare(sql);
    statements.set(sql, statement);
    if (statements.size > STATEMENT_CACHE) {
      const [oldest, evicted] = statements.entries().next().value as [string, Statement];
      statements.delete(oldest);
      evicted.finalize();
    }
    return statement;
  };
  /** Runs a cached statement; one that failed is dropped, so no statement is left half-run. */
  const using = <T>(sql: string, use: (statement: Statement) => T): T => {
    const statement = prepared(sql);
    try {
      return use(statement);
    } catch (error) {
      statements.delete(sql);
      statement.finalize();
      throw error;
    }
  };
  const finalizeAll = () => {
    for (const statement of statements.values()) if (!statement.isFinalized) statement.finalize();
    statements.clear();
  };
  return {
    exec: (sql) =>
      guarded(() => {
        // VACUUM and schema changes want no statement in the way.
        finalizeAll();
        db.exec(sql);
      }),
    run: (sql, p) => guarded(() => using(sql, (st) => ({ changes: Number(st.run(params(p)).changes) }))),
    // Through all(): the engine's get() leaves its statement stepped (busy) until the next use,
    // which holds up a VACUUM or a ROLLBACK; every get here reads one row.
    get: (sql, p) => guarded(() => using(sql, (st) => st.all(params(p))[0] as Row | undefined)),
    all: (sql, p) => guarded(() => using(sql, (st) => st.all(params(p)) as Row[])),
    transaction(work) {
      if (db.inTransaction) return work();
      guarded(() => db.exec('BEGIN IMMEDIATE'));
      try {
        const result = work();
        guarded(() => db.exec('COMMIT'));
        return result;
      } catch (error) {
        try {
          if (db.inTransaction) db.exec('ROLLBACK');
        } catch {
          // A damaged file can fail its ROLLBACK too: the first error is the one that says why.
        }
        throw error;
      }
    },
    close: () => {
      if (!db.isOpen) return;
      finalizeAll();
      db.close();
    },
  };
}
