import assert from 'node:assert/strict';
import { runs, pages } from '../../src/core/paging';
import {
  AuthError,
  BadRequestError,
  CancelledError,
  NetworkError,
  NotFoundError,
  OutcomeUnknownError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnsupportedError,
} from '../../src/core/errors';
import { ParagonClient, paragonTaskHistoryUrl, type ParagonClientOptions } from '../../src/sources/paragon/paragonClient';
import { nextOffsetFrom } from '../../src/sources/paragon/paragonWire';
import { collect, MemoryLog, startSilentServer, useEmulator } from './support/emulatorFixture';

describe('Paragon client', () => {
  const emulator = useEmulator({ extraStatuses: ['TIMED_OUT'] });
  const client = (options: Partial<ParagonClientOptions> = {}) =>
    new ParagonClient({
      projectId: emulator().projectId,
      baseUrl: new URL(emulator().paragonBaseUrl).origin,
      apiKey: emulator().apiKey,
      retryBaseDelayMs: 10,
      rateLimit: null,
      ...options,
    });
  beforeEach(() => {
    emulator().faults.clear();
    emulator().resetStats();
  });

  describe('base URL', () => {
    it('puts the project id in the path of the cloud or on-premise origin', () => {
      assert.equal(paragonTaskHistoryUrl(undefined, 'p1'), 'https://api.useparagon.com/projects/p1/task-history');
      assert.equal(paragonTaskHistoryUrl('https://zeus.acme.example/', 'p1'), 'https://zeus.acme.example/projects/p1/task-history');
    });
    it('accepts a full task-history URL as it is', () => {
      const full = 'https://zeus.acme.example/projects/p9/task-history';
      assert.equal(paragonTaskHistoryUrl(full, 'ignored'), full);
    });
  });

  describe('listing', () => {
    it('lists the first page of 100 with the total for the whole filter', async () => {
      const page = await client().listPage({}, 0);
      assert.equal(page.runs.length, 100);
      assert.equal(page.total, emulator().truth.paragonIds({}).length);
      assert.equal(page.nextOffset, 100);
    });

    it('sends every filter as its documented parameter', async () => {
      const truth = emulator().truth;
      const integration = truth.integrations[1]!;
      const workflowId = truth.workflowIds[3]!;
      const userId = truth.userIds[5]!;
      const after = new Date(Date.now() - 30 * 86_400_000);
      const before = new Date(Date.now() - 5 * 86_400_000);
      const cases = [
        { query: { status: 'failed' as const }, filter: { status: 'FAILED' } },
        { query: { status: 'running' as const }, filter: { status: 'EXECUTING' } },
        { query: { status: 'delayed' as const }, filter: { status: 'DELAYED' } },
        { query: { integration }, filter: { integration } },
        { query: { workflowId }, filter: { workflowId } },
        { query: { userId }, filter: { userId } },
        {
          query: { startedAfter: after, startedBefore: before },
          filter: { afterDate: after.toISOString(), beforeDate: before.toISOString() },
        },
      ];
      for (const { query, filter } of cases) {
        const page = await client().listPage(query, 0);
        const expected = truth.paragonIds(filter);
        assert.equal(page.total, expected.length, `total for ${JSON.stringify(filter)}`);
        assert.ok(expected.length > 0, `the seeded data has runs for ${JSON.stringify(filter)}`);
        const expectedSet = new Set(expected);
        for (const run of page.runs) assert.ok(expectedSet.has(run.id), `${run.id} matches ${JSON.stringify(filter)}`);
      }
    });

    it('normalizes statuses and keeps the raw value, including unknown ones', async () => {
      const all = await collect(runs(client(), {}));
      const byRaw = new Map<string, string>();
      for (const run of all) byRaw.set(run.rawStatus, run.status);
      assert.equal(byRaw.get('FAILED'), 'failed');
      assert.equal(byRaw.get('SUCCEEDED'), 'succeeded');
      assert.equal(byRaw.get('EXECUTING'), 'running');
      assert.equal(byRaw.get('DELAYED'), 'delayed');
      assert.equal(byRaw.get('TIMED_OUT'), 'unknown', 'an undocumented status is kept raw and marked unknown');
    });

    it('computes durations from the timestamps and leaves running runs open-ended', async () => {
      const page = await client().listPage({ status: 'succeeded' }, 0);
      for (const run of page.runs) {
        assert.equal(run.durationMs, Date.parse(run.endedAt!) - Date.parse(run.startedAt!));
      }
      const running = await client().listPage({ status: 'running' }, 0);
      for (const run of running.runs) assert.equal(run.endedAt, undefined);
    });

    it('sorts oldest first on request', async () => {
      const page = await client().listPage({}, 0, { order: 'asc' });
      const starts = page.runs.map((r) => Date.parse(r.startedAt!));
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
      );
      assert.deepEqual(
        page.runs.map((r) => r.id),
        emulator().truth.paragonIds({}).slice(0, 100),
      );
    });

    it('pages to the end with exact counts, as pages and as items', async () => {
      const integration = emulator().truth.integrations[0]!;
      const expected = emulator().truth.paragonIds({ integration });
      const allPages = await collect(pages(client(), { integration }, { order: 'asc' }));
      assert.equal(allPages.length, Math.ceil(expected.length / 100));
      const ids = (await collect(runs(client(), { integration }, { order: 'asc' }))).map((r) => r.id);
      assert.deepEqual(ids, expected);
      for (const run of allPages.flatMap((p) => p.runs)) assert.equal(run.integration, integration);
    });

    it('never sends the key to the origin nextLink points at', async () => {
      const raw = await fetch(`${emulator().paragonBaseUrl}/workflow-executions`, {
        headers: { Authorization: `Bearer ${emulator().apiKey}` },
      });
      const body = (await raw.json()) as { nextLink: string };
      assert.equal(new URL(body.nextLink).origin, emulator().foreignOrigin, 'the emulator points nextLink elsewhere, like the docs');
      const status = 'failed' as const;
      const all = await collect(runs(client(), { status }));
      assert.equal(all.length, emulator().truth.paragonIds({ status: 'FAILED' }).length);
      assert.deepEqual(emulator().stats().foreignRequests, []);
    });

    it('builds every URL on the configured origin, whatever the path or query holds', () => {
      const c = client();
      for (const path of ['@127.0.0.2/x', '//127.0.0.2/x', '/../../../x', '/http://127.0.0.2/x']) {
        assert.equal(c.http.urlFor(path).origin, c.http.origin, path);
      }
      assert.equal(c.http.urlFor('/workflow-executions', { userId: 'http://127.0.0.2/' }).origin, c.http.origin);
    });

    it('takes the next offset from nextLink without requesting it', () => {
      assert.equal(nextOffsetFrom('https://zeus.useparagon.com/projects/p/task-history/workflow-executions?sortBy=ASC&offset=200', 100, 100), 200);
      assert.equal(nextOffsetFrom('not a url at all', 100, 100), 200, 'an unreadable link: count ourselves');
      assert.equal(nextOffsetFrom(null, 100, 100), undefined);
    });
  });

  describe('one run', () => {
    it('gets an execution with its step graph', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[3]!;
      const run = await client().getRun(id);
      assert.equal(run.id, id);
      assert.equal(run.status, 'failed');
      assert.ok(run.steps.length >= 2, 'at least two steps');
      const byId = new Map(run.steps.map((s) => [s.id, s]));
      for (const step of run.steps) {
        for (const next of step.next) assert.equal(byId.get(next)?.prev, step.id, 'next and prev agree');
        assert.equal(typeof step.inputSize, 'number', 'sizes sent as strings arrive as numbers');
      }
      assert.equal(run.steps.filter((s) => s.status === 'failed').length, 1);
    });

    it("gets a step's input and output, including an error string", async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[0]!;
      const run = await client().getRun(id);
      const failed = run.steps.find((s) => s.status === 'failed')!;
      const payload = await client().getStepPayload(id, failed.id);
      assert.equal(typeof payload.output, 'string');
      assert.match(String(payload.output), /Error/);
      assert.equal(typeof payload.isLargeOutput, 'boolean');
    });

    it('answers an unknown execution with a not-found error that mentions retention', async () => {
      await assert.rejects(client().getRun('00000000-0000-4000-8000-000000000000'), (error: unknown) => {
        assert.ok(error instanceof NotFoundError);
        assert.match(error.message, /Workflow execution 00000000-0000-4000-8000-000000000000 was not found/);
        assert.match(error.message, /90 days/);
        return true;
      });
    });

    it('answers an unknown project with a not-found error', async () => {
      const c = client({ projectId: 'no-such-project' });
      await assert.rejects(c.listPage({}, 0), NotFoundError);
    });

    it('joins identical GETs in flight into one request', async () => {
      const id = emulator().truth.paragonIds({})[10]!;
      const c = client();
      const [a, b, d] = await Promise.all([c.getRun(id), c.getRun(id), c.getRun(id)]);
      assert.equal(a.id, b.id);
      assert.equal(b.id, d.id);
      assert.equal(emulator().stats().byRoute['paragon.get'], 1);
      assert.equal(c.http.stats.deduplicated, 2);
    });
  });

  describe('replay', () => {
    it('replays with one POST and the new execution appears, runs, then finishes', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[1]!;
      await client().replay(id);
      const stats = emulator().stats();
      assert.equal(stats.byRoute['paragon.replay'], 1);
      assert.equal(stats.replays.length, 1);
      assert.equal(stats.replays[0]!.sourceId, id);
      const replayed = await client().getRun(stats.replays[0]!.newId);
      assert.equal(replayed.status, 'running');
    });

    it('never retries a replay the server may have run (5xx), and says so', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[2]!;
      emulator().faults.inject('server-error', 1, /replay/);
      // Not a ServerError ("try again later"): the replay may have started.
      await assert.rejects(client().replay(id), OutcomeUnknownError);
      assert.equal(emulator().stats().byRoute['paragon.replay'], 1, 'exactly one POST');
    });

    it('retries a replay the server refused with 429 (nothing ran)', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[4]!;
      emulator().faults.inject('rate-limit', 1, /replay/);
      await client().replay(id);
      assert.equal(emulator().stats().replays.length, 1);
    });
  });

  describe('errors', () => {
    it('maps a wrong key to an auth error with the host’s hint, and never echoes the key', async () => {
      const log = new MemoryLog();
      const c = client({ apiKey: 'wrong-key-123', keyHint: 'Run "Task History: Set API Key".', log });
      await assert.rejects(c.listPage({}, 0), (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.match(error.message, /rejected the API key \(401/);
        assert.match(error.message, /Set API Key/);
        assert.doesNotMatch(`${error.message} ${error.detail}`, /wrong-key-123/);
        return true;
      });
      assert.ok(log.lines.length > 0);
      assert.ok(
        log.lines.every((l) => !l.includes('wrong-key-123')),
        'the key never reaches the log',
      );
    });

    it('fails without a request when no key is set', async () => {
      await assert.rejects(client({ apiKey: () => undefined }).listPage({}, 0), /No API key is set for Paragon/);
      assert.equal(emulator().stats().requests, 0);
    });

    it('names the parameter a 400 complains about', async () => {
      await assert.rejects(
        client().http.getJson({ path: '/workflow-executions', query: { status: 'BOGUS' } }),
        (error: unknown) => error instanceof BadRequestError && error.parameter === 'status' && /"status"/.test(error.message),
      );
    });

    it('refuses a status Paragon cannot filter by before sending anything', async () => {
      await assert.rejects(client().listPage({ status: 'cancelled' }, 0), UnsupportedError);
      assert.equal(emulator().stats().requests, 0);
    });

    it('retries 5xx, dropped connections, cut-short and non-JSON bodies, then succeeds', async () => {
      for (const kind of ['server-error', 'drop', 'truncate', 'non-json'] as const) {
        emulator().resetStats();
        emulator().faults.inject(kind, 2);
        const c = client();
        const page = await c.listPage({}, 0);
        assert.equal(page.runs.length, 100, kind);
        assert.equal(c.http.stats.retries, 2, `${kind} was retried twice`);
      }
    });

    it('gives typed errors when the retries run out', async () => {
      const cases = [
        ['server-error', ServerError],
        ['drop', NetworkError],
        ['truncate', NetworkError],
        ['non-json', ProtocolError],
        ['rate-limit', RateLimitedError],
      ] as const;
      for (const [kind, type] of cases) {
        emulator().faults.inject(kind, 3);
        await assert.rejects(client({ retries: 2 }).listPage({}, 0), type, kind);
        emulator().faults.clear();
      }
    });

    it('says an HTML page came back instead of JSON', async () => {
      emulator().faults.inject('non-json', 1);
      await assert.rejects(client({ retries: 0 }).listPage({}, 0), /HTML page instead of JSON/);
    });

    it("waits at least as long as the server's Retry-After", async () => {
      emulator().faults.inject('rate-limit', 2);
      const started = Date.now();
      const page = await client().listPage({}, 0);
      assert.equal(page.runs.length, 100);
      assert.ok(Date.now() - started >= 1900, 'two Retry-After: 1 waits');
    });

    it('times out a silent server', async () => {
      const silent = await startSilentServer();
      try {
        const c = new ParagonClient({ projectId: 'p', baseUrl: silent.url, apiKey: 'k', timeoutMs: 200, retries: 1, retryBaseDelayMs: 10, rateLimit: null });
        await assert.rejects(c.listPage({}, 0), TimeoutError);
      } finally {
        await silent.close();
      }
    });

    it('explains an unreachable host', async () => {
      const c = new ParagonClient({ projectId: 'p', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', retries: 1, retryBaseDelayMs: 10, rateLimit: null });
      await assert.rejects(c.listPage({}, 0), (error: unknown) => error instanceof NetworkError && /refused/.test(error.message));
    });
  });

  describe('cancellation', () => {
    it('cancels a request in flight', async () => {
      const silent = await startSilentServer();
      try {
        const c = new ParagonClient({ projectId: 'p', baseUrl: silent.url, apiKey: 'k', rateLimit: null });
        const controller = new AbortController();
        const pending = c.listPage({}, 0, { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await assert.rejects(pending, CancelledError);
      } finally {
        await silent.close();
      }
    });

    it('stops paging when cancelled between pages', async () => {
      const controller = new AbortController();
      let seen = 0;
      await assert.rejects(
        (async () => {
          for await (const page of pages(client(), {}, { signal: controller.signal })) {
            seen += page.runs.length;
            if (seen >= 300) controller.abort();
          }
        })(),
        CancelledError,
      );
      assert.equal(seen, 300);
      assert.equal(emulator().stats().byRoute['paragon.list'], 3);
    });

    it('cancels a wait for the rate budget', async () => {
      const c = client({ rateLimit: { limit: 1, intervalMs: 2_000 } });
      await c.listPage({}, 0);
      const controller = new AbortController();
      const pending = c.listPage({}, 100, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, CancelledError);
      assert.equal(emulator().stats().requests, 1);
    });
  });
});
