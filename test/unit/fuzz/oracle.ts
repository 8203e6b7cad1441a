// What the fuzz suite holds every case to: an outcome is either a success whose result is
// exactly right, or a typed error a person can act on; nothing crashes, nothing hangs, and
// a failed export leaves nothing behind.
import { readdir, readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import * as exportErrors from '../../../src/core/export/exportErrors';
import { RUN_STATUSES } from '../../../src/core/model';
import * as paging from '../../../src/core/paging';
import { HistoryApiError, userMessage } from '../../../src/core/errors';

export type FailureClass =
  | 'uncaught-exception'
  | 'unhandled-rejection'
  | 'hang'
  | 'untyped-error'
  | 'misattributed-error'
  | 'key-leak'
  | 'wrong-record-set'
  | 'wrong-content'
  | 'corrupt-file'
  | 'leftover-file'
  | 'wrong-result'
  | 'excess-requests'
  | 'prototype-pollution'
  | 'harness';

export interface Failure {
  readonly kind: FailureClass;
  readonly detail: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

function errorClassesOf(module: Record<string, unknown>): ErrorClass[] {
  return Object.values(module).filter((value): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error);
}

/** The errors a user may see: the API's typed errors, the export's, and the listing's. */
export const TYPED_ERROR_CLASSES: readonly ErrorClass[] = [HistoryApiError, ...errorClassesOf(exportErrors), ...errorClassesOf(paging)];

export function isTypedError(error: unknown): boolean {
  return TYPED_ERROR_CLASSES.some((c) => error instanceof c);
}

/** "ProtocolError", "SnapshotMismatchError", "TypeError", "string"… */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name;
  return typeof error;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const detail = (error as { detail?: unknown }).detail;
    const where =
      error.stack
        ?.split('\n')
        .slice(1, 3)
        .map((l) => l.trim())
        .join(' | ') ?? '';
    return `${errorName(error)}: ${error.message.slice(0, 240)}${typeof detail === 'string' ? ` [detail: ${detail.slice(0, 160)}]` : ''}${isTypedError(error) ? '' : ` @ ${where}`}`;
  }
  return `${typeof error}: ${String(error).slice(0, 200)}`;
}

/**
 * A rejection that reaches a user must be typed and say something. And it must name the
 * right culprit: the fuzz suite only ever mutates the API's answers, its export folder is a
 * fresh, writable temporary folder, so an error blaming the target file ("Cannot write …")
 * sends the user to check a disk that is fine.
 */
export function checkError(error: unknown): Failure[] {
  if (!isTypedError(error)) return [{ kind: 'untyped-error', detail: describeError(error) }];
  if (error instanceof exportErrors.ExportTargetError)
    return [{ kind: 'misattributed-error', detail: `the API's answer failed the export, but the error blames the file: ${describeError(error)}` }];
  if (!(error as Error).message || typeof (error as Error).message !== 'string') return [{ kind: 'untyped-error', detail: `${errorName(error)} without a message` }];
  return [];
}

export function checkRunShape(run: { id?: unknown; status?: unknown; rawStatus?: unknown }, where: string): Failure[] {
  if (typeof run.id !== 'string' || run.id.length === 0) return [{ kind: 'wrong-result', detail: `${where}: id ${JSON.stringify(run.id)}` }];
  if (typeof run.status !== 'string' || !(RUN_STATUSES as readonly string[]).includes(run.status)) {
    return [
      {
        kind: 'wrong-result',
        detail: `${where}: run ${run.id} has status ${typeof run.status === 'function' ? 'a function' : (JSON.stringify(run.status) ?? String(run.status))} (rawStatus ${JSON.stringify(run.rawStatus)})`,
      },
    ];
  }
  if (typeof run.rawStatus !== 'string') return [{ kind: 'wrong-result', detail: `${where}: run ${run.id} rawStatus ${typeof run.rawStatus}` }];
  return [];
}

/** Exactly the expected ids, each once. */
export function compareIdSets(received: readonly string[], expected: readonly string[], what: string): Failure[] {
  const expectedSet = new Set(expected);
  const counts = new Map<string, number>();
  for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = expected.filter((id) => !counts.has(id));
  const extra = [...counts.keys()].filter((id) => !expectedSet.has(id));
  if (duplicates.length === 0 && missing.length === 0 && extra.length === 0) return [];
  const list = (ids: string[]) =>
    `${ids.length}${
      ids.length > 0
        ? ` (${ids
            .slice(0, 3)
            .map((i) => JSON.stringify(i))
            .join(', ')}${ids.length > 3 ? ', …' : ''})`
        : ''
    }`;
  return [
    {
      kind: 'wrong-record-set',
      detail: `${what}: ${received.length} records for ${expected.length} expected; duplicates ${list(duplicates)}, missing ${list(missing)}, extra ${list(extra)}`,
    },
  ];
}

// ---------------------------------------------------------------- export files

export type FileKind = 'json' | 'ndjson' | 'csv' | 'server-json' | 'server-csv';

export interface ParsedExport {
  /** One id per record, in file order (duplicates kept). */
  readonly ids: string[];
  /** Canonical text of each record (for CSV with steps: all of its rows). */
  readonly canonical: Map<string, string>;
  /** Records whose data moves with the clock (open runs): content not compared. */
  readonly volatile: Set<string>;
  /** Client records: status/rawStatus shape problems. */
  readonly shapeFailures: Failure[];
}

const OPEN_STATUSES = new Set(['running', 'queued', 'delayed', 'in_progress', 'created', 'EXECUTING', 'DELAYED']);

function isOpen(status: unknown): boolean {
  // A neutralized CSV cell may carry a leading quote.
  return typeof status === 'string' && OPEN_STATUSES.has(status.replace(/^'/, ''));
}

function fromRecords(records: readonly unknown[], idKeys: readonly string[], client: boolean): ParsedExport {
  const ids: string[] = [];
  const canonical = new Map<string, string>();
  const volatile = new Set<string>();
  const shapeFailures: Failure[] = [];
  records.forEach((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`record ${i} is ${JSON.stringify(record)?.slice(0, 40)}`);
    const r = record as Record<string, unknown>;
    const idKey = idKeys.find((k) => r[k] !== undefined);
    const id = idKey ? r[idKey] : undefined;
    if (typeof id !== 'string' || id === '') throw new Error(`record ${i} has id ${JSON.stringify(id)}`);
    ids.push(id);
    canonical.set(id, (canonical.get(id) ?? '') + JSON.stringify(r));
    if (isOpen(r['status']) || isOpen(r['rawStatus'])) volatile.add(id);
    if (client) shapeFailures.push(...checkRunShape(r, 'exported record'));
  });
  return { ids, canonical, volatile, shapeFailures };
}

function csvRecords(text: string, relaxed: boolean): Record<string, string>[] {
  return parseCsv(text, { columns: true, relax_column_count: relaxed, skip_empty_lines: false, bom: true }) as Record<string, string>[];
}

/** Parses an export file as its format says; throws when the file is not a valid document. */
export function parseExport(text: string, kind: FileKind, includeSteps: boolean): ParsedExport {
  switch (kind) {
    case 'json': {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error('not a JSON array');
      return fromRecords(parsed, ['id'], true);
    }
    case 'ndjson': {
      if (text.length > 0 && !text.endsWith('\n')) throw new Error('NDJSON does not end with a newline');
      const lines = text.length === 0 ? [] : text.slice(0, -1).split('\n');
      return fromRecords(
        lines.map((line) => JSON.parse(line) as unknown),
        ['id'],
        true,
      );
    }
    case 'csv': {
      const rows = csvRecords(text, false);
      if (!includeSteps) return fromRecords(rows, ['id'], true);
      // One row per step: a run is its group of consecutive rows.
      const ids: string[] = [];
      const canonical = new Map<string, string>();
      const volatile = new Set<string>();
      const shapeFailures: Failure[] = [];
      let previous: string | undefined;
      for (const row of rows) {
        const id = row['id'];
        if (!id) throw new Error('a row without an id');
        if (id !== previous) {
          ids.push(id);
          shapeFailures.push(...checkRunShape(row, 'exported row'));
        }
        previous = id;
        canonical.set(id, (canonical.get(id) ?? '') + JSON.stringify(row));
        if (isOpen(row['status'])) volatile.add(id);
      }
      return { ids, canonical, volatile, shapeFailures };
    }
    case 'server-json': {
      const trimmed = text.trim();
      let records: unknown[];
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) records = parsed;
        else if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { data?: unknown }).data)) records = (parsed as { data: unknown[] }).data;
        else throw new Error(`a JSON ${parsed === null ? 'null' : typeof parsed}, neither an array nor an envelope with data`);
      } catch (error) {
        // NDJSON is a valid framing too.
        if (!trimmed.startsWith('{') || !trimmed.includes('\n')) throw error;
        records = trimmed.split('\n').map((line) => JSON.parse(line) as unknown);
      }
      return fromRecords(records, ['task_id', 'id'], false);
    }
    case 'server-csv':
      return fromRecords(csvRecords(text, true), ['task_id', 'id'], false);
  }
}

export async function readExport(path: string, kind: FileKind, includeSteps: boolean): Promise<ParsedExport> {
  return parseExport(await readFile(path, 'utf8'), kind, includeSteps);
}

/**
 * The file of an export that resolved, against the truth: the same set of ids, each once,
 * and for each run the mutations did not touch (and that is not still open), the same record.
 */
export function compareExport(got: ParsedExport, baseline: ParsedExport, truthIds: readonly string[], altered: ReadonlySet<string>): Failure[] {
  const failures = [...compareIdSets(got.ids, truthIds, 'export file'), ...got.shapeFailures];
  const differing: string[] = [];
  for (const [id, text] of got.canonical) {
    if (altered.has(id) || baseline.volatile.has(id) || got.volatile.has(id)) continue;
    const expected = baseline.canonical.get(id);
    if (expected !== undefined && expected !== text) differing.push(id);
  }
  if (differing.length > 0) {
    const id = differing[0]!;
    failures.push({
      kind: 'wrong-content',
      detail: `${differing.length} record(s) differ from the unmutated server's, e.g. ${id}: got ${got.canonical.get(id)!.slice(0, 160)} expected ${baseline.canonical.get(id)!.slice(0, 160)}`,
    });
  }
  return failures;
}

/** After an export: on success only the target (and the files it says it wrote beside it); on failure nothing at all. */
export async function checkFolder(dir: string, target: string, succeeded: boolean, companions: readonly string[] = []): Promise<Failure[]> {
  const names = await readdir(dir);
  const expected = succeeded ? [target, ...companions] : [];
  const extra = names.filter((n) => !expected.includes(n));
  const missing = expected.filter((n) => !names.includes(n));
  const failures: Failure[] = [];
  if (extra.length > 0) failures.push({ kind: 'leftover-file', detail: `${succeeded ? 'after success' : 'after a failed export'}: ${extra.join(', ')} left in the folder` });
  if (missing.length > 0) failures.push({ kind: 'wrong-result', detail: `export resolved but ${missing.join(', ')} does not exist` });
  return failures;
}

/** Every 8-character piece of the key (any case), and 12-character pieces of its base64 forms. */
function keyPieces(key: string): { plain: string[]; encoded: string[] } {
  const windows = (text: string, n: number) => Array.from({ length: Math.max(0, text.length - n + 1) }, (_, i) => text.slice(i, i + n));
  const encodings = [Buffer.from(key).toString('base64'), Buffer.from(`user:${key}`).toString('base64')];
  return { plain: windows(key.toLowerCase(), 8), encoded: encodings.flatMap((e) => windows(e, 12)).filter((w) => !w.startsWith('dXNlcjp')) };
}

/** What a user (message, userMessage) or the log (detail) gets must hold no piece of the key. */
export function checkKeyLeak(error: unknown, key: string): Failure[] {
  if (!(error instanceof Error)) return [];
  const pieces = keyPieces(key);
  const texts: [string, string][] = [
    ['message', error.message],
    ['userMessage', userMessage(error)],
    ['detail', String((error as { detail?: unknown }).detail ?? '')],
  ];
  for (const [where, text] of texts) {
    const lower = text.toLowerCase();
    const plain = pieces.plain.find((p) => lower.includes(p));
    const encoded = pieces.encoded.find((p) => text.includes(p));
    if (plain || encoded) return [{ kind: 'key-leak', detail: `${errorName(error)}.${where} holds a piece of the key (${plain ? 'plain' : 'base64'}): ${text.slice(0, 200)}` }];
  }
  return [];
}
