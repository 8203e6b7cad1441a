// Insights' frames (src/insights/runFrame.ts) kept up to date: a frame read once and then
// brought up to date from the rows the index wrote since must give exactly what a frame read
// afresh gives, whatever was written between (new runs, runs that ended, steps written again,
// hostile values), including writes that land while a frame is being read in slices. The
// figures themselves are checked against the emulator's truth in insights.test.ts; here the
// reference is a fresh frame over the same real index file.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run, RunDetail, RunStatus, Step } from '../../src/core/model';
import { frameFilePath, loadFrame } from '../../src/insights/frameFile';
import { computeInsights, computeInsightsReady, saveInsightsFrameNow } from '../../src/insights/insights';
import type { InsightsData } from '../../src/insights/model';
import { ascendingOrder } from '../../src/insights/ascendingOrder';
import { RunIndex } from '../../src/runIndex/runIndex';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const START = Date.parse('2026-11-20T00:00:00.000Z');

function paragonRun(i: number, status: RunStatus, extra: Partial<Run> = {}): Run {
  const startedAt = new Date(START + i * 600_000).toISOString();
  return {
    id: `p${i}`,
    sourceKind: 'paragon',
    status,
    rawStatus: status.toUpperCase(),
    startedAt,
    endedAt: status === 'running' ? undefined : new Date(START + i * 600_000 + (i % 17) * 1000).toISOString(),
    durationMs: (i % 17) * 1000,
    workflowId: `w${i % 5}`,
    userId: `u${i % 7}`,
    taskCount: i % 4,
    ...extra,
  };
}

function step(runId: string, k: number, status: Step['status'], extra: Partial<Step> = {}): Step {
  return {
    id: `${runId}.s${k}`,
    runId,
    stepId: `${runId}.s${k}`,
    type: k === 0 ? 'TRIGGER/WEBHOOK' : 'ACTION/REQUEST',
    status,
    rawStatus: status,
    next: [],
    durationMs: 100 * k,
    ...extra,
  } as Step;
}

function disperslTask(i: number, status: RunStatus, tools: readonly unknown[][] = [['read_file'], ['write_to_file', 'read_file']]): RunDetail {
  const id = `d${i}`;
  const steps = tools.map((used, k) =>
    step(id, k, status === 'failed' && k === tools.length - 1 ? 'failed' : 'succeeded', {
      name: `step ${k}`,
      agent: `agent${(i + k) % 3}`,
      model: `model${i % 2}`,
      tokensUsed: 10 * (k + 1) + i,
      toolsUsed: used as string[],
    }),
  );
  return {
    id,
    sourceKind: 'dispersl',
    status,
    rawStatus: status,
    startedAt: new Date(START + i * 900_000).toISOString(),
    endedAt: new Date(START + i * 900_000 + 5000).toISOString(),
    durationMs: 1000 + (i % 9) * 250,
    name: `task ${i % 4}`,
    totalTokens: 100 + i,
    steps,
  };
}

describe('Insights frames kept up to date equal frames read afresh', function () {
  this.timeout(60_000);
  let dir: string;
  let path: string;
  let index: RunIndex;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thx-frame-'));
    path = join(dir, 'runs.db');
    index = RunIndex.open(path);
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function writeParagon(from: number, to: number): void {
    index.batch(() => {
      const runs: Run[] = [];
      for (let i = from; i < to; i++) runs.push(paragonRun(i, i % 6 === 0 ? 'failed' : i % 11 === 0 ? 'running' : 'succeeded'));
      index.upsertRuns('p', runs);
      for (const run of runs) {
        if (run.status !== 'failed') continue;
        const steps = [step(run.id, 0, 'succeeded'), step(run.id, 1, 'failed')];
        index.putDetail('p', { ...run, steps }, { stepId: steps[1]!.id, output: { message: `Request failed with status code ${run.id.length > 3 ? 404 : 401} for id ${run.id}` } });
      }
    });
  }

  function writeDispersl(from: number, to: number): void {
    index.batch(() => {
      for (let i = from; i < to; i++) {
        const task = disperslTask(i, i % 5 === 0 ? 'failed' : 'succeeded');
        const { steps: _steps, ...run } = task;
        index.upsertRuns('d', [run]);
        index.putDetail('d', task);
      }
    });
  }

  /** Insights of both sources over the whole index and over a filtered range. */
  function both(): InsightsData[] {
    const range = { startedAfter: new Date(START + 86_400_000), startedBefore: new Date(START + 4 * 86_400_000) };
    return [
      computeInsights({ index, sourceId: 'p', kind: 'paragon' }, { now: NOW }),
      computeInsights({ index, sourceId: 'p', kind: 'paragon', query: { ...range, status: 'failed' } }, { now: NOW }),
      computeInsights({ index, sourceId: 'd', kind: 'dispersl' }, { now: NOW }),
      computeInsights({ index, sourceId: 'd', kind: 'dispersl', query: range }, { now: NOW }),
    ];
  }

  /** The same figures from frames read afresh: the index opened again (a new RunIndex has no frames) and no frame saved beside it. */
  function afresh(): InsightsData[] {
    index.close();
    rmSync(`${path}.insights`, { recursive: true, force: true });
    index = RunIndex.open(path);
    return both();
  }

  /** Saves both sources' frames and opens the index again, as the next process would. */
  function saveAndReopen(): void {
    assert.equal(saveInsightsFrameNow(index, 'p'), true);
    assert.equal(saveInsightsFrameNow(index, 'd'), true);
    assert.equal(saveInsightsFrameNow(index, 'd'), false, 'not written again when nothing changed');
    index.close();
    index = RunIndex.open(path);
  }

  it('after new runs, runs that ended (failed, with their steps and error), steps written again and a re-listing that changes nothing', () => {
    writeParagon(0, 300);
    writeDispersl(0, 120);
    const first = both();
    assert.ok(first[0]!.totals.runs === 300 && first[2]!.totals.runs === 120);

    // New runs; a running run ends failed with its steps and error; a Dispersl task's steps are written again with other agents and tools.
    writeParagon(300, 340);
    const running = paragonRun(11, 'failed');
    index.upsertRuns('p', [running]);
    index.putDetail('p', { ...running, steps: [step('p11', 0, 'failed')] }, { stepId: 'p11.s0', output: 'Invalid email: bob@example.com' });
    index.putDetail('d', disperslTask(7, 'failed', [['execute_command'], ['run_tests', 'run_tests', 'apply_diff'], []]));
    index.upsertRuns('p', [paragonRun(12, 'succeeded')]);
    writeDispersl(120, 130);
    const updated = both();

    assert.equal(updated[0]!.totals.runs, 340, 'the new runs are in');
    assert.ok(
      updated[0]!.errors.signatures.some((s) => s.signature.includes('Invalid email')),
      'the run that ended failed has its signature',
    );
    assert.ok(updated[2]!.byTool.some((r) => r.key === 'run_tests' && r.runs >= 1));
    assert.deepEqual(updated, afresh());
  });

  it('when runs are written while a frame is read in slices, the next use brings it to what a fresh read gives', async () => {
    writeParagon(0, 200);
    writeDispersl(0, 80);
    let writes = 0;
    const pause = async () => {
      // Between slices: a new failed run, a task's steps written again.
      writes++;
      writeParagon(200 + writes * 2, 202 + writes * 2);
      index.putDetail('d', disperslTask(writes, 'failed', [['search_files'], ['read_file']]));
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    await computeInsightsReady({ index, sourceId: 'p', kind: 'paragon' }, { now: NOW }, pause);
    await computeInsightsReady({ index, sourceId: 'd', kind: 'dispersl' }, { now: NOW }, pause);
    assert.ok(writes >= 4, `writes landed between slices (${writes})`);
    assert.deepEqual(both(), afresh());
  });

  it('after many rewrites of the same runs’ steps (the arena compacted) and hostile values', () => {
    writeDispersl(0, 60);
    both();
    for (let round = 0; round < 4; round++) {
      index.batch(() => {
        for (let i = 0; i < 60; i++)
          index.putDetail(
            'd',
            disperslTask(i, i % 3 === 0 ? 'failed' : 'succeeded', [
              ['read_file', 7, null],
              [{ x: 1 }, '..', '__proto__'],
            ]),
          );
      });
      both();
    }
    index.upsertRuns('p', [paragonRun(1, '__proto__' as RunStatus, { workflowId: '__proto__', userId: 'constructor' }), paragonRun(2, 'succeeded', { startedAt: 'not a time' })]);
    index.putDetail('d', { ...disperslTask(3, 'succeeded'), steps: [] });
    const kept = both();
    assert.ok(kept[2]!.byTool.some((r) => r.key === '__proto__'));
    assert.ok(kept[0]!.byWorkflow.some((r) => r.key === '__proto__' && r.runs === 1));
    assert.deepEqual(kept, afresh());
  });

  it('a frame saved beside the index starts the next process, which reads only what was written since, and gives what a fresh read gives', () => {
    writeParagon(0, 200);
    writeDispersl(0, 80);
    both();
    saveAndReopen();
    const saved = loadFrame(index, 'd', 'dispersl', true);
    assert.ok(saved && saved.size === 80 && saved.steps > 0, 'the saved frame is read back');
    // Written by the next process before it computes: new runs, a run that ended, steps rewritten.
    writeParagon(200, 230);
    index.putDetail('d', disperslTask(5, 'failed', [['execute_command'], ['apply_diff']]));
    writeDispersl(80, 90);
    const fromSaved = both();
    assert.equal(fromSaved[0]!.totals.runs, 230);
    assert.deepEqual(fromSaved, afresh());
  });

  it('values handed out by a batch that was rolled back are never handed out again, so a frame saved after it misses nothing later', () => {
    writeParagon(0, 100);
    both();
    assert.throws(() =>
      index.batch(() => {
        index.upsertRuns('p', [paragonRun(500, 'succeeded')]);
        throw new Error('a batch that fails');
      }),
    );
    // The frame is brought up to the counter as it stands (past the rolled-back value) and saved.
    both();
    saveAndReopen();
    writeParagon(100, 110);
    const next = both();
    assert.equal(next[0]!.totals.runs, 110, 'the runs written after the reopen are in');
    assert.deepEqual(next, afresh());
  });

  it('a saved frame that is damaged, cut, another index’s, or newer than the index is not used (the frame is read from the index instead)', () => {
    writeParagon(0, 120);
    writeDispersl(0, 40);
    const before = both();
    const older = join(dir, 'older.db');
    index.close();
    copyFileSync(path, older);
    index = RunIndex.open(path);
    both();
    writeParagon(120, 130);
    both();
    saveAndReopen();
    const file = frameFilePath(index, 'p');
    const good = readFileSync(file);
    assert.ok(loadFrame(index, 'p', 'paragon', false), 'the saved frame is usable as it is');

    // Damaged: a run's status code out of range (the header's length is at byte 8; the first array, status, starts after it, 8-aligned).
    const damaged = Buffer.from(good);
    damaged.writeInt32LE(1_000_000, (12 + good.readUInt32LE(8) + 7) & ~7);
    writeFileSync(file, damaged);
    assert.equal(loadFrame(index, 'p', 'paragon', false), undefined, 'damaged');
    writeFileSync(file, good.subarray(0, good.length - 9));
    assert.equal(loadFrame(index, 'p', 'paragon', false), undefined, 'cut');
    writeFileSync(file, good);
    assert.equal(loadFrame(index, 'p', 'dispersl', true), undefined, 'another kind');

    // Another index's file: the same source id, another file's identity.
    const otherPath = join(dir, 'other.db');
    const other = RunIndex.open(otherPath);
    assert.equal(loadFrame(other, 'p', 'paragon', false), undefined, 'no frame of its own');
    mkdirSync(join(frameFilePath(other, 'p'), '..'), { recursive: true });
    copyFileSync(file, frameFilePath(other, 'p'));
    try {
      assert.ok(existsSync(frameFilePath(other, 'p')));
      assert.equal(loadFrame(other, 'p', 'paragon', false), undefined, 'another index’s');
    } finally {
      other.close();
    }

    // The index replaced by an older copy of itself: the saved frame is newer than it.
    index.close();
    copyFileSync(older, path);
    index = RunIndex.open(path);
    assert.equal(loadFrame(index, 'p', 'paragon', false), undefined, 'newer than the index');
    assert.deepEqual(both(), before, 'figures from the index as it is');
  });

  it('filters as the index does: an empty value filters nothing, and a start that looks canonical but names no instant is compared as text', () => {
    writeParagon(0, 60);
    index.upsertRuns('p', [paragonRun(900, 'succeeded', { startedAt: '2026-11-21T25:00:00.000Z' })]);
    const range = { startedAfter: new Date('2026-11-21T00:00:00.000Z'), startedBefore: new Date('2026-11-22T00:00:00.000Z') };
    const scope = (query: object) => ({ index, sourceId: 'p', kind: 'paragon' as const, query });
    assert.equal(computeInsights(scope({ status: '', userId: '' }), { now: NOW }).totals.runs, index.count('p', {}), 'empty values filter nothing');
    assert.equal(computeInsights(scope(range), { now: NOW }).totals.runs, index.count('p', range), 'the hour-25 start is in the day by text, as the index says');
    assert.ok(index.count('p', range) >= 1);
  });

  it('a run written again while a large update is read in slices is counted once (its steps read once, after all its rows)', async () => {
    writeDispersl(0, 1);
    both();
    // More changed rows than one chunk (20,000), so the update reads runs in two slices.
    index.batch(() => {
      // d5 first, so it is in the first slice; then 20,010 others.
      index.putDetail('d', disperslTask(5, 'succeeded'));
      const runs: Run[] = [];
      for (let i = 6; i < 20_016; i++)
        runs.push({ id: `d${i}`, sourceKind: 'dispersl', status: 'succeeded', rawStatus: 'succeeded', startedAt: new Date(START + i * 1000).toISOString(), durationMs: i });
      index.upsertRuns('d', runs);
    });
    let rewritten = false;
    await computeInsightsReady({ index, sourceId: 'd', kind: 'dispersl' }, { now: NOW }, async () => {
      if (!rewritten) {
        rewritten = true;
        // After the first slice of runs: d5 written again (it comes again in the second slice, by its new stamp).
        index.putDetail('d', disperslTask(5, 'succeeded'));
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
    const kept = computeInsights({ index, sourceId: 'd', kind: 'dispersl' }, { now: NOW });
    const readFile = kept.byTool.find((r) => r.key === 'read_file')!;
    assert.equal(readFile.runs, 4, 'read_file: two steps of d0, two of d5, once each');
    assert.deepEqual([kept], [afresh()[2]!]);
  });

  it('orders durations as a comparator sort would: ascending, ties by index, NaN last, negatives, -0, infinities and tiny numbers included', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const special = [0, -0, 1, -1, 0.5, -0.5, 5e-324, -5e-324, Infinity, -Infinity, NaN, 1e300, -1e300, 2 ** 53, 123_456.789];
    const values = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? special[i % special.length]! : Math.floor(random() * 200) * (random() < 0.2 ? -1 : 1) + (random() < 0.1 ? random() : 0),
    );
    const keep = (i: number) => i % 11 !== 3;
    const expected = [...Array(values.length).keys()].filter(keep).sort((a, b) => {
      const x = values[a]!;
      const y = values[b]!;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    assert.deepEqual([...ascendingOrder(values, values.length, keep)], expected);
  });
});
