// A raw node:http server that misbehaves on purpose, for the "every request ends" specs:
// a body trickled one byte at a time, a body that stops after the headers, a gzip bomb, a
// huge plain body. It counts what it actually put on the wire, so a spec can check that a
// client stopped reading (bytes sent) instead of timing anything.
import http from 'node:http';
import type net from 'node:net';
import zlib from 'node:zlib';

export type Behaviour =
  /** 200 JSON with Content-Length, its body one byte every `intervalMs`. */
  | { readonly kind: 'trickle'; readonly intervalMs: number; readonly body?: string }
  /** 200 with headers and `prefix`, then silence (the connection stays open). */
  | { readonly kind: 'stall'; readonly prefix?: string }
  /** 200 JSON, Content-Encoding: gzip, `bytes` of JSON whitespace then `tail`, as 1 MiB gzip members. */
  | { readonly kind: 'gzip-bomb'; readonly bytes: number; readonly tail?: string }
  /** 200 JSON without Content-Length, `bytes` of whitespace then `tail`, written with back-pressure. */
  | { readonly kind: 'big'; readonly bytes: number; readonly tail?: string }
  /** A whole answer as given (a 429 with a hostile Retry-After…). */
  | { readonly kind: 'answer'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string };

export interface HostileStats {
  /** Requests received. */
  requests: number;
  /** Body bytes the kernel accepted from us (compressed bytes for a gzip bomb). */
  bytesSent: number;
  /** Decompressed bytes those sent bytes stand for (a gzip bomb: 1 MiB per member). */
  bytesRepresented: number;
  /** Responses whose connection closed before their body was complete. */
  cutOff: number;
}

export interface HostileServer {
  readonly url: string;
  readonly stats: HostileStats;
  behave(behaviour: Behaviour): void;
  /** Resolves once every response begun so far has closed (finished, or the client hung up). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
const WHITESPACE_MIB = Buffer.alloc(MiB, 0x20);
/** One gzip member that inflates to 1 MiB of spaces (about 1 KB on the wire). */
const BOMB_MEMBER = zlib.gzipSync(WHITESPACE_MIB, { level: 9 });
const DEFAULT_BODY = JSON.stringify({ data: [], total: 0, has_more: false, executions: [] });

export async function startHostileServer(initial: Behaviour): Promise<HostileServer> {
  let behaviour = initial;
  const stats: HostileStats = { requests: 0, bytesSent: 0, bytesRepresented: 0, cutOff: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const open = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    stats.requests++;
    req.resume();
    let finished = false;
    open.add(res);
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      open.delete(res);
      if (!finished) stats.cutOff++;
    });
    void serve(behaviour, res, stats, timers);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    behave: (next) => {
      behaviour = next;
      Object.assign(stats, { requests: 0, bytesSent: 0, bytesRepresented: 0, cutOff: 0 });
    },
    allClosed: async () => {
      await Promise.all([...open].map((res) => new Promise((resolve) => res.once('close', resolve))));
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(behaviour: Behaviour, res: http.ServerResponse, stats: HostileStats, timers: Set<NodeJS.Timeout>): Promise<void> {
  const json = { 'Content-Type': 'application/json; charset=utf-8' };
  switch (behaviour.kind) {
    case 'trickle': {
      const body = Buffer.from(behaviour.body ?? DEFAULT_BODY.padStart(10_000, ' '));
      res.writeHead(200, { ...json, 'Content-Length': String(body.length) });
      let next = 0;
      const timer = setInterval(() => {
        if (res.destroyed || next >= body.length) {
          clearInterval(timer);
          timers.delete(timer);
          if (!res.destroyed) res.end();
          return;
        }
        const byte = body.subarray(next, ++next);
        res.write(byte, () => {
          stats.bytesSent += 1;
          stats.bytesRepresented += 1;
        });
      }, behaviour.intervalMs);
      timers.add(timer);
      return;
    }
    case 'answer':
      res.writeHead(behaviour.status, { ...json, ...behaviour.headers });
      res.end(behaviour.body ?? '');
      return;
    case 'stall':
      res.writeHead(200, json);
      res.write(behaviour.prefix ?? '[');
      return;
    case 'gzip-bomb': {
      res.writeHead(200, { ...json, 'Content-Encoding': 'gzip' });
      const members = Math.ceil(behaviour.bytes / MiB);
      for (let i = 0; i < members && !res.destroyed; i++) {
        await write(res, BOMB_MEMBER, () => {
          stats.bytesSent += BOMB_MEMBER.length;
          stats.bytesRepresented += MiB;
        });
      }
      if (!res.destroyed) res.end(zlib.gzipSync(behaviour.tail ?? DEFAULT_BODY));
      return;
    }
    case 'big': {
      res.writeHead(200, json);
      const chunks = Math.ceil(behaviour.bytes / MiB);
      for (let i = 0; i < chunks && !res.destroyed; i++) {
        await write(res, WHITESPACE_MIB, () => {
          stats.bytesSent += MiB;
          stats.bytesRepresented += MiB;
        });
      }
      if (!res.destroyed) res.end(behaviour.tail ?? DEFAULT_BODY);
      return;
    }
  }
}

/** Writes with back-pressure; `sent` runs once the chunk is flushed to the kernel. */
function write(res: http.ServerResponse, chunk: Buffer, sent: () => void): Promise<void> {
  return new Promise((resolve) => {
    const ok = res.write(chunk, (error) => {
      if (!error) sent();
    });
    if (ok) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
