// The exported record's fields with their types, in one table: the Parquet sink writes its
// columns from it and the BigQuery schema file is made from it, so the two never disagree
// with each other or with the JSON/NDJSON record (records.ts; the Parquet spec walks real
// records to prove every field is here with a compatible type).
//
// Every field may be missing (an API leaves out what it does not know), so every column is
// nullable: a load never fails on an absent field. Lists (`next`, `toolsUsed`, `steps`) are
// repeated; a missing list is an empty one.

export type FieldType = 'string' | 'timestamp' | 'integer' | 'float' | 'boolean' | 'json' | 'record';

export interface RecordField {
  readonly name: string;
  readonly type: FieldType;
  /** A list of values of `type` (BigQuery mode REPEATED, a Parquet LIST). */
  readonly repeated?: boolean;
  /** The fields of a `record`. */
  readonly fields?: readonly RecordField[];
  /** Shown by BigQuery beside the column. */
  readonly description: string;
}

export interface RecordShape {
  readonly includeSteps: boolean;
  readonly includePayloads: boolean;
}

const STEP_FIELDS: readonly RecordField[] = [
  { name: 'id', type: 'string', description: 'The step id, unique within its run' },
  { name: 'stepId', type: 'string', description: "The workflow's step (Paragon) this is an execution of" },
  { name: 'name', type: 'string', description: 'The step name' },
  { name: 'type', type: 'string', description: 'The step type, e.g. ACTION/REQUEST (Paragon)' },
  { name: 'status', type: 'string', description: 'running, failed, succeeded, delayed, queued, cancelled or unknown' },
  { name: 'rawStatus', type: 'string', description: "The API's own status name" },
  { name: 'startedAt', type: 'timestamp', description: 'When the step started (UTC)' },
  { name: 'endedAt', type: 'timestamp', description: 'When the step ended (UTC); null while it runs' },
  { name: 'durationMs', type: 'integer', description: 'How long it ran, in milliseconds' },
  { name: 'next', type: 'string', repeated: true, description: 'The ids of the steps that ran after it' },
  { name: 'prev', type: 'string', description: 'The id of the step that ran before it' },
  { name: 'inputSize', type: 'integer', description: 'The size of its input, in bytes' },
  { name: 'outputSize', type: 'integer', description: 'The size of its output, in bytes' },
  { name: 'agent', type: 'string', description: 'The agent that ran it (Dispersl)' },
  { name: 'model', type: 'string', description: 'The model it used (Dispersl)' },
  { name: 'tokensUsed', type: 'integer', description: 'Tokens it used (Dispersl)' },
  { name: 'toolsUsed', type: 'string', repeated: true, description: 'Tools it used (Dispersl)' },
];

const PAYLOAD_FIELDS: readonly RecordField[] = [
  { name: 'input', type: 'json', description: "The step's input, as the API sent it" },
  { name: 'output', type: 'json', description: "The step's output (or error), as the API sent it" },
  { name: 'isLargeInput', type: 'boolean', description: 'The API cut the input short' },
  { name: 'isLargeOutput', type: 'boolean', description: 'The API cut the output short' },
];

const RUN_FIELDS: readonly RecordField[] = [
  { name: 'id', type: 'string', description: 'The run id (Paragon execution, Dispersl task)' },
  { name: 'source', type: 'string', description: 'paragon or dispersl' },
  { name: 'name', type: 'string', description: 'The workflow or task name' },
  { name: 'status', type: 'string', description: 'running, failed, succeeded, delayed, queued, cancelled or unknown' },
  { name: 'rawStatus', type: 'string', description: "The API's own status name" },
  { name: 'startedAt', type: 'timestamp', description: 'When the run started (UTC)' },
  { name: 'endedAt', type: 'timestamp', description: 'When the run ended (UTC); null while it runs' },
  { name: 'durationMs', type: 'integer', description: 'How long it ran, in milliseconds' },
  { name: 'userId', type: 'string', description: 'The connected user it ran for (Paragon)' },
  { name: 'workflowId', type: 'string', description: 'The workflow it is a run of (Paragon)' },
  { name: 'integration', type: 'string', description: 'The integration, e.g. salesforce (Paragon)' },
  { name: 'taskCount', type: 'integer', description: 'Tasks the run used (Paragon)' },
  { name: 'stepCount', type: 'integer', description: 'How many steps it has' },
  { name: 'successRate', type: 'float', description: 'The share of its steps that succeeded (Dispersl)' },
  { name: 'totalTokens', type: 'integer', description: 'Tokens it used (Dispersl)' },
  { name: 'archived', type: 'boolean', description: 'True on a run from the run index that the API no longer has (past its retention)' },
];

/** The fields of an exported run with these options, in the record's order. */
export function recordFields(shape: RecordShape): readonly RecordField[] {
  if (!shape.includeSteps) return RUN_FIELDS;
  const steps: RecordField = {
    name: 'steps',
    type: 'record',
    repeated: true,
    fields: shape.includePayloads ? [...STEP_FIELDS, ...PAYLOAD_FIELDS] : STEP_FIELDS,
    description: "The run's steps, in order",
  };
  return [...RUN_FIELDS, steps];
}

/** A record's own field (never one inherited through a `__proto__` key or from Object.prototype). */
export function fieldOf(record: object, name: string): unknown {
  return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined;
}
