import assert from 'node:assert/strict';
import { describeFilter, filterToQuery, isEmptyFilter, parseUserDate } from '../../src/core/filters';
import { dimensionsFor, groupsAt } from '../../src/core/grouping';
import { relativeTime, runDescription, runLabel, singleLine } from '../../src/core/format';
import type { Run, SourceCapabilities, Step } from '../../src/core/model';
import { firstFailedStep, orderSteps } from '../../src/core/stepGraph';

const paragonCaps: SourceCapabilities = {
  replay: true,
  stepPayloads: true,
  serverExport: [],
  filterStatuses: ['running', 'failed', 'succeeded', 'delayed'],
  filterByUser: true,
  filterByWorkflow: true,
  filterByIntegration: true,
  groupBy: ['status', 'integration'],
  pageSize: 100,
};
const disperslCaps: SourceCapabilities = { ...paragonCaps, groupBy: ['status'], filterStatuses: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] };

function step(id: string, prev: string | undefined, next: string[], status: Step['status'] = 'succeeded', start = 0): Step {
  return { id, runId: 'r', status, rawStatus: status.toUpperCase(), next, prev, startedAt: new Date(start).toISOString() };
}

describe('Filters', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('turns a time-range preset into a start bound relative to now', () => {
    const q = filterToQuery({ timeRange: { preset: '24h' }, status: 'failed' }, now);
    assert.equal(q.startedAfter?.toISOString(), '2026-11-22T12:00:00.000Z');
    assert.equal(q.startedBefore, undefined);
    assert.equal(q.status, 'failed');
  });
  it('keeps a custom range and drops empty ids', () => {
    const q = filterToQuery({ timeRange: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }, userId: '' }, now);
    assert.equal(q.startedAfter?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(q.startedBefore?.toISOString(), '2026-11-02T00:00:00.000Z');
    assert.equal(q.userId, undefined);
  });
  it('describes the active filter for the view header', () => {
    assert.equal(describeFilter({}), '');
    assert.ok(isEmptyFilter({}));
    assert.equal(describeFilter({ status: 'failed', timeRange: { preset: '7d' }, userId: 'u1' }), 'Failed · last 7 days · user u1');
  });
  it('accepts ISO 8601 dates and rejects anything else', () => {
    assert.equal(parseUserDate('2026-11-01')?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(parseUserDate('2026-11-01T09:30:00Z')?.toISOString(), '2026-11-01T09:30:00.000Z');
    assert.equal(parseUserDate('yesterday'), undefined);
    assert.equal(parseUserDate('2026-13-45'), undefined);
  });
});

describe('Grouping', () => {
  it('groups by status with failures first, one query each', () => {
    const groups = groupsAt('status', {}, paragonCaps, []);
    assert.deepEqual(
      groups.map((g) => g.value),
      ['failed', 'running', 'delayed', 'succeeded'],
    );
    assert.deepEqual(groups[0]!.query, { status: 'failed' });
  });
  it('groups by integration with one filtered query per configured name', () => {
    const groups = groupsAt('integration', { status: 'failed' }, paragonCaps, ['salesforce', 'slack']);
    assert.deepEqual(
      groups.map((g) => g.query),
      [
        { status: 'failed', integration: 'salesforce' },
        { status: 'failed', integration: 'slack' },
      ],
    );
  });
  it('keeps only the status the user filtered on', () => {
    assert.deepEqual(
      groupsAt('status', { status: 'running' }, paragonCaps, []).map((g) => g.value),
      ['running'],
    );
  });
  it('uses only dimensions the source supports, in the chosen order', () => {
    assert.deepEqual(dimensionsFor('integration-status', paragonCaps, ['a']), ['integration', 'status']);
    assert.deepEqual(dimensionsFor('status-integration', disperslCaps, ['a']), ['status']);
    assert.deepEqual(dimensionsFor('integration', paragonCaps, []), [], 'no integrations configured');
    assert.deepEqual(dimensionsFor('none', paragonCaps, ['a']), []);
  });
});

describe('Step graph', () => {
  it('orders steps depth-first along next, keeping branches together', () => {
    const steps = [step('c', 'a', [], 'succeeded', 3), step('a', undefined, ['b', 'c'], 'succeeded', 1), step('b', 'a', ['d'], 'succeeded', 2), step('d', 'b', [], 'failed', 4)];
    const ordered = orderSteps(steps);
    assert.deepEqual(
      ordered.map((o) => o.step.id),
      ['a', 'b', 'd', 'c'],
    );
    assert.deepEqual(
      ordered.map((o) => o.depth),
      [0, 1, 1, 1],
    );
    assert.equal(firstFailedStep(steps)?.id, 'd');
  });
  it('handles a 1,000-step chain and steps the graph does not reach', () => {
    const chain = Array.from({ length: 1000 }, (_, i) => step(`s${i}`, i ? `s${i - 1}` : undefined, i < 999 ? [`s${i + 1}`] : [], 'succeeded', i));
    chain.push(step('orphan', 'missing', [], 'succeeded', 5000));
    const ordered = orderSteps(chain);
    assert.equal(ordered.length, 1001);
    assert.equal(ordered[999]!.step.id, 's999');
  });
});

describe('Presentation text', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const run: Run = {
    id: 'c70cafa5-4f80-45c7-b5b3-71454f6d638d',
    sourceKind: 'paragon',
    status: 'succeeded',
    rawStatus: 'SUCCEEDED',
    startedAt: '2026-11-23T11:55:00Z',
    endedAt: '2026-11-23T11:55:01.477Z',
    durationMs: 1477,
  };
  it('labels a nameless run by its short id and describes when and how long', () => {
    assert.equal(runLabel(run), 'c70cafa5');
    assert.equal(runDescription(run, now), '5 min ago · 1.48 s');
    assert.equal(relativeTime('2026-11-21T12:00:00Z', now), '2 d ago');
  });
  it('strips control characters and newlines from untrusted names', () => {
    assert.equal(singleLine('evil\nname\u0000\u001b[31m'), 'evil name [31m');
    assert.equal(runLabel({ ...run, name: '<img src=x onerror=alert(1)>\n' }), '<img src=x onerror=alert(1)>');
  });
  it('shows bidi overrides in labels instead of obeying them, and keeps plain RTL text', () => {
    assert.equal(runLabel({ ...run, name: 'invoice_\u202Egnp.exe' }), 'invoice_<U+202E>gnp.exe');
    assert.equal(singleLine('مرحبا \u200Fبالعالم'), 'مرحبا \u200Fبالعالم');
  });
});
