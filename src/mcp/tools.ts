// What each read-only MCP tool answers, as plain data: the server (server.ts) only checks the
// arguments and writes these as compact JSON. The same core as the command line: the source's
// listing and detail (one source per server process), core's step order and compare, and
// Insights over the run index for stats and error signatures. Nothing here changes anything.
import { existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { alignSteps, describeDivergence, findLastSuccess, firstDivergence, compareUnavailableReason } from '../core/compare';
import { ProtocolError, UnsupportedError } from '../core/errors';
import { toExportedRun, toExportedStep } from '../core/export/records';
import { stepLabel } from '../core/format';
import type { Run, RunQuery, SourceKind, Step } from '../core/model';
import { pinQuery } from '../core/paging';
import type { HistorySource } from '../core/source';
import { firstFailedStep, orderSteps } from '../core/stepGraph';
import { errorTextOf } from '../insights/errorSignature';
import { errorSignatures } from '../insights/errors';
import { saveInsightsFrameNow } from '../insights/insights';
import type { StatsDimension } from '../insights/model';
import { kindTraits, statsBy } from '../insights/stats';
import { RunIndex } from '../runIndex/runIndex';
import { parseDate, parseStatus } from '../cli/argParsers';
import { coverageGap, statsJsonRow } from '../cli/commands/statsCommand';
import { errorsJsonRow } from '../cli/commands/errorsCommand';
import { API_KEY_ENV } from '../cli/apiKey';
import { McpToolError } from './toolErrors';
import { KeyPieces, payloadText, scrubCutText, type PayloadText } from './scrub';
import { MCP_INDEX_OWNER_ENV } from './serverDefinition';

/** What every tool works on: one source, its place in the run index, and the key's redactor. */
export interface McpSourceContext {
  readonly source: HistorySource;
  readonly kind: SourceKind;
  /** The source's key in the run index (sourceKey: the CLI and the extension compute the same). */
  readonly indexSourceId: string;
  /** The run index stats and errors read: --index FILE, else the CLI's default file. */
  readonly indexPath: string;
  /** The command line that fills that index, for "sync first" answers. */
  readonly syncCommand: string;
  /** Every known key out of a text (the process's redactor). */
  readonly redact: (text: string) => string;
  /**
   * The server's API keys, whose every piece of 4+ characters is taken out of texts cut before
   * the server saw them (scrubCutText). Absent: the key in this process's environment
   * (TASK_HISTORY_API_KEY), which is where `task-history mcp` reads its key.
   */
  readonly keys?: readonly (string | undefined)[];
  /**
   * Who holds the run index: 'vscode' when VS Code started this server on its window's own
   * index (the window keeps it open, exclusively, while it is open), so an "in use" answer says
   * that and what to do. Absent: MCP_INDEX_OWNER_ENV in the environment, which the VS Code
   * definition sets (src/mcp/serverDefinition.ts).
   */
  readonly indexOwner?: 'vscode';
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

const keyPiecesOf = new WeakMap<McpSourceContext, KeyPieces>();

/** The text as scrubCutText leaves it, with this server's keys. */
function cutText(ctx: McpSourceContext, text: string): string {
  let pieces = keyPiecesOf.get(ctx);
  if (!pieces) keyPiecesOf.set(ctx, (pieces = new KeyPieces(ctx.keys ?? [process.env[API_KEY_ENV]])));
  return scrubCutText(text, pieces, ctx.redact);
}

function indexOwnedByVsCode(ctx: McpSourceContext): boolean {
  return (ctx.indexOwner ?? process.env[MCP_INDEX_OWNER_ENV]) === 'vscode';
}

/** The filters every listing tool takes, as the model passes them (the CLI's flags, by the same names). */
export interface FilterArgs {
  readonly status?: string;
  readonly after?: string;
  readonly before?: string;
  readonly user?: string;
  readonly workflow?: string;
  readonly integration?: string;
}

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_MAX_CHARS = 1000;
export const MAX_MAX_CHARS = 100_000;
export const DEFAULT_MAX_STEPS = 200;
/** At most this many API pages per list_runs call: a source of 1-run pages cannot make one call cost 100 requests. */
const MAX_PAGES_PER_CALL = 10;

function argument<T>(parse: () => T, name: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new McpToolError('bad-argument', `"${name}": ${error.message}`);
    throw error;
  }
}

/** The filter in core's terms; a bad status or date is a bad-argument error naming the field. */
export function queryOf(args: FilterArgs): RunQuery {
  const status = args.status === undefined ? undefined : argument(() => parseStatus(args.status!), 'status');
  const after = args.after === undefined ? undefined : argument(() => parseDate(args.after!), 'after');
  const before = args.before === undefined ? undefined : argument(() => parseDate(args.before!), 'before');
  if (after && before && after >= before) throw new McpToolError('bad-argument', `"after" (${after.toISOString()}) must be earlier than "before" (${before.toISOString()}).`);
  return { status, startedAfter: after, startedBefore: before, userId: args.user, workflowId: args.workflow, integration: args.integration };
}

/** A run as the tools answer it: the export's record without its source kind (one source per server) and without undefined fields. */
export function compactRun(run: Run & { readonly archived?: boolean }): Record<string, unknown> {
  const { source: _kind, steps: _steps, ...record } = toExportedRun(run);
  return withoutUndefined(record);
}

/** A step as the tools answer it: its fields without the graph edges (depth says where it sits in the flow). */
export function compactStep(step: Step, depth?: number): Record<string, unknown> {
  const { next: _next, prev: _prev, ...record } = toExportedStep(step);
  return withoutUndefined({ ...record, ...(depth ? { depth } : {}) });
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

// ---- list_runs ---------------------------------------------------------------------------

interface Cursor {
  /** The API page's offset, and how many of its runs were already returned. */
  readonly o: number;
  readonly s: number;
  /** The listing's pin (ISO): runs that start later cannot shift the pages. */
  readonly p: string;
  /** The filter the cursor belongs to. */
  readonly f: string;
}

function filterKey(args: FilterArgs): string {
  return JSON.stringify([args.status, args.after, args.before, args.user, args.workflow, args.integration]);
}

/**
 * Hex, not base64: every answer passes the secret-shaped scrub (scrubAnswer), and base64 text
 * can happen to read as a token shape ("-sk_…", "AKIA…") and be cut; lower-case hex matches none.
 */
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('hex');
}

function decodeCursor(text: string, args: FilterArgs): Cursor {
  let cursor: Partial<Cursor>;
  try {
    if (!/^(?:[0-9a-f]{2})+$/.test(text)) throw new Error('not hex');
    cursor = JSON.parse(Buffer.from(text, 'hex').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw new McpToolError('bad-argument', '"cursor" is not one list_runs gave: pass the nextCursor of the previous answer unchanged, or leave it out for the newest runs.');
  }
  const { o, s, p, f } = cursor;
  if (!Number.isSafeInteger(o) || o! < 0 || !Number.isSafeInteger(s) || s! < 0 || typeof p !== 'string' || Number.isNaN(Date.parse(p)) || typeof f !== 'string') {
    throw new McpToolError('bad-argument', '"cursor" is not one list_runs gave: pass the nextCursor of the previous answer unchanged, or leave it out for the newest runs.');
  }
  if (f !== filterKey(args)) throw new McpToolError('bad-argument', '"cursor" belongs to another filter: pass the same filters as the call that gave it, or leave the cursor out.');
  return { o: o!, s: s!, p, f };
}

export async function listRuns(ctx: McpSourceContext, args: FilterArgs & { readonly limit?: number; readonly cursor?: string }): Promise<Record<string, unknown>> {
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, args.limit ?? DEFAULT_LIST_LIMIT));
  const start = args.cursor ? decodeCursor(args.cursor, args) : { o: 0, s: 0, p: (ctx.now?.() ?? new Date()).toISOString(), f: filterKey(args) };
  const query = pinQuery(queryOf(args), new Date(start.p));
  const runs: Run[] = [];
  let offset = start.o;
  let skip = start.s;
  let total: number;
  let next: Cursor | undefined;
  for (let pages = 0; ; pages++) {
    const page = await ctx.source.listPage(query, offset, { signal: ctx.signal, order: 'desc' });
    total = page.total;
    const available = page.runs.slice(skip);
    const taken = available.slice(0, limit - runs.length);
    runs.push(...taken);
    if (taken.length < available.length) {
      next = { ...start, o: offset, s: skip + taken.length };
      break;
    }
    if (page.nextOffset === undefined || page.runs.length === 0) break;
    if (page.nextOffset <= offset)
      throw new ProtocolError(`${ctx.source.label} sent a page that points back to offset ${page.nextOffset}.`, `list_runs: nextOffset ${page.nextOffset} <= ${offset}`);
    offset = page.nextOffset;
    skip = 0;
    if (runs.length >= limit || pages + 1 >= MAX_PAGES_PER_CALL) {
      next = { ...start, o: offset, s: 0 };
      break;
    }
  }
  return {
    source: ctx.source.label,
    order: 'newest first',
    pinnedAt: start.p,
    total,
    returned: runs.length,
    runs: runs.map(compactRun),
    ...(next ? { nextCursor: encodeCursor(next) } : {}),
  };
}

// ---- get_run -----------------------------------------------------------------------------

export async function getRun(ctx: McpSourceContext, args: { readonly runId: string; readonly maxSteps?: number }): Promise<Record<string, unknown>> {
  const detail = await ctx.source.getRun(args.runId, ctx.signal);
  const ordered = orderSteps(detail.steps);
  const maxSteps = Math.max(0, args.maxSteps ?? DEFAULT_MAX_STEPS);
  const failing = firstFailedStep(detail.steps);
  return {
    run: compactRun(detail),
    ...(detail.archived ? { archived: true } : {}),
    stepCount: ordered.length,
    ...(failing ? { failingStepId: failing.id } : {}),
    steps: ordered.slice(0, maxSteps).map((o) => compactStep(o.step, o.depth)),
    ...(ordered.length > maxSteps ? { stepsOmitted: ordered.length - maxSteps } : {}),
  };
}

// ---- get_step_payload --------------------------------------------------------------------

function requirePayloads(ctx: McpSourceContext): void {
  if (!ctx.source.capabilities.stepPayloads || !ctx.source.getStepPayload) {
    throw new UnsupportedError(`${ctx.source.label} does not give steps' inputs and outputs; get_run shows each step's fields.`, 'no stepPayloads capability');
  }
}

export async function getStepPayload(
  ctx: McpSourceContext,
  args: { readonly runId: string; readonly stepId: string; readonly part?: 'input' | 'output' | 'both'; readonly maxChars?: number },
): Promise<Record<string, unknown>> {
  requirePayloads(ctx);
  const payload = await ctx.source.getStepPayload!(args.runId, args.stepId, ctx.signal);
  const part = args.part ?? 'both';
  const maxChars = Math.min(MAX_MAX_CHARS, Math.max(0, args.maxChars ?? DEFAULT_MAX_CHARS));
  const out: Record<string, unknown> = { runId: args.runId, stepId: args.stepId };
  if (part !== 'output') out['input'] = payloadText(payload.input, maxChars, payload.isLargeInput, ctx.redact);
  if (part !== 'input') out['output'] = payloadText(payload.output, maxChars, payload.isLargeOutput, ctx.redact);
  return out;
}

// ---- get_failing_step --------------------------------------------------------------------

export async function getFailingStep(ctx: McpSourceContext, args: { readonly runId: string; readonly maxChars?: number }): Promise<Record<string, unknown>> {
  const detail = await ctx.source.getRun(args.runId, ctx.signal);
  const ordered = orderSteps(detail.steps);
  const step = firstFailedStep(detail.steps);
  const run = compactRun(detail);
  if (!step) {
    const why =
      detail.status === 'failed'
        ? 'The run is marked failed but none of its steps is: the failure happened outside a step (a trigger, a timeout) or the API has not recorded it.'
        : `No step failed: the run is ${detail.rawStatus}.`;
    return { run, failingStep: null, why };
  }
  const position = ordered.findIndex((o) => o.step.id === step.id);
  const out: Record<string, unknown> = { run, failingStep: { ...compactStep(step, ordered[position]?.depth), label: stepLabel(step), position: position + 1, of: ordered.length } };
  if (ctx.source.capabilities.stepPayloads && ctx.source.getStepPayload) {
    const payload = await ctx.source.getStepPayload(detail.id, step.id, ctx.signal);
    const maxChars = Math.min(MAX_MAX_CHARS, Math.max(0, args.maxChars ?? DEFAULT_MAX_CHARS));
    // errorTextOf cuts at 100,000 characters (and an object's JSON at 2,000, unmarked) before
    // anything here scrubs: a key or token straddling that cut is taken out by cutText.
    const message = errorTextOf(payload.output);
    if (message !== undefined) out['error'] = payloadText(cutText(ctx, message), maxChars, undefined, ctx.redact).text;
    out['output'] = payloadText(payload.output, maxChars, payload.isLargeOutput, ctx.redact);
  } else {
    out['note'] = `${ctx.source.label} gives no step outputs: the step's fields are all there is.`;
  }
  return out;
}

// ---- compare_with_last_success -------------------------------------------------------------

export async function compareWithLastSuccess(ctx: McpSourceContext, args: { readonly runId: string }): Promise<Record<string, unknown>> {
  const detail = await ctx.source.getRun(args.runId, ctx.signal);
  const unavailable = compareUnavailableReason(ctx.source, detail);
  if (unavailable) throw new UnsupportedError(unavailable, `compare: ${unavailable}`);
  const last = await findLastSuccess(ctx.source, detail, ctx.signal);
  if (!last) return { run: compactRun(detail), lastSuccess: null, why: `No succeeded run of workflow ${detail.workflowId} started before this one (within the API's retention).` };
  const baseline = await ctx.source.getRun(last.id, ctx.signal);
  const pairs = alignSteps(detail.steps, baseline.steps);
  // Statuses only: comparing outputs costs two requests a step, and values such as ids and times differ in any two runs.
  const { divergence } = await firstDivergence(pairs);
  const onlyHere = pairs.filter((p) => !p.baseline).length;
  const onlyThere = pairs.filter((p) => !p.current).length;
  return {
    run: compactRun(detail),
    lastSuccess: compactRun(baseline),
    summary: describeDivergence(divergence, baseline, stepLabel),
    firstDifference: divergence
      ? {
          reason: divergence.reason,
          position: divergence.index + 1,
          step: divergence.pair.current ? compactStep(divergence.pair.current) : null,
          inLastSuccess: divergence.pair.baseline ? compactStep(divergence.pair.baseline) : null,
        }
      : null,
    stepsCompared: pairs.length,
    stepsOnlyInThisRun: onlyHere,
    stepsOnlyInLastSuccess: onlyThere,
  };
}

// ---- error_signatures and run_stats (the run index) ----------------------------------------

/** Opens the index for one call (closed right after: the CLI's sync or the extension may need the file between calls). */
function withIndex<T>(ctx: McpSourceContext, query: RunQuery, read: (index: RunIndex, notes: string[]) => T): T {
  const vscode = indexOwnedByVsCode(ctx);
  if (!existsSync(ctx.indexPath)) {
    throw new McpToolError(
      'index-needed',
      `There is no run index at ${ctx.indexPath}: stats and error signatures are computed from it, without requests.`,
      vscode
        ? 'It is the VS Code window\'s run index: the person fills it in VS Code (Task History: Sync Run Index, with "taskHistory.index.enabled" on). The other tools read the API and work meanwhile.'
        : `Fill it first: ${ctx.syncCommand}`,
    );
  }
  let index: RunIndex;
  try {
    index = RunIndex.open(ctx.indexPath);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (vscode && /in use by another Task History process/.test(why)) {
      // The extension keeps its index open, exclusively, as long as the window is open: this
      // is the usual case, not a passing one, so say so rather than "try again".
      throw new McpToolError(
        'index-unavailable',
        `The run index at ${ctx.indexPath} is in use by the VS Code window that started this server: the window keeps it open while it is open, so this server cannot read it, and retrying will not help.`,
        'Stats and error signatures are in VS Code itself (Task History: Insights, and the Failures row of the Task History view): ask the person to look there. ' +
          'list_runs, get_run, get_failing_step, get_step_payload and compare_with_last_success read the API and work. ' +
          'For these two tools from an agent, run `task-history mcp` outside VS Code with its own index (--index FILE, filled by `task-history sync --index FILE`).',
      );
    }
    throw new McpToolError(
      'index-unavailable',
      `The run index at ${ctx.indexPath} cannot be opened: ${why}`,
      'Another process (VS Code, or a task-history sync) may hold it: try again when it is done, or start the server with --index on a copy.',
    );
  }
  try {
    const notes: string[] = [];
    if (index.rebuilt) notes.push(index.rebuilt);
    const gap = coverageGap(index, ctx.indexSourceId, query, ctx.now?.() ?? new Date());
    if (gap) notes.push(`The run index ${gap}; the answer is from the runs it holds. To fill it: ${ctx.syncCommand}`);
    return read(index, notes);
  } finally {
    try {
      // The source's Insights frame, kept beside the index: the next call (this index is opened afresh each time) starts from it and reads only what changed.
      saveInsightsFrameNow(index, ctx.indexSourceId);
    } catch {
      // A cache: not writing it costs the next call time, nothing else.
    }
    index.close();
  }
}

export function errorSignaturesTool(ctx: McpSourceContext, args: FilterArgs & { readonly limit?: number }): Record<string, unknown> {
  const query = queryOf(args);
  const now = ctx.now?.() ?? new Date();
  return withIndex(ctx, query, (index, notes) => {
    const result = errorSignatures({ index, sourceId: ctx.indexSourceId, kind: ctx.kind, query }, now);
    const limit = Math.max(1, args.limit ?? 10);
    return {
      source: ctx.source.label,
      fromRunIndex: ctx.indexPath,
      failedRuns: result.failedRuns,
      ...(result.withoutSteps > 0 ? { failedRunsWithoutSteps: result.withoutSteps } : {}),
      // The label and the example are cut (300 characters) and normalized in src/insights before
      // they reach here: scrubbed as cut texts (cutText), whatever the cut left.
      signatures: result.signatures.slice(0, limit).map((s) => ({
        ...errorsJsonRow(s),
        signature: cutText(ctx, s.signature),
        ...(s.exampleStepId ? { exampleStepId: s.exampleStepId } : {}),
        ...(s.exampleText ? { exampleError: cutText(ctx, s.exampleText) } : {}),
        last24h: s.last24h,
        ...(s.isNew ? { isNew: true } : {}),
        ...(s.growing ? { growing: true } : {}),
      })),
      ...(result.signatures.length > limit ? { signaturesOmitted: result.signatures.length - limit } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
  });
}

export function runStatsTool(ctx: McpSourceContext, args: FilterArgs & { readonly by: StatsDimension }): Record<string, unknown> {
  const query = queryOf(args);
  return withIndex(ctx, query, (index, notes) => {
    const traits = kindTraits(ctx.kind);
    if (!traits.agents && (args.by === 'agent' || args.by === 'model' || args.by === 'tool')) notes.push(`${ctx.source.label}'s runs have no ${args.by}s: no rows.`);
    const rows = statsBy({ index, sourceId: ctx.indexSourceId, kind: ctx.kind, query }, args.by);
    return {
      source: ctx.source.label,
      fromRunIndex: ctx.indexPath,
      by: args.by,
      counts: args.by === 'tool' ? 'steps' : 'runs',
      rows: rows.map((r) => statsJsonRow(r, traits.tokens)),
      ...(notes.length > 0 ? { notes } : {}),
    };
  });
}

export type { PayloadText };
