// Open Run by ID… and Open Raw JSON: a run as a read-only JSON document under our own
// URI scheme (folding, search, syntax colour for free).
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { userMessage } from '../core/errors';
import type { RunNode } from '../views/nodes/runNode';
import { showErrorMessage, showInformationMessage } from '../views/notifications';

export const RUN_SCHEME = 'task-history';

/** Serves other documents under the scheme (step payloads); undefined when the URI is not one. */
export type MoreDocuments = (uri: vscode.Uri) => Promise<string> | undefined;

export class RunDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly more?: MoreDocuments,
  ) {}

  /** task-history:/<sourceId>/<runId>.json */
  static uri(sourceId: string, runId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: RUN_SCHEME, path: `/${encodeURIComponent(sourceId)}/${encodeURIComponent(runId)}.json` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const other = this.more?.(uri);
    if (other) return other;
    const [, sourceId, file] = uri.path.split('/');
    const runId = decodeURIComponent((file ?? '').replace(/\.json$/, ''));
    const configured = this.registry.get(decodeURIComponent(sourceId ?? ''));
    if (!configured) return `// The source "${sourceId}" is no longer configured.`;
    try {
      return JSON.stringify(await configured.source.getRun(runId), null, 2);
    } catch (error) {
      return `// ${userMessage(error)}`;
    }
  }
}

export function registerOpenRunCommands(registry: SourceRegistry, more?: MoreDocuments): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, new RunDocuments(registry, more)),
    vscode.commands.registerCommand('taskHistory.openRunById', () => openRunById(registry)),
    vscode.commands.registerCommand('taskHistory.openRawJson', (node?: RunNode) => {
      if (node?.run) return openRaw(node.sourceId, node.run.id);
      return openRunById(registry);
    }),
    vscode.commands.registerCommand('taskHistory.copyId', async (node?: RunNode) => {
      if (!node?.run) return;
      await vscode.env.clipboard.writeText(node.run.id);
      void vscode.window.setStatusBarMessage(`Copied ${node.run.id}`, 3000);
    }),
  ];
}

async function openRaw(sourceId: string, runId: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(RunDocuments.uri(sourceId, runId));
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function openRunById(registry: SourceRegistry): Promise<void> {
  const sources = registry.list();
  if (sources.length === 0) {
    void showInformationMessage('Add a Task History source first.', 'Add Source').then((c) => {
      if (c) void vscode.commands.executeCommand('taskHistory.addSource');
    });
    return;
  }
  const configured =
    sources.length === 1
      ? sources[0]
      : (await vscode.window.showQuickPick(sources.map((s) => ({ label: s.config.label ?? s.config.id, description: s.source.label, s })), { title: 'Open Run from which source?' }))?.s;
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
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Loading run ${id}…` }, () => configured.source.getRun(id));
  } catch (error) {
    void showErrorMessage(userMessage(error));
    return;
  }
  await vscode.commands.executeCommand('taskHistory.openRun', configured.config.id, id);
}

export { openRaw };
