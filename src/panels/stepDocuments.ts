// Step payloads as read-only JSON documents under the extension's `task-history:` scheme
// (the run documents' provider delegates here): "Open in Editor" for a payload too large to
// draw, and both sides of Compare's `vscode.diff`. Payloads come through the shared cache.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { shortId } from '../core/format';
import type { Step, StepPayload } from '../core/model';
import { PayloadCache } from '../core/payloadCache';
import { prettyJson } from '../core/payloadView';
import { userMessage } from '../core/errors';

export const STEP_DOCUMENT_SCHEME = 'task-history';

/** `input`/`output`: one payload; `step`: status, input and output together (for diffs); `absent`: a step a run did not have. */
export type StepDocumentPart = 'input' | 'output' | 'step' | 'absent';

/** task-history:/<sourceId>/<runId>/<stepExecutionId>/<part>-<short id>.json */
export function stepDocumentUri(sourceId: string, runId: string, stepExecutionId: string, part: StepDocumentPart, meta: StepDocumentMeta = {}): vscode.Uri {
  const file = `${part}-${shortId(stepExecutionId).replace(/[^\w.-]/g, '_')}.json`;
  return vscode.Uri.from({
    scheme: STEP_DOCUMENT_SCHEME,
    path: `/${encodeURIComponent(sourceId)}/${encodeURIComponent(runId)}/${encodeURIComponent(stepExecutionId)}/${file}`,
    query: new URLSearchParams(Object.entries(meta).filter((e): e is [string, string] => typeof e[1] === 'string')).toString(),
  });
}

/** Shown in the document (the URI carries them, so opening one costs no extra request). */
export interface StepDocumentMeta {
  readonly label?: string;
  readonly status?: string;
}

export interface ParsedStepUri {
  readonly sourceId: string;
  readonly runId: string;
  readonly stepExecutionId: string;
  readonly part: StepDocumentPart;
  readonly label?: string;
  readonly status?: string;
}

export function parseStepDocumentUri(uri: vscode.Uri): ParsedStepUri | undefined {
  const segments = uri.path.split('/');
  if (segments.length !== 5) return undefined;
  const match = /^(input|output|step|absent)-/.exec(segments[4] ?? '');
  if (!match) return undefined;
  const query = new URLSearchParams(uri.query);
  return {
    sourceId: decodeURIComponent(segments[1]!),
    runId: decodeURIComponent(segments[2]!),
    stepExecutionId: decodeURIComponent(segments[3]!),
    part: match[1] as StepDocumentPart,
    label: query.get('label') ?? undefined,
    status: query.get('status') ?? undefined,
  };
}

/** One step's payload through the cache shared by the panel, documents, Compare and Export. */
export function loadStepPayload(registry: SourceRegistry, cache: PayloadCache, sourceId: string, runId: string, step: Pick<Step, 'id' | 'inputSize' | 'outputSize'>): Promise<StepPayload> {
  const configured = registry.get(sourceId);
  if (!configured) return Promise.reject(new Error(`The source "${sourceId}" is no longer configured.`));
  const { source } = configured;
  if (!source.capabilities.stepPayloads || !source.getStepPayload) {
    return Promise.reject(new Error(`${source.label} does not give step inputs and outputs.`));
  }
  const size = (step.inputSize ?? 0) + (step.outputSize ?? 0);
  return cache.get(PayloadCache.key(sourceId, runId, step.id), () => source.getStepPayload!(runId, step.id), size || undefined);
}

export async function stepDocumentContent(registry: SourceRegistry, cache: PayloadCache, parsed: ParsedStepUri): Promise<string> {
  const name = parsed.label ?? parsed.stepExecutionId;
  if (parsed.part === 'absent') return `// ${name} did not run in run ${parsed.runId}.\n`;
  try {
    const payload = await loadStepPayload(registry, cache, parsed.sourceId, parsed.runId, { id: parsed.stepExecutionId });
    if (parsed.part === 'step') {
      return `${prettyJson({ step: name, status: parsed.status ?? null, input: payload.input ?? null, output: payload.output ?? null })}\n`;
    }
    const value = parsed.part === 'input' ? payload.input : payload.output;
    return value === undefined ? `// ${name}: the API sent no ${parsed.part}.\n` : `${prettyJson(value)}\n`;
  } catch (error) {
    return `// ${userMessage(error)}\n`;
  }
}

/** Opens one payload as a read-only JSON editor beside the panel. */
export async function openStepDocument(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** The step-document half of the `task-history:` provider (see RunDocuments). */
export function stepDocuments(registry: SourceRegistry, cache: PayloadCache): (uri: vscode.Uri) => Promise<string> | undefined {
  return (uri) => {
    const parsed = parseStepDocumentUri(uri);
    return parsed && stepDocumentContent(registry, cache, parsed);
  };
}
