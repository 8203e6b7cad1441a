// `npm start`: sets up a fresh clone and runs the demo — the extension in a real VS Code
// (code-server, in the browser) with the built-in demo sources, plus the API emulator on
// port 4680 for the command line. Only Node built-ins: it runs before dependencies exist.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const profile = join(root, '.vscode-test', 'demo');

function run(command, args, what, options = {}) {
  console.log(`\n▶ ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    console.error(`✖ ${what} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
  return result;
}

async function freePort(preferred) {
  for (let port = preferred; port < preferred + 50; port++) {
    const free = await new Promise((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${preferred}`);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund'], 'Installing dependencies (first run only)');
}
run('npm', ['run', '--silent', 'package'], 'Building and packaging the extension (.vsix)');

console.log('\n▶ Checking the VS Code host (the first run installs code-server 4.139.1 and Chromium: about 3 minutes)');
const host = spawnSync(process.execPath, [join(root, 'scripts', 'vscode-host.mjs'), '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (host.status !== 0) process.exit(host.status ?? 1);
const paths = JSON.parse(host.stdout.trim().split('\n').pop());

const data = join(profile, 'data');
const extensions = join(profile, 'extensions');
mkdirSync(join(data, 'User'), { recursive: true });
writeFileSync(
  join(data, 'User', 'settings.json'),
  `${JSON.stringify(
    {
      'taskHistory.startDemo': true,
      'taskHistory.groupBy': 'status',
      'workbench.startupEditor': 'none',
      'workbench.colorTheme': 'Default Dark Modern',
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    null,
    2,
  )}\n`,
);
run(paths.node, [paths.codeServer, '--user-data-dir', data, '--extensions-dir', extensions, '--install-extension', join(root, 'dist', 'task-history-explorer.vsix'), '--force'], 'Installing the extension into the demo profile');

const emulatorPort = await freePort(4680);
const vscodePort = await freePort(8080);
const children = [
  spawn(process.execPath, ['dist/emulator.js', '--port', String(emulatorPort)], { cwd: root, stdio: 'inherit' }),
  spawn(
    paths.node,
    [paths.codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${vscodePort}`, '--user-data-dir', data, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', root],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  ),
];
console.log(`
▶ The demo is running.
  VS Code (code-server): http://127.0.0.1:${vscodePort}/?folder=${encodeURIComponent(root)}
    Open it in a browser; the Task History view (activity bar) shows two demo sources,
    served by an emulator inside the extension host.
  The emulator for the command line and curl is on port ${emulatorPort} (its URLs and key above).
  Ctrl-C stops both.`);
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
let exited = 0;
children.forEach((c) => c.on('exit', () => ++exited === children.length && process.exit(0)));
