// The run index in VS Code: opened after activation in the extension's global storage (its
// engine compiles WebAssembly: not on the startup path), attached to the run store (finished
// runs open without a request, archived and offline runs open from it), and
// "Task History: Sync Run Index", which syncs every source within half its request budget,
// with a cancellable progress and a report of what it fetched and the requests it used.
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { userMessage } from '../core/errors';
import type { RunDetail } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import { kindDescriptor } from '../sources/kinds';
import { sourceKey } from '../sources/kinds/sourceKey';
import type { RunArchive, RunStore } from '../store/runStore';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';
import { isCancellation, withCancellableProgress } from './cancellableProgress';

export interface IndexCommands {
  readonly handlers: Pick<CommandHandlers, typeof COMMANDS.syncIndex>;
  readonly disposable: vscode.Disposable;
}

export function indexCommands(storageUri: vscode.Uri, registry: SourceRegistry, store: RunStore, log: vscode.LogOutputChannel): IndexCommands {
  let index: RunIndex | undefined;
  let opening: Promise<RunIndex | undefined> | undefined;
  const path = join(storageUri.fsPath, 'runs.db');

  const open = (): Promise<RunIndex | undefined> =>
    (opening ??= (async () => {
      if (!settings.indexSettings().enabled) return undefined;
      try {
        await vscode.workspace.fs.createDirectory(storageUri);
        // Loaded on first use: the engine (SQLite in WebAssembly) stays off the startup path.
        const { RunIndex } = await import('../runIndex/runIndex');
        index = RunIndex.open(path);
        if (index.rebuilt) void showWarningMessage(`Task History: ${index.rebuilt}`);
        store.attachArchive(archiveOf(index, registry));
        log.info(`run index: ${path}`);
        return index;
      } catch (error) {
        log.error(`run index at ${path}: ${userMessage(error)}`);
        void showErrorMessage(`Task History could not open its run index: ${userMessage(error)}`);
        opening = undefined;
        return undefined;
      }
    })());

  // After activation, when the host is idle: finished runs then open without a request.
  const timer = setTimeout(() => void open(), 1_000);

  const sync = async () => {
    const opened = await open();
    if (!opened) {
      void showInformationMessage('The run index is off (setting "taskHistory.index.enabled").');
      return;
    }
    const { syncSource } = await import('../runIndex/sync');
    const { syncDays, failingOutputs } = settings.indexSettings();
    const sources = registry.list().filter((s) => !s.demo);
    if (sources.length === 0) {
      void showInformationMessage('No source to sync: add a Paragon project or a Dispersl account (demo sources are not indexed).');
      return;
    }
    for (const { config, source } of sources) {
      if (!(await registry.hasKey(config.id))) continue;
      const label = config.label ?? config.id;
      try {
        const report = await withCancellableProgress({ title: `Syncing ${label} into the run index` }, (signal, progress) =>
          syncSource({
            sourceId: sourceKey(config),
            source,
            index: opened,
            since: syncDays === 0 ? 'all' : new Date(Date.now() - syncDays * 86_400_000),
            details: kindDescriptor(config.kind).syncDetails,
            failingOutputs,
            signal,
            onProgress: (p) =>
              progress.report({
                message: `${p.phase} ${p.done.toLocaleString('en-US')}${p.total !== undefined ? ` of ${p.total.toLocaleString('en-US')}` : ''} · ${p.requests} requests`,
              }),
          }),
        );
        const line = `${label}: ${report.listed.toLocaleString('en-US')} runs listed (${report.newOrChanged.toLocaleString('en-US')} new or changed), ${report.details.toLocaleString('en-US')} with their steps, ${report.archived} archived; ${report.requests.toLocaleString('en-US')} requests.`;
        log.info(`sync ${line}`);
        void showInformationMessage(`Run index synced. ${line}`);
      } catch (error) {
        if (isCancellation(error)) {
          void showInformationMessage(`Sync of ${label} stopped; what it fetched is kept, and the next sync goes on from there.`);
          return;
        }
        log.error(`sync ${label}: ${userMessage(error)}`);
        void showErrorMessage(`Sync of ${label} failed: ${userMessage(error)}`);
      }
    }
  };

  return {
    handlers: { [COMMANDS.syncIndex]: sync },
    disposable: {
      dispose: () => {
        clearTimeout(timer);
        store.attachArchive(undefined);
        index?.close();
      },
    },
  };
}

/** The store's view of the index: its sources by their ids, the index's by what they point at. */
function archiveOf(index: RunIndex, registry: SourceRegistry): RunArchive {
  // Demo sources stay out: their emulator gets a new port every session, so their runs would pile up under new keys.
  const key = (sourceId: string) => {
    const configured = registry.get(sourceId);
    return configured && !configured.demo ? sourceKey(configured.config) : undefined;
  };
  return {
    detail: (sourceId, runId) => {
      const k = key(sourceId);
      return k === undefined ? undefined : index.detail(k, runId);
    },
    putDetail: (sourceId: string, detail: RunDetail) => {
      const k = key(sourceId);
      if (k !== undefined) index.putDetail(k, detail);
    },
    markArchived: (sourceId, runId) => {
      const k = key(sourceId);
      return k !== undefined && index.markArchived(k, runId);
    },
  };
}
