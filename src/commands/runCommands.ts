// The run panel's commands: Open Run (the panel), Replay Run…, Compare with Last Success,
// Export Run…, and the serializer that restores run panels after a reload. Each command
// takes a run from a tree item, from (sourceId, runId), or from the focused run panel.
import * as vscode from 'vscode';
import type { ConfiguredSource, SourceRegistry } from '../config/sourceRegistry';
import type { Run } from '../core/model';
import { PayloadCache } from '../core/payloadCache';
import { parsePanelState, RUN_PANEL_VIEW_TYPE } from '../panels/protocol';
import { RunPanel, type RunPanelServices, type RunTarget } from '../panels/runPanel';
import { compareWithLastSuccess } from './compareCommand';
import { exportRun } from './exportRunCommand';
import { replayRun } from './replayCommand';
import { showErrorMessage, showInformationMessage } from '../views/notifications';

export interface RunCommandDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: SourceRegistry;
  readonly payloads: PayloadCache;
  readonly log: vscode.LogOutputChannel;
}

/** A run to act on, with what the caller already knew about it (saves a request). */
export interface ResolvedRun {
  readonly target: RunTarget;
  readonly configured: ConfiguredSource;
  readonly known?: Run;
  readonly panel?: RunPanel;
}

/** Accepts a RunNode-like item ({ run, sourceId }), a RunTarget, or (sourceId, runId); else the active panel. */
export function resolveRun(registry: SourceRegistry, arg?: unknown, runId?: unknown): ResolvedRun | undefined {
  let target: RunTarget | undefined;
  let known: Run | undefined;
  if (typeof arg === 'string' && typeof runId === 'string') target = { sourceId: arg, runId };
  else if (arg && typeof arg === 'object') {
    const o = arg as { sourceId?: unknown; runId?: unknown; run?: { id?: unknown } };
    if (typeof o.sourceId === 'string' && typeof o.run?.id === 'string') {
      target = { sourceId: o.sourceId, runId: o.run.id };
      known = o.run as Run;
    } else if (typeof o.sourceId === 'string' && typeof o.runId === 'string') target = { sourceId: o.sourceId, runId: o.runId };
  }
  target ??= RunPanel.active()?.target;
  if (!target) {
    void showInformationMessage('Open a run first (Task History view, or "Open Run by ID…").');
    return undefined;
  }
  const configured = registry.get(target.sourceId);
  if (!configured) {
    void showErrorMessage(`The source "${target.sourceId}" is not configured any more.`);
    return undefined;
  }
  return { target, configured, known, panel: RunPanel.get(target) };
}

export function registerRunCommands(deps: RunCommandDeps): vscode.Disposable[] {
  const services: RunPanelServices = {
    ...deps,
    actions: {
      replay: (target) => replayRun(deps, resolveRun(deps.registry, target)),
      compare: (target) => compareWithLastSuccess(deps, services, resolveRun(deps.registry, target)),
      exportRun: (target) => exportRun(deps, resolveRun(deps.registry, target)),
    },
  };
  return [
    vscode.commands.registerCommand('taskHistory.openRun', (arg?: unknown, runId?: unknown) => {
      const resolved = resolveRun(deps.registry, arg, runId);
      if (resolved) RunPanel.show(services, resolved.target);
    }),
    vscode.commands.registerCommand('taskHistory.replayRun', (arg?: unknown, runId?: unknown) => replayRun(deps, resolveRun(deps.registry, arg, runId))),
    vscode.commands.registerCommand('taskHistory.compareWithLastSuccess', (arg?: unknown, runId?: unknown) =>
      compareWithLastSuccess(deps, services, resolveRun(deps.registry, arg, runId)),
    ),
    vscode.commands.registerCommand('taskHistory.exportRun', (arg?: unknown, runId?: unknown) => exportRun(deps, resolveRun(deps.registry, arg, runId))),
    vscode.window.registerWebviewPanelSerializer(RUN_PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown) {
        const state = parsePanelState(raw);
        if (!state) {
          // Closed before its run ever loaded: nothing to restore.
          panel.dispose();
          return;
        }
        RunPanel.revive(services, panel, state);
      },
    }),
    { dispose: () => RunPanel.disposeAll() },
  ];
}
