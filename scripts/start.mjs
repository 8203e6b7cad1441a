// `npm start`: sets up a fresh clone and runs the demo — the extension in a real VS Code
// (code-server, in the browser) with the built-in demo sources, plus the API emulator on
// port 4680 for the command line. It says the demo is running only once VS Code answers at
// the URL it prints; if either child dies it stops the other and exits non-zero with the
// reason. Only Node built-ins: it runs before dependencies exist.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensureDeps.mjs';
import { platformProblem } from './vscode-host.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// TH_DEMO_PROFILE: another profile folder (the e2e test of npm start uses a temporary one).
const profile = process.env.TH_DEMO_PROFILE || join(root, '.vscode-test', 'demo');
const vsix = join(root, 'dist', 'task-history-explorer.vsix');
/** How long VS Code and the emulator get to answer after they start. */
const READY_TIMEOUT_MS = Number(process.env.TH_START_READY_TIMEOUT_MS) || 120_000;

function fail(message, code = 1) {
  console.error(`\n✖ ${message}`);
  process.exit(code);
}

function run(command, args, what, options = {}) {
  console.log(`\n▶ ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) fail(`${what} failed (${result.error ? result.error.message : `exit ${result.status ?? result.signal}`}).`, result.status || 1);
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

/** One GET: its status and the start of its body, or undefined while nothing answers. */
function probe(url) {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (body.length < 64 * 1024) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Polls until `ready(answer)` holds; rejects with `what` once the time limit passes. */
async function waitUntil(url, ready, what, deadline, stillRunning) {
  for (;;) {
    const failure = stillRunning();
    if (failure) throw new Error(failure);
    const answer = await probe(url);
    if (answer && ready(answer)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer at ${url} within ${Math.round(READY_TIMEOUT_MS / 1000)} s${answer ? ` (last answer: HTTP ${answer.status})` : ' (no answer)'}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// 1. The platform: the bundled host is Linux x64 only. Elsewhere the extension still runs in
//    a desktop VS Code, so build the .vsix and say how.
const problem = platformProblem();
if (problem) console.log(`\n▶ ${problem}\n  Building the .vsix for a desktop VS Code instead.`);
if (ensureDeps() !== 0) fail('Could not install the dependencies (messages above).');
run('npm', ['run', '--silent', 'package'], 'Building and packaging the extension (.vsix)');
if (problem) {
  fail(
    `The demo cannot run in the bundled VS Code host here (${process.platform}-${process.arch}).
  Run the demo in your own VS Code instead, either way:
    code --install-extension ${vsix}
      then run "Task History: Open Demo" from the Command Palette (or the Task History view's welcome);
    code --extensionDevelopmentPath=${root}
      a development window with the extension loaded from this folder (after npm run build).`,
  );
}

// 2. The host: code-server on Node 24. The demo needs no browser of ours: you bring yours.
console.log('\n▶ Checking the VS Code host (the first run installs code-server 4.139.1 on Node 24: about 3 minutes)');
const host = spawnSync(process.execPath, [join(root, 'scripts', 'vscode-host.mjs'), '--json', '--no-browser'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (host.status !== 0) fail(`The VS Code host could not be set up (messages above); nothing is running.`, host.status || 1);
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
// --config: code-server writes a default config file where it looks first; keep it in the profile.
const config = join(profile, 'config.yaml');
run(
  paths.node,
  [paths.codeServer, '--config', config, '--user-data-dir', data, '--extensions-dir', extensions, '--install-extension', vsix, '--force'],
  'Installing the extension into the demo profile',
);

// 3. Both servers, supervised: neither outlives the other, and nothing is announced before
//    it answers.
const emulatorPort = await freePort(4680);
const vscodePort = await freePort(8080);
const vscodeUrl = `http://127.0.0.1:${vscodePort}/?folder=${encodeURIComponent(root)}`;
const vscodeLog = join(profile, 'code-server.log');
const emulatorBanner = [];

const children = {
  emulator: spawn(process.execPath, ['dist/emulator.js', '--port', String(emulatorPort)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true }),
  'VS Code (code-server)': spawn(
    paths.node,
    [
      paths.codeServer,
      '--config',
      config,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${vscodePort}`,
      '--user-data-dir',
      data,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      root,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  ),
};
const codeServerOutput = createWriteStream(vscodeLog);
children['VS Code (code-server)'].stdout.pipe(codeServerOutput);
children['VS Code (code-server)'].stderr.pipe(codeServerOutput);
let ready = false;
children.emulator.stdout.setEncoding('utf8').on('data', (chunk) => {
  if (ready) process.stdout.write(chunk);
  else emulatorBanner.push(chunk);
});

let stopping = false;
let exitReason;
const lastLines = (file) => {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(-15)
      .map((line) => `    ${line}`)
      .join('\n');
  } catch {
    return '';
  }
};
/**
 * Each child runs in a process group of its own (code-server starts an extension host and
 * more), so a stop reaches all of it, even what a crashed child left behind.
 */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // nothing left in that group
  }
}
const groupAlive = (child) => {
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Stops both children and whatever they started, then exits with `code` once they are gone. */
function stopAll(code) {
  stopping = true;
  const all = Object.values(children).filter((child) => child.pid);
  for (const child of all) signalGroup(child, 'SIGTERM');
  const started = Date.now();
  const poll = setInterval(() => {
    const left = all.filter(groupAlive);
    if (left.length === 0 || Date.now() - started > 10_000) {
      // A group that ignores SIGTERM still must not outlive us.
      for (const child of left) signalGroup(child, 'SIGKILL');
      clearInterval(poll);
      process.exit(code);
    }
  }, 100);
}
for (const [name, child] of Object.entries(children)) {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    exitReason = `${name} stopped unexpectedly (${signal ? `signal ${signal}` : `exit ${code}`}).`;
    if (ready) {
      const log = name === 'emulator' ? '' : `\n  Its log (${vscodeLog}):\n${lastLines(vscodeLog)}`;
      console.error(`\n✖ ${exitReason} Stopping the demo.${log}`);
      stopAll(1);
    }
  });
  child.once('error', (error) => {
    exitReason = `${name} could not start: ${error.message}`;
    if (ready && !stopping) {
      console.error(`\n✖ ${exitReason}`);
      stopAll(1);
    }
  });
}
const onSignal = (signal) => {
  if (stopping) return;
  console.log(`\n${signal}: stopping VS Code and the emulator…`);
  // Stopped once running is what Ctrl-C is for; stopped before the demo ever ran is not a success.
  stopAll(ready ? 0 : 1);
};
// A reader of our output that went away (npm start | head): stop both rather than crash and orphan them.
process.stdout.on('error', () => stopping || stopAll(1));
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

console.log(`\n▶ Starting VS Code (code-server) on port ${vscodePort} and the emulator on port ${emulatorPort}; waiting until both answer…`);
const deadline = Date.now() + READY_TIMEOUT_MS;
try {
  await Promise.all([
    waitUntil(
      `http://127.0.0.1:${emulatorPort}/__emulator/stats`,
      (a) => a.status === 200,
      'The emulator',
      deadline,
      () => exitReason,
    ),
    // The workbench page itself: code-server answers /healthz before it can serve it.
    waitUntil(
      vscodeUrl,
      (a) => a.status === 200 && a.body.includes('workbench'),
      'VS Code (code-server)',
      deadline,
      () => exitReason,
    ),
  ]);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}\n  code-server's log (${vscodeLog}):\n${lastLines(vscodeLog)}`);
  stopAll(1);
  await new Promise(() => {}); // stopAll exits
}
ready = true;
process.stdout.write(emulatorBanner.join(''));
console.log(`
▶ The demo is running: VS Code answers at

    http://127.0.0.1:${vscodePort}/?folder=${encodeURIComponent(root)}

  Open it in a browser; the Task History view (activity bar) shows two demo sources,
  served by an emulator inside the extension host.
  The emulator for the command line and curl is on port ${emulatorPort} (its URLs and key above).
  VS Code pid ${children['VS Code (code-server)'].pid}, emulator pid ${children.emulator.pid}; code-server's log: ${vscodeLog}
  Ctrl-C stops both.`);
