// The run panel: one webview panel per run (opening it again re-focuses it), fed by typed
// messages. The extension fetches, the webview draws: the run and its steps once, each
// step's payload on demand through the shared cache. Restored after a reload by the
// serializer registered in runCommands.ts.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { compareUnavailableReason } from '../core/compare';
import { stepLabel } from '../core/format';
import type { RunDetail } from '../core/model';
import type { PayloadCache } from '../core/payloadCache';
import { payloadView } from '../core/payloadView';
import { userMessage } from '../core/errors';
import { openRaw } from '../commands/openRunCommands';
import { panelHtml, panelResourceRoots } from './panelHtml';
import { parseFromWebview, PROTOCOL_VERSION, RUN_PANEL_VIEW_TYPE, type FromWebviewMessage, type PanelAction, type PanelState, type ToWebviewMessage } from './protocol';
import { panelCapabilities, panelTitle, runMessage } from './runView';
import { loadStepPayload, openStepDocument, stepDocumentUri } from './stepDocuments';

export interface RunTarget {
  readonly sourceId: string;
  readonly runId: string;
}

/** What the panel's buttons do; implemented by the run commands. */
export interface RunPanelActions {
  replay(target: RunTarget): Promise<void>;
  compare(target: RunTarget): Promise<void>;
  exportRun(target: RunTarget): Promise<void>;
}

export interface RunPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly registry: SourceRegistry;
  readonly payloads: PayloadCache;
  readonly log: vscode.LogOutputChannel;
  readonly actions: RunPanelActions;
}

const keyOf = (t: RunTarget) => JSON.stringify([t.sourceId, t.runId]);

export class RunPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, RunPanel>();
  private static lastActive: RunPanel | undefined;

  private detail: Promise<RunDetail> | undefined;
  private loaded: RunDetail | undefined;
  private ready = false;
  private readonly busy = new Set<PanelAction>();
  /** The last Compare result, sent again whenever the webview (re)loads. */
  private divergence: ToWebviewMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the run's panel, or reveals it if it is already open. */
  static show(services: RunPanelServices, target: RunTarget, preserveFocus = false): RunPanel {
    const existing = RunPanel.panels.get(keyOf(target));
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RUN_PANEL_VIEW_TYPE,
      `Run ${target.runId.slice(0, 8)}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, localResourceRoots: panelResourceRoots(services.extensionUri), enableFindWidget: true },
    );
    return new RunPanel(services, panel, target);
  }

  /** Re-attaches a panel VS Code restored after a reload (WebviewPanelSerializer). */
  static revive(services: RunPanelServices, panel: vscode.WebviewPanel, state: PanelState): RunPanel {
    const existing = RunPanel.panels.get(keyOf(state));
    if (existing) {
      // Two restored tabs of one run: keep one.
      panel.dispose();
      return existing;
    }
    services.log.info(`restoring the panel of run ${state.runId}${state.selectedStepId ? ` on step ${state.selectedStepId}` : ''}`);
    panel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(services.extensionUri) };
    return new RunPanel(services, panel, { sourceId: state.sourceId, runId: state.runId });
  }

  static get(target: RunTarget): RunPanel | undefined {
    return RunPanel.panels.get(keyOf(target));
  }

  /** The focused run panel, else the last one focused: what palette commands act on. */
  static active(): RunPanel | undefined {
    for (const p of RunPanel.panels.values()) if (p.panel.active) return p;
    return RunPanel.lastActive && RunPanel.panels.has(keyOf(RunPanel.lastActive.target)) ? RunPanel.lastActive : undefined;
  }

  static disposeAll(): void {
    for (const p of [...RunPanel.panels.values()]) p.dispose();
  }

  private constructor(
    private readonly services: RunPanelServices,
    readonly panel: vscode.WebviewPanel,
    readonly target: RunTarget,
  ) {
    RunPanel.panels.set(keyOf(target), this);
    RunPanel.lastActive = this;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'task-history.svg');
    panel.webview.html = panelHtml(panel.webview, services.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.active) RunPanel.lastActive = this;
        RunPanel.updateContext();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.onMessage(message);
        else services.log.warn('run panel: ignored a malformed message from the webview');
      }),
    );
    void this.load();
    RunPanel.updateContext();
  }

  /** `taskHistory.runPanelActive` shows the run commands in the palette while a run panel has focus. */
  private static updateContext(): void {
    const active = [...RunPanel.panels.values()].some((p) => p.panel.active);
    void vscode.commands.executeCommand('setContext', 'taskHistory.runPanelActive', active);
  }

  /** The run with its steps (fetched once per panel, again on Reload). */
  run(): Promise<RunDetail> {
    return this.load();
  }

  async reload(): Promise<void> {
    this.detail = undefined;
    this.loaded = undefined;
    this.divergence = undefined;
    await this.post({ type: 'loading', ...this.target });
    await this.sendRun();
  }

  setBusy(action: PanelAction, busy: boolean): void {
    if (busy) this.busy.add(action);
    else this.busy.delete(action);
    void this.post({ type: 'busy', action, busy });
  }

  markDivergence(baselineRunId: string, summary: string, stepId: string | undefined): void {
    this.divergence = { type: 'divergence', baselineRunId, summary, stepId };
    void this.post(this.divergence);
  }

  dispose(): void {
    if (RunPanel.panels.get(keyOf(this.target)) === this) RunPanel.panels.delete(keyOf(this.target));
    if (RunPanel.lastActive === this) RunPanel.lastActive = undefined;
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
    this.panel.dispose();
    RunPanel.updateContext();
  }

  private load(): Promise<RunDetail> {
    if (!this.detail) {
      const configured = this.services.registry.get(this.target.sourceId);
      const detail = configured
        ? configured.source.getRun(this.target.runId)
        : Promise.reject(new Error(`The source "${this.target.sourceId}" is not configured (any more). Open the demo or add the source, then reopen the run.`));
      this.detail = detail;
      detail.then(
        (d) => {
          this.loaded = d;
          this.panel.title = panelTitle(d);
        },
        () => {
          if (this.detail === detail) this.detail = undefined;
        },
      );
    }
    return this.detail;
  }

  private async sendRun(): Promise<void> {
    try {
      const detail = await this.load();
      const configured = this.services.registry.get(this.target.sourceId)!;
      const caps = panelCapabilities(configured.source.capabilities, compareUnavailableReason(configured.source, detail));
      await this.post(runMessage(this.target.sourceId, configured.config.label ?? configured.source.label, detail, caps));
      for (const action of this.busy) await this.post({ type: 'busy', action, busy: true });
      if (this.divergence) await this.post(this.divergence);
    } catch (error) {
      this.services.log.warn(`run panel ${this.target.runId}: ${userMessage(error)}`);
      await this.post({ type: 'loadError', message: userMessage(error) });
    }
  }

  private async onMessage(message: FromWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (message.version !== PROTOCOL_VERSION) {
          // A webview from another build: give it this build's page.
          this.panel.webview.html = panelHtml(this.panel.webview, this.services.extensionUri);
          return;
        }
        this.ready = true;
        if (!this.loaded) await this.post({ type: 'loading', ...this.target });
        await this.sendRun();
        return;
      case 'loadPayload':
        await this.sendPayload(message.requestId, message.stepId);
        return;
      case 'openPayload': {
        const step = this.loaded?.steps.find((s) => s.id === message.stepId);
        const uri = stepDocumentUri(this.target.sourceId, this.target.runId, message.stepId, message.part, { label: step ? stepLabel(step) : undefined });
        await openStepDocument(uri);
        return;
      }
      case 'action':
        await this.runAction(message.action);
        return;
    }
  }

  private async runAction(action: PanelAction): Promise<void> {
    switch (action) {
      case 'openRaw':
        return openRaw(this.target.sourceId, this.target.runId);
      case 'copyId':
        await vscode.env.clipboard.writeText(this.target.runId);
        vscode.window.setStatusBarMessage(`Copied ${this.target.runId}`, 3000);
        return;
      case 'reload':
        return this.reload();
      case 'replay':
        return this.services.actions.replay(this.target);
      case 'compare':
        return this.services.actions.compare(this.target);
      case 'export':
        return this.services.actions.exportRun(this.target);
    }
  }

  private async sendPayload(requestId: number, stepId: string): Promise<void> {
    try {
      const detail = await this.load();
      const step = detail.steps.find((s) => s.id === stepId);
      if (!step) throw new Error(`Run ${detail.id} has no step ${stepId}.`);
      const payload = await loadStepPayload(this.services.registry, this.services.payloads, this.target.sourceId, this.target.runId, step);
      await this.post({
        type: 'payload',
        requestId,
        stepId,
        payload: { input: payloadView(payload.input, payload.isLargeInput), output: payloadView(payload.output, payload.isLargeOutput) },
      });
    } catch (error) {
      await this.post({ type: 'payloadError', requestId, stepId, message: userMessage(error) });
    }
  }

  private async post(message: ToWebviewMessage): Promise<void> {
    if (!this.ready) return;
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while we were fetching: nothing to tell.
    }
  }
}
