// Replay Run…: runs a workflow again, side effects included, so it asks first (modal,
// naming the workflow), sends exactly one request per confirmation (a second click while
// one is being confirmed or sent is ignored), then looks for the new execution and offers it.
// When the answer leaves open whether the replay ran (a 5xx, a connection broken after the
// request went out, a 201 cut short), it says so — never "try again" — looks for the new
// execution as after a success, and offers "Replay Again" only if the search found nothing.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { shortId } from '../core/format';
import type { Run } from '../core/model';
import { FIND_ATTEMPTS, FIND_INTERVAL_MS, findReplayedRun, settleUncertainReplay, uncertainReplayNotice, type UncertainReplayOutcome } from '../core/replay';
import type { HistorySource } from '../core/source';
import { isHistoryApiError, OutcomeUnknownError, userMessage } from '../core/errors';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage, showWarningMessage } from '../views/notifications';
import { withCancellableProgress } from './cancellableProgress';
import { exclusivePerRun } from './runAction';
import type { RunCommandDeps, ResolvedRun } from './runTarget';

export async function replayRun(deps: RunCommandDeps, resolved: ResolvedRun | undefined): Promise<void> {
  if (!resolved) return;
  const { target, configured, panel } = resolved;
  const { source } = configured;
  if (!source.capabilities.replay || !source.replay) {
    void showInformationMessage(vscode.l10n.t('{0} cannot replay runs.', source.label));
    return;
  }
  let ran = false;
  // One replay per run at a time: a second click while one is being confirmed or sent is ignored.
  const uncertain = await exclusivePerRun('replay', target, panel, () => {
    ran = true;
    return confirmAndReplay(deps, resolved);
  });
  if (!ran) deps.log.info(`replay of ${target.runId} is already being confirmed or sent; a second request was ignored`);
  // Shown once the guard is released: "Replay Again" asks for confirmation like any replay.
  if (uncertain) await offerAfterUncertain(deps, resolved, uncertain);
}

/** A replay whose outcome was unknown, and what the history said about it. */
interface Uncertain {
  readonly original: Run;
  readonly error: OutcomeUnknownError;
  readonly outcome: UncertainReplayOutcome;
}

/** Asks, sends the one request, and (still guarded against a second replay) settles an unknown outcome. */
async function confirmAndReplay(deps: RunCommandDeps, resolved: ResolvedRun): Promise<Uncertain | undefined> {
  const { target, configured, panel } = resolved;
  const source = configured.source;
  if (!source.replay) return undefined;
  let run: Run;
  try {
    run = resolved.known ?? (panel ? await panel.run() : await deps.store.getRun(target.sourceId, target.runId));
  } catch (error) {
    // Looking the run up again is the natural retry; the replay itself is asked again, never sent blindly.
    void showActionableError(vscode.l10n.t('Replay: {0}', userMessage(error)), error, { sourceId: target.sourceId, retry: () => replayRun(deps, resolved) });
    return undefined;
  }
  // For the log (English).
  const workflow = run.workflowId ? `workflow ${run.workflowId}` : 'this workflow';
  const replay = vscode.l10n.t('Replay');
  const choice = await showWarningMessage(
    run.workflowId ? vscode.l10n.t('Replay workflow {0}?', run.workflowId) : vscode.l10n.t('Replay this workflow?'),
    {
      modal: true,
      detail: run.workflowId
        ? vscode.l10n.t(
            "Execution {0} of workflow {1} runs again, with all its side effects: every step calls its integrations again and may create or change records in connected apps (a customer's CRM, for instance). This cannot be undone.",
            run.id,
            run.workflowId,
          )
        : vscode.l10n.t(
            "Execution {0} of this workflow runs again, with all its side effects: every step calls its integrations again and may create or change records in connected apps (a customer's CRM, for instance). This cannot be undone.",
            run.id,
          ),
    },
    replay,
  );
  if (choice !== replay) return undefined;
  const requestedAt = Date.now();
  try {
    await source.replay(target.runId);
  } catch (error) {
    deps.log.error(`replay ${target.runId}: ${isHistoryApiError(error) ? error.detail : String(error)}`);
    if (error instanceof OutcomeUnknownError) {
      return { original: run, error, outcome: await lookAfterUncertain(source, run, requestedAt, error) };
    }
    // No Retry: a replay is never sent again without asking (the error's kind says whether it could have run).
    void showActionableError(vscode.l10n.t('Replay failed: {0}', userMessage(error)), error, { sourceId: target.sourceId });
    return undefined;
  }
  deps.log.info(`replay of ${target.runId} (${workflow}) accepted`);
  void showInformationMessage(run.workflowId ? vscode.l10n.t('Replay of workflow {0} started.', run.workflowId) : vscode.l10n.t('Replay of this workflow started.'));
  void offerReplayedRun(deps, target.sourceId, source, run, requestedAt);
  return undefined;
}

/** The new execution is in the history now: the store's listings of the source start afresh, and the tree repaints that source only. */
function showReplayedIn(deps: RunCommandDeps, sourceId: string): void {
  deps.store.invalidate(sourceId);
}

async function offerReplayedRun(deps: RunCommandDeps, sourceId: string, source: HistorySource, original: Run, requestedAt: number): Promise<void> {
  let found: Run | undefined;
  try {
    found = await withCancellableProgress({ title: vscode.l10n.t('Looking for the replayed execution…'), location: vscode.ProgressLocation.Window }, (signal) =>
      findReplayedRun(source, original, requestedAt, { signal }),
    );
  } catch (error) {
    deps.log.warn(`looking for the replay of ${original.id}: ${userMessage(error)}`);
  }
  showReplayedIn(deps, sourceId);
  if (!found) {
    void showInformationMessage(
      vscode.l10n.t('The replay of {0} was accepted, but its execution has not appeared in the history yet. Refresh the Task History view in a moment.', original.id),
    );
    return;
  }
  deps.log.info(`replay of ${original.id} is execution ${found.id}`);
  const open = await showInformationMessage(
    vscode.l10n.t('The replay of {0} is execution {1} ({2}).', shortId(original.id), found.id, found.rawStatus.toLowerCase()),
    vscode.l10n.t('Open Run'),
  );
  if (open) await vscode.commands.executeCommand(COMMANDS.openRun, sourceId, found.id);
}

/** The replay may have started: look for its execution first (the guard against a second replay still held). */
async function lookAfterUncertain(source: HistorySource, original: Run, requestedAt: number, error: OutcomeUnknownError): Promise<UncertainReplayOutcome> {
  try {
    return await withCancellableProgress(
      { title: vscode.l10n.t('The replay of {0} may have started ({1}). Looking for its new execution…', shortId(original.id), error.reason) },
      (signal) => settleUncertainReplay(source, original, requestedAt, { signal }),
    );
  } catch (searchError) {
    return { kind: 'look-failed', error: searchError };
  }
}

/** Says what the search found: "Open Run" if it found the execution, "Replay Again" only if it found nothing. */
async function offerAfterUncertain(deps: RunCommandDeps, resolved: ResolvedRun, { original, error, outcome }: Uncertain): Promise<void> {
  if (outcome.kind === 'look-failed') deps.log.warn(`looking for the replay of ${original.id}: ${userMessage(outcome.error)}`);
  showReplayedIn(deps, resolved.target.sourceId);
  const notice = uncertainReplayNotice(outcome, original, error.reason, Math.round((FIND_ATTEMPTS * FIND_INTERVAL_MS) / 1000));
  deps.log.info(notice.message);
  const items = notice.actionLabel ? [notice.actionLabel] : [];
  const picked = notice.severity === 'info' ? await showInformationMessage(notice.message, ...items) : await showWarningMessage(notice.message, ...items);
  const choice = picked !== undefined && picked === notice.actionLabel ? notice.action : undefined;
  if (choice === 'Open Run' && outcome.kind === 'found') await vscode.commands.executeCommand(COMMANDS.openRun, resolved.target.sourceId, outcome.run.id);
  if (choice === 'Replay Again') await replayRun(deps, { ...resolved, known: original });
}
