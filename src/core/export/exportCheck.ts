// What every check of a server-side export shares: the tally it reports, the ids it
// remembers to catch repeated rows, and its errors. The checks themselves sit between the
// API's stream and the file (jsonExportCheck.ts, csvExportCheck.ts; serverExport.ts picks
// one): the format must end where the stream ends, every record is counted, and every
// record's task id is remembered. Memory stays flat: one chunk at a time, plus the set of
// ids (about 13 MiB at 150,000 UUID-sized ids, measured in the tests).
import type { Transform } from 'node:stream';
import { ProtocolError } from '../errors';

/** How a server export turned out to be laid out. */
export type ServerExportShape = 'array' | 'envelope' | 'ndjson' | 'csv';

export interface ExportTally {
  /** Records (rows under the header, array elements, NDJSON lines). */
  readonly records: number;
  /** Records whose task id an earlier record already had. */
  readonly duplicates: number;
  /** A few of the repeated ids, for the log. */
  readonly repeatedIds: readonly string[];
  readonly shape: ServerExportShape | undefined;
  /** Input chunks seen: a streamed export arrives in many. */
  readonly chunks: number;
  readonly bytes: number;
}

export interface ExportCheck extends Transform {
  readonly tally: ExportTally;
}

export interface ExportCheckOptions {
  /** Names the export in messages, e.g. "The export from Dispersl". */
  readonly subject: string;
  /** Called as records are counted (every 500, and at the end). */
  readonly onRecords?: (records: number) => void;
}

/** The fields a record's id is read from, in order of preference. */
export const ID_FIELDS = ['task_id', 'id'] as const;
/** Longer ids are not ids: a hostile body must not grow the id set without bound. */
export const MAX_ID_BYTES = 1024;
const REPORT_EVERY = 500;

/** The id set and the counts; exact (a Set of strings), never a hash that could collide. */
export class IdTally {
  records = 0;
  duplicates = 0;
  readonly repeatedIds: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly onRecords: ((records: number) => void) | undefined) {}

  add(id: string): void {
    this.records++;
    if (this.seen.has(id)) {
      this.duplicates++;
      if (this.repeatedIds.length < 5) this.repeatedIds.push(id);
    } else {
      this.seen.add(id);
    }
    if (this.records % REPORT_EVERY === 0) this.onRecords?.(this.records);
  }

  onRecordsFinal(): void {
    this.onRecords?.(this.records);
  }
}

/** A server export that fails its check: `message` is the whole sentence for the person (the display language), `detail` the log's (English). */
export function protocolError(message: string, detail: string): ProtocolError {
  return new ProtocolError(message, `server export: ${detail}`);
}
