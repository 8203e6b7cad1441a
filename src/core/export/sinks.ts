// Writers for the three formats. Each takes exported runs one at a time and writes them
// to a stream with backpressure, so memory stays flat however many runs there are. A
// stream that fails (a full disk) or stops answering never leaves a write waiting: every
// wait for 'drain' or 'finish' also ends on the stream's error, its close, or Cancel.
import type { Writable } from 'node:stream';
import { stringify, type Options as CsvOptions } from 'csv-stringify/sync';
import { csvColumns, csvRows } from './columns';
import { csvWriteOptions } from './csvWriteOptions';
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
  /**
   * CSV: write text cells exactly as the API sent them. By default a text cell starting with
   * `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet shows
   * it as text instead of running it as a formula. Numbers (a negative duration) stay numbers.
   */
  readonly rawCsv?: boolean;
  /** Cancel: ends a wait for the stream at once. */
  readonly signal?: AbortSignal;
}

export function createSink(format: ExportFormat, out: Writable, options: SinkOptions): RecordSink {
  switch (format) {
    case 'json':
      return new JsonArraySink(out, options.signal);
    case 'ndjson':
      return new NdjsonSink(out, options.signal);
    case 'csv':
      return new CsvSink(out, options);
  }
}

/** A stream that closed before it finished, without saying why. */
export class OutputClosedError extends Error {
  constructor() {
    super('The output closed before the export finished.');
    this.name = 'OutputClosedError';
  }
}

/**
 * Writes a chunk, waiting for 'drain' when the stream asks to. Rejects with the stream's
 * error as soon as it has one (also one that came between two writes), when it closes,
 * or when `signal` aborts.
 */
export async function writeChunk(out: Writable, chunk: string, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  throwIfBroken(out);
  if (out.write(chunk)) return;
  await waitFor(out, 'drain', signal);
}

/** Ends the stream and waits until it has flushed everything ('finish'), on the same terms. */
export async function endStream(out: Writable, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (out.writableFinished) return;
  throwIfBroken(out);
  if (!out.writableEnded) out.end();
  await waitFor(out, 'finish', signal);
}

function throwIfBroken(out: Writable): void {
  if (out.errored) throw out.errored;
  if (out.destroyed || out.writableEnded) throw new OutputClosedError();
}

function waitFor(out: Writable, event: 'drain' | 'finish', signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (fail?: unknown) => {
      out.off(event, onEvent);
      out.off('error', onError);
      out.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (fail === undefined) resolve();
      else reject(fail);
    };
    const onEvent = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => (event === 'finish' && out.writableFinished ? settle() : settle(out.errored ?? new OutputClosedError()));
    const onAbort = () => settle(signal!.reason);
    out.once(event, onEvent);
    out.once('error', onError);
    out.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    // It may have happened before we listened: the error event is already gone.
    if (signal?.aborted) onAbort();
    else if (event === 'finish' && out.writableFinished) onEvent();
    else if (out.errored || out.closed) onClose();
  });
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
