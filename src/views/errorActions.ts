// Error notifications that offer what fixes them. Every failure a command or view reports goes
// through here (not `showErrorMessage` with a bare text), so the user is one click from the fix:
// "Set API Key" when the key was rejected, "Retry" when trying again can help (the network, a
// timeout, the rate limit, a server error), and "Show Log" always (the log has the request and
// the API's own words, which the message leaves out). The choice of actions is plain logic
// (src/core/errorActions.ts, tested in plain Node); this module only shows them and runs the one picked.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { errorActionsFor, type ErrorAction } from '../core/errorActions';
import { showErrorMessage } from './notifications';

export interface ErrorContext {
  /** The source the failure concerns: "Set API Key" sets its key. */
  readonly sourceId?: string;
  /** Does the same thing again; offered when the failure is one trying again can fix. */
  readonly retry?: () => unknown;
}

/**
 * Shows `message` (already a whole, localized sentence) as an error with the actions that fix
 * `error`, and runs the one picked. Cancellations are not failures: nothing is shown. Never
 * throws, never waits for the user (callers go on: the returned promise settles when the
 * notification does).
 */
export async function showActionableError(message: string, error: unknown, context: ErrorContext = {}): Promise<void> {
  const actions = errorActionsFor(error, { canRetry: context.retry !== undefined, sourceId: context.sourceId });
  // A cancellation: the user asked for it, nothing to report.
  if (actions.length === 0) return;
  const labels = new Map<string, ErrorAction>(actions.map((action) => [actionLabel(action), action]));
  const picked = await showErrorMessage(message, ...labels.keys());
  const action = picked === undefined ? undefined : labels.get(picked);
  try {
    if (action === 'retry') await context.retry?.();
    else if (action === 'set-api-key') await vscode.commands.executeCommand(COMMANDS.setApiKey, context.sourceId);
    else if (action === 'show-log') await vscode.commands.executeCommand(COMMANDS.showLog);
  } catch (failure) {
    // A retry that fails again reports itself; anything else must not become an unhandled rejection.
    if (errorActionsFor(failure, { canRetry: false }).length > 0) void showErrorMessage(failure instanceof Error ? failure.message : String(failure));
  }
}

function actionLabel(action: ErrorAction): string {
  switch (action) {
    case 'retry':
      return vscode.l10n.t('Retry');
    case 'set-api-key':
      return vscode.l10n.t('Set API Key');
    case 'show-log':
      return vscode.l10n.t('Show Log');
  }
}
