// The run index in VS Code: opened after activation (its engine compiles WebAssembly: not on
// the startup path) at `taskHistory.index.path`, or in the extension's global storage; attached
// to the run store (finished runs open without a request, archived and offline runs open
// from it) and to the tree (a source that cannot be reached shows its indexed runs).
//   - Background sync (runIndex/backgroundSync.ts): every non-demo source with a key, within
//     half its request budget, a first pass shortly after the index opens and then every
//     `taskHistory.index.syncIntervalMinutes`; quiet: a status bar item with the phase, the
//     percentage and the time left. A rejected key is said once per source per session (with
//     Set API Key); an unreachable source is only logged (the tree shows it offline).
//   - "Task History: Sync Run Index" syncs every source now, with a cancellable progress and a
//     report of what it fetched; a background pass in flight is waited for, never run beside.
// One process holds the file at a time: a second VS Code window goes on without the index
// (it says so in the log, and Sync says where to sync from) instead of failing.
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { isHistoryApiError, userMessage } from '../core/errors';
import type { LocalRuns } from '../core/localRuns';
import { formatNumber } from '../core/locale';
import type { RunDetail } from '../core/model';
import type { HistorySource } from '../core/source';
import { errorSignatures, signatureRunIds } from '../insights/errors';
import { nextTurn, prepareInsights, saveInsightsFrame } from '../insights/insights';
import { scopeRowsReady } from '../insights/stats';
import { indexValues } from '../insights/valueGroups';
import { BackgroundSync, describeSyncProgress } from '../runIndex/backgroundSync';
import type { RunIndex } from '../runIndex/runIndex';
import type * as SyncModule from '../runIndex/sync';
import { kindDescriptor } from '../sources/kinds';
import type { SourceConfig } from '../sources/sourceConfig';
import { sourceKey } from '../sources/kinds/sourceKey';
import type { RunArchive, RunStore } from '../store/runStore';
import type { IndexedSourceView } from '../views/nodes/treeNode';
import { showActionableError } from '../views/errorActions';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';
import { isCancellation, withCancellableProgress } from './cancellableProgress';
import { prepareIndexDirectory, resolveIndexPath } from './indexLocation';

/** A window away this long stops background passes until it is back (nobody is looking). */
const AWAY_MS = 30 * 60_000;

export interface IndexCommands {
  readonly handlers: Pick<CommandHandlers, typeof COMMANDS.syncIndex>;
  /** A source's key may have changed: the index keys of key-identified accounts are worked out again. */
  keysChanged(sourceId?: string): void;
  /** The tree's reader of the index (undefined while it is closed): a source offline shows its indexed runs. */
  indexed(sourceId: string): IndexedSourceView | undefined;
  /** The index opened, closed or moved: the tree reads it afresh. */
  readonly onDidChangeIndex: vscode.Event<void>;
  /** A source was synced (in the background or by the command), and its Insights frame brought up to date: what the tree shows from the index is read again. */
  readonly onDidSyncSource: vscode.Event<string>;
  /**
   * Runs an export with the index as its local copy of the source's runs (undefined when there is
   * none: the index closed, a demo source, no key yet). The user's export goes first: the
   * background pass in flight is stopped and no other starts until the export ends, so two syncs
   * never write one source's state at once.
   */
  withLocalRuns<T>(sourceId: string, source: HistorySource, work: (local: LocalRuns | undefined) => Promise<T>): Promise<T>;
  /**
   * Reads the index for a source (Insights): `read` gets the index and the source's key in it;
   * without them (the index closed or off, a demo source, no key yet), the reason, for the user.
   */
  readIndex<T>(sourceId: string, read: (index: RunIndex, key: string) => T): Promise<{ readonly value: T } | { readonly unavailable: string }>;
  readonly disposable: vscode.Disposable;
}

export function indexCommands(storageUri: vscode.Uri, registry: SourceRegistry, store: RunStore, log: vscode.LogOutputChannel): IndexCommands {
  let index: RunIndex | undefined;
  let sync: typeof SyncModule | undefined;
  let opening: Promise<RunIndex | undefined> | undefined;
  /** Why this window has no index, when it has none: for Sync's message. */
  let unavailable: string | undefined;
  let disposed = false;
  let commandRunning = false;
  const defaultPath = join(storageUri.fsPath, 'runs.db');
  const changed = new vscode.EventEmitter<void>();
  const synced = new vscode.EventEmitter<string>();
  // Syncs in flight (background or the command's): closing the index stops them first.
  const inFlight = new Set<AbortController>();
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

  // --- Background sync: quiet, within the budget share; errors logged, a bad key said once.
  const status = vscode.window.createStatusBarItem('taskHistory.indexSync', vscode.StatusBarAlignment.Left, 40);
  status.name = vscode.l10n.t('Task History: Run Index Sync');
  status.command = COMMANDS.showLog;
  /** What the background pass in flight is doing, for the status bar and a command that waits for it. */
  let backgroundText: string | undefined;
  const backgroundProgress = new vscode.EventEmitter<string>();
  const showBackground = (text: string | undefined) => {
    backgroundText = text;
    if (text === undefined) {
      status.hide();
      return;
    }
    status.text = vscode.l10n.t('$(sync~spin) Run index: {0}', text);
    status.tooltip = vscode.l10n.t(
      "Task History is syncing its run index in the background, within half of each source's request budget (what you open goes first).\n{0}\nClick for the log.",
      text,
    );
    status.show();
    backgroundProgress.fire(text);
  };
  /** Sources told about a rejected key this session (once each). */
  const toldAuth = new Set<string>();
  let unfocusedSince: number | undefined = vscode.window.state.focused ? undefined : Date.now();
  const background = new BackgroundSync({
    sources: async () => {
      if (!index) return [];
      await refreshKeys();
      const ids: string[] = [];
      for (const { config, demo } of registry.list()) if (!demo && keys.has(config.id) && (await registry.hasKey(config.id))) ids.push(config.id);
      return ids;
    },
    syncOne: async (id, signal) => {
      const configured = registry.get(id);
      const key = keys.get(id);
      if (!index || !configured || key === undefined) return;
      const label = configured.config.label ?? id;
      showBackground(vscode.l10n.t('{0}: starting', label));
      try {
        const report = await syncOne(index, configured.config, configured.source, key, signal, (text) => showBackground(vscode.l10n.t('{0}: {1}', label, text)));
        if (report) log.info(`background sync ${label}: ${logReport(report)}`);
      } finally {
        showBackground(undefined);
      }
      prepare(id, 'synced');
    },
    intervalMs: () => settings.indexSettings().syncIntervalMinutes * 60_000,
    paused: () => unfocusedSince !== undefined && Date.now() - unfocusedSince > AWAY_MS,
    onError: (id, error, failures) => {
      const configured = registry.get(id);
      const label = configured?.config.label ?? (id || 'the run index');
      if (isHistoryApiError(error) && (error.kind === 'network' || error.kind === 'timeout')) {
        log.info(`background sync ${label}: offline (${userMessage(error)}); tried again later (${failures} in a row)`);
        return;
      }
      log.error(`background sync ${label}: ${userMessage(error)} (${failures} in a row)`);
      if (isHistoryApiError(error) && error.kind === 'auth' && !toldAuth.has(id)) {
        toldAuth.add(id);
        const setKey = vscode.l10n.t('Set API Key');
        void showWarningMessage(vscode.l10n.t('Task History could not sync {0} into the run index: {1}', label, userMessage(error)), setKey).then((pick) => {
          if (pick === setKey) void vscode.commands.executeCommand(COMMANDS.setApiKey, id);
        });
      }
    },
  });

  /** One source into the index, within its budget share; undefined when stopped. */
  const syncOne = async (opened: RunIndex, config: SourceConfig, source: HistorySource, key: string, signal: AbortSignal, report: (text: string) => void) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal.addEventListener('abort', stop);
    if (signal.aborted) controller.abort();
    inFlight.add(controller);
    try {
      const { syncSource } = sync ?? (sync = await import('../runIndex/sync'));
      const { syncDays, failingOutputs } = settings.indexSettings();
      return await syncSource({
        sourceId: key,
        source,
        index: opened,
        since: syncDays === 0 ? 'all' : new Date(Date.now() - syncDays * 86_400_000),
        details: kindDescriptor(config.kind).syncDetails,
        failingOutputs,
        integrations: source.capabilities.filterByIntegration ? config.integrations : undefined, // Paragon: tag runs with the tree's integrations
        signal: controller.signal,
        onProgress: (p) => report(vscode.l10n.t('{0} · {1} requests', describeSyncProgress(p), formatNumber(p.requests))),
      });
    } finally {
      signal.removeEventListener('abort', stop);
      inFlight.delete(controller);
    }
  };

  // --- Opening and closing.
  const close = () => {
    background.stop();
    for (const controller of inFlight) controller.abort();
    store.attachArchive(undefined);
    index?.close();
    const wasOpen = index !== undefined;
    index = undefined;
    opening = undefined;
    showBackground(undefined);
    if (wasOpen) changed.fire();
  };

  /**
   * Reads the source's Insights frame (or brings it up to date) in slices, one after another:
   * after the index opens and after each sync, so Insights and the tree's Failures find it ready.
   */
  let preparing: Promise<void> = Promise.resolve();
  const prepare = (sourceId: string, after: 'opened' | 'synced') => {
    preparing = preparing.then(async () => {
      const opened = index;
      const key = keys.get(sourceId);
      const kind = registry.get(sourceId)?.config.kind;
      if (!opened || key === undefined || kind === undefined || disposed) return;
      const started = Date.now();
      try {
        await prepareInsights({ index: opened, sourceId: key, kind }, nextTurn);
        log.debug(`run index: Insights ready for ${sourceId} in ${Date.now() - started} ms`);
        // Kept beside the index, so the next window starts from it (a cache: failing to write it costs only time).
        await saveInsightsFrame(opened, key).catch((error: unknown) => log.warn(`run index: Insights frame for ${sourceId} not saved: ${userMessage(error)}`));
      } catch (error) {
        // The index closed meanwhile (a new path, the window closing): the next use reads it again.
        if (index === opened) log.warn(`run index: Insights for ${sourceId} could not be prepared: ${userMessage(error)}`);
      }
      if (after === 'synced' && index === opened) synced.fire(sourceId);
    });
  };

  const open = (): Promise<RunIndex | undefined> =>
    (opening ??= (async () => {
      if (!settings.indexSettings().enabled) {
        unavailable = vscode.l10n.t('The run index is off (setting "taskHistory.index.enabled").');
        return undefined;
      }
      let path = defaultPath;
      try {
        path = resolveIndexPath(settings.indexSettings().path, defaultPath);
        if (path === defaultPath) await vscode.workspace.fs.createDirectory(storageUri);
        else prepareIndexDirectory(path);
        // Loaded on first use: the engine (SQLite in WebAssembly) stays off the startup path.
        const { RunIndex } = await import('../runIndex/runIndex');
        const { IndexFileError } = await import('../runIndex/indexFile');
        sync ??= await import('../runIndex/sync');
        let opened: RunIndex;
        try {
          opened = RunIndex.open(path);
        } catch (error) {
          if (error instanceof IndexFileError && error.inUse) {
            unavailable = vscode.l10n.t('The run index is in use by another VS Code window (or the task-history CLI): sync from there, or close it and reload this window.');
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
        if (opened.rebuilt) void showWarningMessage(vscode.l10n.t('Task History: {0}', opened.rebuilt));
        if (opened.notice) log.warn(`run index: ${opened.notice}`);
        await refreshKeys();
        store.attachArchive(archiveOf(opened, keys));
        log.info(`run index: ${path}`);
        for (const id of keys.keys()) prepare(id, 'opened');
        background.start();
        changed.fire();
        return opened;
      } catch (error) {
        unavailable = vscode.l10n.t('The run index could not be opened: {0}', userMessage(error));
        log.error(`run index at ${path}: ${userMessage(error)}`);
        // Its fix is a setting (taskHistory.index.path), which the error actions do not offer: this one keeps Open Settings.
        const openSettings = vscode.l10n.t('Open Settings');
        void showErrorMessage(vscode.l10n.t('Task History could not open its run index: {0}', userMessage(error)), openSettings).then((pick) => {
          if (pick === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'taskHistory.index');
        });
        opening = undefined;
        return undefined;
      }
    })());

  // After activation, when the host is idle: finished runs then open without a request.
  const timer = setTimeout(() => void open(), 1_000);
  const subscriptions = [
    registry.onDidChange(() => void refreshKeys().then(() => background.soon())),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('taskHistory.index.enabled') || event.affectsConfiguration('taskHistory.index.path')) {
        // Another file, or none: the one open is closed (its lock released) before the next opens.
        close();
        if (settings.indexSettings().enabled) void open();
      } else if (event.affectsConfiguration('taskHistory.index.syncIntervalMinutes')) background.reschedule();
    }),
    vscode.window.onDidChangeWindowState((state) => {
      if (!state.focused) unfocusedSince ??= Date.now();
      else {
        unfocusedSince = undefined;
        background.resume();
      }
    }),
    status,
    changed,
    synced,
    backgroundProgress,
  ];

  /** Syncs every source, or only `only` (a failed source's Retry: the others were synced already). */
  const syncCommand = async (only?: { readonly id: string; readonly label: string }) => {
    if (commandRunning) {
      void showInformationMessage(vscode.l10n.t('A sync of the run index is already running.'));
      return;
    }
    commandRunning = true;
    try {
      if (background.busy) {
        // Never two syncs at once: the background pass is waited for (its progress shown), then the command's own.
        const waited = await withCancellableProgress({ title: vscode.l10n.t('Waiting for the background sync of the run index') }, async (signal, progress) => {
          if (backgroundText) progress.report({ message: backgroundText });
          const listener = backgroundProgress.event((text) => progress.report({ message: text }));
          const onAbort = () => background.cancelPass();
          signal.addEventListener('abort', onAbort);
          try {
            await background.idle();
          } finally {
            listener.dispose();
            signal.removeEventListener('abort', onAbort);
          }
          return !signal.aborted;
        });
        if (!waited) {
          void showInformationMessage(vscode.l10n.t('Sync stopped; what it fetched is kept, and the next sync goes on from there.'));
          return;
        }
      }
      await background.exclusive(() => syncAll(only));
    } finally {
      commandRunning = false;
    }
  };

  const syncAll = async (only?: { readonly id: string; readonly label: string }) => {
    const opened = await open();
    if (!opened) {
      void showInformationMessage(unavailable ?? vscode.l10n.t('The run index is not available.'));
      return;
    }
    await refreshKeys();
    const sources = registry.list().filter((s) => !s.demo && (only === undefined || s.config.id === only.id));
    if (only && sources.length === 0) {
      void showInformationMessage(vscode.l10n.t('{0} was not synced: it is no longer configured.', only.label));
      return;
    }
    if (sources.length === 0) {
      void showInformationMessage(vscode.l10n.t('No source to sync: add a Paragon project or a Dispersl account (demo sources are not indexed).'));
      return;
    }
    for (const { config, source } of sources) {
      const label = config.label ?? config.id;
      const key = keys.get(config.id);
      if (key === undefined || !(await registry.hasKey(config.id))) {
        void showInformationMessage(vscode.l10n.t('{0} was not synced: it has no API key yet ("Task History: Set API Key").', label));
        continue;
      }
      try {
        const report = await withCancellableProgress({ title: vscode.l10n.t('Syncing {0} into the run index', label) }, (signal, progress) =>
          syncOne(opened, config, source, key, signal, (message) => progress.report({ message })),
        );
        background.clearBackoff(config.id);
        prepare(config.id, 'synced');
        log.info(`sync ${label}: ${logReport(report)}`);
        void showInformationMessage(
          vscode.l10n.t(
            'Run index synced. {0}: {1} runs listed ({2} new or changed), {3} with their steps, {4} archived; {5} requests.',
            label,
            formatNumber(report.listed),
            formatNumber(report.newOrChanged),
            formatNumber(report.details),
            formatNumber(report.archived),
            formatNumber(report.requests),
          ),
        );
      } catch (error) {
        if (isCancellation(error)) {
          void showInformationMessage(vscode.l10n.t('Sync of {0} stopped; what it fetched is kept, and the next sync goes on from there.', label));
          return;
        }
        log.error(`sync ${label}: ${userMessage(error)}`);
        void showActionableError(vscode.l10n.t('Sync of {0} failed: {1}', label, userMessage(error)), error, {
          sourceId: config.id,
          retry: () => syncCommand({ id: config.id, label }),
        });
      }
    }
  };

  const withLocalRuns = async <T>(sourceId: string, source: HistorySource, work: (local: LocalRuns | undefined) => Promise<T>): Promise<T> => {
    const opened = index;
    const key = keys.get(sourceId);
    if (!opened || key === undefined) return work(undefined);
    const { indexedRuns } = await import('../runIndex/indexedRuns');
    background.cancelPass();
    return background.exclusive(() =>
      work(indexedRuns({ index: opened, sourceId: key, source, onFallback: (reason) => log.info(`export of ${sourceId}: listed from the API, not the run index: ${reason}`) })),
    );
  };

  const readIndex = async <T>(sourceId: string, read: (index: RunIndex, key: string) => T): Promise<{ readonly value: T } | { readonly unavailable: string }> => {
    const opened = index ?? (await open());
    if (!opened) return { unavailable: unavailable ?? vscode.l10n.t('The run index is not available.') };
    const key = keys.get(sourceId);
    if (key === undefined) {
      const demo = registry.get(sourceId)?.demo === true;
      return {
        unavailable: demo
          ? vscode.l10n.t('Demo sources are not indexed.')
          : vscode.l10n.t('No API key yet: set one ("Task History: Set API Key"), and its runs are synced into the run index.'),
      };
    }
    return { value: read(opened, key) };
  };

  return {
    withLocalRuns,
    readIndex,
    handlers: { [COMMANDS.syncIndex]: () => syncCommand() },
    keysChanged: (sourceId) => {
      // A new key: a rejected one may be said again, and the source is tried at the next pass.
      if (sourceId === undefined) toldAuth.clear();
      else toldAuth.delete(sourceId);
      background.clearBackoff(sourceId);
      // A key set: its runs are synced shortly, not an interval later.
      void refreshKeys().then(() => background.soon());
    },
    indexed: (sourceId) => {
      const opened = index;
      const key = keys.get(sourceId);
      const kind = registry.get(sourceId)?.config.kind;
      if (!opened || key === undefined || kind === undefined) return undefined;
      return {
        count: (query) => opened.count(key, query),
        countsByStatus: (query) => opened.countsByStatus(key, query),
        page: (query, offset, limit) => opened.page(key, query, offset, limit),
        // Through the frame read in slices when it is not ready (the index just opened, a sync just ended): the host keeps answering.
        errorSignatures: async (query) => {
          const scope = { index: opened, sourceId: key, kind, query };
          return errorSignatures(scope, new Date(), await scopeRowsReady(scope, nextTurn));
        },
        signatureRuns: async (query, signatureKey) => {
          const scope = { index: opened, sourceId: key, kind, query };
          return opened.summaries(key, signatureRunIds(scope, signatureKey, await scopeRowsReady(scope, nextTurn)));
        },
        get lastSynced() {
          return lastSyncOf(opened, sync, key);
        },
        values: indexValues(opened, key, kind, nextTurn),
      };
    },
    onDidChangeIndex: changed.event,
    onDidSyncSource: synced.event,
    disposable: {
      dispose: () => {
        disposed = true;
        clearTimeout(timer);
        close();
        for (const s of subscriptions) s.dispose();
      },
    },
  };
}

/** What a sync fetched, for the log (English; the notification says it in the display language). */
function logReport(report: SyncModule.SyncReport): string {
  return `${report.listed.toLocaleString('en-US')} runs listed (${report.newOrChanged.toLocaleString('en-US')} new or changed), ${report.details.toLocaleString('en-US')} with their steps, ${report.archived} archived; ${report.requests.toLocaleString('en-US')} requests.`;
}

/** When the last complete sync of a source ended (the sync's own coverage where it records it, else its checkpoint). */
function lastSyncOf(index: RunIndex, sync: typeof SyncModule | undefined, key: string): Date | undefined {
  const coverage = sync?.syncCoverage?.(index, key);
  if (coverage) return coverage.to;
  const complete = index.syncState<{ complete?: string }>(key)?.complete;
  const at = complete ? new Date(complete) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
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
    failingOutput: (sourceId, runId, stepId) => {
      const k = keys.get(sourceId);
      return k === undefined ? undefined : index.failingOutput(k, runId, stepId);
    },
  };
}
