// Filter (status, time range, and what else the source's API filters by: user, workflow,
// integration), Clear Filter and Group By. Each source has its own filter (kept in the
// workspace's state by the tree): the inline Filter… on a source row filters that one; the
// toolbar's asks which source when there are several, or "All sources". Only what the API
// itself filters by is offered, and it goes to the API as its own parameters (nothing is
// filtered client-side): Paragon takes status, dates, userId, workflowId and integration;
// Dispersl status and dates only (its History API has no agent or model parameter).
import * as vscode from 'vscode';
import * as settings from '../config/settings';
import type { ConfiguredSource } from '../config/sourceRegistry';
import {
  commonFilterFields,
  describeCustomRange,
  describeFilter,
  filterFieldsOf,
  parseUserDate,
  presetOf,
  TIME_RANGE_PRESETS,
  type FilterFields,
  type RunFilter,
  type TimeRange,
  type TimeRangePreset,
} from '../core/filters';
import { filterTextProblem, timeRangeProblem } from '../core/filterMemory';
import { GROUP_BY_LABELS, statusLabel, type GroupBy } from '../core/grouping';
import type { RunStatus } from '../core/model';
import { COMMANDS, type CommandHandlers } from '../contributions';
import { kindDescriptor } from '../sources/kinds';
import type { RunsTreeProvider } from '../views/runsTree';

export function filterCommandHandlers(
  tree: RunsTreeProvider,
): Pick<CommandHandlers, typeof COMMANDS.filter | typeof COMMANDS.filterActive | typeof COMMANDS.clearFilter | typeof COMMANDS.groupBy> {
  return {
    [COMMANDS.filter]: (target?: unknown) => editFilter(tree, sourceIdOf(target)),
    [COMMANDS.filterActive]: (target?: unknown) => editFilter(tree, sourceIdOf(target)),
    // On a source row: that source's filter; from the toolbar or the palette: every source's.
    [COMMANDS.clearFilter]: (target?: unknown) => tree.clearFilter(sourceIdOf(target)),
    [COMMANDS.groupBy]: () => pickGroupBy(),
  };
}

/** A source id from a tree node (a source row), a string (executeCommand), or nothing. */
function sourceIdOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && 'sourceId' in target && typeof target.sourceId === 'string') return target.sourceId;
  return undefined;
}

/** The sources a filter is for: the one given, the only one, or the one(s) picked; undefined when cancelled. */
async function chooseTargets(tree: RunsTreeProvider, sourceId: string | undefined): Promise<readonly ConfiguredSource[] | undefined> {
  const sources = tree.ctx.registry.list();
  if (sourceId !== undefined) {
    const one = sources.find((s) => s.config.id === sourceId);
    return one ? [one] : undefined;
  }
  if (sources.length <= 1) return sources.length === 1 ? sources : undefined;
  const describe = (s: ConfiguredSource) => describeFilter(tree.filterOf(s.config.id)) || vscode.l10n.t('no filter');
  const pick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('$(layers) All sources'), description: tree.filterDescription || vscode.l10n.t('no filter'), targets: sources },
      ...sources.map((s) => ({ label: `$(${kindDescriptor(s.config.kind).icon}) ${s.config.label ?? s.config.id}`, description: describe(s), targets: [s] })),
    ],
    { title: vscode.l10n.t('Filter Runs'), placeHolder: vscode.l10n.t('Filter the runs of which source?') },
  );
  return pick?.targets;
}

type Field = 'status' | 'timeRange' | 'integration' | 'userId' | 'workflowId';

async function editFilter(tree: RunsTreeProvider, sourceId: string | undefined): Promise<void> {
  const targets = await chooseTargets(tree, sourceId);
  if (!targets || targets.length === 0) return;
  const fields = commonFilterFields(targets.map((t) => filterFieldsOf(t.source.capabilities)));
  // One source: its filter. Several: what they share (a field they differ in reads "various").
  const { current, differs } = sharedFilter(targets.map((t) => tree.filterOf(t.config.id)));
  const shown = (field: keyof RunFilter, text: string | undefined, none: string) => (differs.has(field) ? vscode.l10n.t('various') : text || none);
  const items: (vscode.QuickPickItem & { field: Field | 'clear' })[] = [];
  if (fields.statuses.length > 0) {
    items.push({
      label: vscode.l10n.t('$(circle-filled) Status'),
      description: shown('status', current.status && statusLabel(current.status), vscode.l10n.t('any')),
      field: 'status',
    });
  }
  if (fields.timeRange) {
    items.push({
      label: vscode.l10n.t('$(calendar) Time range'),
      description: shown('timeRange', describeRange(current.timeRange), vscode.l10n.t('any time')),
      field: 'timeRange',
    });
  }
  if (fields.integration) {
    items.push({ label: vscode.l10n.t('$(plug) Integration'), description: shown('integration', current.integration, vscode.l10n.t('any')), field: 'integration' });
  }
  if (fields.userId) items.push({ label: vscode.l10n.t('$(person) User id'), description: shown('userId', current.userId, vscode.l10n.t('any')), field: 'userId' });
  if (fields.workflowId) {
    items.push({ label: vscode.l10n.t('$(git-merge) Workflow id'), description: shown('workflowId', current.workflowId, vscode.l10n.t('any')), field: 'workflowId' });
  }
  items.push({ label: vscode.l10n.t('$(clear-all) Clear filter'), field: 'clear' });
  const title = targets.length === 1 ? vscode.l10n.t('Filter Runs: {0}', targets[0]!.config.label ?? targets[0]!.config.id) : vscode.l10n.t('Filter Runs: all sources');
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Filter by…') });
  if (!pick) return;
  if (pick.field === 'clear') {
    for (const target of targets) tree.clearFilter(target.config.id);
    return;
  }
  const patch = await askField(pick.field, current, fields, targets);
  if (!patch) return;
  // Each source keeps its other fields; the tree cuts the result to what its API filters by.
  for (const target of targets) tree.setFilter({ ...tree.filterOf(target.config.id), ...patch }, target.config.id);
}

/** The fields several filters agree on (`current`), and those they differ in (left out of `current`). */
function sharedFilter(filters: readonly RunFilter[]): { current: RunFilter; differs: Set<keyof RunFilter> } {
  const [first = {}, ...rest] = filters;
  const current: Record<string, unknown> = {};
  const differs = new Set<keyof RunFilter>();
  for (const key of ['status', 'timeRange', 'integration', 'userId', 'workflowId'] as const) {
    if (rest.every((f) => JSON.stringify(f[key]) === JSON.stringify(first[key]))) current[key] = first[key];
    else differs.add(key);
  }
  return { current: current as RunFilter, differs };
}

function describeRange(range: TimeRange | undefined): string | undefined {
  if (!range) return undefined;
  if ('preset' in range) return presetOf(range)?.label ?? vscode.l10n.t('any time');
  return describeCustomRange(range);
}

/** The change to make for one field; undefined when cancelled. */
async function askField(field: Field, current: RunFilter, fields: FilterFields, targets: readonly ConfiguredSource[]): Promise<Partial<RunFilter> | undefined> {
  switch (field) {
    case 'status': {
      const pick = await vscode.window.showQuickPick(
        [{ label: vscode.l10n.t('Any status'), status: undefined as RunStatus | undefined }, ...fields.statuses.map((s) => ({ label: statusLabel(s), status: s }))],
        { title: vscode.l10n.t('Filter by status') },
      );
      return pick ? { status: pick.status } : undefined;
    }
    case 'timeRange': {
      const presets = (Object.keys(TIME_RANGE_PRESETS) as TimeRangePreset[]).map((preset) => ({
        label: TIME_RANGE_PRESETS[preset].label,
        range: { preset } as TimeRange | undefined | 'custom',
      }));
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Any time'), range: undefined as TimeRange | undefined | 'custom' },
          ...presets,
          { label: vscode.l10n.t('Custom range…'), range: 'custom' as const },
        ],
        { title: vscode.l10n.t('Filter by start time') },
      );
      if (!pick) return undefined;
      if (pick.range !== 'custom') return { timeRange: pick.range };
      const from = await askDate(vscode.l10n.t('Runs started on or after (ISO 8601, empty for no start)'));
      if (from === undefined) return undefined;
      // A range whose end is not after its start matches no run: refused as the end is typed.
      const to = await askDate(vscode.l10n.t('Runs started before (ISO 8601, empty for now)'), (date) => timeRangeProblem(from || undefined, date));
      if (to === undefined) return undefined;
      return { timeRange: from || to ? { from: from || undefined, to: to || undefined } : undefined };
    }
    case 'integration':
      return askIntegration(current.integration, targets);
    case 'userId':
    case 'workflowId': {
      const value = await vscode.window.showInputBox({
        title: field === 'userId' ? vscode.l10n.t('Filter by connected user id') : vscode.l10n.t('Filter by workflow id'),
        value: current[field] ?? '',
        prompt: vscode.l10n.t('Empty for any.'),
        // Ids are pasted from elsewhere (a dashboard, a ticket): switching away to copy one keeps the box.
        ignoreFocusOut: true,
        // What the filter would not keep (too long, control characters) is refused here, not dropped later.
        validateInput: filterTextProblem,
      });
      return value === undefined ? undefined : { [field]: value.trim() || undefined };
    }
  }
}

/**
 * An integration: the sources' configured ones (the names their settings list for grouping), the
 * current one, or any name typed (the API matches the name given to paragon.connect).
 */
async function askIntegration(current: string | undefined, targets: readonly ConfiguredSource[]): Promise<Partial<RunFilter> | undefined> {
  const known = [...new Set([...targets.flatMap((t) => t.config.integrations ?? []), ...(current ? [current] : [])])].sort((a, b) => a.localeCompare(b));
  const picker = vscode.window.createQuickPick<vscode.QuickPickItem & { value: string | undefined }>();
  picker.title = vscode.l10n.t('Filter by integration');
  picker.placeholder = vscode.l10n.t('Pick an integration, or type its name as given to paragon.connect (e.g. salesforce)');
  picker.ignoreFocusOut = true;
  const fixed = [
    { label: vscode.l10n.t('Any integration'), value: undefined },
    ...known.map((name) => ({ label: name, description: name === current ? vscode.l10n.t('current') : undefined, value: name })),
  ];
  const typedItem = (text: string) => ({ label: text, description: vscode.l10n.t('the name typed'), value: text, alwaysShow: true });
  // A quick pick has no validation message: a name the filter would not keep is shown as an item that cannot be chosen.
  const refused = new Set<vscode.QuickPickItem>();
  const refusedItem = (problem: string) => {
    const item = { label: `$(error) ${problem}`, value: undefined, alwaysShow: true };
    refused.add(item);
    return item;
  };
  picker.items = fixed;
  return new Promise((resolve) => {
    let result: Partial<RunFilter> | undefined;
    picker.onDidChangeValue((text) => {
      const typed = text.trim();
      const problem = filterTextProblem(text);
      // The typed name as an item of its own, unless it is one listed; what the filter would not keep, as why not.
      picker.items = problem ? [refusedItem(problem)] : typed && !known.includes(typed) ? [typedItem(typed), ...fixed] : fixed;
    });
    picker.onDidAccept(() => {
      const chosen = picker.selectedItems[0] ?? picker.activeItems[0];
      if (!chosen || refused.has(chosen)) return;
      result = { integration: chosen.value };
      picker.hide();
    });
    picker.onDidHide(() => {
      picker.dispose();
      resolve(result);
    });
    picker.show();
  });
}

/** '' for no date, undefined when cancelled. `check` refuses a date that is one but does not fit (the end of a range before its start). */
async function askDate(title: string, check?: (date: string) => string | undefined): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title,
    placeHolder: vscode.l10n.t('2026-11-01 or 2026-11-01T09:30:00Z'),
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      if (!parseUserDate(v)) return vscode.l10n.t('Use ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:30:00Z.');
      return check?.(v);
    },
  });
  if (value === undefined) return undefined;
  return value.trim() ? parseUserDate(value)!.toISOString() : '';
}

async function pickGroupBy(): Promise<void> {
  const current = settings.groupBy();
  const pick = await vscode.window.showQuickPick(
    (Object.keys(GROUP_BY_LABELS) as GroupBy[]).map((value) => ({
      label: GROUP_BY_LABELS[value],
      description: value === current ? vscode.l10n.t('current') : undefined,
      value,
    })),
    { title: vscode.l10n.t('Group Runs By') },
  );
  if (pick) await settings.setGroupBy(pick.value);
}
