// Benchmark worker (own process, so its peak RSS is its own): our exporter, exportRuns
// through ParagonClient, exactly as the CLI builds it.
import { DEFAULT_EXPORT_CONCURRENCY, exportRuns } from '../src/core/export/exportRuns';
import { ParagonClient } from '../src/sources/paragon/paragonClient';
import { readKey, readTask, reply } from './workerProtocol';

async function main(): Promise<void> {
  const task = readTask();
  const concurrency = task.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  const client = new ParagonClient({
    projectId: task.projectId,
    baseUrl: task.baseUrl,
    apiKey: readKey(),
    // The HTTP policy's cap matches the export's, as the CLI sets it.
    concurrency,
    rateLimit: task.requestsPer10Min === undefined ? undefined : { limit: task.requestsPer10Min, intervalMs: 600_000 },
  });
  const started = performance.now();
  const result = await exportRuns({ source: client, query: {}, format: 'json', target: task.target, concurrency });
  const elapsedMs = performance.now() - started;
  reply({ records: result.records, elapsedMs, maxRssKb: process.resourceUsage().maxRSS, requests: client.http.stats.requests });
}

main().catch((error: unknown) => {
  process.stderr.write(`export worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
