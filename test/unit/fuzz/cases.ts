// The fuzz cases themselves: targets (what a user does: list, get, step detail, client
// export, server export), one case = one operation by a real client over real HTTP through
// the mutating server, judged by the oracle. Used by worker.ts, one child process per
// target, so that even a case that kills its process (an out-of-memory crash) is reported
// as a failure of that case instead of ending the suite.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportRuns } from '../../../src/core/export/exportRuns';
import type { ExportFormat } from '../../../src/core/export/sinks';
import type { RunQuery } from '../../../src/core/model';
import { runs, snapshot } from '../../../src/core/paging';
import type { HistorySource } from '../../../src/core/source';
import { DisperslClient } from '../../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../../src/sources/paragon/paragonClient';
import { createSource, type SourceDependencies } from '../../../src/sources/createSource';
import type { SourceConfig } from '../../../src/sources/sourceConfig';
import { rememberSecret } from '../../../src/core/redaction';
import { startEmulator, type RunningEmulator } from '../../../emulator/server';
import { FAMILIES, type Family, type FamilyName } from './mutations';
import { MutatingServer, type CasePlan, type Route } from './mutatingServer';
import {
  checkError,
  checkFolder,
  checkKeyLeak,
  checkRunShape,
  compareExport,
  compareIdSets,
  describeError,
  errorName,
  readExport,
  type Failure,
  type FileKind,
  type ParsedExport,
} from './oracle';
import { hashString, Rng } from './prng';

export const FUZZ_KEY = 'fuzz-key-4f7c1e9a2b6d';
export const BASE_SEED = Number(process.env['FUZZ_SEED'] ?? 20261129) >>> 0;
/** A case taking longer than this has hung (generous: a case normally takes milliseconds). */
export const CASE_BOUND_MS = 15_000;
/** Trickle and stall cases: 250 ms of silence or a 500 ms deadline per attempt, two attempts at most. */
export const SLOW_BOUND_MS = 6_000;
const SLOW_TIMEOUT_MS = 250;
const SLOW_DEADLINE_MS = 500;

export type Kind = 'paragon' | 'dispersl';

const LIST_ONLY: readonly FamilyName[] = ['lying-totals', 'looping-next'];
const ALL_FAMILIES = FAMILIES.map((f) => f.name);

/** The static plan: which targets, which families, how many cases (known before anything starts). */
export interface TargetSpec {
  readonly name: string;
  readonly families: readonly FamilyName[];
  readonly cases: number;
}

export const TARGET_SPECS: readonly TargetSpec[] = [
  { name: 'list:paragon', families: ALL_FAMILIES, cases: 18 },
  { name: 'list:dispersl', families: ALL_FAMILIES, cases: 18 },
  { name: 'get:paragon', families: ALL_FAMILIES.filter((n) => !LIST_ONLY.includes(n)), cases: 14 },
  { name: 'get:dispersl', families: ALL_FAMILIES.filter((n) => !LIST_ONLY.includes(n)), cases: 14 },
  { name: 'step:paragon', families: ALL_FAMILIES.filter((n) => !LIST_ONLY.includes(n) && n !== 'repeated-ids'), cases: 12 },
  { name: 'export:paragon', families: ALL_FAMILIES, cases: 12 },
  { name: 'export:dispersl', families: ALL_FAMILIES, cases: 12 },
  { name: 'server-export:dispersl', families: ALL_FAMILIES, cases: 16 },
];

export interface CaseId {
  readonly target: string;
  readonly family: FamilyName;
  readonly index: number;
}

export function caseName(c: CaseId): string {
  return `${c.target}/${c.family}/${c.index}`;
}

/** Every case of a target, in order; `scale` multiplies the counts (trickles stay at 3). */
export function casesOf(spec: TargetSpec, scale: number, only?: string): CaseId[] {
  const out: CaseId[] = [];
  for (const family of spec.families) {
    const slow = FAMILIES.find((f) => f.name === family)!.slow ?? false;
    const count = slow ? 3 : Math.max(1, Math.round(spec.cases * scale));
    for (let index = 0; index < count; index++) {
      const c = { target: spec.name, family, index };
      if (!only || caseName(c) === only) out.push(c);
    }
  }
  return out;
}

export function caseSeed(c: CaseId): number {
  return hashString(caseName(c), BASE_SEED);
}

export interface CaseReport {
  readonly id: string;
  readonly seed: number;
  readonly label: string;
  readonly outcome: string;
  /** The error's message, when the case ended in one. */
  readonly message?: string;
  readonly ms: number;
  readonly requests: number;
  readonly mutated: number;
  readonly notes: readonly string[];
  readonly failures: readonly Failure[];
}

interface CaseSetup {
  /** What the case does, for the report: "snapshot failed (43 runs)". */
  readonly label: string;
  readonly routes: readonly Route[];
  /** Runs the operation; returns its failures when it resolved. */
  run(source: HistorySource, signal: AbortSignal, altered: ReadonlySet<string>): Promise<Failure[]>;
  /** After a rejection (files left behind…). */
  afterFailure?(): Promise<Failure[]>;
  /** Upper bound on list requests for the case: what the data justifies, retries and a re-read included. */
  readonly maxListRequests?: number;
  readonly maxRequests?: number;
  /** One resource, one request: mutate it (not a quarter of the time). */
  readonly single?: boolean;
}

interface Target {
  readonly kind: Kind;
  prepare(rng: Rng, family: Family, caseDir: string): CaseSetup;
}

const QUERIES: Record<Kind, Record<string, RunQuery>> = {
  paragon: { all: {}, failed: { status: 'failed' }, succeeded: { status: 'succeeded' }, delayed: { status: 'delayed' } },
  dispersl: { all: {}, failed: { status: 'failed' }, succeeded: { status: 'succeeded' }, cancelled: { status: 'cancelled' } },
};

const PARAGON_STATUS: Record<string, string> = { failed: 'FAILED', succeeded: 'SUCCEEDED', delayed: 'DELAYED', running: 'EXECUTING' };
const DISPERSL_STATUS: Record<string, string> = { failed: 'failed', succeeded: 'completed', cancelled: 'cancelled', running: 'in_progress', queued: 'created' };

function pagesOf(n: number): number {
  return Math.max(1, Math.ceil(n / 100));
}

export class FuzzRunner {
  private emulator!: RunningEmulator;
  private proxy!: MutatingServer;
  private root = '';
  private paragonIds: string[] = [];
  private disperslIds: string[] = [];
  private readonly stepPool: [string, string][] = [];
  private readonly baselines = new Map<string, Promise<ParsedExport>>();
  private caseCount = 0;
  private current: { uncaught: Failure[] } | undefined;
  /** Process-level failures outside any case. */
  readonly stray: Failure[] = [];
  private targets: Record<string, Target> = {};

  private readonly onUncaught = (error: unknown) => (this.current?.uncaught ?? this.stray).push({ kind: 'uncaught-exception', detail: describeError(error) });
  private readonly onRejection = (reason: unknown) => (this.current?.uncaught ?? this.stray).push({ kind: 'unhandled-rejection', detail: describeError(reason) });

  async init(): Promise<void> {
    // As the CLI and the extension do with the key they use: the redactor then knows it.
    rememberSecret(FUZZ_KEY);
    process.on('uncaughtException', this.onUncaught);
    process.on('unhandledRejection', this.onRejection);
    this.emulator = await startEmulator({ seed: 11, paragonExecutions: 250, disperslTasks: 250, apiKey: FUZZ_KEY });
    this.paragonIds = this.truthIds('paragon', {}).filter((_, i) => i % 7 === 0);
    this.disperslIds = this.truthIds('dispersl', {}).filter((_, i) => i % 7 === 0);
    const direct = this.client('paragon', this.directOrigin(), false);
    for (const id of this.paragonIds.slice(0, 12)) {
      const detail = await direct.getRun(id);
      for (const step of detail.steps.slice(0, 4)) this.stepPool.push([id, step.id]);
    }
    this.proxy = new MutatingServer(this.directOrigin(), { paragon: this.paragonIds, dispersl: this.disperslIds });
    await this.proxy.start();
    this.root = await mkdtemp(join(tmpdir(), 'thx-fuzz-'));
    this.targets = {
      'list:paragon': this.listTarget('paragon'),
      'list:dispersl': this.listTarget('dispersl'),
      'get:paragon': this.getTarget('paragon'),
      'get:dispersl': this.getTarget('dispersl'),
      'step:paragon': this.stepTarget(),
      'export:paragon': this.exportTarget('paragon', false),
      'export:dispersl': this.exportTarget('dispersl', false),
      'server-export:dispersl': this.exportTarget('dispersl', true),
    };
  }

  async close(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off('uncaughtException', this.onUncaught);
    process.off('unhandledRejection', this.onRejection);
    await this.proxy?.close();
    await this.emulator?.close();
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  private directOrigin(): string {
    return new URL(this.emulator.paragonBaseUrl).origin;
  }

  private truthIds(kind: Kind, query: RunQuery): string[] {
    if (kind === 'paragon') return this.emulator.truth.paragonIds({ status: query.status ? PARAGON_STATUS[query.status] : undefined, beforeDate: new Date().toISOString() });
    return this.emulator.truth.disperslIds({ status: query.status ? DISPERSL_STATUS[query.status] : undefined });
  }

  private client(kind: Kind, origin: string, slow: boolean, viaConfig = false): HistorySource {
    const tuning = {
      apiKey: FUZZ_KEY,
      retries: 1,
      retryBaseDelayMs: 1,
      timeoutMs: slow ? SLOW_TIMEOUT_MS : 5_000,
      concurrency: 4,
    };
    // The request deadline and body caps: small, so trickles end fast and the gzip bomb
    // (24 MiB) is over the cap.
    const limits = {
      deadlineMs: slow ? SLOW_DEADLINE_MS : 8_000,
      streamDeadlineMs: slow ? 3 * SLOW_DEADLINE_MS : 10_000,
      maxResponseBytes: 8 * 1024 * 1024,
      maxStreamBytes: 8 * 1024 * 1024,
    };
    if (viaConfig) {
      // The way the extension and the CLI build a source: from its configuration. Its
      // dependencies are spread into the client's options, retries and budget included.
      const config: SourceConfig =
        kind === 'paragon' ? { id: 'fuzz-paragon', kind, projectId: this.emulator.projectId, baseUrl: origin } : { id: 'fuzz-dispersl', kind, baseUrl: `${origin}/v1` };
      // Retries and the budget are not dependencies a host passes; the client takes them from
      // the spread all the same (the default budgets, 1,000 per 10 minutes or per hour, would
      // throttle the suite's thousands of requests).
      const deps: SourceDependencies & Record<string, unknown> = { ...tuning, ...limits, rateLimit: null, requestsPerHour: null };
      return createSource(config, deps);
    }
    if (kind === 'paragon') return new ParagonClient({ projectId: this.emulator.projectId, baseUrl: origin, rateLimit: null, ...tuning, ...limits });
    return new DisperslClient({ baseUrl: `${origin}/v1`, requestsPerHour: null, ...tuning, ...limits });
  }

  /** The unmutated server's export for this query and format: what a mutated one must equal. */
  private baseline(kind: Kind, queryName: string, fileKind: FileKind, includeSteps: boolean, includePayloads: boolean): Promise<ParsedExport> {
    const key = `${kind}|${queryName}|${fileKind}|${includeSteps}|${includePayloads}`;
    let found = this.baselines.get(key);
    if (!found) {
      found = (async () => {
        const dir = join(this.root, `baseline-${this.baselines.size}`);
        await mkdir(dir);
        const format = fileKind.replace('server-', '') as ExportFormat;
        const target = join(dir, `out.${format}`);
        await exportRuns({
          source: this.client(kind, this.directOrigin(), false),
          query: QUERIES[kind][queryName]!,
          format,
          target,
          includeSteps,
          includePayloads,
          preferServerExport: fileKind.startsWith('server-'),
        });
        const parsed = await readExport(target, fileKind, includeSteps);
        const check = compareIdSets(parsed.ids, this.truthIds(kind, QUERIES[kind][queryName]!), `baseline ${key}`);
        if (check.length > 0) throw new Error(`the unmutated export is already wrong: ${check[0]!.detail}`);
        return parsed;
      })();
      this.baselines.set(key, found);
    }
    return found;
  }

  // ------------------------------------------------------------------ targets

  private listTarget(kind: Kind): Target {
    return {
      kind,
      prepare: (rng) => {
        const queryName = rng.pick(Object.keys(QUERIES[kind]));
        const query = QUERIES[kind][queryName]!;
        const expected = this.truthIds(kind, query);
        const mode = rng.pick(['snapshot', 'snapshot', 'snapshot', 'runs', 'runs', 'listPage'] as const);
        const listRoute: Route = kind === 'paragon' ? 'paragon.list' : 'dispersl.list';
        const offset = rng.pick([0, 100, 200]);
        const known = new Set(this.truthIds(kind, {}));
        return {
          label: `${mode}${mode === 'listPage' ? `@${offset}` : ''} ${queryName} (${expected.length} runs)`,
          routes: [listRoute],
          maxListRequests: 6 * (pagesOf(expected.length) + 2),
          async run(source, signal) {
            if (mode === 'snapshot') {
              const ids: string[] = [];
              const failures: Failure[] = [];
              for await (const run of snapshot(source, query, { signal })) {
                ids.push(run.id);
                failures.push(...checkRunShape(run, 'snapshot run'));
                if (ids.length > expected.length * 3 + 300)
                  return [...failures, { kind: 'wrong-result', detail: `runaway snapshot: over ${ids.length} runs for ${expected.length}` }];
              }
              return [...compareIdSets(ids, expected, 'snapshot'), ...failures.slice(0, 3)];
            }
            if (mode === 'runs') {
              let count = 0;
              const failures: Failure[] = [];
              for await (const run of runs(source, query, { signal })) {
                count++;
                failures.push(...checkRunShape(run, 'listed run'));
                if (!known.has(run.id)) failures.push({ kind: 'wrong-result', detail: `listed a run the server does not hold: ${JSON.stringify(run.id)}` });
                // `list --all` printed 100,002 rows for a server holding 230.
                if (count > expected.length * 2 + 100)
                  return [...failures.slice(0, 3), { kind: 'wrong-result', detail: `runaway listing: over ${count} runs for a server holding ${expected.length}` }];
              }
              return failures.slice(0, 3);
            }
            const page = await source.listPage(query, offset, { signal, order: 'asc' });
            const inFilter = new Set(expected);
            const failures: Failure[] = [];
            for (const run of page.runs) {
              failures.push(...checkRunShape(run, 'page run'));
              if (!inFilter.has(run.id)) failures.push({ kind: 'wrong-result', detail: `page holds a run outside the filter: ${JSON.stringify(run.id)}` });
            }
            if (!Number.isSafeInteger(page.total) || page.total < 0) failures.push({ kind: 'wrong-result', detail: `page total ${page.total}` });
            if (page.nextOffset !== undefined && (!Number.isSafeInteger(page.nextOffset) || page.nextOffset <= offset)) {
              failures.push({ kind: 'wrong-result', detail: `nextOffset ${page.nextOffset} does not advance from ${offset}` });
            }
            return failures.slice(0, 3);
          },
        };
      },
    };
  }

  private getTarget(kind: Kind): Target {
    return {
      kind,
      prepare: (rng) => {
        const id = rng.pick(kind === 'paragon' ? this.paragonIds : this.disperslIds);
        return {
          label: `getRun ${id}`,
          routes: [kind === 'paragon' ? 'paragon.get' : 'dispersl.get'],
          maxRequests: 4,
          single: true,
          async run(source, signal) {
            const detail = await source.getRun(id, signal);
            const failures = checkRunShape(detail, 'run detail');
            if (detail.id !== id) failures.push({ kind: 'wrong-result', detail: `asked for run ${id}, got the detail of ${JSON.stringify(detail.id)}` });
            if (!Array.isArray(detail.steps)) failures.push({ kind: 'wrong-result', detail: 'steps is not an array' });
            else for (const step of detail.steps) failures.push(...checkRunShape(step, 'step'));
            return failures.slice(0, 3);
          },
        };
      },
    };
  }

  private stepTarget(): Target {
    return {
      kind: 'paragon',
      prepare: (rng) => {
        const [runId, stepId] = rng.pick(this.stepPool);
        return {
          label: `getStepPayload ${runId}/${stepId}`,
          routes: ['paragon.step'],
          maxRequests: 4,
          single: true,
          async run(source, signal) {
            const payload = await source.getStepPayload!(runId, stepId, signal);
            const failures: Failure[] = [];
            if (payload.runId !== runId || payload.stepId !== stepId) failures.push({ kind: 'wrong-result', detail: `payload for ${payload.runId}/${payload.stepId}` });
            if (typeof payload.isLargeInput !== 'boolean' || typeof payload.isLargeOutput !== 'boolean') failures.push({ kind: 'wrong-result', detail: 'isLarge* not boolean' });
            return failures;
          },
        };
      },
    };
  }

  private exportTarget(kind: Kind, server: boolean): Target {
    return {
      kind,
      prepare: (rng, family, caseDir) => {
        const format: ExportFormat = server ? rng.pick(['json', 'csv'] as const) : rng.pick(['json', 'ndjson', 'csv'] as const);
        const includeSteps = !server && rng.chance(0.4);
        const includePayloads = includeSteps && kind === 'paragon' && rng.chance(0.25);
        const queryName = includePayloads
          ? 'delayed'
          : includeSteps
            ? rng.pick(kind === 'paragon' ? ['failed', 'delayed'] : ['failed', 'cancelled'])
            : rng.pick(['all', 'all', 'failed', 'succeeded']);
        const query = QUERIES[kind][queryName]!;
        const expected = this.truthIds(kind, query);
        const fileKind: FileKind = server ? (`server-${format}` as FileKind) : format;
        const listRoute: Route = kind === 'paragon' ? 'paragon.list' : 'dispersl.list';
        const listOnly = family.routes.every((r) => r === 'paragon.list' || r === 'dispersl.list');
        let routes: Route[];
        if (server) routes = listOnly ? [listRoute] : rng.chance(0.75) ? ['dispersl.export'] : ['dispersl.export', listRoute];
        else {
          routes = [listRoute];
          if (includeSteps && !listOnly && rng.chance(0.7)) routes.push(kind === 'paragon' ? 'paragon.get' : 'dispersl.get');
          if (includePayloads && !listOnly && rng.chance(0.7)) routes.push('paragon.step');
        }
        const name = `out.${format}`;
        const target = join(caseDir, name);
        const baseline = () => this.baseline(kind, queryName, fileKind, includeSteps, includePayloads);
        return {
          label: `${server ? 'server ' : ''}export ${format}${includeSteps ? ' +steps' : ''}${includePayloads ? ' +payloads' : ''} ${queryName} (${expected.length} runs)`,
          routes,
          maxListRequests: 6 * (pagesOf(expected.length) + 2),
          async run(source, signal, altered) {
            const result = await exportRuns({ source, query, format, target, includeSteps, includePayloads, preferServerExport: server, signal });
            // A successful NDJSON export writes its BigQuery schema beside it (runs.ndjson → runs.schema.json), and only then.
            const failures = await checkFolder(caseDir, name, true, result.schemaFile ? [basename(result.schemaFile)] : []);
            if (format === 'ndjson' && result.schemaFile !== join(caseDir, 'out.schema.json')) {
              failures.push({ kind: 'wrong-result', detail: `an NDJSON export that succeeded named its schema file ${String(result.schemaFile)}` });
            }
            if (failures.length > 0) return failures;
            let parsed: ParsedExport;
            try {
              parsed = await readExport(target, fileKind, includeSteps);
            } catch (error) {
              return [
                {
                  kind: 'corrupt-file',
                  detail: `export resolved (${result.records} records) but the file is not valid ${fileKind}: ${error instanceof Error ? error.message : String(error)}`,
                },
              ];
            }
            return compareExport(parsed, await baseline(), expected, altered);
          },
          afterFailure: () => checkFolder(caseDir, name, false),
        };
      },
    };
  }

  // ------------------------------------------------------------------ one case

  async runCase(c: CaseId): Promise<CaseReport> {
    const id = caseName(c);
    const family = FAMILIES.find((f) => f.name === c.family)!;
    const target = this.targets[c.target];
    if (!target) throw new Error(`no target ${c.target}`);
    const seed = caseSeed(c);
    const rng = new Rng(seed);
    const caseDir = join(this.root, `case-${this.caseCount++}`);
    await mkdir(caseDir);
    const setup = target.prepare(rng.fork('setup'), family, caseDir);
    const planRng = rng.fork('plan');
    const slow = family.slow ?? false;
    const plan: CasePlan = {
      seed,
      routes: setup.routes.filter((r) => family.routes.includes(r)),
      p: slow || setup.single ? 1 : planRng.pick([1, 0.5, 0.25]),
      attempts: planRng.pick(['first', 'all'] as const),
      maxMutations: slow ? 2 : planRng.pick([1, 3, 25]),
      mutate: (request) => family.mutate(request),
    };
    const record = this.proxy.begin(plan);
    const state = { uncaught: [] as Failure[] };
    this.current = state;
    const controller = new AbortController();
    const source = this.client(target.kind, this.proxy.origin, slow, (seed & 1) === 1);
    const started = performance.now();
    const failures: Failure[] = [];
    let outcome: string;
    let message = '';
    let timer: NodeJS.Timeout | undefined;
    const operation = setup.run(source, controller.signal, record.altered).then(
      (found) => ({ ok: true as const, found }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const bound = slow ? SLOW_BOUND_MS : CASE_BOUND_MS;
    const settled = await Promise.race([operation, new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), bound)))]);
    clearTimeout(timer);
    const ms = performance.now() - started;
    if (settled === 'hang') {
      outcome = 'hang';
      failures.push({ kind: 'hang', detail: `still running after ${bound} ms` });
      controller.abort();
      this.proxy.end();
      await Promise.race([operation, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    } else if (settled.ok) {
      outcome = 'ok';
      failures.push(...settled.found);
    } else {
      outcome = errorName(settled.error);
      message = settled.error instanceof Error ? settled.error.message.slice(0, 200) : String(settled.error).slice(0, 200);
      failures.push(...checkError(settled.error), ...checkKeyLeak(settled.error, FUZZ_KEY));
      if (setup.afterFailure) failures.push(...(await setup.afterFailure()));
    }
    const requests = Object.values(record.requests).reduce((a, b) => a + (b ?? 0), 0);
    const listRequests = (record.requests['paragon.list'] ?? 0) + (record.requests['dispersl.list'] ?? 0);
    this.proxy.end();
    // Let rejections nobody handled surface while this case is still the current one.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.current = undefined;
    failures.push(...state.uncaught);
    if (setup.maxListRequests !== undefined && listRequests > setup.maxListRequests) {
      failures.push({ kind: 'excess-requests', detail: `${listRequests} list requests where at most ${setup.maxListRequests} are justified` });
    }
    if (setup.maxRequests !== undefined && requests > setup.maxRequests) failures.push({ kind: 'excess-requests', detail: `${requests} requests for one resource` });
    if (({} as Record<string, unknown>)['polluted'] !== undefined) {
      failures.push({ kind: 'prototype-pollution', detail: 'Object.prototype.polluted is set' });
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    }
    const proxyError = record.notes.find((n) => n.startsWith('PROXY ERROR'));
    if (proxyError) failures.push({ kind: 'harness', detail: proxyError });
    await rm(caseDir, { recursive: true, force: true });
    return {
      id,
      seed,
      label: `${setup.label} → ${outcome} in ${ms.toFixed(0)} ms (${record.mutated} mutated of ${requests} requests)`,
      outcome,
      message,
      ms,
      requests,
      mutated: record.mutated,
      notes: record.notes,
      failures,
    };
  }
}
