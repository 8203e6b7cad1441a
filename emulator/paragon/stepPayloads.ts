// A step's input and output, derived on demand from (seed, run, step position). The same
// derivation serves the execution's inputSize/outputSize and the step-detail endpoint, so
// the sizes always match the payloads (size = UTF-8 bytes of the JSON text, "0" if missing).
import { HOSTILE_ERROR } from '../hostile';
import { hash4, Rng, saltOf, unit } from '../random';
import { largePayload } from './largePayload';
import { API_URLS, record, records, type RecordContext } from './records';

export interface StepPayloadContext {
  readonly seed: number;
  readonly runIndex: number;
  readonly position: number;
  readonly type: string;
  readonly status: string;
  readonly integration: string;
  readonly startMs: number;
  readonly hostileRecords: boolean;
  readonly hostileError: boolean;
  readonly forceLargeOutput: boolean;
}

export interface StepPayload {
  readonly isLargeInput: boolean;
  readonly isLargeOutput: boolean;
  readonly input?: unknown;
  readonly output?: unknown;
}

const ERRORS = [
  'Error: no auth mechanism defined',
  'Error: no auth mechanism defined',
  'Error: no auth mechanism defined',
  'Error: Request failed with status code 401',
  'Error: Request failed with status code 403',
  'Error: Request failed with status code 404',
  'Error: Request failed with status code 429',
  'Error: Request failed with status code 500',
  'Error: timeout of 30000ms exceeded',
  'Error: socket hang up',
  "TypeError: Cannot read properties of undefined (reading 'email')",
  "Error: INVALID_FIELD: No such column 'Region__c' on entity 'Contact'",
];

const LARGE_SHARE = 0.005;
const INPUT_SALT = saltOf('step-input');
const OUTPUT_SALT = saltOf('step-output');
const LARGE_IN_SALT = saltOf('large-in');
const LARGE_OUT_SALT = saltOf('large-out');

/** The target byte size of a large payload (1–3 MB), or 0 when the payload is not large. */
function largeSize(ctx: StepPayloadContext, salt: number, forced: boolean): number {
  const h = hash4(ctx.seed, ctx.runIndex, ctx.position, salt);
  if (!forced && unit(h) >= LARGE_SHARE) return 0;
  return 1_000_000 + (hash4(h, 1, 2, 3) % 2_000_000);
}

function hasInput(ctx: StepPayloadContext): boolean {
  return ctx.type !== 'TRIGGER/CRON';
}

function hasOutput(ctx: StepPayloadContext): boolean {
  if (ctx.status === 'EXECUTING' || ctx.status === 'DELAYED') return false;
  if (ctx.status !== 'SUCCEEDED' || ctx.forceLargeOutput) return true;
  if (ctx.type === 'ACTION/RESPONSE') return false;
  if (ctx.type === 'ACTION/CONDITIONAL') return unit(hash4(ctx.seed, ctx.runIndex, ctx.position, 7)) < 0.5;
  return true;
}

function largeInputSize(ctx: StepPayloadContext): number {
  return hasInput(ctx) ? largeSize(ctx, LARGE_IN_SALT, false) : 0;
}

function largeOutputSize(ctx: StepPayloadContext): number {
  return hasOutput(ctx) && ctx.status === 'SUCCEEDED' ? largeSize(ctx, LARGE_OUT_SALT, ctx.forceLargeOutput) : 0;
}

function recordContext(ctx: StepPayloadContext, salt: number): RecordContext {
  return { rng: new Rng(hash4(ctx.seed, ctx.runIndex, ctx.position, salt)), integration: ctx.integration, hostile: ctx.hostileRecords, atMs: ctx.startMs };
}

function makeInput(ctx: StepPayloadContext): unknown {
  if (!hasInput(ctx)) return undefined;
  const size = largeInputSize(ctx);
  const rc = recordContext(ctx, INPUT_SALT);
  if (size > 0) return largePayload(rc, size, 'body');
  const { rng } = rc;
  const url = API_URLS[ctx.integration] ?? 'https://api.example.com/v1/items';
  switch (ctx.type) {
    case 'TRIGGER/WEBHOOK':
      return { headers: { 'content-type': 'application/json', 'user-agent': 'Hookshot/1.0', 'x-request-id': rng.hex(16) }, body: record(rc) };
    case 'TRIGGER/APP_EVENT':
      return { event: `${ctx.integration}.${rng.pick(['record.created', 'record.updated', 'record.deleted'])}`, integration: ctx.integration };
    case 'TRIGGER/ENDPOINT':
      return { method: 'POST', path: '/sync', query: { dryRun: 'false' }, body: record(rc) };
    case 'ACTION/REQUEST':
    case 'ACTION/INTEGRATION_REQUEST': {
      const method = rng.pick(['GET', 'POST', 'PATCH']);
      const base = { method, url, headers: { Authorization: 'Bearer [REDACTED]', 'Content-Type': 'application/json' }, params: { limit: 100 } };
      return method === 'GET' ? base : { ...base, body: record(rc) };
    }
    case 'ACTION/FUNCTION':
      return { parameters: { records: records(rc, rng.between(0, 3)), mapping: { email: 'Email', name: 'FirstName' } } };
    case 'ACTION/CONDITIONAL':
      return { conditions: [{ operator: rng.pick(['$stringContains', '$exists', '$numberGreaterThan']), variable: '{{1.output.body.email}}', argument: '@' }] };
    case 'ACTION/FANOUT':
      return { items: records(rc, rng.between(1, 4)) };
    case 'ACTION/DELAY':
      return { duration: rng.pick([5, 15, 60]), unit: rng.pick(['seconds', 'minutes']) };
    case 'ACTION/RESPONSE':
      return { statusCode: 200, body: { ok: true } };
    default:
      return {};
  }
}

function makeOutput(ctx: StepPayloadContext): unknown {
  if (!hasOutput(ctx)) return undefined;
  const rc = recordContext(ctx, OUTPUT_SALT);
  const { rng } = rc;
  if (ctx.status === 'FAILED') return ctx.hostileError ? HOSTILE_ERROR : rng.pick(ERRORS);
  if (ctx.status !== 'SUCCEEDED') return `Error: step ended with status ${ctx.status} after ${rng.pick([30_000, 60_000, 300_000])}ms`;
  const size = largeOutputSize(ctx);
  if (size > 0) return largePayload(rc, size, 'records');
  switch (ctx.type) {
    case 'TRIGGER/CRON':
      return { triggeredAt: new Date(ctx.startMs).toISOString(), schedule: rng.pick(['*/15 * * * *', '0 * * * *', '0 9 * * 1-5']) };
    case 'ACTION/REQUEST':
      return { statusCode: rng.pick([200, 200, 201, 204]), headers: { 'content-type': 'application/json' }, body: record(rc) };
    case 'ACTION/INTEGRATION_REQUEST':
      return rng.chance(0.5) ? records(rc, rng.between(0, 5)) : record(rc);
    case 'ACTION/FUNCTION':
      return rng.pick([() => `Processed ${rng.between(0, 40)} records`, () => records(rc, rng.between(0, 3)), () => ({ result: true, count: rng.int(100) })])();
    case 'ACTION/CONDITIONAL':
      return { result: rng.chance(0.6) };
    case 'ACTION/FANOUT':
      return records(rc, rng.between(0, 4));
    case 'ACTION/DELAY':
      return { resumedAt: new Date(ctx.startMs + 5_000).toISOString() };
    default:
      return record(rc);
  }
}

export function stepPayload(ctx: StepPayloadContext): StepPayload {
  const payload: { isLargeInput: boolean; isLargeOutput: boolean; input?: unknown; output?: unknown } = {
    isLargeInput: largeInputSize(ctx) > 0,
    isLargeOutput: largeOutputSize(ctx) > 0,
  };
  // A missing payload is left out of the JSON entirely, as the docs allow.
  const input = makeInput(ctx);
  const output = makeOutput(ctx);
  if (input !== undefined) payload.input = input;
  if (output !== undefined) payload.output = output;
  return payload;
}

export function jsonSize(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/** inputSize/outputSize without building large payloads (their size is fixed by design). */
export function stepPayloadSizes(ctx: StepPayloadContext): { inputSize: number; outputSize: number } {
  const largeIn = largeInputSize(ctx);
  const largeOut = largeOutputSize(ctx);
  return {
    inputSize: largeIn > 0 ? largeIn : jsonSize(makeInput(ctx)),
    outputSize: largeOut > 0 ? largeOut : jsonSize(makeOutput(ctx)),
  };
}
