// Paragon Task History API wire format (see shared/api/paragon-task-history-api.md) and
// its mapping to the normalized model.
import { durationBetween } from '../../core/duration';
import type { Run, RunDetail, RunStatus, Step, StepPayload } from '../../core/model';
import { lookupTable } from '../lookupTable';
import { WireReader, type WireObject } from '../wireReader';

/** Documented statuses; others are kept raw and shown as they are. */
export const PARAGON_STATUS: Readonly<Record<string, RunStatus>> = lookupTable({
  EXECUTING: 'running',
  FAILED: 'failed',
  SUCCEEDED: 'succeeded',
  DELAYED: 'delayed',
});

export const PARAGON_STATUS_FILTER: Partial<Readonly<Record<RunStatus, string>>> = lookupTable({
  running: 'EXECUTING',
  failed: 'FAILED',
  succeeded: 'SUCCEEDED',
  delayed: 'DELAYED',
});

export interface ParagonExecution {
  id: string;
  userId: string;
  taskCount: number;
  runDuration: number;
  workflowId: string;
  status: string;
  dateEnded?: string;
  dateStarted: string;
}

export interface ParagonStepExecution {
  id: string;
  stepId: string;
  workflowExecutionId: string;
  status: string;
  type: string;
  start?: string;
  end?: string;
  next: string[];
  prev: string | null;
  inputSize?: string;
  outputSize?: string;
}

export interface ParagonListResponse {
  workflowExecutions: ParagonExecution[];
  nextLink: string | null;
  total: number;
}

const read = new WireReader('Paragon');

export function mapStatus(raw: string): RunStatus {
  return PARAGON_STATUS[raw.toUpperCase()] ?? 'unknown';
}

export function parseExecution(value: unknown, path: string, integration?: string): Run {
  const obj = read.object(value, path);
  const rawStatus = read.string(obj, 'status', path);
  const startedAt = read.optionalString(obj, 'dateStarted', path);
  const endedAt = read.optionalString(obj, 'dateEnded', path);
  return {
    id: read.id(obj, 'id', path),
    sourceKind: 'paragon',
    status: mapStatus(rawStatus),
    rawStatus,
    startedAt,
    endedAt,
    durationMs: durationBetween(startedAt, endedAt) ?? read.optionalNumber(obj, 'runDuration', path),
    userId: read.optionalString(obj, 'userId', path),
    workflowId: read.optionalString(obj, 'workflowId', path),
    integration,
    taskCount: read.optionalNumber(obj, 'taskCount', path),
  };
}

export interface ParsedList {
  readonly runs: Run[];
  readonly total: number;
  readonly nextLink: string | null;
}

export function parseList(body: unknown, integration?: string): ParsedList {
  const obj = read.object(body, 'response');
  const list = read.array(obj['workflowExecutions'], 'workflowExecutions');
  const total = read.number(obj, 'total', 'response');
  const nextLink = read.optionalString(obj, 'nextLink', 'response') ?? null;
  return {
    runs: list.map((item, i) => parseExecution(item, `workflowExecutions[${i}]`, integration)),
    total,
    nextLink,
  };
}

export function parseExecutionDetail(body: unknown): RunDetail {
  const run = parseExecution(body, 'execution');
  const obj = read.object(body, 'execution');
  const steps = obj['stepExecutions'] === undefined || obj['stepExecutions'] === null ? [] : read.array(obj['stepExecutions'], 'stepExecutions');
  return { ...run, stepCount: steps.length, steps: steps.map((s, i) => parseStep(s, `stepExecutions[${i}]`, run.id)) };
}

function parseStep(value: unknown, path: string, runId: string): Step {
  const obj: WireObject = read.object(value, path);
  const rawStatus = read.string(obj, 'status', path);
  const startedAt = read.optionalString(obj, 'start', path);
  const endedAt = read.optionalString(obj, 'end', path);
  return {
    id: read.id(obj, 'id', path),
    runId,
    stepId: read.optionalString(obj, 'stepId', path),
    type: read.optionalString(obj, 'type', path),
    status: mapStatus(rawStatus),
    rawStatus,
    startedAt,
    endedAt,
    durationMs: durationBetween(startedAt, endedAt),
    next: read.optionalStringArray(obj, 'next', path) ?? [],
    prev: read.optionalString(obj, 'prev', path),
    inputSize: read.optionalNumber(obj, 'inputSize', path),
    outputSize: read.optionalNumber(obj, 'outputSize', path),
  };
}

export function parseStepPayload(body: unknown, runId: string, stepId: string): StepPayload {
  const obj = read.object(body, 'stepExecution');
  return {
    runId,
    stepId,
    input: obj['input'] === null ? undefined : obj['input'],
    output: obj['output'] === null ? undefined : obj['output'],
    isLargeInput: read.optionalBoolean(obj, 'isLargeInput', 'stepExecution') ?? false,
    isLargeOutput: read.optionalBoolean(obj, 'isLargeOutput', 'stepExecution') ?? false,
  };
}

/**
 * The next offset named by a nextLink. The link itself is never requested: it may point
 * at another origin (the docs' example does), and following it would send the key there.
 */
export function nextOffsetFrom(nextLink: string | null, offset: number, received: number): number | undefined {
  if (nextLink === null) return undefined;
  try {
    const named = new URL(nextLink, 'https://placeholder.invalid').searchParams.get('offset');
    if (named !== null && /^\d+$/.test(named) && Number(named) > offset) return Number(named);
  } catch {
    // An unparseable link still tells us there is more: count it ourselves.
  }
  return received > 0 ? offset + received : undefined;
}
