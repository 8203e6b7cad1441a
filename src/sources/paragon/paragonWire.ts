// Paragon Task History API wire format (see shared/api/paragon-task-history-api.md) and
// its mapping to the normalized model.
import * as l10n from '@vscode/l10n';
import { durationBetween } from '../../core/duration';
import type { Run, RunDetail, RunStatus, Step, StepPayload } from '../../core/model';
import { lookupTable } from '../lookupTable';
import { ProtocolError } from '../../core/errors';
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
  const total = readCount(obj, 'total', 'response');
  const nextLink = read.optionalString(obj, 'nextLink', 'response') ?? null;
  return {
    runs: list.map((item, i) => parseExecution(item, `workflowExecutions[${i}]`, integration)),
    total,
    nextLink,
  };
}

/** The API answered for another id than the one asked for: never shown as the one asked for. */
function notRequested(what: 'workflow execution' | 'step execution', requested: string, answered: string, path: string): ProtocolError {
  const show = (id: string) => JSON.stringify(id.length > 100 ? `${id.slice(0, 100)}…` : id);
  return new ProtocolError(
    what === 'step execution'
      ? l10n.t('Paragon answered a request for step execution {0} with step execution {1}; the answer was not used.', show(requested), show(answered))
      : l10n.t('Paragon answered a request for workflow execution {0} with workflow execution {1}; the answer was not used.', show(requested), show(answered)),
    `${path} ${show(answered)}, requested ${show(requested)}`,
  );
}

/** A count of runs: a non-negative whole number no larger than JavaScript counts exactly. */
function readCount(obj: WireObject, key: string, path: string): number {
  const value = read.number(obj, key, path);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError(l10n.t('Paragon sent {0} as "{1}", which is not a count of runs.', value, `${path}.${key}`), `${path}.${key} = ${value}`);
  }
  return value;
}

/** An execution with its steps; when `requestedId` is given, the body must be that execution. */
export function parseExecutionDetail(body: unknown, requestedId?: string): RunDetail {
  const run = parseExecution(body, 'execution');
  if (requestedId !== undefined && run.id !== requestedId) throw notRequested('workflow execution', requestedId, run.id, 'execution.id');
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

/**
 * A step's input and output. The documented body names no ids; where it does name the
 * execution or the step, they must be the ones asked for.
 */
export function parseStepPayload(body: unknown, runId: string, stepId: string): StepPayload {
  const obj = read.object(body, 'stepExecution');
  const namedRun = read.optionalString(obj, 'workflowExecutionId', 'stepExecution');
  if (namedRun !== undefined && namedRun !== runId) throw notRequested('workflow execution', runId, namedRun, 'stepExecution.workflowExecutionId');
  const namedStep = read.optionalString(obj, 'id', 'stepExecution');
  if (namedStep !== undefined && namedStep !== stepId) throw notRequested('step execution', stepId, namedStep, 'stepExecution.id');
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
 * An empty page is the last whatever the link says; a link naming the offset just read,
 * an earlier one, or one inside the page just read is a ProtocolError (following it would
 * loop or re-read). A link further on is returned as it is: the paging rules
 * (src/core/listingGuard.ts) know the page size and judge a skip.
 */
export function nextOffsetFrom(nextLink: string | null, offset: number, received: number): number | undefined {
  if (nextLink === null || received === 0) return undefined;
  let named: number | undefined;
  try {
    const text = new URL(nextLink, 'https://placeholder.invalid').searchParams.get('offset');
    if (text !== null && /^\d+$/.test(text)) named = Number(text);
  } catch {
    // An unparseable link still tells us there is more: count it ourselves.
  }
  if (named === undefined) return offset + received;
  const message =
    named === offset
      ? l10n.t(
          "Paragon's nextLink after the page at offset {0} names offset {1}: it names the page just read again: its paging does not advance, and following it would read the same runs again.",
          offset,
          named,
        )
      : named < offset
        ? l10n.t(
            "Paragon's nextLink after the page at offset {0} names offset {1}: it goes back to an earlier page, and following it would read the same runs again.",
            offset,
            named,
          )
        : named < offset + received
          ? l10n.t(
              "Paragon's nextLink after the page at offset {0} names offset {1}: it would overlap the {2} runs just read, and following it would read the same runs again.",
              offset,
              named,
              received,
            )
          : undefined;
  if (message !== undefined) throw new ProtocolError(message, `nextLink offset ${named} after ${received} runs at offset ${offset}`);
  return named;
}
