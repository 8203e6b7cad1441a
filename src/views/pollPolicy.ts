// When live refresh may poll a source, and how often, so that background polling never
// eats more than a small share of the source's request budget (Dispersl Free allows 100
// requests an hour: a 30-second poll alone would spend 120). Pure: no vscode here, so the
// rules are tested in plain Node; liveRefresh.ts applies them.
import * as l10n from '@vscode/l10n';
import { formatNumber } from '../core/locale';

/** The share of a source's budget that background polling may use; the rest is the user's. */
export const POLL_BUDGET_SHARE = 0.1;
/** Running runs re-polled per tick and source at most, whatever the budget. */
export const MAX_RUN_POLLS_PER_TICK = 20;

export interface PollBudget {
  readonly limit: number;
  readonly intervalMs: number;
}

export interface PollConditions {
  /** `taskHistory.refreshInterval` in seconds; 0 turns polling off. */
  readonly intervalSeconds: number;
  /** This VS Code window has focus (polling in every open window would multiply the cost). */
  readonly windowFocused: boolean;
  /** The Runs view is on screen. */
  readonly viewVisible: boolean;
  /** `taskHistory.notifyOnFailure`: failures are announced even when the view is hidden. */
  readonly notifyOnFailure: boolean;
  /** A run panel of a run that may still change is on screen: its steps and status come from polling. */
  readonly activeRunPanelVisible?: boolean;
}

/** Poll only in a focused window, and only while someone will see the result. */
export function shouldPoll(c: PollConditions): boolean {
  return c.intervalSeconds > 0 && c.windowFocused && (c.viewVisible || c.notifyOnFailure || c.activeRunPanelVisible === true);
}

/** Whether failures are worth counting: the view (its badge) is shown, or failures are announced. */
export function shouldCount(c: PollConditions): boolean {
  return c.viewVisible || c.notifyOnFailure;
}

/**
 * How long to wait before polling a source again after a tick that sent `requests`:
 * the configured interval, or longer when that would spend more than `share` of the budget
 * (interval ≥ requests × window ÷ (limit × share)). No budget: the configured interval.
 */
export function pollDelayMs(intervalSeconds: number, requests: number, budget: PollBudget | undefined, share = POLL_BUDGET_SHARE): number {
  const configured = Math.max(0, intervalSeconds) * 1000;
  if (!budget || !(budget.limit > 0) || !(budget.intervalMs > 0) || requests <= 0) return configured;
  return Math.max(configured, Math.ceil((requests * budget.intervalMs) / (budget.limit * share)));
}

/**
 * Running runs one tick may re-poll for a source: a fiftieth of the polling share, so a
 * tick stays small and ticks stay frequent (2 a tick for Paragon's 1,000 per 10 minutes,
 * so one is polled every 18 s; at least one, at most MAX_RUN_POLLS_PER_TICK).
 */
export function runPollsPerTick(budget: PollBudget | undefined, share = POLL_BUDGET_SHARE): number {
  if (!budget) return MAX_RUN_POLLS_PER_TICK;
  return Math.min(MAX_RUN_POLLS_PER_TICK, Math.max(1, Math.floor((budget.limit * share) / 50)));
}

/**
 * Which running runs a tick re-polls, given its allowance: the newest half every time (the
 * runs someone just started), the rest in rotation over the older ones, so a stuck run
 * cannot keep the others from ever being looked at. With room for one a tick (Dispersl
 * Free), ticks alternate between the newest and the next older one. `cursor` is where the
 * rotation stood; the answer says where it stands next.
 */
export function pickRunsToPoll<R extends { readonly startedAt?: string }>(runs: readonly R[], allowance: number, cursor: number): { picked: R[]; cursor: number } {
  const take = Math.max(0, Math.min(runs.length, allowance));
  const newestFirst = [...runs].sort((a, b) => (Date.parse(b.startedAt ?? '') || 0) - (Date.parse(a.startedAt ?? '') || 0));
  if (take === 1 && runs.length > 1) {
    const older = newestFirst.slice(1);
    const picked = cursor % 2 === 0 ? newestFirst[0]! : older[Math.floor(cursor / 2) % older.length]!;
    return { picked: [picked], cursor: cursor + 1 };
  }
  const fixed = Math.ceil(take / 2);
  const older = newestFirst.slice(fixed);
  const start = older.length > 0 ? cursor % older.length : 0;
  const rotating = Array.from({ length: Math.min(take - fixed, older.length) }, (_, i) => older[(start + i) % older.length]!);
  return { picked: [...newestFirst.slice(0, fixed), ...rotating], cursor: start + rotating.length };
}

/**
 * Whether the key's budget has room for a background poll: polling stands back once the
 * key (all its clients, an export included) has used all but `share` of the window.
 */
export function budgetHasRoom(inUse: { readonly used: number; readonly limit: number } | undefined, requests: number, share = POLL_BUDGET_SHARE): boolean {
  if (!inUse) return true;
  return inUse.used + requests <= Math.floor(inUse.limit * (1 - share));
}

/** "12 of 100 requests in the last hour" — the budget in use, for a tooltip. */
export function describeBudget(inUse: { readonly used: number; readonly limit: number; readonly intervalMs: number }): string {
  const used = formatNumber(inUse.used);
  const limit = formatNumber(inUse.limit);
  const ms = inUse.intervalMs;
  if (ms === 3_600_000) return l10n.t('{0} of {1} requests in the last hour', used, limit);
  if (ms % 3_600_000 === 0) return l10n.t('{0} of {1} requests in the last {2} hours', used, limit, formatNumber(ms / 3_600_000));
  if (ms === 60_000) return l10n.t('{0} of {1} requests in the last minute', used, limit);
  if (ms % 60_000 === 0) return l10n.t('{0} of {1} requests in the last {2} minutes', used, limit, formatNumber(ms / 60_000));
  return l10n.t('{0} of {1} requests in the last {2} s', used, limit, formatNumber(Math.round(ms / 1000)));
}

/** "every 6 min", "every 30 s": how often a source is polled, for a tooltip. */
export function describeInterval(ms: number): string {
  if (ms <= 0) return l10n.t('off');
  if (ms < 120_000) return l10n.t('every {0} s', formatNumber(Math.round(ms / 1000)));
  if (ms < 2 * 3_600_000) return l10n.t('every {0} min', formatNumber(Math.round(ms / 60_000)));
  return l10n.t('every {0} h', formatNumber(ms / 3_600_000, { maximumFractionDigits: 1 }));
}
