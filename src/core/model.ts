// The normalized model every history source maps to. The UI, the exporters and the CLI
// only ever see these types; wire formats stay next to their client in src/sources/.

/** The statuses we reason about. Anything else a vendor sends is `unknown`, kept raw. */
export type RunStatus = 'running' | 'failed' | 'succeeded' | 'delayed' | 'queued' | 'cancelled' | 'unknown';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'failed', 'succeeded', 'delayed', 'queued', 'cancelled', 'unknown'];

/**
 * The source kinds, in the order pickers and help list them. The one place the kind union is
 * written: core cannot see src/sources, where each kind's descriptor lives (src/sources/kinds/),
 * and the descriptor map there must have an entry for every id here (a type error otherwise).
 */
export const SOURCE_KIND_IDS = ['paragon', 'dispersl'] as const;

export type SourceKind = (typeof SOURCE_KIND_IDS)[number];

/** One workflow execution (Paragon) or agent task (Dispersl). */
export interface Run {
  /** The vendor's id, unchanged. */
  readonly id: string;
  readonly sourceKind: SourceKind;
  /** A human label: Dispersl's task name; Paragon has none, so undefined. */
  readonly name?: string;
  readonly status: RunStatus;
  /** The status exactly as the API sent it ("FAILED", "in_progress", "TIMED_OUT"…). */
  readonly rawStatus: string;
  /** ISO 8601 as sent; undefined only if the API omitted it. */
  readonly startedAt?: string;
  /** ISO 8601; undefined while running. */
  readonly endedAt?: string;
  /**
   * Milliseconds, computed from timestamps where both exist; otherwise the API's own
   * figure (Paragon `runDuration`, Dispersl's "4h 15m" string parsed) as a fallback.
   */
  readonly durationMs?: number;
  /** The API's duration text when it gave one (Dispersl), for display. */
  readonly durationText?: string;
  readonly userId?: string;
  readonly workflowId?: string;
  /** Set when the run was listed through an integration-filtered query. */
  readonly integration?: string;
  readonly taskCount?: number;
  readonly stepCount?: number;
  readonly successRate?: number;
  readonly totalTokens?: number;
}

/** A run with its steps, as returned by the "get one" endpoints. */
export interface RunDetail extends Run {
  readonly steps: readonly Step[];
  /** Opened from the local run index because the API no longer has it (past its retention). */
  readonly archived?: boolean;
  /** Opened from the local run index because the API could not be reached. */
  readonly offline?: boolean;
}

export interface Step {
  readonly id: string;
  readonly runId: string;
  /** Paragon's workflow step id (the same across executions of one workflow version). */
  readonly stepId?: string;
  readonly name?: string;
  /** Paragon `type` such as "ACTION/REQUEST"; Dispersl has none. */
  readonly type?: string;
  readonly status: RunStatus;
  readonly rawStatus: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly durationText?: string;
  /** Graph edges: ids of the steps that follow this one. */
  readonly next: readonly string[];
  /** The step before this one, or undefined for a root. */
  readonly prev?: string;
  readonly inputSize?: number;
  readonly outputSize?: number;
  // Agent-task fields (Dispersl).
  readonly agent?: string;
  readonly model?: string;
  readonly tokensUsed?: number;
  readonly toolsUsed?: readonly string[];
}

/** A step's input and output (Paragon's step-execution endpoint). */
export interface StepPayload {
  readonly runId: string;
  readonly stepId: string;
  /** Object, array, string (often an error message) or undefined when the API omitted it. */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly isLargeInput: boolean;
  readonly isLargeOutput: boolean;
}

/** A filter over runs, in our terms; each client translates it to its own parameters. */
export interface RunQuery {
  readonly status?: RunStatus;
  /** Runs started at or after this instant. */
  readonly startedAfter?: Date;
  /** Runs started before this instant. */
  readonly startedBefore?: Date;
  readonly userId?: string;
  readonly workflowId?: string;
  readonly integration?: string;
}

/** What a source can do; the UI asks these instead of checking the kind of source. */
export interface SourceCapabilities {
  readonly replay: boolean;
  readonly stepPayloads: boolean;
  readonly serverExport: readonly ('csv' | 'json')[];
  /** Statuses the API can filter by, in our terms. */
  readonly filterStatuses: readonly RunStatus[];
  readonly filterByUser: boolean;
  readonly filterByWorkflow: boolean;
  readonly filterByIntegration: boolean;
  /** Dimensions runs can be grouped by. */
  readonly groupBy: readonly ('status' | 'integration')[];
  /** The API's fixed (or maximum) page size. */
  readonly pageSize: number;
  /**
   * Lists oldest first when asked (ListOptions.order 'asc'), so a listing arrives in start
   * order: a sync may then checkpoint partway through one (every run before the last one
   * stored is in). Where it is not declared, a listing counts only once it completes.
   */
  readonly listsOldestFirst?: boolean;
  /** The client-side request budget, when one is set: at most `limit` per `intervalMs`. */
  readonly requestBudget?: { readonly limit: number; readonly intervalMs: number };
}

/** One page of a listing. `total` is the API's count for the whole filter. */
export interface RunPage {
  readonly runs: readonly Run[];
  readonly total: number;
  readonly offset: number;
  /** The offset of the next page, or undefined when this is the last one. */
  readonly nextOffset?: number;
}
