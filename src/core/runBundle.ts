// Export Run: one run, its steps and each step's input and output in one JSON file, to
// attach to a bug report or diff later. Payloads are fetched a few at a time; the file is
// written to a temporary name beside the target and renamed only once it is complete.
import pLimit from 'p-limit';
import { CancelledError, NotFoundError, ProtocolError } from './errors';
import { openAtomic } from './export/atomicFile';
import { writeChunk } from './export/sinks';
import type { Run, RunDetail, Step, StepPayload } from './model';
import type { HistorySource } from './source';
import { orderSteps } from './stepGraph';

export const RUN_BUNDLE_FORMAT = 'task-history-run';
export const RUN_BUNDLE_VERSION = 1;

export interface BundleStep extends Step {
  readonly input?: unknown;
  readonly output?: unknown;
  readonly isLargeInput?: boolean;
  readonly isLargeOutput?: boolean;
  /** Why this step's payload is missing from the bundle (an id past retention…). */
  readonly payloadError?: string;
}

export interface RunBundle {
  readonly format: typeof RUN_BUNDLE_FORMAT;
  readonly version: typeof RUN_BUNDLE_VERSION;
  readonly exportedAt: string;
  readonly source: { readonly kind: string; readonly label: string };
  readonly run: Run;
  /** In graph order. */
  readonly steps: readonly BundleStep[];
}

export interface RunBundleOptions {
  readonly signal?: AbortSignal;
  /** Fetch each step's input and output (one request a step). Default: where the source can. */
  readonly includePayloads?: boolean;
  /** How to get one step's payload; default the source's own (pass a cached one to share). */
  readonly payload?: (step: Step) => Promise<StepPayload>;
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** The run already fetched, to save a request. */
  readonly detail?: RunDetail;
  readonly now?: () => Date;
}

export async function buildRunBundle(source: HistorySource, runId: string, options: RunBundleOptions = {}): Promise<RunBundle> {
  const detail = options.detail ?? (await source.getRun(runId, options.signal));
  const { steps, ...run } = detail;
  const ordered = orderSteps(steps).map((o) => o.step);
  const canFetch = source.capabilities.stepPayloads && Boolean(source.getStepPayload);
  const withPayloads = (options.includePayloads ?? canFetch) && canFetch;
  const load = options.payload ?? ((step: Step) => source.getStepPayload!(detail.id, step.id, options.signal));
  const limit = pLimit(options.concurrency ?? 4);
  let done = 0;
  const bundleSteps = withPayloads
    ? await Promise.all(
        ordered.map((step) =>
          limit(async (): Promise<BundleStep> => {
            options.signal?.throwIfAborted();
            try {
              const payload = await load(step);
              return { ...step, input: payload.input, output: payload.output, isLargeInput: payload.isLargeInput, isLargeOutput: payload.isLargeOutput };
            } catch (error) {
              // One step's payload gone (retention, a malformed answer) does not sink the
              // export; anything else (auth, rate limit, cancel) does.
              if (error instanceof NotFoundError || error instanceof ProtocolError) return { ...step, payloadError: error.message };
              throw error;
            } finally {
              options.onProgress?.(++done, ordered.length);
            }
          }),
        ),
      )
    : ordered;
  return {
    format: RUN_BUNDLE_FORMAT,
    version: RUN_BUNDLE_VERSION,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    source: { kind: source.kind, label: source.label },
    run: { ...run, stepCount: steps.length },
    steps: bundleSteps,
  };
}

/**
 * Writes the bundle as pretty JSON, step by step (a run with large payloads is never one
 * giant string), to a temporary file renamed over `target` on success. Resolves with bytes.
 */
export async function writeRunBundle(bundle: RunBundle, target: string, signal?: AbortSignal): Promise<number> {
  const file = await openAtomic(target);
  let bytes = 0;
  const write = async (text: string) => {
    if (signal?.aborted) throw new CancelledError();
    bytes += Buffer.byteLength(text);
    // Ends on the file's error or Cancel too, not only on 'drain' (a full disk never drains).
    await writeChunk(file.stream, text, signal);
  };
  const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
  try {
    const { steps, ...head } = bundle;
    const headJson = JSON.stringify(head, null, 2);
    await write(`${headJson.slice(0, -2)},\n  "steps": [`);
    for (let i = 0; i < steps.length; i++) {
      await write(`${i === 0 ? '' : ','}\n    ${indent(JSON.stringify(steps[i], null, 2), '    ')}`);
    }
    await write(steps.length > 0 ? '\n  ]\n}\n' : ']\n}\n');
    await file.commit();
    return bytes;
  } catch (error) {
    await file.abort();
    throw file.failure() ?? error;
  }
}
