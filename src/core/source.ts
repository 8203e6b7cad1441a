// What every history source offers, whatever API is behind it. The UI, the exporters and
// the CLI program against this; capabilities say what is possible, never the kind.
import type { Writable } from 'node:stream';
import type { Run, RunDetail, RunPage, RunQuery, SourceCapabilities, SourceKind, StepPayload } from './model';

export interface ListOptions {
  readonly signal?: AbortSignal;
  /** Oldest first where the API can sort (Paragon); ignored where it cannot (Dispersl). */
  readonly order?: 'asc' | 'desc';
}

export interface HistorySource {
  readonly kind: SourceKind;
  /** For messages: "Paragon project 1b2c…", "Dispersl". */
  readonly label: string;
  readonly capabilities: SourceCapabilities;
  /** One page of runs at `offset`; `total` counts the whole filter. */
  listPage(query: RunQuery, offset: number, options?: ListOptions): Promise<RunPage>;
  getRun(id: string, signal?: AbortSignal): Promise<RunDetail>;
  /** Only where capabilities.stepPayloads. */
  getStepPayload?(runId: string, stepId: string, signal?: AbortSignal): Promise<StepPayload>;
  /** Only where capabilities.replay. Runs the workflow again, side effects included. */
  replay?(runId: string, signal?: AbortSignal): Promise<void>;
  /** Only where capabilities.serverExport has the format. Streams to `out`; resolves with bytes written. */
  exportToStream?(format: 'csv' | 'json', query: RunQuery, out: Writable, signal?: AbortSignal): Promise<number>;
}

export type { Run };
