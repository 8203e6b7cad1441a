// Where the run index lives: the setting `taskHistory.index.path`, or the extension's
// global storage when it is empty. A path the user types is checked before the index is
// opened, so a mistake reads as what to fix ("must be absolute", "cannot be written") and
// not as an engine error. No `vscode` here: the extension passes its storage path in.
import * as l10n from '@vscode/l10n';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

export class IndexLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexLocationError';
  }
}

const SETTING = '"taskHistory.index.path"';

/** The index file the setting names (`~` is the home folder), or `defaultPath` when it is empty. */
export function resolveIndexPath(setting: string | undefined, defaultPath: string, home = homedir()): string {
  const value = (setting ?? '').trim();
  if (value === '') return defaultPath;
  const expanded = value === '~' ? home : value.startsWith('~/') || value.startsWith('~\\') ? join(home, value.slice(2)) : value;
  if (!isAbsolute(expanded)) {
    throw new IndexLocationError(
      l10n.t(
        '{0} must be an absolute path to a file (it is "{1}"), for example {2}; leave it empty for the extension\'s storage.',
        SETTING,
        value,
        join(home, 'task-history', 'runs.db'),
      ),
    );
  }
  if (/[\\/]$/.test(expanded) || isDirectory(expanded)) {
    throw new IndexLocationError(l10n.t("{0} names a folder ({1}): give the index file's path, for example {2}.", SETTING, expanded, join(expanded, 'runs.db')));
  }
  return expanded;
}

/** Makes the index's folder if needed and checks it can be written (the index and its lock file go there). */
export function prepareIndexDirectory(path: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new IndexLocationError(l10n.t('The folder of the run index ({0}) cannot be created: {1}. Change {2}.', dir, reason(error), SETTING));
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new IndexLocationError(l10n.t("The folder of the run index ({0}) cannot be written: {1}. Change {2} or the folder's permissions.", dir, reason(error), SETTING));
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return l10n.t('permission denied');
    case 'ENOTDIR':
    case 'EEXIST':
      return l10n.t('a part of the path is a file, not a folder');
    case 'EROFS':
      return l10n.t('the file system is read-only');
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
