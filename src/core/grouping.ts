// How the tree groups runs. Paragon's records have no integration field, so grouping by
// integration means one filtered query per configured integration; group counts come
// from each query's `total`, never from fetching everything.
//
// Grouping by a value the runs carry (a workflow, an agent, a model) needs the values first:
// the run index gives them (distinct values within the tree's filter, most runs first), else
// the runs already loaded. Where the API filters by the dimension (Paragon's `workflowId`),
// each group is an API listing like an integration group; where it cannot (Dispersl's agent
// and model live in a task's steps, the task listing has neither), the group's runs and
// counts come from the run index (src/views/nodes/indexGroups.ts).
import * as l10n from '@vscode/l10n';
import type { RunQuery, RunStatus, SourceCapabilities } from './model';
import { singleLine } from './format';
import { formatNumber } from './locale';
import { workflowLabel, type WorkflowNames } from './workflowNames';

export type GroupDimension = 'status' | 'integration' | 'workflow' | 'agent' | 'model';
export type GroupBy = 'none' | 'status' | 'integration' | 'status-integration' | 'integration-status' | 'workflow' | 'workflow-status' | 'agent' | 'model';

// Labels are getters: read in the display language of the moment, not the one at import.
export const GROUP_BY_LABELS: Readonly<Record<GroupBy, string>> = {
  get none() {
    return l10n.t('No grouping');
  },
  get status() {
    return l10n.t('Status');
  },
  get integration() {
    return l10n.t('Integration');
  },
  get 'status-integration'() {
    return l10n.t('Status, then integration');
  },
  get 'integration-status'() {
    return l10n.t('Integration, then status');
  },
  get workflow() {
    return l10n.t('Workflow');
  },
  get 'workflow-status'() {
    return l10n.t('Workflow, then status');
  },
  get agent() {
    return l10n.t('Agent');
  },
  get model() {
    return l10n.t('Model');
  },
};

/** The dimensions grouped by a value of the runs (found in the index or the loaded runs), not by a fixed list. */
export type ValueDimension = Extract<GroupDimension, 'workflow' | 'agent' | 'model'>;

export function isValueDimension(dimension: GroupDimension): dimension is ValueDimension {
  return dimension === 'workflow' || dimension === 'agent' || dimension === 'model';
}

/** What the source's runs carry beyond its API's filters (the views know it from the kind: src/insights/stats.ts kindTraits). */
export interface GroupTraits {
  /** Its steps carry agents and models (Dispersl), and the run index stores them. */
  readonly stepAgents?: boolean;
}

/**
 * Where a dimension's groups get their runs for a source: 'api' (a filtered listing, counts
 * from its `total`), 'index' (the run index only: the API cannot filter by it), or undefined
 * when the source cannot group by it at all.
 */
export function groupSource(dimension: GroupDimension, capabilities: SourceCapabilities, traits: GroupTraits = {}): 'api' | 'index' | undefined {
  switch (dimension) {
    case 'status':
    case 'integration':
      return capabilities.groupBy.includes(dimension) ? 'api' : undefined;
    case 'workflow':
      return capabilities.filterByWorkflow ? 'api' : undefined;
    case 'agent':
    case 'model':
      return traits.stepAgents ? 'index' : undefined;
  }
}

const WANTED: Readonly<Record<GroupBy, readonly GroupDimension[]>> = {
  none: [],
  status: ['status'],
  integration: ['integration'],
  'status-integration': ['status', 'integration'],
  'integration-status': ['integration', 'status'],
  workflow: ['workflow'],
  'workflow-status': ['workflow', 'status'],
  agent: ['agent'],
  model: ['model'],
};

/** The dimensions a source can really use, in the chosen order (a dimension it cannot use is skipped). */
export function dimensionsFor(groupBy: GroupBy, capabilities: SourceCapabilities, integrations: readonly string[], traits: GroupTraits = {}): GroupDimension[] {
  const wanted = Object.hasOwn(WANTED, groupBy) ? WANTED[groupBy] : [];
  return wanted.filter((d) => groupSource(d, capabilities, traits) !== undefined && (d !== 'integration' || integrations.length > 0));
}

const STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  get failed() {
    return l10n.t('Failed');
  },
  get running() {
    return l10n.t('Running');
  },
  get delayed() {
    return l10n.t('Delayed');
  },
  get queued() {
    return l10n.t('Queued');
  },
  get succeeded() {
    return l10n.t('Succeeded');
  },
  get cancelled() {
    return l10n.t('Cancelled');
  },
  get unknown() {
    return l10n.t('Other');
  },
};

/** Failures first: that is what people open the view for. */
const STATUS_ORDER: readonly RunStatus[] = ['failed', 'running', 'delayed', 'queued', 'cancelled', 'succeeded'];

/** A status's label; anything else ("constructor" from a hostile API) is "Other", never an inherited member. */
export function statusLabel(status: RunStatus): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status] : STATUS_LABELS.unknown;
}

export interface GroupSpec {
  readonly dimension: GroupDimension;
  /** The status, integration, workflow id, agent or model this group stands for ('' for the runs with none). */
  readonly value: string;
  readonly label: string;
  /**
   * The query for this group, already narrowed by its ancestors. An index-only dimension
   * (agent, model) cannot be put in a RunQuery: its groups keep the parent's query, and
   * `value` narrows it in the index's read.
   */
  readonly query: RunQuery;
  /** The group of the runs that have no value of the dimension ("No workflow", "(none)"). */
  readonly none?: boolean;
}

/** The child groups of a level: one per filterable status, or per integration. */
export function groupsAt(dimension: 'status' | 'integration', parent: RunQuery, capabilities: SourceCapabilities, integrations: readonly string[]): GroupSpec[] {
  if (dimension === 'status') {
    // A status filter already set by the user leaves one group.
    const statuses = STATUS_ORDER.filter((s) => capabilities.filterStatuses.includes(s) && (!parent.status || parent.status === s));
    return statuses.map((status) => ({ dimension, value: status, label: statusLabel(status), query: { ...parent, status } }));
  }
  return integrations.map((integration) => ({ dimension, value: integration, label: integration, query: { ...parent, integration } }));
}

/** At most this many groups of values at one level: the rest are one "N more" row (10,000 agents are not 10,000 rows). */
export const MAX_VALUE_GROUPS = 50;
/** An agent's or model's label is one line this long at most (the full value is in the tooltip). */
export const VALUE_LABEL_MAX = 80;

/** One value of a dimension and how many runs have it where it was found (the index, or the loaded runs). */
export interface ValueCount {
  /** null: the runs with no value. */
  readonly value: string | null;
  readonly runs: number;
}

export interface ValueGroups {
  readonly groups: GroupSpec[];
  /** Distinct values left out past MAX_VALUE_GROUPS, and the runs they hold. */
  readonly more: { readonly values: number; readonly runs: number } | undefined;
}

const NONE_LABELS: Readonly<Record<ValueDimension, string>> = {
  get workflow() {
    return l10n.t('No workflow');
  },
  get agent() {
    return l10n.t('(none)');
  },
  get model() {
    return l10n.t('(none)');
  },
};

/** "3f2a1b2c…" for a long id: the row stays short, the tooltip has it whole. */
export function shortId(id: string): string {
  const line = singleLine(id);
  return [...line].length > 12 ? `${[...line].slice(0, 8).join('')}…` : line;
}

/** A value as a row's label: a workflow by the name a user gave it (else its short id), an agent or model on one line, cut short. */
export function valueLabel(dimension: ValueDimension, value: string, names: WorkflowNames = new Map()): string {
  if (dimension === 'workflow') return names.has(value) ? singleLine(workflowLabel(value, names)) : shortId(value);
  const line = singleLine(value);
  const chars = [...line];
  return chars.length <= VALUE_LABEL_MAX ? line : `${chars.slice(0, VALUE_LABEL_MAX - 1).join('')}…`;
}

/**
 * The groups of a value dimension, most runs first (ties by value, so the order is stable),
 * the runs with none last, at most MAX_VALUE_GROUPS of them (the "(none)" group always shown).
 * A workflow group's query is narrowed by its id (the API filters by it); an agent's or
 * model's keeps the parent's. Values are kept in a Map, never an object: `__proto__` is a
 * value like any other. Empty values count as none.
 */
export function valueGroups(dimension: ValueDimension, parent: RunQuery, counts: readonly ValueCount[], names: WorkflowNames = new Map(), max = MAX_VALUE_GROUPS): ValueGroups {
  const byValue = new Map<string, number>();
  let none = 0;
  for (const { value, runs } of counts) {
    if (value === null || value === '') none += runs;
    else byValue.set(value, (byValue.get(value) ?? 0) + runs);
  }
  const ranked = [...byValue].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  const shown = ranked.slice(0, max);
  const left = ranked.slice(max);
  const groups: GroupSpec[] = shown.map(([value]) => ({
    dimension,
    value,
    label: valueLabel(dimension, value, names),
    query: dimension === 'workflow' ? { ...parent, workflowId: value } : parent,
  }));
  if (none > 0) groups.push({ dimension, value: '', label: NONE_LABELS[dimension], query: parent, none: true });
  return { groups, more: left.length > 0 ? { values: left.length, runs: left.reduce((n, [, runs]) => n + runs, 0) } : undefined };
}

/** Counts of a value in runs already loaded (no index): each run under its workflow; runs without one under none. */
export function countWorkflows(runs: readonly { readonly workflowId?: string }[]): ValueCount[] {
  const counts = new Map<string | null, number>();
  for (const run of runs) {
    const key = typeof run.workflowId === 'string' && run.workflowId !== '' ? run.workflowId : null;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([value, runs]) => ({ value, runs }));
}

/** "1,234 more agents (9,876 runs): narrow the filter to see them" — the row in place of the groups past the cap. One whole sentence per case (a value has a run at least). */
export function moreValuesMessage(dimension: ValueDimension, more: { readonly values: number; readonly runs: number }): string {
  const values = formatNumber(more.values);
  const runs = formatNumber(more.runs);
  if (more.values === 1 && more.runs === 1) {
    if (dimension === 'agent') return l10n.t('1 more agent (1 run): narrow the filter to see them');
    if (dimension === 'model') return l10n.t('1 more model (1 run): narrow the filter to see them');
    return l10n.t('1 more workflow (1 run): narrow the filter to see them');
  }
  if (more.values === 1) {
    if (dimension === 'agent') return l10n.t('1 more agent ({0} runs): narrow the filter to see them', runs);
    if (dimension === 'model') return l10n.t('1 more model ({0} runs): narrow the filter to see them', runs);
    return l10n.t('1 more workflow ({0} runs): narrow the filter to see them', runs);
  }
  if (dimension === 'agent') return l10n.t('{0} more agents ({1} runs): narrow the filter to see them', values, runs);
  if (dimension === 'model') return l10n.t('{0} more models ({1} runs): narrow the filter to see them', values, runs);
  return l10n.t('{0} more workflows ({1} runs): narrow the filter to see them', values, runs);
}
