// A small raw node:http Paragon that misbehaves on purpose: it echoes the Authorization
// header in its error bodies, quotes hostile text (escape sequences, C1 controls, bidi
// overrides) in error messages and ids, and answers a replay with a 502, a dropped
// connection, a 201 cut short or a captive portal's HTML page — acting on it or not.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const PROJECT = 'proj-hostile';
export const RUN_ID = 'b7f6c1d2-0000-4000-8000-000000000001';

export type ReplayBehaviour = 'created' | '502' | 'drop' | 'cut-201' | 'html-200' | 'created-empty-html' | 'created-corrupt-gzip';

export interface HostileParagonOptions {
  /** The key it accepts; any other gets a 401 that echoes the Authorization header. */
  key: string;
  workflowId?: string;
  userId?: string;
  replay?: ReplayBehaviour;
  /** Whether the replay takes effect (a new execution appears) whatever the answer says. */
  replayActs?: boolean;
  /** GET of the run answers this status with `errorMessage` (an echo of the header when `echoAuth`). */
  getStatus?: number;
  errorMessage?: string;
  echoAuth?: boolean;
}

export interface HostileParagon {
  readonly origin: string;
  readonly requests: { method: string; path: string }[];
  /** POSTs to …/replay received (whatever was answered). */
  replays(): number;
  /** Executions the replays started. */
  readonly started: string[];
  close(): Promise<void>;
}

interface Execution {
  id: string;
  userId: string;
  taskCount: number;
  runDuration: number;
  workflowId: string;
  status: string;
  dateStarted: string;
  dateEnded?: string;
}

export async function startHostileParagon(options: HostileParagonOptions): Promise<HostileParagon> {
  const workflowId = options.workflowId ?? 'wf-0001';
  const original: Execution = {
    id: RUN_ID,
    userId: options.userId ?? 'user-1',
    taskCount: 0,
    runDuration: 1200,
    workflowId,
    status: 'FAILED',
    dateStarted: new Date(Date.now() - 3_600_000).toISOString(),
    dateEnded: new Date(Date.now() - 3_598_800).toISOString(),
  };
  const executions: Execution[] = [original];
  const requests: { method: string; path: string }[] = [];
  const started: string[] = [];
  const base = `/projects/${PROJECT}/task-history/workflow-executions`;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const replayActs = () => {
    const id = `b7f6c1d2-0000-4000-8000-${String(100 + started.length).padStart(12, '0')}`;
    started.push(id);
    executions.push({ id, userId: original.userId, taskCount: 0, runDuration: 10, workflowId, status: 'EXECUTING', dateStarted: new Date().toISOString() });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    const auth = req.headers.authorization ?? '';
    const echo = `Authorization header was "${auth}" (upper: ${auth.toUpperCase()}, base64: ${Buffer.from(auth).toString('base64')}, basic: ${Buffer.from(`admin:${auth.replace(/^Bearer /, '')}`).toString('base64')})`;
    if (auth !== `Bearer ${options.key}`) {
      // Padding first, so a message cut at 300 characters ends inside the key.
      return json(res, 401, { message: `${'x'.repeat(256)} invalid token ${auth} ${echo}`, statusCode: 401 });
    }
    const replayMatch = url.pathname === `${base}/${RUN_ID}/replay` && req.method === 'POST';
    if (replayMatch) {
      // Read the whole request first: the server "received" it before misbehaving.
      req.resume();
      req.on('end', () => {
        if (options.replayActs ?? options.replay === 'created') replayActs();
        switch (options.replay ?? 'created') {
          case 'created':
            res.writeHead(201);
            res.end();
            return;
          case '502':
            return json(res, 502, { message: options.echoAuth ? echo : 'Bad Gateway', statusCode: 502 });
          case 'drop':
            req.socket.destroy();
            return;
          case 'cut-201':
            res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '64' });
            res.write('{"id":"');
            setTimeout(() => req.socket.destroy(), 20);
            return;
          case 'created-empty-html':
            // Some frameworks label every answer text/html, an empty 201 included.
            res.writeHead(201, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': '0' });
            res.end();
            return;
          case 'created-corrupt-gzip':
            res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
            res.end(Buffer.from('this is not gzip at all'));
            return;
          case 'html-200': {
            const page = '<!DOCTYPE html><html><head><title>Guest Wi-Fi</title></head><body>Accept the terms to continue.</body></html>';
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) });
            res.end(page);
            return;
          }
        }
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === `${base}/${RUN_ID}`) {
      if (options.getStatus && options.getStatus >= 400) {
        return json(res, options.getStatus, { message: options.echoAuth ? `${'y'.repeat(250)} ${echo}` : (options.errorMessage ?? 'error'), statusCode: options.getStatus });
      }
      return json(res, 200, { ...original, stepExecutions: [] });
    }
    if (req.method === 'GET' && url.pathname === base) {
      const wanted = url.searchParams.get('workflowId');
      const rows = executions.filter((e) => !wanted || e.workflowId === wanted).sort((a, b) => b.dateStarted.localeCompare(a.dateStarted));
      return json(res, 200, { workflowExecutions: rows, nextLink: null, total: rows.length });
    }
    return json(res, 404, { message: `no route ${req.method} ${url.pathname}`, statusCode: 404 });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    replays: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/replay')).length,
    started,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
