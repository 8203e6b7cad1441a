// How the tree groups runs. Paragon's records have no integration field, so grouping by
// integration means one filtered query per configured integration; group counts come
// from each query's `total`, never from fetching everything.
import type { RunQuery, RunStatus, SourceCapabilities } from './model';

export type GroupDimension = 'status' | 'integration';
export type GroupBy = 'none' | 'status' | 'integration' | 'status-integration' | 'integration-status';

export const GROUP_BY_LABELS: Readonly<Record<GroupBy, string>> = {
  none: 'No grouping',
  status: 'Status',
  integration: 'Integration',
  'status-integration': 'Status, then integration',
  'integration-status': 'Integration, then status',
};

export interface GroupSpec {
  readonly dimension: GroupDimension;
  /** The status or integration name this group stands for. */
  readonly value: string;
  readonly label: string;
  /** The query for this group, already narrowed by its ancestors. */
  readonly query: RunQuery;
}

/** The dimensions a source can really use, in the chosen order. */
export function dimensionsFor(groupBy: GroupBy, capabilities: SourceCapabilities, integrations: readonly string[]): GroupDimension[] {
  const wanted: GroupDimension[] =
    groupBy === 'none'
      ? []
      : groupBy === 'status'
        ? ['status']
        : groupBy === 'integration'
          ? ['integration']
          : groupBy === 'status-integration'
            ? ['status', 'integration']
            : ['integration', 'status'];
  return wanted.filter((d) => capabilities.groupBy.includes(d) && (d !== 'integration' || integrations.length > 0));
}

const STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  failed: 'Failed',
  running: 'Running',
  delayed: 'Delayed',
  queued: 'Queued',
  succeeded: 'Succeeded',
  cancelled: 'Cancelled',
  unknown: 'Other',
};

/** Failures first: that is what people open the view for. */
const STATUS_ORDER: readonly RunStatus[] = ['failed', 'running', 'delayed', 'queued', 'cancelled', 'succeeded'];

/** A status's label; anything else ("constructor" from a hostile API) is "Other", never an inherited member. */
export function statusLabel(status: RunStatus): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status] : STATUS_LABELS.unknown;
}

/** The child groups of a level: one per filterable status, or per integration. */
export function groupsAt(dimension: GroupDimension, parent: RunQuery, capabilities: SourceCapabilities, integrations: readonly string[]): GroupSpec[] {
  if (dimension === 'status') {
    // A status filter already set by the user leaves one group.
    const statuses = STATUS_ORDER.filter((s) => capabilities.filterStatuses.includes(s) && (!parent.status || parent.status === s));
    return statuses.map((status) => ({ dimension, value: status, label: statusLabel(status), query: { ...parent, status } }));
  }
  return integrations.map((integration) => ({ dimension, value: integration, label: integration, query: { ...parent, integration } }));
}
