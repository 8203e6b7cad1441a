// Where an export lands when the save dialog's answer is not a local file: a `vscode-remote:`
// folder seen from a window whose extension runs on the user's machine, or any file system an
// extension provides. Core writes only local paths (atomically, with its disk-full and device
// handling), so a non-`file:` target is written in two steps: core exports into a private
// folder under the OS temp dir, then each file is copied through VS Code's file system to a
// temporary name beside the target and renamed over it. A `file:` target is core's path, as
// before. No `vscode` import: the file system and the URI factory are handed in (unit tests).
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { PART_SUFFIX } from '../core/export/atomicFile';
import { ExportTargetError } from '../core/export/exportErrors';
import { CancelledError } from '../core/errors';

/** The part of a `vscode.Uri` used here (vscode.Uri has it). */
export interface TargetUri {
  readonly scheme: string;
  readonly path: string;
  readonly fsPath: string;
  with(change: { path?: string }): TargetUri;
  toString(): string;
}

/** vscode.FileType's values used here. */
const DIRECTORY = 2;

/** The part of `vscode.workspace.fs` used here. */
export interface TargetFileSystem {
  stat(uri: TargetUri): Thenable<{ readonly type: number }>;
  copy(source: TargetUri, target: TargetUri, options: { overwrite: boolean }): Thenable<void>;
  rename(source: TargetUri, target: TargetUri, options: { overwrite: boolean }): Thenable<void>;
  delete(uri: TargetUri, options: { recursive: boolean; useTrash: boolean }): Thenable<void>;
}

export interface TargetHost<U extends TargetUri = TargetUri> {
  readonly fs: TargetFileSystem;
  /** `vscode.Uri.file`. */
  fileUri(path: string): U;
  /** Where local copies are made (default: the OS temp dir). */
  readonly stagingDir?: string;
}

export interface TargetWrite<T, U extends TargetUri> {
  readonly result: T;
  /** Where the companion files (an NDJSON export's schema) ended up, in the order given. */
  readonly companions: readonly U[];
  /** True when core wrote the target itself (a `file:` target). */
  readonly local: boolean;
}

/** True when core can write the target directly with Node's file system. */
export function isLocalTarget(target: TargetUri): boolean {
  return target.scheme === 'file';
}

/**
 * Runs `work` with a local path to write, and puts what it wrote at `target`. `companionsOf`
 * names the files `work` wrote beside its path (core's schema file); they land beside the target
 * under the same names. On any failure nothing is left at the target nor beside it.
 */
export async function writeThroughTarget<T, U extends TargetUri>(
  target: U,
  host: TargetHost<U>,
  work: (localPath: string) => Promise<T>,
  companionsOf: (result: T) => readonly string[] = () => [],
  signal?: AbortSignal,
): Promise<TargetWrite<T, U>> {
  if (isLocalTarget(target)) {
    const result = await work(target.fsPath);
    return { result, companions: companionsOf(result).map((path) => host.fileUri(path)), local: true };
  }
  await checkTarget(target, host.fs);
  const staging = await mkdtemp(join(host.stagingDir ?? tmpdir(), 'task-history-export-'));
  try {
    const localPath = join(staging, basename(target.path) || 'export');
    const result = await work(localPath);
    const files = [{ from: localPath, to: target }, ...companionsOf(result).map((path) => ({ from: path, to: sibling(target, basename(path)) }))];
    await publish(files, host, signal);
    return { result, companions: files.slice(1).map((f) => f.to), local: false };
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Copies every file to a temporary name beside its target first, then renames them in order:
 * the export, then its companions. A failed or cancelled copy leaves only temporaries, which are
 * deleted; a companion therefore appears only beside an export that is in place.
 */
async function publish<U extends TargetUri>(files: readonly { from: string; to: U }[], host: TargetHost<U>, signal?: AbortSignal): Promise<void> {
  const staged: { temp: TargetUri; to: TargetUri }[] = [];
  try {
    for (const file of files) {
      throwIfCancelled(signal);
      const temp = sibling(file.to, temporaryName(file.to));
      staged.push({ temp, to: file.to });
      await call(() => host.fs.copy(host.fileUri(file.from), temp, { overwrite: false }), file.to);
    }
    throwIfCancelled(signal);
    while (staged.length > 0) {
      const { temp, to } = staged[0];
      await call(() => host.fs.rename(temp, to, { overwrite: true }), to);
      staged.shift();
    }
  } finally {
    for (const { temp } of staged) await Promise.resolve(host.fs.delete(temp, { recursive: false, useTrash: false })).catch(() => undefined);
  }
}

/** Fails before any request is made when the target's folder is missing or the target is a folder. */
async function checkTarget(target: TargetUri, fs: TargetFileSystem): Promise<void> {
  const folder = target.with({ path: posix.dirname(target.path) });
  const folderStat = await Promise.resolve(fs.stat(folder)).catch(() => undefined);
  if (!folderStat) throw new ExportTargetError(l10n.t('The folder {0} does not exist: create it or choose another file.', display(folder)), `stat failed ${folder.toString()}`);
  if (!(folderStat.type & DIRECTORY)) throw new ExportTargetError(l10n.t('{0} is not a folder: choose another file.', display(folder)), `not a directory ${folder.toString()}`);
  const existing = await Promise.resolve(fs.stat(target)).catch(() => undefined);
  if (existing && existing.type & DIRECTORY)
    throw new ExportTargetError(l10n.t('{0} is a folder: give a file name to export to.', display(target)), `directory ${target.toString()}`);
}

async function call(operation: () => Thenable<void>, target: TargetUri): Promise<void> {
  try {
    await operation();
  } catch (error) {
    throw fileSystemError(target, error);
  }
}

/** What a file system provider's failure means for the person exporting. */
export function fileSystemError(target: TargetUri, error: unknown): ExportTargetError {
  const code = typeof (error as { code?: unknown } | undefined)?.code === 'string' ? (error as { code: string }).code : 'Unknown';
  const message = error instanceof Error ? error.message : String(error);
  return new ExportTargetError(cannotWrite(display(target), code, message), `${code} ${target.toString()}: ${message}`);
}

/** "Cannot write <target>: <why>.", one whole sentence per reason (for translators). */
function cannotWrite(target: string, code: string, message: string): string {
  // A provider passes the system's error on in its message (a remote's disk is full too).
  if (/\bENOSPC\b|no space left/i.test(message)) return l10n.t('Cannot write {0}: the disk is full.', target);
  if (/\bEDQUOT\b|quota/i.test(message)) return l10n.t('Cannot write {0}: the disk quota is used up.', target);
  if (/\bEROFS\b|read-only/i.test(message)) return l10n.t('Cannot write {0}: the file system is read-only.', target);
  if (code === 'NoPermissions' || /\bE(ACCES|PERM)\b/.test(message)) return l10n.t('Cannot write {0}: permission denied.', target);
  if (code === 'Unavailable') return l10n.t('Cannot write {0}: the file system is not available.', target);
  if (code === 'FileNotFound') return l10n.t('Cannot write {0}: its folder is gone.', target);
  return l10n.t('Cannot write {0}: the file system said {1}.', target, JSON.stringify(message.slice(0, 200)));
}

/** `.<name>.<pid>.<8 hex>.part`, the name core gives its own temporary files. */
function temporaryName(target: TargetUri): string {
  return `.${posix.basename(target.path)}.${process.pid}.${randomBytes(4).toString('hex')}${PART_SUFFIX}`;
}

/** The file `name` in the target's folder: same scheme, authority and kind of URI as the target. */
function sibling<U extends TargetUri>(target: U, name: string): U {
  return target.with({ path: posix.join(posix.dirname(target.path), name) }) as U;
}

/** A target as a person reads it: the path for local files, else the whole URI. */
export function display(uri: TargetUri): string {
  return isLocalTarget(uri) ? uri.fsPath : uri.toString();
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
