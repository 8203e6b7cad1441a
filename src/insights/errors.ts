// Error signatures over the run index: each failed run's signature is worked out once, when its
// source's frame reads it (runFrame.ts: the failing step, the one the run panel opens on, and
// the output sync stored for it), and kept as a code; clustering a filter's failed runs is then
// a pass over those codes through errorSignature.ts's accumulator. Only each signature's
// example (its newest run) has its error text read again, for the one run.
import { ErrorSignatureAccumulator, exampleErrorText, type ErrorSignatureCluster } from './errorSignature';
import type { ErrorSignature, ErrorSignatures } from './model';
import { failureSamples } from './failureSamples';
import type { RunFrame } from './runFrame';
import { scopeRows, type InsightsScope, type ScopeRows } from './stats';

/** A failed run's start as the index holds it (canonical, kept as sent, or none), for ordering and the accumulator. */
function startText(frame: RunFrame, row: number): string | null {
  const ms = frame.startMs[row]!;
  return Number.isNaN(ms) ? (frame.oddStart.get(row) ?? null) : new Date(ms).toISOString();
}

/** The rows of the scope's failed runs. */
function failedRows({ frame, rows }: ScopeRows): number[] {
  const failed = frame.text.find('failed');
  const out: number[] = [];
  for (const row of rows) if (frame.status[row] === failed) out.push(row);
  return out;
}

/** Failed runs clustered by signature (most runs first); trends ("the last 24 hours") end at `now`. */
export function errorSignatures(scope: InsightsScope, now: Date = new Date(), rows: ScopeRows = scopeRows(scope)): ErrorSignatures {
  const { frame } = rows;
  const accumulator = new ErrorSignatureAccumulator(now);
  let failed = 0;
  let withoutSteps = 0;
  for (const row of failedRows(rows)) {
    failed++;
    const code = frame.signature[row]!;
    if (frame.detailFetched[row] !== 1 || code < 0) {
      withoutSteps++;
      continue;
    }
    const known = frame.signatures[code]!;
    const ms = frame.startMs[row]!;
    accumulator.add(
      {
        kind: scope.kind,
        runId: frame.ids[row]!,
        startedAt: Number.isNaN(ms) ? null : ms,
        workflowId: frame.text.value(frame.workflowId[row]!) ?? undefined,
        taskName: frame.text.value(frame.name[row]!) ?? undefined,
        userId: frame.text.value(frame.user[row]!) ?? undefined,
      },
      known,
    );
  }
  const clusters = accumulator.result();
  const examples = exampleFailures(
    scope,
    clusters.map((c) => c.example.runId),
  );
  return { signatures: clusters.map((c) => flatten(c, examples.get(c.example.runId))), failedRuns: failed, withoutSteps };
}

/** The failing step and error text of each example run, read for those runs alone (500 a statement). */
function exampleFailures(scope: InsightsScope, runIds: readonly string[]): Map<string, { stepId: string | null; errorText: string | null }> {
  const out = new Map<string, { stepId: string | null; errorText: string | null }>();
  for (let at = 0; at < runIds.length; at += 500) {
    const ids = runIds.slice(at, at + 500);
    for (const sample of failureSamples(scope.index, scope.sourceId, scope.kind, ` AND r.run_id IN (${ids.map(() => '?').join(', ')})`, ids)) {
      out.set(sample.runId, { stepId: sample.stepId ?? null, errorText: exampleErrorText(sample) });
    }
  }
  return out;
}

/** The ids of the scope's failed runs with this signature (ErrorSignature.key), newest first: "export these runs", "list them in the tree". */
export function signatureRunIds(scope: InsightsScope, signatureKey: string, rows: ScopeRows = scopeRows(scope)): string[] {
  const { frame } = rows;
  const matched: { id: string; at: string }[] = [];
  for (const row of failedRows(rows)) {
    const code = frame.signature[row]!;
    if (frame.detailFetched[row] === 1 && code >= 0 && frame.signatures[code]!.key === signatureKey) matched.push({ id: frame.ids[row]!, at: startText(frame, row) ?? '' });
  }
  return matched.sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((m) => m.id);
}

/** The accumulator's cluster as Insights hands it on (flat, so the CLI's JSON and the panel read the same fields). */
function flatten(c: ErrorSignatureCluster, example: { stepId: string | null; errorText: string | null } | undefined): ErrorSignature {
  return {
    key: c.key,
    signature: c.signature,
    count: c.count,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    example: c.example.runId,
    exampleStepId: example?.stepId ?? c.example.stepId,
    exampleText: example?.errorText ?? c.example.errorText,
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
