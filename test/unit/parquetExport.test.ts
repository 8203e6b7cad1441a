import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { formatFromPath } from '../../src/cli/argParsers';
import { PART_SUFFIX, tempFileStreams } from '../../src/core/export/atomicFile';
import { bigQuerySchema, bigQuerySchemaPath, writeCompanionFiles, type BigQueryField } from '../../src/core/export/bigQuerySchema';
import { ExportTargetError } from '../../src/core/export/exportErrors';
import { exportRuns, type ExportOptions } from '../../src/core/export/exportRuns';
import { DEFAULT_PARQUET_LIMITS, ParquetSink, parseTimestamp } from '../../src/core/export/parquetSink';
import { recordFields, type RecordField } from '../../src/core/export/recordFields';
import type { ExportedRun } from '../../src/core/export/records';
import type { HistorySource } from '../../src/core/source';
import type { RunQuery } from '../../src/core/model';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { HOSTILE_ERROR, HOSTILE_STRINGS } from '../../emulator/hostile';
import type { RunningEmulator } from '../../emulator/server';
import { useEmulator } from './support/emulatorFixture';
import { failAfter, stallAfter } from './support/fullDisk';

type Row = Record<string, unknown>;

function paragon(emulator: RunningEmulator): ParagonClient {
  return new ParagonClient({
    projectId: emulator.projectId,
    baseUrl: new URL(emulator.paragonBaseUrl).origin,
    apiKey: emulator.apiKey,
    rateLimit: null,
    retries: 8,
    retryBaseDelayMs: 5,
    concurrency: 16,
  });
}

function dispersl(emulator: RunningEmulator): DisperslClient {
  return new DisperslClient({ baseUrl: emulator.disperslBaseUrl, apiKey: emulator.apiKey, requestsPerHour: null, concurrency: 16 });
}

async function readNdjson(file: string): Promise<ExportedRun[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExportedRun);
}

async function readParquet(file: string): Promise<{ rows: Row[]; rowGroups: number[] }> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const rows = (await parquetReadObjects({ file: buffer, metadata })) as Row[];
  return { rows, rowGroups: metadata.row_groups.map((g) => Number(g.num_rows)) };
}

/** What UTF-8 can hold of a JavaScript string: each lone surrogate becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A JSON value with every string (and key) well-formed, as it comes back from Parquet. */
function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormedValue);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(copy, wellFormed(key), { value: wellFormedValue(item), enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return value;
}

/**
 * Checks one Parquet row against the NDJSON record of the same run, field by field, in the
 * Parquet column's own type: strings equal, timestamps the same instant, integers the same
 * number, lists and steps element by element, payloads the same JSON. `skip` names fields
 * that may change between two exports (an open run's duration).
 */
function assertSameRecord(row: Row, record: Row, fields: readonly RecordField[], where: string, skip: ReadonlySet<string> = new Set()): void {
  const known = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(record)) assert.ok(known.has(key), `${where}: the NDJSON field ${key} has a Parquet column`);
  for (const field of fields) {
    if (skip.has(field.name)) continue;
    const expected = Object.hasOwn(record, field.name) ? record[field.name] : undefined;
    assertSameValue(row[field.name], expected, field, `${where}.${field.name}`);
  }
}

function assertSameValue(actual: unknown, expected: unknown, field: RecordField, where: string): void {
  if (expected === undefined) {
    assert.equal(actual, null, `${where}: missing in NDJSON, null in Parquet`);
    return;
  }
  if (field.repeated) {
    assert.ok(Array.isArray(actual) && Array.isArray(expected), `${where}: a list`);
    assert.equal(actual.length, expected.length, `${where}: as many elements`);
    expected.forEach((item, i) => assertSameValue(actual[i], item, { ...field, repeated: false }, `${where}[${i}]`));
    return;
  }
  switch (field.type) {
    case 'record':
      assertSameRecord(actual as Row, expected as Row, field.fields ?? [], where);
      return;
    case 'string':
      assert.equal(actual, wellFormed(expected as string), where);
      return;
    case 'timestamp':
      assert.ok(actual instanceof Date, `${where}: a timestamp`);
      assert.equal(actual.getTime(), Date.parse(expected as string), `${where}: the same instant as ${String(expected)}`);
      return;
    case 'integer':
      assert.equal(typeof actual, 'bigint', `${where}: INT64`);
      assert.equal(Number(actual), expected, where);
      return;
    case 'float':
    case 'boolean':
      assert.equal(actual, expected, where);
      return;
    case 'json':
      // JSON null reads back as null, like a missing value; any other value as parsed JSON.
      assert.deepEqual(actual, wellFormedValue(expected), where);
      return;
  }
}

/** A BigQuery TIMESTAMP as a JSON load takes it: date, time, optional fraction (to microseconds) and zone. */
const BIGQUERY_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$/;

/** Asserts that BigQuery would load `record` with `schema`: every field is in it, with a value its type takes. */
function assertLoads(record: Row, schema: readonly BigQueryField[], where: string): void {
  const byName = new Map(schema.map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(record)) {
    const field = byName.get(key);
    assert.ok(field, `${where}: the field ${key} is in the schema`);
    if (value === null) {
      assert.equal(field.mode, 'NULLABLE', `${where}.${key}: null only in a NULLABLE column`);
      continue;
    }
    if (field.mode === 'REPEATED') {
      assert.ok(Array.isArray(value), `${where}.${key}: a REPEATED column takes an array`);
      value.forEach((item: unknown, i: number) => assertLoadsValue(item, field, `${where}.${key}[${i}]`));
    } else {
      assertLoadsValue(value, field, `${where}.${key}`);
    }
  }
}

function assertLoadsValue(value: unknown, field: BigQueryField, where: string): void {
  switch (field.type) {
    case 'STRING':
      assert.equal(typeof value, 'string', where);
      return;
    case 'TIMESTAMP':
      assert.match(value as string, BIGQUERY_TIMESTAMP, where);
      return;
    case 'INTEGER':
      assert.ok(Number.isSafeInteger(value), `${where}: a whole number (${String(value)})`);
      return;
    case 'FLOAT':
      assert.equal(typeof value, 'number', where);
      return;
    case 'BOOLEAN':
      assert.equal(typeof value, 'boolean', where);
      return;
    case 'JSON':
      return;
    case 'RECORD':
      assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${where}: an object`);
      assertLoads(value as Row, field.fields ?? [], where);
      return;
  }
}

/** A few runs of one connected user, one of them a failed run whose failing step's output is hostile. */
function smallHostileGroup(emulator: RunningEmulator): RunQuery {
  const all = emulator.truth.paragonIds({});
  // Every 100th run from the 70th fails with a hostile error output; every 1000th is huge.
  const hostile = new Set(all.filter((_, i) => i % 100 === 70));
  const huge = new Set(all.filter((_, i) => i % 1000 === 999));
  for (const userId of emulator.truth.userIds) {
    const ids = emulator.truth.paragonIds({ userId });
    if (ids.length <= 12 && ids.some((id) => hostile.has(id)) && ids.every((id) => !huge.has(id))) return { userId };
  }
  throw new Error('no small group with a hostile run in the seeded data');
}

/** Writes records through a ParquetSink to a file, as an export does. */
async function writeParquet(file: string, records: readonly ExportedRun[], shape: { includeSteps: boolean; includePayloads: boolean }, limits = {}): Promise<void> {
  const sink = new ParquetSink(createWriteStream(file), shape, limits);
  for (const record of records) await sink.write(record);
  await sink.end();
}

async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`${what} should have failed`);
}

describe('Parquet export', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thx-parquet-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('against the emulator', () => {
    const emulator = useEmulator();
    const createTemp = tempFileStreams.create;
    afterEach(() => {
      tempFileStreams.create = createTemp;
    });

    /** The same pinned snapshot to NDJSON and to Parquet. */
    async function bothFormats(source: HistorySource, extra: Partial<ExportOptions> = {}): Promise<{ ndjson: ExportedRun[]; parquet: Row[]; rowGroups: number[]; pinnedAt: Date }> {
      const pinnedAt = new Date();
      const base = { source, query: {}, pinnedAt, ...extra };
      const ndjson = await exportRuns({ ...base, format: 'ndjson', target: join(dir, 'runs.ndjson') });
      const parquet = await exportRuns({ ...base, format: 'parquet', target: join(dir, 'runs.parquet') });
      assert.equal(parquet.records, ndjson.records);
      const { rows, rowGroups } = await readParquet(parquet.target);
      return { ndjson: await readNdjson(ndjson.target), parquet: rows, rowGroups, pinnedAt };
    }

    function assertSameRecords(ndjson: readonly ExportedRun[], parquet: readonly Row[], shape: { includeSteps: boolean; includePayloads: boolean }): void {
      assert.ok(ndjson.length > 0, 'runs were exported');
      assert.deepEqual(
        parquet.map((r) => r['id']),
        ndjson.map((r) => r.id),
        'the same runs, in the same order',
      );
      const fields = recordFields(shape);
      ndjson.forEach((record, i) => {
        // An open run's duration, task count and steps move on between the two exports.
        const skip = new Set(record.endedAt === undefined ? ['durationMs', 'taskCount', 'steps', 'stepCount', 'status', 'rawStatus', 'endedAt'] : []);
        assertSameRecord(parquet[i]!, record as unknown as Row, fields, record.id, skip);
      });
    }

    it('reads back equal to the NDJSON export of the same pinned snapshot, record for record (Paragon runs)', async () => {
      const { ndjson, parquet, rowGroups, pinnedAt } = await bothFormats(paragon(emulator()));
      assertSameRecords(ndjson, parquet, { includeSteps: false, includePayloads: false });
      assert.equal(ndjson.length, emulator().truth.paragonIds({ beforeDate: pinnedAt.toISOString() }).length, 'every run before the pin');
      assert.deepEqual(rowGroups, [ndjson.length], `${ndjson.length} runs fit one row group of ${DEFAULT_PARQUET_LIMITS.rowGroupRuns}`);
      const timestamps = parquet.filter((r) => r['startedAt'] instanceof Date).length;
      assert.equal(timestamps, ndjson.filter((r) => r.startedAt !== undefined).length, 'every start time is a TIMESTAMP');
    });

    it("reads back equal to the NDJSON export with steps, step for step (Paragon's failed runs)", async () => {
      const { ndjson, parquet } = await bothFormats(paragon(emulator()), { query: { status: 'failed' }, includeSteps: true });
      assertSameRecords(ndjson, parquet, { includeSteps: true, includePayloads: false });
      const steps = parquet.reduce((n, r) => n + (r['steps'] as unknown[]).length, 0);
      assert.equal(
        steps,
        ndjson.reduce((n, r) => n + (r.steps?.length ?? 0), 0),
        'every step is in the nested column',
      );
      assert.ok(steps > ndjson.length, 'runs have several steps');
    });

    it('reads back equal to the NDJSON export with step input/output as JSON, the hostile error output included', async () => {
      const { ndjson, parquet } = await bothFormats(paragon(emulator()), { query: smallHostileGroup(emulator()), includeSteps: true, includePayloads: true });
      assertSameRecords(ndjson, parquet, { includeSteps: true, includePayloads: true });
      const outputs = parquet.flatMap((r) => (r['steps'] as Row[]).map((s) => s['output']));
      assert.ok(outputs.includes(wellFormed(HOSTILE_ERROR)), "the hostile failing step's output is there, its lone surrogate as U+FFFD");
    });

    it('reads back equal to the NDJSON export for Dispersl, with agents, models, tokens and tools in the steps', async () => {
      const { ndjson, parquet } = await bothFormats(dispersl(emulator()), { includeSteps: true });
      assertSameRecords(ndjson, parquet, { includeSteps: true, includePayloads: false });
      const steps = parquet.flatMap((r) => r['steps'] as Row[]);
      assert.ok(
        steps.some((s) => typeof s['tokensUsed'] === 'bigint' && Array.isArray(s['toolsUsed']) && typeof s['model'] === 'string'),
        'Dispersl step fields are typed columns',
      );
      assert.ok(
        parquet.some((r) => typeof r['successRate'] === 'number'),
        'successRate is a DOUBLE',
      );
    });

    it('writes row groups of a bounded number of runs: the emulator runs at 1,000 a group make several', async () => {
      const ndjson = await exportRuns({ source: paragon(emulator()), query: {}, format: 'ndjson', target: join(dir, 'runs.ndjson') });
      const records = await readNdjson(ndjson.target);
      const file = join(dir, 'groups.parquet');
      await writeParquet(file, records, { includeSteps: false, includePayloads: false }, { rowGroupRuns: 1000 });
      const { rows, rowGroups } = await readParquet(file);
      const expected = Array.from({ length: Math.ceil(records.length / 1000) }, (_, i) => Math.min(1000, records.length - i * 1000));
      assert.ok(expected.length >= 3, `${records.length} runs make at least 3 groups`);
      assert.deepEqual(rowGroups, expected);
      assert.deepEqual(
        rows.map((r) => r['id']),
        records.map((r) => r.id),
      );
    });

    it('writes a row group early when its payloads pass the byte bound', async () => {
      const big = 'x'.repeat(300_000);
      const records: ExportedRun[] = Array.from({ length: 10 }, (_, i) => ({
        id: `r${i}`,
        source: 'paragon',
        status: 'failed',
        rawStatus: 'FAILED',
        steps: [{ id: 's', status: 'failed', rawStatus: 'FAILED', next: [], output: big }],
      }));
      const file = join(dir, 'bytes.parquet');
      await writeParquet(file, records, { includeSteps: true, includePayloads: true }, { rowGroupBytes: 1_000_000 });
      const { rows, rowGroups } = await readParquet(file);
      assert.deepEqual(rowGroups, [4, 4, 2], 'a group closes once it holds over 1 MB of payload');
      assert.equal((rows[9]!['steps'] as Row[])[0]!['output'], big);
    });

    it('fails with "the disk is full" and leaves no file when the disk fills up mid-export', async () => {
      tempFileStreams.create = (path, mode) => failAfter(createTemp(path, mode), 6000);
      const error = await rejection(
        exportRuns({ source: paragon(emulator()), query: {}, format: 'parquet', target: join(dir, 'runs.parquet') }),
        'a Parquet export to a full disk',
      );
      assert.ok(error instanceof ExportTargetError, `an ExportTargetError, not ${String(error)}`);
      assert.match(error.message, /the disk is full/);
      assert.deepEqual(await readdir(dir), [], 'no file and no .part left');
    });

    it('ends at once on Cancel while the disk has stopped answering', async () => {
      const controller = new AbortController();
      tempFileStreams.create = (path, mode) => stallAfter(createTemp(path, mode), 1000, () => setImmediate(() => controller.abort()));
      const error = await rejection(
        exportRuns({ source: paragon(emulator()), query: {}, format: 'parquet', target: join(dir, 'runs.parquet'), signal: controller.signal }),
        'a cancelled Parquet export',
      );
      assert.ok(controller.signal.aborted, 'the disk stalled and Cancel was pressed');
      assert.equal((error as Error).name, 'AbortError');
      assert.deepEqual(
        (await readdir(dir)).filter((n) => n.endsWith(PART_SUFFIX)),
        [],
      );
    });

    for (const shape of [
      { title: 'runs only', includeSteps: false, includePayloads: false },
      { title: 'with steps', includeSteps: true, includePayloads: false },
      { title: 'with steps and payloads', includeSteps: true, includePayloads: true },
    ]) {
      it(`has a BigQuery schema that takes every field of every NDJSON record, ${shape.title}`, async () => {
        const query = shape.includePayloads ? smallHostileGroup(emulator()) : shape.includeSteps ? { status: 'failed' as const } : {};
        const result = await exportRuns({ source: paragon(emulator()), query, format: 'ndjson', target: join(dir, 'runs.ndjson'), ...shape });
        const records = await readNdjson(result.target);
        const schema = bigQuerySchema(shape);
        assert.ok(records.length > 0);
        records.forEach((record) => assertLoads(record as unknown as Row, schema, record.id));
        assert.equal(
          schema.some((f) => f.name === 'steps'),
          shape.includeSteps,
        );
      });
    }

    it('has a BigQuery schema that takes Dispersl records with steps too', async () => {
      const result = await exportRuns({ source: dispersl(emulator()), query: {}, format: 'ndjson', target: join(dir, 'tasks.ndjson'), includeSteps: true });
      const schema = bigQuerySchema({ includeSteps: true, includePayloads: false });
      for (const record of await readNdjson(result.target)) assertLoads(record as unknown as Row, schema, record.id);
    });

    it('writes the BigQuery schema beside an NDJSON export that succeeds, and nothing beside other formats, devices or a failed export', async () => {
      const shape = { includeSteps: true, includePayloads: false };
      const base = { source: paragon(emulator()), query: { status: 'failed' as const }, ...shape };
      const result = await exportRuns({ ...base, format: 'ndjson', target: join(dir, 'runs.ndjson') });
      assert.equal(result.schemaFile, join(dir, 'runs.schema.json'));
      assert.deepEqual(JSON.parse(await readFile(result.schemaFile!, 'utf8')), bigQuerySchema(shape));
      assert.equal((await stat(result.schemaFile!)).mode & 0o777, 0o600, 'made like the export: readable by its owner only');

      assert.equal((await exportRuns({ ...base, format: 'parquet', target: join(dir, 'runs.parquet') })).schemaFile, undefined);
      assert.equal((await exportRuns({ ...base, format: 'csv', target: join(dir, 'runs.csv') })).schemaFile, undefined);
      assert.equal((await exportRuns({ ...base, format: 'ndjson', target: '/dev/null' })).schemaFile, undefined, 'nothing is written into /dev');
      assert.deepEqual(await writeCompanionFiles('ndjson', '/dev/null', shape), {});

      tempFileStreams.create = (path, mode) => failAfter(createTemp(path, mode), 6000);
      await rejection(exportRuns({ ...base, format: 'ndjson', target: join(dir, 'full.ndjson') }), 'an NDJSON export to a full disk');
      assert.deepEqual((await readdir(dir)).sort(), ['runs.csv', 'runs.ndjson', 'runs.parquet', 'runs.schema.json'], 'no full.schema.json, no .part');
    });
  });

  describe('against the emulator, more runs than a row group holds', () => {
    const emulator = useEmulator({ paragonExecutions: 21_000, disperslTasks: 10 });

    it('writes an export of 21,000 runs as row groups of 10,000, 10,000 and 1,000, every run in order', async () => {
      const pinnedAt = new Date();
      const result = await exportRuns({ source: paragon(emulator()), query: {}, format: 'parquet', target: join(dir, 'runs.parquet'), pinnedAt });
      const { rows, rowGroups } = await readParquet(result.target);
      assert.deepEqual(rowGroups, [10_000, 10_000, 1_000]);
      assert.deepEqual(
        rows.map((r) => r['id']),
        emulator().truth.paragonIds({ beforeDate: pinnedAt.toISOString() }),
      );
    });
  });

  describe('without a network', () => {
    it('round-trips hostile strings: markup, bidi, control characters, NUL, emoji, lone surrogates, __proto__ keys, a 20 MB value', async () => {
      const huge = `${'€'.repeat(10_000_000)}end`;
      const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}, "toString": "x", "text": "a \\ud800 b \\\\ud800 c"}') as unknown;
      const records: ExportedRun[] = [...HOSTILE_STRINGS, HOSTILE_ERROR, huge, '', '__proto__'].map((text, i) => ({
        id: `run-${i}-${text.slice(0, 40)}`,
        source: 'paragon',
        name: text,
        status: 'failed',
        rawStatus: text,
        integration: text,
        steps: [
          { id: text, status: 'failed', rawStatus: text, next: [text, text], toolsUsed: [text], input: payload, output: text, isLargeOutput: i % 2 === 0 },
          { id: 'plain', status: 'succeeded', rawStatus: 'SUCCEEDED', next: [], input: null, output: { [text]: [text] } },
        ],
      }));
      const file = join(dir, 'hostile.parquet');
      const shape = { includeSteps: true, includePayloads: true };
      await writeParquet(file, records, shape);
      const { rows } = await readParquet(file);
      assert.equal(rows.length, records.length);
      records.forEach((record, i) => assertSameRecord(rows[i]!, record as unknown as Row, recordFields(shape), `record ${i}`));
      const input = (rows[0]!['steps'] as Row[])[0]!['input'] as Row;
      assert.ok(Object.hasOwn(input, '__proto__'), 'a __proto__ key stays a key');
      assert.equal(input['text'], 'a \ufffd b \\ud800 c', 'a lone surrogate becomes U+FFFD; the text "\\ud800" stays text');
      assert.equal(({} as Row)['polluted'], undefined, 'no prototype was touched');
    });

    it('writes typed timestamps, and null for a time that is not ISO 8601', async () => {
      const records: ExportedRun[] = [
        { id: 'a', source: 'paragon', status: 'succeeded', rawStatus: 'S', startedAt: '2025-03-01T10:00:00.123Z', endedAt: '2025-03-01T12:00:00+02:00' },
        { id: 'b', source: 'paragon', status: 'succeeded', rawStatus: 'S', startedAt: 'March 1, 2025', endedAt: '2025-02-30T00:00:00Z' },
        { id: 'c', source: 'paragon', status: 'succeeded', rawStatus: 'S', startedAt: '2025-03-01T10:00:00.123456789Z', durationMs: 2.5e20 },
      ];
      const file = join(dir, 'times.parquet');
      await writeParquet(file, records, { includeSteps: false, includePayloads: false });
      const { rows } = await readParquet(file);
      assert.equal((rows[0]!['startedAt'] as Date).toISOString(), '2025-03-01T10:00:00.123Z');
      assert.equal((rows[0]!['endedAt'] as Date).toISOString(), '2025-03-01T10:00:00.000Z', 'the offset is applied: UTC');
      assert.equal(rows[1]!['startedAt'], null, 'not ISO 8601');
      assert.equal(rows[1]!['endedAt'], null, 'February has no 30th');
      assert.equal((rows[2]!['startedAt'] as Date).toISOString(), '2025-03-01T10:00:00.123Z', 'past the millisecond is dropped');
      assert.equal(rows[2]!['durationMs'], null, 'a number INT64 cannot hold exactly is null, not a wrapped value');
      assert.equal(parseTimestamp('2025-03-01'), Date.UTC(2025, 2, 1));
      assert.equal(parseTimestamp('2025-03-01T10:00:00'), Date.UTC(2025, 2, 1, 10), 'no offset: UTC');
    });

    it('writes a valid file with no runs', async () => {
      const file = join(dir, 'empty.parquet');
      await writeParquet(file, [], { includeSteps: true, includePayloads: false });
      const { rows, rowGroups } = await readParquet(file);
      assert.deepEqual(rows, []);
      assert.deepEqual(rowGroups, []);
    });

    it('rejects, without hanging, when the output stream fails', async () => {
      const broken = new Writable({
        write(_chunk, _encoding, callback) {
          callback(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', syscall: 'write' }));
        },
      });
      broken.on('error', () => undefined);
      const sink = new ParquetSink(broken, { includeSteps: false, includePayloads: false }, { rowGroupRuns: 2 });
      const run: ExportedRun = { id: 'r', source: 'paragon', status: 'failed', rawStatus: 'FAILED' };
      const error = await rejection(
        (async () => {
          for (let i = 0; i < 10; i++) await sink.write({ ...run, id: `r${i}` });
          await sink.end();
        })(),
        'writing to a broken stream',
      );
      assert.match((error as Error).message, /EIO/);
    });

    it('rejects, without hanging, when Cancel comes while the stream waits to drain', async () => {
      const stuck = new Writable({
        highWaterMark: 1,
        write() {
          // Never completes: 'drain' never comes.
        },
      });
      const controller = new AbortController();
      const sink = new ParquetSink(stuck, { includeSteps: false, includePayloads: false, signal: controller.signal }, { rowGroupRuns: 1 });
      const pending = sink.write({ id: 'r', source: 'paragon', status: 'failed', rawStatus: 'FAILED' });
      setImmediate(() => controller.abort());
      const error = await rejection(pending, 'a cancelled write');
      assert.equal((error as Error).name, 'AbortError');
    });

    it('names the BigQuery schema file after the export: runs.ndjson → runs.schema.json', () => {
      assert.equal(bigQuerySchemaPath('runs.ndjson'), 'runs.schema.json');
      assert.equal(bigQuerySchemaPath(join('out', 'may.jsonl')), join('out', 'may.schema.json'));
      assert.equal(bigQuerySchemaPath('runs'), 'runs.schema.json');
      assert.equal(bigQuerySchemaPath(join('a.b', 'runs.2025-05.ndjson')), join('a.b', 'runs.2025-05.schema.json'));
    });

    it('types the BigQuery columns: TIMESTAMP times, INTEGER counts, repeated steps records, JSON payloads, every column NULLABLE or REPEATED', () => {
      const schema = bigQuerySchema({ includeSteps: true, includePayloads: true });
      const byName = new Map(schema.map((f) => [f.name, f]));
      assert.equal(byName.get('startedAt')?.type, 'TIMESTAMP');
      assert.equal(byName.get('durationMs')?.type, 'INTEGER');
      assert.equal(byName.get('successRate')?.type, 'FLOAT');
      assert.equal(byName.get('archived')?.type, 'BOOLEAN');
      const steps = byName.get('steps');
      assert.deepEqual([steps?.type, steps?.mode], ['RECORD', 'REPEATED']);
      const stepFields = new Map(steps?.fields?.map((f) => [f.name, f]));
      assert.deepEqual([stepFields.get('next')?.type, stepFields.get('next')?.mode], ['STRING', 'REPEATED']);
      assert.equal(stepFields.get('output')?.type, 'JSON');
      const modes = (fields: readonly BigQueryField[]): string[] => fields.flatMap((f) => [f.mode, ...modes(f.fields ?? [])]);
      assert.ok(modes(schema).every((m) => m === 'NULLABLE' || m === 'REPEATED'));
      assert.ok(!bigQuerySchema({ includeSteps: false, includePayloads: true }).some((f) => f.name === 'steps'), 'payloads need steps');
      // An archived run from the run index loads too.
      assertLoads(
        { id: 'r', source: 'paragon', status: 'failed', rawStatus: 'FAILED', archived: true },
        bigQuerySchema({ includeSteps: false, includePayloads: false }),
        'archived',
      );
    });

    it('infers parquet from a .parquet --out, as the CLI does', () => {
      assert.equal(formatFromPath('runs.parquet'), 'parquet');
      assert.equal(formatFromPath('/tmp/May.PARQUET'), 'parquet');
      assert.equal(formatFromPath('runs.ndjson'), 'ndjson');
      assert.equal(formatFromPath('runs.parquet.json'), 'json');
    });
  });
});
