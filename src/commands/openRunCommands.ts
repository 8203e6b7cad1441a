// Open Run by ID… (a run id, a Task History link or a dashboard or API URL: src/links/), Open
// Raw JSON (a run as a read-only JSON document under the `task-history:` scheme,
// src/documents/) and Copy ID.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { userMessage } from '../core/errors';
import { openRunDocument } from '../documents/taskHistoryDocuments';
import { parseRunReference, type RunReference } from '../links/runReference';
import type { RunStore } from '../store/runStore';
import { showErrorMessage, showInformationMessage } from '../views/notifications';
import { openRunReference } from './linkCommands';

/** What a tree item of a run passes to a command: its source and run. */
interface RunItem {
  readonly sourceId?: unknown;
  readonly run?: { readonly id?: unknown };
}

const runOf = (item: RunItem | undefined) => (typeof item?.sourceId === 'string' && typeof item.run?.id === 'string' ? { sourceId: item.sourceId, runId: item.run.id } : undefined);

export function openRunCommandHandlers(
  registry: SourceRegistry,
  store: RunStore,
  log: vscode.LogOutputChannel,
  extensionId: string,
): Pick<CommandHandlers, typeof COMMANDS.openRunById | typeof COMMANDS.openRawJson | typeof COMMANDS.copyId> {
  return {
    // An argument (a link, a URL or an id, from another command) skips the input box.
    [COMMANDS.openRunById]: (text?: unknown) => openRunById(registry, store, log, extensionId, typeof text === 'string' ? text : undefined),
    [COMMANDS.openRawJson]: (item?: RunItem) => {
      const run = runOf(item);
      return run ? openRunDocument(run.sourceId, run.runId) : openRunById(registry, store, log, extensionId);
    },
    [COMMANDS.copyId]: async (item?: RunItem) => {
      const run = runOf(item);
      if (!run) return;
      await vscode.env.clipboard.writeText(run.runId);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', run.runId), 3000);
    },
  };
}

async function openRunById(registry: SourceRegistry, store: RunStore, log: vscode.LogOutputChannel, extensionId: string, given?: string): Promise<void> {
  const sources = registry.list();
  if (sources.length === 0) {
    void showInformationMessage(vscode.l10n.t('Add a Task History source first.'), vscode.l10n.t('Add Source')).then((c) => {
      if (c) void vscode.commands.executeCommand(COMMANDS.addSource);
    });
    return;
  }
  const configs = sources.map((s) => s.config);
  const read = (text: string) => parseRunReference(text, configs, { scheme: vscode.env.uriScheme, extensionId });
  const text =
    given ??
    (
      await vscode.window.showInputBox({
        title: vscode.l10n.t('Open Run by ID'),
        prompt: vscode.l10n.t('A run id (workflow execution or task), a Task History link, or the run’s dashboard or API URL.'),
        validateInput: (v) => {
          if (!v.trim()) return vscode.l10n.t('Enter an id, a link or a URL.');
          try {
            read(v);
            return undefined;
          } catch (error) {
            return userMessage(error);
          }
        },
        // The id is usually copied from elsewhere (a dashboard, a ticket, a log): the box stays
        // open while the user switches away to copy it, and a panel taking focus back as the
        // palette closes (a webview restores its focus late) cannot dismiss it.
        ignoreFocusOut: true,
      })
    )?.trim();
  if (!text) return;
  let reference: RunReference;
  try {
    reference = read(text);
  } catch (error) {
    void showErrorMessage(userMessage(error));
    return;
  }
  // A link names its source; a URL the sources it fits; a bare id any of them: ask when several.
  const candidates = sources.filter((s) => reference.sourceIds.includes(s.config.id));
  const configured =
    candidates.length === 1
      ? candidates[0]
      : (
          await vscode.window.showQuickPick(
            candidates.map((s) => ({ label: s.config.label ?? s.config.id, description: s.source.label, s })),
            { title: vscode.l10n.t('Open run {0} from which source?', reference.runId) },
          )
        )?.s;
  if (!configured) return;
  await openRunReference({ store, log }, { sourceId: configured.config.id, runId: reference.runId, stepId: reference.stepId });
}
