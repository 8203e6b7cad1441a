// A child process for the lock and journal tests: opens an index (taking its pid lock, as the
// CLI or a VS Code window does), with `write` commits a batch of runs, says "held" and waits
// to be killed — so the lock names a live process that is not the test's own, and a kill
// leaves what a window closed by force leaves.
// Run as: tsx lockHolder.ts <index path> [write]
import { RunIndex } from '../../../src/runIndex/runIndex';

const index = RunIndex.open(process.argv[2]!);
if (process.argv[3] === 'write') {
  index.upsertRuns(
    's',
    Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      sourceKind: 'paragon' as const,
      status: 'failed' as const,
      rawStatus: 'FAILED',
      startedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      workflowId: 'w'.repeat(200),
    })),
  );
}
process.stdout.write('held\n');
setInterval(() => undefined, 1000);
