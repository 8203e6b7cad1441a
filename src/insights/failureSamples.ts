// Failed runs as error signatures read them from the run index: each with its failing step (the
// one its stored output names, else its only failed step, else the first failed in flow order,
// as the run panel opens on) and that step's stored output. Used when a frame works out its
// runs' signatures (runFrame.ts) and for each signature's example (errors.ts).
import type { SourceKind, Step } from '../core/model';
import { firstFailedStep } from '../core/stepGraph';
import type { RunIndex } from '../runIndex/runIndex';
import type { SqlValue } from '../runIndex/sqlite';
import type { SignatureInput } from './errorSignature';

/** One failed run as the signature code reads it, with the ids it is known by. */
export interface FailureRecord extends SignatureInput {
  readonly runId: string;
  readonly stepId?: string;
}

/**
 * Failed runs with stored steps (narrowed by `where`, on runs as r), each with its failing step
 * and that step's stored output. Only failed steps are read; a run with several failed steps
 * and no stored output is the rare one whose whole step list is read to order them.
 */
export function* failureSamples(index: RunIndex, sourceId: string, kind: SourceKind, where: string, params: readonly SqlValue[]): Generator<FailureRecord> {
  const rows = index.select(
    `SELECT r.run_id AS id, f.step_id AS output_step, f.output AS output, s.step AS step
     FROM runs r
       LEFT JOIN failing_outputs f ON f.source_id = r.source_id AND f.run_id = r.run_id
       LEFT JOIN steps s ON s.source_id = r.source_id AND s.run_id = r.run_id AND s.status = 'failed'
     WHERE r.source_id = ? AND r.status = 'failed' AND r.detail_fetched = 1${where}
     ORDER BY r.run_id, s.position`,
    [sourceId, ...params],
  );
  let current: { id: string; outputStep?: string; output?: string; failed: Step[] } | undefined;
  const finish = (run: NonNullable<typeof current>): FailureRecord => {
    let step: Step | undefined = run.outputStep === undefined ? undefined : run.failed.find((s) => s.id === run.outputStep);
    if (!step && run.failed.length > 1) {
      const detail = index.detail(sourceId, run.id);
      step = detail ? firstFailedStep(detail.steps) : run.failed[0];
    }
    step ??= run.failed[0];
    const output = step && run.outputStep === step.id && run.output !== undefined ? (JSON.parse(run.output) as unknown) : undefined;
    return { kind, runId: run.id, stepId: step?.id, stepType: step?.type, stepName: step?.name, agent: step?.agent, model: step?.model, output };
  };
  for (const row of rows) {
    const id = String(row['id']);
    if (current?.id !== id) {
      if (current) yield finish(current);
      current = {
        id,
        outputStep: typeof row['output_step'] === 'string' ? row['output_step'] : undefined,
        output: typeof row['output'] === 'string' ? row['output'] : undefined,
        failed: [],
      };
    }
    if (typeof row['step'] === 'string') current.failed.push(JSON.parse(row['step']) as Step);
  }
  if (current) yield finish(current);
}
