// What every run action (Replay, Compare, Export Run) does around its work, written once:
// one at a time per run and action (a second click while one runs is ignored), and the run
// panel's button shown busy meanwhile, freed however the work ends. (Their progress with a
// Cancel button is cancellableProgress.ts.)
import type { PanelAction } from '../panels/protocol';
import type { RunPanel, RunTarget } from '../panels/runPanel';

const inFlight = new Set<string>();

/**
 * Runs `work` unless the same action is already running for this run (then resolves
 * undefined at once): the panel's button is busy meanwhile, and free again however it ends.
 */
export async function exclusivePerRun<T>(action: PanelAction, target: RunTarget, panel: RunPanel | undefined, work: () => Promise<T>): Promise<T | undefined> {
  const key = JSON.stringify([action, target.sourceId, target.runId]);
  if (inFlight.has(key)) return undefined;
  inFlight.add(key);
  panel?.setBusy(action, true);
  try {
    return await work();
  } finally {
    inFlight.delete(key);
    panel?.setBusy(action, false);
  }
}
