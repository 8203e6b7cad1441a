// Export Runs…: every run behind the view's filter (a source) or a group, to JSON, NDJSON,
// CSV or Parquet. The work is core's exportRuns (shared with the CLI); this file asks the
// questions, shows progress with a Cancel button and reports the outcome. The save dialog may
// answer with any file system's URI (a remote folder, an extension's file system): exportTarget
// stages such an export locally and copies it there through VS Code's file system.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { configuration } from '../config/settings';
import type { ConfiguredSource, SourceRegistry } from '../config/sourceRegistry';
import { writesDirectly } from '../core/export/atomicFile';
import { ExportTargetError } from '../core/export/exportErrors';
import { exportRuns, estimateExportRequests } from '../core/export/exportRuns';
import type { ExportFormat } from '../core/export/sinks';
import { formatDuration } from '../core/duration';
import { describeFilter, filterToQuery } from '../core/filters';
import type { LocalRuns } from '../core/localRuns';
import { formatFixed, formatNumber } from '../core/locale';
import type { RunQuery } from '../core/model';
import type { HistorySource } from '../core/source';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { withCancellableProgress } from './cancellableProgress';
import { display, isLocalTarget, writeThroughTarget, type TargetHost } from './exportTarget';
import { userMessage } from '../core/errors';
import { GroupNode } from '../views/nodes/groupNode';
import { SourceNode } from '../views/nodes/sourceNode';
import type { RunsTreeProvider } from '../views/runsTree';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage, showWarningMessage } from '../views/notifications';

interface Scope {
  readonly configured: ConfiguredSource;
  readonly query: RunQuery;
  readonly title: string;
}

/** Runs an export with the run index as the source's local copy, when there is one (indexCommands). */
export type WithLocalRuns = <T>(sourceId: string, source: HistorySource, work: (local: LocalRuns | undefined) => Promise<T>) => Promise<T>;

export function exportCommandHandlers(
  registry: SourceRegistry,
  tree: RunsTreeProvider,
  log: vscode.LogOutputChannel,
  withLocalRuns: WithLocalRuns,
): Pick<CommandHandlers, typeof COMMANDS.exportRuns> {
  return { [COMMANDS.exportRuns]: (node?: unknown) => exportCommand(registry, tree, log, withLocalRuns, node) };
}

async function chooseScope(registry: SourceRegistry, tree: RunsTreeProvider, node: unknown): Promise<Scope | undefined> {
  // Each source has its own filter: the export takes the chosen source's.
  const filterText = (c: ConfiguredSource) => describeFilter(tree.filterOf(c.config.id));
  const queryOf = (c: ConfiguredSource) => filterToQuery(tree.filterOf(c.config.id));
  if (node instanceof GroupNode) {
    const configured = registry.get(node.sourceId);
    return configured && { configured, query: node.spec.query, title: vscode.l10n.t('{0} › {1}', configured.config.label ?? configured.config.id, node.spec.label) };
  }
  const titleOf = (c: ConfiguredSource) => (filterText(c) ? vscode.l10n.t('{0} ({1})', c.config.label ?? c.config.id, filterText(c)) : (c.config.label ?? c.config.id));
  if (node instanceof SourceNode) return { configured: node.configured, query: queryOf(node.configured), title: titleOf(node.configured) };
  const sources = registry.list();
  if (sources.length === 0) {
    void showInformationMessage(vscode.l10n.t('Add a Task History source first.'));
    return undefined;
  }
  const pick =
    sources.length === 1
      ? sources[0]
      : (
          await vscode.window.showQuickPick(
            sources.map((c) => ({ label: titleOf(c), c })),
            { title: vscode.l10n.t('Export runs of which source?') },
          )
        )?.c;
  return pick && { configured: pick, query: queryOf(pick), title: titleOf(pick) };
}

/** What an export was asked for: written again as it is by Retry. */
interface ExportRequest {
  readonly scope: Scope;
  readonly format: ExportFormat;
  readonly includeSteps: boolean;
  readonly includePayloads: boolean;
  readonly total: number;
  readonly target: vscode.Uri;
}

async function exportCommand(registry: SourceRegistry, tree: RunsTreeProvider, log: vscode.LogOutputChannel, withLocalRuns: WithLocalRuns, node: unknown): Promise<void> {
  const scope = await chooseScope(registry, tree, node);
  if (!scope) return;
  const { source } = scope.configured;
  const format = (
    await vscode.window.showQuickPick(
      [
        { label: 'JSON', description: vscode.l10n.t('one array'), format: 'json' as ExportFormat },
        { label: 'NDJSON', description: vscode.l10n.t('one run per line, with a BigQuery schema file beside it'), format: 'ndjson' as ExportFormat },
        { label: 'CSV', description: vscode.l10n.t('RFC 4180, stable columns'), format: 'csv' as ExportFormat },
        { label: 'Parquet', description: vscode.l10n.t('typed columns, compressed: DuckDB, BigQuery, pandas'), format: 'parquet' as ExportFormat },
      ],
      { title: vscode.l10n.t('Export {0}', scope.title), placeHolder: vscode.l10n.t('Format') },
    )
  )?.format;
  if (!format) return;

  const options = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Include steps'), picked: false, id: 'steps' },
      ...(source.capabilities.stepPayloads
        ? [{ label: vscode.l10n.t('Include step input/output'), description: vscode.l10n.t('one more request per step'), picked: false, id: 'payloads' }]
        : []),
    ],
    { title: vscode.l10n.t('Export {0}: options', scope.title), canPickMany: true, placeHolder: vscode.l10n.t('Press Enter for runs only') },
  );
  if (!options) return;
  const includePayloads = options.some((o) => o.id === 'payloads');
  const includeSteps = includePayloads || options.some((o) => o.id === 'steps');

  let total: number;
  try {
    total = (await source.listPage(scope.query, 0)).total;
  } catch (error) {
    void showActionableError(vscode.l10n.t('Export failed: {0}', userMessage(error)), error, {
      sourceId: scope.configured.config.id,
      retry: () => exportCommand(registry, tree, log, withLocalRuns, node),
    });
    return;
  }
  if (total === 0) {
    void showInformationMessage(vscode.l10n.t('No runs to export in {0}.', scope.title));
    return;
  }
  if (includeSteps && !(await confirmCost(scope, total, includePayloads))) return;

  const target = await vscode.window.showSaveDialog({
    title: total === 1 ? vscode.l10n.t('Export 1 run') : vscode.l10n.t('Export {0} runs', formatNumber(total)),
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `runs.${format === 'ndjson' ? 'ndjson' : format}`),
    filters: { [format.toUpperCase()]: [format] },
  });
  if (!target) return;
  await writeExport(log, withLocalRuns, { scope, format, includeSteps, includePayloads, total, target });
}

/** Writes the export asked for, with progress and Cancel, and says how it went (Retry writes it again). */
async function writeExport(log: vscode.LogOutputChannel, withLocalRuns: WithLocalRuns, request: ExportRequest): Promise<void> {
  const { scope, format, includeSteps, includePayloads, total, target } = request;
  const { source } = scope.configured;
  let cancelled: AbortSignal | undefined;
  try {
    const written = await withCancellableProgress({ title: vscode.l10n.t('Exporting {0}', scope.title) }, (signal, progress) => {
      cancelled = signal;
      let last = 0;
      // Through the run index: finished runs' steps it holds are not fetched again, and a range
      // it can vouch for is read from it (a second export of a month costs a request or two).
      const run = (path: string) =>
        withLocalRuns(scope.configured.config.id, source, (local) =>
          exportRuns({
            local,
            source,
            query: scope.query,
            format,
            target: path,
            includeSteps,
            includePayloads,
            // Off unless asked for: formula cells are neutralized so a spreadsheet shows them as text.
            rawCsv: configuration().get<boolean>('export.rawCsv', false) === true,
            signal,
            onProgress: (p) => {
              const of = p.total ?? total;
              const increment = of > 0 ? ((p.written - last) / of) * 100 : 0;
              last = p.written;
              const message =
                p.remainingMs !== undefined
                  ? vscode.l10n.t('{0} of {1} · {2} left', formatNumber(p.written), formatNumber(of), formatDuration(p.remainingMs))
                  : vscode.l10n.t('{0} of {1}', formatNumber(p.written), formatNumber(of));
              progress.report({ increment, message });
            },
          }),
        );
      return writeThroughTarget(target, workspaceTarget(), run, (r) => (r.schemaFile === undefined ? [] : [r.schemaFile]), signal);
    });
    const { result } = written;
    const how = `${result.method === 'index' ? 'from the run index' : `${result.method}-side`}${written.local ? '' : ', staged locally and copied'}`;
    log.info(`exported ${result.records} runs to ${display(target)} (${how}, ${result.elapsedMs} ms)`);
    const where = vscode.workspace.asRelativePath(target);
    const exported = result.records === 1 ? vscode.l10n.t('Exported 1 run to {0}.', where) : vscode.l10n.t('Exported {0} runs to {1}.', formatNumber(result.records), where);
    const schemaUri = written.companions[0];
    const message = schemaUri ? `${exported} ${vscode.l10n.t('Its BigQuery schema: {0}.', vscode.workspace.asRelativePath(schemaUri))}` : exported;
    const openFile = vscode.l10n.t('Open File');
    const reveal = vscode.l10n.t('Reveal in Explorer');
    const choice = await showInformationMessage(
      message,
      // A Parquet file is binary: an editor has nothing to show. Only a local file has a place in the OS's file manager.
      ...(format === 'parquet' ? [] : [openFile]),
      ...(isLocalTarget(target) ? [reveal] : []),
    );
    if (choice === openFile) await vscode.window.showTextDocument(target);
    if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', target);
  } catch (error) {
    // A device or FIFO is written in place: what it received before the failure stays received.
    const incomplete = isLocalTarget(target) && (await writesDirectly(target.fsPath));
    if (cancelled?.aborted) {
      void showInformationMessage(
        incomplete
          ? vscode.l10n.t('Export cancelled; the data written to {0} is incomplete.', target.fsPath)
          : vscode.l10n.t('Export cancelled; nothing was written to {0}.', display(target)),
      );
    } else {
      log.error(`export failed: ${userMessage(error)}${detailOf(error)}`);
      const message = incomplete
        ? vscode.l10n.t('Export failed; the data written to {0} is incomplete. {1}', target.fsPath, userMessage(error))
        : vscode.l10n.t('Export failed; nothing was written to {0}. {1}', display(target), userMessage(error));
      void showActionableError(message, error, { sourceId: scope.configured.config.id, retry: () => writeExport(log, withLocalRuns, request) });
    }
  }
}

/** The log's detail of a disk error: the path and the system's error code. */
function detailOf(error: unknown): string {
  return error instanceof ExportTargetError ? ` (${error.detail})` : '';
}

/** Steps cost a request per run, payloads one per step: say so before spending the budget. */
async function confirmCost(scope: Scope, total: number, includePayloads: boolean): Promise<boolean> {
  const { source } = scope.configured;
  const averageSteps = includePayloads ? await sampleAverageSteps(scope) : 0;
  const requests = estimateExportRequests(total, source.capabilities.pageSize, true, includePayloads, averageSteps);
  const budget = source.capabilities.requestBudget;
  const message = budget
    ? vscode.l10n.t(
        'This export makes about {0} requests — about {1} at the limit of {2} requests per {3}.',
        formatNumber(requests),
        formatDuration((requests / budget.limit) * budget.intervalMs),
        formatNumber(budget.limit),
        formatDuration(budget.intervalMs),
      )
    : vscode.l10n.t('This export makes about {0} requests.', formatNumber(requests));
  const exportLabel = vscode.l10n.t('Export');
  const choice = await showWarningMessage(
    message,
    { modal: true, detail: includePayloads ? vscode.l10n.t('Estimated from {0} steps per run in a sample.', formatFixed(averageSteps, 1)) : undefined },
    exportLabel,
  );
  return choice === exportLabel;
}

async function sampleAverageSteps(scope: Scope): Promise<number> {
  const { source } = scope.configured;
  try {
    const page = await source.listPage(scope.query, 0);
    const sample = await Promise.all(page.runs.slice(0, 3).map((r) => source.getRun(r.id)));
    return sample.length ? sample.reduce((n, r) => n + r.steps.length, 0) / sample.length : 1;
  } catch {
    return 1;
  }
}

/** VS Code's file system, which reaches every scheme a window has (remote folders, extensions' file systems). */
export function workspaceTarget(): TargetHost<vscode.Uri> {
  return { fs: vscode.workspace.fs, fileUri: (path) => vscode.Uri.file(path) };
}
