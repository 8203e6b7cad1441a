// A child process for the kill -9 test: writes synthetic runs into a run index in batches
// of BATCH (one transaction each), printing the number of committed batches after each, until
// it is killed. Run as: tsx indexWriter.ts <index path> <batch size>
import { RunIndex } from '../../../src/runIndex/runIndex';

const [path, batchText] = process.argv.slice(2);
const batch = Number(batchText);
const index = RunIndex.open(path!);
for (let n = 0; ; n++) {
  const runs = Array.from({ length: batch }, (_, i) => ({
    id: `run-${n}-${i}`,
    sourceKind: 'paragon' as const,
    status: 'failed' as const,
    rawStatus: 'FAILED',
    startedAt: new Date(Date.UTC(2026, 10, 1) + n * 1000 + i).toISOString(),
    workflowId: 'w'.repeat(200),
  }));
  index.upsertRuns('s', runs);
  process.stdout.write(`${n + 1}\n`);
}
