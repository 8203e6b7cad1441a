// Parquet exports, through hyparquet-writer (pure JavaScript, one small dependency: it bundles
// into both of our node bundles and needs no per-platform build; docs/export-formats.md gives
// the measurements behind the choice). Runs are held until a row group is full (10,000 runs,
// or fewer when they carry large payloads), then encoded and written to the stream with
// backpressure, so memory is bounded by one row group however long the export.
//
// The columns are the exported record's fields (recordFields.ts), typed: timestamps are
// TIMESTAMP (milliseconds, UTC), durations, counts, sizes and tokens INT64, successRate
// DOUBLE, flags BOOLEAN, text UTF-8; `next` and `toolsUsed` are lists of strings; steps a
// list of structs; step input/output JSON (the text JSON.stringify gives, so any value and
// any key, `__proto__` included, comes back as it was).
import type { Writable } from 'node:stream';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { ExportedRun } from './records';
import { fieldOf, recordFields, type RecordField } from './recordFields';
import { endStream, throwIfBroken, writeChunk, type RecordSink, type SinkOptions } from './sinkStream';

export interface ParquetLimits {
  /** Runs per row group at most (default 10,000). */
  readonly rowGroupRuns: number;
  /** A row group is written early once its text and payloads pass this many bytes (default 64 MiB). */
  readonly rowGroupBytes: number;
}

export const DEFAULT_PARQUET_LIMITS: ParquetLimits = { rowGroupRuns: 10_000, rowGroupBytes: 64 * 1024 * 1024 };

/** What wrote the file, in its footer. */
const CREATED_BY = 'task-history-explorer (hyparquet-writer)';

type Cell = string | number | bigint | boolean | Date | readonly Cell[] | { [name: string]: Cell } | null;

/** Holds the bytes of one row group, then hands them to the stream, waiting while it is full. */
class StreamWriter extends ByteWriter {
  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {
    super(1 << 20);
  }

  /** Called by ParquetWriter after each row group; the next one waits for this. */
  async flush(): Promise<void> {
    if (this.index === 0) return;
    // A copy: the buffer is reused for the next row group while the stream still holds this one.
    const chunk = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    await writeChunk(this.out, chunk, this.signal);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export class ParquetSink implements RecordSink {
  private readonly fields: readonly RecordField[];
  private readonly schema: SchemaElement[];
  private readonly writer: ParquetWriter;
  private readonly limits: ParquetLimits;
  private rows: Record<string, Cell>[] = [];
  private bytes = 0;

  constructor(
    private readonly out: Writable,
    private readonly options: SinkOptions,
    limits: Partial<ParquetLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PARQUET_LIMITS, ...limits };
    this.fields = recordFields({ includeSteps: options.includeSteps, includePayloads: options.includeSteps && options.includePayloads });
    this.schema = parquetSchema(this.fields);
    this.writer = new ParquetWriter({
      writer: new StreamWriter(out, options.signal),
      schema: this.schema,
      codec: 'SNAPPY',
      createdBy: CREATED_BY,
    });
  }

  async write(run: ExportedRun): Promise<void> {
    // A full disk or a Cancel between two row groups stops the export now, not 10,000 runs later.
    this.options.signal?.throwIfAborted();
    throwIfBroken(this.out);
    const size = { bytes: 0 };
    this.rows.push(toRow(run, this.fields, size));
    this.bytes += size.bytes;
    if (this.rows.length >= this.limits.rowGroupRuns || this.bytes >= this.limits.rowGroupBytes) await this.writeRowGroup();
  }

  async end(): Promise<void> {
    await this.writeRowGroup();
    // The footer (schema, row group offsets) goes last; then the stream is flushed and ended.
    labelJson(this.schema);
    await this.writer.finish();
    await endStream(this.out, this.options.signal);
  }

  private async writeRowGroup(): Promise<void> {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    this.bytes = 0;
    const columnData: ColumnSource[] = this.fields.map((field) => ({
      name: field.name,
      data: rows.map((row) => row[field.name] ?? null),
      // Statistics keep a column's smallest and largest value in the footer, JSON whole:
      // a 50 MB step output would be written there twice. Steps go without.
      statistics: field.type !== 'record' && field.type !== 'json',
    }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}

/** The schema elements of JSON columns (steps' input and output). */
const JSON_TEXT = new WeakSet<SchemaElement>();

/**
 * Gives the JSON columns the JSON type (converted and logical) in the footer, so DuckDB reads
 * them as JSON and BigQuery as JSON text. Their pages hold the text JSON.stringify gave; they
 * are written as UTF-8 strings because, typed JSON, the writer stringifies each value itself,
 * through a copy that turns a `__proto__` key into the copy's prototype (the key is lost).
 * The type sits only in the footer's schema, which is written last: pages carry no type.
 */
function labelJson(schema: SchemaElement[]): void {
  for (const element of schema) {
    if (JSON_TEXT.has(element)) {
      element.converted_type = 'JSON';
      element.logical_type = { type: 'JSON' };
    }
  }
}

/** The Parquet schema: a flat list in depth-first order, with a root. */
export function parquetSchema(fields: readonly RecordField[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: fields.length }];
  for (const field of fields) schema.push(...fieldSchema(field));
  return schema;
}

function fieldSchema(field: RecordField): SchemaElement[] {
  if (field.repeated) {
    // The standard three-level LIST: an optional list, a repeated group, its element.
    return [
      { name: field.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...fieldSchema({ ...field, name: 'element', repeated: false }),
    ];
  }
  switch (field.type) {
    case 'record': {
      const children = field.fields ?? [];
      return [{ name: field.name, repetition_type: 'OPTIONAL', num_children: children.length }, ...children.flatMap(fieldSchema)];
    }
    case 'string':
      return [{ name: field.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' }];
    case 'json': {
      // Written as the UTF-8 text JSON.stringify gives, and labelled JSON in the footer (labelJson).
      const element: SchemaElement = { name: field.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' };
      JSON_TEXT.add(element);
      return [element];
    }
    case 'timestamp':
      return [
        {
          name: field.name,
          type: 'INT64',
          converted_type: 'TIMESTAMP_MILLIS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
          repetition_type: 'OPTIONAL',
        },
      ];
    case 'integer':
      return [{ name: field.name, type: 'INT64', repetition_type: 'OPTIONAL' }];
    case 'float':
      return [{ name: field.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }];
    case 'boolean':
      return [{ name: field.name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }];
  }
}

/** One run as column values, each converted to its column's type; `size` counts the bytes of text held. */
function toRow(record: object, fields: readonly RecordField[], size: { bytes: number }): Record<string, Cell> {
  // No prototype: a field named like an Object.prototype member is just a field.
  const row: Record<string, Cell> = Object.create(null) as Record<string, Cell>;
  for (const field of fields) row[field.name] = toCell(fieldOf(record, field.name), field, size);
  return row;
}

function toCell(value: unknown, field: RecordField, size: { bytes: number }): Cell {
  if (value === undefined) return null;
  if (field.repeated) {
    if (!Array.isArray(value)) return null;
    const element = { ...field, repeated: false };
    return value.map((item: unknown) => toCell(item, element, size));
  }
  switch (field.type) {
    case 'record':
      return typeof value === 'object' && value !== null ? toRow(value, field.fields ?? [], size) : null;
    case 'string': {
      if (value === null) return null;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      size.bytes += text.length + 8;
      return text;
    }
    case 'json': {
      // JSON null stays distinct from a missing value: it is the text "null".
      const text = wellFormedJson(JSON.stringify(value));
      size.bytes += text.length + 8;
      return text;
    }
    case 'timestamp': {
      size.bytes += 8;
      const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
      return ms === undefined ? null : new Date(ms);
    }
    case 'integer': {
      size.bytes += 8;
      if (typeof value !== 'number') return null;
      const whole = Math.round(value);
      return Number.isSafeInteger(whole) ? BigInt(whole) : null;
    }
    case 'float':
      size.bytes += 8;
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      size.bytes += 1;
      return typeof value === 'boolean' ? value : null;
  }
}

/**
 * JSON text without lone surrogates. JSON.stringify escapes one as `\ud800`, which JavaScript
 * reads back but DuckDB refuses (the whole column then fails to load); it becomes U+FFFD, as
 * it does in every text column (UTF-8 has no way to hold it). An escaped backslash before
 * `ud800` (the text `\\ud800`) is not an escape and stays.
 */
export function wellFormedJson(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(/(\\+)u[dD][89a-fA-F][0-9a-fA-F]{2}/g, (match, slashes: string) => (slashes.length % 2 === 1 ? `${slashes.slice(1)}\\ufffd` : match));
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time (what both APIs send), or
 * undefined for anything else: `Date.parse` would take "March 7" or an offset-less time in
 * the local zone. No offset means UTC, as in BigQuery; digits past the millisecond are dropped.
 */
export function parseTimestamp(text: string): number | undefined {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // A day past the end of its month would roll over into the next.
  if (date.getUTCDate() !== day) return undefined;
  const zone = m[8]?.toUpperCase();
  if (!zone || zone === 'Z') return date.getTime();
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
  if (offsetMinutes > 18 * 60) return undefined;
  return date.getTime() - (zone[0] === '-' ? -1 : 1) * offsetMinutes * 60_000;
}
