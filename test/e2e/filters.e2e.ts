// Filters that stay, in a real VS Code: each source has its own filter, kept in the workspace's
// state (a window reload finds it, the other source is not filtered), cleared on its row; and
// Add Source as a multi-step flow whose title counts the steps and whose Back returns to the
// previous step with its answer kept (Escape saves nothing).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

const PARAGON = 'E2E Paragon';
const DISPERSL = 'E2E Dispersl';

describe('Filters that stay, and Add Source steps, in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;

  /** Each source row's text and the status groups under it, in the tree's order. */
  async function sourcesAndGroups(): Promise<Map<string, { text: string; groups: string[] }>> {
    const shown = new Map<string, { text: string; groups: string[] }>();
    let current: { text: string; groups: string[] } | undefined;
    for (const row of await workbench.treeRows()) {
      if (row.level === 1) {
        const name = [PARAGON, DISPERSL].find((n) => row.label.startsWith(n) || row.text.startsWith(n));
        current = name ? { text: row.text.replace(/\s+/g, ' '), groups: [] } : undefined;
        if (name && current) shown.set(name, current);
      } else if (row.level === 2 && current) {
        const status = /^(Failed|Running|Succeeded|Delayed|Queued|Cancelled), /.exec(row.label)?.[1];
        if (status) current.groups.push(status);
      }
    }
    return shown;
  }

  /** Waits (short polls: the tree repaints from the API) until `check` holds for the rows; fails with what was shown. */
  async function untilTree(what: string, check: (shown: Map<string, { text: string; groups: string[] }>) => boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let shown = await sourcesAndGroups();
    while (!check(shown) && Date.now() < deadline) {
      await workbench.page.waitForTimeout(200);
      shown = await sourcesAndGroups();
    }
    assert.ok(check(shown), `${what}: ${JSON.stringify([...shown])}`);
  }

  /** The Runs view's header, once it matches (its description is set after the tree repaints, so it is waited for, not read once). */
  async function untilHeader(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const header = () => workbench.page.locator('.part.sidebar .pane-header').first().innerText();
    const deadline = Date.now() + timeoutMs;
    let text = await header();
    while (!re.test(text) && Date.now() < deadline) {
      await workbench.page.waitForTimeout(200);
      text = await header();
    }
    return text;
  }

  const paragonOnlyFailed = (shown: Map<string, { text: string; groups: string[] }>) => {
    const paragon = shown.get(PARAGON);
    const dispersl = shown.get(DISPERSL);
    return (
      paragon !== undefined &&
      dispersl !== undefined &&
      paragon.groups.join() === 'Failed' &&
      /filtered: Failed/.test(paragon.text) &&
      ['Running', 'Succeeded', 'Failed'].every((s) => dispersl.groups.includes(s)) &&
      !/filtered/.test(dispersl.text)
    );
  };

  before(async function () {
    emulator = await startEmulator({ seed: 31, paragonExecutions: 400, disperslTasks: 120 });
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: {
        'taskHistory.refreshInterval': 0,
        'taskHistory.groupBy': 'status',
        'taskHistory.sources': [
          { id: 'e2e-paragon', kind: 'paragon', label: PARAGON, baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId },
          { id: 'e2e-dispersl', kind: 'dispersl', label: DISPERSL, baseUrl: emulator.disperslBaseUrl },
        ],
      },
    });
    await workbench.openContainer('Task History');
    await workbench.waitForRow(/No API key set/);
    for (const label of [PARAGON, DISPERSL]) {
      await workbench.runCommand('Task History: Set API Key…');
      await workbench.quickInput(label, { pick: label });
      await workbench.quickInput(emulator.apiKey);
    }
    await untilTree('both sources show their status groups', (shown) => (shown.get(PARAGON)?.groups.length ?? 0) >= 3 && (shown.get(DISPERSL)?.groups.length ?? 0) >= 3);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/filters-failure.png').catch(() => undefined);
      console.log(workbench.logs().slice(-4000));
    }
    await workbench?.close();
    await emulator?.close();
  });

  it('keeps a filter set on one source across a window reload, and does not apply it to the other source', async () => {
    await workbench.runCommand('Task History: Filter Runs…');
    // Two sources: the toolbar's Filter asks which one ("All sources" is offered too).
    await workbench.quickInput(PARAGON, { pick: PARAGON });
    await workbench.quickInput('Status', { pick: 'Status' });
    await workbench.quickInput('Failed', { pick: 'Failed' });
    await untilTree('Paragon shows only its failed runs, Dispersl every status', paragonOnlyFailed);
    const failed = emulator.truth.paragonIds({ status: 'FAILED' }).length;
    await workbench.waitForRow(new RegExp(`^Failed, ${failed} runs$`));
    assert.match(await untilHeader(/E2E Paragon: Failed/), /E2E Paragon: Failed/, 'the view header says which source is filtered');

    await workbench.reload();
    await workbench.openContainer('Task History');
    await untilTree('after the reload, the filter is still on Paragon and only on Paragon', paragonOnlyFailed);
    assert.match(await untilHeader(/E2E Paragon: Failed/), /E2E Paragon: Failed/);
  });

  it('clears one source’s filter from the inline action on its row', async () => {
    const row = workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: 'filtered: Failed' }).first();
    await row.hover();
    await row.locator('.actions .action-label[aria-label="Clear Filter"]').click();
    await untilTree('Paragon shows every status again', (shown) => {
      const paragon = shown.get(PARAGON);
      return paragon !== undefined && ['Running', 'Succeeded', 'Failed', 'Delayed'].every((s) => paragon.groups.includes(s)) && !/filtered/.test(paragon.text);
    });
  });

  it('numbers the Add Source steps ("1/5"), and Back returns to the previous step with its answer kept; Escape saves nothing', async () => {
    const { page } = workbench;
    const widget = page.locator('.quick-input-widget');
    const box = widget.locator('.quick-input-box input');
    const waitForTitle = async (match: RegExp) => {
      await page.waitForFunction(
        ({ source, flags }) => new RegExp(source, flags).test(document.querySelector<HTMLElement>('.quick-input-widget .quick-input-title')?.innerText ?? ''),
        { source: match.source, flags: match.flags },
        { timeout: 15_000, polling: 100 },
      );
      return widget.locator('.quick-input-title').innerText();
    };
    // QuickInputButtons.Back: the arrow at the left of the title bar.
    const back = () => widget.locator('.quick-input-left-action-bar .action-label, .quick-input-titlebar .codicon-quick-input-back').first().click();

    await workbench.runCommand('Task History: Add Source…');
    assert.match(await waitForTitle(/\b1\/5\b/), /Add Task History Source/);
    await workbench.quickInput('Paragon', { pick: 'Paragon' });
    assert.match(await waitForTitle(/\b2\/5\b/), /Paragon project id/);
    await workbench.quickInput('proj-e2e-back');
    assert.match(await waitForTitle(/\b3\/5\b/), /Paragon API origin/);
    assert.equal(await box.inputValue(), 'https://api.useparagon.com', 'the origin step is pre-filled');
    await box.fill('https://zeus.e2e.example.com');

    await back();
    await waitForTitle(/\b2\/5\b/);
    assert.equal(await box.inputValue(), 'proj-e2e-back', 'Back shows the project id typed before');
    await back();
    await waitForTitle(/\b1\/5\b/);
    assert.equal((await widget.locator('.monaco-list-row.focused .label-name').first().innerText()).trim(), 'Paragon', 'the kind chosen before is the one focused');

    // Forward again: the project id is still there.
    await page.keyboard.press('Enter');
    await waitForTitle(/\b2\/5\b/);
    assert.equal(await box.inputValue(), 'proj-e2e-back');

    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5_000 });
    for (const file of [join(workbench.userDataDir, 'User', 'settings.json'), join(workbench.workspaceFolder, '.vscode', 'settings.json')]) {
      if (existsSync(file)) assert.ok(!readFileSync(file, 'utf8').includes('proj-e2e-back'), `nothing saved to ${file}`);
    }
    const rows = await workbench.sidebarRows();
    assert.ok(!rows.some((r) => r.includes('proj-e2e')), `no source added: ${JSON.stringify(rows)}`);
  });
});
