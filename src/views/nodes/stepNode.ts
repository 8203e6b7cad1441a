// One step of an expanded run: status icon, "↳" for its depth in the flow, status and
// duration, and a tooltip with every field.
import * as vscode from 'vscode';
import { formatDuration } from '../../core/duration';
import { stepLabel } from '../../core/format';
import type { RunDetail } from '../../core/model';
import { statusIcon } from '../statusStyle';
import type { TreeNode } from './treeNode';

export class StepNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
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
    const duration = step.status === 'running' && !step.endedAt ? 'running' : formatDuration(step.durationMs) || step.durationText || '';
    item.description = [step.rawStatus.toLowerCase(), duration, step.agent, step.model].filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**Step** ');
    tooltip.appendText(stepLabel(step));
    for (const [label, value] of [
      ['Id', step.id],
      ['Type', step.type],
      ['Status', step.rawStatus],
      ['Started', step.startedAt],
      ['Ended', step.endedAt],
      ['Duration', duration],
      ['Agent', step.agent],
      ['Model', step.model],
      ['Tokens', step.tokensUsed?.toString()],
      ['Tools', step.toolsUsed?.join(', ')],
      ['Input size', step.inputSize?.toString()],
      ['Output size', step.outputSize?.toString()],
    ] as const) {
      if (value) {
        tooltip.appendMarkdown(`  \n${label}: `);
        tooltip.appendText(value);
      }
    }
    item.tooltip = tooltip;
    item.contextValue = `step ${step.status}`;
    item.accessibilityInformation = { label: `${stepLabel(step)}, ${item.description}` };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
