// A second export of the same range, through the run index against the API alone (issue 11:
// at least 50× faster), in the same run, each export in its own process (bench/exportWorker.ts)
// against the emulator with the export bench's 100 ms latency:
//   1. a sync (no steps: export is what fetches them here) makes the index cover the range;
//   2. the API alone exports the pinned range, with --include-steps and without;
//   3. a first export through the index with --include-steps fetches the steps and keeps them;
//   4. a second one through the index, with and without steps, is timed against step 2.
// The range is a month that ended a week ago, pinned once for every export. Fetching a month's
// steps from the API takes one request per run, hours at Paragon's 1,000 per 10 minutes, so the
// emulator has no rate limit here and the client's budget is raised (said in the output).
import { join } from 'node:path';
import type { SyncTask, SyncWorkerResult } from './indexProtocol';
import { runWorker, startEmulatorProcess } from './processes';
import type { WorkerResult, WorkerTask } from './workerProtocol';

const RUNS = 15_000;
const LATENCY_MS = 100;
const CLIENT_LIMIT_PER_10_MIN = 1_000_000;
const DAY = 86_400_000;

export interface ExportFromIndexFigures {
  readonly runs: number;
  readonly latencyMs: number;
  readonly clientLimitPer10Min: number;
  readonly range: { readonly startedAfter: string; readonly startedBefore: string };
  readonly records: number;
  readonly sync: { readonly elapsedMs: number; readonly requests: number };
  readonly withSteps: { readonly api: WorkerResult; readonly firstThroughIndex: WorkerResult; readonly index: WorkerResult; readonly speedup: number };
  readonly withoutSteps: { readonly api: WorkerResult; readonly index: WorkerResult; readonly speedup: number };
}

function expectIndex(result: WorkerResult, who: string): void {
  if (result.method !== 'index') throw new Error(`${who} did not read through the index (method ${result.method}): ${result.fallback ?? 'no reason given'}`);
}

export async function runExportFromIndexBench(dir: string, log: (line: string) => void): Promise<ExportFromIndexFigures> {
  const emulator = await startEmulatorProcess(['--paragon-executions', String(RUNS), '--dispersl-tasks', '0', '--latency', String(LATENCY_MS)]);
  try {
    const now = Date.now();
    const range = { startedAfter: new Date(now - 37 * DAY).toISOString(), startedBefore: new Date(now - 7 * DAY).toISOString() };
    const indexPath = join(dir, 'export.db');
    const common = { baseUrl: emulator.paragonBaseUrl, projectId: emulator.projectId, requestsPer10Min: CLIENT_LIMIT_PER_10_MIN, ...range };
    const exportOnce = (name: string, task: Partial<WorkerTask>) =>
      runWorker<WorkerResult>('bench-export-worker.js', { ...common, target: join(dir, `${name}.json`), ...task }, emulator.apiKey);

    log('export through the index: sync first (runs only)…');
    const syncTask: SyncTask = {
      baseUrl: emulator.paragonBaseUrl,
      projectId: emulator.projectId,
      indexPath,
      rateLimit: { limit: CLIENT_LIMIT_PER_10_MIN, intervalMs: 600_000 },
      details: 'none',
    };
    const sync = await runWorker<SyncWorkerResult>('bench-sync-worker.js', syncTask, emulator.apiKey);

    log('export through the index: the API alone, with steps and without…');
    const apiSteps = await exportOnce('api-steps', { includeSteps: true });
    const api = await exportOnce('api', {});
    log('export through the index: first export with steps (fills the index), then the second, with steps and without…');
    const first = await exportOnce('index-first', { indexPath, includeSteps: true });
    const indexSteps = await exportOnce('index-steps', { indexPath, includeSteps: true });
    const index = await exportOnce('index', { indexPath });
    expectIndex(first, 'the first export');
    expectIndex(indexSteps, 'the second export with steps');
    expectIndex(index, 'the second export without steps');
    for (const r of [apiSteps, first, indexSteps, index]) {
      if (r.records !== api.records) throw new Error(`exports of the same range disagree: ${r.records} and ${api.records} records`);
    }
    return {
      runs: RUNS,
      latencyMs: LATENCY_MS,
      clientLimitPer10Min: CLIENT_LIMIT_PER_10_MIN,
      range,
      records: api.records,
      sync: { elapsedMs: sync.elapsedMs, requests: sync.requests },
      withSteps: { api: apiSteps, firstThroughIndex: first, index: indexSteps, speedup: apiSteps.elapsedMs / indexSteps.elapsedMs },
      withoutSteps: { api, index, speedup: api.elapsedMs / index.elapsedMs },
    };
  } finally {
    await emulator.stop();
  }
}

const s = (ms: number): string => (ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);
const n = (value: number): string => Math.round(value).toLocaleString('en-US');

export interface ExportFromIndexTargets {
  readonly withSteps: { readonly target: string; readonly met: boolean };
  readonly withoutSteps: { readonly target: string; readonly met: boolean };
}

export function exportFromIndexTargets(f: ExportFromIndexFigures): ExportFromIndexTargets {
  return { withSteps: { target: '≥ 50×', met: f.withSteps.speedup >= 50 }, withoutSteps: { target: '≥ 50×', met: f.withoutSteps.speedup >= 50 } };
}

export function formatExportFromIndex(f: ExportFromIndexFigures): string {
  const t = exportFromIndexTargets(f);
  const row = (label: string, r: WorkerResult) =>
    `  ${label.padEnd(44)} ${s(r.elapsedMs).padStart(8)}   ${n(r.requests).padStart(6)} requests   peak RSS ${(r.maxRssKb / 1024).toFixed(1)} MB`;
  return [
    `A second export of the same range, through the index against the API alone: ${n(f.records)} runs started ${f.range.startedAfter.slice(0, 10)} to ${f.range.startedBefore.slice(0, 10)} (pinned)`,
    `  of ${n(f.runs)}; emulator latency ${f.latencyMs} ms, NO RATE LIMIT (a month's steps cost a request per run: hours at 1,000 per 10 min), client budget raised to ${n(f.clientLimitPer10Min)} per 10 min.`,
    `  The index was filled by a sync of runs only (${s(f.sync.elapsedMs)}, ${n(f.sync.requests)} requests), then by the first export with steps. Times include opening the index.`,
    row('API alone, --include-steps', f.withSteps.api),
    row('index, first export, --include-steps (fills)', f.withSteps.firstThroughIndex),
    row('index, second export, --include-steps', f.withSteps.index),
    row('API alone, no steps', f.withoutSteps.api),
    row('index, no steps', f.withoutSteps.index),
    `  speed-up with steps ${f.withSteps.speedup.toFixed(1)}× (API alone / second through the index)   target ${t.withSteps.target}: ${t.withSteps.met ? 'met' : 'MISSED'}`,
    `  speed-up without steps ${f.withoutSteps.speedup.toFixed(1)}×                                    target ${t.withoutSteps.target}: ${t.withoutSteps.met ? 'met' : 'MISSED'}`,
  ].join('\n');
}
