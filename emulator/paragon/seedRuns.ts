// Fills the compact run columns for the seeded history: `count` runs over the 80 days before
// `now`, start times strictly increasing (so a run's index is also its position oldest-first).
//
// Shape of the data, and why:
// - ~90% of runs spread over 80 days (fewer at night and at weekends), ~10% in a burst over
//   the last 2 hours: EXECUTING (~5% overall) and DELAYED (~3%) only make sense for recent
//   runs, and the percentages asked for need that many recent ones.
// - Statuses overall ~80% SUCCEEDED, ~12% FAILED, ~3% DELAYED, ~5% EXECUTING, plus ~1% of
//   the configured undocumented statuses among the older runs.
// - Deterministic landmarks that tests and e2e can find by position (index = position in the
//   ascending list, not counting the last `4 × integrations` runs, see below):
//     index % 1000 == 999 → SUCCEEDED with 1000 steps (timeline stress);
//     index % 100 == 50   → SUCCEEDED, its second step has a large (1–3 MB) output;
//     index % 100 == 70   → FAILED, the failed step's output is a hostile string.
// - The newest `4 × integrations` runs cycle through every (integration, status) pair, so
//   every integration shows all four documented statuses even in a small data set.
import { hash3, Rng, saltOf } from '../random';
import { spreadTimes, workdayPace } from '../spreadTimes';
import type { Catalog } from './catalog';
import { workflowPicker } from './catalog';
import { DELAYED, EXECUTING, FAILED, FIRST_EXTRA, SUCCEEDED, type RunColumns } from './runColumns';

const DAY = 86_400_000;
const HISTORY_MS = 80 * DAY;
const RECENT_MS = 2 * 3_600_000;
const GUARANTEE_ORDER = [EXECUTING, DELAYED, FAILED, SUCCEEDED];

export interface SeedPlan {
  readonly count: number;
  readonly seed: number;
  readonly nowMs: number;
  readonly catalog: Catalog;
  readonly extraStatusCount: number;
}

export function isHugeRun(index: number): boolean {
  return index % 1000 === 999;
}
export function hasForcedLargeOutput(index: number): boolean {
  return index % 100 === 50;
}
export function hasHostileFailure(index: number): boolean {
  return index % 100 === 70 || index % 7 === 0;
}

function pickStatus(rng: Rng, recent: boolean, extras: number): number {
  const r = rng.next();
  if (recent) return r < 0.5 ? EXECUTING : r < 0.8 ? DELAYED : r < 0.84 ? FAILED : SUCCEEDED;
  if (r < 0.129) return FAILED;
  if (extras > 0 && r < 0.14) return FIRST_EXTRA + rng.int(extras);
  return SUCCEEDED;
}

function pickDuration(rng: Rng, index: number, status: number, start: number, nowMs: number): number {
  const room = Math.max(0, nowMs - start - 1);
  if (status === EXECUTING || status === DELAYED) {
    // The planned length of the part we show; never past `now`, so seeded running runs
    // look the same whenever they are asked for.
    return Math.max(1, Math.min(Math.round(rng.logNormal(20_000, 1)), room));
  }
  const median = isHugeRun(index) ? 240_000 : status === FAILED ? 1_200 : 2_500;
  const wanted = Math.round(rng.logNormal(median, isHugeRun(index) ? 0.4 : 1.2));
  return Math.min(Math.max(3, Math.min(wanted, 3 * 3_600_000)), room);
}

export function seedRuns(columns: RunColumns, plan: SeedPlan): void {
  const { count, seed, nowMs, catalog } = plan;
  const integrations = catalog.integrations.length;
  const recentCount = Math.min(count, Math.max(Math.round(count * 0.1), 4 * integrations));
  const oldCount = count - recentCount;
  const timeRng = new Rng(hash3(seed, count, saltOf('times')));
  spreadTimes(columns.start, 0, oldCount, nowMs - HISTORY_MS, nowMs - RECENT_MS, timeRng, workdayPace);
  spreadTimes(columns.start, oldCount, recentCount, nowMs - RECENT_MS, nowMs, timeRng, () => 1);

  const pickWorkflow = workflowPicker(catalog);
  const workflows = catalog.workflows.length;
  const users = catalog.userIds.length;
  const runSalt = saltOf('run');
  for (let i = 0; i < count; i++) {
    const rng = new Rng(hash3(seed, i, runSalt));
    // The oldest runs visit every workflow and user once, so every one has history.
    columns.workflow[i] = i < workflows ? i : pickWorkflow(rng.next());
    const u = rng.next();
    columns.user[i] = i < users ? (i * 7919) % users : Math.floor(users * u * u);
    let status = pickStatus(rng, i >= oldCount, plan.extraStatusCount);
    if (isHugeRun(i) || hasForcedLargeOutput(i)) status = SUCCEEDED;
    if (i % 100 === 70) status = FAILED;
    const fromEnd = count - 1 - i;
    if (fromEnd < 4 * integrations) {
      // Workflow w < integrations belongs to integration w (see buildCatalog).
      columns.workflow[i] = fromEnd % integrations;
      status = GUARANTEE_ORDER[Math.floor(fromEnd / integrations)]!;
    }
    columns.status[i] = status;
    columns.duration[i] = pickDuration(rng, i, status, columns.start[i]!, nowMs);
  }
}
