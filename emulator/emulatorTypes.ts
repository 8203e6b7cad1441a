// The emulator's public types (re-exported by server.ts): other engineers code against these.

/**
 * server-error: a 5xx with the API's error body. drop: the connection closes unanswered.
 * truncate: full Content-Length, half the body, then a dead connection. non-json: a 200 HTML
 * page (a captive portal). rate-limit: a 429 with Retry-After: 1.
 * trickle: the real answer, its body one byte every `trickleIntervalMs` (Content-Length
 * announced up front). gzip-bomb: a 200 with Content-Encoding: gzip whose body inflates to
 * `gzipBombBytes` of JSON whitespace followed by the real answer (valid JSON, for a client
 * that reads it all), sent as 1 MiB gzip members of about 1 KB each.
 */
export type FaultKind = 'server-error' | 'drop' | 'truncate' | 'non-json' | 'rate-limit' | 'trickle' | 'gzip-bomb';

export const FAULT_KINDS: readonly FaultKind[] = ['server-error', 'drop', 'truncate', 'non-json', 'rate-limit', 'trickle', 'gzip-bomb'];

/** Random faults when `faultKinds` is not given: the quick ones (not rate-limit, trickle, gzip-bomb). */
export const DEFAULT_RANDOM_FAULT_KINDS: readonly FaultKind[] = ['server-error', 'drop', 'truncate', 'non-json'];

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 = ephemeral (the CLI's default is 4680). */
  port?: number;
  /** Default 42; the same seed and the same `now` give identical data. */
  seed?: number;
  /** Default 'thx-demo-key'. */
  apiKey?: string;
  /** Default a fixed UUID. */
  projectId?: string;
  /** Default 15000 (works at 150000). */
  paragonExecutions?: number;
  /** Default 600. */
  disperslTasks?: number;
  /** Reference time for seeded data; default the real start time. */
  now?: Date;
  /** Delay added before every API response (default 0). */
  latencyMs?: number;
  /** Sliding window per key over all API routes; over it → 429 + Retry-After (whole seconds, rounded up, until a slot frees). Default none. */
  rateLimit?: { limit: number; windowMs: number };
  /** Probability (seeded RNG) that a request gets a random fault from faultKinds (default 0). */
  faultRate?: number;
  /** Default server-error, drop, truncate, non-json (DEFAULT_RANDOM_FAULT_KINDS). */
  faultKinds?: FaultKind[];
  /** The 'trickle' fault sends one byte of the body this often (default 400 ms). */
  trickleIntervalMs?: number;
  /** The 'gzip-bomb' fault inflates to this many bytes of whitespace before the real body (default 1 GiB). */
  gzipBombBytes?: number;
  /** e.g. ['TIMED_OUT']: ~1% of Paragon runs get one of these undocumented statuses (default none). */
  extraStatuses?: string[];
  /** A replayed execution runs this long, then finishes (default 3000). */
  replayDurationMs?: number;
  /** New Paragon executions and Dispersl tasks appear in real time at this rate (default 0). */
  liveStartsPerSecond?: number;
}

export interface EmulatorStats {
  /** API requests on the main origin (not counting /__emulator). */
  requests: number;
  /** Keys: 'paragon.list' 'paragon.get' 'paragon.step' 'paragon.replay' 'dispersl.list' 'dispersl.get' 'dispersl.export'. */
  byRoute: Record<string, number>;
  /** Responses by HTTP status code. */
  byStatus: Record<string, number>;
  /** 429s sent by the rate limiter (not injected ones). */
  rateLimited: number;
  /** Most requests seen in any sliding window of rateLimit.windowMs (600000 without rateLimit). */
  maxInWindow: number;
  /** Most API requests in flight at once. */
  maxConcurrent: number;
  replays: { sourceId: string; newId: string; at: string }[];
  /** Every request the decoy origin received. */
  foreignRequests: { method: string; path: string; authorization?: string }[];
  faultsInjected: Record<FaultKind, number>;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT/projects/<projectId>/task-history` */
  paragonBaseUrl: string;
  /** `http://127.0.0.1:PORT/v1` */
  disperslBaseUrl: string;
  /** `http://127.0.0.1:PORT/__emulator` */
  controlUrl: string;
  /** `http://127.0.0.2:PORT2`: the decoy origin Paragon's nextLink points at. */
  foreignOrigin: string;
  apiKey: string;
  projectId: string;
  faults: { inject(kind: FaultKind, count: number, match?: RegExp): void; clear(): void };
  /** Appends `count` new EXECUTING Paragon executions now (they finish after replayDurationMs); returns their ids. */
  /** New EXECUTING runs starting now; they end with `outcome` (default SUCCEEDED) after replayDurationMs. */
  startRuns(count: number, outcome?: 'SUCCEEDED' | 'FAILED'): string[];
  truth: {
    /** Ascending by dateStarted (then id). */
    paragonIds(filter: { userId?: string; workflowId?: string; integration?: string; status?: string; beforeDate?: string; afterDate?: string }): string[];
    /** Newest first. */
    disperslIds(filter: { status?: string; from_date?: string; to_date?: string }): string[];
    integrations: string[];
    workflowIds: string[];
    userIds: string[];
  };
  stats(): EmulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}
