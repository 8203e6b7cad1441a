// Counts the records of a server-side export as it streams past, without parsing it,
// so a streamed export is still checked against the API's total.
import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** CSV: rows are newlines outside quotes; the header row is not counted. */
export class CsvRecordCounter extends Transform {
  private inQuotes = false;
  private lines = 0;
  private lastByte = NEWLINE;

  get records(): number {
    const rows = this.lines + (this.lastByte === NEWLINE ? 0 : 1);
    return Math.max(0, rows - 1);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const byte of chunk) {
      if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      else if (byte === NEWLINE && !this.inQuotes) this.lines++;
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1]!;
    done(null, chunk);
  }
}

/** JSON array of objects: counts objects that open at depth 1. */
export class JsonArrayRecordCounter extends Transform {
  private depth = 0;
  private inString = false;
  private escaped = false;
  records = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const byte of chunk) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (byte === OPEN_BRACE && this.depth === 1) this.records++;
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) this.depth--;
    }
    done(null, chunk);
  }
}
