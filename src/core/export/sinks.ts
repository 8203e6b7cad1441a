// Writers for the three formats. Each takes exported runs one at a time and writes them
// to a stream with backpressure, so memory stays flat however many runs there are.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvColumns, csvRows } from './columns';
import type { ExportedRun } from './records';

export type ExportFormat = 'json' | 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'ndjson', 'csv'];

export interface RecordSink {
  write(run: ExportedRun): Promise<void>;
  /** Finishes the document and waits until `out` has flushed everything. */
  end(): Promise<void>;
}

export interface SinkOptions {
  readonly includeSteps: boolean;
  readonly includePayloads: boolean;
}

export function createSink(format: ExportFormat, out: Writable, options: SinkOptions): RecordSink {
  switch (format) {
    case 'json':
      return new JsonArraySink(out);
    case 'ndjson':
      return new NdjsonSink(out);
    case 'csv':
      return new CsvSink(out, options);
  }
}

async function writeWithBackpressure(out: Writable, chunk: string | unknown[]): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function finish(out: Writable): Promise<void> {
  out.end();
  if (!out.writableFinished) await once(out, 'finish');
}

/** A JSON array, one run per line, so a large file still opens and greps well. */
class JsonArraySink implements RecordSink {
  private count = 0;
  constructor(private readonly out: Writable) {}

  async write(run: ExportedRun): Promise<void> {
    await writeWithBackpressure(this.out, `${this.count++ === 0 ? '[\n' : ',\n'}${JSON.stringify(run)}`);
  }

  async end(): Promise<void> {
    await writeWithBackpressure(this.out, this.count === 0 ? '[]\n' : '\n]\n');
    await finish(this.out);
  }
}

/** Newline-delimited JSON: what BigQuery and DuckDB load directly. */
class NdjsonSink implements RecordSink {
  constructor(private readonly out: Writable) {}

  async write(run: ExportedRun): Promise<void> {
    await writeWithBackpressure(this.out, `${JSON.stringify(run)}\n`);
  }

  async end(): Promise<void> {
    await finish(this.out);
  }
}

/** RFC 4180 CSV through csv-stringify, with a fixed header. */
class CsvSink implements RecordSink {
  private readonly stringifier;
  private readonly piped: Promise<void>;

  constructor(
    out: Writable,
    private readonly options: SinkOptions,
  ) {
    this.stringifier = stringify({
      header: true,
      columns: csvColumns(options.includeSteps, options.includePayloads),
      record_delimiter: '\r\n',
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    });
    this.stringifier.pipe(out);
    this.piped = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
      this.stringifier.once('error', reject);
    });
    this.piped.catch(() => undefined);
  }

  async write(run: ExportedRun): Promise<void> {
    for (const row of csvRows(run, this.options.includeSteps, this.options.includePayloads)) {
      await writeWithBackpressure(this.stringifier, row);
    }
  }

  async end(): Promise<void> {
    this.stringifier.end();
    await this.piped;
  }
}
