// Shared by the engine benchmarks (issue 11): the synthetic runs, the schema, the queries and
// the measuring helpers, so every candidate is fed the same bytes and asked the same things.
// Not part of the product: the candidates are installed in a scratch folder (DBEVAL_DIR,
// default /tmp/dbeval), never in the project's package.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const DBEVAL_DIR = process.env.DBEVAL_DIR || '/tmp/dbeval';
/** Loads a candidate from the scratch folder, not from the project's node_modules. */
export const requireCandidate = createRequire(join(DBEVAL_DIR, 'package.json'));
/** A candidate's installed version (read from its package.json: not every package exports it). */
export function candidateVersion(name) {
  return JSON.parse(readFileSync(join(DBEVAL_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export const SOURCE_ID = 'paragon:proj-bench';
export const BATCH = 500;
export const DAY_MS = 86_400_000;
/** The newest run starts here; runs spread over the 90 days before (the APIs' retention). */
export const NOW_MS = Date.UTC(2026, 10, 1);
export const SPAN_DAYS = 90;

const STATUSES = [
  ['succeeded', 0.8],
  ['failed', 0.1],
  ['cancelled', 0.05],
  ['timed_out', 0.03],
  ['running', 0.02],
];
const INTEGRATIONS = ['salesforce', 'hubspot', 'slack', 'gmail', 'notion', 'jira', 'zendesk', 'stripe', 'shopify', 'github', 'asana', 'intercom'];
const MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'claude-sonnet-4', 'claude-haiku-4', 'gemini-2.5-pro', 'llama-4'];
const WORDS = 'sync contact lead invoice ticket order deal webhook refresh upsert batch notify digest export enrich route triage'.split(' ');

/** mulberry32: a small seeded PRNG, so every engine gets exactly the same rows. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function pickStatus(rand) {
  let r = rand();
  for (const [status, share] of STATUSES) {
    if (r < share) return status;
    r -= share;
  }
  return 'succeeded';
}

function hex(rand, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/**
 * Batch `index` (0-based) of the synthetic history: BATCH runs, each with a ~600-byte JSON
 * document as the API would return it, and 4 steps for each failed run (the failing step's
 * output is what the index keeps for those).
 */
export function makeBatch(index, size = BATCH) {
  const rand = prng(0x5eed + index);
  const runs = [];
  const steps = [];
  for (let i = 0; i < size; i++) {
    const n = index * size + i;
    const status = pickStatus(rand);
    const startedAt = NOW_MS - Math.floor(rand() * SPAN_DAYS * DAY_MS);
    const durationMs = status === 'running' ? null : 200 + Math.floor(rand() * 120_000);
    const endedAt = durationMs === null ? null : startedAt + durationMs;
    const runId = `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${n.toString(16).padStart(12, '0')}`;
    const workflowId = `wf-${Math.floor(rand() * 50)}`;
    const userId = `user-${Math.floor(rand() * 200)}`;
    const integration = pick(rand, INTEGRATIONS);
    const name = `${pick(rand, WORDS)} ${pick(rand, WORDS)} ${pick(rand, WORDS)}`;
    const model = pick(rand, MODELS);
    const agent = `agent-${Math.floor(rand() * 8)}`;
    const tokens = Math.floor(rand() * 50_000);
    const doc = {
      id: runId,
      status,
      workflowId,
      userId,
      integration,
      name,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
      durationMs,
      model,
      agent,
      usage: { inputTokens: Math.floor(tokens * 0.7), outputTokens: tokens - Math.floor(tokens * 0.7), totalTokens: tokens },
      trigger: { type: 'webhook', source: integration, requestId: hex(rand, 32) },
      metadata: { region: 'us-east-1', attempt: 1 + Math.floor(rand() * 3), tags: [pick(rand, WORDS), pick(rand, WORDS)] },
      summary: `${name}: ${status} after ${durationMs ?? 0} ms; ${pick(rand, WORDS)} ${pick(rand, WORDS)} ${hex(rand, 40)}`,
    };
    runs.push({
      source_id: SOURCE_ID,
      run_id: runId,
      status,
      started_at: startedAt,
      ended_at: endedAt,
      duration_ms: durationMs,
      workflow_id: workflowId,
      user_id: userId,
      integration,
      name,
      model,
      agent,
      tokens,
      json: padTo(doc, 600),
    });
    if (status === 'failed') {
      for (let p = 0; p < 4; p++) {
        const stepStatus = p === 3 ? 'failed' : 'succeeded';
        const stepDoc = {
          id: `step-${p}`,
          position: p,
          status: stepStatus,
          type: pick(rand, WORDS),
          output: p === 3 ? { error: `Error: ${pick(rand, WORDS)} failed with 502 ${hex(rand, 24)}` } : { ok: true },
        };
        steps.push({ source_id: SOURCE_ID, run_id: runId, step_id: `step-${p}`, position: p, status: stepStatus, json: JSON.stringify(stepDoc) });
      }
    }
  }
  return { runs, steps };
}

function padTo(doc, bytes) {
  const text = JSON.stringify(doc);
  // `,"note":""` adds 10 characters.
  if (text.length + 10 >= bytes) return text;
  return JSON.stringify({ ...doc, note: 'x'.repeat(bytes - text.length - 10) });
}

export const RUN_COLUMNS = [
  'source_id',
  'run_id',
  'status',
  'started_at',
  'ended_at',
  'duration_ms',
  'workflow_id',
  'user_id',
  'integration',
  'name',
  'model',
  'agent',
  'tokens',
  'json',
];
export const STEP_COLUMNS = ['source_id', 'run_id', 'step_id', 'position', 'status', 'json'];

/** One schema for all: BIGINT (SQLite reads it as INTEGER affinity; DuckDB's INTEGER is 32-bit). */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS runs (source_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, status VARCHAR NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, duration_ms BIGINT, workflow_id VARCHAR, user_id VARCHAR, integration VARCHAR, name VARCHAR, model VARCHAR, agent VARCHAR, tokens BIGINT, json VARCHAR NOT NULL, PRIMARY KEY (source_id, run_id))`,
  `CREATE INDEX IF NOT EXISTS runs_by_status ON runs (source_id, status)`,
  `CREATE INDEX IF NOT EXISTS runs_by_started ON runs (source_id, started_at)`,
  `CREATE TABLE IF NOT EXISTS steps (source_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, step_id VARCHAR NOT NULL, position BIGINT NOT NULL, status VARCHAR, json VARCHAR NOT NULL, PRIMARY KEY (source_id, run_id, step_id))`,
];

export const INSERT_RUN = `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`;
export const INSERT_STEP = `INSERT INTO steps (${STEP_COLUMNS.join(', ')}) VALUES (${STEP_COLUMNS.map(() => '?').join(', ')})`;
/** Not in the brief's schema: lets the group counts read the index alone (measured as a variant). */
export const COVERING_INDEX = 'CREATE INDEX IF NOT EXISTS runs_by_status_started ON runs (source_id, status, started_at)';
/** The tree's group counts. */
export const GROUP_COUNTS = 'SELECT status, count(*) AS n FROM runs WHERE source_id = ? AND started_at >= ? GROUP BY status ORDER BY status';
/** A page of the newest runs in one status group (what the tree shows under a group). */
export const PAGE =
  'SELECT run_id, status, started_at, ended_at, duration_ms, name, workflow_id, integration FROM runs WHERE source_id = ? AND status = ? ORDER BY started_at DESC LIMIT 100';

export function rowValues(row, columns) {
  return columns.map((c) => row[c]);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Peak resident set size so far (VmHWM), in bytes; null where /proc is missing. */
export function vmHwmBytes() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples process.memoryUsage().rss when called (the sync engines block the event loop, so the caller samples after each batch) and on a timer for the async ones. */
export function rssSampler(intervalMs = 25) {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
