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
import * as l10n from '@vscode/l10n';
import { relativeTime, singleLine } from '../../core/format';
import { formatNumber } from '../../core/locale';
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
  if (unavailable === 'empty') return l10n.t('The run index holds no runs of this source for the filter yet: "Task History: Sync Run Index" fills it');
  if (dimension === 'agent')
    return l10n.t(
      'Grouping by agents reads the run index, which is not open for this source: turn on "taskHistory.index.enabled", then run "Task History: Sync Run Index" (demo sources are not indexed)',
    );
  if (dimension === 'model')
    return l10n.t(
      'Grouping by models reads the run index, which is not open for this source: turn on "taskHistory.index.enabled", then run "Task History: Sync Run Index" (demo sources are not indexed)',
    );
  return l10n.t(
    'Grouping by workflows reads the run index, which is not open for this source: turn on "taskHistory.index.enabled", then run "Task History: Sync Run Index" (demo sources are not indexed)',
  );
}

const count = (n: number) => formatNumber(n);

/** What a group stands for, in full, on one line: "Workflow 3f2a…-full-id", "Agent code_agent", "No agent". */
export function groupSubject(spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>): string {
  const value = singleLine(spec.value);
  switch (spec.dimension) {
    case 'workflow':
      return spec.none ? l10n.t('No workflow') : l10n.t('Workflow {0}', value);
    case 'agent':
      return spec.none ? l10n.t('No agent') : l10n.t('Agent {0}', value);
    case 'model':
      return spec.none ? l10n.t('No model') : l10n.t('Model {0}', value);
    default:
      return spec.none ? `No ${spec.dimension}` : `${spec.dimension} ${value}`;
  }
}

/**
 * The tooltip of a group read from the run index: how many runs, what it stands for in full,
 * and that the runs come from the index, synced when (the API cannot filter by it).
 */
export function indexGroupTooltip(spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>, runs: number, lastSynced: Date | undefined, now = Date.now()): string {
  const subject = groupSubject(spec);
  const first = runs === 1 ? l10n.t('1 run · {0}', subject) : l10n.t('{0} runs · {1}', count(runs), subject);
  return `${first}\n${fromIndexLine(spec.dimension, lastSynced === undefined ? undefined : relativeTime(lastSynced.toISOString(), now))}`;
}

/** "From the run index, synced 5 min ago (why the API cannot give this group)." One whole sentence per case. */
function fromIndexLine(dimension: string, synced: string | undefined): string {
  if (dimension === 'agent')
    return synced === undefined
      ? l10n.t("From the run index, not synced yet (the API's task listing has no agents: a task is under each agent one of its steps used).")
      : l10n.t("From the run index, synced {0} (the API's task listing has no agents: a task is under each agent one of its steps used).", synced);
  if (dimension === 'model')
    return synced === undefined
      ? l10n.t("From the run index, not synced yet (the API's task listing has no models: a task is under each model one of its steps used).")
      : l10n.t("From the run index, synced {0} (the API's task listing has no models: a task is under each model one of its steps used).", synced);
  return synced === undefined
    ? l10n.t('From the run index, not synced yet (the API cannot list runs without a workflow).')
    : l10n.t('From the run index, synced {0} (the API cannot list runs without a workflow).', synced);
}

/** The row id of a value group: the value encoded, so no value (`/`, `..`, `__proto__`) can make it collide with another row's. */
export function valueGroupId(parentId: string, spec: Pick<GroupSpec, 'dimension' | 'value' | 'none'>): string {
  return `${parentId}/${spec.dimension}:${spec.none ? '(none)' : encodeURIComponent(spec.value)}`;
}
