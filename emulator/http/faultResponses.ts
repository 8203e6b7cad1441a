// The bodies of injected faults, shaped like what a client meets in the wild: the API's own
// error JSON for 5xx and 429, an HTML page from a captive portal or proxy for non-JSON, and
// the two that bend a real answer on the wire: a trickled body and a gzip bomb.
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { envelopeError } from '../dispersl/disperslRoutes';
import { nestError } from '../paragon/paragonRoutes';
import type { ApiFamily, ApiResponse } from './apiTypes';
import { drainedOrClosed } from './responseWriter';

const REASONS: Readonly<Record<number, string>> = {
  429: 'Too Many Requests',
  500: 'Internal server error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function errorFor(family: ApiFamily, status: number, headers: Readonly<Record<string, string>> = {}): ApiResponse {
  const message = REASONS[status] ?? 'Error';
  const response = family === 'dispersl' ? envelopeError(status, message) : nestError(status, message);
  return { ...response, headers: { ...response.headers, ...headers } };
}

export function rateLimitedResponse(family: ApiFamily, retryAfterSeconds: number): ApiResponse {
  return errorFor(family, 429, { 'Retry-After': String(retryAfterSeconds) });
}

const PORTAL_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to Guest Wi-Fi</title></head>
<body><h1>Welcome to Guest Wi-Fi</h1>
<p>Please accept the terms of use to continue browsing.</p>
<form method="post" action="/login"><button type="submit">Accept and connect</button></form>
</body></html>
`;

export function nonJsonResponse(): ApiResponse {
  return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: PORTAL_PAGE };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * 'trickle': the answer's status and headers (a whole body announces its Content-Length),
 * then its body one byte every `intervalMs`, until it is done or the client has left.
 */
export async function writeTrickled(res: ServerResponse, response: ApiResponse, intervalMs: number): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  if (!response.chunks) headers['Content-Length'] = String(Buffer.byteLength(response.body ?? ''));
  res.writeHead(response.status, headers);
  for (const piece of response.chunks ?? [response.body ?? '']) {
    const bytes = Buffer.from(piece);
    for (let i = 0; i < bytes.length; i++) {
      await sleep(intervalMs);
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + 1));
    }
  }
  if (!res.destroyed) res.end();
}

const MiB = 1024 * 1024;
let bombMember: Buffer | undefined;

/** One gzip member that inflates to 1 MiB of spaces (about 1 KB), made once. */
function whitespaceMember(): Buffer {
  bombMember ??= zlib.gzipSync(Buffer.alloc(MiB, 0x20), { level: 9 });
  return bombMember;
}

/**
 * 'gzip-bomb': the answer's status and Content-Type with Content-Encoding: gzip, its body
 * `bytes` of JSON whitespace and then the real answer (valid JSON for a client that inflates
 * it all), as concatenated gzip members: 1 GiB costs about 1 MB on the wire and almost no
 * CPU here. Written with back-pressure, so a client that hangs up stops it.
 */
export async function writeGzipBomb(res: ServerResponse, response: ApiResponse, bytes: number): Promise<void> {
  const headers: Record<string, string> = { ...response.headers, 'Content-Encoding': 'gzip' };
  delete headers['Content-Length'];
  res.writeHead(response.status, headers);
  const send = async (chunk: Buffer) => {
    if (!res.destroyed && !res.write(chunk)) await drainedOrClosed(res);
  };
  const whole = Math.floor(bytes / MiB);
  for (let i = 0; i < whole && !res.destroyed; i++) await send(whitespaceMember());
  if (bytes % MiB > 0) await send(zlib.gzipSync(Buffer.alloc(bytes % MiB, 0x20)));
  const body = response.chunks ? [...response.chunks].join('') : (response.body ?? '');
  if (!res.destroyed) res.end(zlib.gzipSync(body));
}
