// Turns a run with its steps into what the panel draws: the header as text, the steps in
// graph order with their place on one shared time axis. No `vscode`: tested in plain Node (its
// words through @vscode/l10n, which the extension gives VS Code's bundle at activation).
import * as l10n from '@vscode/l10n';
import { runLabel, stepLabel, withoutBidiOverrides } from '../core/format';
import type { RunDetail, SourceCapabilities, Step } from '../core/model';
import { durationText, isStillRunning } from '../core/runState';
import { firstFailedStep, orderSteps } from '../core/stepGraph';
import { PROTOCOL_VERSION, type PanelCapabilities, type RunHeaderView, type RunMessage, type StepView } from './protocol';

const time = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
};

export function headerView(detail: RunDetail, sourceLabel: string): RunHeaderView {
  return {
    id: detail.id,
    title: runLabel(detail),
    status: detail.status,
    rawStatus: detail.rawStatus,
    sourceLabel,
    startedAt: detail.startedAt,
    endedAt: detail.endedAt,
    duration: durationText(detail),
    userId: detail.userId,
    workflowId: detail.workflowId,
    integration: detail.integration,
    stepCount: detail.steps.length,
    totalTokens: detail.totalTokens,
    storedNote: detail.archived
      ? l10n.t('Archived: the API no longer has this run (past its retention); shown from the local run index')
      : detail.offline
        ? l10n.t('Offline: the API could not be reached; shown from the local run index')
        : undefined,
  };
}

/** The tab title: "<name or short id> · failed", with nothing that could disguise it (bidi overrides). */
export function panelTitle(detail: RunDetail): string {
  const label = runLabel({ ...detail, name: detail.name === undefined ? undefined : withoutBidiOverrides(detail.name) });
  return `${label.length > 40 ? `${label.slice(0, 39)}…` : label} · ${detail.rawStatus.toLowerCase()}`;
}

export function stepViews(steps: readonly Step[]): StepView[] {
  return orderSteps(steps).map(({ step, depth, branch }) => ({
    id: step.id,
    stepId: step.stepId,
    label: stepLabel(step),
    type: step.type,
    status: step.status,
    rawStatus: step.rawStatus,
    startedAt: step.startedAt,
    endedAt: step.endedAt,
    startMs: time(step.startedAt),
    endMs: time(step.endedAt),
    duration: durationText(step),
    depth,
    branch,
    inputSize: step.inputSize,
    outputSize: step.outputSize,
    agent: step.agent,
    model: step.model,
    tokensUsed: step.tokensUsed,
    toolsUsed: step.toolsUsed,
  }));
}

/** The shared axis: from the earliest start to the latest end; open steps reach `now`. */
export function timeAxis(detail: RunDetail, steps: readonly StepView[], now: number): { startMs: number; endMs: number } {
  let start = time(detail.startedAt) ?? Infinity;
  let end = time(detail.endedAt) ?? -Infinity;
  let open = isStillRunning(detail);
  for (const s of steps) {
    if (s.startMs !== undefined) start = Math.min(start, s.startMs);
    if (s.endMs !== undefined) end = Math.max(end, s.endMs);
    else if (s.startMs !== undefined) open = true;
    if (s.startMs !== undefined) end = Math.max(end, s.startMs);
  }
  if (!Number.isFinite(start)) return { startMs: 0, endMs: 1 };
  if (open) end = Math.max(end, now);
  if (!Number.isFinite(end) || end <= start) end = start + 1;
  return { startMs: start, endMs: end };
}

export function panelCapabilities(capabilities: SourceCapabilities, compareUnavailable: string | undefined): PanelCapabilities {
  return { replay: capabilities.replay, stepPayloads: capabilities.stepPayloads, compare: compareUnavailable === undefined };
}

export function runMessage(sourceId: string, sourceLabel: string, detail: RunDetail, capabilities: PanelCapabilities, now: number = Date.now()): RunMessage {
  const steps = stepViews(detail.steps);
  return {
    type: 'run',
    version: PROTOCOL_VERSION,
    sourceId,
    run: headerView(detail, sourceLabel),
    steps,
    capabilities,
    initialStepId: firstFailedStep(detail.steps)?.id,
    axis: timeAxis(detail, steps, now),
  };
}
