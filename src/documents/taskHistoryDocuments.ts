// The one provider of `task-history:` documents (runs as JSON, step payloads, both sides of
// Compare's diff), read-only, with folding, search and syntax colour for free. Everything is
// read through the run store, so a document costs no request for what a view already loaded.
import * as vscode from 'vscode';
import { userMessage } from '../core/errors';
import { prettyJson } from '../core/payloadView';
import type { RunStore } from '../store/runStore';
import {
  DOCUMENT_SCHEME,
  parseDocumentUri,
  runDocumentUriParts,
  stepDocumentUriParts,
  type StepDocumentMeta,
  type StepDocumentPart,
  type TaskHistoryDocument,
} from './documentUri';

export function runDocumentUri(sourceId: string, runId: string): vscode.Uri {
  return vscode.Uri.from(runDocumentUriParts(sourceId, runId));
}

export function stepDocumentUri(sourceId: string, runId: string, stepExecutionId: string, part: StepDocumentPart, meta: StepDocumentMeta = {}): vscode.Uri {
  return vscode.Uri.from(stepDocumentUriParts(sourceId, runId, stepExecutionId, part, meta));
}

export class TaskHistoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A run's JSON document follows the run: VS Code asks again for the ones that are open. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: RunStore) {
    this.subscription = store.onDidChangeRun(({ sourceId, run }) => this.changed.fire(runDocumentUri(sourceId, run.id)));
  }

  static register(store: RunStore): vscode.Disposable {
    const provider = new TaskHistoryDocuments(store);
    return vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, provider), provider);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const document = parseDocumentUri(uri);
    if (!document) return `// ${vscode.l10n.t('Not a Task History document: {0}', uri.toString(true))}\n`;
    try {
      return document.kind === 'run' ? `${JSON.stringify(await this.store.getRun(document.sourceId, document.runId), null, 2)}\n` : await this.stepContent(document);
    } catch (error) {
      return `// ${userMessage(error)}\n`;
    }
  }

  private async stepContent(document: Extract<TaskHistoryDocument, { kind: 'step' }>): Promise<string> {
    const name = document.label ?? document.stepExecutionId;
    if (document.part === 'absent') return `// ${vscode.l10n.t('{0} did not run in run {1}.', name, document.runId)}\n`;
    const payload = await this.store.stepPayload(document.sourceId, document.runId, { id: document.stepExecutionId });
    if (document.part === 'step') {
      return `${prettyJson({ step: name, status: document.status ?? null, input: payload.input ?? null, output: payload.output ?? null })}\n`;
    }
    const value = document.part === 'input' ? payload.input : payload.output;
    if (value !== undefined) return `${prettyJson(value)}\n`;
    return `// ${document.part === 'input' ? vscode.l10n.t('{0}: the API sent no input.', name) : vscode.l10n.t('{0}: the API sent no output.', name)}\n`;
  }
}

/** A run as a read-only JSON editor. */
export async function openRunDocument(sourceId: string, runId: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(runDocumentUri(sourceId, runId));
  if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** One payload as a read-only JSON editor beside the panel. */
export async function openStepDocument(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
