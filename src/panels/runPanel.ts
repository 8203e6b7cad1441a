// The run panel: one webview panel per run (opening it again re-focuses it), fed by typed
// messages. The extension fetches, the webview draws. The run comes from the run store and
// the panel listens to it: a running run's new steps and final status arrive as live refresh
// polls it (the panel keeps its run in the store, which makes live refresh poll it while it
// may change), without Reload. Each step's payload is loaded on demand through the store.
// Restored after a reload by the serializer registered in runCommands.ts.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { BUILTIN_COMMANDS, COMMANDS, CONTEXT_KEYS } from '../contributions';
import { compareUnavailableReason } from '../core/compare';
import { userMessage } from '../core/errors';
import { stepLabel } from '../core/format';
import type { RunDetail } from '../core/model';
import { payloadView } from '../core/payloadView';
import { isActive } from '../core/runState';
import { openRunDocument, openStepDocument, stepDocumentUri } from '../documents/taskHistoryDocuments';
import type { Disposable } from '../store/emitter';
import type { RunStore } from '../store/runStore';
import { panelHtml, panelResourceRoots } from './panelHtml';
import {
  parseFromWebview,
  PROTOCOL_VERSION,
  RUN_PANEL_VIEW_TYPE,
  type DivergenceMessage,
  type FromWebviewMessage,
  type PanelAction,
  type PanelState,
  type ToWebviewMessage,
} from './protocol';
import { panelCapabilities, panelTitle, runMessage } from './runView';

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
  readonly store: RunStore;
  readonly log: vscode.LogOutputChannel;
  readonly actions: RunPanelActions;
  /** A panel was shown, hidden or closed (live refresh polls while a panel of a running run is on screen). */
  readonly panelsChanged?: () => void;
}

/** How to show a panel: keep the focus where it is, and which step to select. */
export interface ShowOptions {
  readonly preserveFocus?: boolean;
  readonly stepId?: string;
}

const keyOf = (t: RunTarget) => JSON.stringify([t.sourceId, t.runId]);

export class RunPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, RunPanel>();
  private static lastActive: RunPanel | undefined;

  private detail: Promise<RunDetail> | undefined;
  private loaded: RunDetail | undefined;
  /** The step to open on, until the run has been shown. */
  private initialStepId: string | undefined;
  private ready = false;
  private readonly busy = new Set<PanelAction>();
  /** The last Compare result, sent again whenever the webview (re)loads. */
  private divergence: DivergenceMessage | undefined;
  private readonly disposables: Disposable[] = [];

  /** Opens the run's panel (on a step, if given), or reveals it if it is already open. */
  static show(services: RunPanelServices, target: RunTarget, options: ShowOptions = {}): RunPanel {
    const preserveFocus = options.preserveFocus ?? false;
    const existing = RunPanel.panels.get(keyOf(target));
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      if (options.stepId) existing.selectStep(options.stepId);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      RUN_PANEL_VIEW_TYPE,
      vscode.l10n.t('Run {0}', target.runId.slice(0, 8)),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, localResourceRoots: panelResourceRoots(services.extensionUri), enableFindWidget: true },
    );
    return new RunPanel(services, panel, target, options.stepId);
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

  /** Whether a panel of a run that may still change is on screen (live refresh polls it then). */
  static activeRunVisible(): boolean {
    return [...RunPanel.panels.values()].some((p) => p.panel.visible && p.loaded !== undefined && isActive(p.loaded.status));
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
    initialStepId?: string,
  ) {
    this.initialStepId = initialStepId;
    RunPanel.panels.set(keyOf(target), this);
    RunPanel.lastActive = this;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'task-history.svg');
    panel.webview.html = panelHtml(panel.webview, services.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.active) RunPanel.lastActive = this;
        RunPanel.updateContext();
        services.panelsChanged?.();
      }),
      // Polled while it may change, and never evicted while the panel is open.
      services.store.retain(target.sourceId, target.runId),
      services.store.onDidChangeRun((change) => {
        if (change.sourceId === target.sourceId && change.run.id === target.runId) void this.runChanged(change.detail);
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) void this.onMessage(message);
        else services.log.warn('run panel: ignored a malformed message from the webview');
      }),
    );
    void this.load();
    RunPanel.updateContext();
    services.panelsChanged?.();
  }

  /** `taskHistory.runPanelActive` shows the run commands in the palette while a run panel has focus. */
  private static updateContext(): void {
    const active = [...RunPanel.panels.values()].some((p) => p.panel.active);
    void vscode.commands.executeCommand(BUILTIN_COMMANDS.setContext, CONTEXT_KEYS.runPanelActive, active);
  }

  /** The run with its steps (from the store; from the API again on Reload). */
  run(): Promise<RunDetail> {
    return this.load();
  }

  async reload(): Promise<void> {
    this.detail = undefined;
    this.loaded = undefined;
    this.divergence = undefined;
    await this.post({ type: 'loading', ...this.target });
    await this.sendRun(true);
  }

  /** Selects a step (a step clicked in the tree). */
  selectStep(stepId: string): void {
    if (this.loaded) void this.post({ type: 'selectStep', stepId });
    else this.initialStepId = stepId;
  }

  /** The store has a newer state of this run: show it in place (selection, scroll and focus stay). */
  private async runChanged(detail: RunDetail | undefined): Promise<void> {
    if (!this.loaded) return; // still loading: the load shows the newest state
    const next = detail ?? (await this.services.store.getRun(this.target.sourceId, this.target.runId).catch(() => undefined));
    if (!next || next === this.loaded) return;
    this.detail = Promise.resolve(next);
    this.loaded = next;
    this.panel.title = panelTitle(next);
    this.services.panelsChanged?.();
    await this.sendRun(false, true);
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
    this.services.panelsChanged?.();
  }

  private load(fresh = false): Promise<RunDetail> {
    if (!this.detail) {
      const detail = this.services.store.getRun(this.target.sourceId, this.target.runId, { fresh });
      this.detail = detail;
      detail.then(
        (d) => {
          this.loaded = d;
          this.panel.title = panelTitle(d);
          this.services.panelsChanged?.();
        },
        () => {
          if (this.detail === detail) this.detail = undefined;
        },
      );
    }
    return this.detail;
  }

  private async sendRun(fresh = false, update = false): Promise<void> {
    try {
      const detail = await this.load(fresh);
      const configured = this.services.registry.get(this.target.sourceId);
      if (!configured) throw new Error(vscode.l10n.t('The source "{0}" is not configured (any more). Open the demo or add the source, then reopen the run.', this.target.sourceId));
      const caps = panelCapabilities(configured.source.capabilities, compareUnavailableReason(configured.source, detail));
      const message = runMessage(this.target.sourceId, configured.config.label ?? configured.source.label, detail, caps);
      const initialStepId = this.initialStepId && detail.steps.some((s) => s.id === this.initialStepId) ? this.initialStepId : message.initialStepId;
      this.initialStepId = undefined;
      await this.post({ ...message, initialStepId, update: update || undefined });
      for (const action of this.busy) await this.post({ type: 'busy', action, busy: true });
      if (this.divergence) await this.post({ ...this.divergence, restore: true });
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
        await openStepDocument(stepDocumentUri(this.target.sourceId, this.target.runId, message.stepId, message.part, { label: step ? stepLabel(step) : undefined }));
        return;
      }
      case 'action':
        await this.runAction(message.action, message.stepId);
        return;
    }
  }

  private async runAction(action: PanelAction, stepId?: string): Promise<void> {
    switch (action) {
      case 'openRaw':
        return openRunDocument(this.target.sourceId, this.target.runId);
      case 'copyId':
        await vscode.env.clipboard.writeText(this.target.runId);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', this.target.runId), 3000);
        return;
      case 'copyLink':
        // The link names the step shown, when it is one of this run's (src/commands/linkCommands.ts).
        await vscode.commands.executeCommand(COMMANDS.copyLink, { ...this.target, stepId: this.loaded?.steps.some((s) => s.id === stepId) ? stepId : undefined });
        return;
      case 'openDashboard':
        await vscode.commands.executeCommand(COMMANDS.openInDashboard, this.target);
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
      if (!step) throw new Error(vscode.l10n.t('Run {0} has no step {1}.', detail.id, stepId));
      const payload = await this.services.store.stepPayload(this.target.sourceId, this.target.runId, step);
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
