// Opening the index file safely: one process at a time (a pid file beside it, which also
// lets us clear the lock directory the engine leaves behind when a writer is killed), a file that is not an index of ours (corrupt, another
// program's, not SQLite at all) moved aside — never deleted, never overwritten — and an empty
// index built in its place, with a message that says so; a file from a newer build refused.
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rollBackHotJournal } from './hotJournal';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema';
import { openSqlite, type SqlDatabase } from './sqlite';

export class IndexFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexFileError';
  }
}

export interface OpenedIndexFile {
  readonly db: SqlDatabase;
  /** Set when the file found was not a usable index: what was wrong, and where it was moved. */
  readonly rebuilt?: string;
  /** Releases the lock and closes the file. */
  close(): void;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** Opens or creates the index at `path`, migrated to the current schema. */
export function openIndexFile(path: string, now: () => Date = () => new Date()): OpenedIndexFile {
  const unlock = lock(`${path}.pid`);
  try {
    // The engine locks the file with a directory beside it while it writes; one left by a
    // process that was killed would block the file for ever. We hold the file alone now:
    // whatever lock is there is stale.
    rmSync(`${path}.lock`, { recursive: true, force: true });
    // And a journal left by a writer that was killed is played back here: the engine would not.
    rollBackHotJournal(path);
    let rebuilt: string | undefined;
    const problem = existsSync(path) ? fileProblem(path) : undefined;
    if (problem) {
      const aside = `${path}.${problem.kind}-${now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(path, aside);
      rebuilt = `The run index at ${path} ${problem.why}; it was moved to ${aside} and a new index was started (runs are synced again).`;
    }
    const db = openSqlite(path);
    try {
      migrate(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      rebuilt,
      close: () => {
        db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** What makes an existing file unusable as an index, or undefined when it is one (of any version). */
function fileProblem(path: string): { kind: 'corrupt' | 'foreign'; why: string } | undefined {
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return undefined; // an empty file: SQLite makes it a database
  if (read < 16 || header.toString('latin1') !== SQLITE_HEADER) return { kind: 'foreign', why: 'is not a database (another program’s file?)' };
  let db: SqlDatabase | undefined;
  try {
    db = openSqlite(path, { mustExist: true });
    const app = Number(db.get('PRAGMA application_id')?.['application_id'] ?? 0);
    const tables = Number(db.get("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")?.['n'] ?? 0);
    if (app !== APPLICATION_ID && (app !== 0 || tables > 0)) return { kind: 'foreign', why: 'is another program’s SQLite database' };
    const check = String(db.get('PRAGMA quick_check')?.['quick_check'] ?? '');
    if (check !== 'ok') return { kind: 'corrupt', why: `is damaged (${check.slice(0, 120)})` };
    return undefined;
  } catch (error) {
    return { kind: 'corrupt', why: `cannot be read (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    db?.close();
  }
}

/** Brings the file to SCHEMA_VERSION, one migration per transaction. */
function migrate(db: SqlDatabase, path: string): void {
  db.exec('PRAGMA synchronous = FULL');
  const version = Number(db.get('PRAGMA user_version')?.['user_version'] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new IndexFileError(
      `The run index at ${path} was written by a newer version of Task History Explorer (schema ${version}; this one knows ${SCHEMA_VERSION}). Update the extension or the CLI, or point it at another index file.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    });
  }
}

/**
 * An exclusive lock: a file created with O_EXCL holding our pid. A lock whose process is gone
 * (killed) is taken over; one held by a live process is an error that names it.
 */
function lock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new IndexFileError(`The run index is in use by another Task History process (pid ${holder}); wait for it to finish, or use another index file. Lock: ${lockPath}`);
      }
      rmSync(lockPath, { force: true }); // left by a process that is gone
    }
  }
  throw new IndexFileError(`Could not lock the run index (${lockPath}).`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
