// `npm start` as a newcomer runs it: it announces the demo only once VS Code answers at the
// URL it prints, that URL's workbench shows the demo tree, and when one of its two children
// dies it stops the other and exits non-zero with the reason.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { BROWSER_ARGS, vscodeHost } from './workbench';

const ROOT = resolve(__dirname, '..', '..');

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly vscodePid: number;
  readonly emulatorPid: number;
  readonly emulatorPort: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs scripts/start.mjs until it says the demo is running (or exits first). */
async function startDemo(profile: string): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, TH_DEMO_PROFILE: profile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const announced = await Promise.race([
    new Promise<boolean>((done) => {
      const check = () => {
        if (/VS Code pid \d+, emulator pid \d+/.test(output)) {
          child.stdout!.off('data', check);
          done(true);
        }
      };
      child.stdout!.on('data', check);
    }),
    exited.then(() => false),
  ]);
  assert.ok(announced, `npm start exited before the demo ran:\n${output}`);
  const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output)?.[1];
  const pids = /VS Code pid (\d+), emulator pid (\d+)/.exec(output);
  const emulatorPort = /Paragon base URL:\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1];
  assert.ok(url && pids && emulatorPort, `the announcement names the URL, both pids and the emulator:\n${output}`);
  return { child, url, vscodePid: Number(pids[1]), emulatorPid: Number(pids[2]), emulatorPort: Number(emulatorPort), output: () => output, exited };
}

function get(url: string): Promise<number | undefined> {
  return new Promise((done) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      res.resume();
      done(res.statusCode);
    });
    req.on('error', () => done(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', function () {
  let profile: string;
  let started: Started | undefined;
  let browser: Browser | undefined;

  before(function () {
    vscodeHost(); // installed once per run (the first e2e spec pays for it)
    profile = mkdtempSync(join(tmpdir(), 'thx-start-'));
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGTERM');
      await started.exited;
    }
    rmSync(profile, { recursive: true, force: true });
  });

  it('says the demo is running only once VS Code answers, and its URL shows the demo tree', async function () {
    started = await startDemo(profile);
    // Announced means answering: the URL and the emulator answer now, without waiting.
    assert.equal(await get(started.url), 200);
    assert.equal(await get(`http://127.0.0.1:${started.emulatorPort}/__emulator/stats`), 200);

    browser = await chromium.launch({ executablePath: vscodeHost().chromium, headless: true, args: BROWSER_ARGS });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(started.url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const container = page.locator('.activitybar [aria-label*="Task History"]').first();
    await container.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await page.locator('.part.sidebar .monaco-list-row', { hasText: 'Demo: Paragon' }).count()) === 0) await container.click();
    for (const source of ['Demo: Paragon', 'Demo: Dispersl']) {
      await page.locator('.part.sidebar .monaco-list-row', { hasText: source }).first().waitFor({ state: 'visible', timeout: 60_000 });
    }
  });

  it('when VS Code dies, stops the emulator and exits non-zero with the reason', async function () {
    assert.ok(started, 'the previous spec started the demo');
    process.kill(started.vscodePid, 'SIGKILL');
    const code = await started.exited;
    assert.equal(code, 1, started.output());
    assert.match(started.output(), /VS Code \(code-server\) stopped unexpectedly \(signal SIGKILL\)/);
    assert.equal(alive(started.emulatorPid), false, 'the emulator was stopped too');
    assert.equal(await get(`http://127.0.0.1:${started.emulatorPort}/__emulator/stats`), undefined);
  });
});

describe('npm start on a platform the bundled host cannot run', function () {
  it('builds the .vsix, says how to run the demo in a desktop VS Code, and exits non-zero without starting anything', async function () {
    // The real script, with Node told it runs on macOS: the only way to see this path on Linux.
    const pretend = `data:text/javascript,Object.defineProperty(process, "platform", { value: "darwin" })`;
    const child = spawn(process.execPath, ['--import', pretend, join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    assert.equal(code, 1, output);
    assert.match(output, /runs on Linux x64 only; this machine is darwin-x64/);
    assert.match(output, /code --install-extension .*task-history-explorer\.vsix/);
    assert.match(output, /code --extensionDevelopmentPath=/);
    assert.ok(output.indexOf('Linux x64 only') < output.indexOf('Building and packaging'), 'the platform is checked first');
    assert.doesNotMatch(output, /Checking the VS Code host|The demo is running/);
  });
});
