// The Insights chart layer (webview/insights/charts.ts) in headless Chromium, on a page held to
// the run panel's Content-Security-Policy (bench/insightsPaintHarness.ts): it draws every kind
// with no CSP violation, its tables hold exactly the numbers given, API text stays text, and
// the colours are the theme's, read again when the theme changes. Needs Debian's Chromium
// (/usr/bin/chromium, or TH_CHROMIUM), as the e2e suite does.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundle, CHROMIUM, DARK_THEME, launchBrowser, openChartPage, type ChartPage } from '../../bench/insightsPaintHarness';
import { visible } from '../../webview/dom';
import type * as Charts from '../../webview/insights/charts';
import type { ChartData } from '../../webview/insights/charts';

type ChartsGlobal = { InsightsCharts: typeof Charts };

const STYLES = [readFileSync('node_modules/uplot/dist/uPlot.min.css', 'utf8'), readFileSync('webview/insights/charts.css', 'utf8')];

const days = ['2026-08-01', '2026-08-02', '2026-08-03', '2026-08-04', '2026-08-05'];
const byStatus: ChartData = {
  title: 'Runs per day by status',
  labelHeading: 'Day',
  labels: days,
  series: [
    { name: 'succeeded', colour: '--vscode-charts-green', values: [1398, 1368, 674, 727, 1460] },
    { name: 'failed', colour: '--vscode-charts-red', values: [135, 99, 63, 71, 69] },
    { name: 'cancelled', colour: '--vscode-charts-yellow', values: [6, 12, 0, null, 0] },
  ],
};
const successRate: ChartData = {
  title: 'Success rate per day (%)',
  labelHeading: 'Day',
  unit: 'percent',
  labels: days,
  series: [{ name: 'success rate', colour: '--vscode-charts-blue', values: [90.8, 92.5, 0.1, 100, 33.333333333333336] }],
};
const tools: ChartData = {
  title: 'Tool usage',
  labelHeading: 'Tool',
  labels: ['read_file', 'write_file', 'search'],
  series: [{ name: 'steps', colour: '--vscode-charts-purple', values: [39770, 1e21, 0] }],
};
const twoLines: ChartData = { ...successRate, series: [...successRate.series, { name: 'other', colour: '--vscode-charts-orange', values: [1, 2, 3, 4, 5] }] };
const HOSTILE = ['<img src=x onerror="window.__pwned=1">', 'invoice_\u202Egnp.exe', 'ansi \u001b[31mred\u001b[0m null\u0000byte', '</td></tr><script>window.__pwned=2</script>'];
const hostile: ChartData = {
  title: '<b>Most-failing</b> \u202Eworkflows',
  labelHeading: '<i>Workflow</i>',
  labels: HOSTILE,
  series: [{ name: '<svg onload="window.__pwned=3">', colour: '--vscode-charts-red', values: [4, 3, 2, 1] }],
};

/** The figure's table as text: the header row, then one array per row. */
function readTable(page: ChartPage['page'], index: number): Promise<{ caption: string; rows: string[][] }> {
  return page.evaluate((i) => {
    const table = document.querySelectorAll('table.insights-table')[i] as HTMLTableElement;
    return { caption: table.caption?.textContent ?? '', rows: Array.from(table.rows).map((r) => Array.from(r.cells).map((c) => c.textContent ?? '')) };
  }, index);
}

/** How many pixels of the n-th chart's canvas are exactly `hex` (a bar's solid fill). */
function pixelsOf(page: ChartPage['page'], index: number, hex: string): Promise<number> {
  return page.evaluate(
    ({ i, colour }) => {
      const canvas = document.querySelectorAll('.insights-chart canvas')[i] as HTMLCanvasElement;
      const [r, g, b] = [1, 3, 5].map((k) => parseInt(colour.slice(k, k + 2), 16));
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p] === r && data[p + 1] === g && data[p + 2] === b && data[p + 3] === 255) n++;
      return n;
    },
    { i: index, colour: hex },
  );
}

describe('Insights charts (headless Chromium, under the run panel CSP)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let script: string;
  let chartPage: ChartPage | undefined;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: \`apt-get install chromium\` (or \`node scripts/vscode-host.mjs\`), or set TH_CHROMIUM.`);
    script = (await bundle('webview/insights/charts.ts', 'InsightsCharts')).code;
    browser = await launchBrowser();
  });
  after(() => browser?.close());
  afterEach(() => chartPage?.close());

  async function open(): Promise<ChartPage['page']> {
    chartPage = await openChartPage(browser, { script, styles: STYLES });
    return chartPage.page;
  }

  it('draws stacked bars, lines and bars, each on a non-empty canvas, with no CSP violation and no error', async () => {
    const page = await open();
    const drawn = await page.evaluate(
      ([a, b, c]) => {
        const { InsightsCharts } = window as unknown as ChartsGlobal;
        const app = document.getElementById('app')!;
        InsightsCharts.chartFigure(app, 'stackedBars', a);
        InsightsCharts.chartFigure(app, 'lines', b);
        InsightsCharts.chartFigure(app, 'bars', c);
        return new Promise<{ kind: string; width: number; height: number; inked: number }[]>((done) =>
          requestAnimationFrame(() =>
            done(
              Array.from(document.querySelectorAll<HTMLElement>('.insights-chart')).map((chart) => {
                const canvas = chart.querySelector('canvas')!;
                const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
                let inked = 0;
                for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) inked++;
                return { kind: chart.className, width: canvas.width, height: canvas.height, inked };
              }),
            ),
          ),
        );
      },
      [byStatus, successRate, tools],
    );
    assert.deepEqual(
      drawn.map((d) => d.kind),
      ['insights-chart insights-chart-stackedBars', 'insights-chart insights-chart-lines', 'insights-chart insights-chart-bars'],
    );
    for (const d of drawn) {
      assert.ok(d.width > 100 && d.height > 100, `${d.kind}: canvas ${d.width}×${d.height}`);
      assert.ok(d.inked > 1000, `${d.kind}: only ${d.inked} pixels drawn`);
    }
    assert.deepEqual(await chartPage!.violations(), []);
    assert.deepEqual(chartPage!.errors, []);
  });

  it('gives each chart role="img" and a label naming it and sending the reader to its table', async () => {
    const page = await open();
    const labels = await page.evaluate((data) => {
      const { InsightsCharts } = window as unknown as ChartsGlobal;
      const chart = InsightsCharts.stackedBars(document.getElementById('app')!, data);
      return { role: chart.element.getAttribute('role'), label: chart.element.getAttribute('aria-label') };
    }, byStatus);
    assert.equal(labels.role, 'img');
    assert.equal(
      labels.label,
      'Runs per day by status: stacked bars, 5 points from 2026-08-01 to 2026-08-05; succeeded, failed, cancelled. The numbers are in the table beside the chart.',
    );
  });

  it("puts exactly the numbers given in the table beside the chart (a stack's total too), a missing value as an empty cell", async () => {
    const page = await open();
    await page.evaluate(
      ([a, b, c]) => {
        const { InsightsCharts } = window as unknown as ChartsGlobal;
        const app = document.getElementById('app')!;
        InsightsCharts.chartFigure(app, 'stackedBars', a);
        InsightsCharts.chartFigure(app, 'lines', b);
        InsightsCharts.chartFigure(app, 'bars', c);
      },
      [byStatus, successRate, tools],
    );
    const stacked = await readTable(page, 0);
    assert.equal(stacked.caption, 'Runs per day by status');
    assert.deepEqual(stacked.rows, [
      ['Day', 'succeeded', 'failed', 'cancelled', 'Total'],
      ['2026-08-01', '1398', '135', '6', '1539'],
      ['2026-08-02', '1368', '99', '12', '1479'],
      ['2026-08-03', '674', '63', '0', '737'],
      ['2026-08-04', '727', '71', '', '798'],
      ['2026-08-05', '1460', '69', '0', '1529'],
    ]);
    const rate = await readTable(page, 1);
    assert.deepEqual(
      rate.rows.slice(1).map((r) => r[1]),
      ['90.8', '92.5', '0.1', '100', '33.333333333333336'],
    );
    const usage = await readTable(page, 2);
    assert.deepEqual(usage.rows, [
      ['Tool', 'steps'],
      ['read_file', '39770'],
      ['write_file', '1e+21'],
      ['search', '0'],
    ]);
    const headers = await page.evaluate(() => Array.from(document.querySelectorAll('table.insights-table th')).map((th) => th.getAttribute('scope')));
    assert.ok(
      headers.every((s) => s === 'col' || s === 'row'),
      'every header cell has a scope',
    );
  });

  it('shows hostile labels, series names and titles as text: markup stays characters, bidi overrides and control characters show as code points', async () => {
    const page = await open();
    const seen = await page.evaluate((data) => {
      const { InsightsCharts } = window as unknown as ChartsGlobal;
      const figure = InsightsCharts.chartFigure(document.getElementById('app')!, 'bars', data);
      const multi = InsightsCharts.lines(document.createElement('div'), { ...data, series: [...data.series, { ...data.series[0]!, name: data.labels[1]! }] });
      document.body.append(multi.element);
      return {
        label: figure.chart.element.getAttribute('aria-label'),
        legend: Array.from(multi.element.querySelectorAll('.u-legend .u-label')).map((l) => l.textContent),
        injected: document.querySelectorAll('img, script:not([src]), svg, b, i').length,
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      };
    }, hostile);
    const table = await readTable(page, 0);
    assert.equal(table.caption, '<b>Most-failing</b> ⟨U+202E⟩workflows');
    assert.deepEqual(table.rows[0], ['<i>Workflow</i>', '<svg onload="window.__pwned=3">']);
    assert.deepEqual(
      table.rows.slice(1).map((r) => r[0]),
      HOSTILE.map(visible),
    );
    assert.equal(table.rows[2]![0], 'invoice_⟨U+202E⟩gnp.exe');
    assert.equal(table.rows[3]![0], 'ansi ⟨U+001B⟩[31mred⟨U+001B⟩[0m null⟨U+0000⟩byte');
    assert.match(seen.label!, /^<b>Most-failing<\/b> ⟨U\+202E⟩workflows: bars, 4 items; <svg onload="window.__pwned=3">\./);
    assert.deepEqual(seen.legend, ['<i>Workflow</i>', '<svg onload="window.__pwned=3">', 'invoice_⟨U+202E⟩gnp.exe']);
    assert.equal(seen.injected, 0, 'no element was made from API text');
    assert.equal(seen.pwned, null);
    assert.deepEqual(await chartPage!.violations(), []);
  });

  it('takes its colours from the --vscode-* variables, and draws in the new ones when the theme changes', async () => {
    const page = await open();
    await page.evaluate(
      ([a, b]) => {
        const { InsightsCharts } = window as unknown as ChartsGlobal;
        const app = document.getElementById('app')!;
        InsightsCharts.stackedBars(app.appendChild(document.createElement('div')), a);
        InsightsCharts.lines(app.appendChild(document.createElement('div')), b);
      },
      [byStatus, twoLines],
    );
    const legendColours = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.insights-chart-lines .u-series:not(:first-child) .u-marker')).map((m) => getComputedStyle(m).borderTopColor),
      );
    assert.ok((await pixelsOf(page, 0, DARK_THEME['--vscode-charts-red']!)) > 50, 'failed runs drawn in the theme red');
    assert.ok((await pixelsOf(page, 0, DARK_THEME['--vscode-charts-green']!)) > 500, 'succeeded runs drawn in the theme green');
    assert.deepEqual(await legendColours(), ['rgb(55, 148, 255)', 'rgb(209, 134, 22)']);

    // As VS Code switches themes: new variables on <html>, a new class on <body>.
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-charts-red', '#a01020');
      document.documentElement.style.setProperty('--vscode-charts-green', '#108030');
      document.documentElement.style.setProperty('--vscode-charts-blue', '#0000c0');
      document.documentElement.style.setProperty('--vscode-charts-orange', '#c05000');
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.insights-chart-lines .u-series:not(:first-child) .u-marker')).some(
        (m) => getComputedStyle(m).borderTopColor === 'rgb(0, 0, 192)',
      ),
    );
    assert.deepEqual(await legendColours(), ['rgb(0, 0, 192)', 'rgb(192, 80, 0)']);
    assert.ok((await pixelsOf(page, 0, '#a01020')) > 50, 'failed runs drawn in the new red');
    assert.ok((await pixelsOf(page, 0, '#108030')) > 500, 'succeeded runs drawn in the new green');
    assert.equal(await pixelsOf(page, 0, DARK_THEME['--vscode-charts-red']!), 0, 'no pixel left in the old red');
    assert.equal(await pixelsOf(page, 0, DARK_THEME['--vscode-charts-green']!), 0, 'no pixel left in the old green');
    assert.deepEqual(await chartPage!.violations(), []);
  });

  it('draws 90 days by the hour (2,160 buckets) and an empty range (no labels) without an error', async () => {
    const page = await open();
    // Built here: a function declared inside evaluate() would carry tsx's __name helper into the page.
    const labels = Array.from({ length: 2160 }, (_, i) => new Date(Date.UTC(2026, 7, 1) + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' '));
    const hourly: ChartData = {
      title: 'Runs per hour',
      labels,
      series: [
        { name: 'succeeded', colour: '--vscode-charts-green', values: labels.map((_, i) => (i * 7) % 97) },
        { name: 'failed', colour: '--vscode-charts-red', values: labels.map((_, i) => (i * 3) % 97) },
      ],
    };
    const result = await page.evaluate((data) => {
      const { InsightsCharts } = window as unknown as ChartsGlobal;
      const app = document.getElementById('app')!;
      const stacked = InsightsCharts.chartFigure(app, 'stackedBars', data);
      InsightsCharts.chartFigure(app, 'lines', { title: 'Nothing in range', labels: [], series: [{ name: 'runs', colour: '--vscode-charts-blue', values: [] }] });
      return {
        rows: stacked.table.tBodies[0]!.rows.length,
        lastTotal: stacked.table.tBodies[0]!.rows[2159]!.cells[3]!.textContent,
        emptyRows: document.querySelectorAll('table.insights-table')[1]!.querySelectorAll('tbody tr').length,
      };
    }, hourly);
    assert.deepEqual(result, { rows: 2160, lastTotal: String(((2159 * 7) % 97) + ((2159 * 3) % 97)), emptyRows: 0 });
    assert.deepEqual(chartPage!.errors, []);
    assert.deepEqual(await chartPage!.violations(), []);
  });

  it("a deferred figure builds its table when asked, keeps its chart's room until shown, then draws it once (a second show does nothing)", async () => {
    const page = await open();
    const seen = await page.evaluate((data) => {
      const { InsightsCharts } = window as unknown as ChartsGlobal;
      const figure = InsightsCharts.deferredFigure(document.getElementById('app')!, 'stackedBars', data);
      const before = { tables: document.querySelectorAll('table.insights-table').length, canvases: document.querySelectorAll('canvas').length };
      figure.buildTable();
      figure.buildTable();
      const built = { tables: document.querySelectorAll('table.insights-table').length, canvases: document.querySelectorAll('canvas').length };
      const room = (figure.element.querySelector('.insights-figure-chart') as HTMLElement).getBoundingClientRect().height;
      figure.show();
      const chart = figure.chart;
      figure.show();
      return {
        before,
        built,
        room,
        same: chart === figure.chart,
        charts: document.querySelectorAll('.insights-chart').length,
        label: figure.chart?.element.getAttribute('aria-label'),
      };
    }, byStatus);
    assert.deepEqual(seen.before, { tables: 0, canvases: 0 });
    assert.deepEqual(seen.built, { tables: 1, canvases: 0 });
    assert.ok(seen.room >= 240, `the chart's room is kept: ${seen.room} px`);
    assert.equal(seen.same, true);
    assert.equal(seen.charts, 1);
    assert.match(seen.label ?? '', /^Runs per day by status: stacked bars/);
    assert.deepEqual((await readTable(page, 0)).rows[1], ['2026-08-01', '1398', '135', '6', '1539']);
    assert.deepEqual(await chartPage!.violations(), []);
  });

  it('refuses a series whose number of values is not the number of labels', async () => {
    const page = await open();
    const message = await page.evaluate((data) => {
      const { InsightsCharts } = window as unknown as ChartsGlobal;
      try {
        InsightsCharts.bars(document.getElementById('app')!, { ...data, series: [{ ...data.series[0]!, values: [1, 2] }] });
        return 'drawn';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    }, tools);
    assert.equal(message, 'RangeError: Chart "Tool usage": series "steps" has 2 values for 3 labels.');
  });

  it('sources never parse markup, reach the network or write inline style strings', () => {
    const files = readdirSync('webview/insights')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join('webview/insights', f));
    assert.ok(files.length >= 4);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/, file);
      assert.doesNotMatch(source, /\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|import\(/, file);
      assert.doesNotMatch(source, /setAttribute\(\s*'style'|\.cssText|\beval\(|new Function/, file);
    }
  });
});
