// The tree's groups by a value the runs carry (a workflow, an agent, a model), read from the run
// index: the distinct values within the tree's filter with how many runs have each, and one
// group's runs a page at a time. Kept free of `vscode` so it is tested in plain Node over a real
// index file. Every read is one read-only statement through RunIndex.read (the tree's index
// reader, IndexedSourceView.read): `filtered` is the source's runs matching the tree's query.
//
// Agents and models live in a task's steps (Dispersl): a run counts once under each agent (or
// model) one of its stored steps used, as Insights counts it; a run none of whose stored steps
// names one (its steps not synced yet, or unnamed) is under none. Workflows are the run's own
// column (Paragon), whose API filters by it: the tree lists those groups from the API and takes
// only the values (and their order) from here.
import { relativeTime, singleLine } from '../../core/format';
import type { GroupSpec, ValueCount, ValueDimension } from '../../core/grouping';
import type { Run, RunQuery } from '../../core/model';
import type { Row, SqlValue } from '../../runIndex/sqlite';
import type { PagedRuns } from './loadMoreNode';

/** RunIndex.read for one source: `sql` runs after `WITH filtered AS (…the runs matching query…)`. */
export type IndexRead = (query: RunQuery, sql: string, params?: readonly SqlValue[]) => readonly Row[];

/** The runs of one group: the value, or none (value ''). */
export interface ValueFilter {
  readonly dimension: ValueDimension;
  readonly value: string;
  readonly none?: boolean;
}

/** The step column of an agent or model (a fixed name: never a value from outside). */
const STEP_COLUMN: Readonly<Record<'agent' | 'model', string>> = { agent: 'agent', model: 'model' };

const hasStepWith = (column: string, match: string) =>
  `EXISTS (SELECT 1 FROM steps s WHERE s.source_id = r.source_id AND s.run_id = r.run_id AND ${match.replace(/\$c/g, `s.${column}`)})`;

/** The WHERE clause (over `filtered r`) that picks a group's runs, with its parameters. */
function groupWhere(filter: ValueFilter): { readonly where: string; readonly params: SqlValue[] } {
  if (filter.dimension === 'workflow') {
    return filter.none ? { where: "(r.workflow_id IS NULL OR r.workflow_id = '')", params: [] } : { where: 'r.workflow_id = ?', params: [filter.value] };
  }
  const column = STEP_COLUMN[filter.dimension];
  return filter.none ? { where: `NOT ${hasStepWith(column, "$c IS NOT NULL AND $c <> ''")}`, params: [] } : { where: hasStepWith(column, '$c = ?'), params: [filter.value] };
}

/** Every value of the dimension among the runs matching the query, with its runs (null: the runs with none), and how many runs match in all. */
export function indexValueCounts(read: IndexRead, query: RunQuery, dimension: ValueDimension): { readonly counts: ValueCount[]; readonly runs: number } {
  const runs = Number(read(query, 'SELECT count(*) AS n FROM filtered')[0]?.['n'] ?? 0);
  if (dimension === 'workflow') {
    const rows = read(query, "SELECT CASE WHEN workflow_id = '' THEN NULL ELSE workflow_id END AS k, count(*) AS n FROM filtered GROUP BY k");
    return { counts: rows.map((row) => ({ value: typeof row['k'] === 'string' ? row['k'] : null, runs: Number(row['n']) })), runs };
  }
  const column = STEP_COLUMN[dimension];
  const rows = read(
    query,
    `SELECT s.${column} AS k, count(DISTINCT s.run_id) AS n FROM filtered r JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id
     WHERE s.${column} IS NOT NULL AND s.${column} <> '' GROUP BY s.${column}`,
  );
  const counts: ValueCount[] = rows.map((row) => ({ value: String(row['k']), runs: Number(row['n']) }));
  const none = indexGroupCount(read, query, { dimension, value: '', none: true });
  if (none > 0) counts.push({ value: null, runs: none });
  return { counts, runs };
}

/** How many runs matching the query are in the group. */
export function indexGroupCount(read: IndexRead, query: RunQuery, filter: ValueFilter): number {
  const { where, params } = groupWhere(filter);
  return Number(read(query, `SELECT count(*) AS n FROM filtered r WHERE ${where}`, params)[0]?.['n'] ?? 0);
}

/** A page of the group's runs, newest first (the tree's order everywhere). */
export function indexGroupPage(read: IndexRead, query: RunQuery, filter: ValueFilter, offset: number, limit: number): Run[] {
  const { where, params } = groupWhere(filter);
  return read(query, `SELECT r.summary AS summary FROM filtered r WHERE ${where} ORDER BY r.started_at DESC, r.run_id DESC LIMIT ? OFFSET ?`, [...params, limit, offset]).map(
    (row) => JSON.parse(String(row['summary'])) as Run,
  );
}

const PAGE = 100;

/** One group's runs in the index, a page at a time ("Load more"), like the API's listing. */
export class IndexGroupListing implements PagedRuns {
  private readonly loaded: Run[] = [];
  total: number;

  constructor(
    private readonly read: IndexRead,
    private readonly query: RunQuery,
    private readonly filter: ValueFilter,
    total?: number,
    private readonly pageSize = PAGE,
  ) {
    this.total = total ?? indexGroupCount(read, query, filter);
  }

  get runs(): readonly Run[] {
    return this.loaded;
  }

  get hasMore(): boolean {
    return this.loaded.length < this.total;
  }

  loadNext(): Promise<void> {
    const next = indexGroupPage(this.read, this.query, this.filter, this.loaded.length, this.pageSize);
    // The index changed under us (a sync landed): no Load more past what is there.
    if (next.length < this.pageSize) this.total = this.loaded.length + next.length;
    const seen = new Set(this.loaded.map((r) => r.id));
    this.loaded.push(...next.filter((r) => !seen.has(r.id)));
    return Promise.resolve();
  }
}

/** The row in place of index-only groups when the run index is not open: what to do to get them. */
export function indexNeededMessage(dimension: ValueDimension, unavailable: 'closed' | 'empty'): string {
  const what = dimension === 'workflow' ? 'workflows' : dimension === 'agent' ? 'agents' : 'models';
  return unavailable === 'closed'
    ? `Grouping by ${what} reads the run index, which is not open for this source: turn on "taskHistory.index.enabled", then run "Task History: Sync Run Index" (demo sources are not indexed)`
    : `The run index holds no runs of this source for the filter yet: "Task History: Sync Run Index" fills it`;
}

const count = (n: number) => n.toLocaleString('en-US');
const DIMENSION_NAMES: Readonly<Record<ValueDimension, string>> = { workflow: 'Workflow', agent: 'Agent', model: 'Model' };

/** What a group stands for, in full, on one line: "Workflow 3f2a…-full-id", "Agent code_agent", "No agent". */
export function groupSubject(spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>): string {
  const name = Object.hasOwn(DIMENSION_NAMES, spec.dimension) ? DIMENSION_NAMES[spec.dimension as ValueDimension] : spec.dimension;
  return spec.none ? `No ${name.toLowerCase()}` : `${name} ${singleLine(spec.value)}`;
}

/**
 * The tooltip of a group read from the run index: how many runs, what it stands for in full,
 * and that the runs come from the index, synced when (the API cannot filter by it).
 */
export function indexGroupTooltip(spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>, runs: number, lastSynced: Date | undefined, now = Date.now()): string {
  const why =
    spec.dimension === 'workflow'
      ? 'the API cannot list runs without a workflow'
      : `the API's task listing has no ${spec.dimension}s: a task is under each ${spec.dimension} one of its steps used`;
  const synced = lastSynced ? `synced ${relativeTime(lastSynced.toISOString(), now)}` : 'not synced yet';
  return `${count(runs)} run${runs === 1 ? '' : 's'} · ${groupSubject(spec)}\nFrom the run index, ${synced} (${why}).`;
}

/** The row id of a value group: the value encoded, so no value (`/`, `..`, `__proto__`) can make it collide with another row's. */
export function valueGroupId(parentId: string, spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>): string {
  return `${parentId}/${spec.dimension}:${spec.none ? '(none)' : encodeURIComponent(spec.value)}`;
}
