// The run index in a real VS Code (issue 11): once a key is set, the index fills in the
// background (quietly: the log says what it fetched); "Sync Run Index" after it costs a few
// requests; then the API goes away (the emulator stops) and, after a refresh, the tree shows
// the source's indexed runs with the index's counts, marked offline with the time of the
// last sync, and a run opens in its panel from the index (a finished run the index holds is never asked
// of the API; the run store marks a run offline only when it had to ask and could not).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

describe('Run index in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;
  let emulatorClosed = false;
  /** How much the log held when the API went away: what comes after is what offline cost. */
  let logAtClose = 0;

  async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await workbench.page.waitForTimeout(250);
    }
  }

  before(async function () {
    emulator = await startEmulator({ seed: 12, paragonExecutions: 400, disperslTasks: 10 });
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: {
        'taskHistory.refreshInterval': 0,
        'taskHistory.groupBy': 'status',
        // Everything the API has, so the index's counts are the emulator's whole truth.
        'taskHistory.index.syncDays': 0,
        'taskHistory.index.syncIntervalMinutes': 15,
        'taskHistory.sources': [{ id: 'e2e-paragon', kind: 'paragon', label: 'E2E Paragon', baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId }],
      },
    });
    await workbench.openContainer('Task History');
    await workbench.waitForRow(/No API key set/);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/index-failure.png').catch(() => undefined);
      console.log(workbench.outputChannelLog('Task History').slice(-4000));
    }
    await workbench?.close();
    if (!emulatorClosed) await emulator?.close();
  });

  it('fills the index in the background once a key is set; "Sync Run Index" after it costs at most 3 requests', async () => {
    await workbench.runCommand('Task History: Set API Key…');
    await workbench.quickInput(emulator.apiKey);
    const total = emulator.truth.paragonIds({}).length;
    const line = await until(
      'the background sync in the log',
      () => /background sync E2E Paragon: ([\d,]+) runs listed[^\n]*/.exec(workbench.outputChannelLog('Task History'))?.[0],
      120_000,
    );
    assert.equal(Number(/: ([\d,]+) runs listed/.exec(line)![1]!.replace(/,/g, '')), total, line);
    await workbench.runCommand('Task History: Sync Run Index');
    const report = await workbench.waitForNotification(/Run index synced\. E2E Paragon: .* ([\d,]+) requests\./, 60_000);
    const requests = Number(/([\d,]+) requests\./.exec(report)![1]!.replace(/,/g, ''));
    assert.ok(requests <= 3, `a sync after the background one sent ${requests} requests: ${report}`);
  });

  it('"Export Runs…" reads through the index: every run, in the file, and the log says it came from the run index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thx-e2e-index-export-'));
    try {
      const target = join(dir, 'runs.ndjson');
      await workbench.clearNotifications();
      await workbench.runCommand('Task History: Export Runs…');
      await workbench.quickInput('NDJSON', { pick: 'NDJSON' });
      await workbench.quickInput(''); // runs only
      await workbench.page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value.endsWith('runs.ndjson'), undefined, {
        timeout: 30_000,
      });
      await workbench.page.locator('.quick-input-widget .quick-input-box input').fill(target);
      await workbench.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
      const total = emulator.truth.paragonIds({}).length;
      await workbench.waitForNotification(new RegExp(`Exported ${total.toLocaleString('en-US')} runs`), 90_000);
      const ids = readFileSync(target, 'utf8')
        .split('\n')
        .filter((line) => line)
        .map((line) => (JSON.parse(line) as { id: string }).id);
      assert.deepEqual(new Set(ids), new Set(emulator.truth.paragonIds({})));
      assert.equal(ids.length, total);
      await until('the export in the log', () => /exported [\d,]+ runs to [^\n]*runs\.ndjson \(from the run index, \d+ ms\)/.test(workbench.outputChannelLog('Task History')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('"Insights" shows the figures of the index: runs, failures and each day\'s runs equal the truth; every failed run is in an error signature', async () => {
    await workbench.runCommand('Task History: Insights');
    const frame = await workbench.webviewFrame('Error signatures', 60_000);
    const totals = await frame.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('[data-figure="totals"] > div')].map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent])),
    );
    const number = (text: string | null | undefined) => Number((text ?? '').replace(/[^\d]/g, ''));
    const runs = emulator.truth.paragonIds({}).length;
    const failed = emulator.truth.paragonIds({ status: 'FAILED' }).length;
    assert.equal(number(totals['Runs']), runs, JSON.stringify(totals));
    assert.equal(number(totals['Failed']), failed, JSON.stringify(totals));
    assert.equal(number(totals['Succeeded']), emulator.truth.paragonIds({ status: 'SUCCEEDED' }).length, JSON.stringify(totals));
    // The runs-per-day table beside its chart: its Total column adds up to every run.
    const perDay = await frame.evaluate(() =>
      [...document.querySelectorAll('[data-figure="runs-over-time"] table tbody tr')].map((row) => Number((row.lastElementChild?.textContent ?? '').replace(/[^\d]/g, ''))),
    );
    assert.ok(perDay.length > 0);
    assert.equal(
      perDay.reduce((n, v) => n + v, 0),
      runs,
    );
    const signatures = await frame.evaluate(() => [...document.querySelectorAll('.insights-signature')].map((li) => Number(li.getAttribute('data-count'))));
    assert.ok(signatures.length > 0);
    assert.equal(
      signatures.reduce((n, v) => n + v, 0),
      failed,
      'every failed run (sync stored its steps) is in one signature',
    );
    // The charts take the theme's colours (a canvas needs them resolved): VS Code hands the webview --vscode-charts-*.
    const failedColour = await frame.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      // The legend's swatch of the Failed series of runs per day (uPlot paints it with the series' colour).
      const swatch = [...document.querySelectorAll<HTMLElement>('[data-figure="runs-over-time"] .u-series')]
        .find((row) => row.textContent?.includes('Failed'))
        ?.querySelector<HTMLElement>('.u-marker');
      return { swatch: swatch ? getComputedStyle(swatch).backgroundColor : '', red: style.getPropertyValue('--vscode-charts-red').trim() };
    });
    assert.ok(failedColour.red !== '', 'the theme gives --vscode-charts-red');
    const hex = failedColour.red.replace('#', '');
    const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`;
    assert.equal(failedColour.swatch, rgb, "failed runs are drawn in the theme's red");
    const canvases = await frame.evaluate(() => document.querySelectorAll('canvas').length);
    assert.ok(canvases > 0, 'the charts are drawn');
    await workbench.clearNotifications();
    await workbench.screenshot('docs/screenshots/insights.png');
  });

  it('with the API unreachable, shows the indexed runs by status, marked offline with the time of the last sync', async () => {
    const failed = emulator.truth.paragonIds({ status: 'FAILED' }).length;
    const succeeded = emulator.truth.paragonIds({ status: 'SUCCEEDED' }).length;
    const indexed = emulator.truth.paragonIds({}).length;
    assert.ok(failed > 0 && succeeded > 0);
    logAtClose = workbench.outputChannelLog('Task History').length;
    await emulator.close();
    emulatorClosed = true;
    await workbench.runCommand('Task History: Refresh');
    const offline = await workbench.waitForRow(
      new RegExp(`^Offline: .* · showing ${indexed.toLocaleString('en-US')} indexed runs, last synced (just now|\\d+ min ago), Retry$`),
      90_000,
    );
    assert.ok(offline);
    await workbench.waitForRow(new RegExp(`^Failed, ${failed} indexed runs$`));
    await workbench.waitForRow(new RegExp(`^Succeeded, ${succeeded} indexed runs$`));
    const source = (await workbench.treeRows()).find((r) => r.label.startsWith('E2E Paragon') || r.text.startsWith('E2E Paragon'));
    assert.ok(source, 'the source row');
    assert.match(source.text, /offline · synced (just now|\d+ min ago)/);
    await workbench.screenshot('test-results/index-offline.png');
  });

  it('opens an indexed run in its panel from the index, with no request for the run', async () => {
    await workbench.clickRow(/^Failed, \d+ indexed runs$/);
    const newestFailed = [...emulator.truth.paragonIds({ status: 'FAILED' })].reverse()[0]!;
    const row = await workbench.waitForRow(new RegExp(`^${newestFailed.slice(0, 8)}, `));
    await workbench.clickRow(new RegExp(`^${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // A finished run the index holds with its steps opens from it: the API (gone) is not asked for it.
    const frame = await workbench.webviewFrame(newestFailed, 60_000);
    const text = await frame.evaluate(() => document.body.innerText);
    assert.match(text, /failed/i);
    const asked = workbench
      .outputChannelLog('Task History')
      .slice(logAtClose)
      .split('\n')
      .filter((l) => l.includes(`/workflow-executions/${newestFailed} `) || l.includes(`/workflow-executions/${newestFailed}?`));
    assert.deepEqual(asked, [], 'no request for the run itself');
    await workbench.screenshot('test-results/index-offline-panel.png');
  });
});
