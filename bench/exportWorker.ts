// Benchmark worker (own process, so its peak RSS is its own): our exporter, exportRuns
// through ParagonClient, exactly as the CLI builds it; with `indexPath`, through the run
// index as `task-history export --index FILE` reads it (indexedRuns).
import { DEFAULT_EXPORT_CONCURRENCY, exportRuns } from '../src/core/export/exportRuns';
import type { RunQuery } from '../src/core/model';
import { indexedRuns } from '../src/runIndex/indexedRuns';
import { RunIndex } from '../src/runIndex/runIndex';
import { ParagonClient } from '../src/sources/paragon/paragonClient';
import { benchSourceKey } from './indexProtocol';
import { readKey, readTask, reply } from './workerProtocol';

async function main(): Promise<void> {
  const task = readTask();
  const apiKey = readKey();
  const concurrency = task.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  const client = new ParagonClient({
    projectId: task.projectId,
    baseUrl: task.baseUrl,
    apiKey,
    // The HTTP policy's cap matches the export's, as the CLI sets it.
    concurrency,
    rateLimit: task.requestsPer10Min === undefined ? undefined : { limit: task.requestsPer10Min, intervalMs: 600_000 },
  });
  const query: RunQuery = {
    startedAfter: task.startedAfter === undefined ? undefined : new Date(task.startedAfter),
    startedBefore: task.startedBefore === undefined ? undefined : new Date(task.startedBefore),
  };
  const started = performance.now();
  // Opening the index is part of what an export through it costs.
  const index = task.indexPath === undefined ? undefined : RunIndex.open(task.indexPath);
  const openMs = index ? performance.now() - started : undefined;
  let fallback: string | undefined;
  try {
    const local = index && indexedRuns({ index, sourceId: benchSourceKey(task.baseUrl, task.projectId, apiKey), source: client, onFallback: (reason) => (fallback = reason) });
    const result = await exportRuns({ source: client, query, format: 'json', target: task.target, concurrency, includeSteps: task.includeSteps === true, local });
    const elapsedMs = performance.now() - started;
    reply({ records: result.records, elapsedMs, maxRssKb: process.resourceUsage().maxRSS, requests: client.http.stats.requests, method: result.method, fallback, openMs });
  } finally {
    index?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`export worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
