// The mutation families. Each turns the emulator's honest answer to one request into a
// hostile one, chosen by the request's own seeded generator. A family never makes a lie no
// client could see through: a mutation that changes a run's data in a well-formed way
// (an odd status, a number out of range) marks that run "altered", and the oracle then
// checks that run's presence, not its content; everything else must come out exactly as
// the unmutated server holds it, or fail with a typed error.
import { gzipSync, deflateSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import type { Rng } from './prng';
import type { Headers, MutationRequest, Mutated, Route } from './mutatingServer';

export type FamilyName =
  | 'truncation'
  | 'wrong-types'
  | 'nulls'
  | 'huge-numbers'
  | 'lying-totals'
  | 'looping-next'
  | 'repeated-ids'
  | 'unknown-statuses'
  | 'gzip-lies'
  | 'trickle'
  | 'html'
  | 'storms'
  | 'key-echo';

export interface Family {
  readonly name: FamilyName;
  readonly routes: readonly Route[];
  /** Cases of this family make the client's deadline small (they wait on the client's clock). */
  readonly slow?: boolean;
  mutate(request: MutationRequest): Promise<Mutated | undefined> | Mutated | undefined;
}

const JSON_ROUTES: readonly Route[] = ['paragon.list', 'paragon.get', 'paragon.step', 'dispersl.list', 'dispersl.get'];
const LIST_ROUTES: readonly Route[] = ['paragon.list', 'dispersl.list'];
const ALL_ROUTES: readonly Route[] = [...JSON_ROUTES, 'dispersl.export'];
const JSON_TYPE = 'application/json; charset=utf-8';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function json(request: MutationRequest, value: unknown, note: string, extraText?: (text: string) => string): Mutated {
  let text = JSON.stringify(value);
  if (extraText) text = extraText(text);
  return { reply: { kind: 'send', status: request.upstream.status, headers: { 'Content-Type': JSON_TYPE }, body: text }, note };
}

function headersOf(request: MutationRequest): Headers {
  return { 'Content-Type': request.upstream.headers['content-type'] ?? JSON_TYPE };
}

/** The run records of an answer, and the id field they use. */
function recordsOf(route: Route, body: unknown): { list: Json[]; idKey: string } | undefined {
  if (route === 'paragon.list' && isObject(body) && Array.isArray(body['workflowExecutions'])) return { list: body['workflowExecutions'], idKey: 'id' };
  if ((route === 'dispersl.list' || route === 'dispersl.get') && isObject(body) && Array.isArray(body['data'])) return { list: body['data'], idKey: 'task_id' };
  if (route === 'dispersl.export' && Array.isArray(body)) return { list: body, idKey: 'task_id' };
  return undefined;
}

/** The run a get / step request is about, from its path. */
function runIdOfPath(request: MutationRequest): string | undefined {
  const parts = request.url.pathname.split('/').filter(Boolean);
  if (request.route === 'paragon.get' || request.route === 'paragon.step') {
    const at = parts.indexOf('workflow-executions');
    return at >= 0 && parts[at + 1] ? decodeURIComponent(parts[at + 1]!) : undefined;
  }
  if (request.route === 'dispersl.get') return parts[2] ? decodeURIComponent(parts[2]) : undefined;
  return undefined;
}

interface Slot {
  readonly parent: JsonObject | Json[];
  readonly key: string | number;
  readonly path: string;
  /** The run whose data this slot is, if any. */
  readonly runId?: string;
  /** The slot is a run's (or step's) own id. */
  readonly isId: boolean;
}

/** Every value slot of a body, with the run each belongs to. */
function slotsOf(request: MutationRequest, body: Json): Slot[] {
  const slots: Slot[] = [];
  const records = recordsOf(request.route, body);
  const pathRun = runIdOfPath(request);
  const visit = (value: Json, path: string, runId: string | undefined, depth: number) => {
    if (slots.length > 4000 || depth > 6) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        let child = runId;
        if (records && value === records.list && isObject(item)) child = String(item[records.idKey] ?? '');
        slots.push({ parent: value, key: i, path: `${path}[${i}]`, runId: child, isId: false });
        visit(item, `${path}[${i}]`, child, depth + 1);
      });
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        const isId = key === 'id' || key === 'task_id' || key === 'step_id';
        slots.push({ parent: value, key, path: `${path}.${key}`, runId, isId });
        visit(value[key]!, `${path}.${key}`, runId, depth + 1);
      }
    }
  };
  visit(body, '$', pathRun, 0);
  return slots;
}

function getSlot(slot: Slot): Json {
  return (slot.parent as Record<string | number, Json>)[slot.key]!;
}

function setSlot(slot: Slot, value: Json | undefined): void {
  if (value === undefined) {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
  } else (slot.parent as Record<string | number, Json>)[slot.key] = value;
}

/** The envelope-level slots: totals, links, the list itself. Picked more often than a random leaf. */
const STRUCTURAL =
  /^\$\.(total|nextLink|workflowExecutions|data|pagination(\.\w+)?|status|stepExecutions|isLargeInput|isLargeOutput|input|output|id)$|^\$\.data\[0\]\.(steps|task_id)$/;

function pickSlot(slots: Slot[], rng: Rng): Slot | undefined {
  if (slots.length === 0) return undefined;
  const structural = slots.filter((s) => STRUCTURAL.test(s.path));
  return structural.length > 0 && rng.chance(0.4) ? rng.pick(structural) : rng.pick(slots);
}

/**
 * A streamed server export is passed through, not parsed field by field: a record whose own
 * id is changed in a well-formed file is a lie no client can see, so ids stay untouched there.
 */
function exportSafe(request: MutationRequest, slots: Slot[]): Slot[] {
  return request.route === 'dispersl.export' ? slots.filter((s) => !(s.isId && s.key === 'task_id' && /^\$\[\d+\]\.task_id$/.test(s.path))) : slots;
}

function markSlot(request: MutationRequest, slot: Slot): void {
  if (slot.runId) request.markAltered(slot.runId);
}

// ---------------------------------------------------------------- transport families

function cutAt(rng: Rng, length: number): number {
  return length <= 1 ? 0 : rng.int(length);
}

/** The server export cut at a record boundary, still well-formed (a shorter, valid file). */
function cleanRecordCut(request: MutationRequest, rng: Rng): Mutated | undefined {
  const text = request.upstream.body.toString('utf8');
  if (Array.isArray(request.json)) {
    const list = request.json as Json[];
    if (list.length === 0) return undefined;
    const keep = rng.int(list.length);
    return {
      reply: { kind: 'send', status: 200, headers: headersOf(request), body: JSON.stringify(list.slice(0, keep)) },
      note: `JSON export cut to ${keep}/${list.length} records, well-formed`,
    };
  }
  const lines = text.split('\r\n');
  if (lines.length < 3) return undefined;
  const keep = 1 + rng.int(lines.length - 2);
  return {
    reply: { kind: 'chunked', status: 200, headers: headersOf(request), body: `${lines.slice(0, keep).join('\r\n')}\r\n` },
    note: `CSV export cut to ${keep - 1} rows at a row end`,
  };
}

const truncation: Family = {
  name: 'truncation',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng, upstream } = request;
    const body = upstream.body;
    const at = cutAt(rng, body.length);
    const variant = rng.pick(['declared', 'chunked-drop', 'clean', 'clean', 'before-headers', 'headers-only', 'record-boundary'] as const);
    const headers = headersOf(request);
    const of = `${at}/${body.length} B`;
    switch (variant) {
      case 'declared':
        return {
          reply: { kind: 'cut', status: upstream.status, headers, body, sendBytes: at, declareLength: true },
          note: `Content-Length ${body.length}, connection cut at ${of}`,
        };
      case 'chunked-drop':
        return { reply: { kind: 'cut', status: upstream.status, headers, body, sendBytes: at, declareLength: false }, note: `chunked, connection cut at ${of}` };
      case 'clean':
        return {
          reply: { kind: rng.chance(0.5) ? 'send' : 'chunked', status: upstream.status, headers, body: body.subarray(0, at) },
          note: `body cut at ${of}, response ended cleanly`,
        };
      case 'before-headers':
        return { reply: { kind: 'destroy' }, note: 'connection closed before any answer' };
      case 'headers-only':
        return { reply: { kind: 'cut', status: upstream.status, headers, body, sendBytes: 0, declareLength: rng.chance(0.5) }, note: 'headers, then the connection closed' };
      case 'record-boundary':
        if (request.route === 'dispersl.export') return cleanRecordCut(request, rng);
        return { reply: { kind: 'send', status: upstream.status, headers, body: body.subarray(0, at) }, note: `body cut at ${of}` };
    }
  },
};

const GZIP_PAD = (() => {
  // 24 MiB of spaces: 24 KB on the wire. Leading whitespace keeps a JSON body valid.
  return gzipSync(Buffer.alloc(24 * 1024 * 1024, 0x20), { level: 9 });
})();

const gzipLies: Family = {
  name: 'gzip-lies',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng, upstream } = request;
    const body = upstream.body;
    const type = headersOf(request);
    const variants = ['plain-as-gzip', 'garbage-deflate', 'garbage-br', 'cut-gzip', 'gzip-undeclared', 'double-declared', 'unknown-encoding', 'bomb'] as const;
    let variant = rng.pick(variants);
    if (variant === 'bomb' && request.budget.bombs <= 0) variant = 'plain-as-gzip';
    switch (variant) {
      case 'plain-as-gzip':
        return { reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'gzip' }, body }, note: 'Content-Encoding: gzip, body not gzip' };
      case 'garbage-deflate':
        return {
          reply: {
            kind: 'send',
            status: upstream.status,
            headers: { ...type, 'Content-Encoding': 'deflate' },
            body: Buffer.concat([Buffer.from([0x78, 0x9c, 0xff, 0xfe]), body.subarray(0, 64)]),
          },
          note: 'Content-Encoding: deflate, garbage body',
        };
      case 'garbage-br':
        return {
          reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'br' }, body: Buffer.from('not brotli at all, just text') },
          note: 'Content-Encoding: br, garbage body',
        };
      case 'cut-gzip': {
        const zipped = gzipSync(body);
        const at = 10 + rng.int(Math.max(1, zipped.length - 12));
        return {
          reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'gzip' }, body: zipped.subarray(0, at) },
          note: `gzip cut at ${at}/${zipped.length} B (ended cleanly)`,
        };
      }
      case 'gzip-undeclared':
        return { reply: { kind: 'send', status: upstream.status, headers: type, body: gzipSync(body) }, note: 'gzip body without Content-Encoding' };
      case 'double-declared':
        return {
          reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'gzip, gzip' }, body: gzipSync(body) },
          note: 'Content-Encoding: gzip, gzip over a single gzip',
        };
      case 'unknown-encoding':
        return {
          reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'x-fuzz' }, body: deflateSync(body) },
          note: 'Content-Encoding: x-fuzz (deflate inside)',
        };
      case 'bomb': {
        request.budget.bombs--;
        // Multi-member gzip: 24 MiB of spaces, then the honest body.
        return {
          reply: { kind: 'send', status: upstream.status, headers: { ...type, 'Content-Encoding': 'gzip' }, body: Buffer.concat([GZIP_PAD, gzipSync(body)]) },
          note: `gzip bomb: ${GZIP_PAD.length + body.length} B → 24 MiB + body`,
        };
      }
    }
  },
};

const trickle: Family = {
  name: 'trickle',
  routes: ALL_ROUTES,
  slow: true,
  mutate(request) {
    const { rng, upstream } = request;
    const headers = headersOf(request);
    // Slow enough that the whole body would take tens of seconds: only a deadline ends it.
    const variant = rng.pick(['trickle-declared', 'trickle-chunked', 'stall-after-headers', 'stall-before-headers'] as const);
    const padded = upstream.body.length < 600 ? Buffer.concat([Buffer.alloc(600 - upstream.body.length, 0x20), upstream.body]) : upstream.body;
    switch (variant) {
      case 'trickle-declared':
      case 'trickle-chunked':
        return {
          reply: { kind: 'trickle', status: upstream.status, headers, body: padded, bytesPerTick: 2, tickMs: 60, declareLength: variant === 'trickle-declared' },
          note: `${variant}: 2 B every 60 ms of ${padded.length} B`,
        };
      case 'stall-after-headers':
        return { reply: { kind: 'stall', headersFirst: true, status: upstream.status, headers }, note: 'headers, then silence' };
      case 'stall-before-headers':
        return { reply: { kind: 'stall', headersFirst: false, status: upstream.status, headers }, note: 'no answer at all' };
    }
  },
};

const HTML_PAGES = [
  '<!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head><body><form action="/login"><input name="user"></form></body></html>',
  '<html><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>',
  '\n\n  <!-- captive portal -->\n<html><script>location="http://portal.invalid/"</script></html>',
  '<?xml version="1.0"?><error><code>Throttled</code></error>',
];

const html: Family = {
  name: 'html',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const page = rng.pick(HTML_PAGES);
    const variant = rng.pick(['200-html', '200-html-json-type', 'error-html', 'plain-text'] as const);
    switch (variant) {
      case '200-html':
        return { reply: { kind: 'send', status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page }, note: '200 with an HTML page' };
      case '200-html-json-type':
        return { reply: { kind: 'send', status: 200, headers: { 'Content-Type': JSON_TYPE }, body: page }, note: '200, JSON content type, HTML body' };
      case 'error-html': {
        const status = rng.pick([500, 502, 503, 504, 404, 403]);
        return { reply: { kind: 'send', status, headers: { 'Content-Type': 'text/html' }, body: page }, note: `${status} with an HTML page` };
      }
      case 'plain-text':
        return { reply: { kind: 'send', status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'OK' }, note: '200 text/plain "OK"' };
    }
  },
};

const storms: Family = {
  name: 'storms',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const status = rng.pick([500, 502, 503, 504, 429, 429]);
    const headers: Headers = { 'Content-Type': JSON_TYPE };
    if (status === 429 || rng.chance(0.2)) {
      // Waits a test can afford: none, immediate, nonsense, or far too long (fails at once).
      const retryAfter = rng.pick([undefined, '0', 'abc', '-3', '99999', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', '1e400', '']);
      if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
    }
    const body = rng.pick([
      JSON.stringify({ message: 'Internal server error', statusCode: status }),
      JSON.stringify({ status: 'error', message: 'Too many requests', data: null }),
      '',
      '{"message": "cut',
      JSON.stringify({ message: { nested: ['not', 'a', 'string'] }, statusCode: 'x' }),
    ]);
    return {
      reply: { kind: 'send', status, headers, body },
      note: `${status}${headers['Retry-After'] !== undefined ? ` Retry-After: ${JSON.stringify(headers['Retry-After'])}` : ''} body ${describe(body)}`,
    };
  },
};

// ---------------------------------------------------------------- content families

function requireJson(request: MutationRequest): Json | undefined {
  return request.json === undefined ? undefined : clone(request.json as Json);
}

function otherValueThan(rng: Rng, original: Json, forId: boolean): Json {
  const candidates: Json[] = forId ? [true, false, {}, [], [1], { id: 'x' }, ''] : [12345, -7, 0.5, 'str', '', '12', true, false, {}, [], [1, 'a'], { a: 1 }];
  const kind = (v: Json) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  const different = candidates.filter((c) => kind(c) !== kind(original) || (forId && c === ''));
  return rng.pick(different.length > 0 ? different : candidates);
}

/** For the server export's CSV: the rows as objects, changed, and written back. */
function csvRowsOf(request: MutationRequest): { header: string[]; rows: string[][] } | undefined {
  if (request.route !== 'dispersl.export' || request.json !== undefined) return undefined;
  try {
    const all = parseCsv(request.upstream.body.toString('utf8'), { relax_quotes: false }) as string[][];
    if (all.length < 1) return undefined;
    return { header: all[0]!, rows: all.slice(1) };
  } catch {
    return undefined;
  }
}

function csvReply(header: string[], rows: string[][], note: string): Mutated {
  return {
    reply: { kind: 'chunked', status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' }, body: stringifyCsv([header, ...rows], { record_delimiter: '\r\n' }) },
    note,
  };
}

const wrongTypes: Family = {
  name: 'wrong-types',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const csv = csvRowsOf(request);
    if (csv) {
      // A CSV has no types; a row with a stray field count is the nearest thing.
      if (csv.rows.length === 0) return undefined;
      const i = rng.int(csv.rows.length);
      const row = csv.rows[i]!;
      if (rng.chance(0.5)) csv.rows[i] = [...row, 'extra'];
      else csv.rows[i] = row.slice(0, Math.max(1, row.length - 2));
      request.markAltered(row[0]!);
      return csvReply(csv.header, csv.rows, `CSV row ${i} with ${csv.rows[i]!.length} fields of ${csv.header.length}`);
    }
    const body = requireJson(request);
    if (body === undefined) return undefined;
    if (rng.chance(0.15)) {
      const whole = rng.pick<Json>([[], 'text', 42, true, {}, [{}], { data: 5 }]);
      return json(request, whole, `whole body → ${describe(whole)}`);
    }
    if (request.route === 'dispersl.export' && Array.isArray(body) && rng.chance(0.4)) {
      // Framings the docs leave open: an envelope and NDJSON are valid; others are not.
      const variant = rng.pick(['envelope', 'ndjson', 'record-as-scalar'] as const);
      if (variant === 'envelope') return json(request, { status: 'success', message: 'ok', data: body }, 'JSON export in an envelope {status, data}');
      if (variant === 'ndjson') {
        return {
          reply: { kind: 'chunked', status: 200, headers: { 'Content-Type': 'application/x-ndjson' }, body: body.map((r) => JSON.stringify(r)).join('\n') + '\n' },
          note: 'JSON export as NDJSON',
        };
      }
      if (body.length === 0) return undefined;
      const i = rng.int(body.length);
      body[i] = rng.pick<Json>([5, 'task', null, []]);
      return json(request, body, `export record ${i} → ${describe(body[i])}`);
    }
    const slot = pickSlot(exportSafe(request, slotsOf(request, body)), rng);
    if (!slot) return undefined;
    const before = getSlot(slot);
    const after = otherValueThan(rng, before, slot.isId);
    setSlot(slot, after);
    markSlot(request, slot);
    return json(request, body, `${slot.path}: ${describe(before)} → ${describe(after)}`);
  },
};

const nulls: Family = {
  name: 'nulls',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const csv = csvRowsOf(request);
    if (csv) {
      if (csv.rows.length === 0) return undefined;
      const i = rng.int(csv.rows.length);
      const row = csv.rows[i]!;
      if (row.length < 2) return undefined;
      // Never the id: an empty id cell in a well-formed file is a lie no client can see.
      const column = 1 + rng.int(row.length - 1);
      const id = row[0]!;
      row[column] = '';
      request.markAltered(id);
      return csvReply(csv.header, csv.rows, `CSV row ${i} with an empty ${csv.header[column]}`);
    }
    const body = requireJson(request);
    if (body === undefined) return undefined;
    if (rng.chance(0.1)) return json(request, null, 'whole body → null');
    const slot = pickSlot(exportSafe(request, slotsOf(request, body)), rng);
    if (!slot) return undefined;
    const before = getSlot(slot);
    const remove = !Array.isArray(slot.parent) && rng.chance(0.3);
    setSlot(slot, remove ? undefined : null);
    markSlot(request, slot);
    return json(request, body, `${slot.path}: ${describe(before)} → ${remove ? '(removed)' : 'null'}`);
  },
};

const HUGE = ['1e12', '1000000', '9007199254740993', '1e308', '-1e308', '-1', '1.5', '1e400', '-0', '18446744073709551616'];

const hugeNumbers: Family = {
  name: 'huge-numbers',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const body = requireJson(request);
    if (body === undefined) return undefined;
    const value = rng.pick(HUGE);
    // A link's offset is a number too.
    if (request.route === 'paragon.list' && isObject(body) && typeof body['nextLink'] === 'string' && rng.chance(0.3)) {
      const offset = rng.pick(['1000000000000', '99999999999999999999999', '1e6', '-100', '100.5']);
      body['nextLink'] = body['nextLink'].replace(/offset=\d+/, `offset=${offset}`);
      return json(request, body, `nextLink offset → ${offset}`);
    }
    const slots = slotsOf(request, body).filter((s) => {
      const v = getSlot(s);
      return typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v) && !s.isId);
    });
    if (slots.length === 0) return undefined;
    const totals = slots.filter((s) => /total|pagination/.test(s.path) && !/\]\./.test(s.path));
    const slot = totals.length > 0 && rng.chance(0.5) ? rng.pick(totals) : rng.pick(slots);
    const before = getSlot(slot);
    // Written as raw JSON text, so 1e400 (Infinity once parsed) and 2^64 reach the client as sent.
    const marker = `__HUGE_${rng.int(1e9)}__`;
    setSlot(slot, typeof before === 'string' ? value : marker);
    markSlot(request, slot);
    return json(request, body, `${slot.path}: ${describe(before)} → ${value}`, (text) => text.replace(`"${marker}"`, value));
  },
};

function totalSlot(body: Json, route: Route): { get(): number; set(n: number): void } | undefined {
  if (route === 'paragon.list' && isObject(body) && typeof body['total'] === 'number') return { get: () => body['total'] as number, set: (n) => (body['total'] = n) };
  if (route === 'dispersl.list' && isObject(body) && isObject(body['pagination']) && typeof body['pagination']['total'] === 'number') {
    const p = body['pagination'];
    return { get: () => p['total'] as number, set: (n) => (p['total'] = n) };
  }
  return undefined;
}

const lyingTotals: Family = {
  name: 'lying-totals',
  routes: LIST_ROUTES,
  mutate(request) {
    const { rng, route } = request;
    const body = requireJson(request);
    if (body === undefined) return undefined;
    const total = totalSlot(body, route);
    if (!total) return undefined;
    const t = total.get();
    if (route === 'dispersl.list' && isObject(body) && isObject(body['pagination']) && body['pagination']['has_more'] === true && rng.chance(0.25)) {
      body['pagination']['has_more'] = false;
      return json(request, body, 'has_more → false while more remain');
    }
    const options = [0, 1, t - 1, t + 1, t - 100, t + 100, t * 2, Math.floor(t / 2), 100, 99, t + 1_000_000].filter((n) => n >= 0 && n !== t);
    const lie = rng.pick(options);
    total.set(lie);
    return json(request, body, `total ${t} → ${lie}`);
  },
};

const loopingNext: Family = {
  name: 'looping-next',
  routes: LIST_ROUTES,
  async mutate(request) {
    const { rng, route, url } = request;
    const body = requireJson(request);
    if (!isObject(body)) return undefined;
    const offset = Number(url.searchParams.get('offset') ?? '0');
    if (route === 'paragon.list') {
      const link = typeof body['nextLink'] === 'string' ? body['nextLink'] : undefined;
      const base = link ?? `http://127.0.0.9:1${url.pathname}?sortBy=${url.searchParams.get('sortBy') ?? 'DESC'}&offset=${offset + 100}`;
      const variant = rng.pick(['to-zero', 'same', 'back', 'plus-one', 'past-end', 'no-offset', 'junk-offset', 'ignores-offset'] as const);
      const withOffset = (o: string) => (/offset=[^&]*/.test(base) ? base.replace(/offset=[^&]*/, `offset=${o}`) : `${base}&offset=${o}`);
      switch (variant) {
        case 'to-zero':
          body['nextLink'] = withOffset('0');
          return json(request, body, 'nextLink → offset=0');
        case 'same':
          body['nextLink'] = withOffset(String(offset));
          return json(request, body, `nextLink → the same offset ${offset}`);
        case 'back':
          body['nextLink'] = withOffset(String(Math.max(0, offset - 100)));
          return json(request, body, `nextLink → offset ${Math.max(0, offset - 100)} (back)`);
        case 'plus-one':
          body['nextLink'] = withOffset(String(offset + 1));
          return json(request, body, `nextLink → offset ${offset + 1}`);
        case 'past-end':
          body['nextLink'] = withOffset(String(offset + 100));
          return json(request, body, `nextLink present on offset ${offset} → ${offset + 100}${link ? '' : ' (was null)'}`);
        case 'no-offset':
          body['nextLink'] = base.replace(/[?&]offset=[^&]*/, '');
          return json(request, body, 'nextLink without an offset');
        case 'junk-offset':
          body['nextLink'] = withOffset(rng.pick(['abc', '', '-5', '0x10']));
          return json(request, body, `nextLink → ${body['nextLink'].replace(/^.*offset/, 'offset')}`);
        case 'ignores-offset': {
          // The server ignores the offset: every page is the first one.
          const firstUrl = new URL(url.href);
          firstUrl.searchParams.delete('offset');
          const first = JSON.parse((await request.fetch(firstUrl.pathname + firstUrl.search)).body.toString('utf8')) as JsonObject;
          body['workflowExecutions'] = first['workflowExecutions'] ?? [];
          return json(request, body, `offset ${offset} answered with the first page`);
        }
      }
    }
    const pagination = isObject(body['pagination']) ? body['pagination'] : undefined;
    if (!pagination) return undefined;
    const variant = rng.pick(['more-forever', 'ignores-offset', 'empty-more', 'offset-lie'] as const);
    switch (variant) {
      case 'more-forever':
        pagination['has_more'] = true;
        return json(request, body, `has_more → true at offset ${offset}`);
      case 'ignores-offset': {
        const firstUrl = new URL(url.href);
        firstUrl.searchParams.set('offset', '0');
        const first = JSON.parse((await request.fetch(firstUrl.pathname + firstUrl.search)).body.toString('utf8')) as JsonObject;
        body['data'] = first['data'] ?? [];
        pagination['has_more'] = true;
        return json(request, body, `offset ${offset} answered with the first page, has_more true`);
      }
      case 'empty-more':
        body['data'] = [];
        pagination['has_more'] = true;
        return json(request, body, `offset ${offset}: empty data, has_more true`);
      case 'offset-lie':
        pagination['offset'] = 0;
        pagination['has_more'] = true;
        return json(request, body, `pagination.offset → 0, has_more true`);
    }
  },
};

async function otherPageRecords(request: MutationRequest, records: { list: Json[]; idKey: string }): Promise<Json[]> {
  const { url, route } = request;
  const offset = Number(url.searchParams.get('offset') ?? '0');
  const total = route === 'paragon.list' ? Number((request.json as JsonObject)['total']) : Number(((request.json as JsonObject)['pagination'] as JsonObject)['total']);
  // A page that is not adjacent when there is one: the first, or (from the first) the last.
  const otherOffset = offset >= 200 ? 0 : offset === 0 ? Math.max(0, Math.floor((total - 1) / 100) * 100) : 0;
  const other = new URL(url.href);
  other.searchParams.set('offset', String(otherOffset));
  const answer = JSON.parse((await request.fetch(other.pathname + other.search)).body.toString('utf8')) as Json;
  const found = recordsOf(route, answer);
  return found && otherOffset !== offset ? found.list : records.list;
}

const repeatedIds: Family = {
  name: 'repeated-ids',
  routes: ALL_ROUTES,
  async mutate(request) {
    const { rng, route } = request;
    if (route === 'paragon.step') return undefined;
    if (route === 'paragon.get' || route === 'dispersl.get') {
      // The detail of another run than the one asked for.
      const asked = runIdOfPath(request);
      const pool = route === 'paragon.get' ? request.idPool.paragon : request.idPool.dispersl;
      const others = pool.filter((id) => id !== asked);
      if (others.length === 0) return undefined;
      const other = rng.pick(others);
      const path = request.url.pathname.replace(/\/[^/]+\/?$/, `/${encodeURIComponent(other)}`);
      const answer = await request.fetch(path);
      return { reply: { kind: 'send', status: answer.status, headers: { 'Content-Type': JSON_TYPE }, body: answer.body }, note: `detail of ${other} instead of ${asked}` };
    }
    const csv = csvRowsOf(request);
    if (csv) {
      if (csv.rows.length < 2) return undefined;
      const from = rng.int(csv.rows.length);
      const append = rng.chance(0.5);
      const to = rng.int(csv.rows.length);
      if (append) csv.rows.push(csv.rows[from]!);
      else if (to !== from) csv.rows[to] = csv.rows[from]!;
      else return undefined;
      return csvReply(csv.header, csv.rows, append ? `CSV row ${from} repeated at the end` : `CSV row ${to} replaced by a copy of row ${from}`);
    }
    const body = requireJson(request);
    if (body === undefined) return undefined;
    const records = recordsOf(route, body);
    if (!records || records.list.length === 0) return undefined;
    const variant =
      route === 'dispersl.export' ? rng.pick(['within', 'append'] as const) : rng.pick(['from-other-page', 'from-other-page', 'append-other-page', 'within'] as const);
    const k = 1 + rng.int(Math.min(5, records.list.length));
    if (variant === 'within') {
      if (records.list.length < 2) return undefined;
      for (let j = 0; j < k; j++) {
        const from = rng.int(records.list.length);
        const to = rng.int(records.list.length);
        if (from !== to) records.list[to] = clone(records.list[from]!);
      }
      return json(request, body, `${k} record(s) of the page copied over others of the same page`);
    }
    if (variant === 'append' && route === 'dispersl.export') {
      records.list.push(clone(records.list[rng.int(records.list.length)]!));
      return json(request, body, 'one export record repeated at the end');
    }
    const other = await otherPageRecords(request, records);
    if (other.length === 0) return undefined;
    const picked = Array.from({ length: k }, () => clone(other[rng.int(other.length)]!));
    if (variant === 'append-other-page') records.list.push(...picked);
    else picked.forEach((record, j) => (records.list[(j * 7 + rng.int(records.list.length)) % records.list.length] = record));
    return json(request, body, `${k} record(s) from another page ${variant === 'append-other-page' ? 'appended' : 'put in place of others'}`);
  },
};

const ODD_STATUSES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'TIMED_OUT',
  '',
  ' ',
  'ÉCHEC',
  'Failed',
  'completed\u0000',
  '\u202eDELIAF',
  'in progress',
];

const unknownStatuses: Family = {
  name: 'unknown-statuses',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const csv = csvRowsOf(request);
    if (csv) {
      const column = csv.header.indexOf('status');
      if (column < 0 || csv.rows.length === 0) return undefined;
      const i = rng.int(csv.rows.length);
      const status = rng.pick(ODD_STATUSES);
      csv.rows[i]![column] = status;
      request.markAltered(csv.rows[i]![0]!);
      return csvReply(csv.header, csv.rows, `CSV row ${i} status → ${JSON.stringify(status)}`);
    }
    const body = requireJson(request);
    if (body === undefined) return undefined;
    const statusSlots = slotsOf(request, body).filter((s) => s.key === 'status' && s.path !== '$.status');
    const pollute = rng.chance(0.3);
    const notes: string[] = [];
    const n = Math.min(statusSlots.length, 1 + rng.int(3));
    for (let j = 0; j < n; j++) {
      const slot = rng.pick(statusSlots);
      const status = rng.pick(ODD_STATUSES);
      setSlot(slot, status);
      markSlot(request, slot);
      notes.push(`${slot.path} → ${JSON.stringify(status)}`);
    }
    if (!pollute && notes.length === 0) return undefined;
    // "__proto__" as a key: JSON.parse makes it an own property; merging it into a plain object must not pollute.
    const extra = pollute
      ? (text: string) => text.replace(/\{"(id|task_id)"/g, (m) => `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${m.slice(1)}`)
      : undefined;
    if (pollute) {
      notes.push('"__proto__" and "constructor" keys in records');
      // Every record gets the keys (slotsOf stops at 4,000 slots: a whole export has more).
      const records = recordsOf(request.route, body);
      for (const record of records?.list ?? []) if (isObject(record) && typeof record[records!.idKey] === 'string') request.markAltered(record[records!.idKey] as string);
      const pathRun = runIdOfPath(request);
      if (pathRun) request.markAltered(pathRun);
    }
    return json(request, body, notes.join('; '), extra);
  },
};

/** A server that quotes the Authorization header back: whole, cut, upper-cased, base64. */
const keyEcho: Family = {
  name: 'key-echo',
  routes: ALL_ROUTES,
  mutate(request) {
    const { rng } = request;
    const header = request.authorization ?? '';
    const key = header.replace(/^Bearer\s+/i, '');
    if (!key) return undefined;
    const form = rng.pick(['whole', 'cut', 'upper', 'base64', 'base64-header', 'padded'] as const);
    const cut = 8 + rng.int(Math.max(1, key.length - 8));
    const echoed =
      form === 'whole'
        ? header
        : form === 'cut'
          ? `Bearer ${key.slice(0, cut)}`
          : form === 'upper'
            ? header.toUpperCase()
            : form === 'base64'
              ? Buffer.from(key).toString('base64')
              : form === 'base64-header'
                ? `Basic ${Buffer.from(`user:${key}`).toString('base64')}`
                : `${'x'.repeat(280 + rng.int(40))} ${header}`;
    const status = rng.pick([400, 401, 403, 404, 429, 500, 502, 200]);
    const shape = rng.pick(['nest', 'envelope', 'text', 'html'] as const);
    const body =
      shape === 'nest'
        ? JSON.stringify({ message: `Invalid authorization: ${echoed}`, statusCode: status })
        : shape === 'envelope'
          ? JSON.stringify({ status: 'error', message: `token ${echoed} rejected`, data: null })
          : shape === 'text'
            ? `Unauthorized (${echoed})`
            : `<html><body><pre>Authorization: ${echoed}</pre></body></html>`;
    const type = shape === 'text' ? 'text/plain' : shape === 'html' ? 'text/html' : JSON_TYPE;
    return { reply: { kind: 'send', status, headers: { 'Content-Type': type }, body }, note: `${status} ${shape} body echoing the key (${form})` };
  },
};

export const FAMILIES: readonly Family[] = [
  truncation,
  wrongTypes,
  nulls,
  hugeNumbers,
  lyingTotals,
  loopingNext,
  repeatedIds,
  unknownStatuses,
  gzipLies,
  trickle,
  html,
  storms,
  keyEcho,
];
