// Orders a run's steps the way the workflow flows: depth-first from the roots along
// `next`, so a branch's steps stay together; steps the graph does not reach keep their
// start order at the end. Also gives each step its depth, for indenting branches.
import type { Step } from './model';

export interface OrderedStep {
  readonly step: Step;
  readonly depth: number;
  /** True when the parent has more than one `next`: this step starts a branch. */
  readonly branch: boolean;
}

export function orderSteps(steps: readonly Step[]): OrderedStep[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const byStart = [...steps].sort((a, b) => (Date.parse(a.startedAt ?? '') || 0) - (Date.parse(b.startedAt ?? '') || 0));
  const roots = byStart.filter((s) => !s.prev || !byId.has(s.prev));
  const out: OrderedStep[] = [];
  const seen = new Set<string>();
  // An explicit stack: a 1,000-step chain must not overflow the call stack.
  const stack: { id: string; depth: number; branch: boolean }[] = roots.reverse().map((s) => ({ id: s.id, depth: 0, branch: false }));
  while (stack.length > 0) {
    const { id, depth, branch } = stack.pop()!;
    const step = byId.get(id);
    if (!step || seen.has(id)) continue;
    seen.add(id);
    out.push({ step, depth, branch });
    const next = step.next.filter((n) => byId.has(n));
    const fork = next.length > 1;
    for (let i = next.length - 1; i >= 0; i--) stack.push({ id: next[i]!, depth: fork ? depth + 1 : depth, branch: fork });
  }
  for (const step of byStart) if (!seen.has(step.id)) out.push({ step, depth: 0, branch: false });
  return out;
}

/** The first failed step in flow order, if any: what the panel selects on open. */
export function firstFailedStep(steps: readonly Step[]): Step | undefined {
  return orderSteps(steps).find((o) => o.step.status === 'failed')?.step;
}
