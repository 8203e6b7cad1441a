// The run index in VS Code: opened after activation in the extension's global storage (its
// engine compiles WebAssembly: not on the startup path), attached to the run store (finished
// runs open without a request, archived and offline runs open from it), and
// "Task History: Sync Run Index", which syncs every source within half its request budget,
// with a cancellable progress and a report of what it fetched and the requests it used.
// One process holds the file at a time: a second VS Code window goes on without the index
// (it says so in the log, and Sync says where to sync from) instead of failing.
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
  /** A source's key may have changed: the index keys of key-identified accounts are worked out again. */
  keysChanged(): void;
  readonly disposable: vscode.Disposable;
}

export function indexCommands(storageUri: vscode.Uri, registry: SourceRegistry, store: RunStore, log: vscode.LogOutputChannel): IndexCommands {
  let index: RunIndex | undefined;
  let opening: Promise<RunIndex | undefined> | undefined;
  /** Why this window has no index, when it has none: for Sync's message. */
  let unavailable: string | undefined;
  let disposed = false;
  let syncing = false;
  const path = join(storageUri.fsPath, 'runs.db');
  // Index keys by source id, worked out with each source's API key (Dispersl accounts are told apart by it).
  const keys = new Map<string, string>();
  const refreshKeys = async () => {
    const next = new Map<string, string>();
    for (const { config, demo } of registry.list()) {
      // Demo sources stay out: their emulator gets a new port every session, so their runs would pile up under new keys.
      if (demo) continue;
      const key = sourceKey(config, await registry.apiKey(config.id));
      if (key !== undefined) next.set(config.id, key);
    }
    keys.clear();
    for (const [id, key] of next) keys.set(id, key);
  };

  const close = () => {
    store.attachArchive(undefined);
    index?.close();
    index = undefined;
    opening = undefined;
  };

  const open = (): Promise<RunIndex | undefined> =>
    (opening ??= (async () => {
      if (!settings.indexSettings().enabled) {
        unavailable = 'The run index is off (setting "taskHistory.index.enabled").';
        return undefined;
      }
      try {
        await vscode.workspace.fs.createDirectory(storageUri);
        // Loaded on first use: the engine (SQLite in WebAssembly) stays off the startup path.
        const { RunIndex } = await import('../runIndex/runIndex');
        const { IndexFileError } = await import('../runIndex/indexFile');
        let opened: RunIndex;
        try {
          opened = RunIndex.open(path);
        } catch (error) {
          if (error instanceof IndexFileError && /in use by another Task History process/.test(error.message)) {
            unavailable = 'The run index is in use by another VS Code window (or the task-history CLI): sync from there, or close it and reload this window.';
            log.info(`run index: ${error.message}; this window goes on without it`);
            opening = undefined;
            return undefined;
          }
          throw error;
        }
        if (disposed) {
          opened.close();
          return undefined;
        }
        index = opened;
        unavailable = undefined;
        if (opened.rebuilt) void showWarningMessage(`Task History: ${opened.rebuilt}`);
        await refreshKeys();
        store.attachArchive(archiveOf(opened, keys));
        log.info(`run index: ${path}`);
        return opened;
      } catch (error) {
        unavailable = `The run index could not be opened: ${userMessage(error)}`;
        log.error(`run index at ${path}: ${userMessage(error)}`);
        void showErrorMessage(`Task History could not open its run index: ${userMessage(error)}`);
        opening = undefined;
        return undefined;
      }
    })());

  // After activation, when the host is idle: finished runs then open without a request.
  const timer = setTimeout(() => void open(), 1_000);
  const subscriptions = [
    registry.onDidChange(() => void refreshKeys()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('taskHistory.index.enabled')) return;
      if (settings.indexSettings().enabled) void open();
      else close();
    }),
  ];

  const sync = async () => {
    if (syncing) {
      void showInformationMessage('A sync of the run index is already running.');
      return;
    }
    syncing = true;
    try {
      await syncAll();
    } finally {
      syncing = false;
    }
  };

  const syncAll = async () => {
    const opened = await open();
    if (!opened) {
      void showInformationMessage(unavailable ?? 'The run index is not available.');
      return;
    }
    await refreshKeys();
    const { syncSource } = await import('../runIndex/sync');
    const { syncDays, failingOutputs } = settings.indexSettings();
    const sources = registry.list().filter((s) => !s.demo);
    if (sources.length === 0) {
      void showInformationMessage('No source to sync: add a Paragon project or a Dispersl account (demo sources are not indexed).');
      return;
    }
    for (const { config, source } of sources) {
      const label = config.label ?? config.id;
      const key = keys.get(config.id);
      if (key === undefined) {
        void showInformationMessage(`${label} was not synced: it has no API key yet ("Task History: Set API Key").`);
        continue;
      }
      try {
        const report = await withCancellableProgress({ title: `Syncing ${label} into the run index` }, (signal, progress) =>
          syncSource({
            sourceId: key,
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
    keysChanged: () => void refreshKeys(),
    disposable: {
      dispose: () => {
        disposed = true;
        clearTimeout(timer);
        for (const s of subscriptions) s.dispose();
        close();
      },
    },
  };
}

/** The store's view of the index: its sources by their ids, the index's by what they point at (a source without a key yet has none). */
function archiveOf(index: RunIndex, keys: ReadonlyMap<string, string>): RunArchive {
  return {
    detail: (sourceId, runId) => {
      const k = keys.get(sourceId);
      return k === undefined ? undefined : index.detail(k, runId);
    },
    putDetail: (sourceId: string, detail: RunDetail) => {
      const k = keys.get(sourceId);
      if (k !== undefined) index.putDetail(k, detail);
    },
    markArchived: (sourceId, runId) => {
      const k = keys.get(sourceId);
      return k !== undefined && index.markArchived(k, runId);
    },
  };
}
