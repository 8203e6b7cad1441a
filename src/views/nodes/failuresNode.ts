// A source's "Failures" row: the error signatures of the failed runs the run index holds for
// the tree's filter (Insights' clustering, src/insights/errors.ts), each with its count and
// when it was last seen; expanding a signature lists its runs (newest first) as the same run
// rows as everywhere, so a click opens the run panel on the failing step.
//
// Computing the signatures reads every failed run's failing step (150,000 runs: 100+ ms), so
// it happens when the row is expanded, never when the source row is painted, and once: the
// result is kept on this node until the source resets (Refresh, the filter, the index opening
// or closing) or a sync forgets it (RunsTreeProvider.indexSynced repaints only this row). Ids are stable
// (`<source>/failures/<key>`) so VS Code keeps a signature expanded across repaints, and "List
// in Tree" (Insights) can reveal one. The signatures are computed with the tree's filter as it
// is then (a relative range such as "last 24 hours" ends now, so runs a sync just added are
// in it), and a signature's runs are read with that same query.
import * as vscode from 'vscode';
import { filterToQuery } from '../../core/filters';
import type { Run, RunQuery } from '../../core/model';
import type { HistorySource } from '../../core/source';
import type { ErrorSignature, ErrorSignatures } from '../../insights/model';
import {
  failuresLabel,
  failuresTooltip,
  moreRunsMessage,
  noFailedRunsMessage,
  SIGNATURE_RUNS_SHOWN,
  signatureAccessibleLabel,
  signatureDescription,
  signatureLabel,
  signatureTooltip,
  withoutStepsMessage,
} from './failuresText';
import { MessageNode } from './messageNode';
import { RunNode } from './runNode';
import type { IndexedSourceView, TreeContext, TreeNode } from './treeNode';

export class FailuresNode implements TreeNode {
  readonly id: string;
  private result: { readonly query: RunQuery; readonly signatures: Promise<ErrorSignatures> } | undefined;
  /** One node per signature key, kept so a repaint (and a reveal) finds the same rows. */
  private readonly nodes = new Map<string, SignatureNode>();

  constructor(
    readonly parent: TreeNode & { readonly sourceId: string },
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = `${parent.id}/failures`;
  }

  get sourceId(): string {
    return this.parent.sourceId;
  }

  /** The query the signatures were computed with (the tree's filter then); the current filter's before they are. */
  get query(): RunQuery {
    return this.result?.query ?? filterToQuery(this.ctx.filter(this.sourceId));
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(failuresLabel(), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error');
    item.tooltip = failuresTooltip();
    item.accessibilityInformation = { label: failuresLabel() };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const view = this.ctx.indexed(this.sourceId);
    if (!view) return [new MessageNode(this, `${this.id}/closed`, 'empty', vscode.l10n.t('The run index is not open: "Task History: Sync Run Index" opens and fills it.'))];
    const result = await this.compute(view);
    if (result.failedRuns === 0) return [new MessageNode(this, `${this.id}/none`, 'empty', noFailedRunsMessage())];
    const children: TreeNode[] = result.signatures.map((s) => this.nodeFor(s));
    const without = withoutStepsMessage(result);
    if (without) children.push(new MessageNode(this, `${this.id}/without-steps`, 'empty', without));
    return children;
  }

  /**
   * A sync changed the index: the signatures are worked out again (with the tree's filter then)
   * when next expanded. The rows keep their ids, so VS Code keeps an expanded signature open.
   */
  forget(): void {
    this.result = undefined;
    this.nodes.clear();
  }

  /** The row of one signature (computing the signatures if not yet), or undefined when the index is closed or the filter has none. */
  async signature(key: string): Promise<SignatureNode | undefined> {
    const view = this.ctx.indexed(this.sourceId);
    if (!view) return undefined;
    const signature = (await this.compute(view)).signatures.find((s) => s.key === key);
    return signature && this.nodeFor(signature);
  }

  /** The signatures of the tree's filter, worked out once (in slices off the index when its frame is not ready: the host keeps answering). */
  private compute(view: IndexedSourceView): Promise<ErrorSignatures> {
    if (!this.result) {
      const query = filterToQuery(this.ctx.filter(this.sourceId));
      this.result = { query, signatures: view.errorSignatures(query) };
    }
    return this.result.signatures;
  }

  private nodeFor(signature: ErrorSignature): SignatureNode {
    let node = this.nodes.get(signature.key);
    if (!node) this.nodes.set(signature.key, (node = new SignatureNode(this, signature, this.source, this.ctx)));
    return node;
  }
}

/** One error signature: its text, count and trend; its runs below, newest first. */
export class SignatureNode implements TreeNode {
  readonly id: string;
  private runs: Promise<Run[]> | undefined;

  constructor(
    readonly parent: FailuresNode,
    readonly signature: ErrorSignature,
    private readonly source: HistorySource,
    private readonly ctx: TreeContext,
  ) {
    this.id = `${parent.id}/${signature.key}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(signatureLabel(this.signature), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('bug', new vscode.ThemeColor('testing.iconFailed'));
    item.description = signatureDescription(this.signature);
    const tooltip = new vscode.MarkdownString();
    for (const part of signatureTooltip(this.signature)) {
      if ('text' in part) tooltip.appendText(part.text);
      else tooltip.appendMarkdown(part.markdown);
    }
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: signatureAccessibleLabel(this.signature) };
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    const view = this.ctx.indexed(this.parent.sourceId);
    if (!view) return [new MessageNode(this, `${this.id}/closed`, 'empty', vscode.l10n.t('The run index is not open.'))];
    const runs = await (this.runs ??= view.signatureRuns(this.parent.query, this.signature.key));
    if (runs.length === 0) return [new MessageNode(this, `${this.id}/none`, 'empty', noFailedRunsMessage())];
    const shown = runs.slice(0, SIGNATURE_RUNS_SHOWN);
    const children: TreeNode[] = shown.map((run) => new RunNode(this, run, this.parent.sourceId, this.source, this.ctx));
    const more = moreRunsMessage(runs.length, shown.length);
    if (more) children.push(new MessageNode(this, `${this.id}/more`, 'empty', more));
    return children;
  }
}
