// The emulator's internal request/response model: route handlers return a description of
// the answer, and one writer puts it on the wire (where faults can also bend it).

export type RouteKey = 'paragon.list' | 'paragon.get' | 'paragon.step' | 'paragon.replay' | 'dispersl.list' | 'dispersl.get' | 'dispersl.export';

export const ROUTE_KEYS: readonly RouteKey[] = ['paragon.list', 'paragon.get', 'paragon.step', 'paragon.replay', 'dispersl.list', 'dispersl.get', 'dispersl.export'];

/** Which API a path belongs to: decides the shape of error bodies (plain JSON or envelope). */
export type ApiFamily = 'paragon' | 'dispersl';

export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly authorization: string | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A complete body, sent with Content-Length. */
  readonly body?: string;
  /** A body produced piece by piece and sent with chunked transfer encoding. */
  readonly chunks?: Iterable<string>;
}

export interface RouteMatch {
  /** Undefined for paths that match no documented route (they still get an answer). */
  readonly key: RouteKey | undefined;
  readonly family: ApiFamily;
  handle(request: ApiRequest): ApiResponse | Promise<ApiResponse>;
}

export type ApiRouter = (request: ApiRequest) => RouteMatch | undefined;

export const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** The token of a `Bearer` Authorization header (the scheme is case-insensitive), if any. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Decodes a path segment; undefined when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
