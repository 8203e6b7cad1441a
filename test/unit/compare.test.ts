import assert from 'node:assert/strict';
import { alignSteps, canonicalJson, compareUnavailableReason, describeDivergence, findLastSuccess, firstDivergence, firstStatusDivergence } from '../../src/core/compare';
import { stepLabel } from '../../src/core/format';
import type { Run, RunStatus, Step } from '../../src/core/model';
import { UnsupportedError } from '../../src/core/errors';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { useEmulator } from './support/emulatorFixture';

function step(id: string, stepId: string | undefined, status: RunStatus, prev?: string, next: string[] = []): Step {
  return { id, runId: 'r', stepId, status, rawStatus: status.toUpperCase(), next, prev, startedAt: `2025-01-01T00:00:0${id.length % 10}.000Z` };
}

/** a → b → c, one chain, with workflow step ids s1..s3. */
function chain(prefix: string, statuses: RunStatus[]): Step[] {
  return statuses.map((status, i) => ({
    ...step(`${prefix}${i}`, `s${i + 1}`, status, i > 0 ? `${prefix}${i - 1}` : undefined, i < statuses.length - 1 ? [`${prefix}${i + 1}`] : []),
    startedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  }));
}

describe('Compare with Last Success', () => {
  describe('aligning steps', () => {
    it('pairs steps by their workflow stepId, this run first in graph order, then steps only the baseline ran', () => {
      const current = chain('c', ['succeeded', 'failed']);
      const baseline = chain('b', ['succeeded', 'succeeded', 'succeeded']);
      const pairs = alignSteps(current, baseline);
      assert.deepEqual(
        pairs.map((p) => [p.key, p.current?.id, p.baseline?.id]),
        [
          ['step:s1', 'c0', 'b0'],
          ['step:s2', 'c1', 'b1'],
          ['step:s3', undefined, 'b2'],
        ],
      );
    });

    it('keeps two steps of one name apart when the API gives no stepId', () => {
      const current = [
        { ...step('x1', undefined, 'succeeded'), name: 'Fetch' },
        { ...step('x2', undefined, 'succeeded', 'x1'), name: 'Fetch' },
      ];
      const baseline = [{ ...step('y1', undefined, 'succeeded'), name: 'Fetch' }];
      current[0] = { ...current[0]!, next: ['x2'] };
      const pairs = alignSteps(current, baseline);
      assert.deepEqual(
        pairs.map((p) => [p.key, p.current?.id, p.baseline?.id]),
        [
          ['name:Fetch', 'x1', 'y1'],
          ['name:Fetch#1', 'x2', undefined],
        ],
      );
    });
  });

  describe('first divergence', () => {
    it('is the first step whose status differs', () => {
      const pairs = alignSteps(chain('c', ['succeeded', 'failed']), chain('b', ['succeeded', 'succeeded', 'succeeded']));
      const d = firstStatusDivergence(pairs);
      assert.equal(d?.reason, 'status');
      assert.equal(d?.pair.current?.id, 'c1');
      assert.equal(d?.index, 1);
    });

    it('is a step only this run ran, when it comes before any status difference', () => {
      const current = chain('c', ['succeeded', 'succeeded', 'failed']);
      const baseline = chain('b', ['succeeded']);
      const d = firstStatusDivergence(alignSteps(current, baseline));
      assert.equal(d?.reason, 'only-current');
      assert.equal(d?.pair.current?.id, 'c1');
    });

    it('is a step only the last success ran, when everything this run ran agrees', () => {
      const d = firstStatusDivergence(alignSteps(chain('c', ['succeeded']), chain('b', ['succeeded', 'succeeded'])));
      assert.equal(d?.reason, 'only-baseline');
      assert.equal(d?.pair.baseline?.id, 'b1');
    });

    it('compares outputs only when every status agrees, and never before a status difference', async () => {
      const asked: string[] = [];
      const outputs = async (pair: { key: string }) => {
        asked.push(pair.key);
        return pair.key === 'step:s2' ? ([{ a: 1 }, { a: 2 }] as [unknown, unknown]) : ([{ same: true }, { same: true }] as [unknown, unknown]);
      };
      const failing = await firstDivergence(alignSteps(chain('c', ['succeeded', 'failed']), chain('b', ['succeeded', 'succeeded'])), { outputs });
      assert.equal(failing.divergence?.reason, 'status');
      assert.deepEqual(asked, [], 'a status difference needs no payload requests');

      const both = await firstDivergence(alignSteps(chain('c', ['succeeded', 'succeeded', 'succeeded']), chain('b', ['succeeded', 'succeeded', 'succeeded'])), { outputs });
      assert.equal(both.divergence?.reason, 'output');
      assert.equal(both.divergence?.pair.current?.id, 'c1');
      assert.deepEqual(asked, ['step:s1', 'step:s2']);
      assert.equal(both.outputsCompared, 2);
    });

    it('stops comparing outputs after maxOutputChecks pairs', async () => {
      let calls = 0;
      const same = async () => {
        calls++;
        return [1, 1] as [unknown, unknown];
      };
      const statuses: RunStatus[] = Array.from({ length: 10 }, () => 'succeeded');
      const result = await firstDivergence(alignSteps(chain('c', statuses), chain('b', statuses)), { outputs: same, maxOutputChecks: 4 });
      assert.equal(result.divergence, undefined);
      assert.equal(calls, 4);
      assert.equal(result.outputsCompared, 4);
    });

    it('treats objects with the same keys in another order as equal', () => {
      assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } }), canonicalJson({ a: { c: null, d: [1, { x: 2, y: 1 }] }, b: 1 }));
      assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
      assert.notEqual(canonicalJson('Error: x'), canonicalJson({ message: 'Error: x' }));
    });

    it('says in one sentence what differs', () => {
      const pairs = alignSteps(chain('c', ['succeeded', 'failed']), chain('b', ['succeeded', 'succeeded']));
      const baseline = { id: 'base-1' } as Run;
      const text = describeDivergence(firstStatusDivergence(pairs), baseline, stepLabel);
      assert.match(text, /is FAILED here and was SUCCEEDED in the last success base-1/);
      assert.match(describeDivergence(undefined, baseline, stepLabel, 12), /first 12 steps match/);
    });
  });

  describe('against the emulator', () => {
    const emulator = useEmulator();
    const paragon = () =>
      new ParagonClient({ projectId: emulator().projectId, baseUrl: new URL(emulator().paragonBaseUrl).origin, apiKey: emulator().apiKey, rateLimit: null, retryBaseDelayMs: 10 });
    /** The seeded landmark: position 70 (oldest first) is a FAILED run. */
    const failedRunId = () => emulator().truth.paragonIds({})[70]!;

    it('finds the most recent succeeded run of the same workflow that started before this one', async () => {
      const client = paragon();
      const run = await client.getRun(failedRunId());
      assert.equal(run.status, 'failed');
      const found = await findLastSuccess(client, run);
      const truth = emulator().truth.paragonIds({ workflowId: run.workflowId, status: 'SUCCEEDED', beforeDate: run.startedAt });
      // truth is oldest first: the last one is the most recent before this run.
      assert.equal(found?.id, truth.at(-1));
      assert.equal(found?.workflowId, run.workflowId);
      assert.ok(Date.parse(found!.startedAt!) < Date.parse(run.startedAt!));
    });

    it('asks the API once, filtered by workflow, status and start', async () => {
      const client = paragon();
      const run = await client.getRun(failedRunId());
      emulator().resetStats();
      await findLastSuccess(client, run);
      assert.equal(emulator().stats().byRoute['paragon.list'], 1);
    });

    it('marks the failing step, or a step the last success did not run before it, in a real failed run', async () => {
      const client = paragon();
      const run = await client.getRun(failedRunId());
      const last = await findLastSuccess(client, run);
      assert.ok(last, 'the seeded history has an earlier success of this workflow');
      const baseline = await client.getRun(last.id);
      const pairs = alignSteps(run.steps, baseline.steps);
      const { divergence } = await firstDivergence(pairs);
      assert.ok(divergence);
      const failedIndex = pairs.findIndex((p) => p.current?.status === 'failed');
      assert.ok(divergence.index <= failedIndex);
      if (divergence.reason === 'status') assert.equal(divergence.pair.current?.status, 'failed');
      else assert.equal(divergence.reason, 'only-current');
    });

    it('says why a Dispersl task cannot be compared instead of guessing', async () => {
      const dispersl = new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null });
      const page = await dispersl.listPage({}, 0);
      const task = page.runs[0]!;
      assert.match(compareUnavailableReason(dispersl, task) ?? '', /cannot list runs by workflow/);
      await assert.rejects(findLastSuccess(dispersl, task), UnsupportedError);
    });
  });
});
