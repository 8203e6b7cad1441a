// `npm run bench`: our export against the docs' way (follow nextLink one page at a time),
// in the same run, against the emulator in a child process with 100 ms latency and
// Paragon's documented limit; then our peak RSS at 10× the records; then the run index
// (bench/indexBench.ts); then Insights: its computation over 150,000 indexed runs of each kind
// (bench/insightsBench.ts) and its panel's first paint in headless Chromium
// (bench/insightsPaint.ts, in a child process: its bundle is not this one). Figures are printed
// and written to bench/results.json; targets are reported, never asserted.
// `node dist/bench.js --only export|index|export-index|insights|insights-paint` runs one part
// (the other parts' figures in bench/results.json are kept); `insights` includes the paint.
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_EXPORT_CONCURRENCY } from '../src/core/export/exportRuns';
import { PARAGON_PAGE_SIZE } from '../src/sources/paragon/paragonClient';
import { exportFromIndexTargets, formatExportFromIndex, runExportFromIndexBench, type ExportFromIndexFigures, type ExportFromIndexTargets } from './exportIndexBench';
import { formatIndexReport, indexTargets, runIndexBench, type IndexFigures, type IndexTargets } from './indexBench';
import { buildInsightsIndex, formatInsightsReport, insightsTargets, panelData, runInsightsBench, type InsightsBenchFigures, type InsightsTargets } from './insightsBench';
import { formatInsightsPaint, type InsightsPaintFigures } from './insightsPaintReport';
import { idleNodeRssKb, runWorker, startEmulatorProcess, type EmulatorProcess } from './processes';
import { formatReport, mb, median, type BenchFigures } from './report';
import type { WorkerResult } from './workerProtocol';

const RECORDS = 14_295;
const TEN_X_RECORDS = 150_000;
const LATENCY_MS = 100;
const LIMIT = 1000;
const WINDOW_S = 600;
const OUR_RUNS = 3;
/** 1,500 pages at 10× exceed the documented 1,000 per 10 minutes. */
const TEN_X_CLIENT_LIMIT = 10_000;

async function withEmulator<T>(args: readonly string[], body: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
  const emulator = await startEmulatorProcess(args);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

function check(result: WorkerResult, expected: number, who: string): void {
  if (result.records !== expected) throw new Error(`${who} exported ${result.records} records, expected ${expected}`);
}

async function exportBench(dir: string, log: (line: string) => void, idleRss: number): Promise<BenchFigures> {
  const documented = ['--paragon-executions', String(RECORDS), '--dispersl-tasks', '0', '--latency', String(LATENCY_MS), '--rate-limit', `${LIMIT}/${WINDOW_S}`];
  const first = await withEmulator(documented, async (emulator) => {
    const task = { baseUrl: emulator.paragonBaseUrl, projectId: emulator.projectId };
    const ours: WorkerResult[] = [];
    for (let i = 0; i < OUR_RUNS; i++) {
      log(`ours, run ${i + 1} of ${OUR_RUNS}…`);
      const result = await runWorker('bench-export-worker.js', { ...task, target: join(dir, `ours-${i}.json`) }, emulator.apiKey);
      check(result, RECORDS, 'ours');
      ours.push(result);
    }
    const afterOurs = await emulator.stats();
    log('baseline (follows nextLink one page at a time)…');
    const baseline = await runWorker('bench-baseline-worker.js', { ...task, target: join(dir, 'baseline.json') }, emulator.apiKey);
    check(baseline, RECORDS, 'baseline');
    const afterAll = await emulator.stats();
    return { ours, baseline, afterOurs, afterAll };
  });

  log(`ours at ${TEN_X_RECORDS.toLocaleString('en-US')} records…`);
  const tenXArgs = ['--paragon-executions', String(TEN_X_RECORDS), '--dispersl-tasks', '0', '--latency', String(LATENCY_MS)];
  const tenX = await withEmulator(tenXArgs, async (emulator) => {
    const result = await runWorker(
      'bench-export-worker.js',
      { baseUrl: emulator.paragonBaseUrl, projectId: emulator.projectId, target: join(dir, 'ten-x.json'), requestsPer10Min: TEN_X_CLIENT_LIMIT },
      emulator.apiKey,
    );
    check(result, TEN_X_RECORDS, 'ours at 10×');
    return result;
  });

  const pages = Math.ceil(RECORDS / PARAGON_PAGE_SIZE);
  const idealMs = (pages / DEFAULT_EXPORT_CONCURRENCY) * LATENCY_MS;
  const oursMs = median(first.ours.map((r) => r.elapsedMs));
  const speedup = first.baseline.elapsedMs / oursMs;
  const maxInWindow = first.afterAll.maxInWindow;
  const rateLimited = first.afterAll.rateLimited;
  const tenXRss = mb(tenX.maxRssKb);
  const figures: BenchFigures = {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpus: cpus().length,
    idleNodeRssMb: idleRss,
    setup: {
      records: RECORDS,
      latencyMs: LATENCY_MS,
      concurrency: DEFAULT_EXPORT_CONCURRENCY,
      pageSize: PARAGON_PAGE_SIZE,
      rateLimit: `${LIMIT} requests / ${WINDOW_S / 60} min`,
    },
    ours: {
      runs: first.ours,
      medianElapsedMs: oursMs,
      requestsPerRun: first.afterOurs.requests / OUR_RUNS,
      peakRssMb: Math.max(...first.ours.map((r) => mb(r.maxRssKb))),
    },
    baseline: { ...first.baseline, peakRssMb: mb(first.baseline.maxRssKb) },
    speedup,
    ideal: { pages, ms: idealMs, oursOverIdeal: oursMs / idealMs },
    budget: { maxInWindow, limit: LIMIT, rateLimited, held: maxInWindow <= LIMIT && rateLimited === 0 },
    tenX: { ...tenX, peakRssMb: tenXRss, clientLimitPer10Min: TEN_X_CLIENT_LIMIT, emulatorLimit: 'without a rate limit' },
    targets: {
      speedup: { target: '≥ 8×', met: speedup >= 8 },
      ideal: { target: '≤ 1.5× ideal', met: oursMs / idealMs <= 1.5 },
      budget: { target: `≤ ${LIMIT} per 10 min, no 429`, met: maxInWindow <= LIMIT && rateLimited === 0 },
      rss: { target: '≤ 150 MB', met: tenXRss <= 150 },
    },
  };
  process.stdout.write(`${formatReport(figures)}\n`);
  return figures;
}

/** bench/results.json: the export figures at the top level (as before), the index's under `index`. */
interface IndexResults extends Partial<IndexFigures> {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly idleNodeRssMb: number;
  readonly targets?: IndexTargets;
  readonly exportFromIndex?: ExportFromIndexFigures & { readonly targets: ExportFromIndexTargets };
}
/** bench/results.json's `insights`: the computation's figures, and the panel's first paint under `paint`. */
interface InsightsResults extends Partial<InsightsBenchFigures> {
  readonly date: string;
  readonly node: string;
  readonly targets?: InsightsTargets;
  readonly paint?: InsightsPaintFigures & { readonly target: { readonly target: string; readonly met: boolean } };
}
type Results = Partial<BenchFigures> & { index?: IndexResults; insights?: InsightsResults };

const PARTS = ['export', 'index', 'export-index', 'insights', 'insights-paint'] as const;

interface Parts {
  readonly export: boolean;
  readonly index: boolean;
  readonly exportIndex: boolean;
  readonly insights: boolean;
  readonly insightsPaint: boolean;
}

/**
 * `--only export`: the export bench; `--only index`: the run index's (export through it included); `--only export-index`: that alone;
 * `--only insights`: Insights' computation and its panel's paint; `--only insights-paint`: the paint alone (its index is built all the same).
 */
function partsToRun(argv: readonly string[]): Parts {
  const at = argv.indexOf('--only');
  if (at < 0) return { export: true, index: true, exportIndex: true, insights: true, insightsPaint: true };
  const part = argv[at + 1];
  if (!(PARTS as readonly (string | undefined)[]).includes(part)) {
    throw new Error(`--only takes ${PARTS.map((p) => `"${p}"`).join(', ')}, got ${part === undefined ? 'nothing' : `"${part}"`}`);
  }
  return {
    export: part === 'export',
    index: part === 'index',
    exportIndex: part === 'index' || part === 'export-index',
    insights: part === 'insights',
    insightsPaint: part === 'insights' || part === 'insights-paint',
  };
}

/** bench/insightsPaint.ts in a child through tsx (it bundles the webview with esbuild and drives Chromium with Playwright), its figures as JSON. */
function runPaintChild(dataFile: string, log: (line: string) => void): Promise<InsightsPaintFigures> {
  const root = resolve(__dirname, '..');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'insightsPaint.ts'), '--data', dataFile, '--json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const lines = err.split('\n');
      err = lines.pop() ?? '';
      for (const line of lines) log(line);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`the Insights paint benchmark exited with ${code}: ${err.trim()}`));
      else done(JSON.parse(out.trim().split('\n').pop()!) as InsightsPaintFigures);
    });
  });
}

/** Insights: one index built; the computation timed over it (unless only the paint is asked for); the panel's paint from its figures. */
async function insightsBench(dir: string, parts: Parts, log: (line: string) => void, previous: InsightsResults | undefined): Promise<InsightsResults> {
  const built = buildInsightsIndex(dir, log);
  let results: InsightsResults = { ...previous, date: new Date().toISOString(), node: process.versions.node };
  try {
    if (parts.insights) {
      const figures = await runInsightsBench(built, log);
      process.stdout.write(`\n${formatInsightsReport(figures)}\n`);
      results = { ...results, ...figures, targets: insightsTargets(figures) };
    }
    if (parts.insightsPaint) {
      log('insights: the panel’s figures for the paint benchmark…');
      const dataFile = join(dir, 'insights-panel-data.json');
      await writeFile(dataFile, JSON.stringify(await panelData(built.path)));
      const paint = await runPaintChild(dataFile, log);
      process.stdout.write(`\n${formatInsightsPaint(paint)}\n`);
      results = { ...results, paint: { ...paint, target: { target: `< ${paint.targetMs} ms (median)`, met: paint.firstPaintMedianMs < paint.targetMs } } };
    }
    return results;
  } finally {
    built.cleanup();
  }
}

async function main(): Promise<void> {
  const parts = partsToRun(process.argv.slice(2));
  const dir = await mkdtemp(join(tmpdir(), 'thx-bench-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const out = resolve(__dirname, '..', 'bench', 'results.json');
  try {
    const idleRss = mb(await idleNodeRssKb());
    const machine = { date: new Date().toISOString(), node: process.versions.node, cpus: cpus().length, idleNodeRssMb: idleRss };
    // A part not run keeps its figures from the last run.
    let results: Results = {};
    if (!(parts.export && parts.index && parts.insights)) results = (JSON.parse(await readFile(out, 'utf8').catch(() => '{}')) as Results | null) ?? {};
    if (parts.export) results = { ...(await exportBench(dir, log, idleRss)), index: results.index, insights: results.insights };
    if (parts.index) {
      const figures = await runIndexBench(dir, log);
      process.stdout.write(`\n${formatIndexReport(figures, idleRss)}\n`);
      results = { ...results, index: { ...machine, ...figures, targets: indexTargets(figures) } };
    }
    if (parts.exportIndex) {
      const figures = await runExportFromIndexBench(dir, log);
      process.stdout.write(`\n${formatExportFromIndex(figures)}\n`);
      results = { ...results, index: { ...machine, ...results.index, exportFromIndex: { ...figures, targets: exportFromIndexTargets(figures) } } };
    }
    if (parts.insights || parts.insightsPaint) results = { ...results, insights: await insightsBench(dir, parts, log, results.insights) };
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    log(`figures written to ${out}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
