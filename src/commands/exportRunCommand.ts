// Export Run…: one run with its steps and their inputs and outputs as one JSON file
// (core's runBundle), chosen with a save dialog, written with a cancellable progress; to any
// file system the dialog offers (exportTarget: a non-`file:` target is staged locally, then copied).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { formatDuration } from '../core/duration';
import type { RunDetail } from '../core/model';
import { buildRunBundle, writeRunBundle } from '../core/runBundle';
import { userMessage } from '../core/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';
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
  try {
    let detail: RunDetail;
    try {
      detail = panel ? await panel.run() : await deps.store.getRun(target.sourceId, target.runId);
    } catch (error) {
      void showErrorMessage(`Export Run: ${userMessage(error)}`);
      return;
    }
    let includePayloads = source.capabilities.stepPayloads && detail.steps.length > 0;
    if (includePayloads && detail.steps.length > ASK_ABOVE_STEPS) {
      const budget = source.capabilities.requestBudget;
      const withPayloads = 'Include Inputs and Outputs';
      const choice = await showWarningMessage(
        `Export run ${detail.id} with the inputs and outputs of its ${detail.steps.length} steps?`,
        {
          modal: true,
          detail: `That takes ${detail.steps.length} requests${budget ? ` of the ${budget.limit} allowed every ${formatDuration(budget.intervalMs)}` : ''}.`,
        },
        withPayloads,
        'Steps Only',
      );
      if (!choice) return;
      includePayloads = choice === withPayloads;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      title: 'Export Run',
      defaultUri: vscode.Uri.joinPath(folder, `run-${detail.id.replace(/[^\w.-]/g, '_')}.json`),
      filters: { JSON: ['json'] },
      saveLabel: 'Export',
    });
    if (!uri) return;
    const bytes = await withCancellableProgress({ title: `Exporting run ${detail.id}` }, async (signal, progress) => {
      let reported = 0;
      const bundle = await buildRunBundle(source, detail.id, {
        detail,
        includePayloads,
        signal,
        payload: (step) => deps.store.stepPayload(target.sourceId, detail.id, step, signal),
        onProgress: (done, total) => {
          const pct = (done / total) * 100;
          progress.report({ increment: pct - reported, message: `${done} of ${total} steps` });
          reported = pct;
        },
      });
      return (await writeThroughTarget(uri, workspaceTarget(), (path) => writeRunBundle(bundle, path, signal), undefined, signal)).result;
    });
    deps.log.info(`exported run ${detail.id} to ${display(uri)} (${bytes} bytes)`);
    // Not awaited: the run is free for another export while the notification stays up.
    void showInformationMessage(`Exported run ${detail.id} (${detail.steps.length} steps) to ${display(uri)}.`, 'Open').then((open) => {
      if (open) void vscode.window.showTextDocument(uri);
    });
  } catch (error) {
    if (!isCancellation(error)) void showErrorMessage(`Export Run failed: ${userMessage(error)}`);
  }
}
