// The run index the Insights computation benchmark reads (bench/insightsBench.ts): N Paragon-like
// runs and N Dispersl-like tasks over 90 days, written only through RunIndex's public write
// methods (upsertRuns, then putDetail for the runs sync would fetch in detail, in batches), so a
// change to the index's schema or to what it derives at insert time (narrow columns, caches)
// changes what is written here with it, as it would for a real sync. Fixed seed: every run of the
// benchmark reads the same index.
//   - Paragon: 60 workflows, 2,000 users, 10 integrations, a task count per run; 15 % failed
//     (each with 5 steps and its failing step's output: error texts with ids, numbers, e-mails and
//     URLs in them, as the API's are), 3 % still running. Sync stores steps for failed runs only.
//   - Dispersl: 40 task names; every task with 4–8 steps, each with an agent (5), a model (5),
//     tokens and one or two tools (7); 12 % failed (the last step), 5 % cancelled. Sync stores
//     every task's steps.
// Weekdays are busier than weekends, as real schedules are.
import type { Run, RunDetail, RunStatus, Step } from '../src/core/model';
import type { RunIndex } from '../src/runIndex/runIndex';

export const INSIGHTS_RUNS = 150_000;
export const PARAGON_SOURCE = 'paragon-bench';
export const DISPERSL_SOURCE = 'dispersl-bench';
/** The 90 days the runs start in; the benchmark's "now" is their end. */
export const DATA_START = Date.UTC(2026, 7, 31);
export const DATA_DAYS = 90;
export const DATA_END = DATA_START + DATA_DAYS * 86_400_000;
const BATCH = 1000;

/** mulberry32: small, fixed and well spread (the data only needs to look real). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += this.int(16).toString(16);
    return out;
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`;
  }
  /**
   * Start instants for n runs over the data's 90 days, in order: each day's share weighted
   * (weekends at 45 %, a slow rise), spread within the day.
   */
  starts(n: number): number[] {
    const weights = Array.from({ length: DATA_DAYS }, (_, d) => ((d + 1) % 7 < 2 ? 0.45 : 1) * (0.8 + (0.4 * d) / DATA_DAYS));
    const sum = weights.reduce((a, b) => a + b, 0);
    const out: number[] = [];
    let given = 0;
    for (let d = 0; d < DATA_DAYS; d++) {
      const count = d === DATA_DAYS - 1 ? n - given : Math.round((weights[d]! / sum) * n);
      for (let k = 0; k < count; k++) out.push(DATA_START + d * 86_400_000 + Math.floor(((k + this.next()) / count) * 86_400_000));
      given += count;
    }
    return out;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Error texts as Paragon's failing steps give them: the variable parts vary, the signatures they normalize to are few. */
function paragonError(g: Gen): unknown {
  switch (g.int(8)) {
    case 0:
      return `Request failed with status code 404: GET https://api.hubapi.com/crm/v3/objects/contacts/${g.int(1e9)}`;
    case 1:
      return { message: `TypeError: Cannot read properties of undefined (reading '${g.pick(['id', 'email', 'owner'])}')` };
    case 2:
      return `Rate limit exceeded for user ${g.int(100000)}, retry after ${1 + g.int(60)}s`;
    case 3:
      return `Invalid email: user${g.int(5000)}@example.com`;
    case 4:
      return { error: { message: `Salesforce: INVALID_FIELD: No such column 'Custom_${g.int(40)}__c' on entity 'Lead'`, code: 400 } };
    case 5:
      return `Timed out after ${30000 + g.int(5) * 1000} ms waiting for ${g.uuid()}`;
    case 6:
      return `Slack API error: channel_not_found (C0${g.hex(8).toUpperCase()})`;
    default:
      return `Unauthorized: token expired at ${iso(DATA_START + g.int(DATA_DAYS) * 86_400_000)}`;
  }
}

function paragonStatus(g: Gen): RunStatus {
  const r = g.next();
  return r < 0.15 ? 'failed' : r < 0.97 ? 'succeeded' : 'running';
}

/** Writes `n` Paragon-like runs: listings through upsertRuns, failed runs' details through putDetail, 1,000 a transaction. */
export function writeParagonRuns(index: RunIndex, sourceId: string, n: number): { runs: number; details: number } {
  const g = new Gen(11);
  const workflows = Array.from({ length: 60 }, () => g.uuid());
  const users = Array.from({ length: 2000 }, () => g.uuid());
  const integrations = ['salesforce', 'hubspot', 'slack', 'jira', 'zendesk', 'gmail', 'notion', 'asana', 'stripe', 'github'];
  const starts = g.starts(n);
  let details = 0;
  for (let b = 0; b < n; b += BATCH) {
    index.batch(() => {
      const runs: Run[] = [];
      const failed: [RunDetail, { stepId: string; output: unknown }][] = [];
      for (let i = b; i < Math.min(n, b + BATCH); i++) {
        const at = starts[i]!;
        const status = paragonStatus(g);
        const duration = Math.floor(g.next() * g.next() * 30_000) + 40;
        const ended = status === 'running' ? undefined : iso(at + duration);
        const run: Run = {
          id: g.uuid(),
          sourceKind: 'paragon',
          status,
          rawStatus: status.toUpperCase(),
          startedAt: iso(at),
          endedAt: ended,
          durationMs: ended ? duration : undefined,
          userId: g.pick(users),
          workflowId: g.pick(workflows),
          integration: g.pick(integrations),
          taskCount: g.int(20),
        };
        runs.push(run);
        if (status === 'failed') {
          const steps: Step[] = Array.from({ length: 5 }, (_, k) => ({
            id: g.uuid(),
            runId: run.id,
            stepId: `step-${k}`,
            type: k === 0 ? 'TRIGGER/WEBHOOK' : k === 4 ? g.pick(['ACTION/INTEGRATION_REQUEST', 'ACTION/REQUEST', 'ACTION/FUNCTION']) : 'ACTION/REQUEST',
            status: k === 4 ? 'failed' : 'succeeded',
            rawStatus: k === 4 ? 'FAILED' : 'SUCCEEDED',
            startedAt: iso(at + k * 10),
            endedAt: iso(at + k * 10 + 10),
            durationMs: 10,
            next: [],
            inputSize: 100 + g.int(900),
            outputSize: 100 + g.int(900),
          }));
          failed.push([
            { ...run, steps },
            { stepId: steps[4]!.id, output: paragonError(g) },
          ]);
        }
      }
      index.upsertRuns(sourceId, runs);
      for (const [detail, output] of failed) index.putDetail(sourceId, detail, output);
      details += failed.length;
    });
  }
  return { runs: n, details };
}

/** Writes `n` Dispersl-like tasks: listings through upsertRuns, then every task's steps through putDetail, 1,000 a transaction. */
export function writeDisperslTasks(index: RunIndex, sourceId: string, n: number): { runs: number; steps: number } {
  const g = new Gen(23);
  const agents = ['code_agent', 'research_agent', 'review_agent', 'test_agent', 'docs_agent'];
  const models = ['openai/gpt-4o', 'openai/gpt-4.1', 'anthropic/claude-sonnet-4', 'google/gemini-2.5-pro', 'mistral/mistral-large'];
  const tools = ['read_file', 'write_to_file', 'apply_diff', 'execute_command', 'search_files', 'run_tests', 'write_test_file'];
  const names = Array.from({ length: 40 }, (_, i) => `Task kind ${String(i + 1).padStart(2, '0')}`);
  const starts = g.starts(n);
  let stepCount = 0;
  for (let b = 0; b < n; b += BATCH) {
    index.batch(() => {
      const tasks: RunDetail[] = [];
      for (let i = b; i < Math.min(n, b + BATCH); i++) {
        const at = starts[i]!;
        const count = 4 + g.int(5);
        const r = g.next();
        const status: RunStatus = r < 0.12 ? 'failed' : r < 0.95 ? 'succeeded' : 'cancelled';
        const id = `task_${g.hex(12)}`;
        const stepMs = 20_000 + g.int(60_000);
        const steps: Step[] = Array.from({ length: count }, (_, k) => {
          const first = g.pick(tools);
          const second = g.next() < 0.5 ? g.pick(tools) : first;
          return {
            id: `step_${g.hex(10)}`,
            runId: id,
            name: `Step ${k + 1}`,
            status: status === 'failed' && k === count - 1 ? 'failed' : 'succeeded',
            rawStatus: status === 'failed' && k === count - 1 ? 'failed' : 'completed',
            startedAt: iso(at + k * stepMs),
            endedAt: iso(at + (k + 1) * stepMs),
            durationMs: stepMs,
            durationText: `${Math.round(stepMs / 1000)}s`,
            next: [],
            agent: g.pick(agents),
            model: g.pick(models),
            tokensUsed: g.int(6000),
            toolsUsed: first === second ? [first] : [first, second],
          };
        });
        const totalTokens = steps.reduce((sum, s) => sum + (s.tokensUsed ?? 0), 0);
        const durationMs = count * stepMs;
        tasks.push({
          id,
          sourceKind: 'dispersl',
          name: g.pick(names),
          status,
          rawStatus: status === 'succeeded' ? 'completed' : status,
          startedAt: iso(at),
          endedAt: iso(at + durationMs),
          durationMs,
          durationText: `${Math.round(durationMs / 60_000)}m`,
          stepCount: count,
          successRate: status === 'succeeded' ? 100 : Math.round(((count - 1) / count) * 100),
          totalTokens,
          steps,
        });
        stepCount += count;
      }
      // The listing first (what a task list carries), then each task's detail, as sync does.
      index.upsertRuns(
        sourceId,
        tasks.map(({ steps: _steps, ...run }) => run),
      );
      for (const task of tasks) index.putDetail(sourceId, task);
    });
  }
  return { runs: n, steps: stepCount };
}
