import assert from 'node:assert/strict';
import { parseStatus } from '../../src/cli/argParsers';
import { describeFilter, filterToQuery, type RunFilter } from '../../src/core/filters';
import { dimensionsFor, groupsAt, statusLabel } from '../../src/core/grouping';
import type { RunStatus, SourceCapabilities } from '../../src/core/model';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { mapStatus as mapDisperslStatus, parseTaskDetail, parseTaskList } from '../../src/sources/dispersl/disperslWire';
import { isHistoryApiError } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { mapStatus as mapParagonStatus, parseExecutionDetail, parseList } from '../../src/sources/paragon/paragonWire';

/** Names every plain object inherits: a lookup in a `{}` map finds them. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
const RUN_STATUSES: readonly string[] = ['running', 'failed', 'succeeded', 'delayed', 'queued', 'cancelled', 'unknown'];

function disperslTask(id: string, status: string, steps?: unknown[]): Record<string, unknown> {
  return { task_id: id, task_name: `task ${id}`, status, created_at: '2026-11-01T10:00:00Z', completed_at: null, ...(steps ? { steps } : {}) };
}

describe('Lookups keyed by API data never hit inherited properties', () => {
  describe('Dispersl wire', () => {
    it('maps statuses named after Object.prototype members to "unknown", keeping the raw text', () => {
      // JSON.parse, as the HTTP layer does: "__proto__" becomes an own property, as on the wire.
      const body = JSON.parse(
        JSON.stringify({
          status: 'success',
          message: 'ok',
          data: INHERITED.map((s, i) => disperslTask(`t${i}`, s)),
          pagination: { total: INHERITED.length, limit: 100, offset: 0, has_more: false },
        }),
      );
      const page = parseTaskList(body, 0);
      assert.deepEqual(
        page.runs.map((r) => [r.status, r.rawStatus]),
        INHERITED.map((s) => ['unknown', s]),
      );
      for (const raw of INHERITED) assert.equal(mapDisperslStatus(raw), 'unknown', raw);
    });

    it('maps such statuses on agent steps too', () => {
      const steps = INHERITED.map((s, i) => ({ step_id: `s${i}`, step_name: 'step', status: s, agent: '__proto__', model: 'constructor' }));
      const body = JSON.parse(JSON.stringify({ status: 'success', message: 'ok', data: [disperslTask('t1', 'constructor', steps)] }));
      const detail = parseTaskDetail(body);
      assert.equal(detail.status, 'unknown');
      assert.deepEqual(
        detail.steps.map((s) => s.status),
        INHERITED.map(() => 'unknown'),
      );
      assert.equal(detail.steps[0]!.agent, '__proto__');
      assert.equal(detail.steps[0]!.model, 'constructor');
    });
  });

  describe('Paragon wire', () => {
    it('maps statuses named after Object.prototype members (any case) to "unknown"', () => {
      const names = [...INHERITED, ...INHERITED.map((s) => s.toUpperCase())];
      const body = JSON.parse(
        JSON.stringify({
          workflowExecutions: names.map((s, i) => ({ id: `e${i}`, status: s, dateStarted: '2026-11-01T10:00:00Z' })),
          nextLink: null,
          total: names.length,
        }),
      );
      const page = parseList(body, '__proto__');
      assert.deepEqual(
        page.runs.map((r) => r.status),
        names.map(() => 'unknown'),
      );
      assert.equal(page.runs[0]!.integration, '__proto__');
      for (const raw of names) assert.equal(mapParagonStatus(raw), 'unknown', raw);
      const detail = parseExecutionDetail(
        JSON.parse(
          JSON.stringify({ id: 'e1', status: 'FAILED', dateStarted: '2026-11-01T10:00:00Z', stepExecutions: [{ id: 's1', status: 'constructor', next: [], prev: null }] }),
        ),
      );
      assert.equal(detail.steps[0]!.status, 'unknown');
    });
  });

  describe('status filters', () => {
    it('the CLI refuses --status constructor and friends as a usage error', () => {
      for (const raw of INHERITED) {
        assert.throws(
          () => parseStatus(raw),
          (e: unknown) => e instanceof Error && e.name !== 'TypeError' && /Use one of/.test(e.message),
          raw,
        );
      }
    });

    it('the clients refuse to filter by an inherited name instead of sending a function as the status', async () => {
      // Nothing listens on port 9: a request that got out would be a NetworkError, not UnsupportedError.
      const paragon = new ParagonClient({ projectId: 'p', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', retries: 0, rateLimit: null });
      const dispersl = new DisperslClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', retries: 0, requestsPerHour: null });
      for (const raw of INHERITED) {
        const status = raw as RunStatus;
        await assert.rejects(paragon.listPage({ status }, 0), (e: unknown) => isHistoryApiError(e) && e.kind === 'unsupported', raw);
        await assert.rejects(dispersl.listPage({ status }, 0), (e: unknown) => isHistoryApiError(e) && e.kind === 'unsupported', raw);
      }
    });
  });

  describe('grouping', () => {
    const caps: SourceCapabilities = {
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

    it('labels a status it does not know as "Other", never as a function or an object', () => {
      for (const raw of INHERITED) assert.equal(statusLabel(raw as RunStatus), 'Other', raw);
      for (const known of RUN_STATUSES) assert.equal(typeof statusLabel(known as RunStatus), 'string');
    });

    it('groups by integrations named __proto__, constructor, toString and hasOwnProperty, each its own group', () => {
      const integrations = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
      const dims = dimensionsFor('integration-status', caps, integrations);
      assert.deepEqual(dims, ['integration', 'status']);
      const groups = groupsAt('integration', {}, caps, integrations);
      assert.deepEqual(
        groups.map((g) => [g.value, g.label, g.query.integration]),
        integrations.map((i) => [i, i, i]),
      );
      const nested = groupsAt('status', groups[0]!.query, caps, integrations);
      assert.deepEqual(
        nested.map((g) => [g.label, g.query.integration, g.query.status]),
        [
          ['Failed', '__proto__', 'failed'],
          ['Running', '__proto__', 'running'],
          ['Delayed', '__proto__', 'delayed'],
          ['Succeeded', '__proto__', 'succeeded'],
        ],
      );
    });
  });

  describe('filters', () => {
    it('treats a stored time-range preset named after an inherited member as no range', () => {
      for (const raw of INHERITED) {
        const filter = { timeRange: { preset: raw } } as unknown as RunFilter;
        const query = filterToQuery(filter, new Date('2026-11-29T00:00:00Z'));
        assert.equal(query.startedAfter, undefined, raw);
        assert.equal(describeFilter(filter), '', raw);
      }
      const known = filterToQuery({ timeRange: { preset: '24h' } }, new Date('2026-11-29T00:00:00Z'));
      assert.equal(known.startedAfter?.toISOString(), '2026-11-28T00:00:00.000Z');
    });
  });
});
