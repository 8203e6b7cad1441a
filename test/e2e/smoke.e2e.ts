// Smoke test of the harness and the package: the .vsix installs into a real VS Code
// (code-server), activates, its command runs from the palette, and SecretStorage works there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

const ROOT = resolve(__dirname, '..', '..');
const EXTENSION_ID = 'task-history-explorer.task-history-explorer';

/** Packages test/e2e/fixtures/secret-probe: a tiny extension that stores and reads one secret. */
function packageSecretProbe(into: string): string {
  const out = join(into, 'secret-probe.vsix');
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: join(__dirname, 'fixtures', 'secret-probe'),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vsce package (secret probe) failed:\n${result.stdout}${result.stderr}`);
  return out;
}

describe('Smoke: the packaged extension in a real VS Code', function () {
  let workbench: Workbench;
  let scratch: string;

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), 'thx-smoke-'));
    // Enough files that the Explorer's virtualized tree must scroll to show the last ones.
    const folder = join(scratch, 'workspace');
    mkdirSync(folder);
    for (let i = 0; i < 400; i++) writeFileSync(join(folder, `file-${String(i).padStart(4, '0')}.txt`), `file ${i}\n`);
    workbench = await launchWorkbench({ vsix: [packageExtension(), packageSecretProbe(scratch)], workspaceFolder: folder });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`test-results/smoke-failure-${this.currentTest.title.replace(/\W+/g, '-')}.png`).catch(() => undefined);
      console.log(workbench.logs());
    }
  });

  after(async function () {
    await workbench?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs from the .vsix and activates on startup', async function () {
    assert.deepEqual(workbench.extensionIds, [EXTENSION_ID, 'task-history-e2e.secret-probe']);
    await workbench.waitForActivation(EXTENSION_ID);
    await workbench.page.locator('.activitybar [aria-label*="Task History"]').first().waitFor({ state: 'visible' });
  });

  it('"Task History: Show Log" from the palette shows the Task History output channel', async function () {
    await workbench.runCommand('Task History: Show Log');
    await workbench.page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLSelectElement>('.part.panel select[aria-label="Switch Output"]')).some((s) => s.offsetParent !== null && s.value === 'Task History'),
    );
    const shown = await workbench.shownOutput();
    assert.equal(shown?.channel, 'Task History');
    // What the view shows is the channel's own log file, written by the extension host.
    const firstLine = workbench.outputChannelLog('Task History').split('\n')[0] ?? '';
    if (firstLine)
      await workbench.page
        .locator('.part.panel .view-lines', { hasText: firstLine.slice(0, 40) })
        .first()
        .waitFor();
    await workbench.screenshot('test-results/smoke.png');
  });

  it('reveals and clicks a row far down a virtualized tree', async function () {
    await workbench.openContainer('Explorer');
    assert.ok(!(await workbench.sidebarRows()).includes('file-0390.txt'), 'the last files are not rendered before scrolling');
    assert.equal(await workbench.revealRow(/^file-0390\.txt$/), 'file-0390.txt');
    await workbench.clickRow(/^file-0390\.txt$/);
    await workbench.page.locator('.editor-instance .view-lines', { hasText: 'file 390' }).first().waitFor();
    const rows = await workbench.treeRows();
    assert.ok(rows.find((r) => r.label === 'file-0390.txt')?.selected, 'the clicked row is selected');
  });

  it("saves to a typed path through the save dialog (VS Code's simple file dialog)", async function () {
    await workbench.runCommand('File: New Untitled Text File');
    await workbench.page.locator('.editor-instance .view-lines').first().waitFor();
    await workbench.page.keyboard.type('saved by the smoke test');
    await workbench.runCommand('File: Save As...');
    // The dialog first shows a folder, then writes its proposed name: typing must not race it.
    const target = join(workbench.workspaceFolder, 'saved-by-smoke.txt');
    await workbench.quickInput(target);
    await workbench.page.locator('.tabs-container .tab', { hasText: 'saved-by-smoke.txt' }).first().waitFor();
    assert.equal(readFileSync(target, 'utf8'), 'saved by the smoke test');
  });

  it('keeps a secret in SecretStorage across a window reload (stored in the browser, no keyring)', async function () {
    await workbench.runCommand('Secret Probe: Read Secret');
    await workbench.waitForNotification(/^Secret Probe: read <none>/);
    await workbench.clearNotifications();

    await workbench.runCommand('Secret Probe: Store Secret');
    await workbench.quickInput('e2e-s3cret');
    await workbench.waitForNotification(/^Secret Probe: stored/);
    await workbench.clearNotifications();

    await workbench.runCommand('Secret Probe: Read Secret');
    await workbench.waitForNotification(/^Secret Probe: read "e2e-s3cret"/);

    await workbench.reload();
    await workbench.runCommand('Secret Probe: Read Secret');
    await workbench.waitForNotification(/^Secret Probe: read "e2e-s3cret"/);
  });

  it('starts every workbench with empty SecretStorage: secrets live in the browser profile, not on the server', async function () {
    const browser = workbench.page.context().browser();
    assert.ok(browser);
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const page = await fresh.newPage();
      await page.goto(workbench.url);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.locator('.activitybar [aria-label*="Task History"]').first().waitFor({ state: 'visible', timeout: 60_000 });
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.fill('>Secret Probe: Read Secret');
      await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Secret Probe: Read Secret' }).waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts .notification-list-item', { hasText: 'Secret Probe: read' }).first().waitFor();
      const toasts = await page.$$eval('.notifications-toasts .notification-list-item', (items) => items.map((i) => (i as HTMLElement).innerText));
      assert.ok(
        toasts.some((t) => t.includes('Secret Probe: read <none>')),
        JSON.stringify(toasts),
      );
    } finally {
      await fresh.close();
    }
  });
});
