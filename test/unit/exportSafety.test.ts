// Issue 9, classes 1, 6 (client-side CSV) and 10: no export loses data silently on a full or
// hung disk, no CSV cell runs as a formula in a spreadsheet, and no export target that is not
// a regular file (a device, a FIFO, a symlink, another user's mode) is destroyed or changed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, lstat, mkdtemp, open, readdir, readFile, rm, stat, symlink, writeFile, type FileHandle } from 'node:fs/promises';
import { constants, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { PART_SUFFIX, tempFileStreams } from '../../src/core/export/atomicFile';
import { ExportTargetError } from '../../src/core/export/exportErrors';
import { exportRuns, type ExportOptions, type ExportResult } from '../../src/core/export/exportRuns';
import type { ExportedRun } from '../../src/core/export/records';
import { createSink, type ExportFormat } from '../../src/core/export/sinks';
import { buildRunBundle, writeRunBundle } from '../../src/core/runBundle';
import type { HistorySource } from '../../src/core/source';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import type { RunningEmulator } from '../../emulator/server';
import { buildCli } from './support/cliProcess';
import { useEmulator } from './support/emulatorFixture';
import { FORMULA_TRIGGERS, startFormulaProxy, type FormulaProxy } from './support/formulaProxy';
import { failAfter, mountSmallDisk, stallAfter, type SmallDisk } from './support/fullDisk';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const PRELOAD = join(__dirname, 'support/fullDiskPreload.cjs');
// Shares no 8 characters in a row with any path here: the CLI redacts pieces of the key it prints.
const KEY = 'Zq7K3yQw9Vx2Lm8Np4Rt6Bc1';

/** "It ends at all": a generous bound for a hang, never a timing assertion. */
const HANG_MS = 30_000;

async function settles<T>(work: Promise<T>, what: string): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled (waited ${HANG_MS / 1000} s)`)), HANG_MS);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function rejection(work: Promise<unknown>, what: string): Promise<unknown> {
  const outcome = await settles(work, what);
  assert.equal(outcome.status, 'rejected', `${what} must fail`);
  return (outcome as PromiseRejectedResult).reason;
}

function assertDiskFull(error: unknown): void {
  assert.ok(error instanceof ExportTargetError, `an ExportTargetError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  assert.match(error.message, /^Cannot write .+: the disk is full\.$/);
  assert.match(error.detail, /ENOSPC/);
}

interface Mode {
  readonly title: string;
  readonly kind: 'paragon' | 'dispersl';
  readonly format: ExportFormat;
  readonly includeSteps?: boolean;
  readonly includePayloads?: boolean;
  /** Dispersl's own export endpoint instead of paging. */
  readonly server?: boolean;
}

/** Every export format and mode: client-side JSON, NDJSON and CSV, with steps and payloads, Dispersl paged and server-side. */
const ALL_MODES: readonly Mode[] = [
  { title: 'Paragon JSON', kind: 'paragon', format: 'json' },
  { title: 'Paragon NDJSON', kind: 'paragon', format: 'ndjson' },
  { title: 'Paragon CSV', kind: 'paragon', format: 'csv' },
  { title: 'Paragon CSV with steps', kind: 'paragon', format: 'csv', includeSteps: true },
  { title: 'Paragon CSV with steps and payloads', kind: 'paragon', format: 'csv', includeSteps: true, includePayloads: true },
  { title: 'Paragon JSON with steps and payloads', kind: 'paragon', format: 'json', includeSteps: true, includePayloads: true },
  { title: 'Paragon NDJSON with steps', kind: 'paragon', format: 'ndjson', includeSteps: true },
  { title: 'Dispersl paged CSV', kind: 'dispersl', format: 'csv' },
  { title: 'Dispersl paged CSV with steps', kind: 'dispersl', format: 'csv', includeSteps: true },
  { title: 'Dispersl paged JSON', kind: 'dispersl', format: 'json' },
  { title: 'Dispersl paged NDJSON', kind: 'dispersl', format: 'ndjson' },
  { title: 'Dispersl server-side CSV', kind: 'dispersl', format: 'csv', server: true },
  { title: 'Dispersl server-side JSON', kind: 'dispersl', format: 'json', server: true },
];

function paragonSource(emulator: RunningEmulator, origin = new URL(emulator.paragonBaseUrl).origin): ParagonClient {
  return new ParagonClient({ projectId: emulator.projectId, baseUrl: origin, apiKey: emulator.apiKey, rateLimit: null, retries: 4, retryBaseDelayMs: 5, concurrency: 16 });
}

function disperslSource(emulator: RunningEmulator, origin = new URL(emulator.disperslBaseUrl).origin): DisperslClient {
  return new DisperslClient({ baseUrl: `${origin}${new URL(emulator.disperslBaseUrl).pathname}`, apiKey: emulator.apiKey, requestsPerHour: null, concurrency: 16 });
}

function sourceFor(mode: Mode, emulator: RunningEmulator, origin?: string): HistorySource {
  return mode.kind === 'paragon' ? paragonSource(emulator, origin) : disperslSource(emulator, origin);
}

function optionsFor(mode: Mode, emulator: RunningEmulator, target: string, extra: Partial<ExportOptions> = {}): ExportOptions {
  return {
    source: sourceFor(mode, emulator),
    query: {},
    format: mode.format,
    target,
    includeSteps: mode.includeSteps,
    includePayloads: mode.includePayloads,
    preferServerExport: mode.server === true,
    pinnedAt: new Date(),
    ...extra,
  };
}

const extensionOf = (format: ExportFormat) => (format === 'ndjson' ? 'ndjson' : format);

describe('Export safety', function () {
  this.timeout(90_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 600, disperslTasks: 300 });
  let dir: string;
  const createTemp = tempFileStreams.create;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thx-export-safety-'));
    emulator().faults.clear();
  });
  afterEach(async () => {
    tempFileStreams.create = createTemp;
    await rm(dir, { recursive: true, force: true });
  });

  describe('a disk that fills up (a stream failing with ENOSPC, as the kernel reports it)', () => {
    for (const mode of ALL_MODES) {
      it(`fails a ${mode.title} export with "the disk is full", settles, and removes the temporary file`, async () => {
        tempFileStreams.create = (path, fileMode) => failAfter(createTemp(path, fileMode), 6000);
        const target = join(dir, `runs.${extensionOf(mode.format)}`);
        const error = await rejection(exportRuns(optionsFor(mode, emulator(), target)), `${mode.title} export to a full disk`);
        assertDiskFull(error);
        assert.deepEqual(await readdir(dir), [], 'no target, no .part');
      });
    }

    it('fails an Export Run bundle with "the disk is full" and removes the temporary file', async () => {
      const source = paragonSource(emulator());
      const bundle = await buildRunBundle(source, emulator().truth.paragonIds({})[70]!);
      tempFileStreams.create = (path, fileMode) => failAfter(createTemp(path, fileMode), 2000);
      const error = await rejection(writeRunBundle(bundle, join(dir, 'run.json')), 'run bundle to a full disk');
      assertDiskFull(error);
      assert.deepEqual(await readdir(dir), []);
    });
  });

  describe('a disk that stops answering (no error, no drain)', () => {
    for (const mode of ALL_MODES.filter((m) => !m.server)) {
      it(`Cancel ends a stuck ${mode.title} export and removes the temporary file`, async () => {
        const controller = new AbortController();
        tempFileStreams.create = (path, fileMode) => stallAfter(createTemp(path, fileMode), 4000, () => setImmediate(() => controller.abort()));
        const target = join(dir, `runs.${extensionOf(mode.format)}`);
        const error = await rejection(exportRuns(optionsFor(mode, emulator(), target, { signal: controller.signal })), `cancelled ${mode.title} export`);
        assert.ok(controller.signal.aborted, 'the disk stalled, and Cancel was pressed');
        assert.ok(!(error instanceof ExportTargetError), 'a cancellation, not a disk error');
        assert.deepEqual(await readdir(dir), [], 'no target, no .part');
      });
    }
  });

  describe('a real full disk (a 256 KiB tmpfs, where this machine lets us mount one)', () => {
    let disk: SmallDisk | undefined;
    before(async function () {
      disk = await mountSmallDisk(256);
      if (!disk) this.skip();
    });
    after(async () => {
      await disk?.unmount();
    });
    const partsOn = async () => (await readdir(disk!.dir)).filter((name) => name !== '.ballast');

    for (const mode of ALL_MODES) {
      it(`fails a ${mode.title} export with "the disk is full" and leaves the disk as it was`, async () => {
        await disk!.leaveFree(8 * 1024);
        const target = join(disk!.dir, `runs.${extensionOf(mode.format)}`);
        const error = await rejection(exportRuns(optionsFor(mode, emulator(), target)), `${mode.title} export to a full tmpfs`);
        assertDiskFull(error);
        assert.deepEqual(await partsOn(), [], 'no target, no .part');
      });
    }

    describe('from the command line', () => {
      before(async function () {
        this.timeout(120_000);
        await buildCli();
      });
      const cases: { title: string; args: () => string[]; ext: string }[] = [
        { title: 'CSV', args: () => paragonFlags(emulator()), ext: 'csv' },
        { title: 'JSON with steps', args: () => [...paragonFlags(emulator()), '--include-steps'], ext: 'json' },
        { title: 'Dispersl paged CSV', args: () => [...disperslFlags(emulator()), '--no-server-export'], ext: 'csv' },
      ];
      for (const { title, args, ext } of cases) {
        it(`exits 1 on a full disk with the reason, no "Exported" line and no file left (${title})`, async () => {
          await disk!.leaveFree(8 * 1024);
          const out = join(disk!.dir, `runs.${ext}`);
          const result = await cli(['export', ...args(), '--out', out]);
          assertCliDiskFull(result, out);
          assert.deepEqual(await partsOn(), []);
        });
      }
    });
  });

  describe('the command line on a disk that fills up (the CLI bundle with ENOSPC injected after 6,000 bytes)', () => {
    before(async function () {
      this.timeout(120_000);
      await buildCli();
    });
    const cases: { title: string; args: () => string[]; ext: string }[] = [
      { title: 'JSON', args: () => paragonFlags(emulator()), ext: 'json' },
      { title: 'NDJSON', args: () => paragonFlags(emulator()), ext: 'ndjson' },
      { title: 'CSV', args: () => paragonFlags(emulator()), ext: 'csv' },
      { title: 'CSV with steps', args: () => [...paragonFlags(emulator()), '--include-steps'], ext: 'csv' },
      { title: 'CSV with steps and payloads', args: () => [...paragonFlags(emulator()), '--include-payloads'], ext: 'csv' },
      { title: 'Dispersl paged CSV', args: () => [...disperslFlags(emulator()), '--no-server-export'], ext: 'csv' },
      { title: 'Dispersl server-side CSV', args: () => disperslFlags(emulator()), ext: 'csv' },
    ];
    for (const { title, args, ext } of cases) {
      it(`exits 1 with "the disk is full", no "Exported" line and no .part (${title})`, async () => {
        const out = join(dir, `runs.${ext}`);
        const result = await cli(['export', ...args(), '--out', out], { THX_TEST_FULL_DISK_BYTES: '6000' }, [PRELOAD]);
        assertCliDiskFull(result, out);
        assert.deepEqual(await readdir(dir), []);
      });
    }

    it('clears the .part a killed export left, on the next export to the same target', async () => {
      const out = join(dir, 'runs.json');
      const child = start(['export', ...paragonFlags(emulator()), '--include-payloads', '--concurrency', '1', '--out', out]);
      const outcome = finish(child);
      // Killed once its temporary file exists: the export is under way.
      while ((await readdir(dir)).length === 0 && child.exitCode === null) await new Promise((done) => setTimeout(done, 10));
      child.kill('SIGKILL');
      assert.equal((await outcome).signal, 'SIGKILL', 'the export was under way when it was killed');
      const left = (await readdir(dir)).filter((name) => name.endsWith(PART_SUFFIX));
      assert.equal(left.length, 1, 'a killed export leaves its temporary file (nothing can remove it)');
      assert.ok(left[0]!.includes(`.${child.pid}.`), "named with the writer's pid");
      const next = await cli(['export', ...paragonFlags(emulator()), '--status', 'failed', '--out', out]);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(await readdir(dir), ['runs.json'], 'the stale .part of the dead writer is gone');
    });

    it('writes formula cells neutralized by default and exactly as sent with --raw-csv', async () => {
      const proxy = await startFormulaProxy(new URL(emulator().disperslBaseUrl).origin);
      try {
        const base = ['export', '--source', 'dispersl', '--base-url', `${proxy.origin}/v1`, '--no-server-export'];
        const safe = await cli([...base, '--out', join(dir, 'safe.csv')]);
        assert.equal(safe.code, 0, safe.stderr);
        const raw = await cli([...base, '--raw-csv', '--out', join(dir, 'raw.csv')]);
        assert.equal(raw.code, 0, raw.stderr);
        const safeCounts = formulaCells(await readFile(join(dir, 'safe.csv'), 'utf8'));
        const rawCounts = formulaCells(await readFile(join(dir, 'raw.csv'), 'utf8'));
        assert.equal(safeCounts.live, 0, 'no cell starts with a formula trigger by default');
        assert.ok(safeCounts.neutralized > 0);
        assert.equal(rawCounts.live, safeCounts.neutralized, '--raw-csv writes the same cells as the API sent them');
        assert.equal(rawCounts.neutralized, 0);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('CSV formula cells (a hostile API: text starting with =, +, -, @, tab or CR)', () => {
    let proxy: FormulaProxy;
    before(async () => {
      proxy = await startFormulaProxy(new URL(emulator().paragonBaseUrl).origin);
    });
    after(async () => {
      await proxy.close();
    });
    const modes: readonly (Mode & { query?: () => ExportOptions['query'] })[] = [
      { title: 'Paragon runs', kind: 'paragon', format: 'csv' },
      { title: 'Paragon runs with steps', kind: 'paragon', format: 'csv', includeSteps: true },
      {
        title: 'Paragon runs with steps and payloads',
        kind: 'paragon',
        format: 'csv',
        includeSteps: true,
        includePayloads: true,
        query: () => ({ workflowId: emulator().truth.workflowIds[3]! }),
      },
      { title: 'Dispersl paged runs', kind: 'dispersl', format: 'csv' },
      { title: 'Dispersl paged runs with steps', kind: 'dispersl', format: 'csv', includeSteps: true },
    ];
    const figures: string[] = [];
    after(() => {
      if (figures.length) console.log(`      formula cells neutralized: ${figures.join('; ')}`);
    });

    for (const mode of modes) {
      it(`neutralizes every formula cell in a ${mode.title} export by default, and writes them raw with rawCsv`, async () => {
        const run = (rawCsv: boolean, name: string) =>
          exportRuns({ ...optionsFor(mode, emulator(), join(dir, name)), source: sourceFor(mode, emulator(), proxy.origin), query: mode.query?.() ?? {}, rawCsv });
        const safe = await run(false, 'safe.csv');
        const raw = await run(true, 'raw.csv');
        assert.equal(safe.records, raw.records);
        const safeText = await readFile(safe.target, 'utf8');
        const safeCounts = formulaCells(safeText);
        const rawCounts = formulaCells(await readFile(raw.target, 'utf8'));
        assert.equal(safeCounts.live, 0, `no cell starts with a trigger: ${safeCounts.examples.join(' | ')}`);
        for (const trigger of FORMULA_TRIGGERS) {
          assert.ok((safeCounts.byTrigger.get(trigger) ?? 0) > 0, `cells starting with ${JSON.stringify(trigger)} were exported, neutralized`);
        }
        assert.equal(rawCounts.live, safeCounts.neutralized, 'rawCsv: the same cells, as the API sent them');
        assertSpreadsheetRows(safeText);
        figures.push(`${mode.title} ${safeCounts.neutralized}`);
      });
    }

    it('keeps numbers numbers: a negative duration stays -5, while text "-5" is neutralized', async () => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const sink = createSink('csv', out, { includeSteps: false, includePayloads: false });
      const run: ExportedRun = { id: 'r1', source: 'paragon', name: '-5', status: 'failed', rawStatus: '-1+1', durationMs: -5, successRate: -0.25, totalTokens: 0 };
      await sink.write(run);
      await sink.end();
      const [row] = parse(Buffer.concat(chunks).toString('utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(row!['durationMs'], '-5');
      assert.equal(row!['successRate'], '-0.25');
      assert.equal(row!['name'], "'-5");
      assert.equal(row!['rawStatus'], "'-1+1");
    });
  });

  describe('export targets', () => {
    const exportTo = (target: string, extra: Partial<ExportOptions> = {}) =>
      exportRuns({ source: paragonSource(emulator()), query: {}, format: 'json', target, pinnedAt: new Date(), ...extra });
    const idsOf = (text: string) => (JSON.parse(text) as ExportedRun[]).map((r) => r.id);

    it('writes to a FIFO directly (its reader gets every run) and leaves it a FIFO', async function () {
      if (process.platform === 'win32') this.skip();
      const fifo = join(dir, 'runs.fifo');
      execFileSync('mkfifo', [fifo]);
      const reader = await readFifo(fifo);
      try {
        const result = await settles(exportTo(fifo), 'export to a FIFO');
        assert.equal(result.status, 'fulfilled', String((result as PromiseRejectedResult).reason));
        const { pinnedAt, records } = (result as PromiseFulfilledResult<ExportResult>).value;
        await reader.release();
        const text = await settles(reader.text, 'the FIFO reader');
        assert.equal(text.status, 'fulfilled');
        assert.deepEqual(idsOf((text as PromiseFulfilledResult<string>).value), emulator().truth.paragonIds({ beforeDate: pinnedAt.toISOString() }));
        assert.ok(records > 0);
        assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
        assert.deepEqual(await readdir(dir), ['runs.fifo'], 'no temporary file');
      } finally {
        await reader.release();
      }
    });

    it('refuses a FIFO nobody reads from, with a clear message, instead of waiting forever', async function () {
      if (process.platform === 'win32') this.skip();
      const fifo = join(dir, 'runs.fifo');
      execFileSync('mkfifo', [fifo]);
      const error = await rejection(exportTo(fifo), 'export to a FIFO without a reader');
      assert.ok(error instanceof ExportTargetError);
      assert.match(error.message, /Nothing is reading from the FIFO .*runs\.fifo/);
      assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
      assert.deepEqual(await readdir(dir), ['runs.fifo']);
    });

    it("fails with a clear message when the FIFO's reader stops reading part-way", async function () {
      if (process.platform === 'win32') this.skip();
      const fifo = join(dir, 'runs.fifo');
      execFileSync('mkfifo', [fifo]);
      const reader = await readFifo(fifo, 100);
      try {
        const error = await rejection(exportTo(fifo, { includeSteps: true }), 'export to a FIFO whose reader quits');
        assert.ok(error instanceof ExportTargetError, String(error));
        assert.match(error.message, /^Cannot write .*runs\.fifo: the program reading it stopped\.$/);
        assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
      } finally {
        await reader.release();
      }
    });

    it('writes to /dev/null directly and leaves it the character device it was', async function () {
      if (process.platform === 'win32') this.skip();
      const before = statSync('/dev/null');
      assert.ok(before.isCharacterDevice(), 'precondition: /dev/null is a character device');
      try {
        const result = await exportTo('/dev/null', { format: 'csv' });
        assert.ok(result.records > 0);
      } finally {
        const after = statSync('/dev/null');
        if (!after.isCharacterDevice() && process.getuid?.() === 0) {
          // A safety net for a broken build on a shared machine: put the device back.
          execFileSync('sh', ['-c', 'rm -f /dev/null && mknod -m 666 /dev/null c 1 3']);
        }
        assert.ok(after.isCharacterDevice(), '/dev/null is still a character device');
        assert.equal(after.rdev, before.rdev);
        assert.equal(after.ino, before.ino, 'the same node, not a new one');
      }
      assert.deepEqual(
        (await readdir('/dev')).filter((name) => name.startsWith('.null.') && name.endsWith(PART_SUFFIX)),
        [],
        'no temporary file in /dev',
      );
    });

    it('refuses a socket as a target and leaves it in place', async function () {
      if (process.platform === 'win32') this.skip();
      const path = join(dir, 'runs.sock');
      const server = net.createServer();
      await new Promise<void>((done) => server.listen(path, done));
      try {
        const error = await rejection(exportTo(path), 'export to a socket');
        assert.ok(error instanceof ExportTargetError);
        assert.match(error.message, /is a socket, not a file/);
        assert.ok((await lstat(path)).isSocket(), 'still a socket');
      } finally {
        await new Promise<void>((done) => server.close(() => done()));
      }
    });

    it('keeps the mode of a file it replaces (644 stays 644)', async function () {
      if (process.platform === 'win32') this.skip();
      const target = join(dir, 'runs.json');
      await writeFile(target, 'old');
      await chmod(target, 0o644);
      await exportTo(target, { query: { status: 'failed' } });
      assert.equal((await stat(target)).mode & 0o777, 0o644);
      assert.notEqual(await readFile(target, 'utf8'), 'old');
    });

    it('creates a new file readable by its owner only (600), as before', async function () {
      if (process.platform === 'win32') this.skip();
      const target = join(dir, 'runs.json');
      await exportTo(target, { query: { status: 'failed' } });
      assert.equal((await stat(target)).mode & 0o777, 0o600);
    });

    it('replaces the file a symlink points to and keeps the symlink', async function () {
      if (process.platform === 'win32') this.skip();
      const real = join(dir, 'real.json');
      const link = join(dir, 'runs.json');
      await writeFile(real, 'old');
      await symlink(real, link);
      const result = await exportTo(link, { query: { status: 'failed' } });
      assert.ok((await lstat(link)).isSymbolicLink(), 'still a symlink');
      assert.equal(idsOf(await readFile(real, 'utf8')).length, result.records);
      assert.deepEqual((await readdir(dir)).sort(), ['real.json', 'runs.json']);
    });

    it('clears the temporary files of earlier exports to the same target whose writer has died, and only those', async function () {
      if (process.platform === 'win32') this.skip();
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      const live = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        const stale = `.runs.json.${dead}.0badc0de${PART_SUFFIX}`;
        const living = `.runs.json.${live.pid}.0badc0de${PART_SUFFIX}`;
        const ours = `.runs.json.${process.pid}.0badc0de${PART_SUFFIX}`;
        const otherTarget = `.other.json.${dead}.0badc0de${PART_SUFFIX}`;
        const notOurs = `.runs.json.${dead}.notatemp${PART_SUFFIX}`;
        for (const name of [stale, living, ours, otherTarget, notOurs]) await writeFile(join(dir, name), 'partial');
        await exportTo(join(dir, 'runs.json'), { query: { status: 'failed' } });
        assert.deepEqual((await readdir(dir)).sort(), [living, notOurs, ours, otherTarget, 'runs.json'].sort());
      } finally {
        live.kill();
      }
    });
  });
});

// ——— helpers: CSV reading, the CLI ———

interface FormulaCounts {
  /** Cells a spreadsheet would run: starting with a trigger. */
  readonly live: number;
  /** Cells neutralized: a `'` followed by a trigger. */
  readonly neutralized: number;
  readonly byTrigger: Map<string, number>;
  readonly examples: string[];
}

function formulaCells(text: string): FormulaCounts {
  const rows = parse(text, { columns: false, relax_column_count: false }) as string[][];
  let live = 0;
  let neutralized = 0;
  const byTrigger = new Map<string, number>();
  const examples: string[] = [];
  const isTrigger = (c: string | undefined) => c !== undefined && (FORMULA_TRIGGERS as readonly string[]).includes(c);
  for (const row of rows.slice(1)) {
    for (const cell of row) {
      if (isTrigger(cell[0])) {
        live++;
        if (examples.length < 3) examples.push(JSON.stringify(cell.slice(0, 40)));
      } else if (cell[0] === "'" && isTrigger(cell[1])) {
        neutralized++;
        byTrigger.set(cell[1]!, (byTrigger.get(cell[1]!) ?? 0) + 1);
      }
    }
  }
  return { live, neutralized, byTrigger, examples };
}

/**
 * Reads the file as a spreadsheet does (a line break outside quotes ends a row: CRLF, LF or
 * a lone CR) and checks it sees the same rows as an RFC 4180 parser.
 */
function assertSpreadsheetRows(text: string): void {
  let rows = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      rows++;
      if (c === '\r' && text[i + 1] === '\n') i++;
    }
  }
  const parsed = (parse(text, { columns: false }) as string[][]).length;
  assert.equal(rows, parsed, 'every line break inside a cell is quoted');
}

function paragonFlags(emulator: RunningEmulator): string[] {
  return ['--source', 'paragon', '--base-url', new URL(emulator.paragonBaseUrl).origin, '--project', emulator.projectId];
}

function disperslFlags(emulator: RunningEmulator): string[] {
  return ['--source', 'dispersl', '--base-url', emulator.disperslBaseUrl];
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[], env: Record<string, string> = {}, preload: readonly string[] = []): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TASK_HISTORY_API_KEY: KEY, ...env };
  delete childEnv['NODE_OPTIONS'];
  return spawn(process.execPath, [...preload.flatMap((p) => ['--require', p]), CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess, onStderr?: (text: string) => void): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

async function cli(args: readonly string[], env: Record<string, string> = {}, preload: readonly string[] = []): Promise<Outcome> {
  const outcome = await settles(finish(start(args, env, preload)), `task-history ${args.join(' ')}`);
  assert.equal(outcome.status, 'fulfilled');
  return (outcome as PromiseFulfilledResult<Outcome>).value;
}

function assertCliDiskFull(result: Outcome, out: string): void {
  assert.equal(result.code, 1, `exit 1, got ${result.code}: ${result.stderr}`);
  assert.ok(result.stderr.includes(`Export failed; nothing was written to ${out}.`), result.stderr);
  assert.match(result.stderr, /Cannot write .+: the disk is full\./);
  assert.doesNotMatch(result.stderr, /Exported/);
  assert.equal(result.stdout, '');
}

/**
 * Opens a FIFO for reading in this process and returns once the reader is there (a writer's
 * non-blocking open then succeeds). A probe writer stays open meanwhile, so the reader sees
 * no end of file before the export opens it; `release` closes it. With `quitAfter`, the
 * reader closes after that many bytes, as `head -c` does.
 */
async function readFifo(fifo: string, quitAfter?: number): Promise<{ text: Promise<string>; release: () => Promise<void> }> {
  const reading = open(fifo, constants.O_RDONLY);
  let probe: FileHandle | undefined;
  while (!probe) {
    probe = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENXIO') throw error;
      return undefined;
    });
    if (!probe) await new Promise((done) => setTimeout(done, 5));
  }
  const handle = await reading;
  const stream = handle.createReadStream();
  const text = new Promise<string>((done, fail) => {
    let received = '';
    stream.on('data', (chunk: Buffer | string) => {
      received += chunk.toString();
      if (quitAfter !== undefined && received.length >= quitAfter) stream.destroy();
    });
    stream.on('error', fail);
    stream.on('close', () => done(received));
  });
  text.catch(() => undefined);
  let released = false;
  return {
    text,
    async release() {
      if (released) return;
      released = true;
      await probe!.close();
    },
  };
}
