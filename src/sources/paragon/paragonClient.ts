// Paragon Task History API client: list, get with steps, step input/output, replay.
// The project id lives in the base URL's path; cloud and on-premise differ only in origin.
import * as l10n from '@vscode/l10n';
import type { RunDetail, RunPage, RunQuery, SourceCapabilities, StepPayload } from '../../core/model';
import type { HistorySource, ListOptions } from '../../core/source';
import { OutcomeUnknownError, ProtocolError, UnsupportedError } from '../../core/errors';
import { HttpPolicy, tuningOf, type ClientTuning } from '../http/httpPolicy';
import type { RateLimit } from '../http/rateLimiter';
import { pathSegment } from '../pathSegment';
import { nextOffsetFrom, parseExecutionDetail, parseList, parseStepPayload, PARAGON_STATUS_FILTER } from './paragonWire';

export const PARAGON_CLOUD_ORIGIN = 'https://api.useparagon.com';
export const PARAGON_PAGE_SIZE = 100;
/** The documented limit: 1,000 requests per 10 minutes per key. */
export const PARAGON_RATE_LIMIT: RateLimit = { limit: 1000, intervalMs: 10 * 60_000 };

export interface ParagonClientOptions extends ClientTuning {
  readonly projectId: string;
  /** Cloud `https://api.useparagon.com` (default) or on-premise `https://zeus.<host>`; a full task-history URL is accepted too. */
  readonly baseUrl?: string;
  /** Default: the documented 1,000 per 10 minutes; null turns the client-side budget off. */
  readonly rateLimit?: RateLimit | null;
  readonly label?: string;
}

/** `<origin>/projects/<projectId>/task-history`, from an origin or an already complete URL. */
export function paragonTaskHistoryUrl(baseUrl: string | undefined, projectId: string): string {
  const raw = (baseUrl ?? PARAGON_CLOUD_ORIGIN).trim().replace(/\/+$/, '');
  if (/\/projects\/[^/]+\/task-history$/.test(raw)) return raw;
  return `${raw}/projects/${pathSegment(projectId, 'Paragon project id')}/task-history`;
}

export class ParagonClient implements HistorySource {
  readonly kind = 'paragon';
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  private static readonly baseCapabilities = {
    replay: true,
    stepPayloads: true,
    serverExport: [],
    filterStatuses: ['running', 'failed', 'succeeded', 'delayed'],
    filterByUser: true,
    filterByWorkflow: true,
    filterByIntegration: true,
    groupBy: ['status', 'integration'],
    pageSize: PARAGON_PAGE_SIZE,
    // sortBy=ASC (the snapshot listing asks for it).
    listsOldestFirst: true,
  } as const satisfies SourceCapabilities;
  readonly http: HttpPolicy;

  constructor(options: ParagonClientOptions) {
    if (!options.projectId.trim()) throw new UnsupportedError(l10n.t('A Paragon source needs a project id.'), 'empty projectId');
    this.label = options.label ?? l10n.t('Paragon project {0}', options.projectId);
    const rateLimit = options.rateLimit === null ? undefined : (options.rateLimit ?? PARAGON_RATE_LIMIT);
    this.capabilities = { ...ParagonClient.baseCapabilities, requestBudget: rateLimit };
    this.http = new HttpPolicy({
      apiName: 'Paragon',
      baseUrl: paragonTaskHistoryUrl(options.baseUrl, options.projectId),
      ...tuningOf(options),
      retentionHint: l10n.t('Paragon keeps task history for 90 days by default, so an older run answers 404; also check the project id.'),
      rateLimit,
    });
  }

  async listPage(query: RunQuery, offset: number, options: ListOptions = {}): Promise<RunPage> {
    const body = await this.http.getJson({
      path: '/workflow-executions',
      query: {
        userId: query.userId,
        workflowId: query.workflowId,
        integration: query.integration,
        status: this.statusParameter(query),
        afterDate: query.startedAfter?.toISOString(),
        beforeDate: query.startedBefore?.toISOString(),
        sortBy: options.order === 'asc' ? 'ASC' : options.order === 'desc' ? 'DESC' : undefined,
        offset: offset > 0 ? offset : undefined,
      },
      subject: this.label,
      signal: options.signal,
    });
    const page = parseList(body, query.integration);
    return {
      runs: page.runs,
      total: page.total,
      offset,
      nextOffset: nextOffsetFrom(page.nextLink, offset, page.runs.length),
    };
  }

  async getRun(id: string, signal?: AbortSignal): Promise<RunDetail> {
    const body = await this.http.getJson({
      path: `/workflow-executions/${pathSegment(id, 'run id')}`,
      subject: l10n.t('Workflow execution {0}', id),
      signal,
    });
    return parseExecutionDetail(body, id);
  }

  async getStepPayload(runId: string, stepId: string, signal?: AbortSignal): Promise<StepPayload> {
    const body = await this.http.getJson({
      path: `/workflow-executions/${pathSegment(runId, 'run id')}/step-executions/${pathSegment(stepId, 'step id')}`,
      subject: l10n.t('Step execution {0} of workflow execution {1}', stepId, runId),
      signal,
    });
    return parseStepPayload(body, runId, stepId);
  }

  /**
   * Replays an execution (beta endpoint). One call, one POST: never retried once it may have
   * run. Where it may have run without our knowing (a 5xx, a connection broken after the
   * request went out, a 201 cut short) it fails with OutcomeUnknownError: look in the
   * history before replaying again. The documented answer is 201 with no body; an HTML page
   * (a captive portal, a proxy's sign-in) is not the API's answer and not a replay.
   */
  async replay(runId: string, signal?: AbortSignal): Promise<void> {
    const segment = pathSegment(runId, 'run id');
    let answer: { status: number; body: string; contentType: string };
    try {
      answer = await this.http.post({ path: `/workflow-executions/${segment}/replay`, subject: l10n.t('Workflow execution {0}', runId), signal });
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      throw new OutcomeUnknownError(
        l10n.t('The replay of execution {0} may have started: {1}. It was not sent again: look for its new execution in the history before replaying.', runId, error.reason),
        error.detail,
        error.reason,
        error.status,
      );
    }
    // An empty body is no page, whatever its content type says (some servers label every answer text/html).
    if (answer.body.trim() !== '' && (/html/i.test(answer.contentType) || /^\s*</.test(answer.body))) {
      throw new ProtocolError(
        l10n.t(
          'The answer to the replay of execution {0} did not come from the Paragon API: an HTML page came back ({1}), so a captive portal, proxy or sign-in page is in the way. The replay most likely did not reach Paragon; check the network, and the history, before replaying.',
          runId,
          answer.status,
        ),
        `POST /workflow-executions/${segment}/replay → ${answer.status} ${answer.contentType || 'no content type'}, HTML body: ${JSON.stringify(answer.body.slice(0, 200))}`,
        answer.status,
      );
    }
  }

  private statusParameter(query: RunQuery): string | undefined {
    if (!query.status) return undefined;
    const value = PARAGON_STATUS_FILTER[query.status];
    if (!value) {
      throw new UnsupportedError(
        l10n.t('Paragon cannot filter by the status "{0}"; it knows EXECUTING, FAILED, SUCCEEDED and DELAYED.', query.status),
        `no Paragon status for ${query.status}`,
      );
    }
    return value;
  }
}
