// The columns list and show print for runs and steps, from the normalized model only.
import { formatDuration } from '../core/duration';
import type { Run, Step } from '../core/model';
import type { OrderedStep } from '../core/stepGraph';
import type { Column } from './table';

/** "2025-01-31 14:30:05Z": sortable, unambiguous, narrower than full ISO. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function duration(item: Run | Step): string {
  const text = formatDuration(item.durationMs) || item.durationText || '';
  return text || (item.status === 'running' && !item.endedAt ? 'running' : '');
}

export const RUN_COLUMNS: readonly Column<Run>[] = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'STATUS', cell: (r) => r.rawStatus },
  { header: 'STARTED', cell: (r) => shortTime(r.startedAt) },
  { header: 'DURATION', cell: duration, align: 'right' },
  { header: 'NAME', cell: (r) => r.name ?? '', maxWidth: 40 },
  { header: 'WORKFLOW', cell: (r) => r.workflowId ?? '' },
  { header: 'INTEGRATION', cell: (r) => r.integration ?? '' },
  { header: 'USER', cell: (r) => r.userId ?? '', maxWidth: 36 },
];

export const ALWAYS_RUN_COLUMNS = ['ID', 'STATUS', 'STARTED', 'DURATION'];

export const STEP_COLUMNS: readonly Column<OrderedStep>[] = [
  // Indented by branch depth, so a fork's steps read as a group.
  { header: 'STEP', cell: (o) => `${'  '.repeat(o.depth)}${o.branch ? '↳ ' : ''}${o.step.name ?? o.step.type ?? ''}`, maxWidth: 48 },
  { header: 'ID', cell: (o) => o.step.id },
  { header: 'STATUS', cell: (o) => o.step.rawStatus },
  { header: 'STARTED', cell: (o) => shortTime(o.step.startedAt) },
  { header: 'DURATION', cell: (o) => duration(o.step), align: 'right' },
  { header: 'AGENT', cell: (o) => o.step.agent ?? '' },
  { header: 'MODEL', cell: (o) => o.step.model ?? '' },
  { header: 'TOKENS', cell: (o) => (o.step.tokensUsed === undefined ? '' : String(o.step.tokensUsed)), align: 'right' },
];

export const ALWAYS_STEP_COLUMNS = ['STEP', 'ID', 'STATUS', 'DURATION'];
