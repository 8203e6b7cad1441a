// The Insights paint benchmark's figures and how they are printed, apart from the benchmark
// itself (bench/insightsPaint.ts): bench/main.ts prints and stores them without bundling the
// benchmark's esbuild and Playwright.

export const INSIGHTS_PAINT_TARGET_MS = 500;
/** Loads run with Chromium's tracing on, for the main thread's CPU time (their paint times are not counted). */
export const TRACED_LOADS = 5;

export interface InsightsPaintFigures {
  readonly runs: number;
  readonly loads: number;
  /** Figures (chart + table) the page holds, and their table rows. */
  readonly figures: number;
  readonly tableRows: number;
  /** Navigation start to the first paint of the panel's figures (its heading, summary and first charts). */
  readonly firstPaintMedianMs: number;
  readonly firstPaintMaxMs: number;
  /** Navigation start to the first contentful paint: the loading placeholder. */
  readonly placeholderMedianMs: number;
  /** Navigation start to every table built (the screen reader's numbers), the page idle. */
  readonly tablesBuiltMedianMs: number;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** The message's size as JSON. */
  readonly messageBytes: number;
  readonly targetMs: number;
  /**
   * CPU time the page's main thread spent from navigation start to the first paint of the
   * figures (Chromium's trace, a few more loads with tracing on): what the page costs whatever
   * else the machine is doing, where the paint time above grows with the machine's load.
   */
  readonly mainThreadCpuMedianMs: number;
  /** The machine's 1-minute load average at the end and its CPU count: a busy machine paints later. */
  readonly loadAverage: number;
  readonly cpus: number;
}

export function formatInsightsPaint(f: InsightsPaintFigures): string {
  const verdict = f.firstPaintMedianMs < f.targetMs ? 'met' : 'MISSED';
  return [
    `Insights panel first paint (headless Chromium; the panel's webview, every-source view: ${f.figures} figures with ${f.tableRows.toLocaleString('en-US')} table rows, ${f.runs.toLocaleString('en-US')} runs; ${f.loads} loads):`,
    `  figures first painted: median ${f.firstPaintMedianMs} ms, max ${f.firstPaintMaxMs} ms = ${(f.firstPaintMedianMs / f.targetMs).toFixed(2)}× target (< ${f.targetMs} ms: ${verdict})`,
    `  loading placeholder painted: median ${f.placeholderMedianMs} ms; every table built: median ${f.tablesBuiltMedianMs} ms`,
    `  page main thread CPU, navigation to the figures' paint: median ${f.mainThreadCpuMedianMs} ms (${TRACED_LOADS} traced loads)`,
    `  page bundle: ${(f.bundleBytes / 1024).toFixed(1)} KB minified, ${(f.bundleGzipBytes / 1024).toFixed(1)} KB gzipped; message ${(f.messageBytes / 1024).toFixed(0)} KB of JSON`,
    `  machine: ${f.cpus} CPUs, load average ${f.loadAverage} (other work on the machine slows the page down)`,
  ].join('\n');
}
