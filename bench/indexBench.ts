// The run index's benchmarks (issue 11), run by `npm run bench` (or alone: `node dist/bench.js
// --only index`). Each sync runs in its own process (bench/syncWorker.ts) against the emulator
// in another, so its time and peak RSS are its own:
//   1. A first sync of the emulator's 15,000 Paragon runs under a request budget: requests per
//      run, and time against the bound the budget sets (requests ÷ the rate sync may use).
//      Paragon's 1,000 per 10 minutes would take over an hour here, so the window is scaled
//      down (the limit stays 1,000) and the emulator's latency with it; the client's budget
//      is the emulator's limit, as a user would configure it.
//   2. 150,000 runs indexed by a sync from a 150,000-run emulator with no rate limit: the
//      sync's peak RSS, the file's size per 1,000 runs (and per table), and the tree's group
//      counts read from the file (median and p95 of many calls, the first one apart). The file
//      lives on tmpfs (/dev/shm) where there is one: sync commits each failed run's steps in
//      a transaction of its own, and at one fsync each a disk spends ~10 minutes on 18,000 of
//      them with no rate limit to wait for (within a rate budget, the budget is the bound).
//      Memory, size and reads do not depend on it.
// Figures only: targets are reported, never asserted.
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SYNC_BUDGET_SHARE } from '../src/runIndex/budgetedSource';
import { RunIndex } from '../src/runIndex/runIndex';
import { openSqlite } from '../src/runIndex/sqlite';
import type { RunQuery } from '../src/core/model';
import { ARRIVAL_JITTER_MS } from '../src/sources/http/slidingWindow';
import type { SyncTask, SyncWorkerResult } from './indexProtocol';
import { runWorker, startEmulatorProcess, type EmulatorProcess } from './processes';
import { mb, median } from './report';

export const SYNC_RUNS = 15_000;
/** Paragon's documented limit per window, kept; the window is what is scaled. */
const DOCUMENTED_LIMIT = 1000;
const DOCUMENTED_WINDOW_S = 600;
const SCALED_WINDOW_S = 15;
const SCALE = DOCUMENTED_WINDOW_S / SCALED_WINDOW_S;
/** The export bench's 100 ms, scaled like the window, so requests and windows keep their proportion. */
const SCALED_LATENCY_MS = Math.ceil(100 / SCALE);
export const LARGE_RUNS = 150_000;
const COUNT_CALLS = 50;
const DAY = 86_400_000;

export interface CountFigure {
  readonly name: string;
  readonly calls: number;
  /** The first call after the file was opened. */
  readonly firstMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly result: Readonly<Record<string, number>>;
}

export interface IndexFigures {
  readonly budgetedSync: {
    readonly runs: number;
    readonly emulatorRateLimit: string;
    readonly scale: number;
    readonly latencyMs: number;
    readonly clientBudget: { readonly limit: number; readonly intervalMs: number };
    readonly share: number;
    readonly listed: number;
    readonly indexed: number;
    readonly details: number;
    /** Requests the emulator answered during the sync, and those the sync counted itself. */
    readonly requests: number;
    readonly requestsCounted: number;
    readonly requestsPerRun: number;
    readonly elapsedMs: number;
    /** requests ÷ (share × limit ÷ window): the time the budget's rate allows. */
    readonly boundMs: number;
    readonly overBound: number;
    /** The least a sliding window allows: full windows before the last burst, each with the limiter's arrival slack. */
    readonly windowFloorMs: number;
    readonly maxInWindow: number;
    readonly rateLimited: number;
    readonly peakRssMb: number;
  };
  readonly large: {
    readonly runs: number;
    readonly fill: string;
    readonly syncElapsedMs: number;
    readonly requests: number;
    readonly details: number;
    readonly indexed: number;
    readonly peakRssMb: number;
    /** Where the file was: tmpfs or the temporary folder's disk. */
    readonly fileSystem: string;
    readonly fileBytes: number;
    readonly bytesPer1000Runs: number;
    /** Bytes per table and index (SQLite's dbstat), largest first. */
    readonly tables: readonly { readonly name: string; readonly bytes: number }[];
    /** What is stored: steps and failing outputs, as JSON text. */
    readonly stored: { readonly steps: number; readonly stepJsonBytes: number; readonly runJsonBytes: number; readonly failingOutputs: number };
    readonly openMs: number;
    readonly counts: readonly CountFigure[];
  };
}

async function withEmulator<T>(args: readonly string[], body: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
  const emulator = await startEmulatorProcess(args);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function timeCalls(name: string, call: () => Map<string, number> | number): CountFigure {
  const times: number[] = [];
  let result: Map<string, number> | number = 0;
  for (let i = 0; i < COUNT_CALLS; i++) {
    const started = performance.now();
    result = call();
    times.push(performance.now() - started);
  }
  const rest = times.slice(1);
  return {
    name,
    calls: COUNT_CALLS,
    firstMs: times[0]!,
    medianMs: median(rest),
    p95Ms: percentile(rest, 95),
    result: typeof result === 'number' ? { count: result } : Object.fromEntries(result),
  };
}

async function budgetedSync(dir: string, log: (line: string) => void): Promise<IndexFigures['budgetedSync']> {
  const rate = `${DOCUMENTED_LIMIT}/${SCALED_WINDOW_S}`;
  const args = ['--paragon-executions', String(SYNC_RUNS), '--dispersl-tasks', '0', '--latency', String(SCALED_LATENCY_MS), '--rate-limit', rate];
  return withEmulator(args, async (emulator) => {
    const clientBudget = { limit: DOCUMENTED_LIMIT, intervalMs: SCALED_WINDOW_S * 1000 };
    const task: SyncTask = {
      baseUrl: emulator.paragonBaseUrl,
      projectId: emulator.projectId,
      indexPath: join(dir, 'budgeted.db'),
      rateLimit: clientBudget,
    };
    await emulator.resetStats();
    log(`index: first sync of ${SYNC_RUNS.toLocaleString('en-US')} runs within half of ${rate} (window scaled ${SCALE}× down)…`);
    const result = await runWorker<SyncWorkerResult>('bench-sync-worker.js', task, emulator.apiKey);
    const stats = await emulator.stats();
    if (result.indexed !== SYNC_RUNS) throw new Error(`the sync indexed ${result.indexed} runs, expected ${SYNC_RUNS}`);
    const share = DEFAULT_SYNC_BUDGET_SHARE;
    const allowed = Math.floor(DOCUMENTED_LIMIT * share);
    const boundMs = stats.requests / (allowed / clientBudget.intervalMs);
    const windowFloorMs = (Math.ceil(stats.requests / allowed) - 1) * (clientBudget.intervalMs + ARRIVAL_JITTER_MS);
    return {
      runs: SYNC_RUNS,
      emulatorRateLimit: `${DOCUMENTED_LIMIT} requests / ${SCALED_WINDOW_S} s`,
      scale: SCALE,
      latencyMs: SCALED_LATENCY_MS,
      clientBudget,
      share,
      listed: result.listed,
      indexed: result.indexed,
      details: result.details,
      requests: stats.requests,
      requestsCounted: result.requests,
      requestsPerRun: stats.requests / SYNC_RUNS,
      elapsedMs: result.elapsedMs,
      boundMs,
      overBound: result.elapsedMs / boundMs,
      windowFloorMs,
      maxInWindow: stats.maxInWindow,
      rateLimited: stats.rateLimited,
      peakRssMb: mb(result.maxRssKb),
    };
  });
}

/** A folder on tmpfs where the machine has one, else `fallback`. */
export function fastFolder(fallback: string): { dir: string; fileSystem: string; cleanup: () => void } {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const dir = mkdtempSync('/dev/shm/thx-bench-');
    return { dir, fileSystem: 'tmpfs (/dev/shm)', cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch {
    return { dir: fallback, fileSystem: 'disk (temporary folder)', cleanup: () => undefined };
  }
}

/** Bytes per table and index, and what the tables hold, read straight from the file (the index is closed). */
function fileContents(path: string): Pick<IndexFigures['large'], 'tables' | 'stored'> {
  const db = openSqlite(path, { mustExist: true });
  try {
    const tables = db.all('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').map((r) => ({ name: String(r['name']), bytes: Number(r['bytes']) }));
    const steps = db.get('SELECT count(*) AS n, coalesce(sum(length(step)), 0) AS bytes FROM steps')!;
    const runs = db.get('SELECT coalesce(sum(length(summary)), 0) AS bytes FROM runs')!;
    const failing = db.get('SELECT count(*) AS n FROM failing_outputs')!;
    return { tables, stored: { steps: Number(steps['n']), stepJsonBytes: Number(steps['bytes']), runJsonBytes: Number(runs['bytes']), failingOutputs: Number(failing['n']) } };
  } finally {
    db.close();
  }
}

async function largeIndex(dir: string, log: (line: string) => void): Promise<IndexFigures['large']> {
  const folder = fastFolder(dir);
  try {
    return await largeIndexIn(folder.dir, folder.fileSystem, log);
  } finally {
    folder.cleanup();
  }
}

async function largeIndexIn(dir: string, fileSystem: string, log: (line: string) => void): Promise<IndexFigures['large']> {
  const path = join(dir, 'large.db');
  const args = ['--paragon-executions', String(LARGE_RUNS), '--dispersl-tasks', '0'];
  const synced = await withEmulator(args, async (emulator) => {
    log(`index: sync of ${LARGE_RUNS.toLocaleString('en-US')} runs, no rate limit, into ${fileSystem}…`);
    const task: SyncTask = { baseUrl: emulator.paragonBaseUrl, projectId: emulator.projectId, indexPath: path, rateLimit: null };
    const result = await runWorker<SyncWorkerResult>('bench-sync-worker.js', task, emulator.apiKey);
    const stats = await emulator.stats();
    return { result, requests: stats.requests };
  });
  if (synced.result.indexed !== LARGE_RUNS) throw new Error(`the sync indexed ${synced.result.indexed} runs, expected ${LARGE_RUNS}`);
  const fileBytes = statSync(path).size;
  const contents = fileContents(path);

  log('index: group counts from the file…');
  const opened = performance.now();
  const index = RunIndex.open(path);
  const openMs = performance.now() - opened;
  try {
    const sourceId = synced.result.sourceId;
    const now = Date.now();
    const lastWeek: RunQuery = { startedAfter: new Date(now - 7 * DAY) };
    const failedLastMonth: RunQuery = { status: 'failed', startedAfter: new Date(now - 30 * DAY) };
    const counts = [
      timeCalls('countsByStatus, all runs (the tree’s groups)', () => index.countsByStatus(sourceId)),
      timeCalls('countsByStatus, started in the last 7 days', () => index.countsByStatus(sourceId, lastWeek)),
      timeCalls('count, failed in the last 30 days', () => index.count(sourceId, failedLastMonth)),
    ];
    return {
      runs: LARGE_RUNS,
      fill: `syncSource (as task-history sync --all-history) from a ${LARGE_RUNS.toLocaleString('en-US')}-run emulator, no rate limit, no latency; failed runs with their steps and failing step output`,
      syncElapsedMs: synced.result.elapsedMs,
      requests: synced.requests,
      details: synced.result.details,
      indexed: synced.result.indexed,
      peakRssMb: mb(synced.result.maxRssKb),
      fileSystem,
      fileBytes,
      bytesPer1000Runs: fileBytes / (LARGE_RUNS / 1000),
      openMs,
      counts,
      ...contents,
    };
  } finally {
    index.close();
  }
}

export async function runIndexBench(dir: string, log: (line: string) => void): Promise<IndexFigures> {
  const budgeted = await budgetedSync(dir, log);
  const large = await largeIndex(dir, log);
  return { budgetedSync: budgeted, large };
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const n = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const mark = (met: boolean): string => (met ? 'met' : 'MISSED');

export interface IndexTargets {
  readonly syncBound: { readonly target: string; readonly met: boolean };
  readonly counts: { readonly target: string; readonly met: boolean };
  readonly syncRss: { readonly target: string; readonly met: boolean };
}

export function indexTargets(f: IndexFigures): IndexTargets {
  const slowest = Math.max(...f.large.counts.map((c) => c.p95Ms));
  return {
    syncBound: { target: '≤ 1.2× the budget’s bound', met: f.budgetedSync.overBound <= 1.2 },
    counts: { target: '< 100 ms (p95)', met: slowest < 100 },
    syncRss: { target: '≤ 200 MB', met: f.large.peakRssMb <= 200 },
  };
}

export function formatIndexReport(f: IndexFigures, idleNodeRssMb: number): string {
  const b = f.budgetedSync;
  const l = f.large;
  const t = indexTargets(f);
  const countRows = l.counts.map((c) => `  ${c.name.padEnd(46)} median ${ms(c.medianMs).padStart(8)}   p95 ${ms(c.p95Ms).padStart(8)}   first ${ms(c.firstMs).padStart(8)}`);
  return [
    `Run index benchmark (issue 11). Emulator and each sync in their own processes.`,
    '',
    `Sync of ${n(b.runs)} Paragon runs under a request budget: emulator limit ${b.emulatorRateLimit} (Paragon's 1,000 / 10 min with the WINDOW SCALED ${b.scale}× DOWN; latency ${b.latencyMs} ms, scaled alike);`,
    `  client budget ${n(b.clientBudget.limit)} / ${b.clientBudget.intervalMs / 1000} s, sync's share ${b.share} → ${n(b.clientBudget.limit * b.share)} requests per window.`,
    `  ${n(b.indexed)} runs indexed, ${n(b.details)} failed runs with steps; ${n(b.requests)} requests (${b.requestsPerRun.toFixed(3)} per run; the sync counted ${n(b.requestsCounted)})`,
    `  time ${s(b.elapsedMs)}; bound ${s(b.boundMs)} = ${n(b.requests)} requests ÷ ${n(b.clientBudget.limit * b.share)} per ${b.clientBudget.intervalMs / 1000} s; time / bound = ${b.overBound.toFixed(2)}×   target ${t.syncBound.target}: ${mark(t.syncBound.met)}`,
    `  (a sliding window lets the first ${n(b.clientBudget.limit * b.share)} go at once: its floor is ${s(b.windowFloorMs)}, with the limiter's ${ARRIVAL_JITTER_MS / 1000} s arrival slack per window)`,
    `  at most ${n(b.maxInWindow)} requests in any emulator window, ${b.rateLimited} answered 429; peak RSS ${b.peakRssMb} MB`,
    '',
    `${n(l.runs)} runs indexed by ${l.fill}:`,
    `  sync ${s(l.syncElapsedMs)}, ${n(l.requests)} requests, ${n(l.details)} failed runs with steps; peak RSS ${l.peakRssMb} MB (idle Node: ${idleNodeRssMb} MB)   target ${t.syncRss.target}: ${mark(t.syncRss.met)}`,
    `  file ${(l.fileBytes / 1_048_576).toFixed(1)} MB on ${l.fileSystem} = ${(l.bytesPer1000Runs / 1024).toFixed(0)} KB per 1,000 runs; opened (with its checks) in ${ms(l.openMs)}`,
    `    holding ${n(l.runs)} runs (${(l.stored.runJsonBytes / 1_048_576).toFixed(1)} MB of run JSON), ${n(l.stored.steps)} steps (${(l.stored.stepJsonBytes / 1_048_576).toFixed(1)} MB of step JSON), ${n(l.stored.failingOutputs)} failing outputs`,
    `    by table: ${l.tables.map((t) => `${t.name} ${(t.bytes / 1_048_576).toFixed(1)} MB`).join(', ')}`,
    `  group counts from the file, ${l.counts[0]?.calls ?? 0} calls each (median and p95 of all but the first):   target ${t.counts.target}: ${mark(t.counts.met)}`,
    ...countRows,
  ].join('\n');
}
