// /__emulator: control for out-of-process users (e2e tests), no auth. Loopback only, like
// the rest of the emulator.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAULT_KINDS, type EmulatorStats, type FaultKind } from '../emulatorTypes';

export interface ControlTarget {
  stats(): EmulatorStats;
  resetStats(): void;
  inject(kind: FaultKind, count: number, match?: RegExp): void;
  clearFaults(): void;
  startRuns(count: number, outcome?: 'SUCCEEDED' | 'FAILED'): string[];
}

const MAX_BODY = 64 * 1024;

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new Error('body too large');
  }
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

function count(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000) throw new Error('count must be an integer from 0 to 100000');
  return value;
}

export function createControlHandler(target: ControlTarget): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/$/, '')}`;
    try {
      switch (route) {
        case 'GET /__emulator/stats':
          return reply(res, 200, target.stats());
        case 'POST /__emulator/faults': {
          const body = await readJson(req);
          if (!isFaultKind(body['kind'])) throw new Error(`kind must be one of ${FAULT_KINDS.join(', ')}`);
          const match = body['match'];
          if (match !== undefined && typeof match !== 'string') throw new Error('match must be a regular expression source string');
          target.inject(body['kind'], count(body['count']), match === undefined ? undefined : new RegExp(match));
          return reply(res, 200, { ok: true });
        }
        case 'POST /__emulator/clear-faults':
          target.clearFaults();
          return reply(res, 200, { ok: true });
        case 'POST /__emulator/start-runs': {
          const body = await readJson(req);
          return reply(res, 200, { ids: target.startRuns(count(body['count']), body['outcome'] === 'FAILED' ? 'FAILED' : 'SUCCEEDED') });
        }
        case 'POST /__emulator/reset-stats':
          target.resetStats();
          return reply(res, 200, { ok: true });
        default:
          return reply(res, 404, { message: `No control route ${route}` });
      }
    } catch (error) {
      return reply(res, 400, { message: error instanceof Error ? error.message : String(error) });
    }
  };
}
