// CSV is flat: one row per run, or, with steps, one row per step with its run's columns
// repeated (the "long" shape spreadsheets, BigQuery and DuckDB load without help).
// The column list is fixed and documented; it never depends on the data.
import type { ExportedRun, ExportedStep } from './records';

export const RUN_COLUMNS = [
  'id',
  'source',
  'name',
  'status',
  'rawStatus',
  'startedAt',
  'endedAt',
  'durationMs',
  'userId',
  'workflowId',
  'integration',
  'taskCount',
  'stepCount',
  'successRate',
  'totalTokens',
] as const;

export const STEP_COLUMNS = [
  'step.id',
  'step.stepId',
  'step.name',
  'step.type',
  'step.status',
  'step.rawStatus',
  'step.startedAt',
  'step.endedAt',
  'step.durationMs',
  'step.next',
  'step.prev',
  'step.inputSize',
  'step.outputSize',
  'step.agent',
  'step.model',
  'step.tokensUsed',
  'step.toolsUsed',
] as const;

export const PAYLOAD_COLUMNS = ['step.input', 'step.output', 'step.isLargeInput', 'step.isLargeOutput'] as const;

export function csvColumns(includeSteps: boolean, includePayloads: boolean): string[] {
  return [...RUN_COLUMNS, ...(includeSteps ? STEP_COLUMNS : []), ...(includeSteps && includePayloads ? PAYLOAD_COLUMNS : [])];
}

type Cell = string | number | boolean | undefined;

function cell(value: unknown): Cell {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // Arrays of ids read better joined; nested payloads stay JSON so nothing is lost.
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return JSON.stringify(value);
}

function runCells(run: ExportedRun): Cell[] {
  return RUN_COLUMNS.map((column) => cell(run[column]));
}

function stepCells(step: ExportedStep, includePayloads: boolean): Cell[] {
  const cells = STEP_COLUMNS.map((column) => cell(step[column.slice(5) as keyof ExportedStep]));
  if (includePayloads) {
    // A string payload (an error message) is written as it is; structures as JSON.
    cells.push(cell(step.input), cell(step.output), cell(step.isLargeInput), cell(step.isLargeOutput));
  }
  return cells;
}

/** The CSV rows for one exported run. A run without steps still gets one row. */
export function csvRows(run: ExportedRun, includeSteps: boolean, includePayloads: boolean): Cell[][] {
  const base = runCells(run);
  if (!includeSteps) return [base];
  const steps = run.steps ?? [];
  if (steps.length === 0) return [[...base, ...STEP_COLUMNS.map(() => undefined), ...(includePayloads ? PAYLOAD_COLUMNS.map(() => undefined) : [])]];
  return steps.map((step) => [...base, ...stepCells(step, includePayloads)]);
}
