// Checks a server-side CSV export as it streams past: parsed with csv-parse (quoted line
// breaks, doubled quotes, every row as wide as the header), and by default re-written with
// the csv-stringify options our own CSV uses (csvWriteOptions: formula cells neutralized,
// line breaks in cells quoted), keeping the header, the columns, the record delimiter and a
// byte-order mark; with `raw` the server's bytes pass through unchanged and are still
// parsed, counted and checked.
import * as l10n from '@vscode/l10n';
import { Transform, type TransformCallback } from 'node:stream';
import { parse as csvParse, CsvError, type Parser as CsvParser } from 'csv-parse';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { csvWriteOptions } from './csvWriteOptions';
import { ProtocolError } from '../errors';
import { ID_FIELDS, IdTally, MAX_ID_BYTES, protocolError, type ExportCheck, type ExportCheckOptions, type ExportTally } from './exportCheck';

export interface CsvExportCheckOptions extends ExportCheckOptions {
  /** Pass the server's bytes through unchanged instead of neutralizing formula cells. */
  readonly raw: boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** No Dispersl task row comes near this; a longer one is a body gone wrong. */
const MAX_CSV_RECORD_BYTES = 8 * 1024 * 1024;

export class CsvExportCheck extends Transform implements ExportCheck {
  private readonly subject: string;
  private readonly raw: boolean;
  private readonly ids: IdTally;
  private readonly parser: CsvParser;
  private header: string[] | undefined;
  private idColumn = -1;
  private chunks = 0;
  private bytes = 0;
  // Read from the raw bytes: the record delimiter (the first line break outside quotes),
  // whether the body starts with a byte-order mark, and how it ends.
  private delimiter: string | undefined;
  private inQuotes = false;
  private pendingCr = false;
  private hasBom = false;
  private readonly head: number[] = [];
  private tail = Buffer.alloc(0);
  private failure: Error | undefined;
  private rewritten: string[] = [];

  constructor(options: CsvExportCheckOptions) {
    super();
    this.subject = options.subject;
    this.raw = options.raw;
    this.ids = new IdTally(options.onRecords);
    this.parser = csvParse({
      bom: true,
      // A quoted field that never ends must not grow memory without bound.
      max_record_size: MAX_CSV_RECORD_BYTES,
      // Every record, the header included, is handled here as it is parsed; none is queued.
      on_record: (record: string[]) => {
        this.record(record);
        return null;
      },
    });
    this.parser.on('error', (error: Error) => {
      this.failure ??= error;
    });
    this.parser.resume();
  }

  get tally(): ExportTally {
    return { records: this.ids.records, duplicates: this.ids.duplicates, repeatedIds: this.ids.repeatedIds, shape: 'csv', chunks: this.chunks, bytes: this.bytes };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks++;
    this.bytes += chunk.length;
    this.scanBytes(chunk);
    if (this.raw) this.push(chunk);
    this.parser.write(chunk, (error) => {
      if (error) {
        done(this.explain(error, false));
        return;
      }
      this.pushRewritten();
      done();
    });
  }

  /** The rows re-written from one chunk go out as one piece (not one write per row). */
  private pushRewritten(): void {
    if (this.rewritten.length === 0) return;
    this.push(this.rewritten.join(''));
    this.rewritten = [];
  }

  override _flush(done: TransformCallback): void {
    // 'finish' once the parser has read the end (its last row included), or 'error'.
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error || this.failure) {
        done(this.explain((this.failure ?? error)!, true));
        return;
      }
      try {
        this.checkEnd();
      } catch (failure) {
        done(failure as Error);
        return;
      }
      this.pushRewritten();
      this.ids.onRecordsFinal();
      done();
    };
    this.parser.once('finish', () => settle());
    this.parser.once('error', settle);
    this.parser.end();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.parser.destroy();
    done(error);
  }

  private scanBytes(chunk: Buffer): void {
    if (this.head.length < 3) {
      for (const b of chunk.subarray(0, 3 - this.head.length)) this.head.push(b);
      this.hasBom = this.head.length === 3 && Buffer.from(this.head).equals(UTF8_BOM);
    }
    if (this.delimiter === undefined) {
      for (const b of chunk) {
        if (this.pendingCr) {
          this.delimiter = b === LF ? '\r\n' : '\r';
          break;
        }
        if (b === QUOTE) this.inQuotes = !this.inQuotes;
        else if (!this.inQuotes && b === LF) {
          this.delimiter = '\n';
          break;
        } else if (!this.inQuotes && b === CR) this.pendingCr = true;
      }
    }
    this.tail = chunk.length >= 2 ? Buffer.from(chunk.subarray(chunk.length - 2)) : Buffer.concat([this.tail, chunk]).subarray(-2);
  }

  private record(record: string[]): void {
    if (this.header === undefined) {
      this.header = record;
      const names = record.map((name) => name.trim().toLowerCase());
      this.idColumn = ID_FIELDS.map((f) => names.indexOf(f)).find((i) => i >= 0) ?? -1;
      if (this.idColumn < 0) {
        throw protocolError(
          l10n.t('{0} cannot be checked: its header has no task_id column, so repeated rows would go unseen.', this.subject),
          `CSV header without an id column (${record.length} columns)`,
        );
      }
    } else {
      const id = record[this.idColumn] ?? '';
      if (id === '') throw protocolError(l10n.t('{0} cannot be checked: row {1} has no task_id.', this.subject, this.ids.records + 1), 'CSV row without an id');
      if (id.length > MAX_ID_BYTES)
        throw protocolError(l10n.t('{0} has a task id longer than {1} characters in row {2}.', this.subject, MAX_ID_BYTES, this.ids.records + 1), 'CSV id too long');
      this.ids.add(id);
    }
    if (!this.raw) {
      const bom = this.header === record && this.hasBom ? '\ufeff' : '';
      this.rewritten.push(bom + csvStringify([record], { ...csvWriteOptions(this.delimiter ?? '\n', false), eof: true }));
    }
  }

  /** Rows end with the record delimiter when the export has one: a body without it at the end was cut. */
  private checkEnd(): void {
    if (this.delimiter === undefined) return; // at most a header: nothing to cut
    if (!this.tail.toString('latin1').endsWith(this.delimiter)) {
      throw protocolError(
        l10n.t(
          '{0} is cut short: its last row does not end with a line break like every other row, so it may be missing the end of its last field (after {1} complete rows).',
          this.subject,
          Math.max(0, this.ids.records - 1),
        ),
        `CSV does not end with its record delimiter (${JSON.stringify(this.delimiter)}); ${this.ids.records} rows`,
      );
    }
  }

  /** csv-parse's errors in the user's terms; our own ProtocolErrors (thrown from on_record) pass as they are. */
  private explain(error: Error, atEnd: boolean): Error {
    if (error instanceof ProtocolError) return error;
    const complete = this.ids.records;
    if (error instanceof CsvError) {
      const code = error.code;
      if (code === 'CSV_QUOTE_NOT_CLOSED') {
        return protocolError(
          l10n.t('{0} is cut short: it ends inside a quoted field of row {1}, after {2} complete rows.', this.subject, complete + 1, complete),
          `${code} at end`,
        );
      }
      if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        const fields = (error as CsvError & { record?: unknown[] }).record?.length ?? 0;
        const width = this.header?.length ?? 0;
        return atEnd
          ? protocolError(
              l10n.t("{0} is cut short: its last row has {1} of the header's {2} fields, after {3} complete rows.", this.subject, fields, width, complete),
              `${code} at end: ${fields}/${width}`,
            )
          : protocolError(
              l10n.t('{0} is not valid CSV: row {1} has {2} fields where the header has {3}.', this.subject, complete + 1, fields, width),
              `${code}: ${fields}/${width}`,
            );
      }
      return protocolError(l10n.t('{0} is not valid CSV at row {1}: {2}.', this.subject, complete + 1, error.message.split(':')[0]!), `${code}: ${error.message.slice(0, 200)}`);
    }
    return error;
  }
}
