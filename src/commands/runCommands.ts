// The run panel's commands: Open Run (the panel, on a step if given), Replay Run…, Compare
// with Last Success, Export Run…, and the serializer that restores run panels after a
// reload. Each command takes a run from a tree item, from (sourceId, runId), or from the
// focused run panel (runTarget.ts).
import * as vscode from 'vscode';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { parsePanelState, RUN_PANEL_VIEW_TYPE } from '../panels/protocol';
import { RunPanel, type RunPanelServices } from '../panels/runPanel';
import { compareWithLastSuccess } from './compareCommand';
import { exportRun } from './exportRunCommand';
import { replayRun } from './replayCommand';
import { resolveRun, type RunCommandDeps } from './runTarget';

type RunCommand = typeof COMMANDS.openRun | typeof COMMANDS.replayRun | typeof COMMANDS.compareWithLastSuccess | typeof COMMANDS.exportRun;

export interface RunCommands {
  readonly handlers: Pick<CommandHandlers, RunCommand>;
  /** The panel serializer, and closing every panel when the extension ends. */
  readonly disposables: vscode.Disposable[];
}

export function runCommands(deps: RunCommandDeps): RunCommands {
  const services: RunPanelServices = {
    ...deps,
    actions: {
      replay: (target) => replayRun(deps, resolveRun(deps, target)),
      compare: (target) => compareWithLastSuccess(deps, services, resolveRun(deps, target)),
      exportRun: (target) => exportRun(deps, resolveRun(deps, target)),
    },
  };
  return {
    handlers: {
      // (sourceId, runId, stepId?) from a tree item's click, a link or another command; a run node from a menu.
      [COMMANDS.openRun]: (arg?: unknown, runId?: unknown, stepId?: unknown) => {
        const resolved = resolveRun(deps, arg, runId);
        if (resolved) RunPanel.show(services, resolved.target, { stepId: typeof stepId === 'string' ? stepId : undefined });
      },
      [COMMANDS.replayRun]: (arg?: unknown, runId?: unknown) => replayRun(deps, resolveRun(deps, arg, runId)),
      [COMMANDS.compareWithLastSuccess]: (arg?: unknown, runId?: unknown) => compareWithLastSuccess(deps, services, resolveRun(deps, arg, runId)),
      [COMMANDS.exportRun]: (arg?: unknown, runId?: unknown) => exportRun(deps, resolveRun(deps, arg, runId)),
    },
    disposables: [
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
    ],
  };
}
