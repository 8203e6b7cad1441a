// Open Run by ID…, Open Raw JSON (a run as a read-only JSON document under the
// `task-history:` scheme, src/documents/) and Copy ID.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { userMessage } from '../core/errors';
import { openRunDocument } from '../documents/taskHistoryDocuments';
import type { RunStore } from '../store/runStore';
import { showErrorMessage, showInformationMessage } from '../views/notifications';

/** What a tree item of a run passes to a command: its source and run. */
interface RunItem {
  readonly sourceId?: unknown;
  readonly run?: { readonly id?: unknown };
}

const runOf = (item: RunItem | undefined) => (typeof item?.sourceId === 'string' && typeof item.run?.id === 'string' ? { sourceId: item.sourceId, runId: item.run.id } : undefined);

export function openRunCommandHandlers(
  registry: SourceRegistry,
  store: RunStore,
): Pick<CommandHandlers, typeof COMMANDS.openRunById | typeof COMMANDS.openRawJson | typeof COMMANDS.copyId> {
  return {
    [COMMANDS.openRunById]: () => openRunById(registry, store),
    [COMMANDS.openRawJson]: (item?: RunItem) => {
      const run = runOf(item);
      return run ? openRunDocument(run.sourceId, run.runId) : openRunById(registry, store);
    },
    [COMMANDS.copyId]: async (item?: RunItem) => {
      const run = runOf(item);
      if (!run) return;
      await vscode.env.clipboard.writeText(run.runId);
      void vscode.window.setStatusBarMessage(`Copied ${run.runId}`, 3000);
    },
  };
}

async function openRunById(registry: SourceRegistry, store: RunStore): Promise<void> {
  const sources = registry.list();
  if (sources.length === 0) {
    void showInformationMessage('Add a Task History source first.', 'Add Source').then((c) => {
      if (c) void vscode.commands.executeCommand(COMMANDS.addSource);
    });
    return;
  }
  const configured =
    sources.length === 1
      ? sources[0]
      : (
          await vscode.window.showQuickPick(
            sources.map((s) => ({ label: s.config.label ?? s.config.id, description: s.source.label, s })),
            { title: 'Open Run from which source?' },
          )
        )?.s;
  if (!configured) return;
  const id = (
    await vscode.window.showInputBox({
      title: 'Open Run by ID',
      prompt: 'A workflow execution id or a task id.',
      validateInput: (v) => (v.trim() ? undefined : 'Enter an id.'),
      // The id is usually copied from elsewhere (a dashboard, a ticket, a log): the box stays
      // open while the user switches away to copy it, and a panel taking focus back as the
      // palette closes (a webview restores its focus late) cannot dismiss it.
      ignoreFocusOut: true,
    })
  )?.trim();
  if (!id) return;
  try {
    // Into the store: the panel that opens next shows it without asking again.
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading run ${id}…` }, () => store.getRun(configured.config.id, id));
  } catch (error) {
    void showErrorMessage(userMessage(error));
    return;
  }
  await vscode.commands.executeCommand(COMMANDS.openRun, configured.config.id, id);
}
