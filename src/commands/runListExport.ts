// Export These Runs… (an error signature's runs, from Insights) without `vscode`: the runs given,
// in the order given, exported through the same pipeline as Export Runs… and written to the save
// dialog's answer the same way: a `file:` target by core itself, any other (a remote folder, an
// extension's file system) staged locally and put in place through VS Code's file system
// (exportTarget.ts). On failure nothing is left at the target. runListCommands.ts shows the
// dialogs; unit tests drive this with a file system of their own.
import * as l10n from '@vscode/l10n';
import { exportRuns, type ExportResult } from '../core/export/exportRuns';
import type { ExportFormat } from '../core/export/sinks';
import type { LocalRuns } from '../core/localRuns';
import type { Run } from '../core/model';
import type { HistorySource } from '../core/source';
import { writeThroughTarget, type TargetHost, type TargetUri, type TargetWrite } from './exportTarget';

/** The local copy narrowed to these runs: its listing is them, in the order given (details as the copy has them). */
export function onlyThese(local: LocalRuns, ids: readonly string[]): LocalRuns {
  return {
    ...local,
    listing: () =>
      Promise.resolve({
        total: ids.length,
        archived: 0,
        runs: async function* (): AsyncGenerator<Run> {
          for (const id of ids) {
            const { steps: _steps, ...run } = await local.detail(id);
            yield run;
          }
        },
      }),
  };
}

export interface RunListExport<U extends TargetUri> {
  readonly source: HistorySource;
  /** The runs, newest first (as Insights lists them); the file has them oldest first, as every export. */
  readonly ids: readonly string[];
  readonly format: ExportFormat;
  readonly target: U;
  readonly host: TargetHost<U>;
  /** The run index's copy of the source (undefined when it is not open: these runs come from it). */
  readonly withLocalRuns: <T>(work: (local: LocalRuns | undefined) => Promise<T>) => Promise<T>;
  readonly signal?: AbortSignal;
}

/** Writes the runs, with their steps, to `target` (an NDJSON export's schema beside it). */
export function exportRunList<U extends TargetUri>(options: RunListExport<U>): Promise<TargetWrite<ExportResult, U>> {
  const { source, ids, format, target, host, signal } = options;
  const oldestFirst = [...ids].reverse();
  return writeThroughTarget(
    target,
    host,
    (path) =>
      options.withLocalRuns((local) => {
        if (!local) throw new Error(l10n.t('The run index is not open: these runs come from it.'));
        return exportRuns({ source, query: {}, format, target: path, includeSteps: true, signal, local: onlyThese(local, oldestFirst) });
      }),
    (result) => (result.schemaFile === undefined ? [] : [result.schemaFile]),
    signal,
  );
}
