// Paragon's wire shapes for executions and step executions, exactly as the docs show them
// (field names and order; sizes as numeric strings; dateEnded absent while a run is open).
import { hash4, saltOf, uuidFrom } from '../random';
import { isRunning } from './runColumns';
import type { RunStore } from './runStore';
import { hasForcedLargeOutput, hasHostileFailure } from './seedRuns';
import { planSteps, type StepPlan } from './stepPlan';
import { stepPayload, stepPayloadSizes, type StepPayload, type StepPayloadContext } from './stepPayloads';

export interface WireExecution {
  id: string;
  userId: string;
  taskCount: number;
  runDuration: number;
  workflowId: string;
  status: string;
  dateEnded?: string;
  dateStarted: string;
}

export interface WireStepExecution {
  id: string;
  stepId: string;
  workflowExecutionId: string;
  status: string;
  type: string;
  start: string;
  end?: string;
  next: string[];
  prev: string | null;
  inputSize: string;
  outputSize: string;
}

const STEP_EXECUTION_SALT = saltOf('step-execution');
const STEP_DEFINITION_SALT = saltOf('step-definition');

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function executionJson(store: RunStore, index: number, now: number, plan: StepPlan = planSteps(store, index, now)): WireExecution {
  const { columns, catalog } = store;
  const start = columns.start[index]!;
  const open = isRunning(columns.status[index]!);
  return {
    id: store.idOf(index),
    userId: catalog.userIds[columns.user[index]!]!,
    taskCount: plan.taskCount,
    runDuration: open ? Math.max(0, Math.floor(now - start)) : columns.duration[index]!,
    workflowId: catalog.workflows[columns.workflow[index]!]!.id,
    status: store.statusName(index),
    ...(open ? {} : { dateEnded: iso(start + columns.duration[index]!) }),
    dateStarted: iso(start),
  };
}

export function stepExecutionId(store: RunStore, index: number, position: number): string {
  return uuidFrom(hash4(store.seed, index, position, STEP_EXECUTION_SALT));
}

function payloadContext(store: RunStore, index: number, plan: StepPlan, position: number): StepPayloadContext {
  const { columns, catalog } = store;
  const seeded = index < store.seededCount;
  const status = plan.statuses[position]!;
  return {
    seed: store.seed,
    runIndex: index,
    position,
    type: plan.types[position]!,
    status,
    integration: catalog.integrations[catalog.integrationOfWorkflow[columns.workflow[index]!]!]!,
    startMs: plan.start[position]!,
    hostileRecords: seeded && index % 10 === 3,
    hostileError: seeded && status === 'FAILED' && hasHostileFailure(index),
    forceLargeOutput: seeded && position === 1 && hasForcedLargeOutput(index),
  };
}

export function executionDetailJson(store: RunStore, index: number, now: number): WireExecution & { stepExecutions: WireStepExecution[] } {
  const plan = planSteps(store, index, now);
  const runId = store.idOf(index);
  const workflow = store.columns.workflow[index]!;
  const ids: string[] = [];
  for (let k = 0; k < plan.count; k++) ids.push(stepExecutionId(store, index, k));
  const steps: WireStepExecution[] = [];
  for (let k = 0; k < plan.count; k++) {
    const sizes = stepPayloadSizes(payloadContext(store, index, plan, k));
    const end = plan.end[k]!;
    const step: WireStepExecution = {
      id: ids[k]!,
      stepId: uuidFrom(hash4(store.seed, workflow, k, STEP_DEFINITION_SALT)),
      workflowExecutionId: runId,
      status: plan.statuses[k]!,
      type: plan.types[k]!,
      start: iso(plan.start[k]!),
      ...(Number.isNaN(end) ? {} : { end: iso(end) }),
      next: plan.children[k]!.map((c) => ids[c]!),
      prev: plan.parent[k]! < 0 ? null : ids[plan.parent[k]!]!,
      inputSize: String(sizes.inputSize),
      outputSize: String(sizes.outputSize),
    };
    steps.push(step);
  }
  return { ...executionJson(store, index, now, plan), stepExecutions: steps };
}

/** The step-detail body, or undefined when the step execution is not part of this run. */
export function stepDetailJson(store: RunStore, index: number, stepExecutionIdParam: string, now: number): StepPayload | undefined {
  const plan = planSteps(store, index, now);
  for (let k = 0; k < plan.count; k++) {
    if (stepExecutionId(store, index, k) === stepExecutionIdParam) return stepPayload(payloadContext(store, index, plan, k));
  }
  return undefined;
}
