// Error signatures (issue 12, items 5 and 8): the table of real-looking errors groups what
// should be grouped and splits what should not; errorTextOf finds the message in what a
// failing step stores; Dispersl failures group by step name, agent and model; the
// accumulator's counts, trend flags, example and order with a fixed `now`; and hostile or
// huge text neither throws nor hangs.
import assert from 'node:assert/strict';
import { HOSTILE_ERROR } from '../../emulator/hostile';
import { stepPayload } from '../../emulator/paragon/stepPayloads';
import {
  clusterSignatures,
  cleanText,
  ErrorSignatureAccumulator,
  errorTextOf,
  exampleErrorText,
  GROWING_MIN_COUNT,
  normalizeErrorText,
  SIGNATURE_TEXT_LIMIT,
  signatureOf,
  TOP_LIST_LIMIT,
  type FailureSample,
  type Signature,
} from '../../src/insights/errorSignature';
import { CASE_STEP_TYPE, DIFFERENT_SIGNATURE_CASES, SAME_SIGNATURE_CASES } from '../../src/insights/errorSignatureCases';

/** A Paragon failing step's signature, its text found in the output as Insights finds it. */
function paragonSignature(output: unknown, stepType = CASE_STEP_TYPE): Signature {
  return signatureOf({ kind: 'paragon', stepType, errorText: errorTextOf(output) });
}

/** Characters no signature may carry: C0/C1 controls, bidi overrides and isolates, lone surrogates. */
function assertClean(text: string): void {
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(text));
  assert.doesNotMatch(text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, JSON.stringify(text));
}

describe('Error signatures', () => {
  describe('the table of real-looking errors', () => {
    it('has at least 30 rows, and every SAME row more than one output', () => {
      assert.ok(SAME_SIGNATURE_CASES.length + DIFFERENT_SIGNATURE_CASES.length >= 30);
      assert.ok(SAME_SIGNATURE_CASES.length >= 20 && DIFFERENT_SIGNATURE_CASES.length >= 20);
      for (const row of SAME_SIGNATURE_CASES) assert.ok(row.outputs.length >= 2, row.why);
    });

    for (const row of SAME_SIGNATURE_CASES) {
      it(`groups: ${row.why}`, () => {
        const signatures = row.outputs.map((output) => paragonSignature(output));
        const keys = new Set(signatures.map((s) => s.key));
        assert.equal(keys.size, 1, `expected one signature, got:\n  ${signatures.map((s) => s.label).join('\n  ')}`);
        if (row.text !== undefined) assert.equal(signatures[0]!.label, `${CASE_STEP_TYPE} · ${row.text}`);
      });
    }

    for (const row of DIFFERENT_SIGNATURE_CASES) {
      it(`splits: ${row.why}`, () => {
        const a = paragonSignature(row.a, row.stepTypeA);
        const b = paragonSignature(row.b, row.stepTypeB);
        assert.notEqual(a.key, b.key, `both are "${a.label}"`);
        assert.notEqual(a.label, b.label);
      });
    }
  });

  describe('normalizeErrorText', () => {
    it('replaces each kind of variable part with its placeholder', () => {
      assert.equal(normalizeErrorText('Error: timeout of 30000ms exceeded'), 'timeout of <n>ms exceeded');
      assert.equal(normalizeErrorText('User jane.doe@acme.com (id 42) at 2026-11-29T22:54:06Z from 10.1.2.3'), 'User <email> (id <n>) at <time> from <ip>');
      assert.equal(normalizeErrorText("No such customer: 'cus_NffrFeUfNV2Hib'"), "No such customer: '…'");
      assert.equal(normalizeErrorText('Execution 8b5d1f0e-2a3b-4c5d-9e8f-0a1b2c3d4e5f failed'), 'Execution <id> failed');
      assert.equal(
        normalizeErrorText('See https://user:pw@acme.my.salesforce.com:8443/services/data/v58.0/query/01gxx0000002GwNAAU-2000?q=SELECT+Id#frag.'),
        'See https://*.my.salesforce.com:8443/services/data/v58.0/query/<id>.',
      );
    });

    it('keeps status and error codes: the cause, not a value', () => {
      assert.equal(normalizeErrorText('Request failed with status code 404'), 'Request failed with status code 404');
      assert.equal(normalizeErrorText('HTTP/1.1 503 Service Unavailable'), 'HTTP/1.1 503 Service Unavailable');
      assert.equal(normalizeErrorText('statusCode: 429'), 'statusCode: 429');
      assert.equal(normalizeErrorText('ORA-00942: table or view does not exist'), 'ORA-00942: table or view does not exist');
      assert.equal(normalizeErrorText('Mongo E11000 duplicate key; utf8mb4; Win32Exception'), 'Mongo E11000 duplicate key; utf8mb4; Win32Exception');
      // …but not a count after a generic "Error:" nor a 6-digit "code".
      assert.equal(normalizeErrorText('Error: 2 validation errors'), '<n> validation errors');
      assert.equal(normalizeErrorText('verification code 123456 expired'), 'verification code <n> expired');
    });

    it('leaves apostrophes alone and collapses a list of the same placeholder', () => {
      assert.equal(normalizeErrorText("can't find the user's 'name' field"), "can't find the user's '…' field");
      assert.equal(normalizeErrorText('ids 1, 2, 3 and 4 failed'), 'ids <n> failed');
    });

    it('cuts long text to SIGNATURE_TEXT_LIMIT characters without splitting an emoji', () => {
      const long = normalizeErrorText(`${'word '.repeat(59)}x🚀🚀🚀🚀🚀`);
      assert.ok(long.length <= SIGNATURE_TEXT_LIMIT, String(long.length));
      assert.ok(long.endsWith('…'));
      assertClean(long);
      assert.equal(normalizeErrorText('   '), '');
    });

    it('a cut inside a word drops the word, so a key or token straddling the cut leaves no piece of it', () => {
      const key = 'thxKEYabcdefghijklmnopqrstuv';
      // The key starts at `at` and runs past the cut (at 299 characters, then "…").
      for (let at = 272; at < 299; at += 3) {
        const text = `${'a'.repeat(at - 1)} ${key} and more after it`;
        const example = exampleErrorText({ kind: 'paragon', errorText: text })!;
        assert.ok(example.endsWith('…'), String(at));
        assert.ok(!example.includes('thx'), `nothing of the key (${at}): …${example.slice(-20)}`);
        assert.ok(example.endsWith('a…'), `the words before it kept (${at})`);
      }
    });
  });

  describe('errorTextOf', () => {
    it('finds the most specific message in the shapes APIs send', () => {
      assert.equal(errorTextOf('plain text'), 'plain text');
      assert.equal(errorTextOf({ message: 'Request failed with status code 400', errors: [{ message: 'Property "x" does not exist' }] }), 'Property "x" does not exist');
      assert.equal(errorTextOf({ error: { message: 'inner' }, message: 'outer' }), 'inner');
      assert.equal(errorTextOf({ title: 'Bad Request', detail: 'amount must be positive' }), 'amount must be positive');
      assert.equal(errorTextOf({ statusCode: 500, body: '{"message":"Internal error in handler"}' }), 'Internal error in handler');
      assert.equal(errorTextOf(JSON.stringify(JSON.stringify({ error: 'double-encoded' }))), 'double-encoded');
      assert.equal(errorTextOf({ code: 'ECONNRESET', syscall: 'read' }), 'ECONNRESET');
      assert.equal(errorTextOf(new RangeError('Invalid time value')), 'RangeError: Invalid time value');
      assert.equal(errorTextOf('<html><body><h1>Service &amp; API Unavailable</h1><p>try later</p></body></html>'), 'Service & API Unavailable');
      assert.equal(errorTextOf('<!doctype html><html><body><p>Nothing <b>here</b></p></body></html>')?.replace(/\s+/g, ' ').trim(), 'Nothing here');
      assert.equal(errorTextOf(404), '404');
      assert.equal(errorTextOf({ unknown: { shape: 1 } }), '{"unknown":{"shape":1}}');
    });

    it('gives nothing for no output', () => {
      for (const none of [undefined, null, '', '   ', {}, [], [null]]) assert.equal(errorTextOf(none), undefined, JSON.stringify(none));
    });

    it('never throws: throwing getters, cycles, BigInt, functions, symbols, deep nesting', () => {
      const cyclic: Record<string, unknown> = { n: 1 };
      cyclic['self'] = cyclic;
      let deep: unknown = { message: 'bottom' };
      for (let i = 0; i < 10_000; i++) deep = { error: deep };
      const hostile: unknown[] = [
        {
          get message(): string {
            throw new Error('boom');
          },
        },
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
        cyclic,
        { big: 10n },
        () => 'fn',
        Symbol('s'),
        deep,
        '{"error": {"message": ',
        '['.repeat(100_000),
      ];
      for (const value of hostile) {
        const text = errorTextOf(value);
        assert.ok(text === undefined || typeof text === 'string');
        assert.doesNotThrow(() => signatureOf({ kind: 'paragon', stepType: 'ACTION/FUNCTION', output: value }));
      }
      assert.equal(errorTextOf(cyclic), undefined, 'a cycle has no JSON and no message');
    });
  });

  describe('hostile and huge text', () => {
    it("the emulator's hostile error: controls, bidi override and lone surrogate gone, the words kept", () => {
      const { label } = signatureOf({ kind: 'paragon', stepType: 'ACTION/REQUEST', errorText: errorTextOf(HOSTILE_ERROR) });
      assertClean(label);
      assert.match(label, /^ACTION\/REQUEST · <img src=x onerror=alert\(<n>\)><script>/);
      assert.match(label, /null byte red \ufffd \(lone surrogate\) مرحبا$/);
    });

    it('cleanText turns controls into spaces and drops ANSI escapes and invisible characters', () => {
      assert.equal(cleanText('a\u0000b\u001b[1;31mc\u001b]0;title\u0007d\u202ee\u200bf \t\r\n g\ud800h\udc00'), 'a bcdef g\ufffdh\ufffd');
      assert.equal(cleanText('👩‍👩‍👧 ok'), '👩‍👩‍👧 ok');
    });

    it('1 MB strings of every troublesome shape complete and give a short, clean signature', () => {
      const MB = 1_000_000;
      const inputs = [
        '9'.repeat(MB),
        'a1'.repeat(MB / 2),
        "'".repeat(MB),
        `'${' '.repeat(MB)}`,
        '"x'.repeat(MB / 2),
        `${'<'.repeat(MB / 2)}${'>'.repeat(MB / 2)}`,
        '{'.repeat(MB),
        `{"message":"${'x'.repeat(MB)}"}`,
        `<html><title>${'t'.repeat(MB)}`,
        'http://'.repeat(MB / 7),
        `https://a.b.c/${'1/'.repeat(MB / 2)}`,
        'a@'.repeat(MB / 2),
        'a.'.repeat(MB / 2),
        '1:'.repeat(MB / 2),
        '0a:'.repeat(MB / 3),
        '\u202e\u0000\u001b'.repeat(MB / 3),
        '\u001b['.repeat(MB / 2),
        '\ud800'.repeat(MB),
        ' \t\n'.repeat(MB / 3),
        `Error: ${'status code 500 '.repeat(MB / 16)}`,
      ];
      for (const input of inputs) {
        const text = errorTextOf(input);
        const { key, label } = signatureOf({ kind: 'paragon', stepType: 'ACTION/REQUEST', errorText: text });
        assert.match(key, /^paragon-[0-9a-f]{14}$/);
        assert.ok(label.length <= SIGNATURE_TEXT_LIMIT + 'ACTION/REQUEST · '.length, `${label.length}`);
        assertClean(label);
      }
    });
  });

  describe('signatureOf', () => {
    it('keys are stable: the same input gives the same key in any process (a pinned value)', () => {
      const input = { kind: 'paragon' as const, stepType: 'ACTION/REQUEST', errorText: 'Error: Request failed with status code 401' };
      assert.deepEqual(signatureOf(input), signatureOf({ ...input }));
      assert.deepEqual(signatureOf(input), { key: 'paragon-1bc4c6157bd417', label: 'ACTION/REQUEST · Request failed with status code 401' });
    });

    it('Dispersl: one signature per step name, agent and model', () => {
      const base = { kind: 'dispersl' as const, stepName: 'Deploy to staging', agent: 'deploy_agent', model: 'openai/gpt-4o' };
      const a = signatureOf(base);
      assert.equal(a.label, 'Deploy to staging · deploy_agent · openai/gpt-4o');
      assert.match(a.key, /^dispersl-[0-9a-f]{14}$/);
      assert.equal(signatureOf({ ...base }).key, a.key);
      assert.notEqual(signatureOf({ ...base, model: 'anthropic/claude-3-opus' }).key, a.key);
      assert.notEqual(signatureOf({ ...base, agent: 'test_agent' }).key, a.key);
      assert.notEqual(signatureOf({ ...base, stepName: 'Run smoke tests' }).key, a.key);
      // The kind is part of the key: a Paragon step with the same name, agent and model is another signature.
      assert.notEqual(signatureOf({ ...base, kind: 'paragon' }).key, a.key);
      // A missing part is shown, not invented.
      assert.equal(signatureOf({ kind: 'dispersl', agent: 'code_agent', model: 'openai/gpt-4' }).label, '(unnamed step) · code_agent · openai/gpt-4');
      assert.equal(signatureOf({ kind: 'dispersl' }).label, '(no error text)');
      assert.equal(signatureOf({ kind: 'paragon', stepType: 'ACTION/REQUEST' }).label, 'ACTION/REQUEST · (no error text)');
    });

    it('Dispersl: a hostile step name is cleaned, not normalized (names are not messages)', () => {
      const hostile = signatureOf({ kind: 'dispersl', stepName: 'invoice_\u202Egnp.exe 2\u0000', agent: 'docs_agent', model: 'm' });
      assert.equal(hostile.label, 'invoice_gnp.exe 2 · docs_agent · m');
      assert.notEqual(hostile.key, signatureOf({ kind: 'dispersl', stepName: 'invoice_gnp.exe 3', agent: 'docs_agent', model: 'm' }).key);
    });

    it('a Paragon step without its output groups by step type and name', () => {
      const a = signatureOf({ kind: 'paragon', stepType: 'ACTION/REQUEST', stepName: 'Fetch contacts' });
      assert.equal(a.label, 'ACTION/REQUEST · Fetch contacts');
      assert.notEqual(a.key, signatureOf({ kind: 'paragon', stepType: 'ACTION/REQUEST', errorText: 'Fetch contacts' }).key);
    });

    it("the emulator's failed-step outputs: one signature per distinct error it generates", () => {
      // emulator/paragon/stepPayloads.ts picks a failed step's output from 10 distinct messages
      // (plus the hostile one); 600 failed steps must give exactly those, each with its own
      // status code; a cancelled step's "ended with status CANCELLED after 30000ms" (three durations) is one.
      const keys = new Map<string, string>();
      const open = new Set<string>();
      for (let runIndex = 0; runIndex < 600; runIndex++) {
        for (const [status, hostileError] of [
          ['FAILED', false],
          ['FAILED', runIndex % 100 === 0],
          ['CANCELLED', false],
        ] as const) {
          const { output } = stepPayload({
            seed: 7,
            runIndex,
            position: 1,
            type: 'ACTION/INTEGRATION_REQUEST',
            status,
            integration: 'salesforce',
            startMs: Date.UTC(2026, 10, 1),
            hostileRecords: false,
            hostileError,
            forceLargeOutput: false,
          });
          const signature = signatureOf({ kind: 'paragon', stepType: 'ACTION/INTEGRATION_REQUEST', output });
          if (status === 'FAILED') keys.set(signature.key, signature.label);
          else open.add(signature.label);
        }
      }
      const labels = [...keys.values()].map((l) => l.replace('ACTION/INTEGRATION_REQUEST · ', '')).sort();
      assert.equal(labels.length, 11, labels.join('\n'));
      for (const code of [401, 403, 404, 429, 500]) assert.ok(labels.includes(`Request failed with status code ${code}`), `${code}`);
      assert.ok(labels.includes('timeout of <n>ms exceeded'));
      assert.ok(labels.includes("INVALID_FIELD: No such column '…' on entity '…'"));
      assert.deepEqual([...open], ['ACTION/INTEGRATION_REQUEST · step ended with status CANCELLED after <n>ms']);
    });
  });

  describe('clustering', () => {
    const NOW = new Date('2026-11-29T12:00:00.000Z');
    const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
    const fail = (runId: string, h: number, errorText: string, extra: Partial<FailureSample> = {}): FailureSample => ({
      kind: 'paragon',
      runId,
      stepId: `${runId}-s2`,
      stepType: 'ACTION/REQUEST',
      errorText,
      startedAt: hoursAgo(h),
      ...extra,
    });

    it('counts, first and last seen, example = the newest run, workflows and users most runs first', () => {
      const failures = [
        fail('r1', 50, 'Contact 0035g00000XyZ12AAB not found', { workflowId: 'wf-b', userId: 'u1' }),
        fail('r2', 2, 'Contact 0035g00000AbC34AAF not found', { workflowId: 'wf-a', userId: 'u2' }),
        fail('r3', 30, 'Contact 001xx000003DGb2AAE not found', { workflowId: 'wf-a', userId: 'u1' }),
        fail('r4', 10, 'Error: socket hang up', { workflowId: 'wf-c', userId: 'u3' }),
      ];
      const [contact, hangUp, ...rest] = clusterSignatures(failures, NOW);
      assert.equal(rest.length, 0);
      assert.equal(contact!.signature, 'ACTION/REQUEST · Contact <id> not found');
      assert.equal(contact!.count, 3);
      assert.equal(contact!.firstSeen, hoursAgo(50));
      assert.equal(contact!.lastSeen, hoursAgo(2));
      assert.deepEqual(contact!.example, { runId: 'r2', stepId: 'r2-s2', startedAt: hoursAgo(2), errorText: 'Contact 0035g00000AbC34AAF not found' });
      assert.deepEqual(contact!.workflows, ['wf-a', 'wf-b']);
      assert.equal(contact!.workflowCount, 2);
      assert.deepEqual(contact!.users, ['u1', 'u2']);
      assert.equal(contact!.userCount, 2);
      assert.equal(contact!.key, signatureOf(failures[0]!).key);
      assert.equal(hangUp!.count, 1);
      assert.equal(hangUp!.signature, 'ACTION/REQUEST · socket hang up');
    });

    it('orders by count, then by last seen (newest first), then by key', () => {
      const failures = [fail('a1', 5, 'alpha'), fail('b1', 1, 'beta'), fail('c1', 3, 'gamma'), fail('c2', 4, 'gamma'), fail('d1', 1, 'delta')];
      const order = clusterSignatures(failures, NOW).map((s) => s.signature.replace('ACTION/REQUEST · ', ''));
      assert.equal(order[0], 'gamma');
      assert.deepEqual(order.slice(1, 3).sort(), ['beta', 'delta']);
      assert.equal(order[3], 'alpha');
      const tied = clusterSignatures(failures, NOW).filter((s) => s.count === 1 && s.lastSeen === hoursAgo(1));
      assert.ok(tied[0]!.key < tied[1]!.key);
    });

    it('trend: new in the last 24 hours, and growing (≥ 3 in the last 24 h and more than the daily average of the 6 days before)', () => {
      const failures: FailureSample[] = [];
      // "fresh": first seen 3 h ago, 3 runs → new and growing.
      for (let i = 0; i < 3; i++) failures.push(fail(`fresh${i}`, 3 - i, 'fresh failure'));
      // "steady": 12 a day for the 6 days before (average 12), 12 today → not growing (not more than the average).
      for (let d = 1; d < 7; d++) for (let i = 0; i < 12; i++) failures.push(fail(`steady${d}-${i}`, 24 * d + 1 + i, 'steady failure'));
      for (let i = 0; i < 12; i++) failures.push(fail(`steadyToday${i}`, i + 0.5, 'steady failure'));
      // "rising": 1 a day before, 5 today → growing, not new.
      for (let d = 1; d < 7; d++) failures.push(fail(`rising${d}`, 24 * d + 5, 'rising failure'));
      for (let i = 0; i < 5; i++) failures.push(fail(`risingToday${i}`, i + 1, 'rising failure'));
      // "pair": 2 today, none before → new but below the minimum for growing.
      failures.push(fail('pair1', 1, 'pair failure'), fail('pair2', 2, 'pair failure'));
      // "old": 8 days ago only → neither; outside every window.
      failures.push(fail('old1', 24 * 8, 'old failure'));
      // Exactly 24 h ago is not the last 24 hours.
      failures.push(fail('edge1', 24, 'edge failure'));
      const bySignature = new Map(clusterSignatures(failures, NOW).map((s) => [s.signature.replace('ACTION/REQUEST · ', ''), s]));
      const flags = (name: string) => {
        const s = bySignature.get(name)!;
        return { newInLast24h: s.newInLast24h, growing: s.growing, last24h: s.last24h, previous24h: s.previous24h, previous6d: s.previous6d };
      };
      assert.equal(GROWING_MIN_COUNT, 3);
      assert.deepEqual(flags('fresh failure'), { newInLast24h: true, growing: true, last24h: 3, previous24h: 0, previous6d: 0 });
      assert.deepEqual(flags('steady failure'), { newInLast24h: false, growing: false, last24h: 12, previous24h: 12, previous6d: 72 });
      assert.deepEqual(flags('rising failure'), { newInLast24h: false, growing: true, last24h: 5, previous24h: 1, previous6d: 6 });
      assert.deepEqual(flags('pair failure'), { newInLast24h: true, growing: false, last24h: 2, previous24h: 0, previous6d: 0 });
      assert.deepEqual(flags('old failure'), { newInLast24h: false, growing: false, last24h: 0, previous24h: 0, previous6d: 0 });
      assert.deepEqual(flags('edge failure'), { newInLast24h: false, growing: false, last24h: 0, previous24h: 1, previous6d: 1 });
    });

    it('Dispersl failures cluster by step name, agent and model; task names are the workflows', () => {
      const task = (runId: string, h: number, stepName: string, agent: string, model: string, taskName: string): FailureSample => ({
        kind: 'dispersl',
        runId,
        stepId: `step_${runId}`,
        stepName,
        agent,
        model,
        taskName,
        startedAt: hoursAgo(h),
      });
      const result = clusterSignatures(
        [
          task('t1', 3, 'Deploy to staging', 'deploy_agent', 'openai/gpt-4o', 'Add OAuth login'),
          task('t2', 2, 'Deploy to staging', 'deploy_agent', 'openai/gpt-4o', 'Upgrade dependencies'),
          task('t3', 1, 'Deploy to staging', 'deploy_agent', 'openai/gpt-4o', 'Add OAuth login'),
          task('t4', 1, 'Deploy to staging', 'deploy_agent', 'mistral/mistral-large', 'Add OAuth login'),
        ],
        NOW,
      );
      assert.deepEqual(
        result.map((s) => [s.signature, s.count, s.example.runId, s.workflows]),
        [
          ['Deploy to staging · deploy_agent · openai/gpt-4o', 3, 't3', ['Add OAuth login', 'Upgrade dependencies']],
          ['Deploy to staging · deploy_agent · mistral/mistral-large', 1, 't4', ['Add OAuth login']],
        ],
      );
      assert.equal(result[0]!.example.errorText, null);
    });

    it('the accumulator streams: same result as the array API, order of arrival does not matter', () => {
      const failures: FailureSample[] = [];
      for (let i = 0; i < 500; i++) {
        failures.push(
          fail(`run${i}`, (i * 7) % 200, `Request failed with status code ${[401, 404, 500][i % 3]} for contact ${1000 + i}`, {
            workflowId: `wf${i % 31}`,
            userId: `user${i % 47}`,
          }),
        );
      }
      const streamed = new ErrorSignatureAccumulator(NOW);
      for (const f of [...failures].reverse()) streamed.add(f);
      assert.equal(streamed.size, 500);
      const result = streamed.result();
      assert.deepEqual(result, clusterSignatures(failures, NOW));
      assert.equal(result.length, 3);
      assert.deepEqual(
        result.map((s) => s.count),
        [167, 167, 166],
      );
      for (const s of result) {
        assert.equal(s.workflows.length, TOP_LIST_LIMIT, 'capped');
        assert.equal(s.workflowCount, 31);
        assert.equal(s.users.length, TOP_LIST_LIMIT);
        assert.equal(s.userCount, 47);
      }
    });

    it('a run without a valid start time is counted but has no place in time', () => {
      const [only] = clusterSignatures([fail('x1', 1, 'boom', { startedAt: 'not a date' }), fail('x2', 1, 'boom', { startedAt: undefined })], NOW);
      assert.equal(only!.count, 2);
      assert.equal(only!.firstSeen, null);
      assert.equal(only!.lastSeen, null);
      assert.equal(only!.example.runId, 'x1');
      assert.equal(only!.newInLast24h, false);
      const [timed] = clusterSignatures([fail('y1', 1, 'boom', { startedAt: undefined }), fail('y2', 5, 'boom')], NOW);
      assert.equal(timed!.example.runId, 'y2', 'a timed run is a better example than an untimed one');
    });
  });
});
