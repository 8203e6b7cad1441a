// The step graph of one run, derived from the seed whenever it is needed (never stored).
//
// Steps are created in execution order, each hanging off an earlier one, so every prefix of
// the plan is a valid graph and `prev` always points back. CONDITIONAL and FANOUT steps may
// get a second (or third) branch later, which gives some steps several `next`.
// What the run shows is a prefix of its plan:
//   SUCCEEDED → the whole plan, every step SUCCEEDED;
//   FAILED    → up to a failing step (exactly one FAILED step, nothing after it);
//   DELAYED   → up to an ACTION/DELAY step that is DELAYED and has no end;
//   EXECUTING → the steps whose planned start has come; the last is EXECUTING, no end;
//   an undocumented status (e.g. TIMED_OUT) → up to a step carrying that status.
import { hash3, Rng, saltOf } from '../random';
import { DELAYED, EXECUTING, FAILED, SUCCEEDED } from './runColumns';
import type { RunStore } from './runStore';
import { isHugeRun } from './seedRuns';

export const ACTION_TYPES: readonly string[] = [
  'ACTION/REQUEST',
  'ACTION/INTEGRATION_REQUEST',
  'ACTION/FUNCTION',
  'ACTION/CONDITIONAL',
  'ACTION/FANOUT',
  'ACTION/DELAY',
  'ACTION/RESPONSE',
];
const ACTION_WEIGHTS = [28, 22, 18, 12, 9, 4, 7];
const ACTION_TOTAL = ACTION_WEIGHTS.reduce((a, b) => a + b, 0);

export interface StepPlan {
  /** Steps shown (a prefix of the planned ones). */
  readonly count: number;
  readonly types: string[];
  /** Parent position, -1 for the trigger. */
  readonly parent: Int32Array;
  readonly children: number[][];
  readonly start: Float64Array;
  /** NaN while the step has not ended. */
  readonly end: Float64Array;
  readonly statuses: string[];
  /** Executed non-trigger steps that ended: what Paragon bills as tasks. */
  readonly taskCount: number;
}

const STEPS_SALT = saltOf('steps');
const CUT_SALT = saltOf('cut');

function pickAction(rng: Rng): string {
  let r = rng.next() * ACTION_TOTAL;
  for (let t = 0; t < ACTION_WEIGHTS.length; t++) {
    r -= ACTION_WEIGHTS[t]!;
    if (r < 0) return ACTION_TYPES[t]!;
  }
  return ACTION_TYPES[0]!;
}

function durationWeight(rng: Rng, type: string): number {
  switch (type) {
    case 'ACTION/REQUEST':
    case 'ACTION/INTEGRATION_REQUEST':
      return rng.logNormal(300, 0.8);
    case 'ACTION/DELAY':
      return rng.logNormal(5_000, 1);
    case 'ACTION/FANOUT':
      return rng.logNormal(800, 0.8);
    default:
      return rng.logNormal(20, 1);
  }
}

export function planSteps(store: RunStore, index: number, now: number): StepPlan {
  const { columns, catalog, seed } = store;
  const rng = new Rng(hash3(seed, index, STEPS_SALT));
  const seeded = index < store.seededCount;
  const status = columns.status[index]!;
  // Huge runs are seeded SUCCEEDED; one overridden by the newest-runs status cycle stays normal.
  const huge = seeded && isHugeRun(index) && status === SUCCEEDED;
  const planned = huge ? 1000 : 2 + Math.floor(58 * Math.pow(rng.next(), 2.5));

  // The planned graph: types, parents, and relative timing weights (gap before, duration).
  const types: string[] = [catalog.workflows[columns.workflow[index]!]!.triggerType];
  const parent = new Int32Array(planned);
  const pos = new Float64Array(planned);
  const endPos = new Float64Array(planned);
  parent[0] = -1;
  const branchPoints: { node: number; remaining: number }[] = [];
  let current = 0;
  let t = rng.logNormal(15, 1);
  pos[0] = t;
  t += 10;
  endPos[0] = t;
  for (let k = 1; k < planned; k++) {
    const type = pickAction(rng);
    types.push(type);
    parent[k] = current;
    if (type === 'ACTION/CONDITIONAL') branchPoints.push({ node: k, remaining: 1 });
    if (type === 'ACTION/FANOUT') branchPoints.push({ node: k, remaining: 1 + rng.int(2) });
    t += rng.logNormal(15, 1);
    pos[k] = t;
    t += durationWeight(rng, type);
    endPos[k] = t;
    const top = branchPoints[branchPoints.length - 1];
    if (top && rng.chance(0.3)) {
      current = top.node;
      if (--top.remaining === 0) branchPoints.pop();
    } else {
      current = k;
    }
  }
  const tail = rng.logNormal(15, 1);

  // Where the shown prefix stops, and how the plan's timing maps onto the run's length.
  const runStart = columns.start[index]!;
  const span = columns.duration[index]!;
  const cutRng = new Rng(hash3(seed, index, CUT_SALT));
  const cut = planned > 1 ? 1 + cutRng.int(planned - 1) : 0;
  let visible = planned;
  let lastOpen = false;
  let basis = endPos[planned - 1]! + tail;
  if (status === EXECUTING) {
    const elapsed = now - runStart;
    visible = 1;
    while (visible < planned && (span * pos[visible]!) / basis <= elapsed) visible++;
    lastOpen = true;
  } else if (status === DELAYED) {
    visible = cut + 1;
    types[cut] = 'ACTION/DELAY';
    lastOpen = true;
    if (seeded) basis = pos[cut]! + tail;
  } else if (status !== SUCCEEDED) {
    visible = cut + 1;
    // Seeded runs end soon after the failure; appended ones keep the timing they ran with.
    if (seeded) basis = endPos[cut]! + tail;
  }

  const start = new Float64Array(visible);
  const end = new Float64Array(visible);
  const children: number[][] = [];
  const statuses: string[] = [];
  let taskCount = 0;
  for (let k = 0; k < visible; k++) {
    start[k] = runStart + Math.floor((span * pos[k]!) / basis);
    end[k] = runStart + Math.floor((span * endPos[k]!) / basis);
    children.push([]);
    if (k > 0) children[parent[k]!]!.push(k);
    statuses.push('SUCCEEDED');
  }
  const last = visible - 1;
  if (lastOpen) end[last] = NaN;
  if (status === EXECUTING) statuses[last] = 'EXECUTING';
  else if (status === DELAYED) statuses[last] = 'DELAYED';
  else if (status === FAILED) statuses[last] = 'FAILED';
  else if (status !== SUCCEEDED) statuses[last] = store.statusName(index);
  for (let k = 1; k < visible; k++) if (!Number.isNaN(end[k]!)) taskCount++;
  types.length = visible;
  return { count: visible, types, parent: parent.subarray(0, visible), children, start, end, statuses, taskCount };
}
