// One run: coloured status icon, name or short id, "5 min ago · 1.48 s", a tooltip with
// every field; expanding it lists its steps in flow order. The node holds the run's id: its
// state and steps are read from the run store, so a live poll, a reload in the run panel or
// a failure count that saw a newer state all show here without the node being rebuilt.
import { workflowNames } from '../../config/settings';
import * as vscode from 'vscode';
import { COMMANDS, VIEW_ITEM, viewItem } from '../../contributions';
import { compareUnavailableReason } from '../../core/compare';
import { runDescription, runFields, runLabel } from '../../core/format';
import type { Run, SourceCapabilities } from '../../core/model';
import { orderSteps } from '../../core/stepGraph';
import type { HistorySource } from '../../core/source';
import { statusIcon } from '../statusStyle';
import { errorNode } from './errorNodes';
import { MessageNode } from './messageNode';
import { StepNode } from './stepNode';
import type { TreeContext, TreeNode } from './treeNode';

export class RunNode implements TreeNode {
  readonly id: string;
  readonly runId: string;

  constructor(
    readonly parent: TreeNode,
    /** The run as listed; the store's newer state wins. */
    private readonly listed: Run,
    readonly sourceId: string,
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.runId = listed.id;
    this.id = `${parent.id}/run:${listed.id}`;
    ctx.track(this);
  }

  /** The newest state of the run the store knows. */
  get run(): Run {
    return this.ctx.store.summary(this.sourceId, this.runId) ?? this.listed;
  }

  get capabilities(): SourceCapabilities {
    return this.source.capabilities;
  }

  getTreeItem(): vscode.TreeItem {
    const run = this.run;
    const item = new vscode.TreeItem(runLabel(run), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = runDescription(run);
    item.iconPath = statusIcon(run.status);
    item.tooltip = runTooltip(run);
    // `comparable` follows the rule the run panel uses (core's compareUnavailableReason).
    item.contextValue = viewItem(
      VIEW_ITEM.run,
      run.status,
      this.capabilities.replay && VIEW_ITEM.replayable,
      this.capabilities.stepPayloads && VIEW_ITEM.payloads,
      compareUnavailableReason(this.source, run) === undefined && VIEW_ITEM.comparable,
      run.workflowId !== undefined && VIEW_ITEM.workflow,
    );
    item.accessibilityInformation = { label: `${runLabel(run)}, ${run.rawStatus}, ${runDescription(run)}` };
    // A click opens the run panel; the twistie (or →) lists the steps here.
    item.command = { command: COMMANDS.openRun, title: vscode.l10n.t('Open Run'), arguments: [this.sourceId, run.id] };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    try {
      // From the store when it has the run (a repaint never asks the API again), else one joined request.
      const detail = await this.ctx.store.getRun(this.sourceId, this.runId);
      if (detail.steps.length === 0) return [new MessageNode(this, `${this.id}/empty`, 'empty', vscode.l10n.t('This run has no steps yet.'))];
      return orderSteps(detail.steps).map(({ step, depth }) => new StepNode(this, this.sourceId, this.runId, step, depth));
    } catch (error) {
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
  for (const [label, value] of runFields(run, workflowNames())) {
    tooltip.appendMarkdown(`  \n${label}: `);
    tooltip.appendText(value);
  }
  return tooltip;
}
