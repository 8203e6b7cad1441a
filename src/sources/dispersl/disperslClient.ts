// Dispersl History API client: list, get with steps, and the server-side export streamed
// straight to a writable (never buffered). Rate limits depend on the account's tier.
import * as l10n from '@vscode/l10n';
import { pipeline } from 'node:stream/promises';
import { Transform, type Writable } from 'node:stream';
import type { RunDetail, RunPage, RunQuery, SourceCapabilities } from '../../core/model';
import type { HistorySource, ListOptions } from '../../core/source';
import { CancelledError, HistoryApiError, NetworkError, UnsupportedError } from '../../core/errors';
import { formatNumber } from '../../core/locale';
import { HttpPolicy, tuningOf, type ClientTuning } from '../http/httpPolicy';
import { pathSegment } from '../pathSegment';
import { DISPERSL_STATUS_FILTER, parseTaskDetail, parseTaskList } from './disperslWire';

export const DISPERSL_ORIGIN = 'https://api.dispersl.com/v1';
export const DISPERSL_PAGE_SIZE = 100;
/** Requests per hour by tier; Enterprise is custom, so the source's setting wins. */
export const DISPERSL_TIER_REQUESTS_PER_HOUR = { free: 100, pro: 1000 } as const;

export interface DisperslClientOptions extends ClientTuning {
  /** Default `https://api.dispersl.com/v1`. */
  readonly baseUrl?: string;
  /** The account's limit (Free 100, Pro 1,000, Enterprise custom); null turns the client-side budget off. */
  readonly requestsPerHour?: number | null;
  readonly label?: string;
}

export class DisperslClient implements HistorySource {
  readonly kind = 'dispersl';
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  private static readonly baseCapabilities = {
    replay: false,
    stepPayloads: false,
    serverExport: ['csv', 'json'],
    filterStatuses: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
    filterByUser: false,
    filterByWorkflow: false,
    filterByIntegration: false,
    groupBy: ['status'],
    pageSize: DISPERSL_PAGE_SIZE,
    // Newest first, with no sort parameter.
    listsOldestFirst: false,
  } as const satisfies SourceCapabilities;
  readonly http: HttpPolicy;

  constructor(options: DisperslClientOptions) {
    this.label = options.label ?? 'Dispersl';
    const perHour = options.requestsPerHour === undefined ? DISPERSL_TIER_REQUESTS_PER_HOUR.pro : options.requestsPerHour;
    const rateLimit = perHour === null ? undefined : { limit: perHour, intervalMs: 3_600_000 };
    this.capabilities = { ...DisperslClient.baseCapabilities, requestBudget: rateLimit };
    this.http = new HttpPolicy({
      apiName: 'Dispersl',
      baseUrl: (options.baseUrl ?? DISPERSL_ORIGIN).trim().replace(/\/+$/, ''),
      ...tuningOf(options),
      retentionHint: l10n.t('Dispersl keeps history for 90 days on the Free tier, so an older task answers 404.'),
      rateLimit,
    });
  }

  /** Dispersl lists newest first and has no sort parameter, so `order` is ignored. */
  async listPage(query: RunQuery, offset: number, options: ListOptions = {}): Promise<RunPage> {
    this.rejectUnsupported(query);
    const body = await this.http.getJson({
      path: '/history',
      query: { limit: DISPERSL_PAGE_SIZE, offset, ...this.filterParameters(query) },
      subject: this.label,
      signal: options.signal,
    });
    const page = parseTaskList(body, offset);
    const nextOffset = page.hasMore && page.runs.length > 0 ? offset + page.runs.length : undefined;
    return { runs: page.runs, total: page.total, offset, nextOffset };
  }

  async getRun(id: string, signal?: AbortSignal): Promise<RunDetail> {
    const body = await this.http.getJson({ path: `/history/${pathSegment(id, 'task id')}`, subject: l10n.t('Task {0}', id), signal });
    return parseTaskDetail(body, id);
  }

  /**
   * Streams the server's export into `out` (which it ends); resolves with the bytes written.
   * A failure of `out` (the caller's check of the export, or its file) is rethrown as it is;
   * a body that breaks off is a NetworkError saying how far it got.
   */
  async exportToStream(format: 'csv' | 'json', query: RunQuery, out: Writable, signal?: AbortSignal): Promise<number> {
    this.rejectUnsupported(query);
    const body = await this.http.getStream({
      path: '/history/export',
      query: { format, ...this.filterParameters(query) },
      subject: l10n.t('The Dispersl export'),
      signal,
    });
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    // Which side failed first: the pipeline then destroys the others with the same error.
    // (Listeners stay: a late 'error' from a destroyed stream must find one.)
    let failedFirst: 'body' | 'out' | undefined;
    body.on('error', () => (failedFirst ??= 'body'));
    count.on('error', () => (failedFirst ??= 'body'));
    out.on('error', () => (failedFirst ??= 'out'));
    try {
      await pipeline(body, count, out, { signal });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError('export cancelled while streaming');
      if (error instanceof HistoryApiError || failedFirst === 'out') throw error;
      const reason = (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
      throw new NetworkError(
        l10n.t('The Dispersl export broke off after {0} bytes: the connection ended before the file was complete. Try again.', formatNumber(bytes)),
        `GET /history/export?format=${format}: body failed after ${bytes} bytes: ${reason}`,
      );
    }
    return bytes;
  }

  private filterParameters(query: RunQuery): Record<string, string | undefined> {
    let status: string | undefined;
    if (query.status) {
      status = DISPERSL_STATUS_FILTER[query.status];
      if (!status) {
        throw new UnsupportedError(
          l10n.t('Dispersl cannot filter by the status "{0}"; it knows created, in_progress, completed, failed and cancelled.', query.status),
          `no Dispersl status for ${query.status}`,
        );
      }
    }
    return {
      status,
      from_date: query.startedAfter?.toISOString(),
      to_date: query.startedBefore?.toISOString(),
    };
  }

  private rejectUnsupported(query: RunQuery): void {
    const unsupported = (['userId', 'workflowId', 'integration'] as const).filter((k) => query[k] !== undefined);
    if (unsupported.length > 0) {
      throw new UnsupportedError(l10n.t('Dispersl cannot filter by {0}.', unsupported.join(', ')), `unsupported filters ${unsupported.join(',')}`);
    }
  }
}
