// Which run a run command acts on, and what the run commands share: a run from a tree item,
// from (sourceId, runId), or from the focused run panel, resolved once against the sources.
// Kept apart from runCommands.ts (which registers the commands) so that Replay, Compare and
// Export import this and nothing imports them back: no loop between the run commands.
import * as vscode from 'vscode';
import type { ConfiguredSource, SourceRegistry } from '../config/sourceRegistry';
import type { Run } from '../core/model';
import { RunPanel, type RunPanelServices, type RunTarget } from '../panels/runPanel';
import type { RunStore } from '../store/runStore';
import { showErrorMessage, showInformationMessage } from '../views/notifications';

export interface RunCommandDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: SourceRegistry;
  readonly store: RunStore;
  readonly log: vscode.LogOutputChannel;
  readonly panelsChanged?: () => void;
}

/** A run to act on, with what the caller already knew about it (saves a request). */
export interface ResolvedRun {
  readonly target: RunTarget;
  readonly configured: ConfiguredSource;
  readonly known?: Run;
  readonly panel?: RunPanel;
}

/** What Compare needs to open the run's panel when the command came from the tree. */
export type PanelServices = RunPanelServices;

/** Accepts a RunNode-like item ({ run, sourceId }), a RunTarget, or (sourceId, runId); else the active panel. */
export function resolveRun(deps: Pick<RunCommandDeps, 'registry' | 'store'>, arg?: unknown, runId?: unknown): ResolvedRun | undefined {
  let target: RunTarget | undefined;
  if (typeof arg === 'string' && typeof runId === 'string') target = { sourceId: arg, runId };
  else if (arg && typeof arg === 'object') {
    const o = arg as { sourceId?: unknown; runId?: unknown; run?: { id?: unknown } };
    if (typeof o.sourceId === 'string' && typeof o.run?.id === 'string') target = { sourceId: o.sourceId, runId: o.run.id };
    else if (typeof o.sourceId === 'string' && typeof o.runId === 'string') target = { sourceId: o.sourceId, runId: o.runId };
  }
  target ??= RunPanel.active()?.target;
  if (!target) {
    void showInformationMessage(vscode.l10n.t('Open a run first (Task History view, or "Open Run by ID…").'));
    return undefined;
  }
  const configured = deps.registry.get(target.sourceId);
  if (!configured) {
    void showErrorMessage(vscode.l10n.t('The source "{0}" is not configured any more.', target.sourceId));
    return undefined;
  }
  // The store's newest state of the run, whoever listed it.
  return { target, configured, known: deps.store.summary(target.sourceId, target.runId), panel: RunPanel.get(target) };
}
