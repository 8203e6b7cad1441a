// "Task History: Insights": the Insights panel for one source (a source's context menu) or
// every source (the view's toolbar, the palette), computed from the run index with no
// request, following the tree's filter. This file wires the panel to the index, the tree and
// the export and run commands; the panel restores itself after a reload with its scope.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import * as settings from '../config/settings';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { filterToQuery } from '../core/filters';
import { formatDate, formatDateTime } from '../core/locale';
import { computeInsightsReady, nextTurn } from '../insights/insights';
import { signatureRunIds } from '../insights/errors';
import { scopeRowsReady } from '../insights/stats';
import { INSIGHTS_VIEW_TYPE, parseScopeState, type SourceInsights } from '../panels/insightsProtocol';
import { InsightsPanel, type InsightsServices } from '../panels/insightsPanel';
import { syncCoverage } from '../runIndex/sync';
import { SourceNode } from '../views/nodes/sourceNode';
import type { RunsTreeProvider } from '../views/runsTree';
import type { IndexCommands } from './indexCommands';

export interface InsightsCommands {
  readonly handlers: Pick<CommandHandlers, typeof COMMANDS.openInsights>;
  readonly disposables: vscode.Disposable[];
}

export interface InsightsDeps {
  readonly extensionUri: vscode.Uri;
  readonly registry: SourceRegistry;
  readonly tree: RunsTreeProvider;
  readonly index: Pick<IndexCommands, 'readIndex'>;
  readonly log: vscode.LogOutputChannel;
  /** Exports these runs of a source (Export These Runs…). */
  exportRunIds(sourceId: string, runIds: readonly string[], title: string): Promise<void>;
  /** Shows these runs of a source (List in Tree): the signature's row in the tree when `key` is given and the tree can show it. */
  listRunIds(sourceId: string, runIds: readonly string[], title: string, key?: string): Promise<void>;
}

export function insightsCommands(deps: InsightsDeps): InsightsCommands {
  const services: InsightsServices = {
    extensionUri: deps.extensionUri,
    log: deps.log,
    sources: () => deps.registry.list().map((s) => ({ id: s.config.id, label: s.config.label ?? s.config.id })),
    // Each source has its own filter: the panel's header says those of the sources it shows, and each source's figures use its own (compute, signatureRuns).
    filter: (sourceIds) => deps.tree.describeFilters(sourceIds),
    onDidChangeFilter: deps.tree.onDidChangeFilter,
    workflowNames: () => settings.workflowNames(),
    compute: async (sourceId, label, bucket): Promise<SourceInsights> => {
      const query = filterToQuery(deps.tree.filterOf(sourceId));
      const configured = deps.registry.get(sourceId);
      if (!configured) return { sourceId, label, note: vscode.l10n.t('This source is no longer configured.') };
      const kind = configured.config.kind;
      const read = await deps.index.readIndex(sourceId, async (index, key) => {
        // The frame read in slices if it is not ready (the first time after the index opened): the extension host keeps answering meanwhile.
        const data = await computeInsightsReady({ index, sourceId: key, kind, query }, { bucket }, nextTurn);
        const coverage = syncCoverage(index, key);
        const covered = coverage !== undefined && (coverage.from === 'all' || (query.startedAfter !== undefined && query.startedAfter >= coverage.from));
        return { data, covered, coverage };
      });
      if ('unavailable' in read) return { sourceId, label, note: read.unavailable };
      const { data, covered, coverage } = await read.value;
      const note = !coverage
        ? vscode.l10n.t('Not synced into the run index yet: these figures hold only the runs opened so far. "Task History: Sync Run Index" fills it.')
        : !covered
          ? coverage.from === 'all'
            ? vscode.l10n.t('The run index holds this source\'s runs from the first on; the filter reaches further back (setting "taskHistory.index.syncDays").')
            : vscode.l10n.t(
                'The run index holds this source\'s runs from {0} on; the filter reaches further back (setting "taskHistory.index.syncDays").',
                formatDate(coverage.from),
              )
          : vscode.l10n.t('From the run index, synced {0}.', formatDateTime(coverage.to));
      return { sourceId, label, data, note };
    },
    signatureRuns: async (sourceId, key) => {
      const query = filterToQuery(deps.tree.filterOf(sourceId));
      const configured = deps.registry.get(sourceId);
      if (!configured) return [];
      const read = await deps.index.readIndex(sourceId, async (index, indexKey) => {
        const scope = { index, sourceId: indexKey, kind: configured.config.kind, query };
        return signatureRunIds(scope, key, await scopeRowsReady(scope, nextTurn));
      });
      return 'value' in read ? await read.value : [];
    },
    exportRuns: (sourceId, ids, title) => deps.exportRunIds(sourceId, ids, title),
    listRuns: (sourceId, ids, title, key) => deps.listRunIds(sourceId, ids, title, key),
  };

  const open = (node?: unknown) => {
    const sourceIds = node instanceof SourceNode ? [node.configured.config.id] : typeof node === 'string' && deps.registry.get(node) ? [node] : [];
    InsightsPanel.show(services, { sourceIds, bucket: 'day' });
  };

  return {
    handlers: { [COMMANDS.openInsights]: open },
    disposables: [
      vscode.window.registerWebviewPanelSerializer(INSIGHTS_VIEW_TYPE, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown) {
          InsightsPanel.revive(services, panel, parseScopeState(raw) ?? { sourceIds: [], bucket: 'day' });
        },
      }),
      { dispose: () => InsightsPanel.disposeCurrent() },
    ],
  };
}
