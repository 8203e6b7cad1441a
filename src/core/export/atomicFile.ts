// Writes go to a temporary file beside the target, renamed over it only on success:
// a cancelled or failed export never leaves a half-written file at the target path.
// Targets that are not regular files (a character device such as /dev/null, a FIFO) are
// written directly instead: a rename would replace the device or FIFO with a plain file.
import * as l10n from '@vscode/l10n';
import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { chmod, chown, open, readdir, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Writable } from 'node:stream';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExportTargetError } from './exportErrors';

export interface AtomicFile {
  /** Where the bytes go: the temporary file, or the target itself when it is written directly. */
  readonly stream: Writable;
  /** The temporary file; undefined when the target (a device, a FIFO) is written directly. */
  readonly tempPath: string | undefined;
  /**
   * The stream's first failure in words a person can act on ("the disk is full"), once there
   * is one. Whoever writes reports this rather than the raw error it saw.
   */
  failure(): ExportTargetError | undefined;
  /** Ends the stream, waits until everything is on disk and renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Stops writing and removes the temporary file. Never throws. */
  abort(): Promise<void>;
}

/** The suffix of every temporary export file, so a test (or a person) can look for leftovers. */
export const PART_SUFFIX = '.part';

/** How the temporary file's stream is opened: tests put a disk that fills up here. */
export const tempFileStreams = {
  // flush: fsync before close, so the rename never publishes a file whose bytes are not on disk.
  create: (path: string, mode: number): WriteStream => createWriteStream(path, { flags: 'wx', mode, flush: true }),
};

/** How long abort waits for the stream to close before removing the file anyway (a hung disk). */
const CLOSE_WAIT_MS = 2000;

export async function openAtomic(target: string): Promise<AtomicFile> {
  const existing = await checkTarget(target);
  if (existing && !existing.isFile()) return openDirect(target, existing);
  // A symlink stays a symlink: the file it points to is the one replaced.
  const path = existing ? await realpath(target) : resolve(target);
  await clearStaleTemps(path);
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${PART_SUFFIX}`);
  // 0o600: run data can hold customer records; only the user reads a new file. A file being
  // replaced keeps its own mode (and, when we run as root, its owner).
  const stream = tempFileStreams.create(tempPath, 0o600);
  const watch = watchStream(stream, target);
  try {
    await opened(stream);
  } catch (error) {
    stream.destroy();
    // EEXIST: the name is someone else's file (wx never opened it); leave it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(tempPath, { force: true });
    throw targetError(target, error);
  }
  let settled = false;
  return {
    stream,
    tempPath,
    failure: watch.failure,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await endAndClose(stream);
        const failure = watch.failure();
        if (failure) throw failure;
        if (existing) await keepOwnership(tempPath, existing);
        await rename(tempPath, path);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw watch.failure() ?? (error instanceof ExportTargetError ? error : targetError(target, error));
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await destroyAndClose(stream);
      await rm(tempPath, { force: true }).catch(() => undefined);
    },
  };
}

/** Writes a character device or a FIFO in place: no temporary file, no rename. */
async function openDirect(target: string, existing: Stats): Promise<AtomicFile> {
  const handle = await openDirectHandle(target, existing).catch((error: unknown) => {
    throw error instanceof ExportTargetError ? error : targetError(target, error);
  });
  const stream = handle.createWriteStream();
  const watch = watchStream(stream, target);
  let settled = false;
  return {
    stream,
    tempPath: undefined,
    failure: watch.failure,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await endAndClose(stream);
      } catch (error) {
        throw watch.failure() ?? targetError(target, error);
      }
      const failure = watch.failure();
      if (failure) throw failure;
    },
    async abort() {
      if (settled) return;
      settled = true;
      await destroyAndClose(stream);
    },
  };
}

async function openDirectHandle(target: string, existing: Stats): Promise<FileHandle> {
  if (!existing.isFIFO() || constants.O_NONBLOCK === undefined) return open(target, constants.O_WRONLY);
  // Opening a FIFO to write waits until a reader opens it, for ever if none does. A
  // non-blocking open fails at once instead (ENXIO) when there is no reader, and says so.
  let probe: FileHandle;
  try {
    probe = await open(target, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') {
      throw new ExportTargetError(l10n.t('Nothing is reading from the FIFO {0}: start the program that reads it first.', resolve(target)), `ENXIO ${target}`);
    }
    throw error;
  }
  try {
    // Writes block (as they must for a pipe that is full); a reader is there, so this returns at once.
    return await open(target, constants.O_WRONLY);
  } finally {
    await probe.close();
  }
}

/**
 * Listens for the stream's errors from the moment it exists: an error with no listener would
 * crash the process, and one that comes between two writes must not be missed.
 */
function watchStream(stream: Writable, target: string): { failure: () => ExportTargetError | undefined } {
  let failure: ExportTargetError | undefined;
  stream.on('error', (error) => {
    // Only the file system's own errors are the file's failure. A pipeline that feeds the
    // file also destroys it with the *source's* error (a cut export, a time-out, a cancel):
    // that one must reach the user as it is, not as "Cannot write …".
    if (isFileSystemError(error)) failure ??= targetError(target, error);
  });
  return { failure: () => failure };
}

function isFileSystemError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}

function opened(stream: WriteStream): Promise<void> {
  if (stream.pending === false) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', reject);
  });
}

/** Ends the stream and resolves once its file is closed (fs streams close after 'finish'). */
function endAndClose(stream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.closed) return stream.errored ? reject(stream.errored) : resolve();
    stream.once('error', reject);
    stream.once('close', () => (stream.errored ? reject(stream.errored) : resolve()));
    if (!stream.writableEnded) stream.end();
  });
}

/** Destroys the stream and waits (a bounded while: a hung disk may never answer) until it closed. */
async function destroyAndClose(stream: Writable): Promise<void> {
  if (stream.closed) return;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    stream.once('close', resolve);
    timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref?.();
    stream.destroy();
  });
  clearTimeout(timer);
}

/** A replaced file keeps its permission bits, and, when we can (as root), its owner. */
async function keepOwnership(tempPath: string, existing: Stats): Promise<void> {
  if (process.platform === 'win32') return;
  await chmod(tempPath, existing.mode & 0o777);
  // Only root can give a file away; anyone else replaces a file as its new owner, as editors do.
  if (process.getuid?.() === 0) await chown(tempPath, existing.uid, existing.gid);
}

/**
 * Removes temporary files that earlier exports to the same target left when they were killed:
 * named `.<target>.<pid>.<8 hex>.part`, whose writer (pid) is no longer alive. Files of live
 * writers (this process included: another export may be under way) are left alone.
 */
async function clearStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(PART_SUFFIX)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}$/.exec(name.slice(prefix.length, -PART_SUFFIX.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await rm(join(dirname(path), name), { force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Fails before any request is made when the target cannot be written: a missing folder or
 * a folder in the target's place would otherwise only show once the whole export is done.
 * Resolves with the target's stat when it exists (following symlinks).
 */
async function checkTarget(target: string): Promise<Stats | undefined> {
  const folder = dirname(resolve(target));
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) {
    throw new ExportTargetError(l10n.t('The folder {0} does not exist: create it or choose another file.', folder), `ENOENT ${folder}`);
  }
  if (!folderStat.isDirectory()) {
    throw new ExportTargetError(l10n.t('{0} is not a folder: choose another file.', folder), `ENOTDIR ${folder}`);
  }
  const existing = await stat(target).catch(() => undefined);
  if (!existing || existing.isFile() || existing.isCharacterDevice() || existing.isFIFO()) return existing;
  const path = resolve(target);
  if (existing.isDirectory()) {
    throw new ExportTargetError(l10n.t('{0} is a folder: give a file name to export to.', path), `EISDIR ${target}`);
  }
  const message = existing.isBlockDevice()
    ? l10n.t('{0} is a block device (a disk), not a file: choose a file to export to.', path)
    : existing.isSocket()
      ? l10n.t('{0} is a socket, not a file: choose a file to export to.', path)
      : l10n.t('{0} is not a regular file: choose a file to export to.', path);
  throw new ExportTargetError(message, `not a regular file ${target} (mode ${existing.mode.toString(8)})`);
}

/** True when an export to `target` writes it in place (a device or a FIFO): a failure may leave part of the data there. */
export async function writesDirectly(target: string): Promise<boolean> {
  const existing = await stat(target).catch(() => undefined);
  return existing !== undefined && (existing.isCharacterDevice() || existing.isFIFO());
}

/** "Cannot write <path>: <what the system error code means for the person exporting>.", one whole sentence per code. */
function cannotWrite(path: string, code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return l10n.t('Cannot write {0}: permission denied.', path);
    case 'ENOSPC':
      return l10n.t('Cannot write {0}: the disk is full.', path);
    case 'EDQUOT':
      return l10n.t('Cannot write {0}: the disk quota is used up.', path);
    case 'EROFS':
      return l10n.t('Cannot write {0}: the file system is read-only.', path);
    case 'EFBIG':
      return l10n.t('Cannot write {0}: the file is larger than the file system allows.', path);
    case 'EPIPE':
      return l10n.t('Cannot write {0}: the program reading it stopped.', path);
    case 'EIO':
      return l10n.t('Cannot write {0}: the disk reported an input/output error.', path);
    default:
      return l10n.t('Cannot write {0}: the system said {1}.', path, code);
  }
}

export function targetError(target: string, error: unknown): ExportTargetError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  return new ExportTargetError(cannotWrite(resolve(target), code), `${code} ${target}: ${error instanceof Error ? error.message : String(error)}`);
}
