// A source whose requests count against a share of its request budget: sync runs in the
// background, so it never takes more than `share` of the source's budget (default half) and
// what the user does (the tree, a panel, a replay) always has room. The source's own limiter
// still holds the whole budget; this one, on top, holds sync to its part. It also counts the
// requests, so a sync can say what it cost, and says how soon a number of further requests can
// go at the earliest (the floor under a sync's time left).
import type { HistorySource } from '../core/source';
import { SlidingWindow, type RateLimit } from '../sources/http/slidingWindow';

export const DEFAULT_SYNC_BUDGET_SHARE = 0.5;

export interface BudgetedSource {
  readonly source: HistorySource;
  /** Requests sent through it so far. */
  requests(): number;
  /**
   * The least time `requests` more requests can take under the share: those the window has
   * room for go now, the rest at the share's rate. 0 where the source sets no budget.
   */
  lowerBoundMs(requests: number): number;
}

export function budgetedSource(inner: HistorySource, share = DEFAULT_SYNC_BUDGET_SHARE): BudgetedSource {
  const budget = inner.capabilities.requestBudget;
  const limit: RateLimit | undefined = budget && { limit: Math.max(1, Math.floor(budget.limit * Math.min(1, Math.max(0, share)))), intervalMs: budget.intervalMs };
  const window = new SlidingWindow();
  let sent = 0;
  const gate = async (signal?: AbortSignal) => {
    if (limit) await window.acquire(limit, signal);
    sent++;
  };
  const source: HistorySource = {
    kind: inner.kind,
    label: inner.label,
    capabilities: inner.capabilities,
    listPage: async (query, offset, options) => {
      await gate(options?.signal);
      return inner.listPage(query, offset, options);
    },
    getRun: async (runId, signal) => {
      await gate(signal);
      return inner.getRun(runId, signal);
    },
    getStepPayload: inner.getStepPayload
      ? async (runId, stepId, signal) => {
          await gate(signal);
          return inner.getStepPayload!(runId, stepId, signal);
        }
      : undefined,
    // The API's own export (Dispersl) is a request too: an export through the index that falls
    // back to the API must still use it (2 requests where paging took 30). Replay is never sync's.
    exportToStream: inner.exportToStream
      ? async (format, query, out, signal) => {
          await gate(signal);
          return inner.exportToStream!(format, query, out, signal);
        }
      : undefined,
  };
  const lowerBoundMs = (requests: number) => {
    if (!limit || requests <= 0) return 0;
    const room = Math.max(0, limit.limit - window.used(limit));
    return (Math.max(0, requests - room) * limit.intervalMs) / limit.limit;
  };
  return { source, requests: () => sent, lowerBoundMs };
}
