// Issue 9, class 4 (every request ends; bodies capped after decompression) and the base-URL
// rules of class 7 (no key in clear to a remote host, no credentials in the URL). Real HTTP
// over loopback: the emulator's new faults, and a raw hostile server that counts what it
// put on the wire. Time bounds here are only "it ends at all" guards, never measurements.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program';
import { sourceFromFlags } from '../../src/cli/sourceOptions';
import { UsageError } from '../../src/cli/usageError';
import { exportRuns } from '../../src/core/export/exportRuns';
import { createSource } from '../../src/sources/createSource';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { CancelledError, ProtocolError, RateLimitedError, ServerError, TimeoutError } from '../../src/core/errors';
import { DEFAULT_LIMITS, HttpPolicy, type HttpPolicyOptions } from '../../src/sources/http/httpPolicy';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';
import { startHostileServer, type HostileServer } from './support/hostileHttpServer';

const MiB = 1024 * 1024;
const KEY = 'thx-deadline-spec-key-3c9e1f';

function policy(server: HostileServer, options: Partial<HttpPolicyOptions> = {}): HttpPolicy {
  return new HttpPolicy({ apiName: 'Paragon', baseUrl: server.url, apiKey: KEY, retries: 0, retryBaseDelayMs: 5, ...options });
}

/** A writable that drops everything (a server export's destination when the file is not the point). */
function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

describe('every request ends (issue 9, class 4)', function () {
  // A guard, not a measurement: each case must end well within this.
  this.timeout(30_000);

  describe('an overall deadline per attempt, headers and body', () => {
    let server: HostileServer;
    before(async () => {
      server = await startHostileServer({ kind: 'trickle', intervalMs: 400 });
    });
    after(() => server.close());

    it('a JSON body trickled one byte every 400 ms ends with a TimeoutError after the deadline', async () => {
      server.behave({ kind: 'trickle', intervalMs: 400 });
      const started = Date.now();
      const error = await policy(server, { deadlineMs: 1500 })
        .getJson({ path: '/trickle' })
        .catch((e: unknown) => e);
      assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
      assert.match(error.message, /1\.5 s/);
      // The attempt was really stopped: the server saw its connection close mid-body.
      await server.allClosed();
      assert.equal(server.stats.cutOff, 1);
      assert.ok(server.stats.bytesSent < 10_000, `the body never completed (${server.stats.bytesSent} bytes sent)`);
      console.log(`      trickled body: TimeoutError after ${Date.now() - started} ms with a 1500 ms deadline, ${server.stats.bytesSent} bytes sent`);
    });

    it('a limit longer than a timer can hold (25 days) is a long limit, not an instant time-out', async () => {
      // Node fires a timer of more than 2^31 - 1 ms after 1 ms: every request timed out at once.
      server.behave({ kind: 'answer', status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
      const days25 = 25 * 24 * 3_600_000;
      const answer = await policy(server, { deadlineMs: days25, timeoutMs: days25 }).getJson({ path: '/ok' });
      assert.deepEqual(answer, { ok: true });
    });

    it('an attempt past its deadline is not retried: the deadline bounds what the caller waits', async () => {
      server.behave({ kind: 'trickle', intervalMs: 400 });
      const http = policy(server, { deadlineMs: 800, retries: 2 });
      await assert.rejects(http.getJson({ path: '/trickle' }), TimeoutError);
      assert.equal(server.stats.requests, 1);
      assert.equal(http.stats.retries, 0);
    });

    it('a silence inside a JSON body (a dead connection) is still a retried time-out', async () => {
      server.behave({ kind: 'stall', prefix: '{"data":' });
      const http = policy(server, { timeoutMs: 500, deadlineMs: 60_000, retries: 1 });
      await assert.rejects(http.getJson({ path: '/stall' }), TimeoutError);
      assert.equal(server.stats.requests, 2);
      await server.allClosed();
    });

    it('a silence after the headers of a JSON body ends at the deadline, whatever the idle timeout', async () => {
      server.behave({ kind: 'stall', prefix: '{"data":' });
      await assert.rejects(policy(server, { deadlineMs: 1000, timeoutMs: 60_000 }).getJson({ path: '/stall' }), TimeoutError);
    });

    it('the caller can still cancel before the deadline (a CancelledError, not a time-out)', async () => {
      server.behave({ kind: 'trickle', intervalMs: 400 });
      const controller = new AbortController();
      const pending = policy(server, { deadlineMs: 60_000 }).getJson({ path: '/trickle', signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(pending, CancelledError);
      await server.allClosed();
    });

    it('a server export that goes silent after its first bytes ends with a TimeoutError (idle timeout)', async () => {
      server.behave({ kind: 'stall', prefix: 'id,status\n' });
      const dispersl = new DisperslClient({ baseUrl: `${server.url}/v1`, apiKey: KEY, requestsPerHour: null, retries: 0, deadlineMs: 1000 });
      await assert.rejects(dispersl.exportToStream('csv', {}, sink()), TimeoutError);
      await server.allClosed();
    });

    it('a server export that keeps trickling ends with a TimeoutError at its overall cap', async () => {
      server.behave({ kind: 'trickle', intervalMs: 50, body: 'id,status\n'.repeat(10_000) });
      const dispersl = new DisperslClient({
        baseUrl: `${server.url}/v1`,
        apiKey: KEY,
        requestsPerHour: null,
        retries: 0,
        deadlineMs: 60_000,
        streamDeadlineMs: 1500,
      });
      const error = await dispersl.exportToStream('csv', {}, sink()).catch((e: unknown) => e);
      assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${String(error)}`);
      assert.match(error.message, /export/i);
      await server.allClosed();
    });

    it('a Retry-After too large to mean anything (1e400) fails at once, typed, instead of waiting', async () => {
      for (const status of [429, 503]) {
        server.behave({ kind: 'answer', status, headers: { 'Retry-After': '1e400' }, body: '{"message":"slow down"}' });
        const http = policy(server, { retries: 3, retryBaseDelayMs: 5 });
        const error = await http.getJson({ path: '/storm' }).catch((e: unknown) => e);
        assert.ok(error instanceof (status === 429 ? RateLimitedError : ServerError), `${status}: got ${String(error)}`);
        assert.equal(server.stats.requests, 1, `${status}: not retried`);
      }
    });

    it('an unreadable Retry-After is ignored: the usual backoff, then a typed error', async () => {
      server.behave({ kind: 'answer', status: 503, headers: { 'Retry-After': 'soon, maybe' }, body: '' });
      const http = policy(server, { retries: 2, retryBaseDelayMs: 5 });
      await assert.rejects(http.getJson({ path: '/storm' }), ServerError);
      assert.equal(server.stats.requests, 3);
    });

    it('CLI --timeout sets the deadline: a trickled list ends with exit 1 and says how to allow more time', async () => {
      server.behave({ kind: 'trickle', intervalMs: 400 });
      let stderr = '';
      const io = { stdout: { write: () => undefined }, stderr: { write: (t: string) => void (stderr += t) }, stderrIsTTY: false };
      const code = await runCli(['list', '--source', 'paragon', '--base-url', server.url, '--project', 'p1', '--timeout', '1'], {
        io,
        env: { TASK_HISTORY_API_KEY: KEY },
        signal: new AbortController().signal,
      });
      assert.equal(code, 1, stderr);
      assert.match(stderr, /within 1 s/);
      assert.match(stderr, /--timeout/);
    });

    it('CLI --timeout rejects a value that is not a positive number of seconds (exit 2)', async () => {
      const io = { stdout: { write: () => undefined }, stderr: { write: () => undefined }, stderrIsTTY: false };
      const ctx = { io, env: { TASK_HISTORY_API_KEY: KEY }, signal: new AbortController().signal };
      assert.equal(await runCli(['list', '--source', 'paragon', '--project', 'p1', '--timeout', '0'], ctx), 2);
      assert.equal(await runCli(['list', '--source', 'paragon', '--project', 'p1', '--timeout', 'soon'], ctx), 2);
    });
  });

  describe('bodies capped after decompression', () => {
    let server: HostileServer;
    before(async () => {
      server = await startHostileServer({ kind: 'big', bytes: MiB });
    });
    after(() => server.close());

    it('the default caps leave a margin over the largest legitimate bodies', () => {
      // The emulator's largest JSON body is a step payload of 5.2 MiB (a 3 MB input and a
      // 3 MB output); a list page is 27 KB, a 1,000-step run 400 KB.
      assert.equal(DEFAULT_LIMITS.maxResponseBytes, 32 * MiB);
      assert.equal(DEFAULT_LIMITS.maxStreamBytes, 2048 * MiB);
    });

    it('a gzip bomb on a JSON GET fails with a ProtocolError, decompressing no more than about the cap', async () => {
      server.behave({ kind: 'gzip-bomb', bytes: 1024 * MiB });
      const http = policy(server, { maxResponseBytes: 4 * MiB, retries: 3 });
      const error = await http.getJson({ path: '/bomb' }).catch((e: unknown) => e);
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
      assert.match(error.message, /larger than 4 MiB/);
      // Counted as it was inflated: at most one decompressor chunk past the cap.
      assert.ok(http.stats.bodyBytes <= 4 * MiB + 64 * 1024, `${http.stats.bodyBytes} bytes decompressed`);
      // Not retried: the same answer would come again.
      assert.equal(server.stats.requests, 1);
      await server.allClosed();
      console.log(
        `      gzip bomb (1 GiB inflated): stopped after ${(http.stats.bodyBytes / MiB).toFixed(2)} MiB decompressed (cap 4 MiB); server sent ${server.stats.bytesSent} compressed bytes`,
      );
    });

    it('a huge plain JSON body is aborted after about cap bytes, not read to the end', async () => {
      server.behave({ kind: 'big', bytes: 512 * MiB });
      const http = policy(server, { maxResponseBytes: 4 * MiB, retries: 3 });
      await assert.rejects(http.getJson({ path: '/big' }), ProtocolError);
      await server.allClosed();
      // What the kernel accepted from the server: the cap plus socket buffers, far from 512 MiB.
      assert.ok(server.stats.bytesSent <= 4 * MiB + 32 * MiB, `${server.stats.bytesSent / MiB} MiB sent`);
      assert.equal(server.stats.requests, 1);
      console.log(`      512 MiB plain body, cap 4 MiB: server got ${(server.stats.bytesSent / MiB).toFixed(1)} MiB onto the wire before the client hung up`);
    });

    it('a body under the cap still arrives, compressed or not', async () => {
      server.behave({ kind: 'gzip-bomb', bytes: 2 * MiB, tail: '{"ok":true}' });
      assert.deepEqual(await policy(server, { maxResponseBytes: 4 * MiB }).getJson({ path: '/small-gzip' }), { ok: true });
      server.behave({ kind: 'big', bytes: 2 * MiB, tail: '{"ok":1}' });
      assert.deepEqual(await policy(server, { maxResponseBytes: 4 * MiB }).getJson({ path: '/small' }), { ok: 1 });
    });

    it('a gzip bomb on a server export fails with a ProtocolError, capped on the decompressed stream', async () => {
      server.behave({ kind: 'gzip-bomb', bytes: 1024 * MiB });
      const dispersl = new DisperslClient({ baseUrl: `${server.url}/v1`, apiKey: KEY, requestsPerHour: null, retries: 0, maxStreamBytes: 8 * MiB });
      let written = 0;
      const out = new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          written += chunk.length;
          done();
        },
      });
      const error = await dispersl.exportToStream('json', {}, out).catch((e: unknown) => e);
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
      assert.match(error.message, /larger than 8 MiB/);
      assert.ok(written <= 8 * MiB, `${written} bytes reached the file`);
      await server.allClosed();
    });
  });

  describe("the emulator's trickle and gzip-bomb faults", () => {
    const emulator = useEmulator({ paragonExecutions: 300, disperslTasks: 120, trickleIntervalMs: 400 });
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'thx-deadline-'));
      emulator().faults.clear();
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("a trickled run detail ends with a TimeoutError at the client's deadline", async () => {
      const e = emulator();
      const id = e.truth.paragonIds({})[0]!;
      e.faults.inject('trickle', 1, /\/workflow-executions\/[^/]+$/);
      const client = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, rateLimit: null, retries: 0, deadlineMs: 1000 });
      await assert.rejects(client.getRun(id), TimeoutError);
      assert.equal(e.stats().faultsInjected['trickle'], 1);
    });

    it('a gzip bomb on a list page fails with a ProtocolError at the cap', async () => {
      const e = emulator();
      e.faults.inject('gzip-bomb', 1, /\/workflow-executions(\?|$)/);
      const client = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, rateLimit: null, retries: 2 });
      await assert.rejects(client.listPage({}, 0), (error: unknown) => error instanceof ProtocolError && /larger than 32 MiB/.test(error.message));
      assert.ok(client.http.stats.bodyBytes <= 32 * MiB + 64 * 1024, `${client.http.stats.bodyBytes} bytes decompressed`);
      assert.equal(e.stats().byRoute['paragon.list'], 1);
    });

    it('a gzip bomb on a Dispersl server export fails the export and leaves no file behind', async () => {
      const e = emulator();
      e.faults.inject('gzip-bomb', 1, /\/history\/export/);
      const source = createSource({ id: 'd', kind: 'dispersl', baseUrl: e.disperslBaseUrl }, { apiKey: e.apiKey, maxStreamBytes: 16 * MiB }) as DisperslClient;
      const target = join(dir, 'tasks.json');
      const error = await exportRuns({ source, query: {}, format: 'json', target }).catch((x: unknown) => x);
      assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
      assert.match(error.message, /larger than 16 MiB/);
      assert.deepEqual(await readdir(dir), [], 'no target and no temporary file');
      assert.ok(source.http.stats.bodyBytes <= 16 * MiB + 2 * MiB, `${source.http.stats.bodyBytes} bytes decompressed`);
      console.log(`      server-export gzip bomb: failed after ${(source.http.stats.bodyBytes / MiB).toFixed(2)} MiB decompressed (cap 16 MiB); folder empty`);
    });
  });
});

describe('base URLs that would expose the key (issue 9, class 7)', () => {
  const paragon = (baseUrl: string, allowInsecureHttp?: boolean) => new ParagonClient({ projectId: 'p1', baseUrl, apiKey: KEY, allowInsecureHttp });

  it('http:// to a host other than loopback is refused, saying the key would travel in clear and how to allow it', () => {
    assert.throws(
      () => paragon('http://example.com'),
      (error: unknown) => error instanceof Error && /in clear/.test(error.message) && /allowInsecureHttp/.test(error.message) && /--allow-insecure-http/.test(error.message),
    );
    assert.throws(() => new DisperslClient({ baseUrl: 'http://10.0.0.5:8080/v1', apiKey: KEY }), /in clear/);
    assert.throws(() => paragon('http://127.0.0.1.example.com'), /in clear/);
  });

  it('http:// to a non-loopback host is allowed when the source says so (setting or flag)', () => {
    assert.equal(paragon('http://example.com', true).http.origin, 'http://example.com');
    const viaConfig = createSource({ id: 's', kind: 'dispersl', baseUrl: 'http://example.com/v1', allowInsecureHttp: true }, { apiKey: KEY });
    assert.equal((viaConfig as DisperslClient).http.origin, 'http://example.com');
    const viaFlag = sourceFromFlags(
      { source: 'paragon', baseUrl: 'http://example.com', project: 'p1', concurrency: 1, allowInsecureHttp: true },
      { TASK_HISTORY_API_KEY: KEY },
    ) as ParagonClient;
    assert.equal(viaFlag.http.origin, 'http://example.com');
  });

  it('loopback stays allowed over http:// (the emulator and the demo)', () => {
    for (const url of ['http://127.0.0.1:4680', 'http://127.5.6.7', 'http://localhost:8080', 'http://[::1]:9000', 'http://LOCALHOST']) {
      assert.doesNotThrow(() => paragon(url), url);
    }
  });

  it('a base URL with user:pass@ (any userinfo) is rejected without echoing the password', () => {
    for (const url of ['https://alice:s3cr3t-pw@api.useparagon.com', 'https://alice@api.useparagon.com', 'https://:s3cr3t-pw@api.useparagon.com']) {
      assert.throws(
        () => paragon(url),
        (error: unknown) =>
          error instanceof Error && /user name or password/.test(error.message) && !error.message.includes('s3cr3t-pw') && !(error as ProtocolError).detail.includes('s3cr3t-pw'),
        url,
      );
    }
    assert.throws(() => new DisperslClient({ baseUrl: 'https://u:s3cr3t-pw@api.dispersl.com/v1', apiKey: KEY }), /user name or password/);
  });

  it('the CLI refuses both with a usage error (exit 2) before sending anything', async () => {
    assert.throws(
      () => sourceFromFlags({ source: 'paragon', baseUrl: 'http://example.com', project: 'p1', concurrency: 1 }, { TASK_HISTORY_API_KEY: KEY }),
      (error: unknown) => error instanceof UsageError && /--allow-insecure-http/.test(error.message),
    );
    let stderr = '';
    const io = { stdout: { write: () => undefined }, stderr: { write: (t: string) => void (stderr += t) }, stderrIsTTY: false };
    const code = await runCli(['list', '--source', 'dispersl', '--base-url', 'https://me:s3cr3t-pw@api.dispersl.com/v1'], {
      io,
      env: { TASK_HISTORY_API_KEY: KEY },
      signal: new AbortController().signal,
    });
    assert.equal(code, 2, stderr);
    assert.doesNotMatch(stderr, /s3cr3t-pw/);
  });
});
