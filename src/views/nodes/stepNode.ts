// One step of an expanded run: status icon, "↳" for its depth in the flow, status and
// duration, and a tooltip with every field (core's stepFields: the list the panel and the CLI print).
import * as vscode from 'vscode';
import { stepFields, stepLabel } from '../../core/format';
import type { RunDetail } from '../../core/model';
import { durationText } from '../../core/runState';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { statusIcon } from '../statusStyle';
import type { TreeNode } from './treeNode';

export class StepNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    readonly sourceId: string,
    readonly runId: string,
    readonly step: RunDetail['steps'][number],
    private readonly depth: number,
  ) {
    this.id = `${parent.id}/step:${step.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const step = this.step;
    const indent = this.depth > 0 ? `${'↳ '.repeat(Math.min(this.depth, 4))}` : '';
    const item = new vscode.TreeItem(`${indent}${stepLabel(step)}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = statusIcon(step.status);
    item.description = [step.rawStatus.toLowerCase(), durationText(step), step.agent, step.model].filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${vscode.l10n.t('Step')}** `);
    tooltip.appendText(stepLabel(step));
    for (const [label, value] of stepFields(step)) {
      tooltip.appendMarkdown(`  \n${label}: `);
      tooltip.appendText(value);
    }
    item.tooltip = tooltip;
    item.contextValue = viewItem(VIEW_ITEM.step, step.status);
    // A click opens the run panel on this step (or selects it in the open one).
    item.command = { command: COMMANDS.openRun, title: vscode.l10n.t('Open Step'), arguments: [this.sourceId, this.runId, step.id] };
    item.accessibilityInformation = { label: `${stepLabel(step)}, ${item.description}` };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
