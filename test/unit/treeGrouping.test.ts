// The tree's groups by workflow (Paragon), agent and model (Dispersl): which groupings a source
// can use, the groups' specs (queries, labels, order, the "(none)" group, the cap), and the
// values and counts read from a real run index file (synced from the emulator over loopback)
// against the emulator's truth; hostile values (`__proto__`, `..`, 10,000 agents) stay values.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  countWorkflows,
  dimensionsFor,
  GROUP_BY_LABELS,
  groupSource,
  MAX_VALUE_GROUPS,
  moreValuesMessage,
  shortId,
  valueGroups,
  valueLabel,
  type GroupBy,
} from '../../src/core/grouping';
import type { Run, RunDetail, RunQuery, SourceKind, Step } from '../../src/core/model';
import { indexValues } from '../../src/insights/valueGroups';
import { runs as listRuns } from '../../src/core/paging';
import type { HistorySource } from '../../src/core/source';
import { RunIndex } from '../../src/runIndex/runIndex';
import { syncSource } from '../../src/runIndex/sync';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { IndexGroupListing, indexGroupTooltip, indexNeededMessage, valueGroupId } from '../../src/views/nodes/indexGroups';
import { collect, useEmulator } from './support/emulatorFixture';

const paragonCaps = new ParagonClient({ projectId: 'p', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', retries: 0, rateLimit: null }).capabilities;
const disperslCaps = new DisperslClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', retries: 0, requestsPerHour: null }).capabilities;
const ACTIVE = new Set<string>(['running', 'queued', 'delayed']);

/** The tree's reader of a source's values, as the extension makes it (the frame read in slices). */
const valuesOf = (index: RunIndex, sourceId: string, kind: SourceKind) => indexValues(index, sourceId, kind, () => new Promise<void>((resolve) => setImmediate(resolve)));

/** Every run of a group, through Load more until there is no more. */
async function allRuns(listing: IndexGroupListing): Promise<Run[]> {
  await listing.loadNext();
  while (listing.hasMore) await listing.loadNext();
  return [...listing.runs];
}

describe('Tree grouping by workflow, agent and model', () => {
  describe('group specs', () => {
    it('each new grouping is offered, and a source only gets the dimensions it can use (the others skipped)', () => {
      for (const g of ['workflow', 'workflow-status', 'agent', 'model'] as GroupBy[]) assert.equal(typeof GROUP_BY_LABELS[g], 'string', g);
      const dispersl = { stepAgents: true };
      assert.deepEqual(dimensionsFor('workflow', paragonCaps, []), ['workflow']);
      assert.deepEqual(dimensionsFor('workflow-status', paragonCaps, []), ['workflow', 'status']);
      assert.deepEqual(dimensionsFor('agent', paragonCaps, []), [], 'Paragon steps carry no agent: ungrouped');
      assert.deepEqual(dimensionsFor('model', paragonCaps, []), []);
      assert.deepEqual(dimensionsFor('agent', disperslCaps, [], dispersl), ['agent']);
      assert.deepEqual(dimensionsFor('model', disperslCaps, [], dispersl), ['model']);
      assert.deepEqual(dimensionsFor('agent', disperslCaps, []), [], 'without the trait, no agents');
      assert.deepEqual(dimensionsFor('workflow', disperslCaps, [], dispersl), [], 'Dispersl has no workflows');
      assert.deepEqual(dimensionsFor('workflow-status', disperslCaps, [], dispersl), ['status']);
      assert.deepEqual(dimensionsFor('__proto__' as GroupBy, paragonCaps, []), [], 'an unknown grouping is none, never an inherited member');
      // Where each group's runs come from: the API where it filters by the dimension, else the index.
      assert.equal(groupSource('workflow', paragonCaps), 'api');
      assert.equal(groupSource('agent', disperslCaps, dispersl), 'index');
      assert.equal(groupSource('model', disperslCaps, dispersl), 'index');
      assert.equal(groupSource('workflow', disperslCaps, dispersl), undefined);
    });

    it('workflow groups narrow the query by workflowId (an API listing each); agent and model groups keep the parent query; most runs first, ties by value, none last', () => {
      const parent: RunQuery = { status: 'failed', startedAfter: new Date('2026-11-01T00:00:00Z') };
      const names = new Map([['c395c170-4541-499c-afd1-0eccfaae49c9', 'Sync contacts']]);
      const { groups, more } = valueGroups(
        'workflow',
        parent,
        [
          { value: 'b-wf', runs: 3 },
          { value: null, runs: 2 },
          { value: 'c395c170-4541-499c-afd1-0eccfaae49c9', runs: 9 },
          { value: 'a-wf', runs: 3 },
          { value: '', runs: 1 },
        ],
        names,
      );
      assert.equal(more, undefined);
      assert.deepEqual(
        groups.map((g) => [g.value, g.label, g.none ?? false]),
        [
          ['c395c170-4541-499c-afd1-0eccfaae49c9', 'Sync contacts (c395c170…)', false],
          ['a-wf', 'a-wf', false],
          ['b-wf', 'b-wf', false],
          ['', 'No workflow', true],
        ],
      );
      assert.deepEqual(groups[0]!.query, { ...parent, workflowId: 'c395c170-4541-499c-afd1-0eccfaae49c9' });
      assert.deepEqual(groups[3]!.query, parent, 'the API cannot filter "no workflow": the parent query, read from the index');
      // An unnamed workflow: its short id on the row (the full id is in the tooltip).
      assert.equal(valueLabel('workflow', '24cf377b-c7f5-40e7-9b10-6cc5d811266a'), '24cf377b…');
      assert.equal(shortId('short-id'), 'short-id');
      const agents = valueGroups('agent', parent, [
        { value: 'code_agent', runs: 4 },
        { value: 'test_agent', runs: 7 },
        { value: null, runs: 1 },
      ]);
      assert.deepEqual(
        agents.groups.map((g) => [g.label, g.query]),
        [
          ['test_agent', parent],
          ['code_agent', parent],
          ['(none)', parent],
        ],
      );
    });

    it('without the index, workflows come from the runs already loaded, each counted once; runs without one under none', () => {
      const runs = [{ workflowId: 'w1' }, { workflowId: 'w2' }, { workflowId: 'w1' }, {}, { workflowId: '' }];
      const { groups } = valueGroups('workflow', {}, countWorkflows(runs));
      assert.deepEqual(
        groups.map((g) => [g.value, g.label]),
        [
          ['w1', 'w1'],
          ['w2', 'w2'],
          ['', 'No workflow'],
        ],
      );
    });

    it('hostile values: __proto__, constructor and ".." are values like any other; labels are one line; ids are distinct and encoded', () => {
      const counts = [
        { value: '__proto__', runs: 5 },
        { value: 'constructor', runs: 4 },
        { value: '..', runs: 3 },
        { value: '../../etc', runs: 2 },
        { value: 'a/run:x', runs: 1 },
        { value: 'line\nbreak\u202Eevil', runs: 1 },
      ];
      const { groups } = valueGroups('workflow', {}, counts);
      assert.deepEqual(
        groups.map((g) => g.value),
        counts.map((c) => c.value),
      );
      assert.equal(groups[0]!.query.workflowId, '__proto__');
      assert.ok(Object.hasOwn(groups[0]!.query, 'workflowId'));
      for (const g of groups) assert.doesNotMatch(g.label, /[\n\u202E]/, g.label);
      const ids = groups.map((g) => valueGroupId('source:p', g));
      assert.equal(new Set(ids).size, ids.length);
      for (const id of ids) assert.match(id, /^source:p\/workflow:[^/]+$/, id);
      assert.equal(valueGroupId('source:p', { dimension: 'workflow', value: '', none: true }), 'source:p/workflow:(none)');
      // A name set for "__proto__" labels it; no inherited name labels "constructor".
      assert.equal(valueLabel('workflow', '__proto__', new Map([['__proto__', 'Proto flow']])), 'Proto flow (__proto__)');
      assert.equal(valueLabel('workflow', 'constructor', new Map()), 'constructor');
    });

    it('10,000 distinct agents are 50 groups and one "N more" row, the (none) group kept', () => {
      const counts = Array.from({ length: 10_000 }, (_, i) => ({ value: `agent-${String(i).padStart(5, '0')}`, runs: (i % 7) + 1 }));
      const { groups, more } = valueGroups('agent', {}, [...counts, { value: null, runs: 3 }]);
      assert.equal(groups.length, MAX_VALUE_GROUPS + 1);
      assert.equal(groups.at(-1)!.label, '(none)');
      assert.ok(groups.slice(0, MAX_VALUE_GROUPS).every((g) => g.value !== '' && !g.none));
      const shownRuns = groups.slice(0, MAX_VALUE_GROUPS).reduce((n, g) => n + counts.find((c) => c.value === g.value)!.runs, 0);
      assert.equal(shownRuns, MAX_VALUE_GROUPS * 7, 'the agents with the most runs are the ones shown');
      assert.deepEqual(more, { values: 10_000 - MAX_VALUE_GROUPS, runs: counts.reduce((n, c) => n + c.runs, 0) - shownRuns });
      assert.equal(moreValuesMessage('agent', more!), `9,950 more agents (${more!.runs.toLocaleString('en-US')} runs): narrow the filter to see them`);
    });
  });

  describe('values and counts from a real index, against the emulator’s truth', function () {
    this.timeout(120_000);
    const emulator = useEmulator({ paragonExecutions: 600, disperslTasks: 120 });
    let dir: string;
    let index: RunIndex;
    let paragon: HistorySource;
    let dispersl: HistorySource;
    let paragonRuns: Run[];
    let disperslTasks: RunDetail[];
    let pRange: RunQuery;
    let dRange: RunQuery;
    const inRange = (run: Run, query: RunQuery) => {
      const at = Date.parse(run.startedAt ?? '');
      return at >= query.startedAfter!.getTime() && at < query.startedBefore!.getTime();
    };

    before(async function () {
      this.timeout(300_000);
      const e = emulator();
      dir = mkdtempSync(join(tmpdir(), 'thx-tree-grouping-'));
      index = RunIndex.open(join(dir, 'runs.db'));
      paragon = new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
      dispersl = new DisperslClient({ baseUrl: e.disperslBaseUrl, apiKey: e.apiKey, retryBaseDelayMs: 1, requestsPerHour: null });
      await syncSource({ sourceId: 'p', source: paragon, index, since: 'all', details: 'failed' });
      await syncSource({ sourceId: 'd', source: dispersl, index, since: 'all', details: 'all' });
      paragonRuns = await collect(listRuns(paragon, {}));
      const listed = await collect(listRuns(dispersl, {}));
      disperslTasks = await Promise.all(listed.map((t) => dispersl.getRun(t.id)));
      const rangeOf = (all: readonly Run[]): RunQuery => {
        const starts = all.map((r) => Date.parse(r.startedAt!)).sort((a, b) => a - b);
        return { startedAfter: new Date(starts[Math.floor(starts.length * 0.1)]!), startedBefore: new Date(starts[Math.floor(starts.length * 0.9)]!) };
      };
      pRange = rangeOf(paragonRuns);
      dRange = rangeOf(disperslTasks);
    });
    after(() => {
      index?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('Paragon: the workflows within the tree’s filter, each with the emulator’s count (what its API listing’s total says), most runs first', async () => {
      const e = emulator();
      const window = { afterDate: pRange.startedAfter!.toISOString(), beforeDate: pRange.startedBefore!.toISOString() };
      const { counts, runs } = await valuesOf(index, 'p', 'paragon').counts(pRange, 'workflow');
      assert.equal(runs, e.truth.paragonIds(window).length);
      const { groups, more } = valueGroups('workflow', pRange, counts);
      assert.ok(groups.length >= 3, `workflows in the emulator: ${groups.length}`);
      assert.equal(more, undefined);
      const truthByWorkflow = new Map<string, number>();
      for (const r of paragonRuns.filter((r) => inRange(r, pRange))) truthByWorkflow.set(r.workflowId!, (truthByWorkflow.get(r.workflowId!) ?? 0) + 1);
      assert.deepEqual(new Set(groups.map((g) => g.value)), new Set(truthByWorkflow.keys()));
      let previous = Infinity;
      for (const group of groups) {
        const count = counts.find((c) => c.value === group.value)!.runs;
        assert.ok(count <= previous, 'most runs first');
        previous = count;
        assert.equal(count, e.truth.paragonIds({ ...window, workflowId: group.value }).length, `workflow ${group.value}`);
        // The group's API listing, as the tree sends it: its total is the same count.
        const page = await paragon.listPage(group.query, 0);
        assert.equal(page.total, count, `listing total of ${group.value}`);
        assert.ok(page.runs.every((r) => r.workflowId === group.value));
      }
      // A status filter narrows the values' counts as it narrows the listings.
      const failed = (await valuesOf(index, 'p', 'paragon').counts({ ...pRange, status: 'failed' }, 'workflow')).counts;
      for (const c of failed) assert.equal(c.runs, e.truth.paragonIds({ ...window, workflowId: c.value!, status: 'FAILED' }).length);
    });

    it('Dispersl: a task under each agent (and model) one of its steps used, counts and runs equal the truth from the API’s steps; tasks without steps stored under (none); Load more pages through every one', async () => {
      const tasks = disperslTasks.filter((t) => inRange(t, dRange));
      assert.ok(tasks.length > 50);
      for (const column of ['agent', 'model'] as const) {
        const truth = new Map<string | null, Set<string>>();
        const add = (key: string | null, id: string) => truth.set(key, (truth.get(key) ?? new Set()).add(id));
        for (const t of tasks) {
          // Sync stores the steps of finished tasks: a running one has none stored yet.
          const values = ACTIVE.has(t.status) ? [] : [...new Set(t.steps.map((s: Step) => s[column]).filter((v): v is string => typeof v === 'string' && v !== ''))];
          if (values.length === 0) add(null, t.id);
          for (const v of values) add(v, t.id);
        }
        const read = valuesOf(index, 'd', 'dispersl');
        const { counts, runs } = await read.counts(dRange, column);
        assert.equal(runs, tasks.length);
        assert.ok(counts.filter((c) => c.value !== null).length >= 3, `${column}s in the emulator`);
        assert.deepEqual(new Map(counts.map((c) => [c.value, c.runs])), new Map([...truth].map(([k, ids]) => [k, ids.size])), `${column} counts`);
        const { groups } = valueGroups(column, dRange, counts);
        for (const group of groups) {
          const filter = { dimension: column, value: group.value, none: group.none };
          const expected = truth.get(group.none ? null : group.value)!;
          assert.equal((await read.runIds(group.query, filter)).length, expected.size);
          // Three runs a page: Load more goes on until every run of the group is listed, newest first, no duplicates.
          const listing = new IndexGroupListing(read, group.query, filter, expected.size, 3);
          const listed = await allRuns(listing);
          assert.deepEqual(new Set(listed.map((r) => r.id)), expected, `${column} ${group.label}`);
          assert.equal(listed.length, expected.size);
          for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1]!.startedAt! >= listed[i]!.startedAt!, 'newest first');
          assert.equal(listing.hasMore, false);
        }
      }
    });

    it('the tooltip of an index group says its runs come from the run index and when it was synced; without the index, the row says how to get it', () => {
      const at = new Date('2026-11-29T12:00:00Z');
      const text = indexGroupTooltip({ dimension: 'agent', value: 'code_agent' }, 12, new Date(at.getTime() - 5 * 60_000), at.getTime());
      assert.match(text, /^12 runs · Agent code_agent\nFrom the run index, synced 5 min ago/);
      assert.match(indexGroupTooltip({ dimension: 'model', value: '', none: true }, 1, undefined), /^1 run · No model\nFrom the run index, not synced yet/);
      assert.match(indexNeededMessage('agent', 'closed'), /taskHistory\.index\.enabled.*Sync Run Index/);
      assert.match(indexNeededMessage('model', 'empty'), /Sync Run Index/);
    });
  });

  describe('hostile values in a real index', () => {
    let dir: string;
    let index: RunIndex;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'thx-tree-grouping-hostile-'));
      index = RunIndex.open(join(dir, 'runs.db'));
    });
    after(() => {
      index?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (id: string, i: number, over: Partial<Run> = {}): Run => ({
      id,
      sourceKind: 'paragon',
      status: 'succeeded',
      rawStatus: 'SUCCEEDED',
      startedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      ...over,
    });

    it('workflow ids "__proto__", "..", "constructor" and none: each its own group, with its count and its runs', async () => {
      const workflows = ['__proto__', '..', 'constructor', '__proto__', undefined, '', '..', '__proto__'];
      index.upsertRuns(
        'p',
        workflows.map((w, i) => run(`r${i}`, i, w === undefined ? {} : { workflowId: w })),
      );
      const read = valuesOf(index, 'p', 'paragon');
      const { counts, runs } = await read.counts({}, 'workflow');
      assert.equal(runs, workflows.length);
      const { groups } = valueGroups('workflow', {}, counts);
      assert.deepEqual(
        groups.map((g) => [g.label, counts.find((c) => (c.value ?? '') === g.value)?.runs ?? counts.find((c) => c.value === null)!.runs]),
        [
          ['__proto__', 3],
          ['..', 2],
          ['constructor', 1],
          ['No workflow', 2],
        ],
      );
      const none = groups.at(-1)!;
      const listed = await allRuns(new IndexGroupListing(read, none.query, { dimension: 'workflow', value: '', none: true }, 2));
      assert.deepEqual(listed.map((r) => r.id).sort(), ['r4', 'r5']);
      assert.deepEqual(
        read.runs((await read.runIds({}, { dimension: 'workflow', value: '__proto__' })).slice(0, 10)).map((r) => r.id),
        ['r7', 'r3', 'r0'],
      );
    });

    it('10,000 distinct agents in the index: the counts are all there, the tree shows 50 groups and "9,950 more agents"', async () => {
      const detail = (i: number, agents: readonly string[]): RunDetail => ({
        ...run(`t${i}`, i),
        sourceKind: 'dispersl',
        steps: agents.map((agent, position) => ({ id: `t${i}-s${position}`, runId: `t${i}`, status: 'succeeded', rawStatus: 'completed', next: [], agent, model: 'm' })),
      });
      index.batch(() => {
        // 100 tasks of 100 steps, each step its own agent; task 0's agents are also used by task 1 (agent-00000…00099: 2 runs each).
        for (let i = 0; i < 100; i++)
          index.putDetail(
            'd',
            detail(
              i,
              Array.from({ length: 100 }, (_, j) => `agent-${String(i * 100 + j).padStart(5, '0')}`),
            ),
          );
        index.putDetail(
          'd',
          detail(
            100,
            Array.from({ length: 100 }, (_, j) => `agent-${String(j).padStart(5, '0')}`),
          ),
        );
        index.putDetail('d', detail(101, []));
      });
      const { counts, runs } = await valuesOf(index, 'd', 'dispersl').counts({}, 'agent');
      assert.equal(runs, 102);
      assert.equal(counts.filter((c) => c.value !== null).length, 10_000);
      assert.equal(counts.find((c) => c.value === null)?.runs, 1, 'the task with no steps');
      const { groups, more } = valueGroups('agent', {}, counts);
      assert.equal(groups.length, MAX_VALUE_GROUPS + 1);
      assert.ok(
        groups.slice(0, MAX_VALUE_GROUPS).every((g) => /^agent-000\d\d$/.test(g.value)),
        'the agents with two runs first',
      );
      assert.deepEqual(more, { values: 9_950, runs: 9_950 + 50 });
      assert.match(moreValuesMessage('agent', more!), /^9,950 more agents \(10,000 runs\)/);
    });
  });
});
