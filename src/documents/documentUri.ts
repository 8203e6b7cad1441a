// The one codec of `task-history:` document URIs, kept apart from VS Code's Uri so it is
// tested in plain Node. Two kinds of document live under the scheme:
//   task-history:/<sourceId>/<runId>.json                               a run, as the API sent it
//   task-history:/<sourceId>/<runId>/<stepExecutionId>/<part>-<id>.json a step's payload
// Every segment is percent-encoded (ids are untrusted: a "/" or ".." stays inside its segment).
// The query carries what a document shows besides the payload (a step's label and status),
// so opening one costs no extra request.
import { shortId } from '../core/format';

/** Half of a UTF-16 pair cannot be percent-encoded: it is written as U+FFFD (such an id names no run the API could have). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const encode = (segment: string) => encodeURIComponent(segment.replace(LONE_SURROGATE, '\ufffd'));

export const DOCUMENT_SCHEME = 'task-history';

/** `input`/`output`: one payload; `step`: status, input and output together (for diffs); `absent`: a step a run did not have. */
export type StepDocumentPart = 'input' | 'output' | 'step' | 'absent';

/** Shown in a step document (carried in the URI). */
export interface StepDocumentMeta {
  readonly label?: string;
  readonly status?: string;
}

export type TaskHistoryDocument =
  | { readonly kind: 'run'; readonly sourceId: string; readonly runId: string }
  | ({ readonly kind: 'step'; readonly sourceId: string; readonly runId: string; readonly stepExecutionId: string; readonly part: StepDocumentPart } & StepDocumentMeta);

/** The parts of a URI under the scheme, as `vscode.Uri.from` takes them. */
export interface DocumentUriParts {
  readonly scheme: typeof DOCUMENT_SCHEME;
  readonly path: string;
  readonly query: string;
}

export function runDocumentUriParts(sourceId: string, runId: string): DocumentUriParts {
  return { scheme: DOCUMENT_SCHEME, path: `/${encode(sourceId)}/${encode(runId)}.json`, query: '' };
}

export function stepDocumentUriParts(sourceId: string, runId: string, stepExecutionId: string, part: StepDocumentPart, meta: StepDocumentMeta = {}): DocumentUriParts {
  const file = `${part}-${shortId(stepExecutionId).replace(/[^\w.-]/g, '_')}.json`;
  return {
    scheme: DOCUMENT_SCHEME,
    path: `/${encode(sourceId)}/${encode(runId)}/${encode(stepExecutionId)}/${file}`,
    query: new URLSearchParams(
      Object.entries(meta)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([k, v]) => [k, v.replace(LONE_SURROGATE, '\ufffd')]),
    ).toString(),
  };
}

/** What a URI under the scheme names; undefined for anything else (a hand-typed or foreign URI). */
export function parseDocumentUri(uri: { readonly path: string; readonly query: string }): TaskHistoryDocument | undefined {
  const segments = uri.path.split('/');
  if (segments[0] !== '') return undefined;
  const decode = (segment: string | undefined) => {
    try {
      return segment ? decodeURIComponent(segment) : undefined;
    } catch {
      return undefined; // a malformed escape: not one of ours
    }
  };
  if (segments.length === 3) {
    const sourceId = decode(segments[1]);
    const runId = segments[2]?.endsWith('.json') ? decode(segments[2].slice(0, -'.json'.length)) : undefined;
    return sourceId && runId ? { kind: 'run', sourceId, runId } : undefined;
  }
  if (segments.length === 5) {
    const match = /^(input|output|step|absent)-/.exec(segments[4] ?? '');
    const sourceId = decode(segments[1]);
    const runId = decode(segments[2]);
    const stepExecutionId = decode(segments[3]);
    if (!match || !sourceId || !runId || !stepExecutionId) return undefined;
    const query = new URLSearchParams(uri.query);
    return {
      kind: 'step',
      sourceId,
      runId,
      stepExecutionId,
      part: match[1] as StepDocumentPart,
      label: query.get('label') ?? undefined,
      status: query.get('status') ?? undefined,
    };
  }
  return undefined;
}
