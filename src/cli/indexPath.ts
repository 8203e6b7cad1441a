// Where the CLI keeps its run index when --index is not given: a per-user data folder
// (XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application Support on macOS,
// %LOCALAPPDATA% on Windows). One file holds every source, each under its own key.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function defaultIndexPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const base =
    platform === 'win32'
      ? (env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'))
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'task-history', 'runs.db');
}

/** The folder of the index file, made if missing. */
export function ensureIndexFolder(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}
