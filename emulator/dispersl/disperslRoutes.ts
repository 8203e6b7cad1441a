// Dispersl's History API under /v1: the task list with paging, one task with its steps, and
// the streamed export. Every answer is the envelope {status, message, data, pagination?}.
import { bearerToken, decodeSegment, jsonResponse, JSON_TYPE, type ApiRequest, type ApiResponse, type ApiRouter, type RouteKey } from '../http/apiTypes';
import { csvRow } from './csv';
import { TaskFilterError, type TaskFilter, type TaskStore } from './taskStore';
import { taskJson, taskSummaryJson } from './taskWire';

export interface DisperslApiOptions {
  readonly store: TaskStore;
  readonly apiKey: string;
  readonly clock: () => number;
}

const PATH = /^\/v1\/history(?:\/([^/]+))?\/?$/;
const CSV_HEADER = ['task_id', 'task_name', 'status', 'created_at', 'completed_at', 'duration', 'total_steps', 'success_rate', 'total_tokens'];
/** Tasks per written piece of an export: small pieces, never one giant string. */
const EXPORT_BATCH = 50;

export function envelopeError(status: number, message: string): ApiResponse {
  return jsonResponse(status, { status: 'error', message, data: null });
}

function invalid(parameter: string, value: string): ApiResponse {
  return envelopeError(400, `Invalid value for ${parameter}: ${value}`);
}

function readFilter(params: URLSearchParams): TaskFilter {
  const filter: TaskFilter = {};
  for (const name of ['status', 'from_date', 'to_date'] as const) {
    const value = params.get(name);
    if (value !== null) filter[name] = value;
  }
  return filter;
}

function filterError(error: unknown): ApiResponse {
  if (!(error instanceof TaskFilterError)) throw error;
  return invalid(error.parameter, error.value);
}

function listTasks(options: DisperslApiOptions, params: URLSearchParams): ApiResponse {
  const limitText = params.get('limit') ?? '50';
  const offsetText = params.get('offset') ?? '0';
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000) return invalid('limit', limitText);
  if (!/^\d+$/.test(offsetText)) return invalid('offset', offsetText);
  let indices: number[];
  try {
    indices = options.store.matching(readFilter(params));
  } catch (error) {
    return filterError(error);
  }
  const limit = Number(limitText);
  const offset = Number(offsetText);
  const now = options.clock();
  const data = indices.slice(offset, offset + limit).map((i) => taskSummaryJson(options.store, i, now));
  return jsonResponse(200, {
    status: 'success',
    message: 'Task history retrieved successfully',
    data,
    pagination: { total: indices.length, limit, offset, has_more: offset + data.length < indices.length },
  });
}

function* csvChunks(options: DisperslApiOptions, indices: number[]): Generator<string> {
  yield csvRow(CSV_HEADER);
  for (let from = 0; from < indices.length; from += EXPORT_BATCH) {
    const now = options.clock();
    let piece = '';
    for (const i of indices.slice(from, from + EXPORT_BATCH)) {
      const t = taskJson(options.store, i, now);
      piece += csvRow([t.task_id, t.task_name, t.status, t.created_at, t.completed_at, t.duration, t.total_steps, t.success_rate, t.total_tokens]);
    }
    yield piece;
  }
}

function* jsonChunks(options: DisperslApiOptions, indices: number[]): Generator<string> {
  yield '[';
  for (let from = 0; from < indices.length; from += EXPORT_BATCH) {
    const now = options.clock();
    const items = indices.slice(from, from + EXPORT_BATCH).map((i) => JSON.stringify(taskJson(options.store, i, now)));
    yield (from === 0 ? '' : ',') + items.join(',');
  }
  yield ']';
}

function exportTasks(options: DisperslApiOptions, params: URLSearchParams): ApiResponse {
  const format = params.get('format');
  if (format !== 'csv' && format !== 'json') return invalid('format', format ?? '(missing)');
  let indices: number[];
  try {
    indices = options.store.matching(readFilter(params));
  } catch (error) {
    return filterError(error);
  }
  const stamp = new Date(options.clock()).toISOString().slice(0, 10);
  return {
    status: 200,
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : JSON_TYPE,
      'Content-Disposition': `attachment; filename="task_history_${stamp}.${format}"`,
    },
    chunks: format === 'csv' ? csvChunks(options, indices) : jsonChunks(options, indices),
  };
}

export function createDisperslRouter(options: DisperslApiOptions): ApiRouter {
  return (request) => {
    const match = PATH.exec(request.url.pathname);
    if (!request.url.pathname.startsWith('/v1/') && request.url.pathname !== '/v1') return undefined;
    const rawId = match?.[1];
    const get = request.method === 'GET';
    // `export` is a route of its own, matched before /history/:task_id.
    const key: RouteKey | undefined = !match || !get ? undefined : rawId === undefined ? 'dispersl.list' : rawId === 'export' ? 'dispersl.export' : 'dispersl.get';
    const handle = (req: ApiRequest): ApiResponse => {
      if (!key) return envelopeError(404, `Route ${req.method} ${req.url.pathname} not found`);
      const token = bearerToken(req.authorization);
      if (token === undefined) return envelopeError(401, 'Unauthorized: no Bearer token provided');
      if (token !== options.apiKey) return envelopeError(401, 'Unauthorized: invalid API key');
      if (key === 'dispersl.list') return listTasks(options, req.url.searchParams);
      if (key === 'dispersl.export') return exportTasks(options, req.url.searchParams);
      const taskId = decodeSegment(rawId!) ?? rawId!;
      options.store.refresh();
      const index = options.store.indexOf(taskId);
      if (index === undefined) return envelopeError(404, `Task ${taskId} not found`);
      return jsonResponse(200, { status: 'success', message: 'Task history retrieved successfully', data: [taskJson(options.store, index, options.clock())] });
    };
    return { key, family: 'dispersl', handle };
  };
}
