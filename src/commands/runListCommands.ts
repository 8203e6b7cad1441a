// A given list of runs of a source (an error signature's, from Insights): exported through the
// same pipeline as Export Runs… (formats, the temporary file renamed on success, the run
// index serving what it holds, a save target that is not a local file written through VS Code's
// file system: runListExport.ts), or shown: the signature's row in the runs tree (under its
// source's "Failures"), else, when the tree cannot show it, a quick pick that opens the one chosen.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS } from '../contributions';
import { relativeTime } from '../core/format';
import { userMessage } from '../core/errors';
import type { ExportFormat } from '../core/export/sinks';
import { formatNumber } from '../core/locale';
import type { Run } from '../core/model';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage } from '../views/notifications';
import { withCancellableProgress } from './cancellableProgress';
import { workspaceTarget, type WithLocalRuns } from './exportCommands';
import { display, isLocalTarget } from './exportTarget';
import { exportRunList } from './runListExport';

/** Reveals an error signature's row in the runs tree; false when the tree cannot show it (the index closed, no such signature for its filter). */
export type RevealSignature = (sourceId: string, key: string) => Promise<boolean>;

export function runListActions(registry: SourceRegistry, log: vscode.LogOutputChannel, withLocalRuns: WithLocalRuns, revealSignature?: RevealSignature) {
  const exportRunIds = async (sourceId: string, ids: readonly string[], title: string): Promise<void> => {
    const configured = registry.get(sourceId);
    if (!configured || ids.length === 0) return;
    const format = (
      await vscode.window.showQuickPick(
        [
          { label: 'JSON', format: 'json' as ExportFormat },
          { label: 'NDJSON', format: 'ndjson' as ExportFormat },
          { label: 'CSV', format: 'csv' as ExportFormat },
          { label: 'Parquet', format: 'parquet' as ExportFormat },
        ],
        {
          title:
            ids.length === 1 ? vscode.l10n.t('Export 1 run, with its steps: {0}', title) : vscode.l10n.t('Export {0} runs, with their steps: {1}', formatNumber(ids.length), title),
          placeHolder: vscode.l10n.t('Format'),
        },
      )
    )?.format;
    if (!format) return;
    const target = await vscode.window.showSaveDialog({
      title: ids.length === 1 ? vscode.l10n.t('Export 1 run') : vscode.l10n.t('Export {0} runs', formatNumber(ids.length)),
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `failures.${format}`),
      filters: { [format.toUpperCase()]: [format] },
    });
    if (!target) return;
    await writeRuns(sourceId, ids, title, format, target);
  };

  /** Writes the runs to the file chosen (Retry writes it again). */
  const writeRuns = async (sourceId: string, ids: readonly string[], title: string, format: ExportFormat, target: vscode.Uri): Promise<void> => {
    const configured = registry.get(sourceId);
    if (!configured) return;
    try {
      const { result } = await withCancellableProgress({ title: vscode.l10n.t('Exporting {0}', title) }, (signal) =>
        exportRunList({
          source: configured.source,
          ids,
          format,
          target,
          // The file system of the target's scheme, as Export Runs… writes (a remote folder, an extension's file system).
          host: workspaceTarget(),
          withLocalRuns: (work) => withLocalRuns(sourceId, configured.source, work),
          signal,
        }),
      );
      log.info(`exported ${result.records} runs of an error signature to ${display(target)}${isLocalTarget(target) ? '' : ' (staged locally and copied)'}`);
      const where = vscode.workspace.asRelativePath(target);
      void showInformationMessage(
        result.records === 1 ? vscode.l10n.t('Exported 1 run to {0}.', where) : vscode.l10n.t('Exported {0} runs to {1}.', formatNumber(result.records), where),
      );
    } catch (error) {
      log.error(`export of an error signature's runs failed: ${userMessage(error)}`);
      void showActionableError(vscode.l10n.t('Export failed; nothing was written to {0}. {1}', display(target), userMessage(error)), error, {
        sourceId,
        retry: () => writeRuns(sourceId, ids, title, format, target),
      });
    }
  };

  /** An error signature's runs (`key`): its row in the tree, expanded and selected; the quick pick when the tree cannot show it. */
  const listRunIds = async (sourceId: string, ids: readonly string[], title: string, key?: string): Promise<void> => {
    const configured = registry.get(sourceId);
    if (!configured || ids.length === 0) return;
    if (key !== undefined && revealSignature) {
      try {
        if (await revealSignature(sourceId, key)) return;
      } catch (error) {
        log.warn(`could not show the error signature in the tree (${userMessage(error)}); listing its runs instead`);
      }
    }
    const runs = await withLocalRuns(sourceId, configured.source, async (local) => {
      if (!local) return [];
      const out: Run[] = [];
      // The newest first (as given), as the tree lists runs; past 500 picks a list stops being useful.
      for (const id of ids.slice(0, 500)) out.push(await local.detail(id));
      return out;
    });
    const pick = await vscode.window.showQuickPick(
      runs.map((run) => ({ label: run.id, description: `${run.rawStatus} · ${relativeTime(run.startedAt)}`, detail: run.workflowId ?? run.name, run })),
      {
        title: ids.length === 1 ? vscode.l10n.t('1 run: {0}', title) : vscode.l10n.t('{0} runs: {1}', formatNumber(ids.length), title),
        placeHolder: vscode.l10n.t('Open a run on its failing step'),
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
    if (pick) await vscode.commands.executeCommand(COMMANDS.openRun, sourceId, pick.run.id);
  };

  return { exportRunIds, listRunIds };
}
