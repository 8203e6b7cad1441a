// The tree's groups by workflow (Paragon) and by agent (Dispersl) in a real VS Code: once the
// run index has synced both sources, "Group Runs By…" → Workflow shows one row per workflow,
// most runs first, each with its API listing's count (the emulator's truth), and "Name
// Workflow…" from a workflow's row labels it with the name; → Agent shows one row per agent
// the tasks' steps used, with the index's counts (the truth read from the API's steps).
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { runs as listRuns } from '../../src/core/paging';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

const ACTIVE = new Set<string>(['running', 'queued', 'delayed']);

describe('Grouping by workflow and agent in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;

  async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await workbench.page.waitForTimeout(250);
    }
  }

  /** The side bar's tree rows on screen, in the tree's order (sticky-scroll copies left out). */
  const rendered = () =>
    workbench.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row'))
        .filter((row) => !row.closest('.monaco-tree-sticky-container'))
        .map((row) => ({
          index: Number(row.dataset['index'] ?? -1),
          label: row.getAttribute('aria-label') ?? row.innerText,
          level: Number(row.getAttribute('aria-level') ?? 1),
        }))
        .sort((a, b) => a.index - b.index),
    );
  type Row = Awaited<ReturnType<typeof rendered>>[number];

  /** Every row of the tree: the list draws only those in view, so page through it with the keyboard. */
  async function everyRow(): Promise<Row[]> {
    const rows = new Map<number, Row>();
    const list = workbench.page.locator('.part.sidebar .monaco-list:visible').first();
    await list.evaluate((el) => (el as HTMLElement).focus());
    await workbench.page.keyboard.press('Home');
    const focused = () => list.evaluate((el) => el.querySelector<HTMLElement>('.monaco-list-row.focused')?.dataset['index'] ?? '');
    for (;;) {
      for (const row of await rendered()) rows.set(row.index, row);
      const before = await focused();
      await workbench.page.keyboard.press('PageDown');
      const moved = await until('the focus to move', async () => (await focused()) !== before, 1_000).then(
        () => true,
        () => false,
      );
      if (!moved) break;
      await workbench.page.waitForTimeout(100);
    }
    await workbench.page.keyboard.press('Home');
    return [...rows.values()].sort((a, b) => a.index - b.index);
  }

  /** The rows right under a source's row (one level down), by the source's label. */
  async function childrenOf(source: string): Promise<string[]> {
    const rows = await everyRow();
    const at = rows.findIndex((r) => r.level === 1 && r.label.startsWith(source));
    assert.ok(at >= 0, `no row for ${source}: ${JSON.stringify(rows.map((r) => r.label))}`);
    const out: string[] = [];
    for (const row of rows.slice(at + 1)) {
      if (row.level <= 1) break;
      if (row.level === 2) out.push(row.label);
    }
    return out;
  }

  async function groupBy(label: string): Promise<void> {
    await workbench.runCommand('Task History: Group Runs By…');
    await workbench.quickInput(label, { pick: label });
  }

  before(async function () {
    // The first run installs the VS Code host (about 4 minutes); then both sources sync.
    this.timeout(600_000);
    emulator = await startEmulator({ seed: 21, paragonExecutions: 300, disperslTasks: 30 });
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: {
        'taskHistory.refreshInterval': 0,
        'taskHistory.groupBy': 'status',
        'taskHistory.index.syncDays': 0,
        'taskHistory.index.syncIntervalMinutes': 15,
        'taskHistory.sources': [
          { id: 'e2e-paragon', kind: 'paragon', label: 'E2E Paragon', baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId },
          { id: 'e2e-dispersl', kind: 'dispersl', label: 'E2E Dispersl', baseUrl: emulator.disperslBaseUrl },
        ],
      },
    });
    await workbench.openContainer('Task History');
    await workbench.waitForRow(/No API key set/);
    for (const label of ['E2E Paragon', 'E2E Dispersl']) {
      await workbench.runCommand('Task History: Set API Key…');
      await workbench.quickInput(label, { pick: label });
      await workbench.quickInput(emulator.apiKey);
    }
    // Both sources in the run index (the background sync's first pass), so the groups read all of it.
    for (const label of ['E2E Paragon', 'E2E Dispersl']) {
      await until(`the background sync of ${label}`, () => new RegExp(`background sync ${label}: `).test(workbench.outputChannelLog('Task History')), 180_000);
    }
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/grouping-failure.png').catch(() => undefined);
      console.log(workbench.outputChannelLog('Task History').slice(-4000));
    }
    await workbench?.close();
    await emulator?.close();
  });

  it('by workflow: a row per Paragon workflow (its short id), most runs first, each with the count of its runs in the emulator', async () => {
    await groupBy('Workflow');
    const expected = emulator.truth.workflowIds
      .map((id) => ({ id, runs: emulator.truth.paragonIds({ workflowId: id }).length }))
      .filter((w) => w.runs > 0)
      .sort((a, b) => b.runs - a.runs);
    assert.ok(expected.length >= 5, `workflows in the emulator: ${expected.length}`);
    const groupRow = /^(.+), (\d+) runs?$/;
    const rows = await until(
      'a row per workflow under E2E Paragon',
      async () => {
        const children = (await childrenOf('E2E Paragon')).filter((l) => l !== 'Failures');
        return children.length === expected.length && children.every((l) => groupRow.test(l)) && children;
      },
      90_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; rows: ${JSON.stringify(await childrenOf('E2E Paragon'))}`);
    });
    const shown = rows.map((label) => {
      const [, name, runs] = groupRow.exec(label)!;
      return { name: name!, runs: Number(runs) };
    });
    assert.deepEqual(new Map(shown.map((s) => [s.name, s.runs])), new Map(expected.map((w) => [`${w.id.slice(0, 8)}…`, w.runs])));
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1]!.runs >= shown[i]!.runs, `most runs first: ${JSON.stringify(shown)}`);
    await workbench.screenshot('test-results/grouping-workflow.png');
  });

  it('"Name Workflow…" on a workflow\'s row: the row is labelled with the name (and the short id)', async () => {
    const top = emulator.truth.workflowIds.map((id) => ({ id, runs: emulator.truth.paragonIds({ workflowId: id }).length })).sort((a, b) => b.runs - a.runs)[0]!;
    const short = `${top.id.slice(0, 8)}…`;
    await workbench.revealRow(new RegExp(`^${short}, ${top.runs} runs$`));
    await workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: short }).first().click({ button: 'right' });
    // The menu's item, chosen with the keyboard once the pointer is on it (a click can land before the menu takes input).
    const item = workbench.page.locator('.context-view .monaco-menu .action-label', { hasText: /^Name Workflow…$/ });
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await item.hover();
    await workbench.page.keyboard.press('Enter');
    await workbench.quickInput('Contacts sync');
    await workbench.waitForRow(new RegExp(`^Contacts sync \\(${short}\\), ${top.runs} runs$`), 30_000);
  });

  it('by agent: a row per agent the Dispersl tasks’ steps used, with the count of tasks that used it (the truth from the API’s steps)', async () => {
    // The truth, from the API itself: each task under every agent one of its steps used (a task
    // still running has no steps in the index yet: under "(none)").
    const client = new DisperslClient({ baseUrl: emulator.disperslBaseUrl, apiKey: emulator.apiKey, retryBaseDelayMs: 1, requestsPerHour: null });
    const truth = new Map<string, Set<string>>();
    for await (const task of listRuns(client, {})) {
      const detail = await client.getRun(task.id);
      const agents = ACTIVE.has(detail.status) ? [] : [...new Set(detail.steps.map((s) => s.agent).filter((a): a is string => !!a))];
      for (const agent of agents.length > 0 ? agents : ['(none)']) truth.set(agent, (truth.get(agent) ?? new Set()).add(task.id));
    }
    assert.ok([...truth.keys()].filter((k) => k !== '(none)').length >= 3, `agents in the emulator: ${[...truth.keys()]}`);
    await groupBy('Agent');
    const groupRow = /^(.+), (\d+) runs?, from the run index$/;
    const rows = await until(
      'a row per agent under E2E Dispersl',
      async () => {
        const children = (await childrenOf('E2E Dispersl')).filter((l) => l !== 'Failures');
        return children.length === truth.size && children.every((l) => groupRow.test(l)) && children;
      },
      90_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; rows: ${JSON.stringify(await childrenOf('E2E Dispersl'))}; truth: ${JSON.stringify([...truth].map(([k, v]) => [k, v.size]))}`);
    });
    const shown = rows.map((label) => {
      const [, agent, runs] = groupRow.exec(label)!;
      return { agent: agent!, runs: Number(runs) };
    });
    assert.deepEqual(new Map(shown.map((s) => [s.agent, s.runs])), new Map([...truth].map(([agent, ids]) => [agent, ids.size])));
    const named = shown.filter((s) => s.agent !== '(none)');
    for (let i = 1; i < named.length; i++) assert.ok(named[i - 1]!.runs >= named[i]!.runs, `most runs first: ${JSON.stringify(shown)}`);
    if (truth.has('(none)')) assert.equal(shown.at(-1)!.agent, '(none)', 'the tasks with no agent last');
    // Paragon's runs carry no agent: that source is shown ungrouped (its runs, no agent rows).
    const paragon = await childrenOf('E2E Paragon');
    assert.ok(
      paragon.some((l) => /^[0-9a-f]{8}, /.test(l)),
      JSON.stringify(paragon.slice(0, 5)),
    );
    await workbench.screenshot('test-results/grouping-agent.png');
  });
});
