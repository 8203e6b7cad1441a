import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { RUN_COLUMNS } from '../../src/core/export/columns';
import { ExportTargetError } from '../../src/core/export/exportErrors';
import { exportRuns, type ExportOptions, type ExportProgress } from '../../src/core/export/exportRuns';
import type { ExportedRun } from '../../src/core/export/records';
import type { ExportFormat } from '../../src/core/export/sinks';
import type { RunPage, RunQuery } from '../../src/core/model';
import { SnapshotMismatchError } from '../../src/core/paging';
import type { HistorySource, ListOptions } from '../../src/core/source';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { AuthError } from '../../src/core/errors';
import { ParagonClient, type ParagonClientOptions } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';
import type { RunningEmulator } from '../../emulator/server';

type Row = Record<string, string>;

/** A source whose listing is changed before every page request (new runs, lost runs). */
function beforeEachPage(source: HistorySource, hook: (offset: number) => void, edit?: (page: RunPage) => RunPage): HistorySource {
  return {
    kind: source.kind,
    label: source.label,
    capabilities: source.capabilities,
    getRun: (id, signal) => source.getRun(id, signal),
    async listPage(query: RunQuery, offset: number, options?: ListOptions): Promise<RunPage> {
      hook(offset);
      const page = await source.listPage(query, offset, options);
      return edit ? edit(page) : page;
    },
  };
}

function paragon(emulator: RunningEmulator, options: Partial<ParagonClientOptions> = {}): ParagonClient {
  return new ParagonClient({
    projectId: emulator.projectId,
    baseUrl: new URL(emulator.paragonBaseUrl).origin,
    apiKey: emulator.apiKey,
    rateLimit: null,
    retries: 8,
    retryBaseDelayMs: 5,
    concurrency: 16,
    ...options,
  });
}

async function readRecords(file: string, format: ExportFormat): Promise<ExportedRun[] | Row[]> {
  const text = await readFile(file, 'utf8');
  if (format === 'json') return JSON.parse(text) as ExportedRun[];
  if (format === 'ndjson') {
    assert.ok(text.endsWith('\n'), 'NDJSON ends with a newline');
    // Every line parses on its own: what BigQuery and DuckDB need.
    return text
      .slice(0, -1)
      .split('\n')
      .map((line) => JSON.parse(line) as ExportedRun);
  }
  return parse(text, { columns: true, skip_empty_lines: false }) as Row[];
}

async function idsIn(file: string, format: ExportFormat): Promise<string[]> {
  return (await readRecords(file, format)).map((r) => r.id!);
}

function assertExactly(ids: readonly string[], expected: readonly string[]): void {
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  assert.equal(ids.length, expected.length, 'none missing, none extra');
  assert.deepEqual(ids, expected, 'the same ids as the API, oldest first');
}

describe('Export', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thx-export-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const leftovers = async () => (await readdir(dir)).filter((name) => name.endsWith('.part'));

  describe('Paragon, client-side', () => {
    const emulator = useEmulator();
    /** Before any test starts live runs: a pin here gives the same records however long a test takes. */
    let seededBy: Date;
    before(() => {
      seededBy = new Date();
    });
    beforeEach(() => {
      emulator().faults.clear();
      emulator().resetStats();
    });
    const exportTo = (format: ExportFormat, extra: Partial<ExportOptions> = {}) =>
      exportRuns({ source: paragon(emulator()), query: {}, format, target: join(dir, `runs.${format}`), pinnedAt: new Date(), ...extra });
    const truthBefore = (pinnedAt: Date, filter = {}) => emulator().truth.paragonIds({ ...filter, beforeDate: pinnedAt.toISOString() });

    for (const format of ['json', 'ndjson', 'csv'] as const) {
      it(`writes exactly the runs before the pin to ${format.toUpperCase()}, oldest first`, async () => {
        const progress: ExportProgress[] = [];
        const result = await exportTo(format, { onProgress: (p) => progress.push(p) });
        const expected = truthBefore(result.pinnedAt);
        assertExactly(await idsIn(result.target, format), expected);
        assert.equal(result.method, 'client');
        assert.equal(result.records, expected.length);
        assert.equal(result.total, expected.length);
        assert.equal(progress.at(-1)?.written, expected.length, 'the last progress report counts every run');
        assert.deepEqual(await leftovers(), []);
      });
    }

    const storms = [
      { kind: 'server-error', what: '5xx answers' },
      { kind: 'rate-limit', what: 'a 429 storm' },
      { kind: 'drop', what: 'dropped connections' },
      { kind: 'truncate', what: 'bodies cut short' },
    ] as const;
    for (const { kind, what } of storms) {
      it(`stays exact through ${what} hitting the concurrent pages`, async () => {
        // The storm starts once the first page has given the total, when 16 pages are in flight.
        const source = beforeEachPage(paragon(emulator()), (offset) => {
          if (offset === 100) emulator().faults.inject(kind, 24, /workflow-executions/);
        });
        const pinnedAt = new Date();
        const result = await exportRuns({ source, query: {}, format: 'ndjson', target: join(dir, 'runs.ndjson'), pinnedAt });
        assertExactly(await idsIn(result.target, 'ndjson'), truthBefore(pinnedAt));
        assert.equal(emulator().stats().faultsInjected[kind], 24, `${kind} faults were served`);
      });
    }

    it('stays exact while new runs start before every page request', async () => {
      const started: string[] = [];
      const source = beforeEachPage(paragon(emulator()), () => started.push(...emulator().startRuns(4)));
      const pinnedAt = new Date();
      const result = await exportRuns({ source, query: {}, format: 'json', target: join(dir, 'live.json'), pinnedAt });
      const ids = await idsIn(result.target, 'json');
      assertExactly(ids, truthBefore(pinnedAt));
      assert.ok(started.length >= 4 * 30, 'runs did start during the export');
      const exported = new Set(ids);
      assert.ok(
        started.every((id) => !exported.has(id)),
        'runs started after the pin are not in the file',
      );
    });

    it('writes CSV that parses back to the same records as the JSON export, field by field', async () => {
      const pinnedAt = seededBy;
      const json = (await readRecords((await exportTo('json', { pinnedAt })).target, 'json')) as ExportedRun[];
      const csv = (await readRecords((await exportTo('csv', { pinnedAt })).target, 'csv')) as Row[];
      // Open runs' duration and task count grow between the two exports; nothing else moves.
      const growing = new Set(['durationMs', 'taskCount']);
      assert.equal(csv.length, json.length);
      assert.deepEqual(Object.keys(csv[0]!), [...RUN_COLUMNS], 'the documented columns, in order');
      json.forEach((record, i) => {
        for (const column of RUN_COLUMNS) {
          if (growing.has(column) && record.endedAt === undefined) continue;
          const value = record[column];
          assert.equal(csv[i]![column], value === undefined ? '' : String(value), `${record.id} ${column}`);
        }
      });
    });

    it("adds each run's steps with --include-steps, as many as the run has", async () => {
      const { query, expected } = smallGroup(emulator());
      const result = await exportTo('json', { query, includeSteps: true });
      const records = (await readRecords(result.target, 'json')) as ExportedRun[];
      assert.deepEqual(
        records.map((r) => r.id),
        expected,
      );
      const client = paragon(emulator());
      for (const record of records) {
        const detail = await client.getRun(record.id);
        assert.equal(record.steps?.length, detail.steps.length, `${record.id} steps`);
        assert.equal(record.stepCount, detail.steps.length);
        assert.deepEqual(
          record.steps?.map((s) => s.id),
          detail.steps.map((s) => s.id),
        );
        assert.ok(
          record.steps?.every((s) => !('isLargeInput' in s)),
          'no payload fields without --include-payloads',
        );
      }
      assert.equal(emulator().stats().byRoute['paragon.step'], 0, 'no step payload requests');
    });

    it("adds every step's input and output with --include-payloads, one request per step", async () => {
      const { query, expected } = smallGroup(emulator());
      const result = await exportTo('ndjson', { query, includeSteps: true, includePayloads: true });
      const records = (await readRecords(result.target, 'ndjson')) as ExportedRun[];
      assert.deepEqual(
        records.map((r) => r.id),
        expected,
      );
      const steps = records.flatMap((r) => r.steps ?? []);
      const requested = emulator().stats().byRoute['paragon.step'];
      assert.equal(requested, steps.length, 'one payload request per step');
      const client = paragon(emulator());
      for (const record of records.slice(0, 3)) {
        assert.equal(record.steps?.length, (await client.getRun(record.id)).steps.length);
        for (const step of record.steps ?? []) {
          const payload = await client.getStepPayload(record.id, step.id);
          assert.deepEqual([step.input, step.output, step.isLargeInput, step.isLargeOutput], [payload.input, payload.output, payload.isLargeInput, payload.isLargeOutput]);
        }
      }
    });

    it('writes one CSV row per step with --include-steps', async () => {
      const { query } = smallGroup(emulator());
      const pinnedAt = new Date();
      const json = (await readRecords((await exportTo('json', { query, pinnedAt, includeSteps: true })).target, 'json')) as ExportedRun[];
      const rows = (await readRecords((await exportTo('csv', { query, pinnedAt, includeSteps: true, includePayloads: true })).target, 'csv')) as Row[];
      assert.equal(
        rows.length,
        json.reduce((n, r) => n + Math.max(1, r.steps?.length ?? 0), 0),
      );
      assert.deepEqual(
        rows.map((r) => r['step.id']),
        json.flatMap((r) => r.steps?.map((s) => s.id) ?? ['']),
      );
      assert.ok(rows.every((r) => r['step.isLargeInput'] === 'true' || r['step.isLargeInput'] === 'false'));
    });

    it('leaves nothing at the target and no temporary file when cancelled mid-way', async () => {
      const controller = new AbortController();
      const target = join(dir, 'cancelled.json');
      await assert.rejects(
        exportRuns({
          source: paragon(emulator()),
          query: {},
          format: 'json',
          target,
          includeSteps: true,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.written >= 300) controller.abort();
          },
        }),
      );
      assert.equal(controller.signal.aborted, true);
      assert.deepEqual(await readdir(dir), [], 'no file, no .part');
    });

    it('leaves nothing behind, and an existing file untouched, when the key is rejected', async () => {
      const target = join(dir, 'runs.json');
      await writeFile(target, 'the previous export\n');
      await assert.rejects(exportRuns({ source: paragon(emulator(), { apiKey: 'not-the-key' }), query: {}, format: 'json', target }), AuthError);
      assert.equal(await readFile(target, 'utf8'), 'the previous export\n');
      assert.deepEqual(await leftovers(), []);
    });

    it("fails, leaving nothing, when the runs do not add up to the API's total", async () => {
      const lossy = beforeEachPage(
        paragon(emulator()),
        () => undefined,
        (page) => (page.offset === 100 ? { ...page, runs: page.runs.slice(1) } : page),
      );
      await assert.rejects(exportRuns({ source: lossy, query: {}, format: 'csv', target: join(dir, 'runs.csv') }), SnapshotMismatchError);
      assert.deepEqual(await readdir(dir), []);
    });

    it('says clearly when the target folder does not exist, before any request', async () => {
      const target = join(dir, 'missing', 'runs.json');
      await assert.rejects(exportRuns({ source: paragon(emulator()), query: {}, format: 'json', target }), (error: unknown) => {
        assert.ok(error instanceof ExportTargetError);
        assert.match(error.message, /folder .*missing does not exist/);
        return true;
      });
      assert.equal(emulator().stats().requests, 0);
    });

    it('says clearly when the target is a folder', async () => {
      await assert.rejects(exportRuns({ source: paragon(emulator()), query: {}, format: 'json', target: dir }), /is a folder/);
    });
  });

  describe('Paragon under random faults and live starts', () => {
    const emulator = useEmulator({ paragonExecutions: 2000, faultRate: 0.1, faultKinds: ['server-error', 'drop', 'truncate', 'non-json', 'rate-limit'] });
    it('is exact in every format', async () => {
      for (const format of ['json', 'ndjson', 'csv'] as const) {
        const source = beforeEachPage(paragon(emulator()), () => emulator().startRuns(2));
        const pinnedAt = new Date();
        const result = await exportRuns({ source, query: {}, format, target: join(dir, `runs.${format}`), pinnedAt });
        assertExactly(await idsIn(result.target, format), emulator().truth.paragonIds({ beforeDate: pinnedAt.toISOString() }));
      }
      const faults = emulator().stats().faultsInjected;
      assert.ok(faults['server-error'] > 0 && faults['drop'] > 0 && faults['rate-limit'] > 0, JSON.stringify(faults));
    });
  });

  describe('Dispersl', () => {
    const emulator = useEmulator();
    const dispersl = () => new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null, concurrency: 16 });

    it("uses the API's own export when nothing client-side is asked, and pages otherwise, with the same ids", async () => {
      const pinnedAt = new Date();
      const expected = emulator().truth.disperslIds({ to_date: pinnedAt.toISOString() });
      emulator().resetStats();
      const server = await exportRuns({ source: dispersl(), query: {}, format: 'json', target: join(dir, 'server.json'), pinnedAt });
      assert.equal(server.method, 'server');
      assert.equal(emulator().stats().byRoute['dispersl.export'], 1);
      const serverIds = (JSON.parse(await readFile(server.target, 'utf8')) as { task_id: string }[]).map((t) => t.task_id);

      emulator().resetStats();
      const client = await exportRuns({ source: dispersl(), query: {}, format: 'json', target: join(dir, 'client.json'), pinnedAt, preferServerExport: false });
      assert.equal(client.method, 'client');
      assert.equal(emulator().stats().byRoute['dispersl.export'], 0);
      const clientIds = await idsIn(client.target, 'json');

      assert.deepEqual(serverIds, expected);
      assert.deepEqual(clientIds, expected);
      assert.equal(server.records, expected.length);
    });

    it("streams the API's CSV export and counts its rows through quoted line breaks", async () => {
      const pinnedAt = new Date();
      const result = await exportRuns({ source: dispersl(), query: { status: 'failed' }, format: 'csv', target: join(dir, 'failed.csv'), pinnedAt });
      assert.equal(result.method, 'server');
      const rows = parse(await readFile(result.target, 'utf8'), { columns: true }) as Row[];
      assert.deepEqual(
        rows.map((r) => r['task_id']),
        emulator().truth.disperslIds({ status: 'failed', to_date: pinnedAt.toISOString() }),
      );
    });

    it('pages client-side for steps, and its CSV keeps names with quotes, commas and line breaks', async () => {
      const pinnedAt = new Date();
      const json = (await readRecords(
        (await exportRuns({ source: dispersl(), query: {}, format: 'json', target: join(dir, 'a.json'), pinnedAt, preferServerExport: false })).target,
        'json',
      )) as ExportedRun[];
      const csvResult = await exportRuns({ source: dispersl(), query: {}, format: 'csv', target: join(dir, 'a.csv'), pinnedAt, preferServerExport: false });
      const csv = (await readRecords(csvResult.target, 'csv')) as Row[];
      assert.ok(
        json.some((r) => /[",\r\n]/.test(r.name ?? '')),
        'the data has names that need quoting',
      );
      assert.deepEqual(
        csv.map((r) => r['name']),
        json.map((r) => r.name ?? ''),
      );
      const steps = await exportRuns({ source: dispersl(), query: { status: 'succeeded' }, format: 'ndjson', target: join(dir, 's.ndjson'), includeSteps: true });
      assert.equal(steps.method, 'client');
      const records = (await readRecords(steps.target, 'ndjson')) as ExportedRun[];
      for (const record of records.slice(0, 5)) assert.equal(record.steps?.length, (await dispersl().getRun(record.id)).steps.length);
    });
  });
});

/**
 * A handful of runs (one connected user's) with no 1,000-step landmark among them, so step
 * payloads cost tens of requests, not thousands.
 */
function smallGroup(emulator: RunningEmulator): { query: RunQuery; expected: string[] } {
  const all = emulator.truth.paragonIds({});
  const huge = new Set(all.filter((_, i) => i % 1000 === 999));
  for (const userId of emulator.truth.userIds) {
    const expected = emulator.truth.paragonIds({ userId });
    if (expected.length >= 3 && expected.length <= 12 && expected.every((id) => !huge.has(id))) return { query: { userId }, expected };
  }
  throw new Error('no small group of runs in the seeded data');
}
