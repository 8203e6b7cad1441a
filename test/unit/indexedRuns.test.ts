// Export, list and show through the run index, against the emulator over loopback and a real
// index file: after a sync, an export of the same runs comes from the index with a handful of
// requests and equals the API's export record for record; steps fetched once are never
// fetched again; a listing the index cannot vouch for goes to the API (and says why);
// archived runs can be exported, marked; a run past retention shows from the index.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRuns, type ExportResult } from '../../src/core/export/exportRuns';
import type { ExportedRun } from '../../src/core/export/records';
import type { RunDetail } from '../../src/core/model';
import { isActive } from '../../src/core/runState';
import type { HistorySource } from '../../src/core/source';
import { budgetedSource } from '../../src/runIndex/budgetedSource';
import { indexedRuns } from '../../src/runIndex/indexedRuns';
import { instant, RunIndex } from '../../src/runIndex/runIndex';
import { openSqlite } from '../../src/runIndex/sqlite';
import { syncSource } from '../../src/runIndex/sync';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import type { RunningEmulator } from '../../emulator/server';
import { collect, useEmulator } from './support/emulatorFixture';

function paragonOf(e: RunningEmulator): HistorySource {
  return new ParagonClient({ projectId: e.projectId, baseUrl: new URL(e.paragonBaseUrl).origin, apiKey: e.apiKey, retryBaseDelayMs: 1, rateLimit: null });
}

function records(result: ExportResult): ExportedRun[] {
  return readFileSync(result.target, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ExportedRun);
}

/** Records keyed by id, the runs still going left out (their state is whatever the API says at the moment each export asks). */
function finishedById(list: readonly ExportedRun[]): Map<string, ExportedRun> {
  return new Map(list.filter((r) => !isActive(r.status as never)).map((r) => [r.id, r]));
}

/** The last `days` days: clear of the API's 90-day retention, where a count can vouch for a listing. */
function lastDays(days: number): { startedAfter: Date } {
  return { startedAfter: new Date(Date.now() - days * 86_400_000) };
}

describe('Export, list and show through the run index', function () {
  this.timeout(120_000);
  const emulator = useEmulator({ paragonExecutions: 1200, disperslTasks: 0 });
  let dir: string;
  let index: RunIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-indexed-'));
    index = RunIndex.open(join(dir, 'runs.db'));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counted = () => budgetedSource(paragonOf(emulator()), 1);
  const active = () => index.count('p', { status: 'running' }, 'exclude') + index.count('p', { status: 'delayed' }, 'exclude') + index.count('p', { status: 'queued' }, 'exclude');

  it('after a sync, exports the last 30 days from the index with a few requests, equal to the API export record for record', async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const pinnedAt = new Date();
    const query = lastDays(30);
    const api = await exportRuns({ source: paragonOf(emulator()), query, format: 'ndjson', target: join(dir, 'api.ndjson'), pinnedAt });
    const source = counted();
    const reasons: string[] = [];
    const local = indexedRuns({ index, sourceId: 'p', source: source.source, onFallback: (r) => reasons.push(r) });
    const ours = await exportRuns({ source: source.source, query, format: 'ndjson', target: join(dir, 'index.ndjson'), pinnedAt, local });
    assert.deepEqual(reasons, []);
    assert.equal(ours.method, 'index');
    assert.equal(ours.records, api.records);
    assert.equal(ours.records, emulator().truth.paragonIds({ afterDate: query.startedAfter.toISOString(), beforeDate: pinnedAt.toISOString() }).length);
    assert.ok(ours.records > 100);
    // New runs since the sync (one page), a listing per still-going status (running, delayed) and the API's total.
    assert.ok(active() > 20, 'runs still going, to re-check');
    assert.ok(source.requests() <= 5, `${source.requests()} requests with ${active()} runs still going`);
    const fromApi = records(api);
    const fromIndex = records(ours);
    assert.deepEqual(
      fromIndex.map((r) => r.id),
      fromApi.map((r) => r.id),
      'the same runs in the same order',
    );
    assert.deepEqual(finishedById(fromIndex), finishedById(fromApi));
  });

  it("with steps: the first export through the index fetches each finished run's steps once, the second fetches none", async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const query = { status: 'succeeded' as const, ...lastDays(30) };
    const pinnedAt = new Date();
    const first = counted();
    const once = await exportRuns({
      source: first.source,
      query,
      format: 'ndjson',
      target: join(dir, 'a.ndjson'),
      pinnedAt,
      includeSteps: true,
      local: indexedRuns({ index, sourceId: 'p', source: first.source }),
    });
    assert.equal(once.method, 'index');
    assert.ok(first.requests() >= once.records, 'the succeeded runs had no stored steps: each fetched');
    const second = counted();
    const twice = await exportRuns({
      source: second.source,
      query,
      format: 'ndjson',
      target: join(dir, 'b.ndjson'),
      pinnedAt,
      includeSteps: true,
      local: indexedRuns({ index, sourceId: 'p', source: second.source }),
    });
    assert.ok(second.requests() <= 3, `the second export sent ${second.requests()} requests`);
    assert.deepEqual(records(twice), records(once));
    const api = await exportRuns({ source: paragonOf(emulator()), query, format: 'ndjson', target: join(dir, 'api.ndjson'), pinnedAt, includeSteps: true });
    assert.deepEqual(records(twice), records(api), 'the steps equal what the API gives');
  });

  it('goes to the API, and says why, when the index cannot vouch for a filtered listing; what the API gave is kept', async () => {
    const reasons: string[] = [];
    const local = (into = index) => indexedRuns({ index: into, sourceId: 'p', source: paragonOf(emulator()), onFallback: (r) => reasons.push(r) });
    const failed = { status: 'failed' as const, ...lastDays(30) };
    const unsynced = await exportRuns({ source: paragonOf(emulator()), query: failed, format: 'ndjson', target: join(dir, 'a.ndjson'), local: local() });
    assert.equal(unsynced.method, 'client');
    assert.match(reasons[0]!, /has not been synced/);
    assert.equal(index.count('p'), unsynced.records, 'the listed runs were kept');

    // A sync that began an hour ago does not cover a filter reaching further back.
    const fresh = RunIndex.open(join(dir, 'fresh.db'));
    try {
      await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index: fresh, since: new Date(Date.now() - 3_600_000) });
      const further = await exportRuns({ source: paragonOf(emulator()), query: failed, format: 'ndjson', target: join(dir, 'b.ndjson'), local: local(fresh) });
      assert.equal(further.method, 'client');
      assert.match(reasons[1]!, /reaches further back/);
    } finally {
      fresh.close();
    }

    // Near the API's retention a matching count proves nothing: a filtered listing goes to the API.
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const old = await exportRuns({ source: paragonOf(emulator()), query: { status: 'failed' }, format: 'ndjson', target: join(dir, 'c.ndjson'), local: local() });
    assert.equal(old.method, 'client');
    assert.match(reasons.at(-1)!, /retention/);
  });

  it('archives the runs of a range the API no longer lists, and exports the range exactly from the index; a count that does not match is never taken for proof', async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    // A run the index holds in the range that the API does not have (it was forgotten): the count is one over.
    const [template] = index.page('p', { status: 'succeeded', ...lastDays(30) }, 0, 1);
    const forgotten = { ...template!, id: '00000000-0000-4000-8000-0000000000cc' };
    index.upsertRuns('p', [forgotten]);
    const reasons: string[] = [];
    const query = lastDays(30);
    const pinnedAt = new Date();
    const source = counted();
    const ours = await exportRuns({
      source: source.source,
      query,
      format: 'ndjson',
      target: join(dir, 'a.ndjson'),
      pinnedAt,
      local: indexedRuns({ index, sourceId: 'p', source: source.source, onFallback: (r) => reasons.push(r) }),
    });
    assert.match(reasons[0]!, /the index holds [\d,]+ runs for this filter and the API counts [\d,]+/);
    assert.equal(ours.method, 'index', 'the range was listed, the index brought to match it, and read from it');
    assert.equal(index.get('p', forgotten.id)!.archived, true);
    const api = await exportRuns({ source: paragonOf(emulator()), query, format: 'ndjson', target: join(dir, 'b.ndjson'), pinnedAt });
    assert.deepEqual(
      records(ours).map((r) => r.id),
      records(api).map((r) => r.id),
    );
    // The next export of the range is answered by the count again.
    const again = counted();
    const next = await exportRuns({
      source: again.source,
      query,
      format: 'ndjson',
      target: join(dir, 'c.ndjson'),
      pinnedAt,
      local: indexedRuns({ index, sourceId: 'p', source: again.source }),
    });
    assert.equal(next.method, 'index');
    assert.ok(again.requests() <= 5, `${again.requests()} requests`);
  });

  it('exports the runs the API no longer has when asked, marked archived, with the steps that were kept', async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const gone: RunDetail = {
      id: '00000000-0000-4000-8000-0000000000aa',
      sourceKind: 'paragon',
      status: 'failed',
      rawStatus: 'FAILED',
      startedAt: '2020-01-02T03:04:05.000Z',
      endedAt: '2020-01-02T03:04:06.000Z',
      steps: [{ id: 'st', runId: '00000000-0000-4000-8000-0000000000aa', status: 'failed', rawStatus: 'FAILED', type: 'ACTION/REQUEST', next: [] }],
    };
    index.putDetail('p', gone);
    index.markArchived('p', gone.id);
    const pinnedAt = new Date();
    const plain = await exportRuns({
      source: paragonOf(emulator()),
      query: {},
      format: 'ndjson',
      target: join(dir, 'a.ndjson'),
      pinnedAt,
      local: indexedRuns({ index, sourceId: 'p', source: paragonOf(emulator()) }),
    });
    assert.equal(plain.method, 'index');
    assert.ok(!records(plain).some((r) => r.id === gone.id), 'not without asking');
    const withArchived = await exportRuns({
      source: paragonOf(emulator()),
      query: {},
      format: 'ndjson',
      target: join(dir, 'b.ndjson'),
      pinnedAt,
      includeSteps: true,
      local: indexedRuns({ index, sourceId: 'p', source: paragonOf(emulator()), includeArchived: true }),
    });
    assert.equal(withArchived.records, plain.records + 1);
    const archived = records(withArchived).filter((r) => r.archived === true);
    assert.deepEqual(
      archived.map((r) => [r.id, r.steps?.map((s) => s.id)]),
      [[gone.id, ['st']]],
    );
    // Oldest first: the archived run from 2020 leads.
    assert.equal(records(withArchived)[0]!.id, gone.id);
  });

  it('a run past retention shows from the index, archived; a finished run the index holds costs no request', async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const [failed] = index.page('p', { status: 'failed' }, 0, 1);
    const source = counted();
    const local = indexedRuns({ index, sourceId: 'p', source: source.source });
    const shown = await local.detail(failed!.id);
    assert.equal(source.requests(), 0);
    assert.ok(shown.steps.length > 0);
    const gone = { ...shown, id: '00000000-0000-4000-8000-0000000000bb', status: 'running' as const, endedAt: undefined };
    index.upsertRuns('p', [gone]);
    const archived = await local.detail(gone.id);
    assert.equal(archived.archived, true);
    assert.equal(index.get('p', gone.id)!.archived, true);
  });

  it('list: newest first from the index, the same runs as the API pages', async () => {
    await syncSource({ sourceId: 'p', source: paragonOf(emulator()), index, since: 'all' });
    const pinnedAt = new Date();
    const query = { status: 'failed' as const, ...lastDays(30) };
    const listing = await indexedRuns({ index, sourceId: 'p', source: paragonOf(emulator()) }).listing(query, pinnedAt, { order: 'desc' });
    assert.ok(listing);
    const ids = (await collect(listing.runs())).map((r) => r.id);
    const truth = emulator().truth.paragonIds({ status: 'FAILED', afterDate: query.startedAfter.toISOString(), beforeDate: pinnedAt.toISOString() });
    assert.deepEqual(ids, [...truth].reverse());
    assert.equal(listing.total, truth.length);
  });
});

describe('Run index: timestamps without a zone', () => {
  let dir: string;
  let zone: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-zone-'));
    zone = process.env['TZ'];
    // Five hours off UTC: a time read as local would move five hours.
    process.env['TZ'] = 'America/New_York';
  });
  afterEach(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
    rmSync(dir, { recursive: true, force: true });
  });

  it('are UTC, as the APIs read their date filters; times with a zone keep it; what does not parse is kept as sent', () => {
    assert.equal(instant('2026-01-02T03:04:05'), '2026-01-02T03:04:05.000Z');
    assert.equal(instant('2026-01-02T03:04:05.123456'), '2026-01-02T03:04:05.123Z');
    assert.equal(instant('2026-01-02T03:04:05+02:00'), '2026-01-02T01:04:05.000Z');
    assert.equal(instant('2026-01-02T03:04:05-0530'), '2026-01-02T08:34:05.000Z');
    assert.equal(instant('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000Z');
    assert.equal(instant('soon'), 'soon');
    const index = RunIndex.open(join(dir, 'runs.db'));
    try {
      const run = { id: 'r1', sourceKind: 'paragon' as const, status: 'succeeded' as const, rawStatus: 'SUCCEEDED', startedAt: '2026-01-02T23:30:00' };
      index.upsertRuns('p', [run]);
      // In the range of Jan 2 (UTC), as the API says; read as New York time it would fall on Jan 3.
      assert.equal(index.count('p', { startedAfter: new Date('2026-01-02T00:00:00Z'), startedBefore: new Date('2026-01-03T00:00:00Z') }), 1);
      index.upsertRuns('p', [{ ...run, id: 'r2', startedAt: 'not a time' }]);
      assert.equal(index.unplacedStarts('p'), 1);
    } finally {
      index.close();
    }
  });

  it('a file written before (schema 2) has its zone-less times taken again from the runs as sent; times with a zone stay', () => {
    const path = join(dir, 'runs.db');
    const index = RunIndex.open(path);
    index.upsertRuns('p', [
      { id: 'naive', sourceKind: 'paragon', status: 'succeeded', rawStatus: 'SUCCEEDED', startedAt: '2026-01-02T23:30:00', endedAt: '2026-01-02T23:31:00.5' },
      { id: 'zoned', sourceKind: 'paragon', status: 'succeeded', rawStatus: 'SUCCEEDED', startedAt: '2026-01-02T23:30:00+02:00' },
    ]);
    index.close();
    // As the earlier build wrote them: the zone-less times shifted by the machine's offset.
    const db = openSqlite(path);
    db.run("UPDATE runs SET started_at = '2026-01-03T04:30:00.000Z', ended_at = '2026-01-03T04:31:00.500Z' WHERE run_id = 'naive'");
    // And without what later versions added (version 4: Insights' columns and indexes).
    db.exec(`DROP INDEX runs_by_change; DROP INDEX runs_frame; DROP INDEX steps_frame; DROP TABLE meta;
      ALTER TABLE runs DROP COLUMN changed_seq; ALTER TABLE runs DROP COLUMN task_count; ALTER TABLE runs DROP COLUMN total_tokens;
      ALTER TABLE steps DROP COLUMN duration_ms; ALTER TABLE steps DROP COLUMN tools;`);
    db.exec('PRAGMA user_version = 2');
    db.close();
    const reopened = RunIndex.open(path);
    try {
      const day = { startedAfter: new Date('2026-01-02T00:00:00Z'), startedBefore: new Date('2026-01-03T00:00:00Z') };
      assert.deepEqual(
        [...reopened.scan('p', day, { order: 'asc', archived: 'include' })].map((r) => r.id),
        ['zoned', 'naive'],
      );
    } finally {
      reopened.close();
    }
    const check = openSqlite(path);
    try {
      assert.deepEqual(check.get("SELECT started_at, ended_at FROM runs WHERE run_id = 'naive'"), { started_at: '2026-01-02T23:30:00.000Z', ended_at: '2026-01-02T23:31:00.500Z' });
      assert.deepEqual(check.get("SELECT started_at FROM runs WHERE run_id = 'zoned'"), { started_at: '2026-01-02T21:30:00.000Z' });
    } finally {
      check.close();
    }
  });
});
