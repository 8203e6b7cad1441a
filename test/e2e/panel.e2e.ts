// The run panel in a real VS Code: a failed run opened from the tree shows every step on the
// timeline with the failing step selected and its error as text; a hostile payload runs
// nothing; Replay sends exactly one request per confirmation and offers the new run;
// Compare opens a diff editor; the panel survives a window reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { visible } from '../../webview/dom';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

interface WireStep {
  id: string;
  type: string;
  status: string;
}

describe('Run panel in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;
  let run: { id: string; workflowId: string; steps: WireStep[]; failed: WireStep; error: string };
  const dialogs: string[] = [];

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${emulator.paragonBaseUrl}${path}`, { headers: { Authorization: `Bearer ${emulator.apiKey}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };

  /**
   * A failed run whose failing step outputs the emulator's hostile error, among the newest
   * 100 failures (the tree's first page): the one with the most steps, for the screenshot.
   */
  async function hostileFailedRun(): Promise<typeof run> {
    let best: typeof run | undefined;
    for (const id of [...emulator.truth.paragonIds({ status: 'FAILED' })].reverse().slice(0, 100)) {
      const detail = await api<{ workflowId: string; stepExecutions: WireStep[] }>(`/workflow-executions/${id}`);
      const failed = detail.stepExecutions.find((s) => s.status === 'FAILED');
      if (!failed || (best && best.steps.length >= detail.stepExecutions.length)) continue;
      const payload = await api<{ output?: unknown }>(`/workflow-executions/${id}/step-executions/${failed.id}`);
      if (typeof payload.output === 'string' && payload.output.includes('<img src=x onerror=alert(1)>')) {
        best = { id, workflowId: detail.workflowId, steps: detail.stepExecutions, failed, error: payload.output };
      }
    }
    if (!best) throw new Error('no failed run with a hostile error among the newest 100 failures');
    return best;
  }

  /** The run panel's webview document for a run (its header shows the full id). */
  const panelFrame = (runId: string) => workbench.webviewFrame(runId, 60_000);

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await workbench.page.waitForTimeout(200);
    }
  }

  before(async function () {
    emulator = await startEmulator({ seed: 11, paragonExecutions: 2500, disperslTasks: 50, replayDurationMs: 60_000 });
    run = await hostileFailedRun();
    const vsix = packageExtension();
    workbench = await launchWorkbench({
      vsix,
      settings: {
        'taskHistory.refreshInterval': 0,
        'taskHistory.groupBy': 'status',
        'taskHistory.sources': [{ id: 'e2e-paragon', kind: 'paragon', label: 'E2E Paragon', baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId }],
      },
    });
    workbench.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await workbench.openContainer('Task History');
    await workbench.waitForRow(/No API key set/);
    await workbench.runCommand('Task History: Set API Key…');
    await workbench.quickInput(emulator.apiKey);
    await workbench.waitForRow(/^Failed, /);
    // The run index opens a second after activation and adds each source's "Failures" row,
    // repainting the source: wait for it, so the rows this suite clicks stay where they are.
    const deadline = Date.now() + 60_000;
    while (!/run index: \//.test(workbench.outputChannelLog('Task History')) && Date.now() < deadline) await workbench.page.waitForTimeout(250);
    await workbench.waitForRow(/^Failures$/);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`test-results/panel-failure-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
      console.log(workbench.logs().slice(-8000));
    }
  });

  after(async function () {
    await workbench?.close();
    await emulator?.close();
  });

  it('opens a failed run from the tree: every step on the timeline, the failing step selected with its error as text', async () => {
    await workbench.clickRow(/^Failed, /);
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const frame = await panelFrame(run.id);
    const count = await frame.waitForSelector('.timeline[data-step-count]').then((e) => e.getAttribute('data-step-count'));
    assert.equal(Number(count), run.steps.length);
    assert.match(await frame.locator('.step-count').innerText(), new RegExp(`^${run.steps.length} steps?$`));
    const selected = frame.locator('.row[aria-selected="true"]');
    await selected.waitFor();
    assert.equal(await selected.getAttribute('data-step-id'), run.failed.id);
    assert.equal(await selected.getAttribute('data-status'), 'failed');
    const inView = await frame.evaluate(() => {
      const row = document.querySelector('.row[aria-selected="true"]')!.getBoundingClientRect();
      const view = document.querySelector('.timeline-viewport')!.getBoundingClientRect();
      return row.top >= view.top && row.bottom <= view.bottom;
    });
    assert.ok(inView, 'the failing step is scrolled into view');
    const error = frame.locator('[data-testid="step-error"] .message-text');
    await error.waitFor({ timeout: 30_000 });
    const shown = await error.innerText();
    // The error as characters; bidi overrides and control characters as visible stand-ins.
    assert.ok(shown.includes('Error: <img src=x onerror=alert(1)><script>alert(1)</script> failed for ⟨U+202E⟩gnp.exe'), shown);
    assert.ok(shown.includes(visible('\u001b[31mred\u001b[0m')), shown);
    await workbench.clearNotifications();
    await workbench.screenshot('docs/screenshots/panel.png');
  });

  it('shows the hostile payload as text and runs no script', async () => {
    const frame = await panelFrame(run.id);
    const dom = await frame.evaluate(() => ({
      imgs: document.querySelectorAll('img').length,
      // VS Code injects its own host script into every webview; none may carry the payload.
      injected: Array.from(document.querySelectorAll('script')).filter((s) => /alert|onerror/.test(s.textContent ?? '')).length,
      ours: Array.from(document.querySelectorAll('script[src]')).map((s) => s.getAttribute('src') ?? ''),
      handlers: document.querySelectorAll('[onerror],[onload]').length,
      text: document.body.innerText,
    }));
    assert.equal(dom.imgs, 0, 'the <img> in the error is text, not an element');
    assert.equal(dom.handlers, 0);
    assert.equal(dom.injected, 0, 'no script carries the payload');
    assert.deepEqual(
      dom.ours.map((s) => s.split('/').pop()),
      ['webview.js'],
      'the only script file is our bundle',
    );
    assert.ok(dom.text.includes('<script>alert(1)</script>'));
    assert.deepEqual(dialogs, [], 'no alert was raised');
    // A blocked inline script or style would have been reported to the console by the CSP.
    const refused = workbench
      .logs()
      .split('\n')
      .filter((l) => /Refused to|Content Security Policy/.test(l));
    assert.deepEqual(refused, [], 'the panel needs nothing its CSP forbids');
  });

  it('keeps one panel per run: opening the run again focuses the same panel', async () => {
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    await panelFrame(run.id);
    const tabs = await workbench.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.equal(tabs.filter((t) => t.includes(run.id.slice(0, 8))).length, 1, JSON.stringify(tabs));
  });

  it('replays after a modal confirmation with exactly one request, even on a double click, and offers the new run', async () => {
    emulator.resetStats();
    const frame = await panelFrame(run.id);
    await frame.locator('vscode-button[data-action="replay"]').dblclick();
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const question = await dialog.innerText();
    assert.match(question, new RegExp(`Replay workflow ${run.workflowId}\\?`));
    assert.match(question, /side effects/);
    assert.equal(emulator.stats().byRoute['paragon.replay'] ?? 0, 0, 'nothing is sent before the confirmation');
    await dialog.locator('.monaco-button', { hasText: /^Replay$/ }).click();
    await workbench.waitForNotification(new RegExp(`Replay of workflow ${run.workflowId} started`));
    const newId = await until('the replay', async () => emulator.stats().replays[0]?.newId);
    const offer = await workbench.waitForNotification(new RegExp(`is execution ${newId}`), 60_000);
    assert.match(offer, /The replay of .* is execution/);
    assert.equal(emulator.stats().byRoute['paragon.replay'], 1, 'exactly one replay request');
    assert.equal(emulator.stats().replays[0]!.sourceId, run.id);
    await workbench.page.locator('.notifications-toasts .notification-list-item', { hasText: newId }).locator('.monaco-button', { hasText: 'Open Run' }).click();
    const opened = await panelFrame(newId);
    assert.equal((await opened.locator('.timeline, .placeholder').count()) > 0, true);
    assert.equal(emulator.stats().byRoute['paragon.replay'], 1, 'still one replay');
  });

  it('compares with the last success: the diverging step is marked and a diff editor opens', async () => {
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const frame = await panelFrame(run.id);
    await frame.locator('vscode-button[data-action="compare"]').click();
    await workbench.page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 60_000 });
    const tab = await until('the diff tab', async () =>
      (await workbench.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).find((t) => /last success/.test(t)),
    );
    assert.match(tab, /↔/);
    const summary = await workbench.waitForNotification(/here and was .* in the last success|ran here but not in the last success|ran in the last success .* but not here/, 60_000);
    // Each side is that step's status, input and output as JSON, or a note that the step did not run there.
    const diffText = await until('the diff contents', async () => {
      const text = await workbench.page.locator('.monaco-diff-editor').first().innerText();
      return /"status"/.test(text) && text;
    });
    if (/FAILED here/.test(summary)) assert.match(diffText, /"FAILED"/);
    const banner = await frame.locator('.divergence-banner').innerText();
    assert.match(banner, /last success/);
    const marked = await frame.locator('.row.diverged').count();
    const onlyBaseline = /ran in the last success .* but not here/.test(banner);
    assert.ok(marked === 1 || onlyBaseline, `one step marked (banner: ${banner})`);
    await workbench.screenshot('test-results/panel-compare.png');
  });

  it('moves through the steps with the keyboard', async () => {
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const frame = await panelFrame(run.id);
    const at = () => frame.locator('.row[aria-selected="true"]').getAttribute('aria-posinset');
    await frame.locator('.timeline-viewport').focus();
    await frame.locator('.timeline-viewport').press('Home');
    assert.equal(await at(), '1');
    await frame.locator('.timeline-viewport').press('ArrowDown');
    assert.equal(await at(), '2');
    await frame.locator('.timeline-viewport').press('End');
    assert.equal(await at(), String(run.steps.length));
  });

  it('opens the raw JSON, and exports the run with every step input and output to one JSON file', async () => {
    const frame = await panelFrame(run.id);
    await frame.locator('vscode-button[data-action="openRaw"]').click();
    await until('the raw JSON tab', async () =>
      (await workbench.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).find((t) => t.includes(`${run.id}.json`)),
    );
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const panel = await panelFrame(run.id);
    const target = join(workbench.workspaceFolder, 'exported-run.json');
    await panel.locator('vscode-button[data-action="export"]').click();
    // The save dialog (VS Code's simple file dialog) is ready once it shows the proposed name.
    await workbench.page.waitForFunction(
      (name) => (document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value ?? '').endsWith(name),
      `run-${run.id}.json`,
      { timeout: 30_000 },
    );
    await workbench.quickInput(target);
    await workbench.waitForNotification(/Exported run/, 60_000);
    const bundle = JSON.parse(readFileSync(target, 'utf8')) as { run: { id: string }; steps: { id: string; output?: unknown }[] };
    assert.equal(bundle.run.id, run.id);
    assert.equal(bundle.steps.length, run.steps.length);
    assert.equal(bundle.steps.find((s) => s.id === run.failed.id)?.output, run.error);
  });

  it('opens a 1,000-step run by id: every step on the timeline, only the rows in view in the page', async () => {
    const huge = emulator.truth.paragonIds({})[999]!;
    await workbench.runCommand('Task History: Open Run by ID…');
    await workbench.quickInput(huge);
    const frame = await panelFrame(huge);
    const timeline = await frame.waitForSelector('.timeline[data-step-count]');
    assert.equal(await timeline.getAttribute('data-step-count'), '1000');
    assert.ok((await frame.locator('.row').count()) < 100, 'rows are virtualized');
    await frame.locator('.timeline-viewport').press('End');
    const last = frame.locator('.row[aria-selected="true"]');
    assert.equal(await last.getAttribute('aria-posinset'), '1000');
  });

  it('previews a large payload and opens all of it as a JSON document', async () => {
    const large = emulator.truth.paragonIds({})[50]!;
    const detail = await api<{ stepExecutions: (WireStep & { outputSize: string })[] }>(`/workflow-executions/${large}`);
    const step = detail.stepExecutions.find((s) => Number(s.outputSize) > 1_000_000)!;
    await workbench.runCommand('Task History: Open Run by ID…');
    await workbench.quickInput(large);
    const frame = await panelFrame(large);
    await frame.locator(`.row[data-step-id="${step.id}"]`).click();
    const output = frame.locator('vscode-collapsible[data-part="output"]');
    await output.locator('.preview-text').waitFor({ timeout: 30_000 });
    assert.match(await output.innerText(), /The API marks it large \(\d\.\d MB\)/);
    assert.ok((await output.locator('.preview-text').innerText()).length < 10_000, 'only a preview crosses into the webview');
    await output.locator('vscode-button[data-action="open-output"]').click();
    await until('the payload document', async () =>
      (await workbench.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).find((t) => /output-\w+\.json/.test(t)),
    );
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: '"object": "list"' }).first().waitFor({ timeout: 30_000 });
  });

  it('comes back after a window reload, on the same step', async () => {
    await workbench.clickRow(new RegExp(`^${run.id.slice(0, 8)}, `));
    const before = await panelFrame(run.id);
    // Another step than the one a fresh panel would select (the failing one).
    await before.locator('.timeline-viewport').press('Home');
    const selected = await before.locator('.row[aria-selected="true"]').getAttribute('data-step-id');
    assert.notEqual(selected, run.failed.id);
    // Reload Window, as a user would: VS Code saves its editors' state (the webview's
    // setState included) before it reloads. A bare page reload may cut that save short.
    await Promise.all([
      workbench.page.waitForEvent('framenavigated', { predicate: (f) => f === workbench.page.mainFrame(), timeout: 60_000 }),
      workbench.runCommand('Developer: Reload Window'),
    ]);
    await workbench.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const after = await panelFrame(run.id);
    const restored = after.locator('.row[aria-selected="true"]');
    await restored.waitFor();
    assert.equal(await restored.getAttribute('data-step-id'), selected);
  });
});
