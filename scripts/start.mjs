// `npm start`: sets up a fresh clone and runs the demo. Only Node built-ins here, since it
// runs before dependencies are installed.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, what) {
  console.log(`\n▶ ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${what} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  run(npm, ['ci', '--no-audit', '--no-fund'], 'Installing dependencies (first run only)');
}
run(process.execPath, ['esbuild.mjs'], 'Building');
console.log('\n▶ Starting the API emulator (Ctrl-C to stop)');
const emulator = spawn(process.execPath, ['dist/emulator.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const stop = () => emulator.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
emulator.on('exit', (code) => process.exit(code ?? 0));
