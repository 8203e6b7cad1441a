// What Insights computes over the run index, as plain data: the CLI prints it (`stats`,
// `errors`), and the Insights panel will receive it as JSON, so every type here is
// serializable (no Date, Map or undefined-bearing arrays) and the whole is versioned: a
// webview restored from an older state can tell it holds another shape.
import type { RunStatus, SourceKind } from '../core/model';

/** Bumped whenever a field changes meaning or shape. */
export const INSIGHTS_VERSION = 1;

/**
 * What stats can be grouped by. status, integration, workflow and user are the run's own;
 * agent, model and tool come from its stored steps (Dispersl). `workflow` is Paragon's
 * workflow id, or the run's name where the API has no workflows (Dispersl's task name).
 */
export const STATS_DIMENSIONS = ['status', 'integration', 'workflow', 'user', 'agent', 'model', 'tool'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

/**
 * One group of runs. Definitions (the same everywhere in Insights):
 * - `successRate` = succeeded / (succeeded + failed): of the runs that ended either way, so
 *   runs still going, cancelled or of an unknown status neither help nor hurt it; null when
 *   none ended either way.
 * - `p50Ms`, `p95Ms`, `maxMs`: nearest-rank percentiles (the value at rank ⌈p·n/100⌉ in
 *   ascending order) of the durations of the group's finished runs (not running, queued or
 *   delayed) that have one; null when there are none.
 * - By agent or model, a run counts once under each agent or model one of its steps used (so
 *   rows may add up to more than the runs), and `tokens` are those steps' tokens. Runs whose
 *   steps are not stored (still going, or not synced yet) are under none.
 * - By tool, the row counts **steps**, not runs: `runs` is how many steps used the tool,
 *   `failed` and `succeeded` those steps' outcomes, the durations and tokens theirs.
 */
export interface StatsRow {
  /** The group's value; null for runs without one (a run listed without its integration, a task with no workflow). */
  readonly key: string | null;
  readonly runs: number;
  readonly failed: number;
  readonly succeeded: number;
  readonly successRate: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  /** Only where the source has tokens (Dispersl): the runs' total tokens (by agent, model or tool: their steps'). */
  readonly tokens?: number;
  /** Only where the source has task counts (Paragon): the sum of the runs' `taskCount`. */
  readonly taskCount?: number;
}

/** One bucket of the time series (UTC hours or days). */
export interface SeriesBucket {
  /** The bucket's first instant, ISO 8601 UTC. */
  readonly start: string;
  readonly runs: number;
  /** Runs started in the bucket, per status (every status present, zeros included). */
  readonly byStatus: Readonly<Record<RunStatus, number>>;
  readonly successRate: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

/** Tokens of one agent or model over the buckets of the series (same starts, same order). */
export interface TokenSeries {
  readonly key: string;
  readonly tokens: readonly number[];
}

/** One group of runs by the tokens they used. */
export interface TokenUsage {
  readonly key: string;
  readonly tokens: number;
  /** Runs (tasks) that used it. */
  readonly runs: number;
  /** tokens / runs, or null for none. */
  readonly perTask: number | null;
}

/** A cluster of failed runs that failed the same way (errorSignature.ts says how a signature is made). */
export interface ErrorSignature {
  /** Stable across runs and machines: the kind and a hash of the signature's parts ("paragon-1f3a…"). */
  readonly key: string;
  /** Readable: the failing step's type and its error text normalized (ids, numbers, times… replaced); for Dispersl, the failing step's name, agent and model. */
  readonly signature: string;
  readonly count: number;
  /** The start of the oldest and newest run in it (ISO 8601 UTC). */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** The newest run's id (the run panel opens it on the failing step). */
  readonly example: string;
  /** That run's failing step id, and its error as stored (cleaned, cut to 300 characters). */
  readonly exampleStepId: string | null;
  readonly exampleText: string | null;
  /** The workflows (Paragon) or task names (Dispersl), and users, its runs touched: most runs first, at most 20 each. */
  readonly workflows: readonly string[];
  readonly users: readonly string[];
  /** How many distinct workflows (task names) and users. */
  readonly workflowCount: number;
  readonly userCount: number;
  /** Runs in the last 24 hours before `generatedAt`, in the 24 hours before those, and in the 6 days before the last 24 hours. */
  readonly last24h: number;
  readonly previous24h: number;
  readonly previous6d: number;
  /** Its first run started in the last 24 hours. */
  readonly isNew: boolean;
  /** At least 3 runs in the last 24 hours, more than the daily average of the 6 days before. */
  readonly growing: boolean;
}

/** Failed runs clustered by how they failed. */
export interface ErrorSignatures {
  /** Most runs first. */
  readonly signatures: readonly ErrorSignature[];
  /** Failed runs in the range. */
  readonly failedRuns: number;
  /** Of them, runs whose steps the index does not hold (not synced yet): in no signature. */
  readonly withoutSteps: number;
}

export interface DurationSummary {
  /** Finished runs with a duration. */
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

export interface InsightsData {
  readonly version: typeof INSIGHTS_VERSION;
  readonly sourceId: string;
  readonly kind: SourceKind;
  /** When it was computed (ISO 8601); "the last 24 hours" of error trends end here. */
  readonly generatedAt: string;
  /** The filter, as ISO text (undefined fields left out). */
  readonly query: {
    readonly status?: RunStatus;
    readonly startedAfter?: string;
    readonly startedBefore?: string;
    readonly userId?: string;
    readonly workflowId?: string;
    readonly integration?: string;
  };
  /** What the source has: tokens and agents/models/tools (Dispersl), task counts (Paragon). */
  readonly has: { readonly tokens: boolean; readonly steps: boolean; readonly taskCount: boolean };
  /** Every run in the range as one row (key null). */
  readonly totals: StatsRow;
  readonly durations: DurationSummary;
  readonly bucket: 'hour' | 'day';
  readonly series: readonly SeriesBucket[];
  /** Workflows (Paragon) or task names (Dispersl): slowest by p95, and most failed runs. */
  readonly slowest: readonly StatsRow[];
  readonly mostFailing: readonly StatsRow[];
  readonly byStatus: readonly StatsRow[];
  readonly byIntegration: readonly StatsRow[];
  readonly byWorkflow: readonly StatsRow[];
  /** Most failures first. */
  readonly byUser: readonly StatsRow[];
  readonly byAgent: readonly StatsRow[];
  readonly byModel: readonly StatsRow[];
  readonly byTool: readonly StatsRow[];
  readonly tokens: {
    readonly byModel: readonly TokenUsage[];
    readonly byAgent: readonly TokenUsage[];
    /** Per bucket of `series`. */
    readonly overTimeByModel: readonly TokenSeries[];
    readonly overTimeByAgent: readonly TokenSeries[];
  };
  readonly errors: ErrorSignatures;
}
