// Writers for the four formats. Each takes exported runs one at a time and writes them
// to a stream with backpressure, so memory stays flat however many runs there are. A
// stream that fails (a full disk) or stops answering never leaves a write waiting: every
// wait for 'drain' or 'finish' also ends on the stream's error, its close, or Cancel
// (sinkStream.ts). Parquet has a module of its own (parquetSink.ts).
import type { Writable } from 'node:stream';
import { stringify, type Options as CsvOptions } from 'csv-stringify/sync';
import { csvColumns, csvRows } from './columns';
import { csvWriteOptions } from './csvWriteOptions';
import { ParquetSink } from './parquetSink';
import type { ExportedRun } from './records';
import { endStream, writeChunk, type RecordSink, type SinkOptions } from './sinkStream';

export { endStream, OutputClosedError, writeChunk, type RecordSink, type SinkOptions } from './sinkStream';

export type ExportFormat = 'json' | 'ndjson' | 'csv' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'ndjson', 'csv', 'parquet'];

export function createSink(format: ExportFormat, out: Writable, options: SinkOptions): RecordSink {
  switch (format) {
    case 'json':
      return new JsonArraySink(out, options.signal);
    case 'ndjson':
      return new NdjsonSink(out, options.signal);
    case 'csv':
      return new CsvSink(out, options);
    case 'parquet':
      return new ParquetSink(out, options);
  }
}

/** A JSON array, one run per line, so a large file still opens and greps well. */
class JsonArraySink implements RecordSink {
  private count = 0;
  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {}

  async write(run: ExportedRun): Promise<void> {
    await writeChunk(this.out, `${this.count++ === 0 ? '[\n' : ',\n'}${JSON.stringify(run)}`, this.signal);
  }

  async end(): Promise<void> {
    await writeChunk(this.out, this.count === 0 ? '[]\n' : '\n]\n', this.signal);
    await endStream(this.out, this.signal);
  }
}

/** Newline-delimited JSON: what BigQuery and DuckDB load directly. */
class NdjsonSink implements RecordSink {
  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {}

  async write(run: ExportedRun): Promise<void> {
    await writeChunk(this.out, `${JSON.stringify(run)}\n`, this.signal);
  }

  async end(): Promise<void> {
    await endStream(this.out, this.signal);
  }
}

/**
 * RFC 4180 CSV through csv-stringify, with a fixed header. Each run's rows are stringified
 * on their own (the sync API) and written like the other formats, so one backpressure and
 * error path serves all three; a piped stringifier would keep buffering after the file failed.
 */
class CsvSink implements RecordSink {
  private readonly csv: CsvOptions;
  private header: string | undefined;

  constructor(
    private readonly out: Writable,
    private readonly options: SinkOptions,
  ) {
    this.csv = {
      ...csvWriteOptions('\r\n', options.rawCsv ?? false),
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    };
    this.header = stringify([], { ...this.csv, header: true, columns: csvColumns(options.includeSteps, options.includePayloads) });
  }

  async write(run: ExportedRun): Promise<void> {
    const rows = stringify(csvRows(run, this.options.includeSteps, this.options.includePayloads), this.csv);
    await writeChunk(this.out, this.takeHeader() + rows, this.options.signal);
  }

  async end(): Promise<void> {
    const header = this.takeHeader();
    if (header) await writeChunk(this.out, header, this.options.signal);
    await endStream(this.out, this.options.signal);
  }

  private takeHeader(): string {
    const header = this.header ?? '';
    this.header = undefined;
    return header;
  }
}
