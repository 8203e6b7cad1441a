// Reading an answer's body within limits. Bodies are decompressed here (axios is told not
// to), so every byte is counted after decompression as it arrives: a body past its cap,
// silent for too long, or past its attempt's deadline is stopped at once (the socket is
// destroyed), never buffered first. The same guard serves JSON answers (collected, with a
// small cap) and server exports (streamed to the caller, with a generous one).
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/**
 * The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days): a longer one fires
 * after 1 ms, which would turn a generous limit into an instant time-out.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** What we ask servers for; anything else they send is refused. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

export type BodyFailureReason = 'too-large' | 'idle' | 'deadline' | 'cancelled' | 'corrupt' | 'broken' | 'encoding';

/** Why a body was not read to its end; the policy words it for the user. */
export class BodyFailure extends Error {
  constructor(
    readonly reason: BodyFailureReason,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BodyFailure';
  }
}

/**
 * One attempt of a request: the caller's cancellation and the attempt's own deadline as one
 * signal (handed to axios, and watched while the body arrives). `end()` must be called once
 * the attempt is over, whatever its outcome.
 */
export class Attempt {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort = () => this.controller.abort();
  /** The deadline passed (not the caller's cancellation). */
  expired = false;

  constructor(
    private readonly caller: AbortSignal | undefined,
    readonly deadlineMs: number,
  ) {
    if (caller?.aborted) this.controller.abort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.timer = setTimeout(
      () => {
        this.expired = true;
        this.controller.abort();
      },
      Math.min(deadlineMs, MAX_TIMER_MS),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The caller gave up (this wins over an expired deadline). */
  get cancelled(): boolean {
    return this.caller?.aborted === true;
  }

  end(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

export interface BodyLimits {
  /** Decompressed bytes allowed; one more and the body is stopped. */
  readonly maxBytes: number;
  /** The longest silence allowed between two pieces of the body. */
  readonly idleMs: number;
}

export interface GuardOptions {
  readonly attempt?: Attempt;
  /** Called with each piece's decompressed size, as it passes. */
  readonly onBytes?: (bytes: number) => void;
  /** Words a failure for whoever reads the guard (a typed error for a stream's consumer). */
  readonly toError?: (failure: BodyFailure) => Error;
}

/**
 * The body of `source`, decoded per its Content-Encoding and checked as it passes. The
 * returned stream fails with a BodyFailure (or what `toError` makes of it) and destroys the
 * source when a limit is passed, the attempt ends, or the connection or the encoding breaks.
 */
export function guardBody(source: Readable, contentEncoding: unknown, limits: BodyLimits, options: GuardOptions = {}): Readable {
  let decoder: Transform | undefined;
  try {
    decoder = decoderFor(contentEncoding);
  } catch (error) {
    source.destroy();
    const guard = new BodyGuard(limits, options, { sourceFailed: false, decoderFailed: false });
    guard.destroy(error as Error);
    return guard;
  }
  const flags = { sourceFailed: false, decoderFailed: false };
  // Registered before pipeline's own listeners, so the flags are set when the guard hears.
  const onSourceFailure = () => {
    flags.sourceFailed = true;
  };
  source.once('error', onSourceFailure);
  source.once('aborted', onSourceFailure);
  decoder?.once('error', () => {
    if (!flags.sourceFailed) flags.decoderFailed = true;
  });
  const guard = new BodyGuard(limits, options, flags);
  const streams: (Readable | Transform)[] = decoder ? [source, decoder, guard] : [source, guard];
  // Errors reach the guard (pipeline destroys every stream with the first error).
  pipeline(streams as [Readable, ...Transform[]], () => undefined);
  return guard;
}

/** Reads a guarded body to its end. */
export async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decoderFor(contentEncoding: unknown): Transform | undefined {
  const value = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : String(contentEncoding ?? '')).trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // Unzip reads gzip (several members too) and zlib-wrapped deflate. Z_FINISH (the
      // default) makes a stream that stops before its end an error, not a silent cut.
      return zlib.createUnzip();
    case 'br':
      return zlib.createBrotliDecompress();
    default: {
      const shown = /^[\w.,\s-]{1,40}$/.test(value) ? value : 'unknown';
      throw new BodyFailure('encoding', `unsupported Content-Encoding "${shown}"`, shown);
    }
  }
}

class BodyGuard extends Transform {
  private bytes = 0;
  private idle: NodeJS.Timeout | undefined;
  private readonly onAbort = () => {
    const attempt = this.options.attempt;
    this.destroy(attempt?.cancelled ? new BodyFailure('cancelled', 'cancelled by the caller') : new BodyFailure('deadline', `deadline of ${attempt?.deadlineMs} ms exceeded`));
  };

  constructor(
    private readonly limits: BodyLimits,
    private readonly options: GuardOptions,
    private readonly flags: { readonly sourceFailed: boolean; readonly decoderFailed: boolean },
  ) {
    super();
    this.armIdle();
    const signal = options.attempt?.signal;
    if (signal?.aborted) queueMicrotask(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.options.onBytes?.(chunk.length);
    if (this.bytes > this.limits.maxBytes) {
      done(new BodyFailure('too-large', `more than ${this.limits.maxBytes} bytes after decompression`));
      return;
    }
    this.armIdle();
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.clearIdle();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.clearIdle();
    this.options.attempt?.signal.removeEventListener('abort', this.onAbort);
    if (!error) return done(null);
    const failure = this.classify(error);
    if (!failure) return done(error); // the consumer's own error (a full disk…): not ours to reword
    done(this.options.toError ? this.options.toError(failure) : failure);
  }

  /** What stopped the body, when it came from the body's side (not the consumer's). */
  private classify(error: Error): BodyFailure | undefined {
    const attempt = this.options.attempt;
    const code = (error as { code?: unknown }).code;
    if (attempt?.cancelled) return new BodyFailure('cancelled', 'cancelled by the caller');
    if (error instanceof BodyFailure) return error;
    if (attempt?.expired) return new BodyFailure('deadline', `deadline of ${attempt.deadlineMs} ms exceeded`);
    if (this.flags.sourceFailed || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return new BodyFailure('broken', error.message, typeof code === 'string' ? code : undefined);
    }
    if (this.flags.decoderFailed) return new BodyFailure('corrupt', error.message, typeof code === 'string' ? code : undefined);
    return undefined;
  }

  private armIdle(): void {
    this.clearIdle();
    this.idle = setTimeout(
      () => {
        // A consumer that is behind (a slow disk) is not the server's silence.
        if (this.readableLength >= this.readableHighWaterMark) return this.armIdle();
        this.destroy(new BodyFailure('idle', `no data for ${this.limits.idleMs} ms`));
      },
      Math.min(this.limits.idleMs, MAX_TIMER_MS),
    );
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
  }
}
