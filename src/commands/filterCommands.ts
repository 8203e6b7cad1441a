// Filter (status, time range, user, workflow), Clear Filter and Group By, from the view
// toolbar. Filters go to the API as its own parameters; nothing is filtered client-side.
import * as vscode from 'vscode';
import * as settings from '../config/settings';
import { parseUserDate, TIME_RANGE_PRESETS, type RunFilter, type TimeRange, type TimeRangePreset } from '../core/filters';
import { GROUP_BY_LABELS, statusLabel, type GroupBy } from '../core/grouping';
import { RUN_STATUSES, type RunStatus } from '../core/model';
import { COMMANDS, type CommandHandlers } from '../contributions';
import type { RunsTreeProvider } from '../views/runsTree';

export function filterCommandHandlers(
  tree: RunsTreeProvider,
): Pick<CommandHandlers, typeof COMMANDS.filter | typeof COMMANDS.filterActive | typeof COMMANDS.clearFilter | typeof COMMANDS.groupBy> {
  return {
    [COMMANDS.filter]: () => editFilter(tree),
    [COMMANDS.filterActive]: () => editFilter(tree),
    [COMMANDS.clearFilter]: () => tree.setFilter({}),
    [COMMANDS.groupBy]: () => pickGroupBy(),
  };
}

async function editFilter(tree: RunsTreeProvider): Promise<void> {
  const current = tree.filter;
  const items: (vscode.QuickPickItem & { field: keyof RunFilter | 'clear' })[] = [
    { label: '$(circle-filled) Status', description: current.status ?? 'any', field: 'status' },
    { label: '$(calendar) Time range', description: describeRange(current.timeRange), field: 'timeRange' },
    { label: '$(person) User id', description: current.userId ?? 'any', field: 'userId' },
    { label: '$(git-merge) Workflow id', description: current.workflowId ?? 'any', field: 'workflowId' },
    { label: '$(clear-all) Clear filter', field: 'clear' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Filter Runs', placeHolder: 'Filter by…' });
  if (!pick) return;
  if (pick.field === 'clear') return tree.setFilter({});
  const next = await askField(pick.field, current);
  if (next) tree.setFilter(next);
}

function describeRange(range: TimeRange | undefined): string {
  if (!range) return 'any time';
  if ('preset' in range) return TIME_RANGE_PRESETS[range.preset].label;
  return `${range.from ?? '…'} – ${range.to ?? 'now'}`;
}

async function askField(field: keyof RunFilter, current: RunFilter): Promise<RunFilter | undefined> {
  switch (field) {
    case 'status': {
      const statuses = RUN_STATUSES.filter((s) => s !== 'unknown');
      const pick = await vscode.window.showQuickPick(
        [{ label: 'Any status', status: undefined as RunStatus | undefined }, ...statuses.map((s) => ({ label: statusLabel(s), status: s }))],
        { title: 'Filter by status' },
      );
      return pick ? { ...current, status: pick.status } : undefined;
    }
    case 'timeRange': {
      const presets = (Object.keys(TIME_RANGE_PRESETS) as TimeRangePreset[]).map((preset) => ({
        label: TIME_RANGE_PRESETS[preset].label,
        range: { preset } as TimeRange | undefined,
      }));
      const pick = await vscode.window.showQuickPick([{ label: 'Any time', range: undefined }, ...presets, { label: 'Custom range…', range: 'custom' as const }], {
        title: 'Filter by start time',
      });
      if (!pick) return undefined;
      if (pick.range !== 'custom') return { ...current, timeRange: pick.range };
      const from = await askDate('Runs started on or after (ISO 8601, empty for no start)');
      if (from === undefined) return undefined;
      const to = await askDate('Runs started before (ISO 8601, empty for now)');
      if (to === undefined) return undefined;
      return { ...current, timeRange: { from: from || undefined, to: to || undefined } };
    }
    case 'userId':
    case 'workflowId': {
      const value = await vscode.window.showInputBox({
        title: field === 'userId' ? 'Filter by connected user id' : 'Filter by workflow id',
        value: current[field] ?? '',
        prompt: 'Empty for any.',
        // Ids are pasted from elsewhere (a dashboard, a ticket): switching away to copy one keeps the box.
        ignoreFocusOut: true,
      });
      return value === undefined ? undefined : { ...current, [field]: value.trim() || undefined };
    }
  }
}

/** '' for no date, undefined when cancelled. */
async function askDate(title: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title,
    placeHolder: '2026-11-01 or 2026-11-01T09:30:00Z',
    validateInput: (v) => (!v.trim() || parseUserDate(v) ? undefined : 'Use ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:30:00Z.'),
  });
  if (value === undefined) return undefined;
  return value.trim() ? parseUserDate(value)!.toISOString() : '';
}

async function pickGroupBy(): Promise<void> {
  const current = settings.groupBy();
  const pick = await vscode.window.showQuickPick(
    (Object.keys(GROUP_BY_LABELS) as GroupBy[]).map((value) => ({
      label: GROUP_BY_LABELS[value],
      description: value === current ? 'current' : undefined,
      value,
    })),
    { title: 'Group Runs By' },
  );
  if (pick) await settings.setGroupBy(pick.value);
}
