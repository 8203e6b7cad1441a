// `npm run bench`: our export against the docs' way (follow nextLink one page at a time),
// in the same run, against the emulator in a child process with 100 ms latency and
// Paragon's documented limit; then our peak RSS at 10× the records. Figures are printed
// and written to bench/results.json; targets are reported, never asserted.
import { cpus, tmpdir } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_EXPORT_CONCURRENCY } from '../src/core/export/exportRuns';
import { PARAGON_PAGE_SIZE } from '../src/sources/paragon/paragonClient';
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

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'thx-bench-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
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

    const idleRss = mb(await idleNodeRssKb());
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
    const out = resolve(__dirname, '..', 'bench', 'results.json');
    await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
    log(`figures written to ${out}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
