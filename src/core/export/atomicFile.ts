// Writes go to a temporary file beside the target, renamed over it only on success:
// a cancelled or failed export never leaves a half-written file at the target path.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExportTargetError } from './exportErrors';

export interface AtomicFile {
  readonly stream: WriteStream;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The suffix of every temporary export file, so a test (or a person) can look for leftovers. */
export const PART_SUFFIX = '.part';

export async function openAtomic(target: string): Promise<AtomicFile> {
  await checkTarget(target);
  const tempPath = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}${PART_SUFFIX}`);
  // 0o600: run data can hold customer records; only the user reads it until it is renamed.
  const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (error) {
    stream.destroy();
    throw targetError(target, error);
  }
  let settled = false;
  return {
    stream,
    tempPath,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end(() => resolve()).once('error', reject));
        await rename(tempPath, target);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw targetError(target, error);
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}

/**
 * Fails before any request is made when the target cannot be written: a missing folder or
 * a folder in the target's place would otherwise only show once the whole export is done.
 */
async function checkTarget(target: string): Promise<void> {
  const folder = dirname(resolve(target));
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat) {
    throw new ExportTargetError(`The folder ${folder} does not exist: create it or choose another file.`, `ENOENT ${folder}`);
  }
  if (!folderStat.isDirectory()) {
    throw new ExportTargetError(`${folder} is not a folder: choose another file.`, `ENOTDIR ${folder}`);
  }
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new ExportTargetError(`${resolve(target)} is a folder: give a file name to export to.`, `EISDIR ${target}`);
  }
}

function targetError(target: string, error: unknown): ExportTargetError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : `the system said ${code}`;
  return new ExportTargetError(`Cannot write ${resolve(target)}: ${reason}.`, `${code} ${target}: ${error instanceof Error ? error.message : String(error)}`);
}
