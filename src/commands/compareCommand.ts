// Compare with Last Success: the comparison itself is core's (src/core/compare.ts); this
// file shows progress, marks the diverging step in the run panel and opens `vscode.diff`
// on that step's status, input and output in the last success (left) and this run (right).
import * as vscode from 'vscode';
import { alignSteps, compareUnavailableReason, describeDivergence, findLastSuccess, firstDivergence, type AlignedStep } from '../core/compare';
import { shortId, stepLabel } from '../core/format';
import type { RunDetail, Step } from '../core/model';
import { BUILTIN_COMMANDS } from '../contributions';
import { userMessage } from '../core/errors';
import { stepDocumentUri } from '../documents/taskHistoryDocuments';
import { RunPanel, type RunPanelServices } from '../panels/runPanel';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage } from '../views/notifications';
import { isCancellation, withCancellableProgress } from './cancellableProgress';
import { exclusivePerRun } from './runAction';
import type { RunCommandDeps, ResolvedRun } from './runTarget';

export async function compareWithLastSuccess(deps: RunCommandDeps, services: RunPanelServices, resolved: ResolvedRun | undefined): Promise<void> {
  if (!resolved) return;
  const { target } = resolved;
  // The result is shown in the run's panel: open it if the command came from the tree.
  const panel = resolved.panel ?? RunPanel.show(services, target, { preserveFocus: true });
  await exclusivePerRun('compare', target, panel, () => compare(deps, resolved, panel));
}

async function compare(deps: RunCommandDeps, resolved: ResolvedRun, panel: RunPanel): Promise<void> {
  const { target, configured } = resolved;
  const { source } = configured;
  try {
    await withCancellableProgress({ title: vscode.l10n.t('Comparing {0} with the last success…', shortId(target.runId)) }, async (signal, progress) => {
      const detail = await panel.run();
      const unavailable = compareUnavailableReason(source, detail);
      if (unavailable) {
        void showInformationMessage(unavailable);
        return;
      }
      const last = await findLastSuccess(source, detail, signal);
      if (!last) {
        const message = vscode.l10n.t('No succeeded run of workflow {0} started before this one (within the history the API keeps).', detail.workflowId ?? '');
        panel.markDivergence('', message, undefined);
        void showInformationMessage(message);
        return;
      }
      progress.report({ message: vscode.l10n.t('last success {0}', shortId(last.id)) });
      const baseline = await deps.store.getRun(target.sourceId, last.id, { signal });
      const pairs = alignSteps(detail.steps, baseline.steps);
      const payloadOf = (run: RunDetail, step: Step | undefined) =>
        step ? deps.store.stepPayload(target.sourceId, run.id, step, signal).then((p) => p.output) : Promise.resolve(undefined);
      const { divergence, outputsCompared } = await firstDivergence(pairs, {
        signal,
        outputs: source.capabilities.stepPayloads ? (pair: AlignedStep) => Promise.all([payloadOf(detail, pair.current), payloadOf(baseline, pair.baseline)]) : undefined,
      });
      const summary = describeDivergence(divergence, baseline, stepLabel, outputsCompared);
      deps.log.info(`compare ${detail.id} with ${baseline.id}: ${summary}`);
      panel.markDivergence(baseline.id, summary, divergence?.pair.current?.id);
      if (!divergence) {
        void showInformationMessage(summary);
        return;
      }
      if (source.capabilities.stepPayloads) await openDiff(target.sourceId, baseline, detail, divergence.pair);
      void showInformationMessage(summary);
    });
  } catch (error) {
    if (!isCancellation(error))
      void showActionableError(vscode.l10n.t('Compare failed: {0}', userMessage(error)), error, {
        sourceId: target.sourceId,
        retry: () => exclusivePerRun('compare', target, panel, () => compare(deps, resolved, panel)),
      });
  }
}

async function openDiff(sourceId: string, baseline: RunDetail, current: RunDetail, pair: AlignedStep): Promise<void> {
  const label = stepLabel((pair.current ?? pair.baseline)!);
  const side = (run: RunDetail, step: Step | undefined) =>
    step
      ? stepDocumentUri(sourceId, run.id, step.id, 'step', { label, status: step.rawStatus })
      : stepDocumentUri(sourceId, run.id, pair.key.replace(/^\w+:/, ''), 'absent', { label });
  await vscode.commands.executeCommand(
    BUILTIN_COMMANDS.diff,
    side(baseline, pair.baseline),
    side(current, pair.current),
    vscode.l10n.t('{0}: last success {1} ↔ {2}', label, shortId(baseline.id), shortId(current.id)),
    { preview: false, viewColumn: vscode.ViewColumn.Beside },
  );
}
