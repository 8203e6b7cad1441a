// Specifications of the API emulator, over real HTTP (global fetch) on loopback.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';

interface Execution {
  id: string;
  userId: string;
  taskCount: number;
  runDuration: number;
  workflowId: string;
  status: string;
  dateEnded?: string;
  dateStarted: string;
}
interface StepExecution {
  id: string;
  stepId: string;
  workflowExecutionId: string;
  status: string;
  type: string;
  start: string;
  end?: string;
  next: string[];
  prev: string | null;
  inputSize: string;
  outputSize: string;
}
type Detail = Execution & { stepExecutions: StepExecution[] };
interface ListBody {
  workflowExecutions: Execution[];
  nextLink: string | null;
  total: number;
}
interface StepPayload {
  isLargeInput: boolean;
  isLargeOutput: boolean;
  input?: unknown;
  output?: unknown;
}
interface Envelope<T> {
  status: string;
  message: string;
  data: T;
  pagination?: { total: number; limit: number; offset: number; has_more: boolean };
}
interface TaskSummary {
  task_id: string;
  task_name: string;
  status: string;
  created_at: string;
  completed_at?: string | null;
  duration?: string | null;
  total_steps: number;
  success_rate: number;
}
type Task = TaskSummary & {
  steps: { step_id: string; step_name: string; status: string; agent: string; model: string; tokens_used: number; tools_used: string[] }[];
  total_tokens: number;
};

const SMALL: EmulatorOptions = { seed: 7, paragonExecutions: 3000, disperslTasks: 300 };

function useEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  before(async () => {
    emulator = await startEmulator({ ...SMALL, ...options });
  });
  after(async () => {
    await emulator?.close();
  });
  return () => emulator!;
}

async function call<T>(url: string, key: string | undefined, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: T; text: string }> {
  const headers: Record<string, string> = key === undefined ? {} : { Authorization: `Bearer ${key}` };
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

const paragon = <T>(e: RunningEmulator, path: string, init?: RequestInit) => call<T>(`${e.paragonBaseUrl}${path}`, e.apiKey, init);
const dispersl = <T>(e: RunningEmulator, path: string) => call<T>(`${e.disperslBaseUrl}${path}`, e.apiKey);

async function until(condition: () => Promise<boolean>, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('API emulator', () => {
  describe('Paragon listing', () => {
    const emulator = useEmulator({ extraStatuses: ['TIMED_OUT'] });

    it('gives the same data for the same seed and `now`, and other data for another seed', async () => {
      const now = new Date('2024-05-01T12:00:00Z');
      const [a, b, c] = await Promise.all([startEmulator({ ...SMALL, now }), startEmulator({ ...SMALL, now }), startEmulator({ ...SMALL, seed: 8, now })]);
      try {
        const pageA = await paragon<ListBody>(a, '/workflow-executions?sortBy=ASC');
        const pageB = await paragon<ListBody>(b, '/workflow-executions?sortBy=ASC');
        const pageC = await paragon<ListBody>(c, '/workflow-executions?sortBy=ASC');
        assert.deepEqual(pageA.body.workflowExecutions, pageB.body.workflowExecutions);
        assert.notDeepEqual(
          pageA.body.workflowExecutions.map((r) => r.id),
          pageC.body.workflowExecutions.map((r) => r.id),
        );
        assert.deepEqual(a.truth.paragonIds({}), b.truth.paragonIds({}));
        assert.deepEqual(a.truth.disperslIds({}), b.truth.disperslIds({}));
        assert.equal(a.projectId, b.projectId);
        assert.ok(pageA.body.workflowExecutions.every((r) => Date.parse(r.dateStarted) >= now.getTime() - 80 * 86_400_000));
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });

    it('answers the first page newest first with the documented fields and the whole total', async () => {
      const { body, headers } = await paragon<ListBody>(emulator(), '/workflow-executions');
      assert.match(headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(body.total, 3000);
      assert.equal(body.workflowExecutions.length, 100);
      assert.deepEqual(
        body.workflowExecutions.map((r) => r.id),
        emulator().truth.paragonIds({}).slice(-100).reverse(),
      );
      for (const run of body.workflowExecutions) {
        const keys = Object.keys(run);
        const expected = ['id', 'userId', 'taskCount', 'runDuration', 'workflowId', 'status', ...(run.dateEnded === undefined ? [] : ['dateEnded']), 'dateStarted'];
        assert.deepEqual(keys, expected);
        assert.equal('integration' in run, false);
        if (run.dateEnded !== undefined) assert.equal(run.runDuration, Date.parse(run.dateEnded) - Date.parse(run.dateStarted));
        else assert.ok(['EXECUTING', 'DELAYED'].includes(run.status));
      }
    });

    it('filters exactly like the ground truth, for every filter', async () => {
      const e = emulator();
      const now = Date.now();
      const cases: Record<string, string>[] = [
        { status: 'FAILED' },
        { status: 'EXECUTING' },
        { status: 'DELAYED' },
        { status: 'SUCCEEDED' },
        { integration: e.truth.integrations[2]! },
        { workflowId: e.truth.workflowIds[3]! },
        { userId: e.truth.userIds[5]! },
        { userId: 'dana+ops@example.com' },
        { afterDate: new Date(now - 30 * 86_400_000).toISOString(), beforeDate: new Date(now - 5 * 86_400_000).toISOString() },
        { afterDate: new Date(now - 3 * 86_400_000).toISOString().slice(0, 10) },
        { integration: 'hubspot', status: 'FAILED', beforeDate: new Date(now - 86_400_000).toISOString() },
        { integration: 'no-such-integration' },
      ];
      for (const filter of cases) {
        const expected = e.truth.paragonIds(filter);
        const query = new URLSearchParams({ ...filter, sortBy: 'ASC' });
        const { body } = await paragon<ListBody>(e, `/workflow-executions?${query}`);
        assert.equal(body.total, expected.length, JSON.stringify(filter));
        assert.deepEqual(
          body.workflowExecutions.map((r) => r.id),
          expected.slice(0, 100),
          JSON.stringify(filter),
        );
      }
      assert.ok(e.truth.paragonIds({ userId: 'dana+ops@example.com' }).length > 0, 'a user id with "+" has runs');
    });

    it('includes afterDate and excludes beforeDate, to the millisecond', async () => {
      const e = emulator();
      const id = e.truth.paragonIds({})[1234]!;
      const { body } = await paragon<Detail>(e, `/workflow-executions/${id}`);
      const at = body.dateStarted;
      assert.equal(e.truth.paragonIds({ afterDate: at })[0], id);
      assert.notEqual(e.truth.paragonIds({ beforeDate: at }).at(-1), id);
      const after = await paragon<ListBody>(e, `/workflow-executions?sortBy=ASC&afterDate=${at}`);
      assert.equal(after.body.workflowExecutions[0]!.id, id);
      const before = await paragon<ListBody>(e, `/workflow-executions?beforeDate=${at}`);
      assert.equal(before.body.total, 1234);
    });

    it('pages to the end: nextLink on the decoy origin in the docs’ style, then null', async () => {
      const e = emulator();
      const integration = e.truth.integrations[0]!;
      const expected = e.truth.paragonIds({ integration });
      const ids: string[] = [];
      let offset = 0;
      for (;;) {
        const { body } = await paragon<ListBody>(e, `/workflow-executions?integration=${integration}&sortBy=ASC&offset=${offset}`);
        ids.push(...body.workflowExecutions.map((r) => r.id));
        if (body.nextLink === null) break;
        const link = new URL(body.nextLink);
        assert.equal(link.origin, e.foreignOrigin);
        assert.equal(link.pathname, new URL(e.paragonBaseUrl).pathname + '/workflow-executions');
        assert.equal(link.search, `?integration=${integration}&sortBy=ASC&offset=${offset + 100}`);
        offset += 100;
      }
      assert.deepEqual(ids, expected);
      const past = await paragon<ListBody>(e, `/workflow-executions?integration=${integration}&offset=${expected.length + 50}`);
      assert.deepEqual(past.body, { workflowExecutions: [], nextLink: null, total: expected.length });
    });

    it('echoes filters in nextLink in the order sent, escaping "+" but keeping "@" and ":" readable', async () => {
      const e = emulator();
      const { body } = await paragon<ListBody>(e, '/workflow-executions?afterDate=2000-01-01T00:00:00&bogus=1&integration=slack');
      assert.equal(new URL(body.nextLink!).search, '?afterDate=2000-01-01T00:00:00&integration=slack&sortBy=DESC&offset=100');
      const plus = await paragon<ListBody>(e, `/workflow-executions?sortBy=ASC&afterDate=${encodeURIComponent('2000-01-01T00:00:00+00:00')}`);
      assert.equal(plus.body.total, 3000);
      assert.match(plus.body.nextLink!, /\?afterDate=2000-01-01T00:00:00%2B00:00&sortBy=ASC&offset=100$/);
    });

    it('serves the same API on the decoy origin and records who called it, with the key', async () => {
      const e = emulator();
      e.resetStats();
      const { body } = await paragon<ListBody>(e, '/workflow-executions?status=FAILED');
      const naive = await call<ListBody>(body.nextLink!, e.apiKey);
      assert.equal(naive.status, 200);
      assert.equal(naive.body.workflowExecutions[0]!.id, e.truth.paragonIds({ status: 'FAILED' }).at(-101));
      const stats = e.stats();
      assert.equal(stats.foreignRequests.length, 1);
      assert.equal(stats.foreignRequests[0]!.authorization, `Bearer ${e.apiKey}`);
      assert.equal(stats.foreignRequests[0]!.method, 'GET');
      assert.match(stats.foreignRequests[0]!.path, /status=FAILED&sortBy=DESC&offset=100$/);
      assert.equal(stats.requests, 1, 'decoy requests are not counted as API requests');
    });

    it('refuses bad parameters with a 400 that names them, and ignores unknown ones', async () => {
      const e = emulator();
      const bad: [string, string][] = [
        ['status=FOO', 'Invalid value for status: FOO'],
        ['status=TIMED_OUT', 'Invalid value for status: TIMED_OUT'],
        ['beforeDate=yesterday', 'Invalid value for beforeDate: yesterday'],
        ['afterDate=2023-02-30', 'Invalid value for afterDate: 2023-02-30'],
        ['offset=-1', 'Invalid value for offset: -1'],
        ['offset=1.5', 'Invalid value for offset: 1.5'],
        ['sortBy=asc', 'Invalid value for sortBy: asc'],
      ];
      for (const [query, message] of bad) {
        const { status, body } = await paragon<unknown>(e, `/workflow-executions?${query}`);
        assert.equal(status, 400, query);
        assert.deepEqual(body, { message, statusCode: 400 });
      }
      const ok = await paragon<ListBody>(e, '/workflow-executions?unknown=1&afterDate=2023-02-16T00:00:00&beforeDate=2099-01-01T00:00:00%2B02:00');
      assert.equal(ok.status, 200);
      assert.equal(ok.body.total, 3000);
    });

    it('keeps undocumented statuses in the data, while the status filter accepts only documented ones', async () => {
      const e = emulator();
      const timedOut = e.truth.paragonIds({ status: 'TIMED_OUT' });
      assert.ok(timedOut.length > 5 && timedOut.length < 90, `about 1% of 3000, got ${timedOut.length}`);
      const { body } = await paragon<Detail>(e, `/workflow-executions/${timedOut[0]}`);
      assert.equal(body.status, 'TIMED_OUT');
      assert.equal(body.stepExecutions.at(-1)!.status, 'TIMED_OUT');
    });

    it('seeds every documented status in every integration, in about the documented shares', () => {
      const e = emulator();
      for (const integration of e.truth.integrations) {
        for (const status of ['EXECUTING', 'FAILED', 'SUCCEEDED', 'DELAYED']) {
          assert.ok(e.truth.paragonIds({ integration, status }).length > 0, `${integration} ${status}`);
        }
      }
      const share = (status: string) => e.truth.paragonIds({ status }).length / 3000;
      assert.ok(share('SUCCEEDED') > 0.7 && share('SUCCEEDED') < 0.88);
      assert.ok(share('FAILED') > 0.08 && share('FAILED') < 0.16);
      assert.ok(share('EXECUTING') > 0.03 && share('EXECUTING') < 0.08);
      assert.ok(share('DELAYED') > 0.015 && share('DELAYED') < 0.05);
      assert.ok(e.truth.integrations.length >= 8);
      assert.ok(e.truth.workflowIds.length >= 30);
      assert.ok(e.truth.userIds.length >= 150);
      assert.ok(e.truth.userIds.some((u) => u.includes('@')) && e.truth.userIds.some((u) => /^\d+$/.test(u)));
      // Running and delayed runs are recent.
      const open = [...e.truth.paragonIds({ status: 'EXECUTING' }), ...e.truth.paragonIds({ status: 'DELAYED' })];
      const recent = new Set(e.truth.paragonIds({ afterDate: new Date(Date.now() - 3 * 3_600_000).toISOString() }));
      assert.ok(open.every((id) => recent.has(id)));
    });
  });

  describe('Paragon errors', () => {
    const emulator = useEmulator();

    it('answers a missing or wrong key with 401 on every route', async () => {
      const e = emulator();
      const id = e.truth.paragonIds({})[0]!;
      for (const path of ['/workflow-executions', `/workflow-executions/${id}`, `/workflow-executions/${id}/step-executions/x`]) {
        for (const key of [undefined, 'wrong-key']) {
          const { status, body } = await call<unknown>(`${e.paragonBaseUrl}${path}`, key);
          assert.equal(status, 401);
          assert.deepEqual(body, { message: 'Unauthorized', statusCode: 401 });
        }
      }
      const replay = await call<unknown>(`${e.paragonBaseUrl}/workflow-executions/${id}/replay`, undefined, { method: 'POST' });
      assert.equal(replay.status, 401);
      assert.equal(e.stats().replays.length, 0);
    });

    it('answers an unknown project, execution or step with 404 and a message naming it', async () => {
      const e = emulator();
      const origin = new URL(e.paragonBaseUrl).origin;
      const project = await call<unknown>(`${origin}/projects/nope/task-history/workflow-executions`, e.apiKey);
      assert.deepEqual([project.status, project.body], [404, { message: 'Project nope not found', statusCode: 404 }]);
      const missing = '00000000-0000-4000-8000-000000000000';
      const run = await paragon<unknown>(e, `/workflow-executions/${missing}`);
      assert.deepEqual([run.status, run.body], [404, { message: `Workflow execution ${missing} not found`, statusCode: 404 }]);
      const id = e.truth.paragonIds({})[5]!;
      const step = await paragon<{ message: string }>(e, `/workflow-executions/${id}/step-executions/${missing}`);
      assert.equal(step.status, 404);
      assert.match(step.body.message, /not found/);
      const replay = await paragon<unknown>(e, `/workflow-executions/${missing}/replay`, { method: 'POST' });
      assert.equal(replay.status, 404);
    });
  });

  describe('Paragon executions and steps', () => {
    const emulator = useEmulator();
    const detail = async (id: string) => (await paragon<Detail>(emulator(), `/workflow-executions/${id}`)).body;

    it('gives each run a consistent step graph that starts with a trigger and branches somewhere', async () => {
      const e = emulator();
      const all = e.truth.paragonIds({});
      let branches = 0;
      for (let k = 0; k < 3000; k += 41) {
        const run = await detail(all[k]!);
        const steps = run.stepExecutions;
        const byId = new Map(steps.map((s) => [s.id, s]));
        assert.ok(steps.length >= 1 && steps.length <= 60, `${steps.length} steps`);
        assert.match(steps[0]!.type, /^TRIGGER\//);
        assert.equal(steps[0]!.prev, null);
        assert.equal(steps.filter((s) => s.prev === null).length, 1);
        for (const step of steps) {
          assert.equal(step.workflowExecutionId, run.id);
          for (const next of step.next) assert.equal(byId.get(next)?.prev, step.id, 'next and prev agree');
          if (step.prev !== null) assert.ok(byId.get(step.prev)!.next.includes(step.id));
          assert.match(step.inputSize, /^\d+$/);
          assert.match(step.outputSize, /^\d+$/);
          assert.ok(Date.parse(step.start) >= Date.parse(run.dateStarted));
          if (step.end && run.dateEnded) assert.ok(Date.parse(step.end) <= Date.parse(run.dateEnded));
          if (step.next.length >= 2) branches++;
        }
        const last = steps.at(-1)!;
        if (run.status === 'SUCCEEDED') assert.ok(steps.every((s) => s.status === 'SUCCEEDED' && s.end));
        if (run.status === 'FAILED') {
          assert.equal(steps.filter((s) => s.status === 'FAILED').length, 1);
          assert.equal(last.status, 'FAILED');
          assert.deepEqual(last.next, []);
        }
        if (run.status === 'EXECUTING') assert.deepEqual([last.status, last.end], ['EXECUTING', undefined]);
        if (run.status === 'DELAYED') assert.deepEqual([last.status, last.type, last.end], ['DELAYED', 'ACTION/DELAY', undefined]);
        assert.equal(run.taskCount, steps.filter((s, i) => i > 0 && s.end).length);
      }
      assert.ok(branches > 0, 'some step has several next');
    });

    it('announces step sizes that match the payloads, and errors as strings', async () => {
      const e = emulator();
      const failed = e.truth.paragonIds({ status: 'FAILED' });
      const outputs: unknown[] = [];
      for (const id of failed.slice(0, 12)) {
        const run = await detail(id);
        for (const step of run.stepExecutions) {
          const { body } = await paragon<StepPayload>(e, `/workflow-executions/${id}/step-executions/${step.id}`);
          assert.equal(typeof body.isLargeInput, 'boolean');
          const size = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
          assert.equal(String(size(body.input)), step.inputSize);
          assert.equal(String(size(body.output)), step.outputSize);
          if (step.status === 'FAILED') outputs.push(body.output);
        }
      }
      assert.ok(outputs.every((o) => typeof o === 'string' && /Error/.test(o)));
      const docsError = failed.slice(0, 60);
      let seen = false;
      for (const id of docsError) {
        const run = await detail(id);
        const step = run.stepExecutions.find((s) => s.status === 'FAILED')!;
        const { body } = await paragon<StepPayload>(e, `/workflow-executions/${id}/step-executions/${step.id}`);
        if (body.output === 'Error: no auth mechanism defined') seen = true;
        if (seen) break;
      }
      assert.ok(seen, "the docs' error string appears");
    });

    it('has 1000-step runs at index % 1000 == 999, large outputs at index % 100 == 50 and hostile failures at index % 100 == 70', async () => {
      const e = emulator();
      const all = e.truth.paragonIds({});
      const huge = await detail(all[999]!);
      assert.equal(huge.status, 'SUCCEEDED');
      assert.equal(huge.stepExecutions.length, 1000);

      const large = await detail(all[150]!);
      const step = large.stepExecutions[1]!;
      const size = Number(step.outputSize);
      assert.ok(size >= 1_000_000 && size <= 3_000_000, `large output of ${size} bytes`);
      const { body, text } = await paragon<StepPayload>(e, `/workflow-executions/${large.id}/step-executions/${step.id}`);
      assert.equal(body.isLargeOutput, true);
      assert.equal(Buffer.byteLength(JSON.stringify(body.output)), size);
      assert.ok(text.length > 1_000_000);

      const hostile = await detail(all[270]!);
      assert.equal(hostile.status, 'FAILED');
      const failedStep = hostile.stepExecutions.find((s) => s.status === 'FAILED')!;
      const payload = await paragon<StepPayload>(e, `/workflow-executions/${hostile.id}/step-executions/${failedStep.id}`);
      assert.match(String(payload.body.output), /<script>alert\(1\)<\/script>/);
      assert.match(String(payload.body.output), /\u0000/);
      assert.match(payload.text, /\\u0000/, 'control characters are escaped in the JSON text');
    });

    it('plants hostile strings in the records of runs with index % 10 == 3', async () => {
      const e = emulator();
      const all = e.truth.paragonIds({});
      const markers = ['<img', '<script>', '<svg', 'javascript:', 'DROP TABLE', '\u202e', '\u0000', '\u001b', '🚀', 'passwd', '${', '%s', 'Zoë', 'مرحبا', 'line1', 'Z̷'];
      let found = 0;
      for (let k = 3; k < 300 && found < 3; k += 10) {
        const run = await detail(all[k]!);
        for (const step of run.stepExecutions.slice(0, 8)) {
          const { text } = await paragon<StepPayload>(e, `/workflow-executions/${run.id}/step-executions/${step.id}`);
          if (markers.some((m) => text.includes(m))) {
            found++;
            break;
          }
        }
      }
      assert.equal(found, 3);
    });
  });

  describe('Paragon replay and new runs', () => {
    const emulator = useEmulator({ replayDurationMs: 300 });

    it('replays with 201 and no body; the new run executes, then succeeds', async () => {
      const e = emulator();
      e.resetStats();
      const source = e.truth.paragonIds({ status: 'FAILED' })[0]!;
      const original = (await paragon<Detail>(e, `/workflow-executions/${source}`)).body;
      const response = await fetch(`${e.paragonBaseUrl}/workflow-executions/${source}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${e.apiKey}` } });
      assert.equal(response.status, 201);
      assert.equal(await response.text(), '');
      const { replays } = e.stats();
      assert.equal(replays.length, 1);
      assert.equal(replays[0]!.sourceId, source);
      const newId = replays[0]!.newId;
      assert.notEqual(newId, source);
      const running = (await paragon<Detail>(e, `/workflow-executions/${newId}`)).body;
      assert.equal(running.status, 'EXECUTING');
      assert.equal(running.dateEnded, undefined);
      assert.equal(running.workflowId, original.workflowId);
      assert.equal(running.userId, original.userId);
      assert.equal(running.stepExecutions.at(-1)!.status, 'EXECUTING');
      assert.equal(e.truth.paragonIds({}).at(-1), newId, 'newest, at the end of the ascending order');
      await until(async () => (await paragon<Detail>(e, `/workflow-executions/${newId}`)).body.status === 'SUCCEEDED', 'the replay finishes');
      const done = (await paragon<Detail>(e, `/workflow-executions/${newId}`)).body;
      assert.equal(done.runDuration, 300);
      assert.equal(Date.parse(done.dateEnded!) - Date.parse(done.dateStarted), 300);
      assert.ok(done.stepExecutions.every((s) => s.status === 'SUCCEEDED'));
      assert.ok(e.truth.paragonIds({ status: 'SUCCEEDED' }).includes(newId));
    });

    it('starts runs on request, visible in listings and truth at once', async () => {
      const e = emulator();
      const before = (await paragon<ListBody>(e, '/workflow-executions')).body.total;
      const ids = e.startRuns(3);
      assert.equal(ids.length, 3);
      assert.equal(new Set(ids).size, 3);
      const after = await paragon<ListBody>(e, '/workflow-executions?status=EXECUTING');
      assert.equal((await paragon<ListBody>(e, '/workflow-executions')).body.total, before + 3);
      const newest = after.body.workflowExecutions.slice(0, 3).map((r) => r.id);
      assert.deepEqual(new Set(newest), new Set(ids));
      assert.deepEqual(e.truth.paragonIds({}).slice(-3).sort(), [...ids].sort());
      await until(async () => e.truth.paragonIds({ status: 'EXECUTING' }).every((id) => !ids.includes(id)), 'started runs finish');
    });

    it('offers the same through the HTTP control routes', async () => {
      const e = emulator();
      const post = (path: string, body?: unknown) =>
        fetch(`${e.controlUrl}/${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
      assert.equal((await post('reset-stats')).status, 200);
      const started = (await (await post('start-runs', { count: 2 })).json()) as { ids: string[] };
      assert.equal(started.ids.length, 2);
      assert.equal((await post('faults', { kind: 'server-error', count: 1, match: 'workflow-executions$' })).status, 200);
      assert.equal((await post('faults', { kind: 'bogus', count: 1 })).status, 400);
      assert.equal((await paragon<unknown>(e, `/workflow-executions/${started.ids[0]}`)).status, 200, 'the pattern did not match');
      assert.ok([500, 502, 503].includes((await paragon<unknown>(e, '/workflow-executions')).status));
      await post('faults', { kind: 'drop', count: 5 });
      assert.equal((await post('clear-faults')).status, 200);
      assert.equal((await paragon<unknown>(e, '/workflow-executions')).status, 200);
      const stats = (await (await fetch(`${e.controlUrl}/stats`)).json()) as { requests: number; faultsInjected: Record<string, number> };
      assert.equal(stats.requests, 3);
      assert.equal(stats.faultsInjected['server-error'], 1);
    });
  });

  describe('Faults', () => {
    const emulator = useEmulator();
    const list = () => fetch(`${emulator().paragonBaseUrl}/workflow-executions`, { headers: { Authorization: `Bearer ${emulator().apiKey}` } });
    beforeEach(() => {
      emulator().faults.clear();
      emulator().resetStats();
    });

    it('server-error: a 5xx with the API’s JSON error body (Paragon) or envelope (Dispersl)', async () => {
      const e = emulator();
      e.faults.inject('server-error', 2);
      const r = await list();
      assert.ok([500, 502, 503].includes(r.status));
      const body = (await r.json()) as { statusCode: number };
      assert.equal(body.statusCode, r.status);
      const d = await dispersl<Envelope<null>>(e, '/history');
      assert.ok(d.status >= 500);
      assert.deepEqual([d.body.status, d.body.data], ['error', null]);
      assert.equal(e.stats().faultsInjected['server-error'], 2);
    });

    it('drop: the connection closes without an answer', async () => {
      emulator().faults.inject('drop', 1);
      await assert.rejects(list());
      assert.equal(emulator().stats().faultsInjected.drop, 1);
      assert.equal((await list()).status, 200, 'one fault, then normal service');
    });

    it('truncate: full Content-Length, half the body, then the connection dies', async () => {
      emulator().faults.inject('truncate', 1);
      const r = await list();
      assert.equal(r.status, 200);
      assert.ok(Number(r.headers.get('content-length')) > 1000);
      await assert.rejects(r.text());
    });

    it('non-json: a 200 HTML page, like a captive portal', async () => {
      emulator().faults.inject('non-json', 1);
      const r = await list();
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await r.text(), /<html/);
    });

    it('rate-limit: an injected 429 with Retry-After: 1, not counted as the limiter’s', async () => {
      emulator().faults.inject('rate-limit', 1);
      const r = await list();
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.deepEqual(await r.json(), { message: 'Too Many Requests', statusCode: 429 });
      const stats = emulator().stats();
      assert.equal(stats.rateLimited, 0);
      assert.equal(stats.faultsInjected['rate-limit'], 1);
      assert.equal(stats.byStatus['429'], 1);
    });

    it('targets only paths that match, and a faulted replay creates nothing', async () => {
      const e = emulator();
      const id = e.truth.paragonIds({})[0]!;
      e.faults.inject('server-error', 1, /replay/);
      assert.equal((await list()).status, 200);
      const r = await fetch(`${e.paragonBaseUrl}/workflow-executions/${id}/replay`, { method: 'POST', headers: { Authorization: `Bearer ${e.apiKey}` } });
      assert.ok(r.status >= 500);
      assert.equal(e.stats().replays.length, 0);
      assert.equal(e.stats().byRoute['paragon.replay'], 1);
    });

    it('injects random faults at faultRate from the seeded generator', async () => {
      const e = await startEmulator({ ...SMALL, faultRate: 0.5, faultKinds: ['server-error', 'non-json'] });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await paragon<unknown>(e, '/workflow-executions?sortBy=ASC')).status);
        const stats = e.stats();
        const injected = stats.faultsInjected['server-error'] + stats.faultsInjected['non-json'];
        assert.ok(injected > 5 && injected < 35, `about half of 40, got ${injected}`);
        assert.equal(stats.faultsInjected.drop, 0);
        assert.equal(statuses.filter((s) => s >= 500).length, stats.faultsInjected['server-error']);
      } finally {
        await e.close();
      }
    });
  });

  describe('Rate limit, latency and concurrency', () => {
    it('refuses requests over the sliding window with 429 and a whole-second Retry-After', async () => {
      const e = await startEmulator({ ...SMALL, rateLimit: { limit: 3, windowMs: 60_000 } });
      try {
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i < 5; i++) {
          const r = await fetch(`${e.paragonBaseUrl}/workflow-executions`, { headers: { Authorization: `Bearer ${e.apiKey}` } });
          statuses.push(r.status);
          if (r.status === 429) {
            retryAfter = r.headers.get('retry-after');
            assert.deepEqual(await r.json(), { message: 'Too Many Requests', statusCode: 429 });
          } else {
            await r.arrayBuffer();
          }
        }
        assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
        assert.match(retryAfter ?? '', /^\d+$/);
        assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
        const d = await dispersl<Envelope<null>>(e, '/history');
        assert.equal(d.status, 429);
        assert.equal(d.body.status, 'error');
        // Another key has its own window.
        const other = await call<unknown>(`${e.paragonBaseUrl}/workflow-executions`, 'someone-else');
        assert.equal(other.status, 401);
        const stats = e.stats();
        assert.equal(stats.rateLimited, 3);
        assert.equal(stats.maxInWindow, 7);
      } finally {
        await e.close();
      }
    });

    it('adds latency and counts requests in flight at once', async () => {
      const e = await startEmulator({ ...SMALL, latencyMs: 400 });
      try {
        await Promise.all(Array.from({ length: 5 }, () => paragon<ListBody>(e, '/workflow-executions')));
        assert.equal(e.stats().maxConcurrent, 5);
        assert.equal(e.stats().maxInWindow, 5);
      } finally {
        await e.close();
      }
    });
  });

  describe('Live starts', () => {
    it('adds Paragon runs and Dispersl tasks in real time', async () => {
      const e = await startEmulator({ ...SMALL, liveStartsPerSecond: 40, replayDurationMs: 200 });
      try {
        const runs = e.truth.paragonIds({}).length;
        const tasks = e.truth.disperslIds({}).length;
        await until(async () => e.truth.paragonIds({}).length >= runs + 3 && e.truth.disperslIds({}).length >= tasks + 3, 'live starts');
        const newest = (await paragon<ListBody>(e, '/workflow-executions')).body.workflowExecutions[0]!;
        assert.ok(Date.parse(newest.dateStarted) > Date.now() - 10_000);
        const newestTask = (await dispersl<Envelope<TaskSummary[]>>(e, '/history?limit=1')).body.data[0]!;
        assert.ok(['in_progress', 'completed', 'failed'].includes(newestTask.status));
      } finally {
        await e.close();
      }
    });
  });

  describe('Dispersl', () => {
    const emulator = useEmulator();

    it('lists tasks newest first in the envelope, 50 by default, with pagination', async () => {
      const e = emulator();
      const { body } = await dispersl<Envelope<TaskSummary[]>>(e, '/history');
      assert.equal(body.status, 'success');
      assert.equal(body.data.length, 50);
      assert.deepEqual(body.pagination, { total: 300, limit: 50, offset: 0, has_more: true });
      assert.deepEqual(
        body.data.map((t) => t.task_id),
        e.truth.disperslIds({}).slice(0, 50),
      );
      const times = body.data.map((t) => Date.parse(t.created_at));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
      );
      for (const t of body.data) {
        assert.match(t.task_id, /^task_[0-9a-f]{8}$/);
        if (t.status === 'completed') assert.match(t.duration!, /^(\d+h \d+m|\d+m|\d+s)$/);
        if (t.status === 'created' || t.status === 'in_progress') assert.ok(t.completed_at === null || t.completed_at === undefined);
      }
      const last = await dispersl<Envelope<TaskSummary[]>>(e, '/history?limit=1000&offset=250');
      assert.equal(last.body.data.length, 50);
      assert.equal(last.body.pagination!.has_more, false);
    });

    it('filters by status and date range like the ground truth, with every status present', async () => {
      const e = emulator();
      for (const status of ['created', 'in_progress', 'completed', 'failed', 'cancelled']) {
        const { body } = await dispersl<Envelope<TaskSummary[]>>(e, `/history?status=${status}&limit=1000`);
        assert.ok(body.data.length > 0, status);
        assert.deepEqual(
          body.data.map((t) => t.task_id),
          e.truth.disperslIds({ status }),
        );
      }
      const from = new Date(Date.now() - 20 * 86_400_000).toISOString();
      const to = new Date(Date.now() - 10 * 86_400_000).toISOString();
      const { body } = await dispersl<Envelope<TaskSummary[]>>(e, `/history?from_date=${from}&to_date=${to}&limit=1000`);
      assert.deepEqual(
        body.data.map((t) => t.task_id),
        e.truth.disperslIds({ from_date: from, to_date: to }),
      );
      assert.ok(body.data.every((t) => Date.parse(t.created_at) >= Date.parse(from) && Date.parse(t.created_at) < Date.parse(to)));
    });

    it('refuses bad parameters and keys with the envelope', async () => {
      const e = emulator();
      for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'offset=-3', 'status=done', 'from_date=yesterday', 'to_date=2024-13-01']) {
        const { status, body } = await dispersl<Envelope<null>>(e, `/history?${query}`);
        assert.equal(status, 400, query);
        assert.equal(body.status, 'error');
        assert.equal(body.data, null);
        assert.ok(body.message.includes(query.split('=')[0]!), body.message);
      }
      for (const key of [undefined, 'nope']) {
        const { status, body } = await call<Envelope<null>>(`${e.disperslBaseUrl}/history`, key);
        assert.equal(status, 401);
        assert.equal(body.status, 'error');
      }
    });

    it('gives one task with its agent steps, and 404 for an unknown one', async () => {
      const e = emulator();
      const id = e.truth.disperslIds({ status: 'failed' })[0]!;
      const { body } = await dispersl<Envelope<Task[]>>(e, `/history/${id}`);
      assert.equal(body.data.length, 1);
      const task = body.data[0]!;
      assert.equal(task.task_id, id);
      assert.ok(task.steps.length >= 1 && task.steps.length <= 12);
      assert.equal(task.total_steps, task.steps.length);
      assert.equal(task.steps.at(-1)!.status, 'failed');
      assert.equal(
        task.total_tokens,
        task.steps.reduce((sum, s) => sum + s.tokens_used, 0),
      );
      assert.ok(task.success_rate < 100);
      for (const step of task.steps) {
        assert.match(step.step_id, /^step_/);
        assert.ok(step.agent.endsWith('_agent'));
        assert.match(step.model, /^[a-z]+\/.+/);
        assert.ok(Array.isArray(step.tools_used));
      }
      const missing = await dispersl<Envelope<null>>(e, '/history/task_nope');
      assert.equal(missing.status, 404);
      assert.deepEqual([missing.body.status, missing.body.data], ['error', null]);
    });

    it('plants hostile names by position oldest first: task % 37 == 5, CSV breaker % 37 == 6, first step % 37 == 7', async () => {
      const e = emulator();
      const oldestFirst = e.truth.disperslIds({}).reverse();
      const task = async (k: number) => (await dispersl<Envelope<Task[]>>(e, `/history/${oldestFirst[k]}`)).body.data[0]!;
      assert.doesNotMatch((await task(4)).task_name, /["<\u0000\u202e]/);
      const hostile = await task(42);
      assert.ok(/[<\u0000\u001b\u202e\u200f🚀%$]|DROP|passwd|Zoë|Z̷|line1/.test(hostile.task_name), hostile.task_name);
      assert.match((await task(43)).task_name, /".*,.*\r\n/s);
      const { steps } = await task(44);
      assert.ok(/[<\u0000\u001b\u202e\u200f🚀%$']|DROP|passwd|Zoë|Z̷|line1/.test(steps[0]!.step_name), steps[0]!.step_name);
    });

    it('streams the CSV export chunked, one RFC 4180 row per task', async () => {
      const e = emulator();
      const r = await fetch(`${e.disperslBaseUrl}/history/export?format=csv&status=completed`, { headers: { Authorization: `Bearer ${e.apiKey}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('transfer-encoding'), 'chunked');
      assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename=".+\.csv"$/);
      const text = await r.text();
      assert.ok(text.startsWith('task_id,task_name,status,created_at,completed_at,duration,total_steps,success_rate,total_tokens\r\n'));
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      const expected = e.truth.disperslIds({ status: 'completed' });
      assert.equal(rows.length, expected.length);
      assert.deepEqual(
        rows.map((row) => row['task_id']),
        expected,
      );
      const all = parse(await (await fetch(`${e.disperslBaseUrl}/history/export?format=csv`, { headers: { Authorization: `Bearer ${e.apiKey}` } })).text(), {
        columns: true,
      }) as Record<string, string>[];
      assert.equal(all.length, 300);
      assert.ok(
        all.some((row) => row['task_name']!.includes('"') && row['task_name']!.includes('\n')),
        'a name that needs quoting survives',
      );
    });

    it('streams the JSON export as an array of tasks, and refuses a missing format', async () => {
      const e = emulator();
      const r = await fetch(`${e.disperslBaseUrl}/history/export?format=json`, { headers: { Authorization: `Bearer ${e.apiKey}` } });
      const tasks = (await r.json()) as Task[];
      assert.deepEqual(
        tasks.map((t) => t.task_id),
        e.truth.disperslIds({}),
      );
      assert.ok(tasks.every((t) => Array.isArray(t.steps)));
      for (const query of ['', '?format=xml']) {
        const bad = await dispersl<Envelope<null>>(e, `/history/export${query}`);
        assert.equal(bad.status, 400);
        assert.match(bad.body.message, /format/);
      }
    });
  });

  describe('Scale', () => {
    it('starts with 150,000 runs and pages to the last one', async () => {
      const e = await startEmulator({ seed: 3, paragonExecutions: 150_000, disperslTasks: 50 });
      try {
        const first = await paragon<ListBody>(e, '/workflow-executions?sortBy=ASC&offset=149900');
        assert.equal(first.body.total, 150_000);
        assert.equal(first.body.workflowExecutions.length, 100);
        assert.equal(first.body.nextLink, null);
        const failed = await paragon<ListBody>(e, '/workflow-executions?status=FAILED&offset=10000');
        assert.equal(failed.body.total, e.truth.paragonIds({ status: 'FAILED' }).length);
        const huge = await paragon<Detail>(e, `/workflow-executions/${e.truth.paragonIds({})[149_999 - 1000]}`);
        assert.equal(huge.body.stepExecutions.length, 1000);
      } finally {
        await e.close();
      }
    });
  });
});
