// A raw node:http Dispersl look-alike for server-export tests: its listing claims whatever
// `total` a test sets, and its export endpoint sends whatever body the test builds (cut
// short, padded with garbage, wrapped in an envelope, NDJSON, repeated rows, formula cells),
// always as a complete HTTP answer, so only the body's own format can tell what is wrong.
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { csvRow } from '../../../emulator/dispersl/csv';

export interface HostileTask {
  task_id: string;
  task_name: string;
  status: string;
  created_at: string;
  completed_at: string | null;
  duration: string | null;
  total_steps: number;
  success_rate: number;
  total_tokens: number;
}

export const CSV_HEADER = ['task_id', 'task_name', 'status', 'created_at', 'completed_at', 'duration', 'total_steps', 'success_rate', 'total_tokens'] as const;

/** Task `i` (ids `t-000001`…), named `name` when given. */
export function hostileTask(i: number, name?: string): HostileTask {
  const created = new Date(Date.UTC(2025, 0, 1) + i * 60_000);
  return {
    task_id: `t-${String(i).padStart(6, '0')}`,
    task_name: name ?? `Task ${i}`,
    status: i % 7 === 0 ? 'failed' : 'completed',
    created_at: created.toISOString(),
    completed_at: new Date(created.getTime() + 45 * 60_000).toISOString(),
    duration: '45m',
    total_steps: 3,
    success_rate: 1,
    total_tokens: 1000 + i,
  };
}

export function tasks(count: number, from = 0): HostileTask[] {
  return Array.from({ length: count }, (_, i) => hostileTask(from + i));
}

export function csvOf(list: readonly HostileTask[]): string {
  return csvRow([...CSV_HEADER]) + list.map((t) => csvRow(CSV_HEADER.map((c) => t[c]))).join('');
}

export function jsonArrayOf(list: readonly HostileTask[]): string {
  return JSON.stringify(list);
}

export function envelopeOf(list: readonly HostileTask[]): string {
  return JSON.stringify({ status: 'success', message: 'Task history exported', data: list });
}

export function ndjsonOf(list: readonly HostileTask[]): string {
  return list.map((t) => `${JSON.stringify(t)}\n`).join('');
}

export type ExportHandler = (format: string, res: ServerResponse) => void | Promise<void>;

export interface HostileExportServerOptions {
  /** What the listing's pagination says. */
  total: number;
  /** The first page's tasks (default: the first min(total, 100) of `tasks`). */
  firstPage?: HostileTask[];
  /** Sends the export; the response's headers are not written yet. */
  exportHandler: ExportHandler;
}

export interface HostileExportServer {
  /** `http://127.0.0.1:PORT/v1` */
  readonly baseUrl: string;
  readonly exportRequests: number;
  close(): Promise<void>;
}

/** Writes pieces with back-pressure, like a real server streaming a file. */
export async function writePieces(res: ServerResponse, pieces: Iterable<string | Buffer>): Promise<void> {
  for (const piece of pieces) {
    if (res.destroyed) return;
    if (!res.write(piece))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
  }
}

/** A whole body, sent as a complete chunked answer in pieces of `size` bytes. */
export function sendBody(body: string | Buffer, contentType: string, size = 4096): ExportHandler {
  return async (_format, res) => {
    res.writeHead(200, { 'Content-Type': contentType });
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
    await writePieces(res, pieces);
    res.end();
  };
}

export async function startHostileExportServer(options: HostileExportServerOptions): Promise<HostileExportServer> {
  let exportRequests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/v1/history/export') {
      exportRequests++;
      Promise.resolve(options.exportHandler(url.searchParams.get('format') ?? '', res)).catch(() => res.destroy());
      return;
    }
    if (url.pathname === '/v1/history') {
      const offset = Number(url.searchParams.get('offset') ?? '0');
      const data = offset === 0 ? (options.firstPage ?? tasks(Math.min(options.total, 100))) : [];
      const body = JSON.stringify({
        status: 'success',
        message: 'Task history retrieved successfully',
        data,
        pagination: { total: options.total, limit: 100, offset, has_more: offset + data.length < options.total },
      });
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', message: 'not found', data: null }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get exportRequests() {
      return exportRequests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
