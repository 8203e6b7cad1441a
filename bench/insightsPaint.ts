// The Insights panel's first paint in headless Chromium (issue 12: under 500 ms): the panel's
// own webview (webview/insightsMain.ts, bundled and minified as shipped) on the run panel's CSP,
// in a page as panelHtml writes it (its stylesheets, the loading placeholder), handed the
// extension's message for the every-source view of an index of 150,000 Paragon-like runs and
// 150,000 Dispersl-like tasks (computeInsights' real output: bench/insightsBench.ts), each load
// in a fresh browser context as a newly opened webview is. The message is posted as soon as the
// page says it is ready: computing it is the computation benchmark's figure, not this one's.
// "First paint" is when the panel's figures are first on screen (Element Timing of its heading,
// drawn in the same task as the summary and the first charts), from navigation start.
// Reported, never asserted (as every figure of `npm run bench`); the page must draw everything
// with no CSP violation and no error, or there is no figure.
// Alone: `npx tsx bench/insightsPaint.ts --data <file> [--loads N] [--json]`, where the file is the
// two sources' InsightsData as JSON (bench/main.ts writes it); without --data it builds the index
// first (minutes). bench/main.ts runs it as a child (its bundle keeps neither esbuild nor Playwright).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { InsightsData } from '../src/insights/model';
import { INSIGHTS_PROTOCOL_VERSION, type ToInsightsWebview } from '../src/panels/insightsProtocol';
import { figuresOf } from '../webview/insightsFigures';
import { bundle, launchBrowser, openChartPage } from './insightsPaintHarness';
import { formatInsightsPaint, INSIGHTS_PAINT_TARGET_MS, TRACED_LOADS, type InsightsPaintFigures } from './insightsPaintReport';

const ROOT = resolve(__dirname, '..');
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly tdur?: number;
  readonly args?: { name?: string; data?: { isLoadingMainFrame?: boolean; documentLoaderURL?: string } };
}

/** The renderer main thread's CPU time (sum of its tasks' thread durations) from navigation start to `paintMs` after it. */
function mainThreadCpuTo(trace: Buffer, origin: string, paintMs: number): number {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const start = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && e.args.data.documentLoaderURL?.startsWith(origin));
  const thread = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start?.pid);
  if (!start || !thread) throw new Error('The trace has no navigation start or renderer main thread');
  const end = start.ts + paintMs * 1000;
  const tasks = events.filter((e) => e.pid === start.pid && e.tid === thread.tid && e.ph === 'X' && e.name === 'RunTask' && e.ts >= start.ts && e.ts <= end);
  return tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
}

/** The extension's message for the every-source view of these sources' figures. */
export function panelMessage(data: readonly InsightsData[]): ToInsightsWebview {
  return {
    v: INSIGHTS_PROTOCOL_VERSION,
    type: 'insights',
    scope: { sourceIds: [], bucket: 'day' },
    filter: '',
    sources: data.map((d) => ({ sourceId: d.sourceId, label: d.kind === 'paragon' ? 'Paragon (bench)' : 'Dispersl (bench)', data: d })),
    workflowNames: [],
  };
}

interface LoadFigures {
  readonly shown: number;
  readonly fcp: number;
  readonly tablesBuilt: number;
  readonly canvases: number;
  readonly tables: number;
  readonly rows: number;
}

export async function runInsightsPaintBench(data: readonly InsightsData[], loads = 11, log: (line: string) => void = () => {}): Promise<InsightsPaintFigures> {
  const message = panelMessage(data);
  const expected = data.map((d) => figuresOf(d)).flat();
  const expectedRows = expected.reduce((sum, f) => sum + f.data.labels.length, 0);
  const page = await bundle(join(ROOT, 'webview', 'insightsMain.ts'));
  // As the panel links them (src/panels/insightsPanel.ts): the bundle's (uPlot's and the charts'), then the panel's.
  const styles = [page.css, readFileSync(join(ROOT, 'media', 'insights.css'), 'utf8')];
  const browser = await launchBrowser();
  const shown: number[] = [];
  const placeholder: number[] = [];
  const built: number[] = [];
  const cpu: number[] = [];
  try {
    // One load first, not counted: Chromium's own first start (caches, fonts) is not the panel's.
    // The last few loads are traced (tracing slows the page: their paint times are not counted).
    for (let i = 0; i <= loads + TRACED_LOADS; i++) {
      const traced = i > loads;
      if (traced) await browser.startTracing(undefined, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'blink.user_timing'] });
      const chartPage = await openChartPage(browser, { script: page.code, styles, panel: { message, placeholder: 'Computing insights from the run index…' } });
      try {
        const p = chartPage.page;
        // Shown: the heading's paint. Built: every figure's table, the page's idle work done.
        type Shown = { __insightsShown?: number };
        await p.waitForFunction(() => (window as unknown as Shown).__insightsShown !== undefined, undefined, { timeout: 30_000 });
        // Polled every frame: the time is the frame's, at most one frame late.
        const tablesBuilt = await p.waitForFunction((n) => document.querySelectorAll('.insights-figure table.insights-table').length >= n && performance.now(), expected.length, {
          timeout: 30_000,
        });
        const builtAt = Number(await tablesBuilt.jsonValue());
        const m: LoadFigures = await p.evaluate((at) => {
          return {
            shown: (window as unknown as Shown).__insightsShown!,
            fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
            tablesBuilt: at,
            canvases: document.querySelectorAll('.insights-chart canvas').length,
            tables: document.querySelectorAll('.insights-figure table.insights-table').length,
            rows: document.querySelectorAll('.insights-figure table.insights-table tbody tr').length,
          };
        }, builtAt);
        if (m.tables !== expected.length || m.rows !== expectedRows) {
          throw new Error(`The Insights panel built ${m.tables} tables with ${m.rows} rows, expected ${expected.length} with ${expectedRows}`);
        }
        if (m.canvases < 1) throw new Error('The Insights panel drew no chart in view');
        if (i === 0) {
          // Once: every chart is drawn when it is scrolled to.
          for (let y = 0; y < 200 && (await p.evaluate(() => window.scrollY + window.innerHeight < document.body.scrollHeight)); y++) {
            await p.mouse.wheel(0, 600);
            await p.waitForTimeout(30);
          }
          await p.waitForFunction((n) => document.querySelectorAll('.insights-chart canvas').length >= n, expected.length, { timeout: 30_000 });
        }
        const violations = await chartPage.violations();
        if (violations.length > 0 || chartPage.errors.length > 0) throw new Error(`The Insights page broke its CSP or threw: ${[...violations, ...chartPage.errors].join('; ')}`);
        if (traced) {
          cpu.push(mainThreadCpuTo(await browser.stopTracing(), chartPage.origin, m.shown));
          log(`  traced load: main thread CPU to the figures' paint ${cpu[cpu.length - 1]!.toFixed(0)} ms`);
        } else {
          if (i > 0) {
            shown.push(m.shown);
            placeholder.push(m.fcp);
            built.push(m.tablesBuilt);
          }
          log(
            `  load ${i}${i === 0 ? ' (warm-up)' : ''}: figures painted ${m.shown.toFixed(0)} ms (placeholder ${m.fcp.toFixed(0)} ms), every table built ${m.tablesBuilt.toFixed(0)} ms, ${m.canvases} charts drawn in view`,
          );
        }
      } finally {
        await chartPage.close();
      }
    }
  } finally {
    await browser.close();
  }
  return {
    runs: data.reduce((sum, d) => sum + d.totals.runs, 0),
    loads,
    figures: expected.length,
    tableRows: expectedRows,
    firstPaintMedianMs: Math.round(median(shown)),
    firstPaintMaxMs: Math.round(Math.max(...shown)),
    placeholderMedianMs: Math.round(median(placeholder)),
    tablesBuiltMedianMs: Math.round(median(built)),
    mainThreadCpuMedianMs: Math.round(median(cpu)),
    bundleBytes: page.bytes,
    bundleGzipBytes: page.gzipBytes,
    messageBytes: Buffer.byteLength(JSON.stringify(message)),
    targetMs: INSIGHTS_PAINT_TARGET_MS,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    cpus: cpus().length,
  };
}

/** The two sources' figures: from a file, or computed from a freshly built index (minutes). */
async function loadData(file: string | undefined, log: (line: string) => void): Promise<InsightsData[]> {
  if (file) return JSON.parse(readFileSync(file, 'utf8')) as InsightsData[];
  // Imported here: the index and its engine are needed only without --data.
  const { buildInsightsIndex, panelData } = await import('./insightsBench');
  const dir = mkdtempSync(join(tmpdir(), 'thx-paint-'));
  const index = buildInsightsIndex(dir, log);
  try {
    return await panelData(index.path);
  } finally {
    index.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (tsx, or a bundle named after this file), not when another module imports it: in a
// bundle `require.main === module` holds for every module inside it.
if (/insightsPaint\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const loads = Number(arg('--loads') ?? 11);
  const json = process.argv.includes('--json');
  const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  loadData(arg('--data'), log)
    .then((data) => runInsightsPaintBench(data, loads, log))
    .then(
      // --json: the figures alone, one line on stdout, for a parent process.
      (figures) => console.log(json ? JSON.stringify(figures) : formatInsightsPaint(figures)),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      },
    );
}
