// Error signatures over the run index: each failed run's failing step (the one the run panel
// opens on: the first failed step in flow order) and the output sync stored for it, streamed
// through errorSignature.ts's accumulator. Only failed steps are read (the failing step is
// named by the stored output, or is the run's only failed step); a run with several failed
// steps and no stored output is the rare one whose whole step list is read to order them.
import type { Step } from '../core/model';
import { firstFailedStep } from '../core/stepGraph';
import { ErrorSignatureAccumulator, signatureOf, type ErrorSignatureCluster, type FailureSample } from './errorSignature';
import type { ErrorSignature, ErrorSignatures } from './model';
import type { InsightsScope } from './stats';

interface FailedRun {
  readonly runId: string;
  readonly startedAt: string | null;
  readonly workflowId?: string;
  readonly name?: string;
  readonly userId?: string;
  readonly detailFetched: boolean;
  readonly outputStepId?: string;
  readonly output?: string;
  readonly failedSteps: Step[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The failed runs of the scope, each with its failed steps (in stored order) and stored failing output. */
function* failedRuns(scope: InsightsScope): Generator<FailedRun> {
  const rows = scope.index.read(
    scope.sourceId,
    scope.query ?? {},
    `SELECT r.run_id AS id, r.started_at AS started, r.workflow_id AS workflow, r.name AS name, r.user_id AS user, r.detail_fetched AS fetched,
        f.step_id AS output_step, f.output AS output, s.step AS step
     FROM filtered r
       LEFT JOIN failing_outputs f ON f.source_id = r.source_id AND f.run_id = r.run_id
       LEFT JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id AND s.status = 'failed'
     WHERE r.status = 'failed'
     ORDER BY r.run_id, s.position`,
  );
  let current: FailedRun | undefined;
  for (const row of rows) {
    const id = String(row['id']);
    if (current?.runId !== id) {
      if (current) yield current;
      current = {
        runId: id,
        startedAt: text(row['started']) ?? null,
        workflowId: text(row['workflow']),
        name: text(row['name']),
        userId: text(row['user']),
        detailFetched: row['fetched'] === 1,
        outputStepId: text(row['output_step']),
        output: text(row['output']),
        failedSteps: [],
      };
    }
    if (typeof row['step'] === 'string') current.failedSteps.push(JSON.parse(row['step']) as Step);
  }
  if (current) yield current;
}

/** The step the run failed at: the one its stored output belongs to, its only failed step, or the first failed in flow order. */
function failingStep(scope: InsightsScope, run: FailedRun): Step | undefined {
  if (run.outputStepId !== undefined) {
    const named = run.failedSteps.find((s) => s.id === run.outputStepId);
    if (named) return named;
  }
  if (run.failedSteps.length <= 1) return run.failedSteps[0];
  const detail = scope.index.detail(scope.sourceId, run.runId);
  return detail ? firstFailedStep(detail.steps) : run.failedSteps[0];
}

/** Each failed run of the scope as the signature code reads it, or 'no steps' for one whose steps the index does not hold. */
function* failures(scope: InsightsScope): Generator<FailureSample | 'no steps'> {
  for (const run of failedRuns(scope)) {
    if (!run.detailFetched) {
      yield 'no steps';
      continue;
    }
    const step = failingStep(scope, run);
    const output = step && run.outputStepId === step.id && run.output !== undefined ? (JSON.parse(run.output) as unknown) : undefined;
    yield {
      kind: scope.kind,
      runId: run.runId,
      stepId: step?.id,
      startedAt: run.startedAt,
      workflowId: run.workflowId,
      taskName: run.name,
      userId: run.userId,
      stepType: step?.type,
      stepName: step?.name,
      agent: step?.agent,
      model: step?.model,
      output,
    };
  }
}

/** Failed runs clustered by signature (most runs first); trends ("the last 24 hours") end at `now`. */
export function errorSignatures(scope: InsightsScope, now: Date = new Date()): ErrorSignatures {
  const accumulator = new ErrorSignatureAccumulator(now);
  let failed = 0;
  let withoutSteps = 0;
  for (const sample of failures(scope)) {
    failed++;
    if (sample === 'no steps') withoutSteps++;
    else accumulator.add(sample);
  }
  return { signatures: accumulator.result().map(flatten), failedRuns: failed, withoutSteps };
}

/** The ids of the scope's failed runs with this signature (ErrorSignature.key), newest first: "export these runs", "list them in the tree". */
export function signatureRunIds(scope: InsightsScope, signatureKey: string): string[] {
  const matched: { id: string; at: string }[] = [];
  for (const sample of failures(scope)) {
    if (sample !== 'no steps' && signatureOf(sample).key === signatureKey) matched.push({ id: sample.runId, at: String(sample.startedAt ?? '') });
  }
  return matched.sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((m) => m.id);
}

/** The accumulator's cluster as Insights hands it on (flat, so the CLI's JSON and the panel read the same fields). */
function flatten(c: ErrorSignatureCluster): ErrorSignature {
  return {
    key: c.key,
    signature: c.signature,
    count: c.count,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    example: c.example.runId,
    exampleStepId: c.example.stepId,
    exampleText: c.example.errorText,
    workflows: c.workflows,
    users: c.users,
    workflowCount: c.workflowCount,
    userCount: c.userCount,
    last24h: c.last24h,
    previous24h: c.previous24h,
    previous6d: c.previous6d,
    isNew: c.newInLast24h,
    growing: c.growing,
  };
}
