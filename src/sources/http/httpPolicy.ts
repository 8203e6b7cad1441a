// The one HTTP policy both clients go through: bearer auth pinned to the configured
// origin, a timeout per attempt, cancellation, retries with exponential backoff and
// jitter that honour Retry-After (axios-retry), a client-side rate budget, a concurrency
// cap, one request for identical GETs in flight, and typed, user-facing errors.
// Clients describe requests (path + query); everything about *how* they travel is here.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import pLimit, { type LimitFunction } from 'p-limit';
import { AuthError, CancelledError, ProtocolError } from '../errors';
import { BODY_NOT_JSON, mapRequestError, type ErrorContext } from './errorMapping';
import { InflightRequests } from './inflight';
import { RateLimiter, type RateLimit } from './rateLimiter';
import { installRetries, RETRY_STATE } from './retryPolicy';

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
  /** Per attempt, in ms (default 30 s). For streams: the longest silence allowed. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  readonly retries?: number;
  /** First backoff step in ms (default 500); doubles each retry, plus up to 20% jitter. */
  readonly retryBaseDelayMs?: number;
  /** The longest single wait we accept; a longer Retry-After fails at once (default 60 s). */
  readonly maxRetryWaitMs?: number;
  readonly rateLimit?: RateLimit;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** Responses larger than this fail with a ProtocolError (default 256 MiB). */
  readonly maxResponseBytes?: number;
  readonly log?: HttpLog;
}

/** The knobs a client passes straight through to its policy. */
export type ClientTuning = Pick<
  HttpPolicyOptions,
  'apiKey' | 'keyHint' | 'log' | 'concurrency' | 'timeoutMs' | 'retries' | 'retryBaseDelayMs'
>;

/** Picks the tuning out of a client's options (which hold other fields too). */
export function tuningOf(options: ClientTuning): ClientTuning {
  const { apiKey, keyHint, log, concurrency, timeoutMs, retries, retryBaseDelayMs } = options;
  return { apiKey, keyHint, log, concurrency, timeoutMs, retries, retryBaseDelayMs };
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
}

export class HttpPolicy {
  readonly origin: string;
  private readonly counters = { requests: 0, retries: 0, rateLimitWaitMs: 0 };
  private readonly base: URL;
  private readonly axios: AxiosInstance;
  private readonly limiter?: RateLimiter;
  private readonly limit: LimitFunction;
  private readonly inflight = new InflightRequests();
  private readonly started = new WeakMap<InternalAxiosRequestConfig, number>();
  private readonly keyHint: string;
  private readonly retentionHint: string;

  constructor(private readonly options: HttpPolicyOptions) {
    this.base = parseBaseUrl(options.baseUrl, options.apiName);
    this.origin = this.base.origin;
    this.keyHint = options.keyHint ?? 'Check the API key.';
    this.retentionHint = options.retentionHint ?? '';
    // The budget belongs to the key: one window per (origin, key) in the process (rateBudgets.ts).
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit, { origin: this.origin, apiKey: options.apiKey }) : undefined;
    const concurrency = options.concurrency ?? 4;
    this.limit = pLimit(concurrency);
    this.axios = axios.create({
      timeout: options.timeoutMs ?? 30_000,
      // Never follow a redirect: it could carry the key to another origin.
      maxRedirects: 0,
      maxContentLength: options.maxResponseBytes ?? 256 * 1024 * 1024,
      // Parse JSON ourselves, so a non-JSON or cut-short body is a typed, retryable error.
      transformResponse: [(data: unknown) => data],
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: concurrency }),
      headers: { Accept: 'application/json', 'User-Agent': 'task-history-explorer' },
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
    return this.inflight.run(key, spec.signal, (signal) =>
      this.send<unknown>({ ...spec, signal }, url, 'GET', 'text').then((r) => r.data),
    );
  }

  /** GET a body as a stream (a server-side export). The caller must consume or destroy it. */
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

  private async send<T>(spec: RequestSpec, url: URL, method: 'GET' | 'POST', responseType: 'text' | 'stream'): Promise<AxiosResponse<T>> {
    if (spec.signal?.aborted) throw new CancelledError();
    const target = `${url.pathname}${url.search}`;
    try {
      return await this.limit(() => {
        if (spec.signal?.aborted) throw new CancelledError();
        return this.axios.request<T>({ url: url.href, method, responseType, signal: spec.signal });
      });
    } catch (error) {
      const attempts = attemptsOf(error);
      const mapped = mapRequestError(error, this.errorContext(spec, method, target, attempts));
      if (mapped.kind !== 'cancelled') this.options.log?.warn(`${mapped.name}: ${mapped.detail}`);
      throw mapped;
    }
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
          `Refused to send the ${this.options.apiName} key to ${url.origin}: only ${this.origin} is configured.`,
          `blocked ${config.method?.toUpperCase()} ${url.href}`,
        );
      }
      const key = typeof this.options.apiKey === 'function' ? await this.options.apiKey() : this.options.apiKey;
      if (!key) {
        throw new AuthError(`No API key is set for ${this.options.apiName}. ${this.keyHint}`, 'no key configured');
      }
      config.headers.set('Authorization', `Bearer ${key}`);
      if (this.limiter) {
        const waited = await this.limiter.acquire(config.signal as AbortSignal | undefined);
        this.counters.rateLimitWaitMs += waited;
        if (waited >= 250) this.options.log?.info(`waited ${waited} ms for the ${this.options.apiName} rate budget`);
      }
      this.counters.requests++;
      this.started.set(config, Date.now());
      return config;
    });
  }

  private onResponse(response: AxiosResponse): AxiosResponse {
    const config = response.config;
    this.logOutcome(config, String(response.status));
    if (config.responseType === 'text' && config.method === 'get') {
      const text = typeof response.data === 'string' ? response.data : '';
      try {
        response.data = JSON.parse(text);
      } catch {
        throw new AxiosError('response body is not JSON', BODY_NOT_JSON, config, response.request, response);
      }
    }
    return response;
  }

  private async onErrorResponse(error: unknown): Promise<never> {
    if (error instanceof AxiosError && error.config) {
      this.logOutcome(error.config, error.response ? String(error.response.status) : (error.code ?? 'error'));
      const response = error.response;
      if (response && isReadable(response.data)) {
        // An error answer to a stream request: read it (bounded), so the socket is freed
        // and the error can quote the API's message.
        response.data = await readBounded(response.data, 64 * 1024);
      }
    }
    throw error;
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

function parseBaseUrl(raw: string, apiName: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ProtocolError(`The ${apiName} base URL "${raw}" is not a valid URL.`, `invalid base URL ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProtocolError(`The ${apiName} base URL must start with https:// (got ${url.protocol}).`, `invalid base URL ${raw}`);
  }
  url.search = '';
  url.hash = '';
  return url;
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

async function readBounded(stream: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (size < maxBytes) chunks.push(buffer.subarray(0, maxBytes - size));
      size += buffer.length;
    }
  } catch {
    // A broken error body still leaves us the status code.
  }
  return Buffer.concat(chunks).toString('utf8');
}
