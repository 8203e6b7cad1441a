// The filters of the tree, one per source, and how they are kept in the workspace's state so a
// window reload (or the next day) finds them again, and another workspace has its own. What is
// read back is not trusted: the state is a file on disk that an older version, another extension
// build or a hand edit may have written. Every field is checked and anything that is not a filter
// this version would have written (an unknown status or preset, a non-string) is dropped, never
// sent to an API. Source ids are values in a list, never keys of an object: any id the settings
// accept (a leading space, a tab, 'constructor', '__proto__', any length) reads back as it was
// set. Plain logic (no `vscode`): the tree hands it the Memento.
import * as l10n from '@vscode/l10n';
import { describeFilter, isEmptyFilter, parseUserDate, presetOf, type RunFilter, type TimeRange, type TimeRangePreset, TEXT_FILTER_FIELDS } from './filters';
import { formatDateTime, formatNumber } from './locale';
import { RUN_STATUSES, type RunStatus } from './model';

/** The key the filters are kept under in the workspace's state. */
export const FILTERS_STATE_KEY = 'taskHistory.filters';
/**
 * The stored format's version: any other is read as nothing rather than misread. (2: the first
 * released; 1, keyed by id, lived only in development and dropped ids it could not key safely.)
 */
export const FILTERS_STATE_VERSION = 2;

/** The longest user id, workflow id or integration name kept; longer is not one we wrote. */
const MAX_TEXT = 512;

/** A source id as the `taskHistory.sources` setting accepts one (validateSourceEntry): any non-empty string, kept exactly. */
function isSourceId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** What VS Code's Memento (ExtensionContext.workspaceState) offers, and a test's Map-backed stand-in. */
export interface FilterStorage {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The stored shape: `{ v: 2, filters: [{ id, filter }] }`, one entry per source with a filter. */
export interface StoredFilters {
  readonly v: typeof FILTERS_STATE_VERSION;
  readonly filters: readonly { readonly id: string; readonly filter: RunFilter }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why a user id, workflow id or integration name would not be kept as a filter, or undefined
 * (empty is "any"). The one rule: sanitizeFilter drops what this refuses, and the Filter inputs
 * refuse it as it is typed, so nothing typed is dropped silently.
 */
export function filterTextProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT) return l10n.t('At most {0} characters: this has {1}.', formatNumber(MAX_TEXT), formatNumber(trimmed.length));
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return l10n.t('Remove the control characters (a tab, a line break): no id or name has them.');
  return undefined;
}

/** Why a custom range cannot match a run (its start not before its end), or undefined; either end may be missing. */
export function timeRangeProblem(from: string | undefined, to: string | undefined): string | undefined {
  const start = from ? parseUserDate(from) : undefined;
  const end = to ? parseUserDate(to) : undefined;
  if (!start || !end || start < end) return undefined;
  return l10n.t('The end must be after the start ({0}).', formatDateTime(start, { dateStyle: 'medium', timeStyle: 'short' }));
}

/** A stored text field: a non-empty string that filterTextProblem accepts, trimmed; else undefined. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed || filterTextProblem(trimmed)) return undefined;
  return trimmed;
}

function status(value: unknown): RunStatus | undefined {
  // 'unknown' is what we call a status the API sent that we do not know: no API filters by it.
  return typeof value === 'string' && value !== 'unknown' && (RUN_STATUSES as readonly string[]).includes(value) ? (value as RunStatus) : undefined;
}

function isoDate(value: unknown): string | undefined {
  const date = typeof value === 'string' ? parseUserDate(value) : undefined;
  return date?.toISOString();
}

function timeRange(value: unknown): TimeRange | undefined {
  if (!isRecord(value)) return undefined;
  if ('preset' in value) {
    const range = { preset: value['preset'] } as TimeRange;
    return presetOf(range) ? { preset: value['preset'] as TimeRangePreset } : undefined;
  }
  const from = isoDate(value['from']);
  const to = isoDate(value['to']);
  if (!from && !to) return undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** A filter from untrusted data: only the fields that check out, the rest dropped ({} for nothing usable). */
export function sanitizeFilter(raw: unknown): RunFilter {
  if (!isRecord(raw)) return {};
  const out: { -readonly [K in keyof RunFilter]: RunFilter[K] } = {};
  const s = status(Object.hasOwn(raw, 'status') ? raw['status'] : undefined);
  if (s) out.status = s;
  const range = timeRange(Object.hasOwn(raw, 'timeRange') ? raw['timeRange'] : undefined);
  if (range) out.timeRange = range;
  for (const field of TEXT_FILTER_FIELDS) {
    const value = text(Object.hasOwn(raw, field) ? raw[field] : undefined);
    if (value) out[field] = value;
  }
  return out;
}

/** The filters kept in a workspace's state, by source id; what does not check out is left out. */
export function readFilters(raw: unknown): Map<string, RunFilter> {
  const filters = new Map<string, RunFilter>();
  if (!isRecord(raw)) return filters;
  const keep = (id: string, value: unknown) => {
    const filter = sanitizeFilter(value);
    // The first entry of an id holds (a hand edit may repeat one).
    if (!isEmptyFilter(filter) && !filters.has(id)) filters.set(id, filter);
  };
  const stored = raw['filters'];
  if (raw['v'] === FILTERS_STATE_VERSION && Array.isArray(stored)) {
    for (const entry of stored as unknown[]) if (isRecord(entry) && isSourceId(entry['id'])) keep(entry['id'], entry['filter']);
  }
  return filters;
}

/** The shape to store (plain JSON; the ids are values, so none can reach a prototype). */
export function writeFilters(filters: ReadonlyMap<string, RunFilter>): StoredFilters {
  const entries: { id: string; filter: RunFilter }[] = [];
  for (const [id, filter] of filters) if (isSourceId(id) && !isEmptyFilter(filter)) entries.push({ id, filter: sanitizeFilter(filter) });
  return { v: FILTERS_STATE_VERSION, filters: entries };
}

const NO_FILTER: RunFilter = Object.freeze({});

/**
 * One filter per source, kept in `storage` (when given) after every change. A source without a
 * filter reads {}. Writes are made in order; `saved` settles once the last one has.
 */
export class FilterMemory {
  private readonly filters: Map<string, RunFilter>;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage?: FilterStorage,
    /** Told when a write fails (the filter still holds for this session). */
    private readonly onSaveError?: (error: unknown) => void,
  ) {
    this.filters = readFilters(storage?.get(FILTERS_STATE_KEY));
  }

  get(sourceId: string): RunFilter {
    return this.filters.get(sourceId) ?? NO_FILTER;
  }

  /** Sets one source's filter ({} clears it); whether anything changed. */
  set(sourceId: string, filter: RunFilter): boolean {
    if (!isSourceId(sourceId)) return false;
    const clean = sanitizeFilter(filter);
    const before = this.filters.get(sourceId);
    if (JSON.stringify(before ?? {}) === JSON.stringify(clean)) return false;
    if (isEmptyFilter(clean)) this.filters.delete(sourceId);
    else this.filters.set(sourceId, clean);
    this.save();
    return true;
  }

  /** Clears one source's filter, or every source's; the ids whose filter was cleared. */
  clear(sourceId?: string): string[] {
    const ids = sourceId === undefined ? [...this.filters.keys()] : this.filters.has(sourceId) ? [sourceId] : [];
    for (const id of ids) this.filters.delete(id);
    if (ids.length > 0) this.save();
    return ids;
  }

  /** Drops the filters of sources that are no longer configured; the ids dropped. */
  retain(sourceIds: Iterable<string>): string[] {
    const keep = new Set(sourceIds);
    const dropped = [...this.filters.keys()].filter((id) => !keep.has(id));
    for (const id of dropped) this.filters.delete(id);
    if (dropped.length > 0) this.save();
    return dropped;
  }

  /** The sources that have a filter, with it. */
  entries(): [string, RunFilter][] {
    return [...this.filters];
  }

  get anyActive(): boolean {
    return this.filters.size > 0;
  }

  /** Settles when every change so far is written. */
  get saved(): Promise<void> {
    return this.saving;
  }

  private save(): void {
    const storage = this.storage;
    if (!storage) return;
    const value = writeFilters(this.filters);
    this.saving = this.saving.then(async () => {
      try {
        await storage.update(FILTERS_STATE_KEY, value);
      } catch (error) {
        this.onSaveError?.(error);
      }
    });
  }
}

/**
 * The view's header for the filters on: empty with none; the filter itself when the only source
 * with one is the only source; "Label: failed" when one source of several has one; else how many.
 */
export function summarizeFilters(active: readonly { readonly label: string; readonly filter: RunFilter }[], sourceCount: number): string {
  const on = active.filter((a) => !isEmptyFilter(a.filter));
  if (on.length === 0) return '';
  if (on.length === 1) {
    const { label, filter } = on[0]!;
    return sourceCount <= 1 ? describeFilter(filter) : l10n.t('{0}: {1}', label, describeFilter(filter));
  }
  return l10n.t('Filters on {0} sources', on.length);
}
