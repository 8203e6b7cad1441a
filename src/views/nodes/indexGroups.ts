// The tree's groups by a value the runs carry (a workflow, an agent, a model), read from the run
// index: the distinct values within the tree's filter with how many runs have each, and one
// group's runs a page at a time. Kept free of `vscode` so it is tested in plain Node over a real
// index file. The values and runs come from the source's Insights frame (IndexValues,
// src/insights/valueGroups.ts): an agent or a model lives in a task's steps, and reading them
// from the index each time took seconds for a large one.
//
// Agents and models live in a task's steps (Dispersl): a run counts once under each agent (or
// model) one of its stored steps used, as Insights counts it; a run none of whose stored steps
// names one (its steps not synced yet, or unnamed) is under none. Workflows are the run's own
// column (Paragon), whose API filters by it: the tree lists those groups from the API and takes
// only the values (and their order) from here.
import { relativeTime, singleLine } from '../../core/format';
import type { GroupSpec, ValueDimension } from '../../core/grouping';
import type { Run, RunQuery } from '../../core/model';
import type { IndexValues, ValueGroup } from '../../insights/valueGroups';
import type { PagedRuns } from './loadMoreNode';

export type { IndexValues, ValueGroup };

const PAGE = 100;

/** One group's runs in the index, a page at a time ("Load more"), like the API's listing. The group's run ids are read once, on the first page. */
export class IndexGroupListing implements PagedRuns {
  private readonly loaded: Run[] = [];
  private ids: string[] | undefined;
  /** How many of the ids the pages have taken. */
  private offset = 0;
  total: number;

  constructor(
    private readonly values: IndexValues,
    private readonly query: RunQuery,
    private readonly group: ValueGroup,
    /** The count shown before the first page (the group's value count); the ids' own once read. */
    total: number,
    private readonly pageSize = PAGE,
  ) {
    this.total = total;
  }

  get runs(): readonly Run[] {
    return this.loaded;
  }

  get hasMore(): boolean {
    return this.ids === undefined ? this.total > 0 : this.offset < this.ids.length;
  }

  async loadNext(): Promise<void> {
    this.ids ??= await this.values.runIds(this.query, this.group);
    const slice = this.ids.slice(this.offset, this.offset + this.pageSize);
    this.offset += slice.length;
    const seen = new Set(this.loaded.map((r) => r.id));
    // A run the index no longer holds is left out (the page moves on by ids).
    this.loaded.push(...this.values.runs(slice).filter((r) => !seen.has(r.id)));
    this.total = this.ids.length - (this.offset - this.loaded.length);
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
