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
      Object.fromEntries(
        Array.from(document.querySelectorAll('[data-figure="totals"] > div')).map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent]),
      ),
    );
    const number = (text: string | null | undefined) => Number((text ?? '').replace(/[^\d]/g, ''));
    const runs = emulator.truth.paragonIds({}).length;
    const failed = emulator.truth.paragonIds({ status: 'FAILED' }).length;
    assert.equal(number(totals['Runs']), runs, JSON.stringify(totals));
    assert.equal(number(totals['Failed']), failed, JSON.stringify(totals));
    assert.equal(number(totals['Succeeded']), emulator.truth.paragonIds({ status: 'SUCCEEDED' }).length, JSON.stringify(totals));
    // The runs-per-day table beside its chart: its Total column adds up to every run.
    const perDay = await frame.evaluate(() =>
      Array.from(document.querySelectorAll('[data-figure="runs-over-time"] table tbody tr')).map((row) => Number((row.lastElementChild?.textContent ?? '').replace(/[^\d]/g, ''))),
    );
    assert.ok(perDay.length > 0);
    assert.equal(
      perDay.reduce((n, v) => n + v, 0),
      runs,
    );
    const signatures = await frame.evaluate(() => Array.from(document.querySelectorAll('.insights-signature')).map((li) => Number(li.getAttribute('data-count'))));
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
      const swatch = Array.from(document.querySelectorAll<HTMLElement>('[data-figure="runs-over-time"] .u-series'))
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

  it('"List in Tree" on an error signature reveals its row under the source\'s "Failures", opened on its runs; the signatures\' counts add up to the failed runs', async () => {
    const failedIds = emulator.truth.paragonIds({ status: 'FAILED' });
    /** The side bar's tree rows on screen, in the tree's order (the list reuses its row elements, so the DOM's order is not it). */
    const rendered = () =>
      workbench.page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row'))
          // Sticky scroll repeats the ancestors of the top row above it: not rows of their own.
          .filter((row) => !row.closest('.monaco-tree-sticky-container'))
          .map((row) => ({
            index: Number(row.dataset['index'] ?? -1),
            label: row.getAttribute('aria-label') ?? row.innerText,
            level: Number(row.getAttribute('aria-level') ?? 1),
            expanded: row.getAttribute('aria-expanded') === 'true',
            selected: row.classList.contains('selected'),
          }))
          .sort((a, b) => a.index - b.index),
      );
    type Row = Awaited<ReturnType<typeof rendered>>[number];
    /** Every row of the tree: the list draws only those in view, so page through it with the keyboard (focus moves, the selection does not). */
    const everyRow = async (): Promise<Row[]> => {
      const rows = new Map<number, Row>();
      const list = workbench.page.locator('.part.sidebar .monaco-list:visible').first();
      await list.evaluate((el) => (el as HTMLElement).focus());
      await workbench.page.keyboard.press('Home');
      const focused = () => list.evaluate((el) => el.querySelector<HTMLElement>('.monaco-list-row.focused')?.dataset['index'] ?? '');
      for (;;) {
        for (const row of await rendered()) rows.set(row.index, row);
        const before = await focused();
        await workbench.page.keyboard.press('PageDown');
        // The end of the list: the focus no longer moves.
        const moved = await until('the focus to move', async () => (await focused()) !== before, 1_000).then(
          () => true,
          () => false,
        );
        if (!moved) break;
        await workbench.page.waitForTimeout(100); // the list paints the new page on the next frame
      }
      await workbench.page.keyboard.press('Home');
      return [...rows.values()].sort((a, b) => a.index - b.index);
    };
    const signatureRow = /, ([\d,]+) failed runs? · /;
    const rowCount = (label: string) => Number(signatureRow.exec(label)![1]!.replace(/,/g, ''));
    const children = (rows: readonly Row[], at: number) => {
      const out: Row[] = [];
      for (const row of rows.slice(at + 1)) {
        if (row.level <= rows[at]!.level) break;
        if (row.level === rows[at]!.level + 1) out.push(row);
      }
      return out;
    };

    const frame = await workbench.webviewFrame('Error signatures', 60_000);
    // The signature with the fewest runs (the list is most runs first): it sits last under "Failures".
    const last = frame.locator('.insights-signature').last();
    const count = Number(await last.getAttribute('data-count'));
    assert.ok(count > 0);
    await last.locator('[data-action="list"]').click();
    // Revealed: selected and expanded, its runs (newest first) right under it, each a failed run of the truth.
    let seen: Row[] = [];
    const revealed = await until('the signature row selected and opened on its runs', async () => {
      const rows = (seen = await rendered());
      const at = rows.findIndex((r) => r.selected && signatureRow.test(r.label));
      if (at < 0 || !rows[at]!.expanded) return undefined;
      const runs = children(rows, at);
      if (runs.length >= Math.min(count, 200)) return { row: rows[at]!, runs: runs.map((r) => r.label) };
      // Revealed at the bottom edge: the focus (on it) moves down onto its runs, which scrolls them into view (the selection stays).
      if (rows[at + 1] === undefined || rows[at + 1]!.index !== rows[at]!.index + 1) await workbench.page.keyboard.press('ArrowDown');
      return undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; rows: ${JSON.stringify(seen)}`);
    });
    assert.equal(rowCount(revealed.row.label), count, revealed.row.label);
    assert.equal(revealed.runs.length, Math.min(count, 200), JSON.stringify(revealed.runs));
    for (const label of revealed.runs)
      assert.ok(
        failedIds.some((id) => label.startsWith(`${id.slice(0, 8)}, `)),
        `${label} is a failed run`,
      );
    await workbench.screenshot('test-results/index-failures.png');

    // "Failures" is open now: its rows, one per signature, add up to every failed run.
    const rows = await everyRow();
    const failures = rows.findIndex((r) => r.label === 'Failures');
    assert.ok(failures >= 0 && rows[failures]!.expanded, JSON.stringify(rows.map((r) => r.label)));
    const signatures = children(rows, failures).filter((r) => signatureRow.test(r.label));
    assert.ok(signatures.length > 0);
    assert.equal(
      signatures.reduce((n, r) => n + rowCount(r.label), 0),
      failedIds.length,
      JSON.stringify(signatures.map((r) => r.label)),
    );

    // A run row opens its panel, as everywhere in the tree.
    const first = revealed.runs[0]!;
    await workbench.clickRow(new RegExp(`^${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const id = failedIds.find((i) => first.startsWith(i.slice(0, 8)))!;
    const panel = await workbench.webviewFrame(id, 60_000);
    assert.match(await panel.evaluate(() => document.body.innerText), /failed/i);
    // Folded again, so the source's other rows are on screen for the tests after this one.
    // (With the keyboard: a click on it may land on its sticky-scroll copy, which only scrolls.)
    const list = workbench.page.locator('.part.sidebar .monaco-list:visible').first();
    await list.evaluate((el) => (el as HTMLElement).focus());
    await workbench.page.keyboard.press('Home');
    for (let i = 0; i < 20; i++) {
      if ((await list.evaluate((el) => el.querySelector<HTMLElement>('.monaco-list-row.focused')?.getAttribute('aria-label'))) === 'Failures') break;
      await workbench.page.keyboard.press('ArrowDown');
    }
    await workbench.page.keyboard.press('ArrowLeft');
    await until('"Failures" folded', async () => (await rendered()).some((r) => r.label === 'Failures' && !r.expanded));
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
    // The source row says so once its children are known: it is repainted just after them, so wait for it.
    const source = await until(
      'the source row marked offline',
      async () => (await workbench.treeRows()).find((r) => (r.label.startsWith('E2E Paragon') || r.text.startsWith('E2E Paragon')) && /offline · synced/.test(r.text)),
      30_000,
    );
    assert.match(source.text, /offline · synced (just now|\d+ min ago)/);
    await workbench.screenshot('test-results/index-offline.png');
  });

  it('opens an indexed run in its panel from the index, with no request for the run', async () => {
    await workbench.clickRow(/^Failed, [\d,]+ indexed runs$/);
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
