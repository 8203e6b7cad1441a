// One HTTP request through the emulator: control routes aside, an API request is counted,
// delayed by the configured latency, checked against the rate limit, possibly faulted, and
// only then handled. The decoy origin serves the same API but only records who called.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envelopeError } from '../dispersl/disperslRoutes';
import { nestError } from '../paragon/paragonRoutes';
import type { ApiFamily, ApiRequest, ApiResponse, ApiRouter, RouteMatch } from './apiTypes';
import { bearerToken } from './apiTypes';
import { errorFor, nonJsonResponse, rateLimitedResponse, writeGzipBomb, writeTrickled } from './faultResponses';
import type { FaultInjector } from './faultInjector';
import { writeResponse, writeTruncated } from './responseWriter';
import type { SlidingWindowLimiter } from './slidingWindow';
import type { StatsRecorder } from './statsRecorder';

export interface ListenerOptions {
  readonly router: ApiRouter;
  readonly stats: StatsRecorder;
  readonly faults: FaultInjector;
  readonly limiter: SlidingWindowLimiter | undefined;
  readonly latencyMs: number;
  readonly clock: () => number;
  /** Main origin only: the /__emulator routes. */
  readonly control?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /** The decoy origin: no counting, limits or faults; every request recorded. */
  readonly decoy: boolean;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function fallback(request: ApiRequest): RouteMatch {
  const family: ApiFamily = request.url.pathname.startsWith('/v1') ? 'dispersl' : 'paragon';
  return {
    key: undefined,
    family,
    handle: (req) => (family === 'dispersl' ? envelopeError(404, `Route ${req.method} ${req.url.pathname} not found`) : nestError(404, `Cannot ${req.method} ${req.url.pathname}`)),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createRequestListener(options: ListenerOptions): Listener {
  const { stats, faults, limiter, clock } = options;

  const send = async (res: ServerResponse, response: ApiResponse, counted: boolean) => {
    if (counted) stats.status(response.status);
    await writeResponse(res, response);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (options.control && (url.pathname === '/__emulator' || url.pathname.startsWith('/__emulator/'))) {
      await options.control(req, res, url);
      return;
    }
    // A request body is never needed by the API routes; drain it so the socket can be reused.
    req.resume();
    const authorization = req.headers.authorization;
    const request: ApiRequest = { method: req.method ?? 'GET', url, authorization };
    const match = options.router(request) ?? fallback(request);
    const counted = !options.decoy;
    if (options.decoy) stats.foreign(request.method, url.pathname + url.search, authorization);
    else res.on('close', stats.begin(match.key, clock()));
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if (counted && limiter) {
      const admission = limiter.admit(bearerToken(authorization) ?? '', clock());
      if (!admission.admitted) {
        stats.rateLimited();
        await send(res, rateLimitedResponse(match.family, admission.retryAfterSeconds), true);
        return;
      }
    }
    const fault = counted ? faults.next(url.pathname + url.search) : undefined;
    if (fault) stats.fault(fault);
    if (fault === 'drop') {
      res.destroy();
      return;
    }
    if (fault === 'rate-limit') return send(res, rateLimitedResponse(match.family, 1), true);
    if (fault === 'non-json') return send(res, nonJsonResponse(), true);
    if (fault === 'server-error') return send(res, errorFor(match.family, faults.pick([500, 502, 503])), true);
    const response = await match.handle(request);
    if (fault === 'truncate') {
      stats.status(response.status);
      writeTruncated(res, response);
      return;
    }
    if (fault === 'trickle' || fault === 'gzip-bomb') {
      stats.status(response.status);
      if (fault === 'trickle') await writeTrickled(res, response, faults.trickleIntervalMs);
      else await writeGzipBomb(res, response, faults.gzipBombBytes);
      return;
    }
    await send(res, response, counted);
  };

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      console.error('[emulator] request failed:', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: 'Internal server error (emulator bug)', statusCode: 500 }));
      } else {
        res.destroy();
      }
    });
  };
}
