// Turns whatever a request failed with into one of our typed errors, with a message a
// person can act on. The raw axios error is never attached (not even as `cause`): its
// config holds the Authorization header, and a logger that prints causes would leak it.
// Whatever the server sent back (an error body echoing the Authorization header, a
// Location) passes the redactor — with the key this very request carried — before any of
// it is quoted or cut short, so no piece of the key reaches a message or the log.
// A request that changes something (POST: a replay) and failed where the server may
// already have acted is an OutcomeUnknownError, never a "try again".
import * as l10n from '@vscode/l10n';
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
      return outcomeUnknown(l10n.t('its answer ({0}) could not be read: {1}', error.status, error.message), error.detail, ctx, error.status);
    }
    return error;
  }
  const own = redactorFor(error instanceof AxiosError ? sentSecrets(error) : []);
  const redact = ctx.redact ? (text: string) => own(ctx.redact!(text)) : own;
  if (!(error instanceof AxiosError)) {
    const text = redact(error instanceof Error ? error.message : String(error));
    return new NetworkError(l10n.t('{0} request failed: {1}', ctx.apiName, text), `${ctx.method} ${ctx.target}: ${text}`);
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
    const rejected = apiMessage ? l10n.t('{0} rejected the API key ({1} {2}).', ctx.apiName, status, apiMessage) : l10n.t('{0} rejected the API key ({1}).', ctx.apiName, status);
    return new AuthError(`${rejected} ${ctx.keyHint}`, detail, status);
  }
  if (status === 404) {
    const subject = ctx.subject ?? l10n.t('The requested resource');
    const notFound = apiMessage ? l10n.t('{0} was not found (404: {1}).', subject, apiMessage) : l10n.t('{0} was not found (404).', subject);
    return new NotFoundError(`${notFound} ${ctx.retentionHint}`, detail, 404);
  }
  if (status === 400) {
    const parameter = ctx.parameters.find((p) => apiMessage?.includes(p));
    const why = apiMessage ?? l10n.t('bad request (400)');
    const message = parameter ? l10n.t('{0} rejected the parameter "{1}": {2}.', ctx.apiName, parameter, why) : l10n.t('{0} rejected the request: {1}.', ctx.apiName, why);
    return new BadRequestError(message, detail, parameter);
  }
  if (status === 429) {
    const retryAfter = retryAfterSeconds(response.headers['retry-after']);
    const message =
      retryAfter !== undefined
        ? l10n.t(
            "{0}'s rate limit is exhausted (429) after {1} attempts. It asks to wait {2} s. Try again later, or lower the request rate for this source.",
            ctx.apiName,
            ctx.attempts,
            retryAfter,
          )
        : l10n.t("{0}'s rate limit is exhausted (429) after {1} attempts. Try again later, or lower the request rate for this source.", ctx.apiName, ctx.attempts);
    return new RateLimitedError(message, detail, retryAfter);
  }
  if (status >= 500 && mayHaveActed(ctx)) {
    const reason = apiMessage ? l10n.t('{0} answered {1} ({2})', ctx.apiName, status, apiMessage) : l10n.t('{0} answered {1}', ctx.apiName, status);
    return outcomeUnknown(reason, detail, ctx, status);
  }
  if (status >= 500) {
    return new ServerError(
      l10n.t('{0} had a server error ({1}) and still failed after {2} attempts. The service may be down; try again later.', ctx.apiName, status, ctx.attempts),
      detail,
      status,
    );
  }
  if (status >= 300 && status < 400) {
    return new ProtocolError(
      l10n.t(
        '{0} redirected the request ({1}) to {2}; it was not followed so the key is not sent elsewhere. Check the base URL.',
        ctx.apiName,
        status,
        (response.headers['location'] ?? undefined) === undefined ? l10n.t('another address') : redact(String(response.headers['location'])),
      ),
      detail,
      status,
    );
  }
  return new ProtocolError(apiMessage ? l10n.t('{0} answered {1}: {2}.', ctx.apiName, status, apiMessage) : l10n.t('{0} answered {1}.', ctx.apiName, status), detail, status);
}

/** A request that changes something: if the server may have acted, it must not be repeated blindly. */
function mayHaveActed(ctx: ErrorContext): boolean {
  return ctx.method.toUpperCase() !== 'GET';
}

function outcomeUnknown(reason: string, detail: string, ctx: ErrorContext, status?: number): OutcomeUnknownError {
  return new OutcomeUnknownError(
    l10n.t('{0} may have acted on the request: {1}. It was not sent again; check whether it took effect before repeating it.', ctx.apiName, reason),
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
      ? l10n.t('its answer ({0}) broke off before it was complete', error.response.status)
      : code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT
        ? l10n.t('{0} did not answer in time', ctx.apiName)
        : l10n.t('the connection broke after the request was sent ({0})', code);
    return outcomeUnknown(reason, detail, ctx, error.response?.status);
  }
  if (code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT) {
    return new TimeoutError(l10n.t('{0} did not answer in time ({1}). The service may be slow or unreachable; try again.', ctx.apiName, ctx.origin), detail);
  }
  if (/maxContentLength/i.test(error.message)) {
    return new ProtocolError(l10n.t('{0} sent a response too large to load.', ctx.apiName), detail);
  }
  const reason = error.response
    ? l10n.t('the connection broke while the answer was arriving')
    : code === 'ENOTFOUND'
      ? l10n.t('the host name does not resolve')
      : code === 'ECONNREFUSED'
        ? l10n.t('the connection was refused')
        : l10n.t('the connection failed ({0})', code);
  return new NetworkError(l10n.t('Could not reach {0} at {1}: {2}. Check the base URL and your network.', ctx.apiName, ctx.origin, reason), detail);
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
    ? l10n.t('{0} answered with an HTML page instead of JSON. Check the base URL; a proxy or sign-in page may be in the way.', ctx.apiName)
    : body.length === 0
      ? l10n.t('{0} answered with an empty body where JSON was expected.', ctx.apiName)
      : l10n.t('{0} answered with a body that is not valid JSON (it may have been cut short).', ctx.apiName);
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
