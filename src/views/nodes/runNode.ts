// One run: coloured status icon, name or short id, "5 min ago · 1.48 s", a tooltip with
// every field; expanding it lists its steps in flow order.
import * as vscode from 'vscode';
import { runDescription, runFields, runLabel } from '../../core/format';
import type { Run, SourceCapabilities } from '../../core/model';
import { StepNode } from './stepNode';
import { orderSteps } from '../../core/stepGraph';
import type { HistorySource } from '../../core/source';
import { statusIcon } from '../statusStyle';
import { errorNode } from './errorNodes';
import { MessageNode } from './messageNode';
import type { TreeContext, TreeNode } from './treeNode';

export class RunNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode,
    public run: Run,
    readonly sourceId: string,
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = `${parent.id}/run:${run.id}`;
    ctx.track(this);
  }

  get capabilities(): SourceCapabilities {
    return this.source.capabilities;
  }

  /** Replaces the run after a live poll and drops cached steps so they reload. */
  update(run: Run): void {
    this.run = run;
    this.ctx.details.delete(this.id);
  }

  getTreeItem(): vscode.TreeItem {
    const run = this.run;
    const item = new vscode.TreeItem(runLabel(run), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = runDescription(run);
    item.iconPath = statusIcon(run.status);
    item.tooltip = runTooltip(run);
    const tokens = ['run', run.status, this.capabilities.replay ? 'replayable' : '', this.capabilities.stepPayloads ? 'payloads' : ''];
    item.contextValue = tokens.filter(Boolean).join(' ');
    item.accessibilityInformation = { label: `${runLabel(run)}, ${run.rawStatus}, ${runDescription(run)}` };
    // A click opens the run panel; the twistie (or →) lists the steps here.
    item.command = { command: 'taskHistory.openRun', title: 'Open Run', arguments: [this.sourceId, run.id] };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    let loading = this.ctx.details.get(this.id);
    if (!loading) {
      loading = this.source.getRun(this.run.id);
      this.ctx.details.set(this.id, loading);
    }
    try {
      const detail = await loading;
      if (detail.steps.length === 0) return [new MessageNode(this, `${this.id}/empty`, 'empty', 'This run has no steps yet.')];
      return orderSteps(detail.steps).map(({ step, depth }) => new StepNode(this, step, depth));
    } catch (error) {
      if (this.ctx.details.get(this.id) === loading) this.ctx.details.delete(this.id);
      return [errorNode(this, this.sourceId, error)];
    }
  }
}

/** Every field, with API values added as text (never as Markdown or HTML). */
function runTooltip(run: Run): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown('**');
  tooltip.appendText(runLabel(run));
  tooltip.appendMarkdown('**');
  for (const [label, value] of runFields(run)) {
    tooltip.appendMarkdown(`  \n${label}: `);
    tooltip.appendText(value);
  }
  return tooltip;
}
