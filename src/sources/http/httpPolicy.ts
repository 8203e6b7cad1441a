// The one HTTP policy both clients go through: bearer auth pinned to the configured
// origin (never plain http:// to a remote host unless the source allows it), an overall
// deadline per attempt that covers the body, bodies capped after decompression,
// cancellation, retries with exponential backoff and jitter that honour Retry-After
// (axios-retry), a client-side rate budget, a concurrency cap, one request for identical
// GETs in flight, and typed, user-facing errors.
// Clients describe requests (path + query); everything about *how* they travel is here.
import * as l10n from '@vscode/l10n';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import pLimit, { type LimitFunction } from 'p-limit';
import { AuthError, CancelledError, HistoryApiError, NetworkError, ProtocolError, TimeoutError } from '../../core/errors';
import { formatNumber } from '../../core/locale';
import { BODY_NOT_JSON, mapRequestError, type ErrorContext } from './errorMapping';
import { InflightRequests } from './inflight';
import { RateLimiter, type RateLimit } from './rateLimiter';
import { ACCEPT_ENCODING, Attempt, BodyFailure, collect, guardBody, MAX_TIMER_MS } from './responseBody';
import { DEADLINE_EXCEEDED, deadlineOf, installRetries, RETRY_STATE } from './retryPolicy';

export interface HttpLog {
  info(message: string): void;
  warn(message: string): void;
}

export type QueryValue = string | number | undefined;

export interface HttpPolicyOptions {
  /** The API's name in messages: "Paragon", "Dispersl". */
  readonly apiName: string;
  /** Every request goes to this base; its origin is the only one that ever sees the key. */
  readonly baseUrl: string;
  /** Read on each request, so a key set later (or rotated) is picked up. */
  readonly apiKey: string | (() => string | undefined | Promise<string | undefined>);
  /** How to fix a rejected or missing key, in the host's words. */
  readonly keyHint?: string;
  /** The vendor's retention rule, appended to 404 messages. */
  readonly retentionHint?: string;
  /**
   * The longest silence allowed before the headers, and within a JSON body, in ms (default
   * 30 s). A silence is retried (a dead connection); the deadline below is not.
   */
  readonly timeoutMs?: number;
  /**
   * Per attempt of a JSON request or a POST, in ms: the headers and the whole body (default
   * 60 s); an attempt past it fails at once, without a retry. For a streamed server export
   * it is instead the longest silence allowed while the export arrives.
   */
  readonly deadlineMs?: number;
  /** A streamed server export must have ended within this, in ms (default 2 h). */
  readonly streamDeadlineMs?: number;
  /** A streamed server export larger than this, decompressed, fails (default 2 GiB). */
  readonly maxStreamBytes?: number;
  /** Plain http:// to a host other than loopback: the key then travels in clear (default false). */
  readonly allowInsecureHttp?: boolean;
  /** Retries after the first attempt (default 4). */
  readonly retries?: number;
  /** First backoff step in ms (default 500); doubles each retry, plus up to 20% jitter. */
  readonly retryBaseDelayMs?: number;
  /** The longest single wait we accept; a longer Retry-After fails at once (default 60 s). */
  readonly maxRetryWaitMs?: number;
  readonly rateLimit?: RateLimit;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** A JSON (or text) body larger than this, decompressed, fails with a ProtocolError (default 32 MiB). */
  readonly maxResponseBytes?: number;
  readonly log?: HttpLog;
}

const MiB = 1024 * 1024;

/**
 * Limits used when a source does not set its own. Time: 30 s of silence (a dead
 * connection, retried), 60 s for a whole JSON answer. Size: the emulator's largest JSON
 * body is a step payload of 5.2 MiB (a 3 MB input and a 3 MB output, the documented
 * maximum of a large payload); a list page is about 27 KB, a 1,000-step run 400 KB. 32 MiB
 * leaves six times that, and bounds what one answer can hold in memory. Server exports
 * are files of any size, so their cap is a generous 2 GiB, and their time is bounded by an
 * idle timeout (deadlineMs of silence) plus an overall cap of 2 h.
 */
export const DEFAULT_LIMITS = {
  timeoutMs: 30_000,
  deadlineMs: 60_000,
  maxResponseBytes: 32 * MiB,
  streamDeadlineMs: 2 * 60 * 60_000,
  maxStreamBytes: 2048 * MiB,
} as const;

/** The knobs a client passes straight through to its policy. */
export type ClientTuning = Pick<
  HttpPolicyOptions,
  | 'apiKey'
  | 'keyHint'
  | 'log'
  | 'concurrency'
  | 'timeoutMs'
  | 'retries'
  | 'retryBaseDelayMs'
  | 'deadlineMs'
  | 'maxResponseBytes'
  | 'streamDeadlineMs'
  | 'maxStreamBytes'
  | 'allowInsecureHttp'
>;

/** Picks the tuning out of a client's options (which hold other fields too). */
export function tuningOf(options: ClientTuning): ClientTuning {
  const { apiKey, keyHint, log, concurrency, timeoutMs, retries, retryBaseDelayMs } = options;
  const { deadlineMs, maxResponseBytes, streamDeadlineMs, maxStreamBytes, allowInsecureHttp } = options;
  return { apiKey, keyHint, log, concurrency, timeoutMs, retries, retryBaseDelayMs, deadlineMs, maxResponseBytes, streamDeadlineMs, maxStreamBytes, allowInsecureHttp };
}

export interface RequestSpec {
  /** Appended to the base URL's path: "/workflow-executions/123". */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** What is asked for, for a 404's message: "Workflow execution 123". */
  readonly subject?: string;
  readonly signal?: AbortSignal;
}

export interface HttpStats {
  /** Attempts sent, retries included. */
  requests: number;
  retries: number;
  /** Time spent waiting for the client-side rate budget, summed over requests. */
  rateLimitWaitMs: number;
  /** GETs answered by joining an identical one already in flight. */
  deduplicated: number;
  /** Body bytes read, after decompression (JSON, exports and error answers). */
  bodyBytes: number;
}

type BodyKind = 'json' | 'text' | 'stream';

/** What a request carries through every attempt (axios copies its config for a retry). */
class RequestState {
  constructor(
    readonly kind: BodyKind,
    readonly caller: AbortSignal | undefined,
  ) {}
}

/** Where the RequestState rides on axios's config. */
const REQUEST_STATE = 'thxRequest';
/** How much of an error answer is read (for the API's message). */
const ERROR_BODY_BYTES = 64 * 1024;

export class HttpPolicy {
  readonly origin: string;
  private readonly counters = { requests: 0, retries: 0, rateLimitWaitMs: 0, bodyBytes: 0 };
  readonly limits: { readonly [K in keyof typeof DEFAULT_LIMITS]: number };
  private readonly attempts = new WeakMap<InternalAxiosRequestConfig, Attempt>();
  private readonly base: URL;
  private readonly axios: AxiosInstance;
  private readonly limiter?: RateLimiter;
  private readonly limit: LimitFunction;
  private readonly inflight = new InflightRequests();
  private readonly started = new WeakMap<InternalAxiosRequestConfig, number>();
  private readonly keyHint: string;
  private readonly retentionHint: string;

  constructor(private readonly options: HttpPolicyOptions) {
    this.base = parseBaseUrl(options.baseUrl, options.apiName, options.allowInsecureHttp ?? false);
    const deadlineMs = positive(options.deadlineMs) ?? DEFAULT_LIMITS.deadlineMs;
    this.limits = {
      deadlineMs,
      timeoutMs: positive(options.timeoutMs) ?? DEFAULT_LIMITS.timeoutMs,
      maxResponseBytes: positive(options.maxResponseBytes) ?? DEFAULT_LIMITS.maxResponseBytes,
      streamDeadlineMs: positive(options.streamDeadlineMs) ?? DEFAULT_LIMITS.streamDeadlineMs,
      maxStreamBytes: positive(options.maxStreamBytes) ?? DEFAULT_LIMITS.maxStreamBytes,
    };
    this.origin = this.base.origin;
    this.keyHint = options.keyHint ?? l10n.t('Check the API key.');
    this.retentionHint = options.retentionHint ?? '';
    // The budget belongs to the key: one window per (origin, key) in the process (rateBudgets.ts).
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit, { origin: this.origin, apiKey: options.apiKey }) : undefined;
    const concurrency = options.concurrency ?? 4;
    this.limit = pLimit(concurrency);
    this.axios = axios.create({
      // Until the headers (axios's timer stops there); bodies are timed by responseBody.ts.
      timeout: Math.min(this.limits.timeoutMs, MAX_TIMER_MS),
      // Never follow a redirect: it could carry the key to another origin.
      maxRedirects: 0,
      // Every body arrives as a stream and is decompressed, counted and capped by us as it
      // arrives (axios would buffer a JSON body whole, and time only its headers).
      responseType: 'stream',
      decompress: false,
      // Parse JSON ourselves, so a non-JSON or cut-short body is a typed, retryable error.
      transformResponse: [(data: unknown) => data],
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: concurrency }),
      headers: { Accept: 'application/json', 'Accept-Encoding': ACCEPT_ENCODING, 'User-Agent': 'task-history-explorer' },
    });
    this.installRequestInterceptor();
    // Response interceptors run in the order added: ours must see the body before
    // axios-retry decides whether to try again.
    this.axios.interceptors.response.use(
      (response) => this.onResponse(response),
      (error: unknown) => this.onErrorResponse(error),
    );
    installRetries(this.axios, {
      retries: options.retries ?? 4,
      baseDelayMs: options.retryBaseDelayMs ?? 500,
      maxWaitMs: options.maxRetryWaitMs ?? 60_000,
      onRetry: (message) => {
        this.counters.retries++;
        options.log?.warn(message);
      },
    });
  }

  get stats(): HttpStats {
    return { ...this.counters, deduplicated: this.inflight.joined };
  }

  /** The absolute URL for a path on the pinned base (exposed for tests and logs). */
  urlFor(path: string, query?: Readonly<Record<string, QueryValue>>): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    return url;
  }

  /** GET a JSON body. Identical GETs in flight share one request. */
  getJson(spec: RequestSpec): Promise<unknown> {
    const url = this.urlFor(spec.path, spec.query);
    const key = `GET ${url.href}`;
    return this.inflight.run(key, spec.signal, (signal) => this.send<unknown>({ ...spec, signal }, url, 'GET', 'json').then((r) => r.data));
  }

  /**
   * GET a body as a stream (a server-side export). The caller must consume or destroy it.
   * It fails with a typed error (and stops the download) past maxStreamBytes decompressed,
   * after a silence of deadlineMs, or once streamDeadlineMs have passed.
   */
  async getStream(spec: RequestSpec): Promise<Readable> {
    const response = await this.send<Readable>(spec, this.urlFor(spec.path, spec.query), 'GET', 'stream');
    return response.data;
  }

  /**
   * POST without a body. Not idempotent: never retried after the server may have acted
   * (5xx, a broken connection); only a 429 or a refused connection is tried again.
   * Resolves with the status and the body as text, for the caller to check it came from the API.
   */
  async post(spec: RequestSpec): Promise<{ status: number; body: string; contentType: string }> {
    const response = await this.send<unknown>(spec, this.urlFor(spec.path, spec.query), 'POST', 'text');
    return { status: response.status, body: typeof response.data === 'string' ? response.data : '', contentType: String(response.headers['content-type'] ?? '') };
  }

  private async send<T>(spec: RequestSpec, url: URL, method: 'GET' | 'POST', kind: BodyKind): Promise<AxiosResponse<T>> {
    if (spec.signal?.aborted) throw new CancelledError();
    const target = `${url.pathname}${url.search}`;
    try {
      return await this.limit(() => {
        if (spec.signal?.aborted) throw new CancelledError();
        const config: AxiosRequestConfig & Record<string, unknown> = { url: url.href, method, signal: spec.signal };
        config[REQUEST_STATE] = new RequestState(kind, spec.signal);
        return this.axios.request<T>(config);
      });
    } catch (error) {
      const attempts = attemptsOf(error);
      const mapped = this.deadlineError(error, method, target, attempts) ?? mapRequestError(error, this.errorContext(spec, method, target, attempts));
      if (mapped.kind !== 'cancelled') this.options.log?.warn(`${mapped.name}: ${mapped.detail}`);
      throw mapped;
    }
  }

  /**
   * A GET whose last attempt ran out of time, in our words (the deadline and how to allow
   * more). A POST's is left to the error mapping, which knows what a replay may have done.
   */
  private deadlineError(error: unknown, method: string, target: string, attempts: number): TimeoutError | undefined {
    const ms = deadlineOf(error);
    if (ms === undefined || method !== 'GET') return undefined;
    const api = this.options.apiName;
    return new TimeoutError(
      l10n.t(
        '{0} did not finish answering within {1} ({2}). The service may be slow, or the connection poor; try again, or allow more time (setting taskHistory.requestTimeoutSeconds, or --timeout <seconds> on the command line).',
        api,
        seconds(ms),
        this.origin,
      ),
      `${method} ${target}: deadline of ${ms} ms exceeded (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    );
  }

  private errorContext(spec: RequestSpec, method: string, target: string, attempts: number): ErrorContext {
    return {
      apiName: this.options.apiName,
      subject: spec.subject,
      keyHint: this.keyHint,
      retentionHint: this.retentionHint,
      parameters: Object.keys(spec.query ?? {}),
      method,
      target,
      origin: this.origin,
      attempts,
    };
  }

  private installRequestInterceptor(): void {
    this.axios.interceptors.request.use(async (config) => {
      const url = new URL(config.url ?? '');
      if (url.origin !== this.origin) {
        // Defence in depth: clients only build URLs with urlFor, but nothing may ever
        // carry the key to another origin (Paragon's nextLink points elsewhere).
        throw new ProtocolError(
          l10n.t('Refused to send the {0} key to {1}: only {2} is configured.', this.options.apiName, url.origin, this.origin),
          `blocked ${config.method?.toUpperCase()} ${url.href}`,
        );
      }
      const key = typeof this.options.apiKey === 'function' ? await this.options.apiKey() : this.options.apiKey;
      if (!key) {
        throw new AuthError(`${l10n.t('No API key is set for {0}.', this.options.apiName)} ${this.keyHint}`, 'no key configured');
      }
      config.headers.set('Authorization', `Bearer ${key}`);
      if (this.limiter) {
        const waited = await this.limiter.acquire(stateOf(config)?.caller ?? (config.signal as AbortSignal | undefined));
        this.counters.rateLimitWaitMs += waited;
        if (waited >= 250) this.options.log?.info(`waited ${waited} ms for the ${this.options.apiName} rate budget`);
      }
      this.counters.requests++;
      this.started.set(config, Date.now());
      // The attempt's clock starts once it may go (not while it waited for the budget).
      const state = stateOf(config);
      const attempt = new Attempt(state?.caller, state?.kind === 'stream' ? this.limits.streamDeadlineMs : this.limits.deadlineMs);
      this.attempts.set(config, attempt);
      config.signal = attempt.signal;
      return config;
    });
  }

  private async onResponse(response: AxiosResponse): Promise<AxiosResponse> {
    const config = response.config;
    this.logOutcome(config, String(response.status));
    const state = stateOf(config);
    const attempt = this.attempts.get(config);
    const raw = response.data as Readable;
    if (state?.kind === 'stream') {
      // The export streams on after this: its guard keeps the attempt (and its clock) open.
      const body = guardBody(
        raw,
        response.headers['content-encoding'],
        { maxBytes: this.limits.maxStreamBytes, idleMs: this.limits.deadlineMs },
        {
          attempt,
          onBytes: (n) => (this.counters.bodyBytes += n),
          toError: (failure) => this.streamError(failure, config),
        },
      );
      body.once('close', () => attempt?.end());
      config.signal = state.caller;
      response.data = body;
      return response;
    }
    let text: string;
    try {
      text = await this.readText(raw, response, attempt);
    } finally {
      attempt?.end();
      if (state) config.signal = state.caller;
    }
    response.data = text;
    if (state?.kind === 'json') {
      try {
        response.data = JSON.parse(text);
      } catch {
        response.data = text;
        throw new AxiosError('response body is not JSON', BODY_NOT_JSON, config, response.request, response);
      }
    }
    return response;
  }

  /**
   * A JSON or text body, whole. What can be tried again is thrown as an AxiosError for the
   * retry policy (a broken connection, a silence, the deadline); what cannot (too large, a
   * body that does not decompress) as our own typed error, which passes it untouched.
   */
  private async readText(raw: Readable, response: AxiosResponse, attempt: Attempt | undefined): Promise<string> {
    const config = response.config;
    const body = guardBody(
      raw,
      response.headers['content-encoding'],
      { maxBytes: this.limits.maxResponseBytes, idleMs: this.limits.timeoutMs },
      {
        attempt,
        onBytes: (n) => (this.counters.bodyBytes += n),
      },
    );
    try {
      const text = (await collect(body)).toString('utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch (error) {
      const failure = error instanceof BodyFailure ? error : new BodyFailure('broken', error instanceof Error ? error.message : String(error));
      const where = `${config.method?.toUpperCase()} ${pathOf(config)}`;
      const api = this.options.apiName;
      switch (failure.reason) {
        case 'too-large':
          throw new ProtocolError(
            l10n.t(
              '{0} sent an answer larger than {1} MiB (after decompression); it was stopped there. No normal answer is this large: the service or a proxy on the way may be misbehaving.',
              api,
              mebibytes(this.limits.maxResponseBytes),
            ),
            `${where} → ${response.status}: body over ${this.limits.maxResponseBytes} bytes decompressed`,
            response.status,
          );
        case 'corrupt':
        case 'encoding':
          throw new ProtocolError(
            l10n.t(
              '{0} sent an answer that does not decompress ({1}).',
              api,
              failure.reason === 'encoding' ? failure.message : `Content-Encoding ${encodingOf(response)}: ${failure.code ?? failure.message}`,
            ),
            `${where} → ${response.status}: ${failure.message}`,
            response.status,
          );
        case 'cancelled':
          throw new AxiosError('canceled', AxiosError.ERR_CANCELED, config, response.request, response);
        case 'deadline': {
          const timedOut = new AxiosError(failure.message, AxiosError.ECONNABORTED, config, response.request, response);
          Object.assign(timedOut, { [DEADLINE_EXCEEDED]: attempt?.deadlineMs });
          throw timedOut;
        }
        case 'idle':
          throw new AxiosError(failure.message, AxiosError.ECONNABORTED, config, response.request, response);
        case 'broken':
          throw new AxiosError(failure.message, failure.code ?? AxiosError.ERR_BAD_RESPONSE, config, response.request, response);
      }
    }
  }

  /** A server export that stopped: typed, since it reaches the caller outside axios. */
  private streamError(failure: BodyFailure, config: InternalAxiosRequestConfig): HistoryApiError {
    const api = this.options.apiName;
    const where = `GET ${pathOf(config)}`;
    const detail = `${where}: export stream stopped: ${failure.message}`;
    switch (failure.reason) {
      case 'too-large':
        return new ProtocolError(
          l10n.t(
            'The {0} export was larger than {1} MiB (after decompression), the limit for a server export; it was stopped. Narrow the filter (a shorter date range), or raise the limit (setting taskHistory.serverExportMaxMiB, or --server-export-max-mib on the command line).',
            api,
            mebibytes(this.limits.maxStreamBytes),
          ),
          detail,
        );
      case 'idle':
        return new TimeoutError(
          l10n.t(
            '{0} sent nothing for {1} while the export was arriving; it was stopped. Try again, or allow more time (setting taskHistory.requestTimeoutSeconds, or --timeout <seconds> on the command line).',
            api,
            seconds(this.limits.deadlineMs),
          ),
          detail,
        );
      case 'deadline':
        return new TimeoutError(
          l10n.t(
            'The {0} export did not finish within {1}; it was stopped. Narrow the filter (a shorter date range), or allow more time (setting taskHistory.serverExportTimeoutMinutes, or --server-export-timeout <minutes> on the command line).',
            api,
            seconds(this.limits.streamDeadlineMs),
          ),
          detail,
        );
      case 'cancelled':
        return new CancelledError(`${where}: export cancelled while streaming`);
      case 'corrupt':
      case 'encoding':
        return new ProtocolError(l10n.t('{0} sent an export that does not decompress ({1}).', api, failure.code ?? failure.message), detail);
      case 'broken':
        return new NetworkError(
          failure.code === undefined
            ? l10n.t('The connection to {0} broke while the export was arriving (closed early). Try again.', api)
            : l10n.t('The connection to {0} broke while the export was arriving ({1}). Try again.', api, failure.code),
          detail,
        );
    }
  }

  private async onErrorResponse(error: unknown): Promise<never> {
    if (error instanceof AxiosError && error.config) {
      const config = error.config;
      const attempt = this.attempts.get(config);
      this.logOutcome(config, error.response ? String(error.response.status) : (error.code ?? 'error'));
      try {
        if (attempt?.expired && !attempt.cancelled && error.code === AxiosError.ERR_CANCELED) {
          // Our deadline, not the caller, stopped it: a time-out, not retried (retryPolicy.ts).
          const timedOut = new AxiosError(`deadline of ${attempt.deadlineMs} ms exceeded`, AxiosError.ECONNABORTED, config, error.request);
          Object.assign(timedOut, { [DEADLINE_EXCEEDED]: attempt.deadlineMs });
          error = timedOut;
        }
        const response = (error as AxiosError).response;
        if (response && isReadable(response.data)) {
          // An error answer: read a bounded part (for the API's message), then hang up.
          response.data = await this.readErrorBody(response.data, response, attempt);
        }
      } finally {
        attempt?.end();
        const state = stateOf(config);
        if (state) config.signal = state.caller;
      }
    }
    throw error;
  }

  private async readErrorBody(raw: Readable, response: AxiosResponse, attempt: Attempt | undefined): Promise<string> {
    const body = guardBody(
      raw,
      response.headers['content-encoding'],
      { maxBytes: Number.MAX_SAFE_INTEGER, idleMs: this.limits.timeoutMs },
      {
        attempt,
        onBytes: (n) => (this.counters.bodyBytes += n),
      },
    );
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= ERROR_BODY_BYTES) break; // leaving the loop destroys the body and the socket
      }
    } catch {
      // A broken error body still leaves us the status code.
    }
    return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
  }

  private logOutcome(config: InternalAxiosRequestConfig, outcome: string): void {
    const start = this.started.get(config);
    const ms = start === undefined ? '?' : String(Date.now() - start);
    const url = config.url ? new URL(config.url) : undefined;
    this.options.log?.info(`${config.method?.toUpperCase()} ${url ? url.pathname + url.search : ''} → ${outcome} in ${ms} ms`);
  }
}

function attemptsOf(error: unknown): number {
  if (!(error instanceof AxiosError) || !error.config) return 1;
  const state = (error.config as unknown as Record<string, { retryCount?: number } | undefined>)[RETRY_STATE];
  return (state?.retryCount ?? 0) + 1;
}

function stateOf(config: InternalAxiosRequestConfig): RequestState | undefined {
  const state = (config as unknown as Record<string, unknown>)[REQUEST_STATE];
  return state instanceof RequestState ? state : undefined;
}

function pathOf(config: InternalAxiosRequestConfig): string {
  const url = config.url ? new URL(config.url) : undefined;
  return url ? url.pathname + url.search : '';
}

function encodingOf(response: AxiosResponse): string {
  const value = String(response.headers['content-encoding'] ?? '');
  return /^[\w.,\s-]{1,40}$/.test(value) ? value : 'unknown';
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** 1500 → "1.5 s", 60000 → "60 s", 7200000 → "120 min". */
function seconds(ms: number): string {
  if (ms >= 10 * 60_000 && ms % 60_000 === 0) return l10n.t('{0} min', formatNumber(ms / 60_000, { useGrouping: false }));
  return l10n.t('{0} s', formatNumber(ms / 1000, { maximumFractionDigits: 1, useGrouping: false }));
}

function mebibytes(bytes: number): string {
  return formatNumber(bytes / MiB, { maximumFractionDigits: 1, useGrouping: false });
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped), localhost: the key never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === 'localhost.') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // The URL parser has already turned every IPv4 spelling (127.1, 0x7f000001…) into dotted quads.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/** The URL with any user:password@ hidden, for messages. */
function withoutUserinfo(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1…@');
}

/**
 * A source's base URL, checked: http(s) only; no user name or password in it (the key is
 * the only credential, and a password there would end up in settings and logs); plain
 * http:// only to loopback unless the source explicitly allows it, since the key would
 * travel in clear.
 */
export function parseBaseUrl(raw: string, apiName: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    const shown = withoutUserinfo(raw);
    throw new ProtocolError(l10n.t('The {0} base URL "{1}" is not a valid URL.', apiName, shown), `invalid base URL ${shown}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProtocolError(l10n.t('The {0} base URL must start with https:// (got {1}).', apiName, url.protocol), `invalid base URL scheme ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ProtocolError(
      l10n.t(
        'The {0} base URL must not contain a user name or password ({1}): the API key is the only credential sent, and a password in the URL would be kept in settings and logs. Remove the part before "@".',
        apiName,
        `${url.protocol}//…@${url.host}`,
      ),
      `base URL with userinfo for ${url.host}`,
    );
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ProtocolError(
      l10n.t(
        'Refused to use {0} for {1}: over plain http:// the API key would travel in clear text to a host other than this machine. Use https://, or, on a network you trust, allow it for this source ("allowInsecureHttp": true in its taskHistory.sources entry, or --allow-insecure-http on the command line).',
        url.origin,
        apiName,
      ),
      `insecure base URL ${url.origin}`,
    );
  }
  url.search = '';
  url.hash = '';
  return url;
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}
