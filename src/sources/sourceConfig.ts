// A configured history source, as stored in the `taskHistory.sources` setting (never
// with its key: keys live in SecretStorage or the CLI's environment).
import type { SourceKind } from '../core/model';

export interface SourceConfig {
  /** Stable id; also names the source's secret. */
  readonly id: string;
  readonly kind: SourceKind;
  readonly label?: string;
  /** Paragon: an origin (cloud or on-premise) or the full task-history URL. Dispersl: the API root. */
  readonly baseUrl?: string;
  /** Paragon only. */
  readonly projectId?: string;
  /** Paragon only: integration names to group by (a run record has no integration field). */
  readonly integrations?: readonly string[];
  /** Dispersl only: the account's limit (Free 100, Pro 1,000, Enterprise custom). */
  readonly requestsPerHour?: number;
  /**
   * Allow a plain http:// base URL to a host other than loopback. The key then travels in
   * clear; without this such a URL is refused (loopback, as the emulator uses, always works).
   */
  readonly allowInsecureHttp?: boolean;
  /**
   * A run's page in the vendor's dashboard, with {projectId}, {runId} and {workflowId}
   * ("Open in Dashboard"; src/links/dashboard.ts has the defaults and the checks).
   */
  readonly dashboardUrlTemplate?: string;
}
