import assert from 'node:assert/strict';
import { budgetHasRoom, describeBudget, describeInterval, pickRunsToPoll, pollDelayMs, runPollsPerTick, shouldPoll } from '../../src/views/pollPolicy';

const HOUR = 3_600_000;
const DISPERSL_FREE = { limit: 100, intervalMs: HOUR };
const DISPERSL_PRO = { limit: 1000, intervalMs: HOUR };
const PARAGON = { limit: 1000, intervalMs: 10 * 60_000 };

/** Requests a source sends in an hour when every tick sends `perTick` and waits as the policy says. */
function requestsPerHour(intervalSeconds: number, perTick: number, budget: { limit: number; intervalMs: number } | undefined): number {
  return Math.floor(HOUR / pollDelayMs(intervalSeconds, perTick, budget)) * perTick;
}

describe('Live polling policy', () => {
  it('polls only in a focused window, and only while the view is visible or failures are announced', () => {
    const on = { intervalSeconds: 30, windowFocused: true, viewVisible: true, notifyOnFailure: false };
    assert.equal(shouldPoll(on), true);
    assert.equal(shouldPoll({ ...on, windowFocused: false }), false);
    assert.equal(shouldPoll({ ...on, viewVisible: false }), false);
    assert.equal(shouldPoll({ ...on, viewVisible: false, notifyOnFailure: true }), true);
    assert.equal(shouldPoll({ ...on, viewVisible: false, notifyOnFailure: true, windowFocused: false }), false);
    // An open panel of a running run is watched too: it updates from the poll.
    assert.equal(shouldPoll({ ...on, viewVisible: false, activeRunPanelVisible: true }), true);
    assert.equal(shouldPoll({ ...on, viewVisible: false, activeRunPanelVisible: true, windowFocused: false }), false);
    assert.equal(shouldPoll({ ...on, intervalSeconds: 0 }), false);
  });

  it('fits the default 30 s interval into a tenth of Dispersl Free’s 100 requests an hour', () => {
    // The old behaviour: one failure count per 30 s = 120 an hour, over the whole budget.
    assert.equal(Math.floor(HOUR / 30_000), 120);
    const delay = pollDelayMs(30, 1, DISPERSL_FREE);
    console.log(
      `      Dispersl Free: one request per ${delay / 1000} s = ${requestsPerHour(30, 1, DISPERSL_FREE)} an hour; with a running run polled too: ${requestsPerHour(30, 2, DISPERSL_FREE)} an hour`,
    );
    assert.equal(delay, 360_000);
    assert.ok(requestsPerHour(30, 1, DISPERSL_FREE) <= 10);
    assert.ok(requestsPerHour(30, 1 + runPollsPerTick(DISPERSL_FREE), DISPERSL_FREE) <= 10);
  });

  it('keeps the configured interval where the budget is large (Paragon, Dispersl Pro)', () => {
    assert.equal(pollDelayMs(30, 1, PARAGON), 30_000);
    assert.equal(pollDelayMs(30, 1, DISPERSL_PRO), 36_000);
    assert.equal(pollDelayMs(60, 1, DISPERSL_PRO), 60_000);
    assert.equal(pollDelayMs(30, 1, undefined), 30_000, 'no client-side budget: as configured');
  });

  it('never lets polling use more than a tenth of any budget, whatever the interval and tick size', () => {
    for (const budget of [DISPERSL_FREE, DISPERSL_PRO, PARAGON, { limit: 20, intervalMs: 60_000 }, { limit: 1, intervalMs: HOUR }]) {
      for (const seconds of [5, 30, 300]) {
        for (const perTick of [1, 2, 5, 21]) {
          const delay = pollDelayMs(seconds, perTick, budget);
          const perWindow = (budget.intervalMs / delay) * perTick;
          assert.ok(perWindow <= budget.limit * 0.1 + 1e-9, `${perTick}/tick every ${delay} ms spends ${perWindow} of ${budget.limit}`);
          assert.ok(delay >= seconds * 1000);
        }
      }
    }
  });

  it('re-polls few running runs a tick on a small budget, up to 20 on a large one', () => {
    assert.equal(runPollsPerTick(DISPERSL_FREE), 1);
    assert.equal(runPollsPerTick(DISPERSL_PRO), 2);
    assert.equal(runPollsPerTick(PARAGON), 2);
    assert.equal(pollDelayMs(30, 1 + runPollsPerTick(PARAGON), PARAGON), 30_000, 'Paragon: a failure count and two runs every 30 s fit');
    assert.equal(pollDelayMs(5, 1 + runPollsPerTick(PARAGON), PARAGON), 18_000, 'asked for 5 s, Paragon gets 18 s');
    assert.equal(runPollsPerTick({ limit: 10_000, intervalMs: 60_000 }), 20);
    assert.equal(runPollsPerTick(undefined), 20);
  });

  it('polls the newest running runs every tick and rotates through the older ones', () => {
    const runs = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, startedAt: new Date(Date.UTC(2026, 10, 1, i)).toISOString() }));
    // Newest is r6. Allowance 4: r6 and r5 every time, two of r4…r0 in turn.
    let cursor = 0;
    const seen: string[][] = [];
    for (let tick = 0; tick < 3; tick++) {
      const next = pickRunsToPoll(runs, 4, cursor);
      seen.push(next.picked.map((r) => r.id));
      cursor = next.cursor;
    }
    assert.deepEqual(seen, [
      ['r6', 'r5', 'r4', 'r3'],
      ['r6', 'r5', 'r2', 'r1'],
      ['r6', 'r5', 'r0', 'r4'],
    ]);
    assert.deepEqual(
      pickRunsToPoll(runs, 1, 0).picked.map((r) => r.id),
      ['r6'],
    );
    assert.deepEqual(
      pickRunsToPoll(runs.slice(0, 2), 20, 5).picked.map((r) => r.id),
      ['r1', 'r0'],
    );
    assert.deepEqual(pickRunsToPoll([], 3, 0).picked, []);
  });

  it('with room for one run a tick (Dispersl Free), still reaches every running run: the newest every other tick, the older ones in turn', () => {
    const runs = Array.from({ length: 4 }, (_, i) => ({ id: `r${i}`, startedAt: new Date(Date.UTC(2026, 10, 1, i)).toISOString() }));
    let cursor = 0;
    const polled: string[] = [];
    for (let tick = 0; tick < 6; tick++) {
      const next = pickRunsToPoll(runs, 1, cursor);
      polled.push(...next.picked.map((r) => r.id));
      cursor = next.cursor;
    }
    assert.deepEqual(polled, ['r3', 'r2', 'r3', 'r1', 'r3', 'r0']);
  });

  it('stands back when the key’s budget is nearly spent (an export is running)', () => {
    assert.equal(budgetHasRoom({ used: 10, limit: 100 }, 1), true);
    assert.equal(budgetHasRoom({ used: 89, limit: 100 }, 1), true);
    assert.equal(budgetHasRoom({ used: 90, limit: 100 }, 1), false);
    assert.equal(budgetHasRoom(undefined, 1), true);
  });

  it('describes the budget in use and the interval for a tooltip', () => {
    assert.equal(describeBudget({ used: 12, limit: 100, intervalMs: HOUR }), '12 of 100 requests in the last hour');
    assert.equal(describeBudget({ used: 431, limit: 1000, intervalMs: 600_000 }), '431 of 1,000 requests in the last 10 minutes');
    assert.equal(describeInterval(360_000), 'every 6 min');
    assert.equal(describeInterval(30_000), 'every 30 s');
    assert.equal(describeInterval(0), 'off');
  });
});
