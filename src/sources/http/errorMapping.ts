// Turns whatever a request failed with into one of our typed errors, with a message a
// person can act on. The raw axios error is never attached (not even as `cause`): its
// config holds the Authorization header, and a logger that prints causes would leak it.
import { AxiosError } from 'axios';
import {
  AuthError,
  BadRequestError,
  CancelledError,
  HistoryApiError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from '../errors';

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
}

export const BODY_NOT_JSON = 'ERR_BODY_NOT_JSON';

export function mapRequestError(error: unknown, ctx: ErrorContext): HistoryApiError {
  if (error instanceof HistoryApiError) return error;
  if (!(error instanceof AxiosError)) {
    const text = error instanceof Error ? error.message : String(error);
    return new NetworkError(`${ctx.apiName} request failed: ${text}`, `${ctx.method} ${ctx.target}: ${text}`);
  }
  const where = `${ctx.method} ${ctx.target}`;
  if (error.code === AxiosError.ERR_CANCELED) return new CancelledError(`${where}: cancelled`);

  const response = error.response;
  if (error.code === BODY_NOT_JSON && response) return bodyNotJson(String(response.data ?? ''), response.status, ctx);
  // A success status with a body that broke off: the connection dropped mid-response.
  if (!response || response.status < 300) return connectionFailure(error, ctx);

  const status = response.status;
  const bodyText = typeof response.data === 'string' ? response.data : '';
  const apiMessage = messageFromBody(bodyText);
  const detail = `${where} → ${status}${apiMessage ? `: ${apiMessage}` : ''} (after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'})`;

  if (status === 401 || status === 403) {
    return new AuthError(
      `${ctx.apiName} rejected the API key (${status}${apiMessage ? ` ${apiMessage}` : ''}). ${ctx.keyHint}`,
      detail,
      status,
    );
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
  if (status >= 500) {
    return new ServerError(
      `${ctx.apiName} had a server error (${status}) and still failed after ${ctx.attempts} attempts. The service may be down; try again later.`,
      detail,
      status,
    );
  }
  if (status >= 300 && status < 400) {
    return new ProtocolError(
      `${ctx.apiName} redirected the request (${status}) to ${String(response.headers['location'] ?? 'another address')}; it was not followed so the key is not sent elsewhere. Check the base URL.`,
      detail,
      status,
    );
  }
  return new ProtocolError(`${ctx.apiName} answered ${status}${apiMessage ? `: ${apiMessage}` : ''}.`, detail, status);
}

function connectionFailure(error: AxiosError, ctx: ErrorContext): HistoryApiError {
  const where = `${ctx.method} ${ctx.target}`;
  const code = error.code ?? 'ERR_NETWORK';
  const detail = `${where}: ${code} ${error.message} (after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'})`;
  if (code === AxiosError.ECONNABORTED || code === AxiosError.ETIMEDOUT) {
    return new TimeoutError(`${ctx.apiName} did not answer in time (${ctx.origin}). The service may be slow or unreachable; try again.`, detail);
  }
  if (/maxContentLength/i.test(error.message)) {
    return new ProtocolError(`${ctx.apiName} sent a response too large to load.`, detail);
  }
  const reason = error.response
    ? 'the connection broke while the answer was arriving'
    : code === 'ENOTFOUND' ? 'the host name does not resolve' : code === 'ECONNREFUSED' ? 'the connection was refused' : `the connection failed (${code})`;
  return new NetworkError(`Could not reach ${ctx.apiName} at ${ctx.origin}: ${reason}. Check the base URL and your network.`, detail);
}

function bodyNotJson(body: string, status: number, ctx: ErrorContext): HistoryApiError {
  const detail = `${ctx.method} ${ctx.target} → ${status}, body not JSON: ${JSON.stringify(body.slice(0, 200))}`;
  const looksHtml = /^\s*</.test(body);
  const message = looksHtml
    ? `${ctx.apiName} answered with an HTML page instead of JSON. Check the base URL; a proxy or sign-in page may be in the way.`
    : body.length === 0
      ? `${ctx.apiName} answered with an empty body where JSON was expected.`
      : `${ctx.apiName} answered with a body that is not valid JSON (it may have been cut short).`;
  return new ProtocolError(message, detail, status);
}

/** The `message` both vendors put in their error bodies, if the body is JSON. */
function messageFromBody(body: string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'message' in parsed) {
      const message = (parsed as { message: unknown }).message;
      if (typeof message === 'string' && message.length > 0) return message.slice(0, 300);
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
