// "Name Workflow…": Paragon knows a workflow only by its id; a name given here shows beside
// the id in tooltips, the run panel, Insights and the tree, where it labels the workflow's
// group when the tree groups by workflow (setting `taskHistory.workflowNames`,
// in the user's settings: a name is not a secret, and the same workflows show in every window).
import * as vscode from 'vscode';
import { configuration } from '../config/settings';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { parseWorkflowNames, withWorkflowName, MAX_WORKFLOW_NAME } from '../core/workflowNames';
import { GroupNode } from '../views/nodes/groupNode';
import { RunNode } from '../views/nodes/runNode';
import { showInformationMessage } from '../views/notifications';

export function workflowNameCommandHandlers(): Pick<CommandHandlers, typeof COMMANDS.nameWorkflow> {
  return { [COMMANDS.nameWorkflow]: (target?: unknown) => nameWorkflow(target) };
}

/** The workflow id a command was given: a run or a workflow's group in the tree, `{ workflowId }` from a link or Insights, or a bare id. */
function workflowIdOf(target: unknown): string | undefined {
  if (target instanceof RunNode) return target.run.workflowId;
  if (target instanceof GroupNode && target.spec.dimension === 'workflow' && !target.spec.none) return target.spec.value;
  if (typeof target === 'string' && target.trim() !== '') return target.trim();
  if (typeof target === 'object' && target !== null && typeof (target as { workflowId?: unknown }).workflowId === 'string') return (target as { workflowId: string }).workflowId;
  return undefined;
}

async function nameWorkflow(target: unknown): Promise<void> {
  if (target instanceof RunNode && target.run.workflowId === undefined) {
    void showInformationMessage(vscode.l10n.t('This run names no workflow.'));
    return;
  }
  const id =
    workflowIdOf(target) ??
    (
      await vscode.window.showInputBox({
        title: vscode.l10n.t('Name Workflow'),
        prompt: vscode.l10n.t('The workflow id (from a run: its tooltip or the run panel)'),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Give the workflow id.') : undefined),
      })
    )?.trim();
  if (!id) return;
  const current = configuration().get<unknown>('workflowNames', {});
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Name Workflow {0}', id),
    prompt: vscode.l10n.t('A name to show beside the id (empty removes the name)'),
    value: parseWorkflowNames(current).get(id) ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => ([...value.trim()].length > MAX_WORKFLOW_NAME ? vscode.l10n.t('At most {0} characters.', MAX_WORKFLOW_NAME) : undefined),
  });
  if (name === undefined) return;
  const global = configuration().inspect<unknown>('workflowNames')?.globalValue ?? {};
  await configuration().update('workflowNames', withWorkflowName(global, id, name), vscode.ConfigurationTarget.Global);
}
