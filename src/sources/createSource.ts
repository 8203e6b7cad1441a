// Builds the right client for a configured source. The only place that switches on the
// kind of source; everything downstream asks capabilities.
import type { HistorySource } from '../core/source';
import { DisperslClient } from './dispersl/disperslClient';
import { UnsupportedError } from '../core/errors';
import type { HttpLog } from './http/httpPolicy';
import { ParagonClient } from './paragon/paragonClient';
import type { SourceConfig } from './sourceConfig';

export interface SourceDependencies {
  readonly apiKey: string | (() => string | undefined | Promise<string | undefined>);
  /** How to fix a missing or rejected key, in the host's words. */
  readonly keyHint?: string;
  readonly log?: HttpLog;
  readonly concurrency?: number;
  /** The longest silence (headers, or between pieces of a body); default deadlineMs. */
  readonly timeoutMs?: number;
  /** Per attempt of a JSON request: headers and body (HttpPolicy's default 60 s). */
  readonly deadlineMs?: number;
  /** A JSON body's cap, decompressed (default 32 MiB). */
  readonly maxResponseBytes?: number;
  /** A streamed server export: overall time (default 2 h) and size after decompression (default 2 GiB). */
  readonly streamDeadlineMs?: number;
  readonly maxStreamBytes?: number;
}

export function createSource(config: SourceConfig, deps: SourceDependencies): HistorySource {
  switch (config.kind) {
    case 'paragon':
      if (!config.projectId) {
        throw new UnsupportedError(`The Paragon source "${config.label ?? config.id}" has no projectId.`, `source ${config.id} without projectId`);
      }
      return new ParagonClient({
        projectId: config.projectId,
        baseUrl: config.baseUrl,
        label: config.label,
        allowInsecureHttp: config.allowInsecureHttp === true,
        ...deps,
      });
    case 'dispersl':
      return new DisperslClient({
        baseUrl: config.baseUrl,
        label: config.label,
        requestsPerHour: config.requestsPerHour,
        allowInsecureHttp: config.allowInsecureHttp === true,
        ...deps,
      });
    default: {
      const kind: string = (config as { kind: string }).kind;
      throw new UnsupportedError(`Unknown source kind "${kind}": use "paragon" or "dispersl".`, `source ${config.id} kind ${kind}`);
    }
  }
}
