// The exported record: one run in a stable field order, optionally with its steps and
// their input/output. JSON and NDJSON write it as it is; CSV flattens it (columns.ts).
import type { Run, Step, StepPayload } from '../model';

export interface ExportedStep {
  readonly id: string;
  readonly stepId?: string;
  readonly name?: string;
  readonly type?: string;
  readonly status: string;
  readonly rawStatus: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly next: readonly string[];
  readonly prev?: string;
  readonly inputSize?: number;
  readonly outputSize?: number;
  readonly agent?: string;
  readonly model?: string;
  readonly tokensUsed?: number;
  readonly toolsUsed?: readonly string[];
  readonly input?: unknown;
  readonly output?: unknown;
  readonly isLargeInput?: boolean;
  readonly isLargeOutput?: boolean;
}

export interface ExportedRun {
  readonly id: string;
  readonly source: string;
  readonly name?: string;
  readonly status: string;
  readonly rawStatus: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly userId?: string;
  readonly workflowId?: string;
  readonly integration?: string;
  readonly taskCount?: number;
  readonly stepCount?: number;
  readonly successRate?: number;
  readonly totalTokens?: number;
  /** Only on a run exported from the run index that the API no longer has (past its retention). */
  readonly archived?: true;
  readonly steps?: readonly ExportedStep[];
}

/** Builds the record with a fixed key order, so files diff cleanly between exports. */
export function toExportedRun(run: Run & { readonly archived?: boolean }, steps?: readonly ExportedStep[]): ExportedRun {
  return {
    id: run.id,
    source: run.sourceKind,
    name: run.name,
    status: run.status,
    rawStatus: run.rawStatus,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    userId: run.userId,
    workflowId: run.workflowId,
    integration: run.integration,
    taskCount: run.taskCount,
    stepCount: run.stepCount ?? steps?.length,
    successRate: run.successRate,
    totalTokens: run.totalTokens,
    ...(run.archived === true ? { archived: true as const } : {}),
    steps,
  };
}

export function toExportedStep(step: Step, payload?: StepPayload): ExportedStep {
  return {
    id: step.id,
    stepId: step.stepId,
    name: step.name,
    type: step.type,
    status: step.status,
    rawStatus: step.rawStatus,
    startedAt: step.startedAt,
    endedAt: step.endedAt,
    durationMs: step.durationMs,
    next: step.next,
    prev: step.prev,
    inputSize: step.inputSize,
    outputSize: step.outputSize,
    agent: step.agent,
    model: step.model,
    tokensUsed: step.tokensUsed,
    toolsUsed: step.toolsUsed,
    ...(payload ? { input: payload.input, output: payload.output, isLargeInput: payload.isLargeInput, isLargeOutput: payload.isLargeOutput } : {}),
  };
}
