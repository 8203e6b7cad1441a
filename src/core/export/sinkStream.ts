// What every export format's writer shares: the sink interface, its options, and writes to
// the output stream with backpressure. A stream that fails (a full disk) or stops answering
// never leaves a write waiting: every wait for 'drain' or 'finish' also ends on the stream's
// error, its close, or Cancel. A module of its own so the Parquet sink (parquetSink.ts) and
// sinks.ts, which creates it, both use these without importing each other.
import * as l10n from '@vscode/l10n';
import type { Writable } from 'node:stream';
import type { ExportedRun } from './records';

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

/** A stream that closed before it finished, without saying why. */
export class OutputClosedError extends Error {
  constructor() {
    super(l10n.t('The output closed before the export finished.'));
    this.name = 'OutputClosedError';
  }
}

/**
 * Writes a chunk, waiting for 'drain' when the stream asks to. Rejects with the stream's
 * error as soon as it has one (also one that came between two writes), when it closes,
 * or when `signal` aborts.
 */
export async function writeChunk(out: Writable, chunk: string | Uint8Array, signal?: AbortSignal): Promise<void> {
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

/** Throws the stream's error when it has one, or OutputClosedError when it can take no more. */
export function throwIfBroken(out: Writable): void {
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
