// Turns whatever a request failed with into one of our typed errors, with a message a
// person can act on. The raw axios error is never attached (not even as `cause`): its
// config holds the Authorization header, and a logger that prints causes would leak it.
// Whatever the server sent back (an error body echoing the Authorization header, a
// Location) passes the redactor — with the key this very request carried — before any of
// it is quoted or cut short, so no piece of the key reaches a message or the log.
// A request that changes something (POST: a replay) and failed where the server may
// already have acted is an OutcomeUnknownError, never a "try again".
import { AxiosError } from 'axios';
import {
  AuthError,
  BadRequestError,
  CancelledError,
  HistoryApiError,
  NetworkError,
  NotFoundError,
  OutcomeUnknownError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from '../../core/errors';
import { redactorFor } from '../../core/redaction';

/** What the mapper needs to know to word a message. */
export interface ErrorContext {
  /** The API's name as users know it: "Paragon", "Dispersl". */
  readonly apiName: string;
  /** e.g. "Workflow execution 1234"; used for 404s. */
  readonly subject?: string;
  /** How to fix a rejected key in this host (a command in VS Code, a variable in the CLI). */
  readonly keyHint: string;
  /** Appended to 404 messages: the vendor's retention rule. */
  readonly retentionHint: string;
  /** Query parameters sent, to name the one a 400 complains about. */
  readonly parameters: readonly string[];
  readonly method: string;
  /** Path and query on the pinned origin, for the log. */
  readonly target: string;
  readonly origin: string;
  readonly attempts: number;
  /**
   * Extra redaction (the policy's own). Not needed for the request's key: it is read from
   * the request's Authorization header; keys the process knows are always redacted.
   */
  readonly redact?: (text: string) => string;
}

export const BODY_NOT_JSON = 'ERR_BODY_NOT_JSON';

/** Connection failures that mean the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

/** The Authorization header the request carried, and the key in it. */
function sentSecrets(error: AxiosError): string[] {
  const headers = error.config?.headers as { get?: (name: string) => unknown } | Record<string, unknown> | undefined;
  const raw = typeof headers?.get === 'function' ? headers.get('Authorization') : (headers as Record<string, unknown> | undefined)?.['Authorization'];
  if (typeof raw !== 'string' || raw === '') return [];
  return [raw, raw.replace(/^\s*(Bearer|Basic|Token)\s+/i, '')];
}

export function mapRequestError(error: unknown, ctx: ErrorContext): HistoryApiError {
  if (error instanceof HistoryApiError) {
    // A success status whose body could not be read (over the cap, not decompressing): the
    // server took the request, so for a POST the outcome is unknown, never a plain failure.
    if (error instanceof ProtocolError && error.status !== undefined && error.status >= 200 && error.status < 300 && mayHaveActed(ctx)) {
      return outcomeUnknown(`its answer (${error.status}) could not be read: ${error.message}`, error.detail, ctx, error.status);
    }
    return error;
  }
  const own = redactorFor(error instanceof AxiosError ? sentSecrets(error) : []);
  const redact = ctx.redact ? (text: string) => own(ctx.redact!(text)) : own;
  if (!(error instanceof AxiosError)) {
    const text = redact(error instanceof Error ? error.message : String(error));
    return new NetworkError(`${ctx.apiName} request failed: ${text}`, `${ctx.method} ${ctx.target}: ${text}`);
  }
  const where = `${ctx.method} ${ctx.target}`;
  if (error.code === AxiosError.ERR_CANCELED) return new CancelledError(`${where}: cancelled`);

  const response = error.response;
  const rawBody = response && typeof response.data === 'string' ? response.data : '';
  if (error.code === BODY_NOT_JSON && response) return bodyNotJson(rawBody, response.status, ctx, redact);
  // A success status with a body that broke off: the connection dropped mid-response.
  if (!response || response.status < 300) return connectionFailure(error, ctx, redact);

  const status = response.status;
  const apiMessage = messageFromBody(rawBody, redact);
  const detail = `${where} → ${status}${apiMessage ? `: ${apiMessage}` : ''} (after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'})`;

  if (status === 401 || status === 403) {
    return new AuthError(`${ctx.apiName} rejected the API key (${status}${apiMessage ? ` ${apiMessage}` : ''}). ${ctx.keyHint}`, detail, status);
  }
  if (status === 404) {
    const subject = ctx.subject ?? 'The requested resource';
    return new NotFoundError(`${subject} was not found (404${apiMessage ? `: ${apiMessage}` : ''}). ${ctx.retentionHint}`, detail, 404);
  }
  if (status === 400) {
    const parameter = ctx.parameters.find((p) => apiMessage?.includes(p));
    const what = parameter ? `the parameter "${parameter}"` : 'the request';
    return new BadRequestError(`${ctx.apiName} rejected ${what}: ${apiMessage ?? 'bad request (400)'}.`, detail, parameter);
  }
  if (status === 429) {
    const retryAfter = retryAfterSeconds(response.headers['retry-after']);
    const wait = retryAfter !== undefined ? ` It asks to wait ${retryAfter} s.` : '';
    return new RateLimitedError(
      `${ctx.apiName}'s rate limit is exhausted (429) after ${ctx.attempts} attempts.${wait} Try again later, or lower the request rate for this source.`,
      detail,
      retryAfter,
    );
  }
  if (status >= 500 && mayHaveActed(ctx)) {
    const reason = `${ctx.apiName} answered ${status}${apiMessage ? ` (${apiMessage})` : ''}`;
    return outcomeUnknown(reason, detail, ctx, status);
  }
  if (status >= 500) {
    return new ServerError(
      `${ctx.apiName} had a server error (${status}) and still failed after ${ctx.attempts} attempts. The service may be down; try again later.`,
      detail,
      status,
    );
  }
  if (status >= 300 && status < 400) {
    return new ProtocolError(
      `${ctx.apiName} redirected the request (${status}) to ${redact(String(response.headers['location'] ?? 'another address'))}; it was not followed so the key is not sent elsewhere. Check the base URL.`,
      detail,
      status,
    );
  }
  return new ProtocolError(`${ctx.apiName} answered ${status}${apiMessage ? `: ${apiMessage}` : ''}.`, detail, status);
}

/** A request that changes something: if the server may have acted, it must not be repeated blindly. */
function mayHaveActed(ctx: ErrorContext): boolean {
  return ctx.method.toUpperCase() !== 'GET';
}

function outcomeUnknown(reason: string, detail: string, ctx: ErrorContext, status?: number): OutcomeUnknownError {
  return new OutcomeUnknownError(
    `${ctx.apiName} may have acted on the request: ${reason}. It was not sent again; check whether it took effect before repeating it.`,
    detail,
    reason,
    status,
  );
}

function connectionFailure(error: AxiosError, ctx: ErrorContext, redact: (text: string) => string): HistoryApiError {
  const where = `${ctx.method} ${ctx.target}`;
  const code = error.code ?? 'ERR_NETWORK';
  const detail = `${where}: ${code} ${redact(error.message)} (after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'})`;
  if (mayHaveActed(ctx) && !NOT_SENT_CODES.has(code)) {
    const reason = error.response
      ? `its answer (${error.response.status}) broke off before it was complete`
      : code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT
        ? `${ctx.apiName} did not answer in time`
        : `the connection broke after the request was sent (${code})`;
    return outcomeUnknown(reason, detail, ctx, error.response?.status);
  }
  if (code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT) {
    return new TimeoutError(`${ctx.apiName} did not answer in time (${ctx.origin}). The service may be slow or unreachable; try again.`, detail);
  }
  if (/maxContentLength/i.test(error.message)) {
    return new ProtocolError(`${ctx.apiName} sent a response too large to load.`, detail);
  }
  const reason = error.response
    ? 'the connection broke while the answer was arriving'
    : code === 'ENOTFOUND'
      ? 'the host name does not resolve'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : `the connection failed (${code})`;
  return new NetworkError(`Could not reach ${ctx.apiName} at ${ctx.origin}: ${reason}. Check the base URL and your network.`, detail);
}

/**
 * Text quoted from a body is redacted first, then cut. Only this much of it is redacted (a
 * 100 MB page need not be scanned to quote 300 characters): a key cut off at this window's
 * end lies far beyond the quoted part, so the order "redact, then cut" still holds.
 */
const QUOTE_WINDOW = 8192;

function quote(text: string, length: number, redact: (text: string) => string): string {
  return redact(text.slice(0, QUOTE_WINDOW)).slice(0, length);
}

function bodyNotJson(body: string, status: number, ctx: ErrorContext, redact: (text: string) => string): HistoryApiError {
  const detail = `${ctx.method} ${ctx.target} → ${status}, body not JSON: ${JSON.stringify(quote(body, 200, redact))}`;
  const looksHtml = /^\s*</.test(body);
  const message = looksHtml
    ? `${ctx.apiName} answered with an HTML page instead of JSON. Check the base URL; a proxy or sign-in page may be in the way.`
    : body.length === 0
      ? `${ctx.apiName} answered with an empty body where JSON was expected.`
      : `${ctx.apiName} answered with a body that is not valid JSON (it may have been cut short).`;
  return new ProtocolError(message, detail, status);
}

/** The `message` both vendors put in their error bodies, if the body is JSON: redacted, then cut at 300 characters. */
function messageFromBody(body: string, redact: (text: string) => string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'message' in parsed) {
      const message = (parsed as { message: unknown }).message;
      if (typeof message === 'string' && message.length > 0) return quote(message, 300, redact);
    }
  } catch {
    // Not JSON: an HTML error page from a proxy, say. Not worth quoting to the user.
  }
  return undefined;
}

export function retryAfterSeconds(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
