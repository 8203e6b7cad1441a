// A real HTTP server on loopback in front of the emulator: it forwards each request, reads
// the emulator's honest answer, and (when the current case's plan says so) answers with a
// mutated version instead — wrong bodies, cut connections, lying encodings, trickles.
// Which request is mutated, and how, follows from the case's seed and the request itself
// (route, path and query, attempt number), not from arrival order, so a case replays the
// same way under concurrency.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashString, Rng } from './prng';

export type Route = 'paragon.list' | 'paragon.get' | 'paragon.step' | 'dispersl.list' | 'dispersl.get' | 'dispersl.export' | 'other';

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type Headers = Record<string, string>;

/** How to answer one request. */
export type Reply =
  | { kind: 'pass' }
  /** A complete answer with an exact Content-Length. */
  | { kind: 'send'; status: number; headers?: Headers; body: Buffer | string }
  /** Chunked, ended cleanly (so a cut body looks complete at the HTTP level). */
  | { kind: 'chunked'; status: number; headers?: Headers; body: Buffer | string }
  /** `sendBytes` of the body, then the connection is destroyed. */
  | { kind: 'cut'; status: number; headers?: Headers; body: Buffer | string; sendBytes: number; declareLength: boolean }
  /** The connection is destroyed before any byte of an answer. */
  | { kind: 'destroy' }
  /** The body a few bytes at a time. */
  | { kind: 'trickle'; status: number; headers?: Headers; body: Buffer | string; bytesPerTick: number; tickMs: number; declareLength: boolean }
  /** Never finishes: headers (or not even those), then silence until the client leaves. */
  | { kind: 'stall'; headersFirst: boolean; status: number; headers?: Headers };

export interface IdPool {
  readonly paragon: readonly string[];
  readonly dispersl: readonly string[];
}

export interface MutationRequest {
  readonly route: Route;
  readonly url: URL;
  readonly attempt: number;
  readonly rng: Rng;
  readonly upstream: UpstreamResponse;
  /** The upstream body parsed, when it is JSON. */
  readonly json: unknown;
  readonly idPool: IdPool;
  /** The Authorization header the client sent (a server that echoes it is a family of its own). */
  readonly authorization: string | undefined;
  /** An honest answer from the emulator for another path (same key). */
  fetch(pathAndQuery: string): Promise<UpstreamResponse>;
  /** The mutation changed this run's own data in a way no client can tell from the truth. */
  markAltered(id: string): void;
  /** Per case: expensive mutations (gzip bombs) left. */
  readonly budget: { bombs: number };
}

export interface Mutated {
  readonly reply: Reply;
  /** What was done, for the failure report: "total→1e12", "cut at 37/812 B". */
  readonly note: string;
}

export interface CasePlan {
  readonly seed: number;
  /** Routes this case may mutate; others pass through. */
  readonly routes: readonly Route[];
  /** Probability that a matching request is mutated (decided per request identity). */
  readonly p: number;
  /** Mutate only first attempts (retries get honest answers) or every attempt. */
  readonly attempts: 'first' | 'all';
  /** At most this many mutated responses in the case. */
  readonly maxMutations: number;
  mutate(request: MutationRequest): Promise<Mutated | undefined> | Mutated | undefined;
}

export interface CaseRecord {
  readonly requests: Partial<Record<Route, number>>;
  mutated: number;
  readonly notes: string[];
  readonly altered: Set<string>;
}

const PARAGON = /^\/projects\/[^/]+\/task-history\/workflow-executions(?:\/([^/]+)(?:\/step-executions\/([^/]+))?)?\/?$/;
const DISPERSL = /^\/v1\/history(?:\/([^/]+))?\/?$/;

export function routeOf(url: URL, method: string): Route {
  if (method !== 'GET') return 'other';
  const p = PARAGON.exec(url.pathname);
  if (p) return p[1] === undefined ? 'paragon.list' : p[2] === undefined ? 'paragon.get' : 'paragon.step';
  const d = DISPERSL.exec(url.pathname);
  if (d) return d[1] === undefined ? 'dispersl.list' : d[1] === 'export' ? 'dispersl.export' : 'dispersl.get';
  return 'other';
}

/** The request's identity: path and query without the pinned end (it moves with the clock). */
function identity(url: URL): string {
  const params = [...url.searchParams].filter(([name]) => name !== 'beforeDate' && name !== 'to_date').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${url.pathname}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

export class MutatingServer {
  origin = '';
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private plan: CasePlan | undefined;
  private record: CaseRecord | undefined;
  private attempts = new Map<string, number>();
  private budget = { bombs: 0 };
  private candidates = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly upstreamOrigin: string,
    private readonly idPool: IdPool,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A harness failure, not a client one: make it loud in the case's outcome.
        if (!res.headersSent) {
          res.writeHead(599, { 'Content-Type': 'text/plain' });
          res.end(`fuzz proxy failed: ${String(error)}`);
        } else res.destroy();
        this.record?.notes.push(`PROXY ERROR ${String(error)}`);
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    this.end();
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Starts a case: from now on requests follow `plan`. */
  begin(plan: CasePlan): CaseRecord {
    this.end();
    this.plan = plan;
    this.attempts = new Map();
    this.budget = { bombs: 1 };
    this.candidates = 0;
    this.record = { requests: {}, mutated: 0, notes: [], altered: new Set() };
    return this.record;
  }

  /** Ends the case: no more mutations, every connection (trickles, stalls) closed. */
  end(): void {
    this.plan = undefined;
    this.record = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.server.closeAllConnections();
  }

  /** The emulator's honest answer; once more on a fresh connection if a kept-alive one was reset under us. */
  async fetchUpstream(method: string, pathAndQuery: string, authorization: string | undefined): Promise<UpstreamResponse> {
    try {
      return await this.fetchOnce(method, pathAndQuery, authorization);
    } catch {
      return this.fetchOnce(method, pathAndQuery, authorization);
    }
  }

  private fetchOnce(method: string, pathAndQuery: string, authorization: string | undefined): Promise<UpstreamResponse> {
    const target = new URL(pathAndQuery, this.upstreamOrigin);
    return new Promise((resolve, reject) => {
      const request = http.request(target, { method, agent: this.agent, headers: authorization ? { authorization } : {} }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'retry-after', 'content-disposition']) {
            const value = response.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({ status: response.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    req.resume();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const route = routeOf(url, method);
    const plan = this.plan;
    const record = this.record;
    const authorization = req.headers.authorization;
    if (record) record.requests[route] = (record.requests[route] ?? 0) + 1;
    const upstream = await this.fetchUpstream(method, url.pathname + url.search, authorization);
    if (res.destroyed || this.plan !== plan) return void res.destroy();

    const key = `${route} ${identity(url)}`;
    const attempt = this.attempts.get(key) ?? 0;
    this.attempts.set(key, attempt + 1);
    let mutated: Mutated | undefined;
    if (plan && record && plan.routes.includes(route) && (plan.attempts === 'all' || attempt === 0) && record.mutated < plan.maxMutations) {
      const rng = new Rng(hashString(`${key}#${attempt}`, plan.seed));
      // The case's first candidate is always mutated (the first page of a listing comes
      // alone, so this stays deterministic); later ones with probability p.
      const first = this.candidates++ === 0;
      if (rng.chance(plan.p) || first) {
        let json: unknown;
        try {
          json = JSON.parse(upstream.body.toString('utf8'));
        } catch {
          json = undefined;
        }
        mutated = await plan.mutate({
          route,
          url,
          attempt,
          rng,
          upstream,
          json,
          idPool: this.idPool,
          authorization,
          fetch: (pathAndQuery) => this.fetchUpstream('GET', pathAndQuery, authorization),
          markAltered: (id) => record.altered.add(id),
          budget: this.budget,
        });
        if (mutated && mutated.reply.kind !== 'pass') {
          record.mutated++;
          if (record.notes.length < 12)
            record.notes.push(`${route}${attempt > 0 ? `#${attempt}` : ''} ${url.search.length > 60 ? url.search.slice(0, 60) + '…' : url.search}: ${mutated.note}`);
        }
      }
    }
    if (res.destroyed || this.plan !== plan) return void res.destroy();
    this.write(res, mutated?.reply ?? { kind: 'pass' }, upstream);
  }

  private write(res: http.ServerResponse, reply: Reply, upstream: UpstreamResponse): void {
    switch (reply.kind) {
      case 'pass':
        res.writeHead(upstream.status, { ...upstream.headers, 'Content-Length': String(upstream.body.length) });
        res.end(upstream.body);
        return;
      case 'send': {
        const body = Buffer.from(reply.body);
        res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) });
        res.end(body);
        return;
      }
      case 'chunked':
        res.writeHead(reply.status, { ...reply.headers });
        res.end(Buffer.from(reply.body));
        return;
      case 'cut': {
        const body = Buffer.from(reply.body);
        const headers: Headers = { ...reply.headers };
        if (reply.declareLength) headers['Content-Length'] = String(body.length);
        res.writeHead(reply.status, headers);
        const part = body.subarray(0, reply.sendBytes);
        if (part.length === 0) {
          res.flushHeaders();
          setImmediate(() => res.socket?.destroy());
        } else res.write(part, () => res.socket?.destroy());
        return;
      }
      case 'destroy':
        res.socket?.destroy();
        return;
      case 'trickle': {
        const body = Buffer.from(reply.body);
        const headers: Headers = { ...reply.headers };
        if (reply.declareLength) headers['Content-Length'] = String(body.length);
        res.writeHead(reply.status, headers);
        res.flushHeaders();
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed || res.writableEnded) {
            clearInterval(timer);
            this.timers.delete(timer);
            return;
          }
          const next = Math.min(body.length, at + reply.bytesPerTick);
          res.write(body.subarray(at, next));
          at = next;
          if (at >= body.length) {
            clearInterval(timer);
            this.timers.delete(timer);
            res.end();
          }
        }, reply.tickMs);
        this.timers.add(timer);
        res.on('close', () => {
          clearInterval(timer);
          this.timers.delete(timer);
        });
        return;
      }
      case 'stall':
        if (reply.headersFirst) {
          res.writeHead(reply.status, { ...reply.headers });
          res.flushHeaders();
        }
        // Silence: the socket is closed when the client gives up or the case ends.
        return;
    }
  }
}
