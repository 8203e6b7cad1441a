// A local, seeded emulator of Paragon's Task History API and Dispersl's History API, on
// loopback, for client tests, e2e tests, the demo and benchmarks. It is deliberately hard on
// clients: nextLink points at another origin, faults and rate limits can be switched on, and
// payloads carry hostile strings. It shares no code with src/ so it cannot agree with a
// client's bugs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDisperslRouter } from './dispersl/disperslRoutes';
import { TaskStore } from './dispersl/taskStore';
import { DEFAULT_RANDOM_FAULT_KINDS, FAULT_KINDS, type EmulatorOptions, type FaultKind, type RunningEmulator } from './emulatorTypes';
import type { ApiRouter } from './http/apiTypes';
import { createControlHandler } from './http/controlRoutes';
import { FaultInjector } from './http/faultInjector';
import { createRequestListener } from './http/requestListener';
import { SlidingWindowLimiter } from './http/slidingWindow';
import { StatsRecorder } from './http/statsRecorder';
import { createParagonRouter } from './paragon/paragonRoutes';
import { RunQuery } from './paragon/runQuery';
import { RunStore } from './paragon/runStore';

export type { EmulatorOptions, EmulatorStats, FaultKind, RunningEmulator } from './emulatorTypes';

export const DEFAULT_PROJECT_ID = '9c1d4b52-3f0e-4a8b-b7d2-6e5f1a2c3d4e';
export const DEFAULT_API_KEY = 'thx-demo-key';
/** Where the decoy origin listens: another loopback address, so the origin differs by host. */
const DECOY_HOST = '127.0.0.2';

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(`startEmulator: ${message}`);
}

function validate(o: EmulatorOptions): void {
  const isCount = (n: number | undefined, max: number) => n === undefined || (Number.isInteger(n) && n >= 0 && n <= max);
  check(isCount(o.paragonExecutions, 5_000_000), 'paragonExecutions must be an integer from 0 to 5,000,000');
  check(isCount(o.disperslTasks, 1_000_000), 'disperslTasks must be an integer from 0 to 1,000,000');
  check(isCount(o.port, 65_535), 'port must be an integer from 0 to 65535');
  check(isCount(o.replayDurationMs, 2 ** 31), 'replayDurationMs must be a non-negative integer');
  check(o.latencyMs === undefined || (Number.isFinite(o.latencyMs) && o.latencyMs >= 0), 'latencyMs must be >= 0');
  check(o.faultRate === undefined || (o.faultRate >= 0 && o.faultRate <= 1), 'faultRate must be from 0 to 1');
  check(o.trickleIntervalMs === undefined || (Number.isFinite(o.trickleIntervalMs) && o.trickleIntervalMs >= 1), 'trickleIntervalMs must be >= 1');
  check(o.gzipBombBytes === undefined || (Number.isSafeInteger(o.gzipBombBytes) && o.gzipBombBytes >= 0), 'gzipBombBytes must be a non-negative integer');
  check(o.liveStartsPerSecond === undefined || (Number.isFinite(o.liveStartsPerSecond) && o.liveStartsPerSecond >= 0), 'liveStartsPerSecond must be >= 0');
  check(!o.rateLimit || (Number.isInteger(o.rateLimit.limit) && o.rateLimit.limit >= 1 && o.rateLimit.windowMs > 0), 'rateLimit needs limit >= 1 and windowMs > 0');
  check(!o.faultKinds || o.faultKinds.every((k) => FAULT_KINDS.includes(k)), `faultKinds must be among ${FAULT_KINDS.join(', ')}`);
  check(o.now === undefined || Number.isFinite(o.now.getTime()), 'now must be a valid date');
  check((o.extraStatuses?.length ?? 0) <= 200, 'at most 200 extraStatuses');
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Keep-alive sockets and streams in progress would hold close() open.
    server.closeAllConnections();
  });
}

/** A host as it can appear in a URL that clients connect to. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  validate(options);
  const clock = () => Date.now();
  const seed = (options.seed ?? 42) >>> 0;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const nowMs = options.now?.getTime() ?? clock();
  const replayDurationMs = options.replayDurationMs ?? 3000;
  const liveStartsPerSecond = options.liveStartsPerSecond ?? 0;

  const runs = new RunStore({
    seed,
    count: options.paragonExecutions ?? 15_000,
    nowMs,
    extraStatuses: options.extraStatuses ?? [],
    replayDurationMs,
    liveStartsPerSecond,
    clock,
  });
  const query = new RunQuery(runs);
  const tasks = new TaskStore({ seed, count: options.disperslTasks ?? 600, nowMs, liveStartsPerSecond, clock });
  const stats = new StatsRecorder(options.rateLimit?.windowMs ?? 600_000);
  const faults = new FaultInjector(seed, options.faultRate ?? 0, options.faultKinds ?? [...DEFAULT_RANDOM_FAULT_KINDS], {
    trickleIntervalMs: options.trickleIntervalMs,
    gzipBombBytes: options.gzipBombBytes,
  });
  const limiter = options.rateLimit ? new SlidingWindowLimiter(options.rateLimit.limit, options.rateLimit.windowMs) : undefined;

  let foreignOrigin = '';
  const paragon = createParagonRouter({
    store: runs,
    query,
    projectId,
    apiKey,
    nextLinkOrigin: () => foreignOrigin,
    clock,
    onReplay: (sourceId, newId) => stats.replay(sourceId, newId, clock()),
  });
  const dispersl = createDisperslRouter({ store: tasks, apiKey, clock });
  const router: ApiRouter = (request) => paragon(request) ?? dispersl(request);
  const inject = (kind: FaultKind, count: number, match?: RegExp) => faults.inject(kind, count, match);
  const startRuns = (count: number, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') => runs.startRuns(count, outcome);
  const control = createControlHandler({
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    inject,
    clearFaults: () => faults.clear(),
    startRuns,
  });
  const common = { router, stats, faults, limiter, latencyMs: options.latencyMs ?? 0, clock };
  const main = http.createServer(createRequestListener({ ...common, control, decoy: false }));
  const decoy = http.createServer(createRequestListener({ ...common, decoy: true }));

  const host = options.host ?? '127.0.0.1';
  const address = await listen(main, options.port ?? 0, host);
  let decoyAddress: AddressInfo;
  try {
    decoyAddress = await listen(decoy, 0, DECOY_HOST);
  } catch {
    // Some systems (macOS) only configure 127.0.0.1: another port is still another origin.
    decoyAddress = await listen(decoy, 0, '127.0.0.1');
  }
  const origin = `http://${urlHost(host)}:${address.port}`;
  foreignOrigin = `http://${urlHost(decoyAddress.address)}:${decoyAddress.port}`;

  let closing: Promise<void> | undefined;
  return {
    paragonBaseUrl: `${origin}/projects/${projectId}/task-history`,
    disperslBaseUrl: `${origin}/v1`,
    controlUrl: `${origin}/__emulator`,
    foreignOrigin,
    apiKey,
    projectId,
    faults: { inject, clear: () => faults.clear() },
    startRuns,
    truth: {
      paragonIds: (filter) => Array.from(query.matching(query.compile(filter, false)), (i) => runs.idOf(i)),
      disperslIds: (filter) => tasks.matching(filter).map((i) => tasks.idOf(i)),
      integrations: [...runs.catalog.integrations],
      workflowIds: runs.catalog.workflows.map((w) => w.id),
      userIds: [...runs.catalog.userIds],
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: () => (closing ??= Promise.all([closeServer(main), closeServer(decoy)]).then(() => undefined)),
  };
}
