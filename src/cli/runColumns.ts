// The columns list prints for runs, from the normalized model only. (show prints a run's
// steps from core's stepFields, the list the tree and the panel show too.)
import type { Run } from '../core/model';
import { durationText } from '../core/runState';
import type { Column } from './table';

/** "2025-01-31 14:30:05Z": sortable, unambiguous, narrower than full ISO. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export const RUN_COLUMNS: readonly Column<Run>[] = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'STATUS', cell: (r) => r.rawStatus },
  { header: 'STARTED', cell: (r) => shortTime(r.startedAt) },
  { header: 'DURATION', cell: durationText, align: 'right' },
  { header: 'NAME', cell: (r) => r.name ?? '', maxWidth: 40 },
  { header: 'WORKFLOW', cell: (r) => r.workflowId ?? '' },
  { header: 'INTEGRATION', cell: (r) => r.integration ?? '' },
  { header: 'USER', cell: (r) => r.userId ?? '', maxWidth: 36 },
];

export const ALWAYS_RUN_COLUMNS = ['ID', 'STATUS', 'STARTED', 'DURATION'];
