// Typed access to the `taskHistory.*` settings, read fresh each time and validated so a
// hand-edited settings.json with a mistake yields a message, not a crash (a source entry is
// checked by validateSourceEntry, generic fields and then its kind's descriptor).
import { parseWorkflowNames, type WorkflowNames } from '../core/workflowNames';
import * as vscode from 'vscode';
import { GROUP_BY_LABELS, type GroupBy } from '../core/grouping';
import { validateSourceEntry } from '../sources/kinds/sourceEntry';
import type { SourceConfig } from '../sources/sourceConfig';

const SECTION = 'taskHistory';
/** Every grouping the tree knows (core/grouping.ts): a value not among them (an old or mistyped setting) is status. */
const GROUP_BY_VALUES = Object.keys(GROUP_BY_LABELS) as readonly GroupBy[];

export interface SettingsProblem {
  readonly index: number;
  readonly message: string;
}

export function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** The configured sources that are usable, and what is wrong with the others. */
export function readSources(): { sources: SourceConfig[]; problems: SettingsProblem[] } {
  const raw = configuration().get<unknown>('sources', []);
  const sources: SourceConfig[] = [];
  const problems: SettingsProblem[] = [];
  if (!Array.isArray(raw)) return { sources, problems: [{ index: -1, message: vscode.l10n.t('"taskHistory.sources" must be an array.') }] };
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const problem = validateSourceEntry(entry);
    if (problem) {
      problems.push({ index, message: problem });
      return;
    }
    const source = entry as SourceConfig;
    if (seen.has(source.id)) {
      problems.push({ index, message: vscode.l10n.t('Two sources share the id "{0}".', source.id) });
      return;
    }
    seen.add(source.id);
    sources.push(source);
  });
  return { sources, problems };
}

export async function writeSources(sources: readonly SourceConfig[]): Promise<void> {
  await configuration().update('sources', sources, vscode.ConfigurationTarget.Global);
}

export function groupBy(): GroupBy {
  const value = configuration().get<string>('groupBy', 'status');
  return (GROUP_BY_VALUES as readonly string[]).includes(value) ? (value as GroupBy) : 'status';
}

export async function setGroupBy(value: GroupBy): Promise<void> {
  await configuration().update('groupBy', value, vscode.ConfigurationTarget.Global);
}

/** Seconds between polls of running runs; 0 turns live refresh off. */
export function refreshIntervalSeconds(): number {
  const value = configuration().get<number>('refreshInterval', 30);
  return Number.isFinite(value) && value > 0 ? Math.max(5, value) : 0;
}

export function notifyOnFailure(): boolean {
  return configuration().get<boolean>('notifyOnFailure', false);
}

export function startDemoOnStartup(): boolean {
  return configuration().get<boolean>('startDemo', false);
}

/** Names users gave workflows (`taskHistory.workflowNames`: workflow id → name). */
export function workflowNames(): WorkflowNames {
  return parseWorkflowNames(configuration().get<unknown>('workflowNames', {}));
}

/**
 * The run index's settings: on or off, where it lives ('' is the extension's storage; checked
 * by commands/indexLocation.ts), how far back a first sync goes (0: all), failing outputs,
 * and the minutes between background syncs (0: only the command syncs).
 */
export function indexSettings(): { enabled: boolean; path: string; syncDays: number; failingOutputs: boolean; syncIntervalMinutes: number } {
  const days = configuration().get<number>('index.syncDays', 30);
  const path = configuration().get<string>('index.path', '');
  const interval = configuration().get<number>('index.syncIntervalMinutes', 15);
  return {
    enabled: configuration().get<boolean>('index.enabled', true) !== false,
    path: typeof path === 'string' ? path : '',
    syncDays: typeof days === 'number' && Number.isFinite(days) && days >= 0 ? days : 30,
    failingOutputs: configuration().get<boolean>('index.failingOutputs', true) !== false,
    // At least a minute: a sync's second pass costs a request or three, but not every few seconds.
    syncIntervalMinutes: typeof interval === 'number' && Number.isFinite(interval) && interval > 0 ? Math.max(1, interval) : interval === 0 ? 0 : 15,
  };
}

const HTTP_LIMIT_SETTINGS = ['requestTimeoutSeconds', 'serverExportTimeoutMinutes', 'serverExportMaxMiB'] as const;

function positiveSetting(name: (typeof HTTP_LIMIT_SETTINGS)[number], fallback: number): number {
  const value = configuration().get<number>(name, fallback);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The request limits set by the user, for createSource (its own defaults are the same). */
export function httpLimits(): { deadlineMs: number; streamDeadlineMs: number; maxStreamBytes: number } {
  return {
    deadlineMs: Math.round(positiveSetting('requestTimeoutSeconds', 60) * 1000),
    streamDeadlineMs: Math.round(positiveSetting('serverExportTimeoutMinutes', 120) * 60_000),
    maxStreamBytes: Math.round(positiveSetting('serverExportMaxMiB', 2048) * 1024 * 1024),
  };
}

/** A change that needs the clients rebuilt with new limits. */
export function affectsHttpLimits(event: vscode.ConfigurationChangeEvent): boolean {
  return HTTP_LIMIT_SETTINGS.some((name) => event.affectsConfiguration(`${SECTION}.${name}`));
}

export function affectsSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
