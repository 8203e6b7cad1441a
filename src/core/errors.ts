// Typed failures of the history APIs. Each carries a message a person can act on
// (`message`, shown in the UI and the CLI) and the technical detail for the log
// (`detail`), kept apart so neither leaks into the other. No error ever holds a key: both
// texts pass the redactor (every key the process knows) when the error is built, whichever
// layer builds it.
import { redactKnown } from './redaction';

export type ApiErrorKind = 'auth' | 'not-found' | 'bad-request' | 'rate-limited' | 'server' | 'network' | 'timeout' | 'protocol' | 'cancelled' | 'unsupported' | 'outcome-unknown';

export abstract class HistoryApiError extends Error {
  abstract readonly kind: ApiErrorKind;
  /** For the log: method, path, status, the body's own message. Never a key. */
  readonly detail: string;
  readonly status?: number;

  constructor(message: string, detail: string, status?: number) {
    super(redactKnown(message));
    this.name = new.target.name;
    this.detail = redactKnown(detail);
    this.status = status;
  }
}

/** 401/403: the key is missing, wrong, rotated or for another project. */
export class AuthError extends HistoryApiError {
  readonly kind = 'auth';
}

/** 404: an unknown id, an id past retention, or an unknown project. */
export class NotFoundError extends HistoryApiError {
  readonly kind = 'not-found';
}

/** 400: the API rejected a parameter; `parameter` names it when the body says which. */
export class BadRequestError extends HistoryApiError {
  readonly kind = 'bad-request';
  constructor(
    message: string,
    detail: string,
    readonly parameter: string | undefined,
  ) {
    super(message, detail, 400);
  }
}

/** An id that cannot be one URL path segment ("..", empty, control characters): refused before any request. */
export class InvalidIdError extends HistoryApiError {
  readonly kind = 'bad-request';
}

/** 429 after the retries ran out, or a Retry-After longer than we are willing to wait. */
export class RateLimitedError extends HistoryApiError {
  readonly kind = 'rate-limited';
  constructor(
    message: string,
    detail: string,
    /** Seconds the server asked us to wait, when it said. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message, detail, 429);
  }
}

/** 5xx after the retries ran out. */
export class ServerError extends HistoryApiError {
  readonly kind = 'server';
}

/** The server could not be reached, or the connection broke, after the retries ran out. */
export class NetworkError extends HistoryApiError {
  readonly kind = 'network';
}

export class TimeoutError extends HistoryApiError {
  readonly kind = 'timeout';
}

/** The body is not JSON, is cut short, or does not have the documented shape. */
export class ProtocolError extends HistoryApiError {
  readonly kind = 'protocol';
}

/** The caller cancelled (an AbortSignal fired). */
export class CancelledError extends HistoryApiError {
  readonly kind = 'cancelled';
  constructor(detail = 'cancelled by the caller') {
    super('Cancelled.', detail);
  }
}

/** Asked of a source something its API cannot do (a status it cannot filter by…). */
export class UnsupportedError extends HistoryApiError {
  readonly kind = 'unsupported';
}

/**
 * A request that changes something (a replay) failed in a way that leaves open whether the
 * server acted on it: a 5xx, a connection that broke after the request went out, no answer
 * in time, a success answer cut short. It must not be sent again blindly: look first.
 */
export class OutcomeUnknownError extends HistoryApiError {
  readonly kind = 'outcome-unknown';
  constructor(
    message: string,
    detail: string,
    /** What happened, as a clause: "Paragon answered 502", "the connection broke after the request was sent". */
    readonly reason: string,
    status?: number,
  ) {
    super(message, detail, status);
  }
}

export function isHistoryApiError(value: unknown): value is HistoryApiError {
  return value instanceof HistoryApiError;
}

/** The message to show a person for any thrown value. */
export function userMessage(error: unknown): string {
  // Redacted again: a key may have become known after the error was built.
  return redactKnown(error instanceof Error ? error.message : String(error));
}
