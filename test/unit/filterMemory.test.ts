// Per-source filters kept in the workspace's state: what is stored, what is read back from a
// state that is not trusted, which fields each API is offered for, and the view's header.
import assert from 'node:assert/strict';
import {
  FILTERS_STATE_KEY,
  FilterMemory,
  filterTextProblem,
  readFilters,
  sanitizeFilter,
  summarizeFilters,
  timeRangeProblem,
  writeFilters,
  type FilterStorage,
} from '../../src/core/filterMemory';
import { commonFilterFields, describeFilter, filterFieldsOf, filterToQuery, restrictFilter } from '../../src/core/filters';
import { formatDateTime } from '../../src/core/locale';
import { SOURCE_KINDS } from '../../src/sources/kinds';
import { validateSourceEntry } from '../../src/sources/kinds/sourceEntry';

/** A Memento as VS Code's workspaceState is: values go through JSON (structured clone loses nothing more here). */
class JsonMemento implements FilterStorage {
  readonly data = new Map<string, string>();
  writes = 0;
  get(key: string): unknown {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : JSON.parse(raw);
  }
  update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const capabilitiesOf = (kind: 'paragon' | 'dispersl') =>
  SOURCE_KINDS.find((k) => k.kind === kind)!.createClient({ id: kind, kind, projectId: 'p-1' }, { apiKey: 'unused' }).capabilities;

describe('Filter memory (per source, kept in the workspace state)', () => {
  it('keeps one filter per source, and a new memory on the same state (a window reload) reads them back', async () => {
    const state = new JsonMemento();
    const memory = new FilterMemory(state);
    assert.equal(memory.set('paragon-a', { status: 'failed', timeRange: { preset: '24h' }, integration: 'salesforce' }), true);
    assert.equal(memory.set('dispersl', { status: 'running' }), true);
    await memory.saved;
    const reloaded = new FilterMemory(state);
    assert.deepEqual(reloaded.get('paragon-a'), { status: 'failed', timeRange: { preset: '24h' }, integration: 'salesforce' });
    assert.deepEqual(reloaded.get('dispersl'), { status: 'running' });
    assert.deepEqual(reloaded.get('another'), {}, 'a source without a filter has none');
    assert.equal(reloaded.anyActive, true);
  });

  it('does not write when nothing changes, clears one source or all, and an empty filter is a cleared one', async () => {
    const state = new JsonMemento();
    const memory = new FilterMemory(state);
    memory.set('a', { status: 'failed' });
    memory.set('b', { status: 'failed' });
    await memory.saved;
    const writes = state.writes;
    assert.equal(memory.set('a', { status: 'failed' }), false);
    assert.equal(state.writes, writes, 'the same filter again is not a write');
    assert.deepEqual(memory.clear('a'), ['a']);
    assert.deepEqual(memory.clear('a'), [], 'clearing twice clears nothing');
    await memory.saved;
    assert.deepEqual(new FilterMemory(state).entries(), [['b', { status: 'failed' }]]);
    memory.set('b', {});
    await memory.saved;
    assert.deepEqual(new FilterMemory(state).entries(), []);
    memory.set('a', { status: 'running' });
    memory.set('c', { userId: 'u-1' });
    assert.deepEqual(memory.clear().sort(), ['a', 'c']);
    await memory.saved;
    assert.equal(new FilterMemory(state).anyActive, false);
  });

  it('drops the filter of a removed source', async () => {
    const state = new JsonMemento();
    const memory = new FilterMemory(state);
    memory.set('kept', { status: 'failed' });
    memory.set('removed', { status: 'running' });
    assert.deepEqual(memory.retain(['kept', 'new-one']), ['removed']);
    await memory.saved;
    assert.deepEqual(new FilterMemory(state).entries(), [['kept', { status: 'failed' }]]);
  });

  it('round-trips every source id the settings accept: a leading space, a tab, over 512 characters, constructor, __proto__', async () => {
    const ids = [' padded', 'tab\there', 'x'.repeat(600), 'constructor', '__proto__', 'prototype', 'toString', 'a\u0000b', 'plain'];
    for (const id of ids) assert.equal(validateSourceEntry({ id, kind: 'dispersl' }), undefined, `the settings accept ${JSON.stringify(id)}`);
    const state = new JsonMemento();
    const memory = new FilterMemory(state);
    ids.forEach((id, i) => assert.equal(memory.set(id, { status: 'failed', userId: `u-${i}` }), true, JSON.stringify(id)));
    await memory.saved;
    const reloaded = new FilterMemory(state);
    assert.deepEqual(
      reloaded.entries(),
      ids.map((id, i) => [id, { status: 'failed', userId: `u-${i}` }]),
    );
    assert.equal(({} as Record<string, unknown>)['status'], undefined, 'nothing reached Object.prototype');
    // What the settings refuse is not an id here either.
    assert.ok(validateSourceEntry({ id: '', kind: 'dispersl' }));
    assert.equal(memory.set('', { status: 'failed' }), false);
  });

  it('reads an untrusted state field by field: unknown statuses and presets, non-strings, bad dates and entries without an id are dropped', () => {
    const raw = JSON.parse(`{
      "v": 2,
      "filters": [
        { "id": "ok", "filter": { "status": "failed", "timeRange": { "preset": "7d" }, "userId": "  u-1  ", "workflowId": 42, "integration": ["x"] } },
        { "id": "ok", "filter": { "status": "running" } },
        { "id": "__proto__", "filter": { "status": "failed", "__proto__": { "polluted": true } } },
        { "id": "bad-status", "filter": { "status": "exploded", "timeRange": { "preset": "toString" } } },
        { "id": "unknown-status", "filter": { "status": "unknown" } },
        { "id": "custom", "filter": { "timeRange": { "from": "2026-11-01", "to": "not a date" } } },
        { "id": "control", "filter": { "userId": "a\\u0000b", "integration": "${'x'.repeat(600)}" } },
        { "id": "not-an-object", "filter": "failed" },
        { "id": "array", "filter": [{ "status": "failed" }] },
        { "id": 42, "filter": { "status": "failed" } },
        { "id": "", "filter": { "status": "failed" } },
        { "filter": { "status": "failed" } },
        "failed",
        null
      ]
    }`);
    const filters = readFilters(raw);
    assert.deepEqual([...filters.keys()], ['ok', '__proto__', 'custom']);
    assert.deepEqual(Object.getPrototypeOf(filters.get('ok')), Object.prototype);
    assert.deepEqual(filters.get('ok'), { status: 'failed', timeRange: { preset: '7d' }, userId: 'u-1' }, 'the first entry of an id holds');
    assert.deepEqual(filters.get('__proto__'), { status: 'failed' });
    assert.deepEqual(filters.get('custom'), { timeRange: { from: '2026-11-01T00:00:00.000Z' } });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'nothing reached Object.prototype');
  });

  it('reads nothing from a state of another version or shape', () => {
    for (const raw of [undefined, null, 'x', 42, [], { v: 2, filters: { a: { status: 'failed' } } }, { v: 1 }, { v: 1, filters: [] }]) {
      assert.equal(readFilters(raw).size, 0, JSON.stringify(raw));
    }
    for (const raw of [{ v: 3, filters: [{ id: 'a', filter: { status: 'failed' } }] }, { v: 2 }, { v: 2, filters: { a: { status: 'failed' } } }]) {
      assert.equal(readFilters(raw).size, 0, JSON.stringify(raw));
    }
    const state = new JsonMemento();
    state.data.set(FILTERS_STATE_KEY, JSON.stringify({ v: 1, filters: 'garbage' }));
    assert.equal(new FilterMemory(state).anyActive, false);
  });

  it('sanitizes what it stores too, and the stored shape round-trips', () => {
    assert.deepEqual(sanitizeFilter({ status: 'failed', userId: '', workflowId: '   ' }), { status: 'failed' });
    const map = new Map([['a', { status: 'failed' as const, integration: 'hubspot' }]]);
    const stored = JSON.parse(JSON.stringify(writeFilters(map)));
    assert.deepEqual(stored, { v: 2, filters: [{ id: 'a', filter: { status: 'failed', integration: 'hubspot' } }] });
    assert.deepEqual([...readFilters(stored)], [...map]);
  });

  it('refuses as it is typed exactly the user id, workflow id or integration the filter would drop, saying why', () => {
    const values = ['u-1', '  u-1  ', 'x'.repeat(512), 'x'.repeat(513), ` ${'x'.repeat(512)} `, 'a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', 'Sales force', 'é€😀'];
    for (const value of values) {
      const kept = sanitizeFilter({ userId: value, workflowId: value, integration: value });
      const problem = filterTextProblem(value);
      assert.equal(problem === undefined, kept.userId !== undefined && kept.workflowId !== undefined && kept.integration !== undefined, JSON.stringify(value));
    }
    assert.equal(filterTextProblem(''), undefined, 'empty is "any"');
    assert.equal(filterTextProblem('x'.repeat(600)), 'At most 512 characters: this has 600.');
    assert.equal(filterTextProblem('a\tb'), 'Remove the control characters (a tab, a line break): no id or name has them.');
  });

  it('refuses a custom range whose end is not after its start; either end may be left open', () => {
    assert.equal(timeRangeProblem('2026-11-01T00:00:00.000Z', '2026-11-02'), undefined);
    assert.equal(timeRangeProblem(undefined, '2026-11-02'), undefined);
    assert.equal(timeRangeProblem('2026-11-01', undefined), undefined);
    // The start as the machine's clock writes it (whatever its time zone).
    const start = formatDateTime('2026-11-05T00:00:00.000Z', { dateStyle: 'medium', timeStyle: 'short' });
    assert.equal(timeRangeProblem('2026-11-05T00:00:00.000Z', '2026-11-02'), `The end must be after the start (${start}).`);
    assert.match(timeRangeProblem('2026-11-02T09:30:00Z', '2026-11-02T09:30:00Z')!, /^The end must be after the start/, 'an empty range matches no run either');
  });

  it('keeps working for the session when the state cannot be written, and says so', async () => {
    const failures: unknown[] = [];
    const memory = new FilterMemory({ get: () => undefined, update: () => Promise.reject(new Error('disk full')) }, (e) => failures.push(e));
    memory.set('a', { status: 'failed' });
    await memory.saved;
    assert.deepEqual(memory.get('a'), { status: 'failed' });
    assert.equal((failures[0] as Error).message, 'disk full');
  });
});

describe('Filter fields each API filters by', () => {
  it('Paragon filters by status (its four), time, user, workflow and integration; Dispersl by status and time only', () => {
    const paragon = filterFieldsOf(capabilitiesOf('paragon'));
    const dispersl = filterFieldsOf(capabilitiesOf('dispersl'));
    assert.deepEqual(paragon, { statuses: ['running', 'failed', 'succeeded', 'delayed'], timeRange: true, userId: true, workflowId: true, integration: true });
    assert.deepEqual(dispersl, { statuses: ['queued', 'running', 'succeeded', 'failed', 'cancelled'], timeRange: true, userId: false, workflowId: false, integration: false });
    assert.deepEqual(commonFilterFields([paragon, dispersl]), {
      statuses: ['running', 'failed', 'succeeded'],
      timeRange: true,
      userId: false,
      workflowId: false,
      integration: false,
    });
  });

  it('never sends a field the API cannot filter by: an "All sources" filter is cut to what each source takes', () => {
    const dispersl = filterFieldsOf(capabilitiesOf('dispersl'));
    assert.deepEqual(restrictFilter({ status: 'delayed', timeRange: { preset: '1h' }, integration: 'slack', userId: 'u' }, dispersl), { timeRange: { preset: '1h' } });
  });

  it('sends the integration to the API as its own parameter, and says so in the header', () => {
    assert.equal(filterToQuery({ integration: 'salesforce' }).integration, 'salesforce');
    assert.equal(filterToQuery({ integration: '' }).integration, undefined);
    assert.equal(describeFilter({ status: 'failed', integration: 'salesforce' }), 'Failed · integration salesforce');
  });

  it('sums the filters up for the view header', () => {
    assert.equal(summarizeFilters([], 2), '');
    assert.equal(summarizeFilters([{ label: 'P', filter: { status: 'running' } }], 1), 'Running');
    assert.equal(
      summarizeFilters(
        [
          { label: 'P', filter: { status: 'running' } },
          { label: 'D', filter: {} },
        ],
        2,
      ),
      'P: Running',
    );
    assert.equal(
      summarizeFilters(
        [
          { label: 'P', filter: { status: 'running' } },
          { label: 'D', filter: { timeRange: { preset: '24h' } } },
        ],
        2,
      ),
      'Filters on 2 sources',
    );
  });
});
