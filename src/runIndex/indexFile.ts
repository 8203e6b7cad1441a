// Opening the index file safely: one process at a time (a pid file beside it, which also
// lets us clear the lock directory the engine leaves behind when a writer is killed), a file
// that is not an index of ours (corrupt, another program's, not SQLite at all) moved aside —
// never deleted, never overwritten — and an empty index built in its place, with a message
// that says so; a file from a newer build refused. The integrity check (quick_check: most of
// an open's time, 0.1–0.3 s at 20,000 runs) runs only when the file may be damaged: a writer
// was killed (its journal played back, its lock directory or pid lock left behind) or the
// file's size does not match its page count, or a query found damage in a page that opening
// did not read (a marker beside the file, `<index>.suspect`, says so). A clean close leaves
// none of these. A process killed while it had the index open, even between writes, also
// leaves a journal whose header is zeros (locking_mode EXCLUSIVE: SQLite zeroes the header at
// each commit instead of deleting the journal; a close deletes it): it holds nothing to play
// back, and opening removes it (hotJournal.ts).
import * as l10n from '@vscode/l10n';
import { closeSync, existsSync, linkSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { rollBackHotJournal } from './hotJournal';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema';
import { openSqlite, type SqlDatabase } from './sqlite';

export class IndexFileError extends Error {
  /** Another live Task History process holds the file here: a caller may go on without the index (its message is in the display language, so it is not matched). */
  readonly inUse: boolean;
  constructor(message: string, options?: { readonly cause?: unknown; readonly inUse?: boolean }) {
    super(message, options);
    this.name = 'IndexFileError';
    this.inUse = options?.inUse === true;
  }
}

export interface OpenedIndexFile {
  readonly db: SqlDatabase;
  /** Set when the file found was not a usable index: what was wrong, and where it was moved. */
  readonly rebuilt?: string;
  /**
   * Set when opening could not do something it does for the file's sake, though the index
   * works (its free pages not given back to a full disk): for the log.
   */
  readonly notice?: string;
  /** Whether the file was checked for damage (quick_check) because it may have been damaged. */
  readonly integrityChecked: boolean;
  /** Releases the lock and closes the file. */
  close(): void;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** Opens or creates the index at `path`, migrated to the current schema. */
export function openIndexFile(path: string, now: () => Date = () => new Date()): OpenedIndexFile {
  const { unlock, tookOver } = lock(`${path}.pid`);
  try {
    const kind = headerKind(path);
    const busy = existsSync(`${path}-journal`) || existsSync(`${path}.lock`);
    // Signs of a writer that was killed, or of damage a query ran into: the file may be
    // damaged, so it is checked whole.
    const marker = suspectMarker(path);
    let suspect = tookOver || existsSync(marker);
    if (kind === 'ours' || kind === 'new') {
      // Ours, and we hold it alone (the pid lock): the lock directory the engine makes while it
      // writes, left by a writer that was killed, is stale and would block the file for ever;
      // and a journal left by such a writer is played back here, as the engine would not.
      if (existsSync(`${path}.lock`)) suspect = true;
      rmSync(`${path}.lock`, { recursive: true, force: true });
      if (rollBackHotJournal(path)) suspect = true;
    } else if (busy) {
      // Another program's file, maybe in use by it right now: never touched.
      throw new IndexFileError(
        l10n.t('{0} is not a Task History run index, and another program may be using it (a journal or a lock is beside it). Give the index another file.', path),
      );
    }
    let rebuilt: string | undefined;
    let integrityChecked = false;
    const problem = existsSync(path)
      ? fileProblem(path, kind, suspect, () => {
          integrityChecked = true;
        })
      : undefined;
    if (problem) {
      const aside = `${path}.${problem.kind}-${now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(path, aside);
      rebuilt = l10n.t('The run index at {0} {1}; it was moved to {2} and a new index was started (runs are synced again).', path, problem.why, aside);
    }
    // Checked (and moved aside if damaged), or gone: what the marker asked for is done.
    rmSync(marker, { force: true });
    const db = openSqlite(path, { onCorruption: (error) => damaged(path, error, now) });
    let notice: string | undefined;
    try {
      notice = migrate(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      rebuilt,
      notice,
      integrityChecked,
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

function suspectMarker(path: string): string {
  return `${path}.suspect`;
}

/**
 * A query found the file damaged (SQLite said so): the marker beside it makes the next open
 * check it whole and move it aside if it is, so the index is not broken for every later use;
 * the error says so. Written again by every failing statement, which costs nothing next to
 * the failure.
 */
function damaged(path: string, error: Error, now: () => Date): IndexFileError {
  try {
    writeFileSync(suspectMarker(path), `${now().toISOString()} ${error.message}\n`);
  } catch {
    // The folder cannot be written: the message still says what to do.
  }
  return new IndexFileError(
    l10n.t(
      'The run index at {0} is damaged (SQLite: {1}). It will be checked on the next open and, if damaged, moved aside and rebuilt (runs are synced again): reload the window, or run the command again.',
      path,
      error.message,
    ),
    { cause: error },
  );
}

/**
 * What the file is, from its first bytes alone (nothing opened, nothing written): a new or
 * empty file, an SQLite file marked as our index (application_id at offset 68), another SQLite
 * file, or not SQLite at all.
 */
function headerKind(path: string): 'new' | 'ours' | 'sqlite' | 'other' {
  if (!existsSync(path)) return 'new';
  const header = Buffer.alloc(72);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 72, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return 'new';
  if (read < 72 || header.toString('latin1', 0, 16) !== SQLITE_HEADER) return 'other';
  return header.readUInt32BE(68) === APPLICATION_ID ? 'ours' : 'sqlite';
}

/**
 * What makes an existing file unusable as an index, or undefined when it is one (of any
 * version). The pages are checked (quick_check) when `suspect` says a writer was killed, or
 * when the file's size is not what its header's page count says; otherwise its schema is read.
 */
function fileProblem(path: string, kind: 'new' | 'ours' | 'sqlite' | 'other', suspect: boolean, checked: () => void): { kind: 'corrupt' | 'foreign'; why: string } | undefined {
  if (kind === 'new') return undefined; // an empty file: SQLite makes it a database
  if (kind === 'other') return { kind: 'foreign', why: l10n.t('is not a database (another program’s file?)') };
  let db: SqlDatabase | undefined;
  try {
    db = openSqlite(path, { mustExist: true });
    // Reads the schema: a file whose first pages are damaged fails here.
    const tables = Number(db.get("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")?.['n'] ?? 0);
    if (kind === 'sqlite') {
      // application_id 0 with no tables: an SQLite file made empty, ours to use.
      if (tables > 0) return { kind: 'foreign', why: l10n.t('is another program’s SQLite database') };
    }
    const pages = Number(db.get('PRAGMA page_count')?.['page_count'] ?? 0);
    const pageSize = Number(db.get('PRAGMA page_size')?.['page_size'] ?? 0);
    if (suspect || pages * pageSize !== statSync(path).size) {
      checked();
      const check = String(db.get('PRAGMA quick_check')?.['quick_check'] ?? '');
      if (check !== 'ok') return { kind: 'corrupt', why: l10n.t('is damaged ({0})', check.slice(0, 120)) };
    }
    return undefined;
  } catch (error) {
    // Only SQLite saying the file is damaged makes it "corrupt": a permission, a lock or a
    // missing engine file is a problem to report, never a reason to move a good index aside.
    const message = error instanceof Error ? error.message : String(error);
    if (/malformed|not a database|corrupt/i.test(message)) return { kind: 'corrupt', why: l10n.t('cannot be read ({0})', message) };
    throw new IndexFileError(l10n.t("The run index at {0} could not be opened: {1}. Check the file's permissions, or give the index another file.", path, message));
  } finally {
    db?.close();
  }
}

/**
 * Brings the file to SCHEMA_VERSION, one migration per transaction, then gives back its free
 * pages if they are many; returns a notice when that could not be done.
 */
function migrate(db: SqlDatabase, path: string): string | undefined {
  db.exec('PRAGMA synchronous = FULL');
  // The pid lock already makes this process the file's only user. Holding the engine's lock
  // for the whole session (instead of taking and dropping it around every statement, which
  // this engine does with a directory made and removed beside the file) also keeps SQLite's
  // page cache valid between statements: reading 1,000 runs' steps went from 7 s to 0.3 s.
  // A kill leaves that directory behind; opening clears it for our own index (above). In this
  // mode a commit zeroes the journal's header instead of deleting the journal (a close
  // deletes it): a kill leaves that journal too, removed by the next open (hotJournal.ts).
  db.exec('PRAGMA locking_mode = EXCLUSIVE');
  db.exec('PRAGMA cache_size = -16000');
  const version = Number(db.get('PRAGMA user_version')?.['user_version'] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new IndexFileError(
      l10n.t(
        'The run index at {0} was written by a newer version of Task History Explorer (schema {1}; this one knows {2}). Update the extension or the CLI, or point it at another index file.',
        path,
        version,
        SCHEMA_VERSION,
      ),
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.exec(`PRAGMA user_version = ${migration.version}`);
        db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      });
    } catch (error) {
      if (error instanceof IndexFileError) throw error; // damage, said as such (onCorruption)
      const message = error instanceof Error ? error.message : String(error);
      throw new IndexFileError(
        l10n.t(
          "The run index at {0} could not be updated to this version's schema (step {1} of {2}: {3}). The file is unchanged (each step is one transaction). Free some space on its disk (the update rewrites the file's tables) and open it again, or give the index another file.",
          path,
          migration.version,
          SCHEMA_VERSION,
          message,
        ),
        { cause: error },
      );
    }
  }
  return reclaimFreePages(db, path);
}

/** A VACUUM is worth its time (it rewrites the whole file) only when more than this share of the file is free pages... */
const VACUUM_FREE_SHARE = 0.25;
/** ...and at least this many pages (1 MiB at 4 KiB): a small file's few free pages are reused by the next writes. */
const VACUUM_MIN_FREE_PAGES = 256;

/**
 * Gives the free pages back to the disk (VACUUM) when they are over a quarter of the file,
 * whatever left them: a migration that rebuilt tables (their old pages are free, but the file
 * keeps them), or a VACUUM killed midway (its journal played back: the file as big as
 * before). Decided from the file at every open (two numbers in its header), so one that was
 * not shrunk is shrunk at a later open. Never fatal: a file not shrunk works as it is; the
 * returned notice says why it was not, for the log.
 */
function reclaimFreePages(db: SqlDatabase, path: string): string | undefined {
  const free = Number(db.get('PRAGMA freelist_count')?.['freelist_count'] ?? 0);
  const pages = Number(db.get('PRAGMA page_count')?.['page_count'] ?? 0);
  if (free < VACUUM_MIN_FREE_PAGES || free <= pages * VACUUM_FREE_SHARE) return undefined;
  const pageSize = Number(db.get('PRAGMA page_size')?.['page_size'] ?? 0);
  const mib = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)} MiB`;
  // A VACUUM writes a copy of the used pages, and journals the pages it overwrites: up to
  // twice the file. Not tried without that room: on a full disk it would fill what is left
  // (for other programs too) before failing, at every open.
  const needed = 2 * pages * pageSize;
  const available = freeDiskBytes(dirname(path));
  if (available !== undefined && available < needed) {
    return `The run index at ${path} has ${mib(free * pageSize)} of unused space it could give back, but its disk has ${mib(available)} free of the ${mib(needed)} that takes; it is tried again at the next open.`;
  }
  try {
    db.exec('VACUUM');
    return undefined;
  } catch (error) {
    if (error instanceof IndexFileError) throw error; // damage, said as such (onCorruption)
    // A failed VACUUM is rolled back by SQLite: the file is as it was, and works as it is.
    const message = error instanceof Error ? error.message : String(error);
    return `The run index at ${path} could not give back its ${mib(free * pageSize)} of unused space (${message}); it works as it is, and it is tried again at the next open.`;
  }
}

/** Bytes free to this user on the disk holding `dir`, or undefined where the runtime cannot say. */
function freeDiskBytes(dir: string): number | undefined {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/** Lock files this process holds (resolved paths): a lock with our pid that is not one of these is a previous process's (a CLI killed in a container gets the same pid every run). */
const heldLocks = new Set<string>();

/** Who a lock file names: its pid, and (written since hosts and start times were recorded) the host and the process's start time. A bare pid is the old format. */
interface LockHolder {
  readonly pid: number;
  readonly host?: string;
  readonly start?: string;
}

/** One line each: pid, host, start time (empty where unknown). The pid first, so a build that reads a bare pid still reads it. */
function lockText(): string {
  return `${process.pid}\n${hostname()}\n${processStartTime(process.pid) ?? ''}\n`;
}

function readHolder(text: string): LockHolder {
  const [pid, host, start] = text.split('\n').map((line) => line.trim());
  return { pid: Number.parseInt(pid ?? '', 10), host: host || undefined, start: start || undefined };
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat), where
 * this system says: with the pid, it names one process, whereas a pid alone is reused (pid 1
 * of a container after each start, any pid after a reboot). Undefined elsewhere.
 */
function processStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3] || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a lock names still holds it: 'live' (refused, named in the error),
 * 'stale' (its process is gone: taken over) or 'elsewhere' (another host's: never taken over,
 * as that host's process may be alive, on a home folder shared over NFS).
 */
function holderState(holder: LockHolder, lockPath: string): 'live' | 'stale' | 'elsewhere' {
  if (holder.host !== undefined && holder.host !== hostname()) return 'elsewhere';
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return 'stale';
  // Our own pid: this process holds it only if it says so.
  if (holder.pid === process.pid) return heldLocks.has(lockPath) ? 'live' : 'stale';
  if (!isAlive(holder.pid)) return 'stale';
  // Alive, but started at another time: the pid was reused by an unrelated process.
  const start = holder.start === undefined ? undefined : processStartTime(holder.pid);
  if (start !== undefined && start !== holder.start) return 'stale';
  return 'live';
}

/**
 * An exclusive lock: a file naming this process (pid, host, start time), made whole before
 * it appears (written to a temporary name, then hard-linked into place, which fails if the
 * lock exists). A lock whose process is gone (killed; or its pid now another process's, or
 * this one's while it holds no such lock) is taken over by renaming it away first, so two
 * processes cannot both take it over (`tookOver`: its writer was killed, the file may be
 * damaged); one held by a live process (this one included: a second open in one process is
 * refused too) is an error that names it; one from another host is refused, naming the lock
 * file to delete if that host's process is gone. Released only while it still holds our text.
 */
function lock(path: string): { unlock: () => void; tookOver: boolean } {
  const lockPath = resolve(path);
  const text = lockText();
  const mine = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(mine, text);
  let tookOver = false;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, lockPath);
        heldLocks.add(lockPath);
        let released = false;
        const unlock = () => {
          if (released) return;
          released = true;
          try {
            if (readFileSync(lockPath, 'utf8') === text) {
              heldLocks.delete(lockPath);
              rmSync(lockPath, { force: true });
            }
          } catch {
            // already gone
          }
        };
        return { unlock, tookOver };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        let holder: LockHolder;
        try {
          holder = readHolder(readFileSync(lockPath, 'utf8'));
        } catch {
          continue; // it went away meanwhile: try again
        }
        const state = holderState(holder, lockPath);
        if (state === 'live') {
          throw new IndexFileError(
            l10n.t('The run index is in use by another Task History process (pid {0}); wait for it to finish, or use another index file. Lock: {1}', holder.pid, lockPath),
            { inUse: true },
          );
        }
        if (state === 'elsewhere') {
          throw new IndexFileError(
            l10n.t(
              'The run index is locked by a Task History process on another computer ({0}, pid {1}); wait for it to finish, or use another index file. If that process is gone, delete the lock file {2}',
              holder.host ?? '',
              holder.pid,
              lockPath,
            ),
          );
        }
        // Left by a process that is gone: moved away under a name of our own, so only one taker wins.
        try {
          renameSync(lockPath, `${mine}.stale`);
          rmSync(`${mine}.stale`, { force: true });
          tookOver = true;
        } catch {
          // another process took it over first: try again (and find it live)
        }
      }
    }
    throw new IndexFileError(l10n.t('Could not lock the run index ({0}).', lockPath));
  } finally {
    rmSync(mine, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
