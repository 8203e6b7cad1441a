// Turns a failure into the explicit node that says what to do about it: the message, a click
// that runs the most useful fix, and every fix as an inline button. Which fixes is the lead's
// rule (core/errorActions.ts, the same the notifications follow): "Set API Key" when the key
// was rejected, "Retry" when trying again can help (never for a rejected key or parameter),
// "Show Log" always (the log has the request and the API's own words).
import * as vscode from 'vscode';
import { errorActionsFor, type ErrorAction } from '../../core/errorActions';
import { isHistoryApiError } from '../../core/errors';
import { COMMANDS } from '../../contributions';
import { MessageNode, type MessageKind } from './messageNode';
import type { TreeNode } from './treeNode';

export function errorNode(parent: TreeNode, sourceId: string, error: unknown): MessageNode {
  const message = error instanceof Error ? error.message : String(error);
  const detail = isHistoryApiError(error) ? error.detail : undefined;
  const kind: MessageKind =
    isHistoryApiError(error) && error.kind === 'auth'
      ? 'key-rejected'
      : isHistoryApiError(error) && (error.kind === 'network' || error.kind === 'timeout')
        ? 'unreachable'
        : 'error';
  // A tree row can always be loaded again; whether that can help is errorActionsFor's to say.
  const actions = errorActionsFor(error, { canRetry: true, sourceId });
  const main = actions.find((a) => a !== 'show-log') ?? actions[0];
  return new MessageNode(parent, `${parent.id}/error`, kind, message, main && actionOf(main, parent, sourceId), detail, { sourceId, actions });
}

/** The click of an error row: its label (shown as the row's description) and command. */
function actionOf(action: ErrorAction, parent: TreeNode, sourceId: string): { label: string; command: vscode.Command } {
  switch (action) {
    case 'set-api-key': {
      const label = vscode.l10n.t('Set API Key');
      return { label, command: { command: COMMANDS.setApiKey, title: label, arguments: [sourceId] } };
    }
    case 'retry': {
      const label = vscode.l10n.t('Retry');
      return { label, command: { command: COMMANDS.retry, title: label, arguments: [parent] } };
    }
    case 'show-log': {
      const label = vscode.l10n.t('Show Log');
      return { label, command: { command: COMMANDS.showLog, title: label } };
    }
  }
}
