// The bodies of injected faults, shaped like what a client meets in the wild: the API's own
// error JSON for 5xx and 429, and an HTML page from a captive portal or proxy for non-JSON.
import { envelopeError } from '../dispersl/disperslRoutes';
import { nestError } from '../paragon/paragonRoutes';
import type { ApiFamily, ApiResponse } from './apiTypes';

const REASONS: Readonly<Record<number, string>> = {
  429: 'Too Many Requests',
  500: 'Internal server error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function errorFor(family: ApiFamily, status: number, headers: Readonly<Record<string, string>> = {}): ApiResponse {
  const message = REASONS[status] ?? 'Error';
  const response = family === 'dispersl' ? envelopeError(status, message) : nestError(status, message);
  return { ...response, headers: { ...response.headers, ...headers } };
}

export function rateLimitedResponse(family: ApiFamily, retryAfterSeconds: number): ApiResponse {
  return errorFor(family, 429, { 'Retry-After': String(retryAfterSeconds) });
}

const PORTAL_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to Guest Wi-Fi</title></head>
<body><h1>Welcome to Guest Wi-Fi</h1>
<p>Please accept the terms of use to continue browsing.</p>
<form method="post" action="/login"><button type="submit">Accept and connect</button></form>
</body></html>
`;

export function nonJsonResponse(): ApiResponse {
  return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: PORTAL_PAGE };
}
