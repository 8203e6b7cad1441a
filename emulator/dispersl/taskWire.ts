// Dispersl's wire shapes for a task and its agent steps, derived from the seed on demand.
// Steps run one after another; what a task shows depends on its status:
//   completed → every step completed; failed / cancelled → steps up to the one that failed
//   or was cancelled; in_progress → done steps, one in_progress, the rest still `created`;
//   created → every step `created`, with no times.
import { HOSTILE_STRINGS, hostileString } from '../hostile';
import { hash3, Rng, saltOf } from '../random';
import { CANCELLED, COMPLETED, CREATED, IN_PROGRESS, TASK_FAILED, type TaskStore } from './taskStore';

export interface WireTaskStep {
  step_id: string;
  step_name: string;
  agent: string;
  model: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  duration: string | null;
  tokens_used: number;
  tools_used: string[];
}

export interface WireTaskSummary {
  task_id: string;
  task_name: string;
  status: string;
  created_at: string;
  completed_at?: string | null;
  duration?: string | null;
  total_steps: number;
  success_rate: number;
}

export type WireTask = Omit<WireTaskSummary, 'total_steps' | 'success_rate'> & {
  steps: WireTaskStep[];
  total_tokens: number;
  total_steps: number;
  success_rate: number;
};

const AGENTS: Readonly<Record<string, { tools: readonly string[]; steps: readonly string[] }>> = {
  code_agent: {
    tools: ['write_to_file', 'read_file', 'execute_command', 'search_files', 'apply_diff'],
    steps: ['Generate API endpoints', 'Implement data models', 'Refactor service layer', 'Fix failing build'],
  },
  test_agent: { tools: ['write_test_file', 'execute_command', 'run_tests', 'read_file'], steps: ['Write unit tests', 'Write integration tests', 'Increase coverage'] },
  docs_agent: { tools: ['write_to_file', 'read_file', 'search_docs'], steps: ['Write API reference', 'Update README', 'Draft changelog'] },
  review_agent: { tools: ['read_file', 'search_files', 'comment_on_pr'], steps: ['Review pull request', 'Check security issues', 'Suggest improvements'] },
  deploy_agent: { tools: ['execute_command', 'deploy_service', 'check_health'], steps: ['Deploy to staging', 'Run smoke tests', 'Promote to production'] },
  research_agent: { tools: ['web_search', 'read_url', 'summarize'], steps: ['Research libraries', 'Compare approaches', 'Summarize findings'] },
};
const AGENT_NAMES = Object.keys(AGENTS);
const MODELS = ['anthropic/claude-3-sonnet', 'anthropic/claude-3-opus', 'openai/gpt-4', 'openai/gpt-4o', 'google/gemini-1.5-pro', 'mistral/mistral-large'];
const TASK_NAMES = [
  'Build REST API with Authentication',
  'Generate Test Suite',
  'Migrate database to PostgreSQL 16',
  'Add OAuth login',
  'Write onboarding docs',
  'Upgrade dependencies',
  'Investigate flaky CI',
  'Implement rate limiting',
  'Refactor payment module',
  'Set up observability',
];
const CSV_BREAKER = 'Deploy "staging", then\r\nprod; rollback if needed';

/** ISO 8601 in whole seconds when the time is whole (like the docs), with ms otherwise. */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString();
  return ms % 1000 === 0 ? text.replace('.000Z', 'Z') : text;
}

/** "4h 15m", "45m", "30s": the docs' human-readable style. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m`;
  return `${seconds}s`;
}

function taskName(store: TaskStore, index: number, rng: Rng): string {
  const base = rng.pick(TASK_NAMES);
  if (index < store.seededCount && index % 37 === 5) return `${base} ${hostileString(index)}`;
  if (index < store.seededCount && index % 37 === 6) return CSV_BREAKER;
  return base;
}

export function taskJson(store: TaskStore, index: number, now: number): WireTask {
  const rng = new Rng(hash3(store.seed, index, saltOf('task-detail')));
  const name = taskName(store, index, rng);
  const status = store.status[index]!;
  const created = store.created[index]!;
  // An open task shows no more than has happened by now (live tasks started moments ago).
  const span = status === IN_PROGRESS ? Math.min(store.duration[index]!, Math.max(0, now - created)) : store.duration[index]!;
  const total = 1 + Math.floor(12 * Math.pow(rng.next(), 1.5));
  const cut = rng.int(total);
  const shown = status === TASK_FAILED || status === CANCELLED ? cut + 1 : total;
  // Relative timing: a gap before each step, then its run time; the shown part fills `span`.
  const weights: number[] = [];
  let sum = 0;
  for (let k = 0; k < shown; k++) {
    weights.push(rng.logNormal(2, 0.5), rng.logNormal(20, 0.8));
    sum += weights[2 * k]! + weights[2 * k + 1]!;
    if (status === IN_PROGRESS && k === cut) break;
  }
  const whole = index < store.seededCount ? 1000 : 1;
  const at = (w: number) => created + Math.floor((span * w) / (sum || 1) / whole) * whole;
  const steps: WireTaskStep[] = [];
  let position = 0;
  let completedSteps = 0;
  let tokens = 0;
  for (let k = 0; k < shown; k++) {
    const agent = rng.pick(AGENT_NAMES);
    const spec = AGENTS[agent]!;
    const model = rng.pick(MODELS);
    const stepName = index < store.seededCount && index % 37 === 7 && k === 0 ? HOSTILE_STRINGS[k + (index % 5)]! : rng.pick(spec.steps);
    const stepTokens = rng.between(150, 6000);
    const tools = spec.tools.filter(() => rng.chance(0.45));
    const stepId = `step_${(hash3(store.seed, index, k) >>> 8).toString(16).padStart(6, '0')}`;
    let stepStatus = 'completed';
    if (status === CREATED || (status === IN_PROGRESS && k > cut)) stepStatus = 'created';
    else if (status === IN_PROGRESS && k === cut) stepStatus = 'in_progress';
    else if (k === cut && status === TASK_FAILED) stepStatus = 'failed';
    else if (k === cut && status === CANCELLED) stepStatus = 'cancelled';
    const startW = position + (weights[2 * k] ?? 0);
    const endW = startW + (weights[2 * k + 1] ?? 0);
    position = endW;
    const started = stepStatus === 'created' ? null : at(startW);
    const ended = stepStatus === 'created' || stepStatus === 'in_progress' ? null : at(endW);
    const used = stepStatus === 'created' ? 0 : stepStatus === 'in_progress' ? Math.floor(stepTokens / 3) : stepTokens;
    if (stepStatus === 'completed') completedSteps++;
    tokens += used;
    steps.push({
      step_id: stepId,
      step_name: stepName,
      agent,
      model,
      status: stepStatus,
      started_at: started === null ? null : isoTime(started),
      completed_at: ended === null ? null : isoTime(ended),
      duration: started !== null && ended !== null ? humanDuration(ended - started) : null,
      tokens_used: used,
      tools_used: stepStatus === 'created' ? [] : tools,
    });
  }
  const finished = status === COMPLETED || status === TASK_FAILED || status === CANCELLED;
  // While a task is open its completed_at and duration are sometimes null, sometimes absent.
  const openFields = index % 2 === 0 ? { completed_at: null, duration: null } : {};
  return {
    task_id: store.idOf(index),
    task_name: name,
    status: store.statusName(index),
    created_at: isoTime(created),
    ...(finished ? { completed_at: isoTime(created + span), duration: humanDuration(span) } : openFields),
    steps,
    total_tokens: tokens,
    total_steps: steps.length,
    success_rate: Math.round((10_000 * completedSteps) / steps.length) / 100,
  };
}

export function taskSummaryJson(store: TaskStore, index: number, now: number): WireTaskSummary {
  const { steps: _steps, total_tokens: _tokens, ...summary } = taskJson(store, index, now);
  return summary;
}
