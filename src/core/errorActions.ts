// Which actions fix a failure, by what failed (src/views/errorActions.ts shows them). Plain
// logic, kept out of the UI so it is tested in plain Node and the CLI could use the same rules.
import { isHistoryApiError } from './errors';

export type ErrorAction = 'set-api-key' | 'retry' | 'show-log';

/**
 * The actions to offer for `error`, most useful first:
 * - "Set API Key" when the API rejected the key (401/403) and we know whose key it is;
 * - "Retry" when the caller can try again and trying again can help: the network, a timeout,
 *   the rate limit, a server error, or an error that is not the API's (a full disk, a locked
 *   file). Not for what a retry repeats: a rejected key, an unknown id, a rejected parameter, a
 *   body that does not parse, a question the API cannot answer, or a replay whose outcome is
 *   unknown (sending it again could run the workflow twice: look first);
 * - "Show Log" always: the log has the request and the API's own words.
 * Nothing for a cancellation: the user asked for it.
 */
export function errorActionsFor(error: unknown, context: { readonly canRetry: boolean; readonly sourceId?: string }): ErrorAction[] {
  const kind = isHistoryApiError(error) ? error.kind : undefined;
  if (kind === 'cancelled' || (error instanceof Error && error.name === 'AbortError')) return [];
  const actions: ErrorAction[] = [];
  if (kind === 'auth' && context.sourceId !== undefined) actions.push('set-api-key');
  if (context.canRetry && (kind === undefined || RETRYABLE.has(kind))) actions.push('retry');
  actions.push('show-log');
  return actions;
}

const RETRYABLE: ReadonlySet<string> = new Set(['rate-limited', 'server', 'network', 'timeout']);
