// The Insights panel: success, durations, tokens, tools and error signatures across the runs
// of the run index, for one source or all of them, following the tree's filter (its time
// range above all). The extension computes the figures from the index with no request (the
// `compute` service, src/insights/) and sends them as typed messages; the webview draws each
// as a chart with its numbers in a table beside it. One panel: opening it for another scope
// re-uses it. Restored after a reload with its scope (the webview saves it).
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { userMessage } from '../core/errors';
import type { WorkflowNames } from '../core/workflowNames';
import type { Disposable } from '../store/emitter';
import { showErrorMessage } from '../views/notifications';
import { createNonce } from './csp';
import { panelHtml, panelResourceRoots, type PanelPage } from './panelHtml';
import {
  INSIGHTS_PROTOCOL_VERSION,
  INSIGHTS_VIEW_TYPE,
  parseFromInsightsWebview,
  type FromInsightsWebview,
  type InsightsScopeState,
  type SourceInsights,
  type ToInsightsWebview,
} from './insightsProtocol';
import { signatureMarkdown } from './insightsMarkdown';

export interface InsightsServices {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** Every configured source, in the tree's order: id and label. */
  sources(): readonly { readonly id: string; readonly label: string }[];
  /** The filters of these sources (every source when none is given) in words: each source's figures follow its own filter. */
  filter(sourceIds: readonly string[]): string;
  readonly onDidChangeFilter: vscode.Event<unknown>;
  workflowNames(): WorkflowNames;
  /** One source's figures from the run index (no request), or why there are none. */
  compute(sourceId: string, label: string, bucket: InsightsScopeState['bucket']): Promise<SourceInsights>;
  /** The runs of an error signature (by its key), for Export and the list of them. */
  signatureRuns(sourceId: string, key: string): Promise<readonly string[]>;
  exportRuns(sourceId: string, runIds: readonly string[], title: string): Promise<void>;
  /** These runs of a source; `key`, the error signature they are, lets the tree show its row. */
  listRuns(sourceId: string, runIds: readonly string[], title: string, key?: string): Promise<void>;
}

export class InsightsPanel implements vscode.Disposable {
  private static current: InsightsPanel | undefined;
  private readonly disposables: Disposable[] = [];
  private ready = false;
  private last: Extract<ToInsightsWebview, { type: 'insights' }> | undefined;
  private generation = 0;

  /** Opens the panel on a scope (one source, or every source when empty), or shows it there. */
  static show(services: InsightsServices, scope: InsightsScopeState): InsightsPanel {
    const existing = InsightsPanel.current;
    if (existing) {
      existing.scope = scope;
      existing.panel.reveal(undefined, false);
      void existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(INSIGHTS_VIEW_TYPE, vscode.l10n.t('Insights'), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: panelResourceRoots(services.extensionUri),
      enableFindWidget: true,
    });
    return new InsightsPanel(services, panel, scope);
  }

  /** Re-attaches a panel VS Code restored after a reload, on the scope it had. */
  static revive(services: InsightsServices, panel: vscode.WebviewPanel, scope: InsightsScopeState): InsightsPanel {
    if (InsightsPanel.current) {
      panel.dispose();
      return InsightsPanel.current;
    }
    panel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(services.extensionUri) };
    return new InsightsPanel(services, panel, scope);
  }

  static disposeCurrent(): void {
    InsightsPanel.current?.dispose();
  }

  private constructor(
    private readonly services: InsightsServices,
    readonly panel: vscode.WebviewPanel,
    private scope: InsightsScopeState,
  ) {
    InsightsPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'task-history.svg');
    panel.webview.html = panelHtml(panel.webview, services.extensionUri, createNonce(), insightsPage());
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromInsightsWebview(raw);
        if (message) void this.onMessage(message);
        else services.log.warn('insights panel: ignored a malformed message from the webview');
      }),
      // It follows the tree's filter: a new time range is a new set of runs.
      services.onDidChangeFilter(() => void this.refresh()),
    );
    this.updateTitle();
  }

  /** Computes the figures again (a new filter, a sync, Refresh) and sends them. */
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    this.updateTitle();
    if (this.ready) await this.post({ v: INSIGHTS_PROTOCOL_VERSION, type: 'loading', scope: this.scope });
    const all = this.services.sources();
    const wanted = this.scope.sourceIds.length === 0 ? all : all.filter((s) => this.scope.sourceIds.includes(s.id));
    try {
      const sources: SourceInsights[] = [];
      for (const source of wanted) sources.push(await this.services.compute(source.id, source.label, this.scope.bucket));
      if (generation !== this.generation) return; // a newer refresh is under way
      this.last = {
        v: INSIGHTS_PROTOCOL_VERSION,
        type: 'insights',
        scope: this.scope,
        filter: this.services.filter(this.scope.sourceIds),
        sources,
        workflowNames: [...this.services.workflowNames()],
      };
      if (this.ready) await this.post(this.last);
    } catch (error) {
      this.services.log.error(`insights: ${userMessage(error)}`);
      if (generation === this.generation)
        await this.post({ v: INSIGHTS_PROTOCOL_VERSION, type: 'error', message: vscode.l10n.t('Insights could not be computed: {0}', userMessage(error)) });
    }
  }

  private updateTitle(): void {
    const names = this.scope.sourceIds.map((id) => this.services.sources().find((s) => s.id === id)?.label ?? id);
    this.panel.title = names.length === 1 ? vscode.l10n.t('Insights: {0}', names[0]!) : vscode.l10n.t('Insights');
  }

  private async onMessage(message: FromInsightsWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.last) await this.post(this.last);
        else await this.refresh();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'setBucket':
        this.scope = { ...this.scope, bucket: message.bucket };
        await this.refresh();
        return;
      case 'openRun':
        await vscode.commands.executeCommand(COMMANDS.openRun, message.sourceId, message.runId, message.stepId);
        return;
      case 'nameWorkflow':
        await vscode.commands.executeCommand(COMMANDS.nameWorkflow, message.workflowId);
        await this.refresh();
        return;
      case 'signature':
        await this.signatureAction(message);
        return;
    }
  }

  private async signatureAction(message: Extract<FromInsightsWebview, { type: 'signature' }>): Promise<void> {
    const source = this.last?.sources.find((s) => s.sourceId === message.sourceId);
    const signature = source?.data?.errors.signatures.find((s) => s.key === message.signature);
    if (!source || !signature) return;
    try {
      if (message.action === 'copyMarkdown') {
        await vscode.env.clipboard.writeText(signatureMarkdown(source.label, signature, this.services.filter([source.sourceId])));
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the error signature as Markdown.'), 3000);
        return;
      }
      const ids = await this.services.signatureRuns(message.sourceId, message.signature);
      const title = `${source.label} › ${signature.signature.slice(0, 60)}`;
      if (message.action === 'export') await this.services.exportRuns(message.sourceId, ids, title);
      else await this.services.listRuns(message.sourceId, ids, title, message.signature);
    } catch (error) {
      void showErrorMessage(vscode.l10n.t('Task History: {0}', userMessage(error)));
    }
  }

  private async post(message: ToInsightsWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (InsightsPanel.current === this) InsightsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The panel's page: the run panel's shell and CSP; no data in the HTML (it arrives by message, drawn as text). A function: its words are read in the display language. */
const insightsPage = (): PanelPage => ({
  script: ['dist', 'insights.js'],
  // The charts' stylesheet (uPlot's and ours, bundled beside the script), then the panel's.
  styles: [
    ['dist', 'insights.css'],
    ['media', 'insights.css'],
  ],
  title: vscode.l10n.t('Insights'),
  placeholder: vscode.l10n.t('Computing Insights from the run index…'),
});
