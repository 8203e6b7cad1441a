// The benchmark's figures: computed once, printed as a compact table and written to
// bench/results.json, each target marked met or missed (never asserted: a slow shared
// machine must not fail a build, but it must not hide a miss either).
import type { WorkerResult } from './workerProtocol';

export interface BenchFigures {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  /** A Node process doing nothing, for scale. */
  readonly idleNodeRssMb: number;
  readonly setup: { readonly records: number; readonly latencyMs: number; readonly concurrency: number; readonly pageSize: number; readonly rateLimit: string };
  readonly ours: { readonly runs: readonly WorkerResult[]; readonly medianElapsedMs: number; readonly requestsPerRun: number; readonly peakRssMb: number };
  readonly baseline: WorkerResult & { readonly peakRssMb: number };
  readonly speedup: number;
  readonly ideal: { readonly pages: number; readonly ms: number; readonly oursOverIdeal: number };
  readonly budget: { readonly maxInWindow: number; readonly limit: number; readonly rateLimited: number; readonly held: boolean };
  readonly tenX: WorkerResult & { readonly peakRssMb: number; readonly clientLimitPer10Min: number; readonly emulatorLimit: string };
  readonly targets: Readonly<Record<'speedup' | 'ideal' | 'budget' | 'rss', { readonly target: string; readonly met: boolean }>>;
}

export const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const n = (value: number): string => value.toLocaleString('en-US');
const mark = (met: boolean): string => (met ? 'met' : 'MISSED');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatReport(f: BenchFigures): string {
  const rows: string[][] = [
    ['exporter', 'records', 'elapsed', 'requests', 'peak RSS'],
    [`ours (exportRuns, ${f.setup.concurrency} at once)`, n(f.ours.runs[0]?.records ?? 0), s(f.ours.medianElapsedMs), n(f.ours.requestsPerRun), `${f.ours.peakRssMb} MB`],
    [
      'baseline (follow nextLink)',
      n(f.baseline.records),
      s(f.baseline.elapsedMs),
      `${n(f.baseline.requests)} (${n(f.baseline.foreignRequests ?? 0)} to the nextLink origin)`,
      `${f.baseline.peakRssMb} MB`,
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r
      .map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('   ')
      .trimEnd(),
  );
  const t = f.targets;
  return [
    `Export benchmark: ${n(f.setup.records)} Paragon executions; emulator (child process) with ${f.setup.latencyMs} ms latency and a limit of ${f.setup.rateLimit}`,
    `Node ${f.node}, ${f.cpus} CPUs. Ours: median of ${f.ours.runs.length} runs (${f.ours.runs.map((r) => s(r.elapsedMs)).join(', ')}); each exporter in its own process.`,
    '',
    ...table,
    '',
    `speed-up      ${f.speedup.toFixed(1)}× (baseline / ours)                                  target ${t.speedup.target}: ${mark(t.speedup.met)}`,
    `ideal         ${s(f.ideal.ms)} = ${n(f.ideal.pages)} pages ÷ ${f.setup.concurrency} × ${f.setup.latencyMs} ms; ours / ideal = ${f.ideal.oursOverIdeal.toFixed(2)}×        target ${t.ideal.target}: ${mark(t.ideal.met)}`,
    `rate budget   at most ${n(f.budget.maxInWindow)} requests in any 10-minute window (limit ${n(f.budget.limit)}), ${f.budget.rateLimited} answered 429   ${mark(t.budget.met)}`,
    `10× records   ${n(f.tenX.records)} in ${s(f.tenX.elapsedMs)}, ${n(f.tenX.requests)} requests, peak RSS ${f.tenX.peakRssMb} MB            target ${t.rss.target}: ${mark(t.rss.met)}`,
    `              (${n(f.tenX.records / f.setup.pageSize)} pages exceed 1,000 per 10 min, so this run used an emulator ${f.tenX.emulatorLimit} and a client limit raised to ${n(f.tenX.clientLimitPer10Min)} per 10 min)`,
    `peak RSS is the whole worker process; an idle Node process alone peaks at ${f.idleNodeRssMb} MB here`,
  ].join('\n');
}
