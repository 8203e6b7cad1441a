// Benchmark worker: the baseline the Paragon docs describe. One page at a time, each
// request made to the URL the previous page's `nextLink` names, wherever that points (the
// docs' example points at another origin than the configured one, and so does the
// emulator's), with the key attached. Plain fetch, no retries, records streamed to a JSON
// file as they arrive, so it is compared on speed, not on memory it need not use.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readKey, readTask, reply } from './workerProtocol';

interface ListBody {
  workflowExecutions: unknown[];
  nextLink: string | null;
}

async function main(): Promise<void> {
  const task = readTask();
  const key = readKey();
  const origin = new URL(task.baseUrl).origin;
  const out = createWriteStream(task.target);
  let records = 0;
  let requests = 0;
  let foreignRequests = 0;
  const started = performance.now();
  let url: string | null = `${task.baseUrl}/workflow-executions`;
  while (url !== null) {
    requests++;
    if (new URL(url).origin !== origin) foreignRequests++;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(`${response.status} from ${new URL(url).pathname}`);
    const body = (await response.json()) as ListBody;
    for (const execution of body.workflowExecutions) {
      if (!out.write(`${records++ === 0 ? '[\n' : ',\n'}${JSON.stringify(execution)}`)) await once(out, 'drain');
    }
    url = body.nextLink;
  }
  out.end(records === 0 ? '[]\n' : '\n]\n');
  await once(out, 'finish');
  const elapsedMs = performance.now() - started;
  reply({ records, elapsedMs, maxRssKb: process.resourceUsage().maxRSS, requests, foreignRequests });
}

main().catch((error: unknown) => {
  process.stderr.write(`baseline worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
