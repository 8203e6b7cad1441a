// Dispersl History API wire format (see shared/api/dispersl-history-api.md): every answer
// is an envelope `{ status, message, data, pagination? }`; mapped here to the model.
import * as l10n from '@vscode/l10n';
import { durationBetween, parseDurationText } from '../../core/duration';
import type { Run, RunDetail, RunStatus, Step } from '../../core/model';
import { ProtocolError } from '../../core/errors';
import { lookupTable } from '../lookupTable';
import { WireReader, type WireObject } from '../wireReader';

export const DISPERSL_STATUS: Readonly<Record<string, RunStatus>> = lookupTable({
  created: 'queued',
  in_progress: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
});

export const DISPERSL_STATUS_FILTER: Partial<Readonly<Record<RunStatus, string>>> = lookupTable({
  queued: 'created',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
});

export interface DisperslTask {
  task_id: string;
  task_name: string;
  status: string;
  created_at: string;
  completed_at?: string | null;
  duration?: string | null;
  total_steps?: number;
  success_rate?: number;
  total_tokens?: number;
  steps?: DisperslStep[];
}

export interface DisperslStep {
  step_id: string;
  step_name: string;
  agent?: string;
  model?: string;
  status: string;
  started_at?: string;
  completed_at?: string | null;
  duration?: string | null;
  tokens_used?: number;
  tools_used?: string[];
}

export interface DisperslEnvelope<T> {
  status: 'success' | 'error';
  message: string;
  data: T;
  pagination?: { total: number; limit: number; offset: number; has_more: boolean };
}

const read = new WireReader('Dispersl');

export function mapStatus(raw: string): RunStatus {
  return DISPERSL_STATUS[raw.toLowerCase()] ?? 'unknown';
}

/** The envelope's `data`, after checking the envelope says success. */
export function openEnvelope(body: unknown): { data: unknown; envelope: WireObject } {
  const envelope = read.object(body, 'response');
  const status = read.optionalString(envelope, 'status', 'response');
  if (status !== undefined && status !== 'success') {
    const message = read.optionalString(envelope, 'message', 'response') ?? l10n.t('no message');
    throw new ProtocolError(l10n.t('Dispersl answered with an error: {0}', message), `envelope status ${status}: ${message}`);
  }
  return { data: envelope['data'], envelope };
}

export function parseTask(value: unknown, path: string): Run {
  const obj = read.object(value, path);
  const rawStatus = read.string(obj, 'status', path);
  const startedAt = read.optionalString(obj, 'created_at', path);
  const endedAt = read.optionalString(obj, 'completed_at', path);
  const durationText = read.optionalString(obj, 'duration', path);
  return {
    id: read.id(obj, 'task_id', path),
    sourceKind: 'dispersl',
    name: read.optionalString(obj, 'task_name', path),
    status: mapStatus(rawStatus),
    rawStatus,
    startedAt,
    endedAt,
    durationMs: durationBetween(startedAt, endedAt) ?? parseDurationText(durationText),
    durationText,
    stepCount: read.optionalNumber(obj, 'total_steps', path),
    successRate: read.optionalNumber(obj, 'success_rate', path),
    totalTokens: read.optionalNumber(obj, 'total_tokens', path),
  };
}

export interface ParsedTaskList {
  readonly runs: Run[];
  readonly total: number;
  readonly hasMore: boolean;
}

/**
 * One page of `GET /history` asked at `offset`. The paging fields are checked: a page for
 * another offset (an API ignoring `offset` would serve its first page forever) or a
 * total that is not a count is a ProtocolError.
 */
export function parseTaskList(body: unknown, offset: number): ParsedTaskList {
  const { data, envelope } = openEnvelope(body);
  const runs = read.array(data, 'data').map((item, i) => parseTask(item, `data[${i}]`));
  const pagination = read.object(envelope['pagination'], 'pagination');
  const total = readCount(pagination, 'total');
  const answered = pagination['offset'] === undefined || pagination['offset'] === null ? offset : readCount(pagination, 'offset');
  if (answered !== offset) {
    throw new ProtocolError(
      l10n.t(
        'Dispersl answered a request for offset {0} with the page at offset {1}: it does not page as asked, and following it would read the same tasks again.',
        offset,
        answered,
      ),
      `pagination.offset ${answered}, asked ${offset}`,
    );
  }
  const hasMore = read.optionalBoolean(pagination, 'has_more', 'pagination') ?? offset + runs.length < total;
  return { runs, total, hasMore };
}

/** A count: a non-negative whole number no larger than JavaScript counts exactly. */
function readCount(pagination: WireObject, key: string): number {
  const value = read.number(pagination, key, 'pagination');
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError(l10n.t('Dispersl sent {0} as "{1}", which is not a count.', value, `pagination.${key}`), `pagination.${key} = ${value}`);
  }
  return value;
}

/** A task with its steps; when `requestedId` is given, the task must be that one. */
export function parseTaskDetail(body: unknown, requestedId?: string): RunDetail {
  const { data } = openEnvelope(body);
  const list = read.array(data, 'data');
  if (list.length === 0) read.fail('data', 'an array holding one task', list);
  const run = parseTask(list[0], 'data[0]');
  if (requestedId !== undefined && run.id !== requestedId) {
    const show = (id: string) => JSON.stringify(id.length > 100 ? `${id.slice(0, 100)}…` : id);
    throw new ProtocolError(
      l10n.t('Dispersl answered a request for task {0} with task {1}; the answer was not used.', show(requestedId), show(run.id)),
      `data[0].task_id ${show(run.id)}, requested ${show(requestedId)}`,
    );
  }
  const obj = read.object(list[0], 'data[0]');
  const rawSteps = obj['steps'] === undefined || obj['steps'] === null ? [] : read.array(obj['steps'], 'data[0].steps');
  const steps = rawSteps.map((s, i) => parseStep(s, `data[0].steps[${i}]`, run.id));
  // Agent steps run one after another: the graph is a chain.
  const chained = steps.map((step, i) => ({
    ...step,
    prev: i > 0 ? steps[i - 1]!.id : undefined,
    next: i + 1 < steps.length ? [steps[i + 1]!.id] : [],
  }));
  return { ...run, stepCount: run.stepCount ?? steps.length, steps: chained };
}

function parseStep(value: unknown, path: string, runId: string): Step {
  const obj = read.object(value, path);
  const rawStatus = read.string(obj, 'status', path);
  const startedAt = read.optionalString(obj, 'started_at', path);
  const endedAt = read.optionalString(obj, 'completed_at', path);
  const durationText = read.optionalString(obj, 'duration', path);
  return {
    id: read.id(obj, 'step_id', path),
    runId,
    name: read.optionalString(obj, 'step_name', path),
    status: mapStatus(rawStatus),
    rawStatus,
    startedAt,
    endedAt,
    durationMs: durationBetween(startedAt, endedAt) ?? parseDurationText(durationText),
    durationText,
    next: [],
    agent: read.optionalString(obj, 'agent', path),
    model: read.optionalString(obj, 'model', path),
    tokensUsed: read.optionalNumber(obj, 'tokens_used', path),
    toolsUsed: read.optionalStringArray(obj, 'tools_used', path),
  };
}
