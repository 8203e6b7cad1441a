// Runs the extension in a real VS Code workbench: code-server (VS Code 1.139 in the browser)
// with our .vsix installed, driven through Debian's Chromium by playwright-core. Each
// workbench has its own data, extensions and workspace folders, port and browser. Helpers
// wait on conditions in the page or in VS Code's logs, never on fixed delays.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '..', '..');

export interface HostPaths {
  /** Node 24, which runs code-server. */
  readonly node: string;
  /** code-server's entry script, run with `node`. */
  readonly codeServer: string;
  /** A shell wrapper running code-server on Node 24. */
  readonly codeServerBin: string;
  readonly chromium: string;
  readonly hostDir: string;
}

let host: HostPaths | undefined;

/** Installs (the first time, ~3 min) or finds the cached VS Code host: scripts/vscode-host.mjs. */
export function vscodeHost(): HostPaths {
  if (host) return host;
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'vscode-host.mjs'), '--quiet'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/vscode-host.mjs failed (exit ${result.status ?? result.signal}); its messages are above.`);
  host = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as HostPaths;
  return host;
}

let packaged: string | undefined;

/**
 * The .vsix under test: `npm run package` (production bundles + vsce) once per test run.
 * TH_E2E_VSIX=path uses a .vsix built beforehand instead.
 */
export function packageExtension(): string {
  if (process.env.TH_E2E_VSIX) return resolve(process.env.TH_E2E_VSIX);
  if (packaged) return packaged;
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`npm run package failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  packaged = join(ROOT, 'dist', 'task-history-explorer.vsix');
  if (!existsSync(packaged)) throw new Error(`npm run package succeeded but ${packaged} is missing:\n${result.stdout}`);
  console.log(`      (packaged ${packaged} in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return packaged;
}

export interface LaunchOptions {
  /** The .vsix file(s) to install, ours first. */
  readonly vsix: string | readonly string[];
  /** Merged over the test defaults in User/settings.json. */
  readonly settings?: Record<string, unknown>;
  /** The folder to open; an empty temporary one by default. */
  readonly workspaceFolder?: string;
  /** Added to code-server's environment, so also the extension host's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Keep workspace trust on (code-server's default is turned off here): with `security.workspace.trust.enabled`, a new folder opens in Restricted Mode. */
  readonly workspaceTrust?: boolean;
}

export interface TreeRow {
  /** The accessible label (aria-label), else the visible text. */
  readonly label: string;
  /** The visible text: label and description. */
  readonly text: string;
  readonly level: number;
  /** undefined for a leaf. */
  readonly expanded: boolean | undefined;
  readonly selected: boolean;
}

export interface Workbench {
  readonly page: Page;
  readonly url: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceFolder: string;
  /** Ids of the installed .vsix extensions, in install order (`publisher.name`). */
  readonly extensionIds: readonly string[];
  /** Opens the palette with F1, types the title, focuses the item whose label is exactly it and presses Enter. */
  runCommand(title: string): Promise<void>;
  /** Types into the open quick input (picker or input box) and accepts; `pick` focuses the item labelled exactly so first. */
  quickInput(text: string, options?: { pick?: string }): Promise<void>;
  /** The rows of the side bar's trees, or of the one view titled `viewTitle`. */
  treeRows(viewTitle?: string): Promise<TreeRow[]>;
  /** The labels of the side bar's tree rows. */
  sidebarRows(): Promise<string[]>;
  /** Waits for a side-bar row whose label matches; returns that label. */
  waitForRow(match: RegExp, timeoutMs?: number): Promise<string>;
  /** Scrolls the side bar's virtualized trees until a row whose label matches is rendered; returns its label. */
  revealRow(match: RegExp, timeoutMs?: number): Promise<string>;
  clickRow(match: RegExp): Promise<void>;
  /** Shows an activity-bar view container (e.g. "Task History") in the side bar. */
  openContainer(title: string): Promise<void>;
  /**
   * The document of the newest webview whose body has content (and, given `ready`,
   * whose text includes it). `webviewFrame(30_000)` and `webviewFrame('Run 42', 30_000)` both work.
   */
  webviewFrame(readyOrTimeoutMs?: string | number, timeoutMs?: number): Promise<Frame>;
  /** The texts of the notification toasts now shown. */
  notifications(): Promise<string[]>;
  /** Clears every notification, so a later wait sees only new ones. */
  clearNotifications(): Promise<void>;
  waitForNotification(match: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the extension host logged the activation of `extensionId` (ours by default). */
  waitForActivation(extensionId?: string, timeoutMs?: number): Promise<void>;
  /** The Output view, if it is shown: the selected channel and the text it displays. */
  shownOutput(): Promise<{ channel: string; text: string } | undefined>;
  /** The lines a LogOutputChannel named `name` wrote (all extension hosts of this workbench). */
  outputChannelLog(name: string): string;
  /** Reloads the window (a new extension host) and waits until it is ready again. */
  reload(): Promise<void>;
  screenshot(path: string): Promise<void>;
  /** code-server's own stdout and stderr. */
  serverLog(): string;
  /** Everything useful after a failure: code-server output, server and extension host logs, extension logs, browser console errors. */
  logs(): string;
  close(): Promise<void>;
}

export const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What every test starts from: no welcome page, walkthrough, chat, telemetry, trust prompt or update checks. */
const TEST_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

const open = new Set<{ kill(): void; discard(): void }>();
// A crashed or interrupted test run must not leave code-server servers or folders behind.
process.once('exit', () => {
  for (const w of open) {
    w.kill();
    w.discard();
  }
});

export async function launchWorkbench(options: LaunchOptions): Promise<Workbench> {
  const paths = vscodeHost();
  const started = Date.now();
  const base = mkdtempSync(join(tmpdir(), 'thx-e2e-'));
  const userDataDir = join(base, 'data');
  const extensionsDir = join(base, 'extensions');
  const workspaceFolder = options.workspaceFolder ? resolve(options.workspaceFolder) : join(base, 'workspace');
  const config = join(base, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(workspaceFolder, { recursive: true });
  // Our own config file, so code-server neither reads nor writes ~/.config/code-server.
  writeFileSync(config, 'auth: none\ncert: false\n');
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...TEST_SETTINGS, ...options.settings }, null, 2)}\n`);

  const env = { ...process.env, ...options.env };
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const vsixes = typeof options.vsix === 'string' ? [options.vsix] : [...options.vsix];
  for (const vsix of vsixes) {
    const result = spawnSync(paths.node, [paths.codeServer, ...common, '--install-extension', resolve(vsix)], { encoding: 'utf8', env });
    if (result.status !== 0 || !/successfully installed/.test(result.stdout)) {
      rmSync(base, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
  }
  const extensionIds = installedIds(extensionsDir, vsixes.length);

  let serverOutput = '';
  const consoleErrors: string[] = [];
  const server: ChildProcess = spawn(
    paths.node,
    [
      paths.codeServer,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0', // the kernel picks a free port; code-server prints it
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      workspaceFolder,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }, // its own process group, killed whole
  );
  const serverExit = new Promise<void>((done) => server.once('exit', () => done()));
  const onOutput = (chunk: Buffer) => {
    serverOutput += chunk.toString();
  };
  server.stdout?.on('data', onOutput);
  server.stderr?.on('data', onOutput);

  let browser: Browser | undefined;
  const killer = {
    kill() {
      if (server.pid && server.exitCode === null) {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    discard() {
      if (!process.env.TH_E2E_KEEP) rmSync(base, { recursive: true, force: true });
    },
  };
  open.add(killer);

  const logs = () => diagnostics(serverOutput, userDataDir, consoleErrors);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await browser?.close().catch(() => undefined);
    if (server.pid && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const exited = await Promise.race([serverExit.then(() => true), delay(5_000).then(() => false)]);
      if (!exited) killer.kill();
    }
    open.delete(killer);
    killer.discard();
  };

  try {
    const port = await listeningPort(server, () => serverOutput);
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceFolder)}`;
    browser = await chromium.launch({ executablePath: paths.chromium, headless: true, args: BROWSER_ARGS });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      // The workbench asking open-vsx.org for updates cannot reach it here: noise, not a failure.
      if (message.type() === 'error' && !message.text().includes('open-vsx.org')) consoleErrors.push(message.text());
      if (consoleErrors.length > 200) consoleErrors.shift();
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));

    const hostsBefore = new Set(extensionHostLogs(userDataDir));
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await waitForExtensionHost(userDataDir, hostsBefore, 60_000);

    const workbench = createWorkbench({ page, url, userDataDir, extensionsDir, workspaceFolder, extensionIds, logs, close, serverLog: () => serverOutput });
    if (process.env.TH_E2E_TIMING) console.log(`      (workbench ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return workbench;
  } catch (error) {
    const detail = logs();
    await close();
    throw new Error(`The workbench did not start: ${error instanceof Error ? error.message : String(error)}\n${detail}`, { cause: error });
  }
}

interface Parts {
  page: Page;
  url: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceFolder: string;
  extensionIds: readonly string[];
  logs(): string;
  close(): Promise<void>;
  serverLog(): string;
}

function createWorkbench(parts: Parts): Workbench {
  const { page, userDataDir } = parts;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  // Labels compare exactly, except for a trailing ellipsis: "Set API Key" finds "Set API Key…".
  const bare = (label: string) => label.trim().replace(/(…|\.\.\.)$/, '');
  const rowLabelled = (label: string): Locator =>
    widget.locator('.monaco-list-row').filter({
      has: page.locator('.quick-input-list-label .label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(bare(label))}(…|\\.\\.\\.)?\\s*$`) }),
    });
  const visibleRows = () =>
    widget.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.querySelector('.label-name') as HTMLElement | null)?.innerText.trim() ?? ''));

  /** Moves the quick input's focus to the item labelled `label` (the palette may rank another first). */
  const focusItem = async (label: string) => {
    try {
      await rowLabelled(label).first().waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      throw new Error(`No item labelled exactly "${label}" in the quick input; it shows ${JSON.stringify(await visibleRows())}`);
    }
    for (let moves = 0; moves < 100; moves++) {
      const focused = await widget
        .locator('.monaco-list-row.focused .label-name')
        .first()
        .innerText()
        .catch(() => '');
      if (bare(focused) === bare(label)) return;
      await page.keyboard.press('ArrowDown');
    }
    throw new Error(`Could not move the quick input's focus to "${label}"`);
  };

  /** The quick input shows no progress, and its text and items stay the same for a moment. */
  const waitForIdle = async () => {
    const snapshot = () =>
      page.evaluate(() => {
        const w = document.querySelector<HTMLElement>('.quick-input-widget');
        const busy = Boolean(w?.querySelector('.monaco-progress-container.active'));
        const value = w?.querySelector<HTMLInputElement>('.quick-input-box input')?.value ?? '';
        const items = Array.from(w?.querySelectorAll<HTMLElement>('.monaco-list-row .label-name') ?? [])
          .map((e) => e.innerText)
          .join('|');
        return { busy, state: `${value}\u0000${items}` };
      });
    const deadline = Date.now() + 15_000;
    let last = await snapshot();
    for (;;) {
      await page.waitForFunction(() => !document.querySelector('.quick-input-widget .monaco-progress-container.active'), undefined, {
        timeout: Math.max(1, deadline - Date.now()),
        polling: 50,
      });
      await page.waitForTimeout(150); // settle: the box may change right after the progress ends
      const now = await snapshot();
      if (!now.busy && now.state === last.state) return;
      if (Date.now() > deadline) return; // never settles (e.g. a live list): go on, the test sees the rest
      last = now;
    }
  };

  /** After Enter: the quick input closes, or shows the next step (another value). */
  const waitForAccept = async (typed: string) => {
    await page
      .waitForFunction(
        (value) => {
          const w = document.querySelector<HTMLElement>('.quick-input-widget');
          const box = w?.querySelector<HTMLInputElement>('.quick-input-box input');
          return !w || w.style.display === 'none' || !box || box.value !== value;
        },
        typed,
        { timeout: 5_000 },
      )
      .catch(() => undefined); // an input box that rejects the value stays open: the test sees that
  };

  const treeRows = async (viewTitle?: string): Promise<TreeRow[]> =>
    page.evaluate((title) => {
      let scope: Element | null = document.querySelector('.part.sidebar');
      if (title && scope) {
        const panes = Array.from(scope.querySelectorAll('.pane'));
        scope = panes.find((p) => (p.querySelector('.pane-header .title') as HTMLElement | null)?.textContent?.trim().toLowerCase() === title.toLowerCase()) ?? null;
        if (!scope) return [];
      }
      if (!scope) return [];
      return Array.from(scope.querySelectorAll<HTMLElement>('.monaco-list-row')).map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          label: row.getAttribute('aria-label') ?? row.innerText,
          text: row.innerText,
          level: Number(row.getAttribute('aria-level') ?? 1),
          expanded: expanded === null ? undefined : expanded === 'true',
          selected: row.classList.contains('selected'),
        };
      });
    }, viewTitle);

  const waitForRow = async (match: RegExp, timeoutMs = 30_000): Promise<string> => {
    try {
      const handle = await page.waitForFunction(
        ({ source, flags }) => {
          const re = new RegExp(source, flags);
          const rows = Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row'));
          const row = rows.find((r) => re.test(r.getAttribute('aria-label') ?? r.innerText));
          return row ? (row.getAttribute('aria-label') ?? row.innerText) : false;
        },
        { source: match.source, flags: match.flags.replace('g', '') },
        { timeout: timeoutMs, polling: 100 },
      );
      return (await handle.jsonValue()) as string;
    } catch {
      throw new Error(`No side-bar row matches ${match} after ${timeoutMs} ms; rows: ${JSON.stringify((await treeRows()).map((r) => r.label))}`);
    }
  };

  const webviewFrame = async (readyOrTimeoutMs?: string | number, timeoutMs?: number): Promise<Frame> => {
    const ready = typeof readyOrTimeoutMs === 'string' ? readyOrTimeoutMs : undefined;
    const limit = typeof readyOrTimeoutMs === 'number' ? readyOrTimeoutMs : (timeoutMs ?? 30_000);
    const deadline = Date.now() + limit;
    for (;;) {
      // The webview's own document is the inner frame VS Code loads from fake.html.
      for (const frame of [...page.frames()].reverse()) {
        if (!frame.url().includes('/webview/') || !frame.url().includes('fake.html')) continue;
        const text = await frame.evaluate(() => (document.body && document.body.childElementCount > 0 ? document.body.innerText : null)).catch(() => null);
        if (text !== null && (ready === undefined || text.includes(ready))) return frame;
      }
      if (Date.now() > deadline)
        throw new Error(
          `No webview${ready ? ` showing "${ready}"` : ''} after ${limit} ms (frames: ${page
            .frames()
            .map((f) => f.url())
            .join(', ')})`,
        );
      await page.waitForTimeout(100); // frames cannot be awaited by content: poll briefly
    }
  };

  const notifications = async () =>
    page.$$eval('.notifications-toasts .notification-list-item', (items) => items.map((i) => (i as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));

  const workbench: Workbench = {
    page,
    url: parts.url,
    userDataDir,
    extensionsDir: parts.extensionsDir,
    workspaceFolder: parts.workspaceFolder,
    extensionIds: parts.extensionIds,

    async runCommand(title) {
      // Close whatever quick input is open (a nested one may need more than one Escape).
      for (let presses = 0; (await widget.isVisible()) && presses < 5; presses++) {
        await page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
      }
      await widget.waitFor({ state: 'hidden', timeout: 5_000 });
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      await focusItem(title);
      await page.keyboard.press('Enter');
      await waitForAccept(`>${title}`);
    },

    async quickInput(text, options) {
      await input.waitFor({ state: 'visible' });
      // A picker that is still loading (the simple file dialog lists folders, then writes its
      // proposed path into the box) would overwrite the typed text: type once it is idle,
      // and again if it rewrote the text anyway.
      for (let attempt = 0; ; attempt++) {
        await waitForIdle();
        await input.fill(text);
        await waitForIdle();
        if ((await input.inputValue()) === text) break;
        if (attempt === 2) throw new Error(`The quick input keeps replacing "${text}" with "${await input.inputValue()}"`);
      }
      if (options?.pick) await focusItem(options.pick);
      await page.keyboard.press('Enter');
      await waitForAccept(text);
    },

    treeRows,
    async sidebarRows() {
      return (await treeRows()).map((r) => r.label);
    },
    waitForRow,

    async revealRow(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const pattern = { source: match.source, flags: match.flags.replace('g', '') };
      const findRendered = () =>
        page.evaluate(({ source, flags }) => {
          const re = new RegExp(source, flags);
          const row = Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row')).find((r) => re.test(r.getAttribute('aria-label') ?? r.innerText));
          return row ? (row.getAttribute('aria-label') ?? row.innerText) : null;
        }, pattern);
      const rendered = await findRendered();
      if (rendered !== null) return rendered;
      // Trees render only the rows in view, and ignore synthetic wheel events: page through
      // each side-bar list with the keyboard (focus moves, the selection does not).
      const lists = page.locator('.part.sidebar .monaco-list:visible');
      const count = await lists.count();
      for (let i = 0; i < count; i++) {
        const list = lists.nth(i);
        const position = () =>
          list.evaluate((el) => {
            const rows = Array.from(el.querySelectorAll<HTMLElement>('.monaco-list-row'));
            return `${Math.max(-1, ...rows.map((r) => Number(r.dataset.index ?? -1)))}:${el.querySelector<HTMLElement>('.monaco-list-row.focused')?.dataset.index ?? ''}`;
          });
        await list.evaluate((el) => (el as HTMLElement).focus());
        await page.keyboard.press('Home');
        for (;;) {
          const found = await findRendered();
          if (found !== null) return found;
          const before = await position();
          await page.keyboard.press('PageDown');
          const moved = await page
            .waitForFunction(
              ({ el, before }) => {
                const rows = Array.from(el.querySelectorAll<HTMLElement>('.monaco-list-row'));
                return (
                  `${Math.max(-1, ...rows.map((r) => Number(r.dataset.index ?? -1)))}:${el.querySelector<HTMLElement>('.monaco-list-row.focused')?.dataset.index ?? ''}` !== before
                );
              },
              { el: await list.elementHandle(), before },
              { timeout: 1_000, polling: 50 },
            )
            .then(
              () => true,
              () => false,
            );
          if (!moved || Date.now() > deadline) break; // the end of this list
        }
      }
      // Not rendered anywhere: it may still be arriving (e.g. after a Load more).
      return waitForRow(match, Math.max(1_000, deadline - Date.now()));
    },

    async clickRow(match) {
      await workbench.revealRow(match);
      // Mark the row in the same step that finds it, so a re-render cannot swap it.
      const mark = `r${Math.random().toString(36).slice(2)}`;
      const found = await page.evaluate(
        ({ source, flags, mark }) => {
          const re = new RegExp(source, flags);
          const row = Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row')).find((r) => re.test(r.getAttribute('aria-label') ?? r.innerText));
          row?.setAttribute('data-e2e-mark', mark);
          return Boolean(row);
        },
        { source: match.source, flags: match.flags.replace('g', ''), mark },
      );
      if (!found) throw new Error(`The side-bar row matching ${match} went away before it could be clicked`);
      await page.locator(`[data-e2e-mark="${mark}"]`).click();
    },

    async openContainer(title) {
      const item = page.locator(`.activitybar .action-item [aria-label*="${title}"], .activitybar .action-item[aria-label*="${title}"]`).first();
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      // Shown: the side bar is on screen (a closed one keeps its last title in the page) with this container's title.
      const shown = async () =>
        page.evaluate((t) => {
          const sidebar = document.querySelector<HTMLElement>('.part.sidebar');
          return Boolean(sidebar && sidebar.offsetParent !== null && (sidebar.querySelector('.composite.title')?.textContent ?? '').toLowerCase().includes(t.toLowerCase()));
        }, title);
      // Right after a reload the side bar may still be restoring this very container: a click then
      // toggles it closed. So click, wait a while for it to show, and click again if it did not.
      for (let attempt = 1; !(await shown()); attempt++) {
        await item.click();
        const appeared = await page
          .waitForFunction(
            (t) => {
              const sidebar = document.querySelector<HTMLElement>('.part.sidebar');
              return Boolean(sidebar && sidebar.offsetParent !== null && (sidebar.querySelector('.composite.title')?.textContent ?? '').toLowerCase().includes(t.toLowerCase()));
            },
            title,
            { timeout: 5_000 },
          )
          .then(() => true)
          .catch(() => false);
        if (appeared) return;
        if (attempt === 3) throw new Error(`The "${title}" container does not show in the side bar after ${attempt} clicks`);
      }
    },

    webviewFrame,
    notifications,

    async clearNotifications() {
      await workbench.runCommand('Notifications: Clear All Notifications');
      await page.waitForFunction(() => document.querySelectorAll('.notifications-toasts .notification-list-item').length === 0, undefined, { timeout: 5_000 });
    },

    async shownOutput() {
      return page.evaluate(() => {
        const select = Array.from(document.querySelectorAll<HTMLSelectElement>('.part.panel select[aria-label="Switch Output"]')).find((s) => s.offsetParent !== null);
        if (!select) return undefined;
        const lines = document.querySelector<HTMLElement>('.part.panel .output-view .view-lines') ?? document.querySelector<HTMLElement>('.part.panel .view-lines');
        return { channel: select.selectedOptions[0]?.text ?? select.value, text: lines?.innerText ?? '' };
      });
    },

    async waitForNotification(match, timeoutMs = 30_000) {
      try {
        const handle = await page.waitForFunction(
          ({ source, flags }) => {
            const re = new RegExp(source, flags);
            const items = Array.from(document.querySelectorAll<HTMLElement>('.notifications-toasts .notification-list-item')).map((i) => i.innerText.replace(/\s+/g, ' ').trim());
            return items.find((t) => re.test(t)) ?? false;
          },
          { source: match.source, flags: match.flags.replace('g', '') },
          { timeout: timeoutMs, polling: 100 },
        );
        return (await handle.jsonValue()) as string;
      } catch {
        throw new Error(`No notification matches ${match} after ${timeoutMs} ms; shown: ${JSON.stringify(await notifications())}`);
      }
    },

    async waitForActivation(extensionId = parts.extensionIds[0], timeoutMs = 30_000) {
      const needle = `ExtensionService#_doActivateExtension ${extensionId},`;
      const deadline = Date.now() + timeoutMs;
      while (!extensionHostLogs(userDataDir).some((log) => readText(log).includes(needle))) {
        if (Date.now() > deadline) throw new Error(`${extensionId} was not activated within ${timeoutMs} ms`);
        await delay(100); // a log file cannot be awaited: poll briefly
      }
      const failed = extensionHostLogs(userDataDir)
        .map(readText)
        .join('\n')
        .match(new RegExp(`Activating extension ${escapeRegExp(extensionId)} failed[^\n]*`));
      if (failed) throw new Error(failed[0]);
    },

    outputChannelLog(name) {
      return findFiles(join(userDataDir, 'logs'), (p) => p.endsWith(`/${name}.log`) && p.includes('/exthost'))
        .map(readText)
        .join('');
    },

    async reload() {
      const before = new Set(extensionHostLogs(userDataDir));
      await page.reload();
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await waitForExtensionHost(userDataDir, before, 60_000);
    },

    async screenshot(path) {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      await page.screenshot({ path });
    },

    serverLog: parts.serverLog,
    logs: parts.logs,
    close: parts.close,
  };
  return workbench;
}

/** The port code-server reports once it listens ("HTTP server listening on http://127.0.0.1:PORT/"). */
async function listeningPort(server: ChildProcess, output: () => string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(output());
    if (found) return Number(found[1]);
    if (server.exitCode !== null) throw new Error(`code-server exited (${server.exitCode}) before listening`);
    if (Date.now() > deadline) throw new Error('code-server did not listen within 60 s');
    await delay(50); // process output cannot be awaited by content: poll briefly
  }
}

/** Each window connection starts an extension host, logging to logs/<session>/exthostN/remoteexthost.log. */
function extensionHostLogs(userDataDir: string): string[] {
  return findFiles(join(userDataDir, 'logs'), (p) => p.endsWith('/remoteexthost.log'));
}

/** Waits for a new extension host to finish activating the eager (`*`) extensions. */
async function waitForExtensionHost(userDataDir: string, before: ReadonlySet<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!extensionHostLogs(userDataDir).some((log) => !before.has(log) && readText(log).includes('Eager extensions activated'))) {
    if (Date.now() > deadline) throw new Error(`No extension host became ready within ${timeoutMs} ms`);
    await delay(100); // a log file cannot be awaited: poll briefly
  }
}

function installedIds(extensionsDir: string, count: number): string[] {
  try {
    const entries = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8')) as { identifier: { id: string }; metadata?: { installedTimestamp?: number } }[];
    return entries
      .sort((a, b) => (a.metadata?.installedTimestamp ?? 0) - (b.metadata?.installedTimestamp ?? 0))
      .map((e) => e.identifier.id)
      .slice(0, count);
  } catch {
    return [];
  }
}

function diagnostics(serverOutput: string, userDataDir: string, consoleErrors: readonly string[]): string {
  const sections = [`── code-server output ──\n${tail(serverOutput)}`];
  for (const file of findFiles(join(userDataDir, 'logs'), (p) => p.endsWith('.log') && !/telemetry/i.test(p))) {
    const text = readText(file).trim();
    if (text) sections.push(`── ${file.slice(userDataDir.length + 1)} ──\n${tail(text)}`);
  }
  if (consoleErrors.length) sections.push(`── browser console errors ──\n${tail(consoleErrors.join('\n'))}`);
  return sections.join('\n');
}

function findFiles(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => join(dir, p))
    .filter(keep)
    .sort();
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const tail = (text: string, lines = 60) => text.split('\n').slice(-lines).join('\n');
const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
