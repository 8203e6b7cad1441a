// Issue 9's hardening, seen from the real workbench (docs/hardening.md): an export onto a
// disk that fills up fails with the reason and leaves nothing behind; a server that echoes
// the Authorization header cannot get a piece of the key into a notification, a dialog, a
// tooltip or the log; a source's tooltip shows how much of its request budget is in use.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

/** Mixed case, so an upper-cased echo differs from the key. */
const ECHO_KEY = 'thxEchoKey-7fQ2mZ9pLw4RtX8vNb3Kc6Hd';

/**
 * The pieces of `key` docs/hardening.md says never show: any 8 of its characters in a row,
 * in any case, and any 10 base64 / base64url characters that encode 8+ of its bytes, at
 * every byte alignment (the key may sit anywhere in what was encoded: `Bearer <key>`).
 */
function keyPieces(key: string): { plain: string[]; encoded: string[] } {
  const plain = new Set<string>();
  for (let i = 0; i + 8 <= key.length; i++) plain.add(key.slice(i, i + 8).toLowerCase());
  const encoded = new Set<string>();
  for (const variant of new Set([key, key.toUpperCase(), key.toLowerCase()])) {
    const bytes = Buffer.from(variant, 'utf8');
    for (let align = 0; align < 3; align++) {
      const whole = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64');
      // Only the characters that depend on the key alone.
      const core = whole.slice(Math.ceil((8 * align) / 6), Math.floor((8 * (align + bytes.length)) / 6));
      for (const text of [core, core.replace(/\+/g, '-').replace(/\//g, '_')]) {
        for (let i = 0; i + 10 <= text.length; i++) encoded.add(text.slice(i, i + 10));
      }
    }
  }
  return { plain: [...plain], encoded: [...encoded] };
}

/** The pieces of `key` found in `text` (empty when it is clean). */
function leaks(text: string, key: string): string[] {
  const { plain, encoded } = keyPieces(key);
  const folded = text.toLowerCase();
  return [...plain.filter((p) => folded.includes(p)), ...encoded.filter((p) => text.includes(p))];
}

function assertNoKey(where: string, text: string, key: string): void {
  const found = leaks(text, key);
  assert.deepEqual(found, [], `${where} shows pieces of the key ${JSON.stringify(found.slice(0, 5))}:\n${text}`);
}

/**
 * A Paragon look-alike that rejects every request and quotes the Authorization header it
 * received in its error body: cut in the middle (a line break inside the key), upper-cased,
 * and base64-encoded. `status` switches between the 401 and a 500.
 */
interface EchoServer {
  readonly origin: string;
  status: 401 | 500;
  readonly seen: { method: string; url: string; authorization: string }[];
  /** The message of the last error body sent, unredacted. */
  readonly lastMessage: string;
  close(): Promise<void>;
}

async function startEchoServer(): Promise<EchoServer> {
  const seen: EchoServer['seen'] = [];
  const state = { status: 401 as 401 | 500, lastMessage: '' };
  const server: Server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization });
    const cut = Math.floor(authorization.length / 2);
    const message =
      `Invalid credentials for ${req.url}. You sent "${authorization.slice(0, cut)}` +
      `\n${authorization.slice(cut)}"; normalized ${authorization.toUpperCase()}; ` +
      `raw ${Buffer.from(authorization).toString('base64')}`;
    state.lastMessage = message;
    const body = JSON.stringify({ status: state.status, message });
    res.writeHead(state.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get status() {
      return state.status;
    },
    set status(value) {
      state.status = value;
    },
    seen,
    get lastMessage() {
      return state.lastMessage;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Every notification the workbench holds (the notification center lists toasts and hidden ones alike). */
async function notificationCenter(workbench: Workbench): Promise<string[]> {
  await workbench.runCommand('Notifications: Show Notifications');
  const center = workbench.page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 10_000 });
  const texts = await workbench.page.$$eval('.notifications-center .notification-list-item', (items) => items.map((i) => (i as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  await workbench.runCommand('Notifications: Hide Notifications');
  await center.waitFor({ state: 'hidden', timeout: 10_000 });
  return texts;
}

/** Hovers the side-bar row matching `row` and returns the text of the hover that shows `expect`. */
async function hoverText(workbench: Workbench, row: RegExp, expect: RegExp): Promise<string> {
  // A hover that never opens (the row re-rendered under a still mouse, a lost mouse event) is
  // tried again from scratch; what it shows, once it shows, is asserted by the caller.
  let shown: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const text = await hoverOnce(workbench, row, expect);
    if (typeof text === 'string') return text;
    shown = text.shown;
  }
  throw new Error(`No hover over ${row} shows ${expect} in 3 tries; hovers: ${JSON.stringify(shown)}`);
}

async function hoverOnce(workbench: Workbench, row: RegExp, expect: RegExp): Promise<string | { shown: string[] }> {
  const page = workbench.page;
  await page.mouse.move(1300, 850); // away from the side bar, so the hover starts afresh
  await page.keyboard.press('Escape');
  await workbench.revealRow(row);
  const mark = `h${Math.random().toString(36).slice(2)}`;
  const found = await page.evaluate(
    ({ source, flags, mark }) => {
      const re = new RegExp(source, flags);
      const el = Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row')).find((r) => re.test(r.getAttribute('aria-label') ?? r.innerText));
      el?.setAttribute('data-e2e-hover', mark);
      return Boolean(el);
    },
    { source: row.source, flags: row.flags.replace('g', ''), mark },
  );
  assert.ok(found, `a side-bar row matches ${row}`);
  await page.locator(`[data-e2e-hover="${mark}"] .monaco-icon-label`).first().hover();
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: expect }).first();
  try {
    await hover.waitFor({ state: 'visible', timeout: 8_000 });
  } catch {
    return { shown: await page.$$eval('.monaco-hover, .workbench-hover', (els) => els.map((e) => (e as HTMLElement).innerText)) };
  }
  const text = await hover.innerText();
  await page.mouse.move(1300, 850);
  await page.keyboard.press('Escape');
  return text;
}

/** The emulator's request count once it stopped changing (the tree loads groups in the background). */
async function quiet(emulator: RunningEmulator): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last = emulator.stats().requests;
  for (;;) {
    await new Promise((done) => setTimeout(done, 1_000)); // requests cannot be awaited from here: sample
    const now = emulator.stats().requests;
    if (now === last || Date.now() > deadline) return now;
    last = now;
  }
}

/** The Task History log: what the LogOutputChannel wrote, read once it holds `until` (it is written a little behind). */
async function taskHistoryLog(workbench: Workbench, until: RegExp): Promise<string> {
  let log = workbench.outputChannelLog('Task History');
  for (let i = 0; i < 50 && !until.test(log); i++) {
    await workbench.page.waitForTimeout(200); // a log file cannot be awaited: poll briefly
    log = workbench.outputChannelLog('Task History');
  }
  return log;
}

describe('Hardening in a real VS Code', function () {
  let emulator: RunningEmulator;
  let echo: EchoServer;
  let workbench: Workbench;

  before(async function () {
    emulator = await startEmulator({ seed: 9, paragonExecutions: 1500, disperslTasks: 20 });
    echo = await startEchoServer();
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: {
        'taskHistory.refreshInterval': 0, // no polling: every request is one the test caused
        'taskHistory.sources': [
          {
            id: 'e2e-paragon',
            kind: 'paragon',
            label: 'E2E Paragon',
            baseUrl: new URL(emulator.paragonBaseUrl).origin,
            projectId: emulator.projectId,
            integrations: [],
          },
        ],
      },
    });
    await workbench.openContainer('Task History');
    await workbench.runCommand('Task History: Set API Key…');
    await workbench.quickInput(emulator.apiKey);
    await workbench.waitForRow(/^Failed, [\d,]+ runs$/);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/hardening-failure.png').catch(() => undefined);
      console.log(workbench.logs().slice(-6000));
    }
    await workbench?.close();
    await echo?.close();
    await emulator?.close();
  });

  describe('an export onto a disk that fills up', function () {
    let disk: string | undefined;

    before(function () {
      const dir = mkdtempSync(join(tmpdir(), 'thx-e2e-fulldisk-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0777', 'tmpfs', dir], { stdio: 'pipe' });
        disk = dir;
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        console.log(`      (skipped: cannot mount a 64 KiB tmpfs here: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
        this.skip();
      }
    });

    after(function () {
      if (!disk) return;
      execFileSync('umount', [disk], { stdio: 'pipe' });
      rmSync(disk, { recursive: true, force: true });
    });

    it('ends "Export Runs…" with "the disk is full", settles its progress and leaves no file or .part', async () => {
      const target = join(disk!, 'runs.csv');
      const runs = emulator.truth.paragonIds({}).length;
      // Each CSV row holds a 36-character id and ISO dates: 1,500 rows are far over 64 KiB.
      assert.ok(runs * 60 > 64 * 1024, `${runs} runs exceed the 64 KiB disk`);
      await workbench.clearNotifications();
      await workbench.runCommand('Task History: Export Runs…');
      await workbench.quickInput('CSV', { pick: 'CSV' });
      await workbench.quickInput(''); // runs only
      await workbench.page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value.endsWith('runs.csv'), undefined, {
        timeout: 30_000,
      });
      await workbench.page.locator('.quick-input-widget .quick-input-box input').fill(target);
      await workbench.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();

      const outcome = await workbench.waitForNotification(/Export failed|Exported/, 90_000);
      const expected = `Export failed; nothing was written to ${target}. Cannot write ${target}: the disk is full.`;
      assert.ok(outcome.includes(expected), `the error says the disk is full:\n  shown:    ${outcome}\n  expected: ${expected}`);

      // The progress notification goes away: the export settled, nothing is left running.
      await workbench.page.waitForFunction(
        () => !Array.from(document.querySelectorAll<HTMLElement>('.notifications-toasts .notification-list-item')).some((i) => i.innerText.includes('Exporting')),
        undefined,
        { timeout: 30_000, polling: 100 },
      );
      const all = await notificationCenter(workbench);
      assert.deepEqual(
        all.filter((t) => t.includes('Exporting')),
        [],
        `no export still in progress: ${JSON.stringify(all)}`,
      );
      assert.equal(all.filter((t) => /Export failed/.test(t)).length, 1, JSON.stringify(all));

      assert.deepEqual(readdirSync(disk!), [], 'neither runs.csv nor a .part file is left on the full disk');
      const log = await taskHistoryLog(workbench, /export failed/);
      assert.match(log, /export failed: Cannot write [^\n]*: the disk is full\. \(ENOSPC /, 'the log names the system error');
    });
  });

  describe('a server that echoes the key in its error bodies', function () {
    const surfaces: { where: string; text: string }[] = [];

    it('adds the source through the guided command: the failed check quotes the server, never the key', async () => {
      await workbench.clearNotifications();
      await workbench.runCommand('Task History: Add Source…');
      await workbench.quickInput('Paragon', { pick: 'Paragon' });
      await workbench.quickInput('echoproj-0001');
      await workbench.quickInput(echo.origin);
      await workbench.quickInput(''); // no integrations
      await workbench.quickInput(ECHO_KEY);
      const dialog = workbench.page.locator('.monaco-dialog-box').filter({ hasText: 'The connection check failed' }).first();
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      const text = (await dialog.innerText()).replace(/\s+/g, ' ');
      surfaces.push({ where: 'the connection-check dialog', text });
      // The key did go out, and came back in all three forms: the checker finds each in the raw body.
      assert.ok(
        echo.seen.some((r) => r.authorization === `Bearer ${ECHO_KEY}`),
        'the server received the key',
      );
      const raw = echo.lastMessage.split(/"; normalized | raw /);
      assert.equal(raw.length, 3, echo.lastMessage);
      for (const form of raw) assert.notDeepEqual(leaks(form, ECHO_KEY), [], `the checker sees the key in ${form}`);
      assert.match(text, /Paragon rejected the API key \(401 Invalid credentials for \/projects\/echoproj-0001\/task-history\/workflow-executions/);
      assert.match(text, /\[redacted\]/);
      assertNoKey('the connection-check dialog', text, ECHO_KEY);
      await dialog.locator('.monaco-button', { hasText: 'Save Anyway' }).first().click();
      await workbench.waitForNotification(/Added Paragon echoproj/);
    });

    it('shows the 401 in the tree and in a notification, then a 500 with its detail, with no piece of the key', async () => {
      const rejected = await workbench.waitForRow(/^Paragon rejected the API key \(401 Invalid credentials/, 60_000);
      surfaces.push({ where: 'the error row', text: rejected });
      surfaces.push({ where: 'the error row tooltip', text: await hoverText(workbench, /^Paragon rejected the API key/, /Invalid credentials/) });

      // A notification quoting the server: exporting from the source the server rejects.
      await workbench.runCommand('Task History: Export Runs…');
      await workbench.quickInput('Paragon echoproj', { pick: 'Paragon echoproj' });
      await workbench.quickInput('JSON', { pick: 'JSON' });
      await workbench.quickInput(''); // runs only
      // The toast's text holds its buttons too (VS Code lays them out before the message when it wraps).
      const toast = await workbench.waitForNotification(/Export failed: Paragon rejected the API key/, 60_000);
      assert.match(toast, /Invalid credentials/);
      // A rejected key offers its fix, and no Retry (the same key would be rejected again).
      assert.match(toast, /Set API Key/);
      assert.match(toast, /Show Log/);
      assert.doesNotMatch(toast, /Retry/);
      surfaces.push({ where: 'the export toast', text: toast });

      // A refresh counts failures too; its warning goes to the log with the server's words.
      await workbench.runCommand('Task History: Refresh');
      await workbench.waitForRow(/^Paragon rejected the API key \(401 Invalid credentials/, 60_000);
      const warned = await taskHistoryLog(workbench, /failure count for paragon-echoproj/);
      assert.match(warned, /failure count for paragon-echoproj: Paragon rejected the API key \(401 Invalid credentials[^\n]*\[redacted\]/, 'the log quotes the 401 body, redacted');

      // Now the server fails with a 500 (after retries) whose body echoes the header too.
      echo.status = 500;
      const before = echo.seen.length;
      await workbench.runCommand('Task History: Refresh');
      await workbench.waitForRow(/^Paragon had a server error \(500\)/, 90_000);
      assert.ok(echo.seen.length > before, 'the refresh reached the server');
      const detail = await hoverText(workbench, /^Paragon had a server error/, /→ 500/);
      assert.match(detail, /→ 500: Invalid credentials/, 'the tooltip quotes the 500 body');
      surfaces.push({ where: 'the 500 row tooltip', text: detail });

      const notifications = await notificationCenter(workbench);
      assert.ok(
        notifications.some((t) => /Export failed: Paragon rejected the API key/.test(t)),
        JSON.stringify(notifications),
      );
      for (const text of notifications) surfaces.push({ where: 'the notification center', text });

      await workbench.runCommand('Task History: Show Log');
      const log = await taskHistoryLog(workbench, /→ 500/);
      assert.match(log, /GET \/projects\/echoproj-0001\/task-history\/workflow-executions[^\n]* → 401/);
      assert.match(log, /GET \/projects\/echoproj-0001\/task-history\/workflow-executions[^\n]* → 500/);
      surfaces.push({ where: 'the Task History log', text: log });
      const shown = await workbench.shownOutput();
      assert.equal(shown?.channel, 'Task History');
      surfaces.push({ where: 'the Output view', text: shown?.text ?? '' });

      for (const { where, text } of surfaces) assertNoKey(where, text, ECHO_KEY);
      console.log(
        `      (${surfaces.length} texts checked; the echo server saw ${echo.seen.length} requests, ${echo.seen.filter((r) => r.authorization === `Bearer ${ECHO_KEY}`).length} with the key)`,
      );
      // A failing source is not asked again by itself: the tree repaints a source whose budget
      // moved (its tooltip), and a repaint that re-requested would feed itself every few seconds.
      // First let the last refresh's retries of its 500s end (backoff up to ~8 s).
      let settled = echo.seen.length;
      for (let still = 0, deadline = Date.now() + 40_000; still < 10 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        still = echo.seen.length === settled ? still + 1 : 0;
        settled = echo.seen.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      assert.equal(echo.seen.length, settled, 'no request while nobody asks');
    });
  });

  describe('the request budget', function () {
    const budget = (text: string) => {
      const m = /Request budget: ([\d,]+) of 1,000 requests in the last 10 minutes/.exec(text);
      assert.ok(m, `the tooltip shows the request budget: ${text}`);
      return Number(m[1]!.replace(/,/g, ''));
    };

    it('shows in the source tooltip the requests its key sent in the budget window', async () => {
      // Every request the emulator saw came from this source's key (no polling, no other client).
      const sent = await quiet(emulator);
      assert.ok(sent > 0);
      const shown = budget(await hoverText(workbench, /^E2E Paragon/, /Request budget/));
      assert.equal(emulator.stats().requests, sent, 'no request while hovering');
      assert.equal(shown, sent, `the tooltip counts the ${sent} requests the emulator saw`);
      console.log(`      (tooltip: "Request budget: ${shown} of 1,000 requests in the last 10 minutes"; the emulator saw ${sent})`);
    });

    it('updates the tooltip after more requests (Task History: Refresh, then hover again)', async () => {
      const before = await quiet(emulator);
      await workbench.runCommand('Task History: Refresh');
      await workbench.waitForRow(/^Failed, [\d,]+ runs$/);
      let sent = await quiet(emulator);
      assert.ok(sent > before, 'the refresh sent requests');
      // A refresh repaints the source rows once, so the next hover works the budget out afresh.
      // The failure count the refresh starts may still send its request after the emulator
      // looked quiet: each try compares with what the emulator has seen by then.
      let shown = budget(await hoverText(workbench, /^E2E Paragon/, /Request budget/));
      for (const deadline = Date.now() + 20_000; shown !== sent && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        sent = await quiet(emulator);
        shown = budget(await hoverText(workbench, /^E2E Paragon/, /Request budget/));
      }
      console.log(`      (tooltip after the refresh: ${shown}; the emulator saw ${before} before it, ${sent} after)`);
      assert.equal(shown, sent, `the tooltip counts the ${sent} requests sent by now, not the ${before} of the first hover`);
    });

    it('an idle tree with a run expanded sends no request (repaints and tooltips cost nothing)', async () => {
      const failed = (await workbench.treeRows()).find((r) => /^Failed, [\d,]+ runs$/.test(r.label));
      if (!failed?.expanded) await workbench.clickRow(/^Failed, [\d,]+ runs$/);
      const page = workbench.page;
      await page.locator('.part.sidebar .monaco-list-row[aria-level="3"]').first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.part.sidebar .monaco-list-row[aria-level="3"] .monaco-tl-twistie').first().click();
      await page.locator('.part.sidebar .monaco-list-row[aria-level="4"]').first().waitFor({ state: 'visible', timeout: 30_000 });
      const settled = await quiet(emulator);
      // Nothing polls (refresh interval 0), so nothing may ask: not a repaint, not a tooltip.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      assert.equal(emulator.stats().requests - settled, 0, 'no request while the tree sits idle with a run expanded');
    });
  });
});
