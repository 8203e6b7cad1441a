// Deep links in a real VS Code: a vscode://…/run?source&id&step link opened through the
// workbench's Open URL command opens the run panel on that run and step (after VS Code's
// own "allow this extension to open the URI" confirmation); a hostile link opens nothing
// and says why; Copy Link (the panel's header, the tree's step menu) round-trips through the
// clipboard to the same run and step; Open Run by ID takes the link and a dashboard URL;
// Open in Dashboard opens the source's template, filled and encoded, in the browser.
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

interface WireStep {
  id: string;
  status: string;
}

const EXTENSION_ID = 'task-history-explorer.task-history-explorer';
const DASHBOARD = 'https://dashboard.e2e.example';

describe('Deep links in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;
  let run: { id: string; workflowId: string; steps: WireStep[]; failed: WireStep };

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${emulator.paragonBaseUrl}${path}`, { headers: { Authorization: `Bearer ${emulator.apiKey}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };

  /** The run panel's webview for a run, and the id of its selected step once one is selected. */
  async function selectedStep(runId: string): Promise<string | null> {
    const frame = await workbench.webviewFrame(runId, 60_000);
    const selected = frame.locator('.row[aria-selected="true"]');
    await selected.waitFor({ timeout: 30_000 });
    return selected.getAttribute('data-step-id');
  }

  const readClipboard = () => workbench.page.evaluate(() => navigator.clipboard.readText());

  /** Writes something else to the clipboard, so a copy that did not happen cannot pass for one. */
  const clearClipboard = () => workbench.page.evaluate(() => navigator.clipboard.writeText('nothing copied'));

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await workbench.page.waitForTimeout(200);
    }
  }

  /**
   * Developer: Open URL, as a user pastes a link into VS Code; VS Code then asks whether our
   * extension may open it (the first time): allowed here, as a user would.
   */
  async function openUrl(link: string): Promise<void> {
    await workbench.runCommand('Developer: Open URL');
    await workbench.quickInput(link);
    const dialog = workbench.page.locator('.monaco-dialog-box');
    const asked = await dialog
      .waitFor({ state: 'visible', timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (asked) {
      console.log(`      (VS Code asked: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 120)})`);
      assert.match(await dialog.innerText(), /Task History Explorer/);
      await dialog.locator('.monaco-button', { hasText: /^Open$/ }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
  }

  const closeEditors = () => workbench.runCommand('View: Close All Editors');

  before(async function () {
    emulator = await startEmulator({ seed: 17, paragonExecutions: 300, disperslTasks: 20 });
    // A failed run with a few steps: the link names a step other than the failing one (which a panel selects by itself).
    for (const id of [...emulator.truth.paragonIds({ status: 'FAILED' })].reverse()) {
      const detail = await api<{ workflowId: string; stepExecutions: WireStep[] }>(`/workflow-executions/${id}`);
      const failed = detail.stepExecutions.find((s) => s.status === 'FAILED');
      if (failed && detail.stepExecutions.length >= 3) {
        run = { id, workflowId: detail.workflowId, steps: detail.stepExecutions, failed };
        break;
      }
    }
    assert.ok(run, 'a failed run with three steps or more');
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: {
        'taskHistory.refreshInterval': 0,
        'taskHistory.groupBy': 'none',
        'taskHistory.index.enabled': false,
        'taskHistory.sources': [
          {
            id: 'e2e-paragon',
            kind: 'paragon',
            label: 'E2E Paragon',
            baseUrl: new URL(emulator.paragonBaseUrl).origin,
            projectId: emulator.projectId,
            dashboardUrlTemplate: `${DASHBOARD}/projects/{projectId}/runs/{runId}?workflow={workflowId}`,
          },
        ],
      },
    });
    await workbench.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(workbench.url).origin });
    await workbench.openContainer('Task History');
    await workbench.waitForRow(/No API key set/);
    await workbench.runCommand('Task History: Set API Key…');
    await workbench.quickInput(emulator.apiKey);
    await workbench.waitForRow(new RegExp(`^${run.id.slice(0, 8)}, `), 60_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`test-results/links-failure-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
      console.log(workbench.logs().slice(-8000));
    }
  });

  after(async function () {
    await workbench?.close();
    await emulator?.close();
  });

  it('opens the run panel on the linked run and step from a vscode:// link (Developer: Open URL)', async () => {
    const step = run.steps[0]!;
    assert.notEqual(step.id, run.failed.id);
    await openUrl(`vscode://${EXTENSION_ID}/run?source=e2e-paragon&id=${run.id}&step=${step.id}`);
    assert.equal(await selectedStep(run.id), step.id);
    assert.match(workbench.outputChannelLog('Task History'), new RegExp(`opening run ${run.id} of e2e-paragon on step ${step.id}`));
    await closeEditors();
  });

  it('refuses a hostile link: nothing opens, and the message names the configured sources', async () => {
    await workbench.clearNotifications();
    await openUrl(`vscode://${EXTENSION_ID}/run?source=elsewhere&id=${run.id}`);
    const message = await workbench.waitForNotification(/could not open this link/);
    assert.match(message, /source "elsewhere", which is not configured here/);
    assert.match(message, /"e2e-paragon"/);
    await workbench.clearNotifications();
    await openUrl(`vscode://${EXTENSION_ID}/run?source=e2e-paragon&id=..%2F..%2Freplay`);
    assert.match(await workbench.waitForNotification(/could not open this link/), /contains "\.\."/);
    const tabs = await workbench.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.deepEqual(tabs, [], 'no panel was opened');
    assert.equal(emulator.stats().byRoute['paragon.replay'] ?? 0, 0);
    await workbench.clearNotifications();
  });

  it('Copy Link in the panel copies a link to the run and the selected step, and that link opens the same run and step', async () => {
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const frame = await workbench.webviewFrame(run.id, 60_000);
    const second = run.steps[1]!;
    await frame.locator(`.row[data-step-id="${second.id}"]`).click();
    assert.equal(await selectedStep(run.id), second.id);
    await clearClipboard();
    await frame.locator('vscode-button[data-action="copyLink"]').click();
    const link = await until('the copied link', async () => {
      const text = await readClipboard();
      return text.includes(`${EXTENSION_ID}/run?`) && text;
    });
    console.log(`      (copied ${link})`);
    assert.match(link, new RegExp(`^[a-z-]+://${EXTENSION_ID}/run\\?source=e2e-paragon&id=${run.id}&step=${second.id}$`));
    await closeEditors();
    await openUrl(link);
    assert.equal(await selectedStep(run.id), second.id);
    await closeEditors();
  });

  it("Copy Link in the tree's step menu round-trips through Open Run by ID to the same run and step", async () => {
    await workbench.revealRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    // Expand the run (its twistie): its steps become rows under it.
    const runRow = workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: run.id.slice(0, 8) }).first();
    if ((await runRow.getAttribute('aria-expanded')) !== 'true') await runRow.locator('.monaco-tl-twistie').click();
    const level = Number(await runRow.getAttribute('aria-level'));
    const stepRow = workbench.page.locator(`.part.sidebar .monaco-list-row[aria-level="${level + 1}"]`).nth(2);
    await stepRow.waitFor({ timeout: 30_000 });
    await clearClipboard();
    await stepRow.click({ button: 'right' });
    await workbench.page.locator('.context-view .monaco-menu .action-label', { hasText: /^Copy Link$/ }).click();
    const link = await until('the copied link', async () => {
      const text = await readClipboard();
      return text.includes(`${EXTENSION_ID}/run?`) && text;
    });
    const stepId = new URL(link.replace(/^[a-z-]+:/, 'https:')).searchParams.get('step');
    assert.ok(
      run.steps.some((s) => s.id === stepId),
      `the link names one of the run's steps: ${link}`,
    );
    await workbench.runCommand('Task History: Open Run by ID…');
    await workbench.quickInput(link);
    assert.equal(await selectedStep(run.id), stepId);
    await closeEditors();
  });

  it('Open Run by ID takes the run’s dashboard URL, and Open in Dashboard opens the source’s template filled in', async () => {
    await workbench.runCommand('Task History: Open Run by ID…');
    await workbench.quickInput(`${DASHBOARD}/projects/${emulator.projectId}/runs/${run.id}?workflow=${run.workflowId}`);
    const frame = await workbench.webviewFrame(run.id, 60_000);
    // The browser tab the dashboard opens in: answered here (there is no network), and recorded.
    const opened: string[] = [];
    await workbench.page.context().route(`${DASHBOARD}/**`, async (route) => {
      opened.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>dashboard</p>' });
    });
    await frame.locator('vscode-button[data-action="openDashboard"]').click();
    // VS Code asks before opening an untrusted site.
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await Promise.race([dialog.waitFor({ state: 'visible', timeout: 30_000 }), until('the dashboard', async () => opened.length > 0)]);
    if (await dialog.isVisible()) console.log(`      (VS Code asked: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 120)})`);
    if (await dialog.isVisible()) await dialog.locator('.monaco-button', { hasText: /^Open$/ }).click();
    const url = await until('the dashboard', async () => opened[0]);
    assert.equal(url, `${DASHBOARD}/projects/${encodeURIComponent(emulator.projectId)}/runs/${run.id}?workflow=${encodeURIComponent(run.workflowId)}`);
    assert.ok(!url.includes(emulator.apiKey), 'no key in the URL');
    await closeEditors();
  });
});
