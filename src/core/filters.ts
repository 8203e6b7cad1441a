// The tree's filter, in users' terms (a time range preset, a status…), turned into the
// RunQuery the clients understand, and described in a few words for the view header.
import type { RunQuery, RunStatus } from './model';

export type TimeRangePreset = '1h' | '24h' | '7d' | '30d';

export const TIME_RANGE_PRESETS: Readonly<Record<TimeRangePreset, { label: string; ms: number }>> = {
  '1h': { label: 'last hour', ms: 3_600_000 },
  '24h': { label: 'last 24 hours', ms: 86_400_000 },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'last 30 days', ms: 30 * 86_400_000 },
};

export type TimeRange = { readonly preset: TimeRangePreset } | { readonly from?: string; readonly to?: string };

export interface RunFilter {
  readonly status?: RunStatus;
  readonly timeRange?: TimeRange;
  readonly userId?: string;
  readonly workflowId?: string;
}

/** A preset's definition, or undefined for a name that is not one (a stored filter is not trusted). */
export function presetOf(range: TimeRange | undefined): { label: string; ms: number } | undefined {
  if (!range || !('preset' in range) || typeof range.preset !== 'string') return undefined;
  return Object.hasOwn(TIME_RANGE_PRESETS, range.preset) ? TIME_RANGE_PRESETS[range.preset] : undefined;
}

export function isEmptyFilter(filter: RunFilter): boolean {
  return !filter.status && !filter.timeRange && !filter.userId && !filter.workflowId;
}

/** The query for a filter at a moment; presets are relative to `now`. */
export function filterToQuery(filter: RunFilter, now: Date = new Date()): RunQuery {
  let startedAfter: Date | undefined;
  let startedBefore: Date | undefined;
  const range = filter.timeRange;
  if (range && 'preset' in range) {
    const preset = presetOf(range);
    startedAfter = preset ? new Date(now.getTime() - preset.ms) : undefined;
  } else if (range) {
    startedAfter = range.from ? new Date(range.from) : undefined;
    startedBefore = range.to ? new Date(range.to) : undefined;
  }
  return {
    status: filter.status,
    startedAfter,
    startedBefore,
    userId: filter.userId || undefined,
    workflowId: filter.workflowId || undefined,
  };
}

/** "failed · last 24 hours · user 123" — empty when nothing is filtered. */
export function describeFilter(filter: RunFilter): string {
  const parts: string[] = [];
  if (filter.status) parts.push(filter.status);
  const range = filter.timeRange;
  if (range && 'preset' in range) {
    const preset = presetOf(range);
    if (preset) parts.push(preset.label);
  } else if (range) parts.push(`${range.from ? range.from.slice(0, 16) : '…'} – ${range.to ? range.to.slice(0, 16) : 'now'}`);
  if (filter.userId) parts.push(`user ${filter.userId}`);
  if (filter.workflowId) parts.push(`workflow ${filter.workflowId.slice(0, 8)}`);
  return parts.join(' · ');
}

/** Parses a user's date (ISO 8601 date or date-time); undefined if it is not one. */
export function parseUserDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return undefined;
  const date = new Date(trimmed.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
