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
import type { RunQuery } from '../core/model';
import type { HistorySource } from '../core/source';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { withCancellableProgress } from './cancellableProgress';
import { display, isLocalTarget, writeThroughTarget, type TargetHost } from './exportTarget';
import { userMessage } from '../core/errors';
import { GroupNode } from '../views/nodes/groupNode';
import { SourceNode } from '../views/nodes/sourceNode';
import type { RunsTreeProvider } from '../views/runsTree';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';

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
  const filterText = describeFilter(tree.filter);
  if (node instanceof GroupNode) {
    const configured = registry.get(node.sourceId);
    return configured && { configured, query: node.spec.query, title: `${configured.config.label ?? configured.config.id} › ${node.spec.label}` };
  }
  const query = filterToQuery(tree.filter);
  const titleOf = (c: ConfiguredSource) => `${c.config.label ?? c.config.id}${filterText ? ` (${filterText})` : ''}`;
  if (node instanceof SourceNode) return { configured: node.configured, query, title: titleOf(node.configured) };
  const sources = registry.list();
  if (sources.length === 0) {
    void showInformationMessage('Add a Task History source first.');
    return undefined;
  }
  const pick =
    sources.length === 1
      ? sources[0]
      : (
          await vscode.window.showQuickPick(
            sources.map((c) => ({ label: titleOf(c), c })),
            { title: 'Export runs of which source?' },
          )
        )?.c;
  return pick && { configured: pick, query, title: titleOf(pick) };
}

async function exportCommand(registry: SourceRegistry, tree: RunsTreeProvider, log: vscode.LogOutputChannel, withLocalRuns: WithLocalRuns, node: unknown): Promise<void> {
  const scope = await chooseScope(registry, tree, node);
  if (!scope) return;
  const { source } = scope.configured;
  const format = (
    await vscode.window.showQuickPick(
      [
        { label: 'JSON', description: 'one array', format: 'json' as ExportFormat },
        { label: 'NDJSON', description: 'one run per line, with a BigQuery schema file beside it', format: 'ndjson' as ExportFormat },
        { label: 'CSV', description: 'RFC 4180, stable columns', format: 'csv' as ExportFormat },
        { label: 'Parquet', description: 'typed columns, compressed: DuckDB, BigQuery, pandas', format: 'parquet' as ExportFormat },
      ],
      { title: `Export ${scope.title}`, placeHolder: 'Format' },
    )
  )?.format;
  if (!format) return;

  const options = await vscode.window.showQuickPick(
    [
      { label: 'Include steps', picked: false, id: 'steps' },
      ...(source.capabilities.stepPayloads ? [{ label: 'Include step input/output', description: 'one more request per step', picked: false, id: 'payloads' }] : []),
    ],
    { title: `Export ${scope.title}: options`, canPickMany: true, placeHolder: 'Press Enter for runs only' },
  );
  if (!options) return;
  const includePayloads = options.some((o) => o.id === 'payloads');
  const includeSteps = includePayloads || options.some((o) => o.id === 'steps');

  let total: number;
  try {
    total = (await source.listPage(scope.query, 0)).total;
  } catch (error) {
    void showErrorMessage(`Export failed: ${userMessage(error)}`);
    return;
  }
  if (total === 0) {
    void showInformationMessage(`No runs to export in ${scope.title}.`);
    return;
  }
  if (includeSteps && !(await confirmCost(scope, total, includePayloads))) return;

  const target = await vscode.window.showSaveDialog({
    title: `Export ${total.toLocaleString('en-US')} runs`,
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `runs.${format === 'ndjson' ? 'ndjson' : format}`),
    filters: { [format.toUpperCase()]: [format] },
  });
  if (!target) return;

  let cancelled: AbortSignal | undefined;
  try {
    const written = await withCancellableProgress({ title: `Exporting ${scope.title}` }, (signal, progress) => {
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
              const left = p.remainingMs !== undefined ? ` · ${formatDuration(p.remainingMs)} left` : '';
              progress.report({ increment, message: `${p.written.toLocaleString('en-US')} of ${of.toLocaleString('en-US')}${left}` });
            },
          }),
        );
      return writeThroughTarget(target, workspaceTarget(), run, (r) => (r.schemaFile === undefined ? [] : [r.schemaFile]), signal);
    });
    const { result } = written;
    const how = `${result.method === 'index' ? 'from the run index' : `${result.method}-side`}${written.local ? '' : ', staged locally and copied'}`;
    log.info(`exported ${result.records} runs to ${display(target)} (${how}, ${result.elapsedMs} ms)`);
    const schemaUri = written.companions[0];
    const schema = schemaUri ? ` Its BigQuery schema: ${vscode.workspace.asRelativePath(schemaUri)}.` : '';
    const choice = await showInformationMessage(
      `Exported ${result.records.toLocaleString('en-US')} runs to ${vscode.workspace.asRelativePath(target)}.${schema}`,
      // A Parquet file is binary: an editor has nothing to show. Only a local file has a place in the OS's file manager.
      ...(format === 'parquet' ? [] : ['Open File']),
      ...(isLocalTarget(target) ? ['Reveal in Explorer'] : []),
    );
    if (choice === 'Open File') await vscode.window.showTextDocument(target);
    if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealFileInOS', target);
  } catch (error) {
    // A device or FIFO is written in place: what it received before the failure stays received.
    const outcome =
      isLocalTarget(target) && (await writesDirectly(target.fsPath)) ? `the data written to ${target.fsPath} is incomplete` : `nothing was written to ${display(target)}`;
    if (cancelled?.aborted) {
      void showInformationMessage(`Export cancelled; ${outcome}.`);
    } else {
      log.error(`export failed: ${userMessage(error)}${detailOf(error)}`);
      void showErrorMessage(`Export failed; ${outcome}. ${userMessage(error)}`);
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
  const time = budget
    ? ` — about ${formatDuration((requests / budget.limit) * budget.intervalMs)} at the limit of ${budget.limit.toLocaleString('en-US')} requests per ${formatDuration(budget.intervalMs)}`
    : '';
  const choice = await showWarningMessage(
    `This export makes about ${requests.toLocaleString('en-US')} requests${time}.`,
    { modal: true, detail: includePayloads ? `Estimated from ${averageSteps.toFixed(1)} steps per run in a sample.` : undefined },
    'Export',
  );
  return choice === 'Export';
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
