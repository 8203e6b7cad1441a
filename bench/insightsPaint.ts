// The Insights panel's first paint in headless Chromium (issue 12: under 500 ms): the six
// figures (chart + table each) of bench/insightsPaintPage.ts, fed what 150,000 indexed runs
// aggregate to, under the run panel's CSP, each load in a fresh browser context as a newly
// opened webview is. Reported, never asserted (as every figure of `npm run bench`); the page
// must draw everything with no CSP violation and no error, or there is no figure.
// Alone: `npx tsx bench/insightsPaint.ts [--loads N] [--json]`. bench/main.ts can call runInsightsPaintBench()
// (its bundle must keep `esbuild` and `playwright-core` external) or run this file as a child.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle, launchBrowser, openChartPage } from './insightsPaintHarness';
import { paintData } from './insightsPaintData';

const ROOT = resolve(__dirname, '..');
export const INSIGHTS_PAINT_TARGET_MS = 500;

export interface InsightsPaintFigures {
  readonly runs: number;
  readonly loads: number;
  /** Chromium's first-contentful-paint, from navigation start: the page shows nothing before its charts. */
  readonly firstPaintMedianMs: number;
  readonly firstPaintMaxMs: number;
  /** Navigation start to the frame after the last chart and table were drawn. */
  readonly drawnMedianMs: number;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  readonly targetMs: number;
  /**
   * CPU time the page's main thread spent from navigation start to first paint (Chromium's trace,
   * a few more loads with tracing on): what the page costs whatever else the machine is doing,
   * where the paint time above grows with the machine's load.
   */
  readonly mainThreadCpuMedianMs: number;
  /** The machine's 1-minute load average at the end and its CPU count: a busy machine paints later. */
  readonly loadAverage: number;
  readonly cpus: number;
}

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

/** The renderer main thread's CPU time (sum of its tasks' thread durations) from navigation start to first contentful paint. */
function mainThreadCpuToFirstPaint(trace: Buffer, origin: string): number {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const paint = events.find((e) => e.name === 'firstContentfulPaint');
  const start = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && e.args.data.documentLoaderURL?.startsWith(origin));
  const thread = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === paint?.pid);
  if (!paint || !start || !thread) throw new Error('The trace has no first paint, navigation start or renderer main thread');
  const tasks = events.filter((e) => e.pid === paint.pid && e.tid === thread.tid && e.ph === 'X' && e.name === 'RunTask' && e.ts >= start.ts && e.ts <= paint.ts);
  return tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
}

const TRACED_LOADS = 5;

export async function runInsightsPaintBench(loads = 11, log: (line: string) => void = () => {}): Promise<InsightsPaintFigures> {
  const input = paintData(150_000);
  const page = await bundle(join(ROOT, 'bench', 'insightsPaintPage.ts'));
  const styles = [readFileSync(join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8'), readFileSync(join(ROOT, 'webview', 'insights', 'charts.css'), 'utf8')];
  const browser = await launchBrowser();
  const paints: number[] = [];
  const drawn: number[] = [];
  const cpu: number[] = [];
  try {
    // One load first, not counted: Chromium's own first start (caches, fonts) is not the panel's.
    // The last few loads are traced (tracing slows the page: their paint times are not counted).
    for (let i = 0; i <= loads + TRACED_LOADS; i++) {
      const traced = i > loads;
      if (traced) await browser.startTracing(undefined, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'blink.user_timing'] });
      const chartPage = await openChartPage(browser, { script: page.code, styles, input });
      try {
        await chartPage.page.waitForFunction(() => (window as unknown as { __insightsPainted?: number }).__insightsPainted !== undefined, undefined, { timeout: 30_000 });
        await chartPage.page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 30_000 });
        const m = await chartPage.page.evaluate(() => ({
          painted: (window as unknown as { __insightsPainted: number }).__insightsPainted,
          fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
          canvases: document.querySelectorAll('.insights-chart canvas').length,
          rows: document.querySelectorAll('.insights-table tbody tr').length,
        }));
        const violations = await chartPage.violations();
        if (violations.length > 0 || chartPage.errors.length > 0) throw new Error(`The Insights page broke its CSP or threw: ${[...violations, ...chartPage.errors].join('; ')}`);
        if (m.canvases !== 6 || m.rows !== 90 * 4 + 20 * 2) throw new Error(`The Insights page drew ${m.canvases} charts and ${m.rows} table rows, expected 6 and 400`);
        if (traced) {
          cpu.push(mainThreadCpuToFirstPaint(await browser.stopTracing(), chartPage.origin));
          log(`  traced load: main thread CPU to first paint ${cpu[cpu.length - 1]!.toFixed(0)} ms`);
        } else {
          if (i > 0) {
            paints.push(m.fcp);
            drawn.push(m.painted);
          }
          log(`  load ${i}${i === 0 ? ' (warm-up)' : ''}: first paint ${m.fcp.toFixed(0)} ms, drawn ${m.painted.toFixed(0)} ms`);
        }
      } finally {
        await chartPage.close();
      }
    }
  } finally {
    await browser.close();
  }
  return {
    runs: input.runs,
    loads,
    firstPaintMedianMs: Math.round(median(paints)),
    firstPaintMaxMs: Math.round(Math.max(...paints)),
    drawnMedianMs: Math.round(median(drawn)),
    mainThreadCpuMedianMs: Math.round(median(cpu)),
    bundleBytes: page.bytes,
    bundleGzipBytes: page.gzipBytes,
    targetMs: INSIGHTS_PAINT_TARGET_MS,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    cpus: cpus().length,
  };
}

export function formatInsightsPaint(f: InsightsPaintFigures): string {
  const verdict = f.firstPaintMedianMs < f.targetMs ? 'met' : 'MISSED';
  return [
    `Insights panel first paint (headless Chromium, 6 charts + tables, ${f.runs.toLocaleString('en-US')} runs aggregated, ${f.loads} loads):`,
    `  first contentful paint: median ${f.firstPaintMedianMs} ms, max ${f.firstPaintMaxMs} ms (target < ${f.targetMs} ms: ${verdict})`,
    `  all drawn (next frame): median ${f.drawnMedianMs} ms`,
    `  page main thread CPU, navigation to first paint: median ${f.mainThreadCpuMedianMs} ms (${TRACED_LOADS} traced loads)`,
    `  page bundle: ${(f.bundleBytes / 1024).toFixed(1)} KB minified, ${(f.bundleGzipBytes / 1024).toFixed(1)} KB gzipped`,
    `  machine: ${f.cpus} CPUs, load average ${f.loadAverage} (other work on the machine slows the page down)`,
  ].join('\n');
}

// Run directly (tsx, or a bundle named after this file), not when bench/main.ts imports it: in a
// bundle `require.main === module` holds for every module inside it.
if (/insightsPaint\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const at = process.argv.indexOf('--loads');
  const loads = at > 0 ? Number(process.argv[at + 1]) : 11;
  const json = process.argv.includes('--json');
  runInsightsPaintBench(loads, json ? undefined : (line) => console.log(line)).then(
    // --json: the figures alone, one line, for a parent process.
    (figures) => console.log(json ? JSON.stringify(figures) : formatInsightsPaint(figures)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
