// Export Run…: one run with its steps and their inputs and outputs as one JSON file
// (core's runBundle), chosen with a save dialog, written with a cancellable progress; to any
// file system the dialog offers (exportTarget: a non-`file:` target is staged locally, then copied).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { formatDuration } from '../core/duration';
import type { RunDetail } from '../core/model';
import { buildRunBundle, writeRunBundle } from '../core/runBundle';
import { userMessage } from '../core/errors';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage, showWarningMessage } from '../views/notifications';
import { isCancellation, withCancellableProgress } from './cancellableProgress';
import { workspaceTarget } from './exportCommands';
import { display, writeThroughTarget } from './exportTarget';
import { exclusivePerRun } from './runAction';
import type { RunCommandDeps, ResolvedRun } from './runTarget';

/** Above this many steps, ask before spending one request per step on payloads. */
const ASK_ABOVE_STEPS = 100;

export async function exportRun(deps: RunCommandDeps, resolved: ResolvedRun | undefined): Promise<void> {
  if (!resolved) return;
  await exclusivePerRun('export', resolved.target, resolved.panel, () => exportOne(deps, resolved));
}

async function exportOne(deps: RunCommandDeps, resolved: ResolvedRun): Promise<void> {
  const { target, configured, panel } = resolved;
  const { source } = configured;
  const retry = () => exportRun(deps, resolved);
  try {
    let detail: RunDetail;
    try {
      detail = panel ? await panel.run() : await deps.store.getRun(target.sourceId, target.runId);
    } catch (error) {
      void showActionableError(vscode.l10n.t('Export Run: {0}', userMessage(error)), error, { sourceId: target.sourceId, retry });
      return;
    }
    let includePayloads = source.capabilities.stepPayloads && detail.steps.length > 0;
    if (includePayloads && detail.steps.length > ASK_ABOVE_STEPS) {
      const budget = source.capabilities.requestBudget;
      const withPayloads = vscode.l10n.t('Include Inputs and Outputs');
      const steps = detail.steps.length;
      const choice = await showWarningMessage(
        vscode.l10n.t('Export run {0} with the inputs and outputs of its {1} steps?', detail.id, steps),
        {
          modal: true,
          detail: budget
            ? vscode.l10n.t('That takes {0} requests of the {1} allowed every {2}.', steps, budget.limit, formatDuration(budget.intervalMs))
            : vscode.l10n.t('That takes {0} requests.', steps),
        },
        withPayloads,
        vscode.l10n.t('Steps Only'),
      );
      if (!choice) return;
      includePayloads = choice === withPayloads;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Run'),
      defaultUri: vscode.Uri.joinPath(folder, `run-${detail.id.replace(/[^\w.-]/g, '_')}.json`),
      filters: { JSON: ['json'] },
      saveLabel: vscode.l10n.t('Export'),
    });
    if (!uri) return;
    const bytes = await withCancellableProgress({ title: vscode.l10n.t('Exporting run {0}', detail.id) }, async (signal, progress) => {
      let reported = 0;
      const bundle = await buildRunBundle(source, detail.id, {
        detail,
        includePayloads,
        signal,
        payload: (step) => deps.store.stepPayload(target.sourceId, detail.id, step, signal),
        onProgress: (done, total) => {
          const pct = (done / total) * 100;
          progress.report({ increment: pct - reported, message: vscode.l10n.t('{0} of {1} steps', done, total) });
          reported = pct;
        },
      });
      return (await writeThroughTarget(uri, workspaceTarget(), (path) => writeRunBundle(bundle, path, signal), undefined, signal)).result;
    });
    deps.log.info(`exported run ${detail.id} to ${display(uri)} (${bytes} bytes)`);
    // Not awaited: the run is free for another export while the notification stays up.
    const openLabel = vscode.l10n.t('Open');
    const exported =
      detail.steps.length === 1
        ? vscode.l10n.t('Exported run {0} (1 step) to {1}.', detail.id, display(uri))
        : vscode.l10n.t('Exported run {0} ({1} steps) to {2}.', detail.id, detail.steps.length, display(uri));
    void showInformationMessage(exported, openLabel).then((open) => {
      if (open) void vscode.window.showTextDocument(uri);
    });
  } catch (error) {
    if (!isCancellation(error)) void showActionableError(vscode.l10n.t('Export Run failed: {0}', userMessage(error)), error, { sourceId: target.sourceId, retry });
  }
}
