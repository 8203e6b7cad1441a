// Turns a failure into the explicit node that says what to do about it.
import { isHistoryApiError } from '../../core/errors';
import { COMMANDS } from '../../contributions';
import { MessageNode } from './messageNode';
import type { TreeNode } from './treeNode';

export function errorNode(parent: TreeNode, sourceId: string, error: unknown): MessageNode {
  const retry = { label: 'Retry', command: { command: COMMANDS.retry, title: 'Retry', arguments: [parent] } };
  const message = error instanceof Error ? error.message : String(error);
  const detail = isHistoryApiError(error) ? error.detail : undefined;
  if (isHistoryApiError(error) && error.kind === 'auth') {
    const setKey = { label: 'Set API Key', command: { command: COMMANDS.setApiKey, title: 'Set API Key', arguments: [sourceId] } };
    return new MessageNode(parent, `${parent.id}/error`, 'key-rejected', message, setKey, detail);
  }
  if (isHistoryApiError(error) && (error.kind === 'network' || error.kind === 'timeout')) {
    return new MessageNode(parent, `${parent.id}/error`, 'unreachable', message, retry, detail);
  }
  return new MessageNode(parent, `${parent.id}/error`, 'error', message, retry, detail);
}
