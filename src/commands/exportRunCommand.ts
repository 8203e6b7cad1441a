// Export Run…: one run with its steps and their inputs and outputs as one JSON file
// (core's runBundle), chosen with a save dialog, written with a cancellable progress.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { formatDuration } from '../core/duration';
import type { RunDetail } from '../core/model';
import { buildRunBundle, writeRunBundle } from '../core/runBundle';
import { loadStepPayload } from '../panels/stepDocuments';
import { CancelledError, userMessage } from '../core/errors';
import type { RunCommandDeps, ResolvedRun } from './runCommands';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';

/** Above this many steps, ask before spending one request per step on payloads. */
const ASK_ABOVE_STEPS = 100;

const inFlight = new Set<string>();

export async function exportRun(deps: RunCommandDeps, resolved: ResolvedRun | undefined): Promise<void> {
  if (!resolved) return;
  const { target, configured, panel } = resolved;
  const { source } = configured;
  const key = JSON.stringify([target.sourceId, target.runId]);
  if (inFlight.has(key)) return;
  inFlight.add(key);
  panel?.setBusy('export', true);
  try {
    let detail: RunDetail;
    try {
      detail = panel ? await panel.run() : await source.getRun(target.runId);
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
    const bytes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting run ${detail.id}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        const bundle = await buildRunBundle(source, detail.id, {
          detail,
          includePayloads,
          signal: abort.signal,
          payload: (step) => loadStepPayload(deps.registry, deps.payloads, target.sourceId, detail.id, step),
          onProgress: (done, total) => {
            const pct = (done / total) * 100;
            progress.report({ increment: pct - reported, message: `${done} of ${total} steps` });
            reported = pct;
          },
        });
        return writeRunBundle(bundle, uri.fsPath, abort.signal);
      },
    );
    deps.log.info(`exported run ${detail.id} to ${uri.fsPath} (${bytes} bytes)`);
    // Not awaited: the run is free for another export while the notification stays up.
    void showInformationMessage(`Exported run ${detail.id} (${detail.steps.length} steps) to ${uri.fsPath}.`, 'Open').then((open) => {
      if (open) void vscode.window.showTextDocument(uri);
    });
  } catch (error) {
    if (error instanceof CancelledError || (error instanceof DOMException && error.name === 'AbortError')) return;
    void showErrorMessage(`Export Run failed: ${userMessage(error)}`);
  } finally {
    inFlight.delete(key);
    panel?.setBusy('export', false);
  }
}
