// When to try a request again, and how long to wait: exponential backoff with jitter that
// honours Retry-After (axios-retry). A request the server may have acted on (a replay POST
// answered 5xx, or cut off) is never repeated; a 429 or a refused connection is safe to.
import { AxiosError, type AxiosInstance } from 'axios';
import axiosRetry, { isNetworkError } from 'axios-retry';
import { BODY_NOT_JSON } from './errorMapping';

/** Where axios-retry keeps its per-request state on the config. */
export const RETRY_STATE = 'axios-retry';

/**
 * Set (to the deadline in ms) on an error whose attempt ran past its overall deadline. Not
 * retried: an answer that takes that long (a trickled body) will take as long again, and
 * the deadline is meant to bound what a caller waits. A mere silence (a dead connection)
 * is a plain time-out, and is retried.
 */
export const DEADLINE_EXCEEDED = 'thxDeadlineMs';

export function deadlineOf(error: unknown): number | undefined {
  const ms = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[DEADLINE_EXCEEDED] : undefined;
  return typeof ms === 'number' ? ms : undefined;
}

export interface RetryOptions {
  readonly retries: number;
  /** First backoff step; doubles each retry, plus up to 20% jitter. */
  readonly baseDelayMs: number;
  /** The longest single wait accepted; a longer Retry-After fails at once. */
  readonly maxWaitMs: number;
  readonly onRetry: (message: string) => void;
}

export function installRetries(instance: AxiosInstance, options: RetryOptions): void {
  axiosRetry(instance, {
    retries: options.retries,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      const retryAfter = retryAfterMs(error.response?.headers?.['retry-after']);
      if (retryAfter !== undefined && retryAfter > options.maxWaitMs) return false;
      return isRetryable(error);
    },
    // Never shorter than the server's Retry-After. Read by us, not by axios-retry's own
    // exponentialDelay, which took "1e400" for an infinite wait and slept maxWaitMs.
    retryDelay: (retryCount, error) => {
      const backoff = options.baseDelayMs * 2 ** (retryCount - 1);
      const delay = Math.max(backoff, retryAfterMs(error.response?.headers?.['retry-after']) ?? 0);
      return Math.min(options.maxWaitMs, delay + delay * 0.2 * Math.random());
    },
    onRetry: (retryCount, error, config) => {
      const reason = error.response ? `${error.response.status}` : (error.code ?? error.message);
      const url = config.url ? new URL(config.url) : undefined;
      options.onRetry(`retry ${retryCount} of ${config.method?.toUpperCase()} ${url?.pathname ?? ''} after ${reason}`);
    },
  });
}

/**
 * Retry-After in ms: whole or decimal seconds, or an HTTP date. A number too large to mean
 * anything ("1e400") is Infinity (so: longer than we wait); an unreadable value is ignored.
 */
export function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : Infinity;
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function isRetryable(error: AxiosError): boolean {
  if (error.code === AxiosError.ERR_CANCELED) return false;
  if (deadlineOf(error) !== undefined) return false;
  const idempotent = (error.config?.method ?? 'get').toLowerCase() === 'get';
  const status = error.response?.status;
  if (status === 429) return true; // the server did nothing: safe even for a POST
  if (error.code === 'ECONNREFUSED') return true; // never reached the server
  if (!idempotent) return false;
  if (error.code === BODY_NOT_JSON || isCutShort(error)) return true;
  if (status !== undefined) return status >= 500;
  return isNetworkError(error) || error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT;
}

/** A success status whose body broke off mid-way (the connection dropped while reading). */
export function isCutShort(error: AxiosError): boolean {
  const status = error.response?.status;
  return status !== undefined && status < 300 && error.code !== BODY_NOT_JSON;
}
