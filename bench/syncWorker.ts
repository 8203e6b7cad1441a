// Benchmark worker (own process, so its peak RSS is the sync's): a first sync of a Paragon
// source into a run index file, through syncSource exactly as `task-history sync --all-history`
// runs it (the kind's detail policy, failing outputs, the default budget share), with the
// client's request budget the benchmark gives it.
import { RunIndex } from '../src/runIndex/runIndex';
import { syncSource } from '../src/runIndex/sync';
import { kindDescriptor } from '../src/sources/kinds';
import { ParagonClient } from '../src/sources/paragon/paragonClient';
import { benchSourceKey, type SyncTask, type SyncWorkerResult } from './indexProtocol';
import { readKey } from './workerProtocol';

async function main(): Promise<void> {
  const text = process.argv[2];
  if (!text) throw new Error('usage: node bench-sync-worker.js <task as JSON>');
  const task = JSON.parse(text) as SyncTask;
  const apiKey = readKey();
  const client = new ParagonClient({ projectId: task.projectId, baseUrl: task.baseUrl, apiKey, rateLimit: task.rateLimit });
  const sourceId = benchSourceKey(task.baseUrl, task.projectId, apiKey);
  const index = RunIndex.open(task.indexPath);
  try {
    const started = performance.now();
    const report = await syncSource({
      sourceId,
      source: client,
      index,
      since: 'all',
      details: task.details ?? kindDescriptor('paragon').syncDetails,
      budgetShare: task.budgetShare,
    });
    const elapsedMs = performance.now() - started;
    const result: SyncWorkerResult = {
      sourceId,
      listed: report.listed,
      details: report.details,
      rechecked: report.rechecked,
      requests: report.requests,
      indexed: index.count(sourceId),
      elapsedMs,
      maxRssKb: process.resourceUsage().maxRSS,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    index.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`sync worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
