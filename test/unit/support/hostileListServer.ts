// A raw node:http server on loopback that speaks just enough of the Paragon and Dispersl
// list/detail endpoints to lie about them: totals far above the data, nextLinks that never
// end or go backwards, paging fields that ignore the offset, ids repeated from an earlier
// page, details for another id. It counts every request, so tests can bound them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOSTILE_PROJECT = 'p-hostile';
export const HOSTILE_KEY = 'thx-hostile-list-key-0c1d2e';

export interface HostileBehaviour {
  /** Runs the server really holds, ids 0..runs-1, oldest first. */
  readonly runs: number;
  /** What every page claims as the filter's total (default: `runs`). */
  readonly total?: number;
  /** Runs per page (default 100). */
  readonly pageSize?: number;
  /**
   * Paragon's nextLink: `honest` while offset + pageSize < runs; `forever` always names
   * offset + pageSize; `same` names the offset just asked for; `back` names offset 0 after
   * the first page; `skip` names offset + 2 × pageSize.
   */
  readonly nextLink?: 'honest' | 'forever' | 'same' | 'back' | 'skip';
  /** Dispersl's has_more: honest, or always true. */
  readonly hasMore?: 'honest' | 'forever';
  /** Dispersl's pagination.offset: echo the request (default) or always answer 0. */
  readonly echoOffset?: 'request' | 'zero';
  /** Pages past the data start over at run 0 instead of coming back empty: a listing that never ends. */
  readonly wrap?: boolean;
  /** The page at `atOffset` starts with `count` ids taken from `fromOffset` (a repeat). */
  readonly repeat?: { readonly atOffset: number; readonly fromOffset: number; readonly count: number };
  /**
   * From the page at `fromOffset` on, every page starts `by` runs earlier: the shift a page
   * boundary sees when runs start while a newest-first listing pages (a legitimate repeat).
   */
  readonly shift?: { readonly fromOffset: number; readonly by: number };
  /** The id a run detail answers with, given the one asked for (default: the same). */
  readonly detailId?: (requested: string) => string;
  /** Extra fields of a Paragon step detail, given the ids asked for. */
  readonly stepIds?: (runId: string, stepId: string) => Record<string, string>;
}

export interface HostileListServer {
  readonly origin: string;
  /** Paragon base URL (origin; the client adds /projects/<p>/task-history). */
  readonly paragonBaseUrl: string;
  readonly disperslBaseUrl: string;
  behaviour: HostileBehaviour;
  /** Requests of each kind since the last reset. */
  readonly counts: { list: number; detail: number; step: number; other: number };
  /** Offsets asked of the list endpoints, in arrival order. */
  readonly offsets: number[];
  reset(behaviour: HostileBehaviour): void;
  close(): Promise<void>;
}

export function hostileRunId(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

const DAY0 = Date.parse('2026-10-01T00:00:00.000Z');

function startedAt(index: number): string {
  return new Date(DAY0 + index * 60_000).toISOString();
}

/** The ids of the page at `offset`, as the behaviour wants them served. */
function pageIds(b: HostileBehaviour, offset: number): string[] {
  const size = b.pageSize ?? 100;
  // The listing's sequence: with a shift, the runs just before the boundary appear twice.
  const shiftFrom = b.shift?.fromOffset ?? Number.POSITIVE_INFINITY;
  const shiftBy = b.shift?.by ?? 0;
  const length = sequenceLength(b);
  const indexAt = (position: number): number | undefined => {
    if (position >= length) {
      if (!b.wrap || b.runs === 0) return undefined;
      position %= length;
    }
    return position >= shiftFrom ? position - shiftBy : position;
  };
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const index = indexAt(offset + i);
    if (index === undefined) break;
    ids.push(hostileRunId(index));
  }
  if (b.repeat && b.repeat.atOffset === offset) {
    for (let i = 0; i < b.repeat.count && i < ids.length; i++) ids[i] = hostileRunId(b.repeat.fromOffset + i);
  }
  return ids;
}

/** How many entries the listing really serves (a shift repeats some runs). */
function sequenceLength(b: HostileBehaviour): number {
  return b.runs + (b.shift && b.shift.fromOffset < b.runs ? b.shift.by : 0);
}

function indexOf(id: string): number {
  return Number(id.slice(-12));
}

function paragonExecution(id: string): Record<string, unknown> {
  const index = indexOf(id);
  return {
    id,
    userId: 'user-1',
    taskCount: 2,
    runDuration: 1000,
    workflowId: 'wf-1',
    status: 'SUCCEEDED',
    dateStarted: startedAt(index),
    dateEnded: new Date(Date.parse(startedAt(index)) + 1000).toISOString(),
  };
}

function disperslTask(id: string): Record<string, unknown> {
  const index = indexOf(id);
  return {
    task_id: id,
    task_name: `task ${index}`,
    status: 'completed',
    created_at: startedAt(index),
    completed_at: new Date(Date.parse(startedAt(index)) + 1000).toISOString(),
    duration: '1s',
    total_steps: 1,
    success_rate: 100,
    total_tokens: 10,
  };
}

function paragonNextOffset(b: HostileBehaviour, offset: number): number | null {
  const size = b.pageSize ?? 100;
  switch (b.nextLink ?? 'honest') {
    case 'forever':
      return offset + size;
    case 'same':
      return offset;
    case 'back':
      return offset === 0 ? size : 0;
    case 'skip':
      return offset + 2 * size;
    default:
      return offset + size < (b.wrap ? Number.POSITIVE_INFINITY : sequenceLength(b)) ? offset + size : null;
  }
}

export async function startHostileListServer(initial: HostileBehaviour): Promise<HostileListServer> {
  const counts = { list: 0, detail: 0, step: 0, other: 0 };
  const offsets: number[] = [];
  const state = { behaviour: initial };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const b = state.behaviour;
    if (req.headers.authorization !== `Bearer ${HOSTILE_KEY}`) {
      counts.other++;
      return send(res, 401, { message: 'Unauthorized' });
    }
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const paragon = new RegExp(`^/projects/${HOSTILE_PROJECT}/task-history/workflow-executions(?:/([^/]+)(?:/step-executions/([^/]+))?)?$`).exec(url.pathname);
    if (paragon) {
      const [, runId, stepId] = paragon;
      if (runId === undefined) {
        counts.list++;
        offsets.push(offset);
        const next = paragonNextOffset(b, offset);
        return send(res, 200, {
          workflowExecutions: pageIds(b, offset).map(paragonExecution),
          nextLink: next === null ? null : `http://zeus.invalid/projects/${HOSTILE_PROJECT}/task-history/workflow-executions?sortBy=ASC&offset=${next}`,
          total: b.total ?? b.runs,
        });
      }
      const id = decodeURIComponent(runId);
      if (stepId === undefined) {
        counts.detail++;
        const answered = b.detailId ? b.detailId(id) : id;
        return send(res, 200, { ...paragonExecution(answered), stepExecutions: [] });
      }
      counts.step++;
      return send(res, 200, {
        isLargeInput: false,
        isLargeOutput: false,
        input: {},
        output: 'ok',
        ...(b.stepIds ? b.stepIds(id, decodeURIComponent(stepId)) : {}),
      });
    }
    const dispersl = /^\/v1\/history(?:\/([^/]+))?$/.exec(url.pathname);
    if (dispersl) {
      const [, taskId] = dispersl;
      if (taskId === undefined) {
        counts.list++;
        offsets.push(offset);
        const data = pageIds(b, offset).map(disperslTask);
        const total = b.total ?? b.runs;
        return send(res, 200, {
          status: 'success',
          message: 'ok',
          data,
          pagination: {
            total,
            limit: Number(url.searchParams.get('limit') ?? '50'),
            offset: (b.echoOffset ?? 'request') === 'zero' ? 0 : offset,
            has_more: (b.hasMore ?? 'honest') === 'forever' ? true : offset + data.length < sequenceLength(b),
          },
        });
      }
      counts.detail++;
      const id = decodeURIComponent(taskId);
      const answered = b.detailId ? b.detailId(id) : id;
      return send(res, 200, { status: 'success', message: 'ok', data: [{ ...disperslTask(answered), steps: [] }] });
    }
    counts.other++;
    send(res, 404, { message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    paragonBaseUrl: origin,
    disperslBaseUrl: `${origin}/v1`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value: HostileBehaviour) {
      state.behaviour = value;
    },
    counts,
    offsets,
    reset(behaviour: HostileBehaviour) {
      state.behaviour = behaviour;
      counts.list = counts.detail = counts.step = counts.other = 0;
      offsets.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
