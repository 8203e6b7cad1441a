// How a tool call fails, for a model: one JSON object with a kind it can branch on (the API's
// own kinds: auth, not-found, rate-limited…, plus the server's: bad-argument, index-needed,
// replay-refused), a message a person can act on and, where there is one, what to do next.
// Every text passes the redactor first: an error never carries the key, not even part of it.
import { isHistoryApiError, userMessage, type ApiErrorKind } from '../core/errors';
import { UsageError } from '../cli/usageError';
import { scrubText } from './scrub';

export type McpErrorKind = ApiErrorKind | 'bad-argument' | 'index-needed' | 'index-unavailable' | 'replay-refused' | 'internal';

/** A failure the server words itself (not the API's). */
export class McpToolError extends Error {
  constructor(
    readonly kind: McpErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'McpToolError';
  }
}

export interface ToolErrorBody {
  readonly error: { readonly kind: McpErrorKind; readonly message: string; readonly hint?: string; readonly status?: number };
}

/** What the model should do about each API failure, where the message alone does not say. */
const API_HINTS: Partial<Record<ApiErrorKind, string>> = {
  auth: "The API key in the server's environment (TASK_HISTORY_API_KEY) is missing, wrong or for another project: a person must fix it; retrying will not help.",
  'not-found': "Check the id (list_runs gives ids); runs older than the API's retention are gone.",
  'rate-limited': "The API's request budget is spent: wait before calling again.",
  unsupported: 'This source cannot do that; do not retry with the same arguments.',
  'outcome-unknown': 'Do not replay again: look for the new run with list_runs first.',
};

export function toolErrorBody(error: unknown, redact: (text: string) => string): ToolErrorBody {
  const clean = (text: string) => scrubText(text, redact);
  if (error instanceof McpToolError) return { error: { kind: error.kind, message: clean(error.message), ...(error.hint ? { hint: clean(error.hint) } : {}) } };
  if (error instanceof UsageError) return { error: { kind: 'bad-argument', message: clean(error.message) } };
  if (isHistoryApiError(error)) {
    const hint = API_HINTS[error.kind];
    return { error: { kind: error.kind, message: clean(userMessage(error)), ...(hint ? { hint } : {}), ...(error.status !== undefined ? { status: error.status } : {}) } };
  }
  // A bug of ours: its message only (no stack: paths and internals are of no use to a model).
  return { error: { kind: 'internal', message: clean(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}`) } };
}
