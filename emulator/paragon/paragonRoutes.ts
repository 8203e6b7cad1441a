// Paragon's Task History API under /projects/:projectId/task-history: listing with filters
// and offset paging, one execution with its steps, one step's payload, and replay.
// Errors have NestJS's shape, as Paragon's do: {"message": "...", "statusCode": N}.
import { bearerToken, decodeSegment, jsonResponse, type ApiRequest, type ApiResponse, type ApiRouter } from '../http/apiTypes';
import { executionDetailJson, executionJson, stepDetailJson } from './executionWire';
import { InvalidParameter, type RunFilter, type RunQuery } from './runQuery';
import type { RunStore } from './runStore';

export interface ParagonApiOptions {
  readonly store: RunStore;
  readonly query: RunQuery;
  readonly projectId: string;
  readonly apiKey: string;
  /** Where nextLink points: another origin, like the docs' zeus.useparagon.com. */
  readonly nextLinkOrigin: () => string;
  readonly clock: () => number;
  readonly onReplay: (sourceId: string, newId: string) => void;
}

const PAGE_SIZE = 100;
const FILTERS = ['userId', 'workflowId', 'integration', 'status', 'beforeDate', 'afterDate'] as const;
const PATH = /^\/projects\/([^/]+)\/task-history\/workflow-executions(?:\/([^/]+)(?:\/step-executions\/([^/]+)|\/(replay))?)?\/?$/;

export function nestError(status: number, message: string): ApiResponse {
  return jsonResponse(status, { message, statusCode: status });
}

function badRequest(error: InvalidParameter): ApiResponse {
  return nestError(400, `Invalid value for ${error.parameter}: ${error.value}`);
}

/** Encodes a query value like the docs' nextLink: "@" and ":" stay readable, "+" and the rest are escaped. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/gi, ':');
}

function listRuns(options: ParagonApiOptions, url: URL, projectId: string): ApiResponse {
  const params = url.searchParams;
  const filter: RunFilter = {};
  // The filters in the order the caller sent them, echoed in nextLink like the docs do.
  const echoed: string[] = [];
  for (const [name, value] of params) {
    const known = FILTERS.find((f) => f === name);
    if (!known || filter[known] !== undefined) continue;
    filter[known] = value;
    echoed.push(`${name}=${encodeQueryValue(value)}`);
  }
  const offsetText = params.get('offset');
  const sortBy = params.get('sortBy') ?? 'DESC';
  try {
    if (offsetText !== null && !/^\d+$/.test(offsetText)) throw new InvalidParameter('offset', offsetText);
    if (sortBy !== 'ASC' && sortBy !== 'DESC') throw new InvalidParameter('sortBy', sortBy);
    const compiled = options.query.compile(filter, true);
    const offset = offsetText === null ? 0 : Number(offsetText);
    const indices = options.query.matching(compiled);
    const total = indices.length;
    const now = options.clock();
    const page = [];
    for (let j = offset; j < Math.min(total, offset + PAGE_SIZE); j++) {
      const index = sortBy === 'ASC' ? indices[j]! : indices[total - 1 - j]!;
      page.push(executionJson(options.store, index, now));
    }
    const next = offset + PAGE_SIZE;
    const query = [...echoed, `sortBy=${sortBy}`, `offset=${next}`].join('&');
    const nextLink = next < total ? `${options.nextLinkOrigin()}/projects/${projectId}/task-history/workflow-executions?${query}` : null;
    return jsonResponse(200, { workflowExecutions: page, nextLink, total });
  } catch (error) {
    if (error instanceof InvalidParameter) return badRequest(error);
    throw error;
  }
}

export function createParagonRouter(options: ParagonApiOptions): ApiRouter {
  const { store } = options;
  return (request) => {
    const match = PATH.exec(request.url.pathname);
    if (!match) return undefined;
    const [, rawProject, rawRun, rawStep, replay] = match;
    const method = request.method;
    const key =
      rawRun === undefined
        ? method === 'GET'
          ? 'paragon.list'
          : undefined
        : replay
          ? method === 'POST'
            ? 'paragon.replay'
            : undefined
          : rawStep !== undefined
            ? method === 'GET'
              ? 'paragon.step'
              : undefined
            : method === 'GET'
              ? 'paragon.get'
              : undefined;
    const handle = (req: ApiRequest): ApiResponse => {
      if (!key) return nestError(404, `Cannot ${method} ${req.url.pathname}`);
      if (bearerToken(req.authorization) !== options.apiKey) return nestError(401, 'Unauthorized');
      const projectId = decodeSegment(rawProject!) ?? rawProject!;
      if (projectId !== options.projectId) return nestError(404, `Project ${projectId} not found`);
      if (key === 'paragon.list') return listRuns(options, req.url, options.projectId);
      const runId = decodeSegment(rawRun!) ?? rawRun!;
      store.refresh();
      const index = store.indexOf(runId);
      if (index === undefined) return nestError(404, `Workflow execution ${runId} not found`);
      const now = options.clock();
      if (key === 'paragon.get') return jsonResponse(200, executionDetailJson(store, index, now));
      if (key === 'paragon.step') {
        const stepId = decodeSegment(rawStep!) ?? rawStep!;
        const detail = stepDetailJson(store, index, stepId, now);
        return detail ? jsonResponse(200, detail) : nestError(404, `Step execution ${stepId} not found in workflow execution ${runId}`);
      }
      const newId = store.replay(index);
      options.onReplay(runId, newId);
      return { status: 201, headers: {} };
    };
    return { key, family: 'paragon', handle };
  };
}
