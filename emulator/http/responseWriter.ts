// Puts an ApiResponse on the wire: whole bodies with Content-Length, streamed bodies with
// chunked transfer and back-pressure, and the deliberately cut-short variant for faults.
import type { ServerResponse } from 'node:http';
import type { ApiResponse } from './apiTypes';

/** Resolves when `res` can take more, or has closed. */
export function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function writeResponse(res: ServerResponse, response: ApiResponse): Promise<void> {
  if (response.chunks) {
    res.writeHead(response.status, { ...response.headers });
    // Pieces are produced only as fast as the client reads them, and not at all once it left.
    for (const chunk of response.chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    if (!res.destroyed) res.end();
    return;
  }
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Headers announcing the full length, half the body, then a dead connection. */
export function writeTruncated(res: ServerResponse, response: ApiResponse): void {
  const full = Buffer.from(response.chunks ? [...response.chunks].join('') : (response.body ?? ''));
  // A bodyless answer still announces bytes that never come, so the cut is visible.
  const announced = Math.max(full.length, 2);
  const headers: Record<string, string> = { ...response.headers, 'Content-Length': String(announced) };
  delete headers['Transfer-Encoding'];
  res.writeHead(response.status, headers);
  res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.destroy());
}
