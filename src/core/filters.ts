// A source's filter, in users' terms (a time range preset, a status, an integration…), turned
// into the RunQuery the clients understand, and described in a few words for the view header.
// Which fields a source offers is what its API filters by (its capabilities): filters go to the
// API as its own parameters, never applied client-side.
import * as l10n from '@vscode/l10n';
import { statusLabel } from './grouping';
import { formatDateTime } from './locale';
import type { RunQuery, RunStatus, SourceCapabilities } from './model';

export type TimeRangePreset = '1h' | '24h' | '7d' | '30d';

// Labels are getters: read in the display language of the moment, not the one at import.
export const TIME_RANGE_PRESETS: Readonly<Record<TimeRangePreset, { readonly label: string; readonly ms: number }>> = {
  '1h': {
    get label() {
      return l10n.t('last hour');
    },
    ms: 3_600_000,
  },
  '24h': {
    get label() {
      return l10n.t('last 24 hours');
    },
    ms: 86_400_000,
  },
  '7d': {
    get label() {
      return l10n.t('last 7 days');
    },
    ms: 7 * 86_400_000,
  },
  '30d': {
    get label() {
      return l10n.t('last 30 days');
    },
    ms: 30 * 86_400_000,
  },
};

export type TimeRange = { readonly preset: TimeRangePreset } | { readonly from?: string; readonly to?: string };

export interface RunFilter {
  readonly status?: RunStatus;
  readonly timeRange?: TimeRange;
  readonly userId?: string;
  readonly workflowId?: string;
  /** Paragon's `integration` parameter (the name given to paragon.connect). */
  readonly integration?: string;
}

/** The fields of a filter besides the status and the time range: free text the API matches exactly. */
export const TEXT_FILTER_FIELDS = ['userId', 'workflowId', 'integration'] as const;
export type TextFilterField = (typeof TEXT_FILTER_FIELDS)[number];

/** What a source's API can filter by: the fields the Filter picker offers for it. */
export interface FilterFields {
  readonly statuses: readonly RunStatus[];
  readonly timeRange: boolean;
  readonly userId: boolean;
  readonly workflowId: boolean;
  readonly integration: boolean;
}

/** The fields one API filters by (from its capabilities). */
export function filterFieldsOf(capabilities: SourceCapabilities): FilterFields {
  return {
    statuses: capabilities.filterStatuses.filter((s) => s !== 'unknown'),
    // Both APIs take a start and an end date (Paragon afterDate/beforeDate, Dispersl from_date/to_date).
    timeRange: true,
    userId: capabilities.filterByUser,
    workflowId: capabilities.filterByWorkflow,
    integration: capabilities.filterByIntegration,
  };
}

/** The fields every one of several APIs filters by (one filter set on "All sources"). */
export function commonFilterFields(all: readonly FilterFields[]): FilterFields {
  if (all.length === 0) return { statuses: [], timeRange: false, userId: false, workflowId: false, integration: false };
  return {
    statuses: all[0]!.statuses.filter((s) => all.every((f) => f.statuses.includes(s))),
    timeRange: all.every((f) => f.timeRange),
    userId: all.every((f) => f.userId),
    workflowId: all.every((f) => f.workflowId),
    integration: all.every((f) => f.integration),
  };
}

/** `filter` with only what `fields` allows (a status or a field the API cannot filter by is dropped, never sent). */
export function restrictFilter(filter: RunFilter, fields: FilterFields): RunFilter {
  const out: { -readonly [K in keyof RunFilter]: RunFilter[K] } = {};
  if (filter.status && fields.statuses.includes(filter.status)) out.status = filter.status;
  if (filter.timeRange && fields.timeRange) out.timeRange = filter.timeRange;
  for (const field of TEXT_FILTER_FIELDS) if (filter[field] && fields[field]) out[field] = filter[field];
  return out;
}

/** A preset's definition, or undefined for a name that is not one (a stored filter is not trusted). */
export function presetOf(range: TimeRange | undefined): { label: string; ms: number } | undefined {
  if (!range || !('preset' in range) || typeof range.preset !== 'string') return undefined;
  return Object.hasOwn(TIME_RANGE_PRESETS, range.preset) ? TIME_RANGE_PRESETS[range.preset] : undefined;
}

export function isEmptyFilter(filter: RunFilter): boolean {
  return !filter.status && !filter.timeRange && !filter.userId && !filter.workflowId && !filter.integration;
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
    integration: filter.integration || undefined,
  };
}

/** "failed · last 24 hours · user 123" — empty when nothing is filtered. */
export function describeFilter(filter: RunFilter): string {
  const parts: string[] = [];
  if (filter.status) parts.push(statusLabel(filter.status));
  const range = filter.timeRange;
  if (range && 'preset' in range) {
    const preset = presetOf(range);
    if (preset) parts.push(preset.label);
  } else if (range) parts.push(describeCustomRange(range));
  if (filter.integration) parts.push(l10n.t('integration {0}', filter.integration));
  if (filter.userId) parts.push(l10n.t('user {0}', filter.userId));
  if (filter.workflowId) parts.push(l10n.t('workflow {0}', filter.workflowId.slice(0, 8)));
  return parts.join(' · ');
}

/** A custom range in words, in the display language: "Nov 1, 2026, 9:30 AM – now". */
export function describeCustomRange(range: { readonly from?: string; readonly to?: string }): string {
  const from = range.from ? when(range.from) : '…';
  return range.to ? l10n.t('{0} – {1}', from, when(range.to)) : l10n.t('{0} – now', from);
}

/** A stored date of a range (ISO 8601), as the display language writes it; the text itself if it is not one. */
function when(iso: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso.slice(0, 40) : formatDateTime(iso, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Parses a user's date (ISO 8601 date or date-time); undefined if it is not one. */
export function parseUserDate(text: string): Date | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return undefined;
  const date = new Date(trimmed.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
