// Compare with Last Success: find the most recent succeeded run of the same workflow that
// started before this one, line up the two runs' steps, and find the first step where they
// part. Plain logic over HistorySource; the command and the panel only present the result.
import * as l10n from '@vscode/l10n';
import { UnsupportedError } from './errors';
import type { Run, Step } from './model';
import type { HistorySource } from './source';
import { orderSteps } from './stepGraph';

/** The same workflow step in the two runs; one side is missing when only one run has it. */
export interface AlignedStep {
  readonly key: string;
  readonly current?: Step;
  readonly baseline?: Step;
}

export type DivergenceReason = 'status' | 'only-current' | 'only-baseline' | 'output';

export interface Divergence {
  /** Position in the aligned list. */
  readonly index: number;
  readonly pair: AlignedStep;
  readonly reason: DivergenceReason;
}

/** Whether Compare can work for this run at all, and if not, why (for the UI). */
export function compareUnavailableReason(source: HistorySource, run: Run): string | undefined {
  if (!source.capabilities.filterByWorkflow) return l10n.t('{0} cannot list runs by workflow, so there is no "last success" to compare with.', source.label);
  if (!source.capabilities.filterStatuses.includes('succeeded')) return l10n.t('{0} cannot list succeeded runs.', source.label);
  if (!run.workflowId) return l10n.t('Run {0} names no workflow, so there is no "last success" to compare with.', run.id);
  return undefined;
}

/**
 * The most recent succeeded run of `run`'s workflow that started before it. One listing
 * request: newest first, filtered by the API; the page is still checked here (a source
 * that cannot sort still gives the right answer within its first page).
 */
export async function findLastSuccess(source: HistorySource, run: Run, signal?: AbortSignal): Promise<Run | undefined> {
  const unavailable = compareUnavailableReason(source, run);
  if (unavailable) throw new UnsupportedError(unavailable, `compare: ${unavailable}`);
  const started = run.startedAt ? Date.parse(run.startedAt) : Number.NaN;
  const startedBefore = Number.isNaN(started) ? undefined : new Date(started);
  const page = await source.listPage({ workflowId: run.workflowId, status: 'succeeded', startedBefore }, 0, { order: 'desc', signal });
  let best: Run | undefined;
  let bestStart = -Infinity;
  for (const candidate of page.runs) {
    if (candidate.id === run.id || candidate.status !== 'succeeded' || candidate.workflowId !== run.workflowId) continue;
    const at = candidate.startedAt ? Date.parse(candidate.startedAt) : Number.NaN;
    if (Number.isNaN(at) || (startedBefore && at >= started)) continue;
    if (at > bestStart) {
      best = candidate;
      bestStart = at;
    }
  }
  return best;
}

/** What identifies "the same step" across executions: Paragon's workflow `stepId`. */
function alignmentKeys(steps: readonly Step[]): Map<Step, string> {
  const keys = new Map<Step, string>();
  const seen = new Map<string, number>();
  for (const { step } of orderSteps(steps)) {
    // Without a stepId (Dispersl) the step's name or type and its occurrence stand in.
    const base = step.stepId ? `step:${step.stepId}` : `name:${step.name ?? step.type ?? ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    keys.set(step, n === 0 ? base : `${base}#${n}`);
  }
  return keys;
}

/**
 * The two runs' steps paired by key: this run's steps in its graph order first, then the
 * steps only the baseline ran, in the baseline's order. The run being debugged leads.
 */
export function alignSteps(current: readonly Step[], baseline: readonly Step[]): AlignedStep[] {
  const currentKeys = alignmentKeys(current);
  const baselineKeys = alignmentKeys(baseline);
  const baselineByKey = new Map<string, Step>();
  for (const [step, key] of baselineKeys) baselineByKey.set(key, step);
  const out: AlignedStep[] = [];
  const used = new Set<string>();
  for (const [step, key] of currentKeys) {
    out.push({ key, current: step, baseline: baselineByKey.get(key) });
    used.add(key);
  }
  for (const [step, key] of baselineKeys) if (!used.has(key)) out.push({ key, baseline: step });
  return out;
}

/** The first pair whose status differs, or that only one run has. Needs no requests. */
export function firstStatusDivergence(pairs: readonly AlignedStep[]): Divergence | undefined {
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index]!;
    if (!pair.baseline) return { index, pair, reason: 'only-current' };
    if (!pair.current) return { index, pair, reason: 'only-baseline' };
    if (pair.current.status !== pair.baseline.status || pair.current.rawStatus !== pair.baseline.rawStatus) return { index, pair, reason: 'status' };
  }
  return undefined;
}

/** Key-order-independent JSON, so `{a,b}` and `{b,a}` compare equal. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    ) ?? 'undefined'
  );
}

export interface DivergenceResult {
  readonly divergence?: Divergence;
  /** How many pairs had their outputs compared (0 when status decided). */
  readonly outputsCompared: number;
}

export interface DivergenceOptions {
  /** Both sides' outputs of one pair; only asked when no status diverges. */
  readonly outputs?: (pair: AlignedStep) => Promise<[unknown, unknown]>;
  /** At most this many pairs have their outputs fetched (two requests each). */
  readonly maxOutputChecks?: number;
  readonly signal?: AbortSignal;
}

/**
 * The first step where the runs part. Status decides first: values such as timestamps and
 * record ids differ between any two executions, so an output that differs before the first
 * status difference would point at the trigger every time. Only when every status agrees
 * are outputs compared, step by step in order, and then the first differing one is it.
 */
export async function firstDivergence(pairs: readonly AlignedStep[], options: DivergenceOptions = {}): Promise<DivergenceResult> {
  const byStatus = firstStatusDivergence(pairs);
  if (byStatus || !options.outputs) return { divergence: byStatus, outputsCompared: 0 };
  const limit = Math.min(pairs.length, options.maxOutputChecks ?? 50);
  for (let index = 0; index < limit; index++) {
    options.signal?.throwIfAborted();
    const pair = pairs[index]!;
    const [current, baseline] = await options.outputs(pair);
    if (canonicalJson(current) !== canonicalJson(baseline)) return { divergence: { index, pair, reason: 'output' }, outputsCompared: index + 1 };
  }
  return { divergence: undefined, outputsCompared: limit };
}

/** One sentence for the panel and the notification. */
export function describeDivergence(divergence: Divergence | undefined, baseline: Run, label: (step: Step) => string, outputsCompared = 0): string {
  if (!divergence) {
    if (outputsCompared === 1)
      return l10n.t('No step differs from the last success {0}: the same steps ran with the same statuses, and the output of the first step matches.', baseline.id);
    if (outputsCompared > 1)
      return l10n.t(
        'No step differs from the last success {0}: the same steps ran with the same statuses, and the outputs of the first {1} steps match.',
        baseline.id,
        outputsCompared,
      );
    return l10n.t('No step differs from the last success {0}: the same steps ran with the same statuses.', baseline.id);
  }
  const step = divergence.pair.current ?? divergence.pair.baseline!;
  const name = label(step);
  switch (divergence.reason) {
    case 'status':
      return l10n.t('{0} is {1} here and was {2} in the last success {3}.', name, divergence.pair.current!.rawStatus, divergence.pair.baseline!.rawStatus, baseline.id);
    case 'only-current':
      return l10n.t('{0} ran here but not in the last success {1}.', name, baseline.id);
    case 'only-baseline':
      return l10n.t('{0} ran in the last success {1} but not here.', name, baseline.id);
    case 'output':
      return l10n.t('{0} has the same status as in the last success {1} but a different output.', name, baseline.id);
  }
}
