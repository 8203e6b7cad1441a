// Installs the project's dependencies when a fresh clone has none, so either README command
// (`npm start` or `npm test`) works first. Only Node built-ins: it runs before they exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `npm ci` when node_modules is missing; returns its exit status (0 when nothing was needed). */
export function ensureDeps() {
  if (existsSync(join(root, 'node_modules', '.package-lock.json'))) return 0;
  console.log('\n▶ Installing dependencies (first run only)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) console.error(`✖ npm ci failed (${result.error ? result.error.message : `exit ${result.status ?? result.signal}`}).`);
  return result.status ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = ensureDeps();
