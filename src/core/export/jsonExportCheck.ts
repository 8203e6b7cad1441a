// Checks a server-side JSON export as it streams past. Its shape is not documented, so
// three are accepted, told apart by what the stream holds: a bare array of records; an
// envelope `{ "status", "message", "data": [records] }` like every other Dispersl answer;
// NDJSON (one record object per line). The bytes pass through unchanged.
import * as l10n from '@vscode/l10n';
import { Transform, type TransformCallback } from 'node:stream';
import { ID_FIELDS, IdTally, MAX_ID_BYTES, protocolError, type ExportCheck, type ExportCheckOptions, type ExportTally, type ServerExportShape } from './exportCheck';

// ---------------------------------------------------------------------------------------
// JSON
//
// A hand-written scanner rather than a streaming JSON library: it has to do three things a
// tokenizer alone does not (tell the three shapes apart, count records at the right depth,
// and pick each record's id out of the stream) while copying nothing but ids, and the JSON
// grammar it must check is small. It is exact: every byte goes through a state of the
// RFC 8259 grammar (strings with their escapes and no raw control characters, numbers,
// literals, nesting matched by a stack), so anything JSON.parse would reject is rejected,
// in whatever pieces the body arrives (the tests split bodies at every byte).

const enum S {
  /** Between top-level values (before the first, or after one). */
  Top,
  /** A value must come (after `:` or `,` in an array). */
  Value,
  /** After `[`: a value or `]`. */
  ArrayFirst,
  /** After `{`: a key or `}`. */
  ObjectFirst,
  /** After `,` in an object: a key. */
  Key,
  /** After a key: `:`. */
  Colon,
  /** After a value inside a container: `,` or the closing bracket. */
  After,
  String,
  Number,
  Literal,
}

const enum N {
  Minus,
  Zero,
  Int,
  Dot,
  Frac,
  Exp,
  ExpSign,
  ExpDigits,
}

const enum Capture {
  None,
  Key,
  Id,
  Status,
  Message,
}

const MAX_DEPTH = 256;
const MAX_KEY_BYTES = 32;
const MAX_TEXT_BYTES = 300;

const LITERALS: Readonly<Record<number, Buffer>> = {
  0x74: Buffer.from('true'),
  0x66: Buffer.from('false'),
  0x6e: Buffer.from('null'),
};

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}
function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}
function isHex(b: number): boolean {
  return isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** The value of a JSON string's raw content (escapes decoded); the content is known to be valid. */
function decodeJsonString(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.includes('\\') ? (JSON.parse(`"${text}"`) as string) : text;
}

/** Record ids of one object being read: the preferred field wins whatever the order. */
class RecordIds {
  values: (string | undefined)[] = [];
  reset(): void {
    this.values = [];
  }
  set(field: number, value: string): void {
    this.values[field] = value;
  }
  get id(): string | undefined {
    return this.values.find((v) => v !== undefined && v !== '');
  }
}

export class JsonExportCheck extends Transform implements ExportCheck {
  private readonly subject: string;
  private readonly ids: IdTally;
  private state = S.Top;
  /** Container kinds, 1 = object, 0 = array, by depth (stack[0] is the top-level value). */
  private readonly stack = new Uint8Array(MAX_DEPTH);
  private depth = 0;
  private shape: ServerExportShape | undefined;
  private topValues = 0;
  private newlineSinceValue = false;
  private bom = 0;
  private offset = 0;
  private chunks = 0;
  // Numbers and literals.
  private num = N.Int;
  private literal: Buffer | undefined;
  private literalAt = 0;
  // Strings.
  private escape = 0; // 0 none, 1 after a backslash, 2..5 hex digits of \u still to come
  private stringIsKey = false;
  // Where records are: the depth of a record object's own members, 0 when not in one.
  private recordDepth = 0;
  /** Inside the top-level object: it is an envelope if it turns out to have `data: [...]`. */
  private dataArrayOpen = false;
  private sawDataArray = false;
  private dataNotArray = false;
  private readonly topIds = new RecordIds();
  private readonly recordIds = new RecordIds();
  private envelopeStatus: string | undefined;
  private envelopeMessage: string | undefined;
  // The last key at depth 1 and at the record's depth.
  private keyTop = '';
  private keyRecord = '';
  // Bytes of the key or scalar being captured.
  private capture = Capture.None;
  private captureField = 0;
  private captureIntoTop = false;
  private captureLimit = 0;
  private captureParts: Buffer[] = [];
  private captureBytes = 0;
  private captureOverflow = false;
  private captureIsString = false;

  constructor(options: ExportCheckOptions) {
    super();
    this.subject = options.subject;
    this.ids = new IdTally(options.onRecords);
  }

  get tally(): ExportTally {
    return { records: this.ids.records, duplicates: this.ids.duplicates, repeatedIds: this.ids.repeatedIds, shape: this.shape, chunks: this.chunks, bytes: this.offset };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks++;
    try {
      this.scan(chunk);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.finish();
    } catch (error) {
      done(error as Error);
      return;
    }
    this.ids.onRecordsFinal();
    done();
  }

  /** `message`: the whole sentence for the person (the display language); `detail`: for the log (English). */
  private fail(message: string, detail: string): never {
    throw protocolError(message, `${detail} at byte ${this.offset} (${this.ids.records} complete records before it)`);
  }

  /** `expected` in English (the log), `expectedShown` in the display language (the message). */
  private invalid(b: number, expected: string, expectedShown = expected): never {
    const shown = b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`;
    this.fail(
      l10n.t('{0} is not valid JSON: {1} where {2} should be, in record {3}.', this.subject, shown, expectedShown, this.ids.records + 1),
      `invalid JSON: ${shown}, expected ${expected}`,
    );
  }

  private scan(chunk: Buffer): void {
    const n = chunk.length;
    // Where the bytes of the key or scalar being captured start in this chunk (-1: none).
    let captureFrom = this.capture !== Capture.None && (this.state === S.String || this.state === S.Number) ? 0 : -1;
    for (let i = 0; i < n; i++, this.offset++) {
      const b = chunk[i]!;
      switch (this.state) {
        case S.String: {
          if (this.escape === 1) {
            if (b === 0x75) this.escape = 5;
            else if (b === 0x22 || b === 0x5c || b === 0x2f || b === 0x62 || b === 0x66 || b === 0x6e || b === 0x72 || b === 0x74) this.escape = 0;
            else this.invalid(b, 'an escape character', l10n.t('an escape character'));
          } else if (this.escape > 1) {
            if (!isHex(b)) this.invalid(b, 'a hex digit', l10n.t('a hex digit'));
            this.escape = this.escape === 2 ? 0 : this.escape - 1;
          } else if (b === 0x5c) {
            this.escape = 1;
          } else if (b === 0x22) {
            if (captureFrom >= 0) this.keep(chunk.subarray(captureFrom, i));
            captureFrom = -1;
            this.endString();
          } else if (b < 0x20) {
            this.invalid(b, 'a string character (control characters must be escaped)', l10n.t('a string character (control characters must be escaped)'));
          }
          break;
        }
        case S.Number: {
          if (this.numberContinues(b)) break;
          if (this.num !== N.Zero && this.num !== N.Int && this.num !== N.Frac && this.num !== N.ExpDigits) this.invalid(b, 'a digit', l10n.t('a digit'));
          if (captureFrom >= 0) this.keep(chunk.subarray(captureFrom, i));
          captureFrom = -1;
          this.endScalar();
          i--; // the byte after a number is read again, after the value
          this.offset--;
          break;
        }
        case S.Literal: {
          if (b !== this.literal![this.literalAt]) this.invalid(b, `"${this.literal!.toString()}"`);
          if (++this.literalAt === this.literal!.length) this.endScalar();
          break;
        }
        case S.Top: {
          if (this.bom > 0 || (this.offset === 0 && b === 0xef)) {
            // A UTF-8 byte-order mark before the first value.
            const expected = [0xef, 0xbb, 0xbf][this.bom];
            if (b !== expected) this.invalid(b, 'a byte-order mark', l10n.t('a byte-order mark'));
            this.bom = this.bom === 2 ? 0 : this.bom + 1;
            break;
          }
          if (isSpace(b)) {
            if (b === 0x0a) this.newlineSinceValue = true;
            break;
          }
          this.topValue(b);
          break;
        }
        case S.Value:
        case S.ArrayFirst: {
          if (isSpace(b)) break;
          if (b === 0x5d && this.state === S.ArrayFirst) {
            this.close(0);
            break;
          }
          const from = this.startValue(b);
          if (from >= 0) captureFrom = i + from;
          break;
        }
        case S.ObjectFirst:
        case S.Key: {
          if (isSpace(b)) break;
          if (b === 0x7d && this.state === S.ObjectFirst) {
            this.close(1);
            break;
          }
          if (b !== 0x22) this.invalid(b, this.state === S.Key ? 'a key' : 'a key or "}"', this.state === S.Key ? l10n.t('a key') : l10n.t('a key or "}"'));
          this.startKey();
          if (this.capture !== Capture.None) captureFrom = i + 1;
          break;
        }
        case S.Colon: {
          if (isSpace(b)) break;
          if (b !== 0x3a) this.invalid(b, '":"', l10n.t('":"'));
          this.state = S.Value;
          break;
        }
        case S.After: {
          if (isSpace(b)) break;
          const kind = this.stack[this.depth - 1]!;
          if (b === 0x2c) this.state = kind === 1 ? S.Key : S.Value;
          else if (b === (kind === 1 ? 0x7d : 0x5d)) this.close(kind);
          else this.invalid(b, kind === 1 ? '"," or "}"' : '"," or "]"', kind === 1 ? l10n.t('"," or "}"') : l10n.t('"," or "]"'));
          break;
        }
      }
    }
    if (captureFrom >= 0 && (this.state === S.String || this.state === S.Number)) this.keep(chunk.subarray(captureFrom));
  }

  private numberContinues(b: number): boolean {
    switch (this.num) {
      case N.Minus:
        if (b === 0x30) this.num = N.Zero;
        else if (isDigit(b)) this.num = N.Int;
        else this.invalid(b, 'a digit', l10n.t('a digit'));
        return true;
      case N.Zero:
      case N.Int:
        if (this.num === N.Int && isDigit(b)) return true;
        if (b === 0x2e) this.num = N.Dot;
        else if (b === 0x65 || b === 0x45) this.num = N.Exp;
        else return false;
        return true;
      case N.Dot:
        if (!isDigit(b)) this.invalid(b, 'a digit', l10n.t('a digit'));
        this.num = N.Frac;
        return true;
      case N.Frac:
        if (isDigit(b)) return true;
        if (b === 0x65 || b === 0x45) {
          this.num = N.Exp;
          return true;
        }
        return false;
      case N.Exp:
        if (b === 0x2b || b === 0x2d) this.num = N.ExpSign;
        else if (isDigit(b)) this.num = N.ExpDigits;
        else this.invalid(b, 'an exponent', l10n.t('an exponent'));
        return true;
      case N.ExpSign:
        if (!isDigit(b)) this.invalid(b, 'a digit', l10n.t('a digit'));
        this.num = N.ExpDigits;
        return true;
      case N.ExpDigits:
        return isDigit(b);
    }
  }

  /** A value at depth 0: the whole export, or the next NDJSON record. */
  private topValue(b: number): void {
    if (this.topValues === 0) {
      if (b === 0x5b) this.shape = 'array';
      else if (b !== 0x7b) this.fail(l10n.t('{0} is not JSON: it does not start with an array or an object.', this.subject), `first byte 0x${b.toString(16)}`);
    } else if (this.shape !== 'ndjson') {
      this.fail(l10n.t('{0} has data after the end of its JSON: the export is not what the API sent, or is two exports in one.', this.subject), 'trailing data');
    } else if (b !== 0x7b) {
      this.fail(l10n.t('{0} is not valid NDJSON: line {1} is not a JSON object.', this.subject, this.ids.records + 1), 'NDJSON value not an object');
    } else if (!this.newlineSinceValue) {
      this.fail(l10n.t('{0} is not valid NDJSON: record {1} is not on a line of its own.', this.subject, this.ids.records + 1), 'NDJSON values on one line');
    }
    this.topValues++;
    this.topIds.reset();
    this.open(b === 0x7b ? 1 : 0);
  }

  /** Starts any value inside a container; returns where its captured bytes start (0 this byte, 1 the next) or -1. */
  private startValue(b: number): number {
    const depth = this.depth;
    const parentIsObject = this.stack[depth - 1] === 1;
    const key = parentIsObject ? (depth === 1 ? this.keyTop : depth === this.recordDepth ? this.keyRecord : '') : '';
    // Where this value sits.
    const isRecord = (this.shape === 'array' && depth === 1) || (this.dataArrayOpen && depth === 2);
    if (isRecord && b !== 0x7b) this.fail(l10n.t('{0} is not a list of records: record {1} is not a JSON object.', this.subject, this.ids.records + 1), 'record not an object');
    const topObject = depth === 1 && parentIsObject && this.topValues === 1 && this.shape !== 'ndjson';
    if (topObject && key === 'data') {
      // A JSON reader keeps only the last of two "data" members: counting both would pass an
      // export whose file holds fewer records than were counted.
      if (this.sawDataArray || this.dataNotArray)
        this.fail(l10n.t('{0} has two "data" members: a JSON reader would keep only the last one.', this.subject), 'duplicate top-level "data" key');
      if (b === 0x5b) this.sawDataArray = true;
      else this.dataNotArray = true;
    }
    this.capture = Capture.None;
    if (b === 0x7b || b === 0x5b) {
      if (topObject && key === 'data' && b === 0x5b) {
        this.open(0);
        this.dataArrayOpen = true;
        return -1;
      }
      this.open(b === 0x7b ? 1 : 0);
      if (isRecord) {
        this.recordDepth = this.depth;
        this.recordIds.reset();
        this.keyRecord = '';
      }
      return -1;
    }
    // A scalar: capture it when it is an id, or the envelope's status or message.
    if (parentIsObject && (depth === 1 || depth === this.recordDepth)) {
      const field = (ID_FIELDS as readonly string[]).indexOf(key);
      if (field >= 0 && (b === 0x22 || b === 0x2d || isDigit(b))) {
        this.beginCapture(Capture.Id, MAX_ID_BYTES);
        this.captureField = field;
        this.captureIntoTop = depth === 1;
      } else if (topObject && b === 0x22 && (key === 'status' || key === 'message')) {
        this.beginCapture(key === 'status' ? Capture.Status : Capture.Message, MAX_TEXT_BYTES);
      }
    }
    if (b === 0x22) {
      this.state = S.String;
      this.stringIsKey = false;
      this.escape = 0;
      this.captureIsString = true;
      return this.capture !== Capture.None ? 1 : -1; // after the quote
    }
    if (b === 0x2d || isDigit(b)) {
      this.state = S.Number;
      this.num = b === 0x2d ? N.Minus : b === 0x30 ? N.Zero : N.Int;
      this.captureIsString = false;
      return this.capture !== Capture.None ? 0 : -1;
    }
    const literal = LITERALS[b];
    if (!literal) this.invalid(b, 'a value', l10n.t('a value'));
    this.capture = Capture.None;
    this.literal = literal;
    this.literalAt = 1;
    this.state = S.Literal;
    return -1;
  }

  private startKey(): void {
    this.state = S.String;
    this.stringIsKey = true;
    this.escape = 0;
    this.captureIsString = true;
    if (this.depth === 1 || this.depth === this.recordDepth) this.beginCapture(Capture.Key, MAX_KEY_BYTES);
    else this.capture = Capture.None;
  }

  private beginCapture(kind: Capture, limit: number): void {
    this.capture = kind;
    this.captureLimit = limit;
    this.captureParts = [];
    this.captureBytes = 0;
    this.captureOverflow = false;
  }

  private keep(bytes: Buffer): void {
    if (this.capture === Capture.None || this.captureOverflow) return;
    if (this.captureBytes + bytes.length > this.captureLimit) {
      this.captureOverflow = true;
      return;
    }
    this.captureParts.push(Buffer.from(bytes));
    this.captureBytes += bytes.length;
  }

  private captured(): string | undefined {
    if (this.captureOverflow) return undefined;
    const raw = Buffer.concat(this.captureParts);
    return this.captureIsString ? decodeJsonString(raw) : raw.toString('latin1');
  }

  private endString(): void {
    if (this.stringIsKey) {
      const key = this.capture === Capture.Key ? (this.captured() ?? '') : '';
      if (this.depth === 1) this.keyTop = key;
      if (this.depth === this.recordDepth) this.keyRecord = key;
      this.capture = Capture.None;
      this.state = S.Colon;
      return;
    }
    this.endScalar();
  }

  /** A string, number or literal value ended. */
  private endScalar(): void {
    if (this.capture !== Capture.None) {
      const text = this.captured();
      if (this.capture === Capture.Id) {
        if (text === undefined) this.fail(l10n.t('{0} has a task id longer than {1} bytes in record {2}.', this.subject, MAX_ID_BYTES, this.ids.records + 1), 'id too long');
        (this.captureIntoTop ? this.topIds : this.recordIds).set(this.captureField, text);
      } else if (this.capture === Capture.Status) {
        this.envelopeStatus = text;
      } else if (this.capture === Capture.Message) {
        this.envelopeMessage = text;
      }
      this.capture = Capture.None;
    }
    this.state = S.After;
  }

  private open(kind: 0 | 1): void {
    if (this.depth === MAX_DEPTH) this.fail(l10n.t('{0} nests deeper than {1} levels.', this.subject, MAX_DEPTH), 'too deep');
    this.stack[this.depth++] = kind;
    this.state = kind === 1 ? S.ObjectFirst : S.ArrayFirst;
  }

  private close(kind: number): void {
    const closing = this.depth;
    this.depth--;
    if (kind === 1 && closing === this.recordDepth && closing > 1) {
      this.endRecord(this.recordIds);
      this.recordDepth = 0;
    } else if (kind === 0 && this.dataArrayOpen && closing === 2) {
      this.dataArrayOpen = false;
    }
    if (this.depth > 0) {
      this.state = S.After;
      return;
    }
    if (kind === 1) this.endTopObject();
    this.state = S.Top;
    this.newlineSinceValue = false;
  }

  private endRecord(ids: RecordIds): void {
    const id = ids.id;
    if (id === undefined) {
      this.fail(l10n.t('{0} cannot be checked: record {1} has no task_id, so repeated rows would go unseen.', this.subject, this.ids.records + 1), 'record without an id');
    }
    this.ids.add(id);
  }

  /** The top-level object closed: an envelope, or the first (or next) NDJSON record. */
  private endTopObject(): void {
    if (this.shape === 'ndjson') {
      this.endRecord(this.topIds);
      return;
    }
    if (this.envelopeStatus?.toLowerCase() === 'error' && this.topIds.id === undefined) {
      const message = this.envelopeMessage ?? l10n.t('no message');
      this.fail(l10n.t('{0} is an error, not an export: the API answered "{1}".', this.subject, message), `envelope status error: ${message}`);
    }
    if (this.sawDataArray) {
      this.shape = 'envelope';
      return;
    }
    if (this.dataNotArray && this.topIds.id === undefined) {
      this.fail(l10n.t('{0} is not a list of records: its "data" is not an array.', this.subject), 'envelope data not an array');
    }
    this.shape = 'ndjson';
    this.endRecord(this.topIds);
  }

  private finish(): void {
    if (this.topValues === 0) {
      this.fail(l10n.t('{0} is empty: the API sent no JSON at all.', this.subject), 'empty body');
    }
    if (this.depth > 0 || this.state !== S.Top) {
      const inRecord = this.recordDepth > 0 || this.shape === 'ndjson' || (this.depth > 0 && this.topValues > 1);
      const array = this.dataArrayOpen || this.shape === 'array';
      const where = inRecord ? `inside record ${this.ids.records + 1}` : `before its ${array ? 'array' : 'object'} is closed`;
      const message = inRecord
        ? l10n.t('{0} is cut short: it ends inside record {1}, after {2} complete records.', this.subject, this.ids.records + 1, this.ids.records)
        : array
          ? l10n.t('{0} is cut short: it ends before its array is closed, after {1} complete records.', this.subject, this.ids.records)
          : l10n.t('{0} is cut short: it ends before its object is closed, after {1} complete records.', this.subject, this.ids.records);
      this.fail(message, `ends ${where}`);
    }
  }
}
