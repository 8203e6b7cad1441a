// The Insights panel's messages, both ways, typed and versioned like the run panel's
// (protocol.ts): the extension computes Insights over the run index and sends the figures;
// the webview draws them (charts with their numbers in tables) and asks for actions. No
// `vscode` and no Node import: the webview bundle uses this module too. Everything the
// webview sends is checked here before the extension acts on it.
import type { InsightsData } from '../insights/model';

export const INSIGHTS_PROTOCOL_VERSION = 1;
export const INSIGHTS_VIEW_TYPE = 'taskHistory.insights';

export type Bucket = 'hour' | 'day';

/** What the panel shows: which sources, and the tree's filter as text (for the heading). */
export interface InsightsScopeState {
  /** Source ids (the user's, not the index keys); empty: every source. */
  readonly sourceIds: readonly string[];
  readonly bucket: Bucket;
}

/** One source's figures, or why it has none. */
export interface SourceInsights {
  readonly sourceId: string;
  readonly label: string;
  readonly data?: InsightsData;
  /** Why there are no figures (no index, no key, a demo source), or what to know about them (the index does not cover the range). */
  readonly note?: string;
}

export type ToInsightsWebview =
  | { readonly v: typeof INSIGHTS_PROTOCOL_VERSION; readonly type: 'loading'; readonly scope: InsightsScopeState }
  | {
      readonly v: typeof INSIGHTS_PROTOCOL_VERSION;
      readonly type: 'insights';
      readonly scope: InsightsScopeState;
      /** The tree's filter in words ("Failed · last 7 days"), or '' for none. */
      readonly filter: string;
      readonly sources: readonly SourceInsights[];
      /** Names users gave workflows, as [id, name] pairs. */
      readonly workflowNames: readonly (readonly [string, string])[];
    }
  | { readonly v: typeof INSIGHTS_PROTOCOL_VERSION; readonly type: 'error'; readonly message: string };

export type SignatureAction = 'export' | 'list' | 'copyMarkdown';

export type FromInsightsWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'setBucket'; readonly bucket: Bucket }
  | { readonly type: 'openRun'; readonly sourceId: string; readonly runId: string; readonly stepId?: string }
  /** `signature`: the signature's key (ErrorSignature.key). */
  | { readonly type: 'signature'; readonly action: SignatureAction; readonly sourceId: string; readonly signature: string }
  | { readonly type: 'nameWorkflow'; readonly workflowId: string };

const MAX_TEXT = 4_096;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT ? value : undefined;
}

/** A message from the webview, or undefined when it is not one we know (dropped, never acted on). */
export function parseFromInsightsWebview(raw: unknown): FromInsightsWebview | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m['type']) {
    case 'ready':
    case 'refresh':
      return { type: m['type'] };
    case 'setBucket':
      return m['bucket'] === 'hour' || m['bucket'] === 'day' ? { type: 'setBucket', bucket: m['bucket'] } : undefined;
    case 'openRun': {
      const sourceId = text(m['sourceId']);
      const runId = text(m['runId']);
      if (!sourceId || !runId) return undefined;
      const stepId = text(m['stepId']);
      return stepId ? { type: 'openRun', sourceId, runId, stepId } : { type: 'openRun', sourceId, runId };
    }
    case 'signature': {
      const action = m['action'];
      const sourceId = text(m['sourceId']);
      const signature = text(m['signature']);
      if ((action !== 'export' && action !== 'list' && action !== 'copyMarkdown') || !sourceId || !signature) return undefined;
      return { type: 'signature', action, sourceId, signature };
    }
    case 'nameWorkflow': {
      const workflowId = text(m['workflowId']);
      return workflowId ? { type: 'nameWorkflow', workflowId } : undefined;
    }
    default:
      return undefined;
  }
}

/** The webview's saved state (vscode.setState), checked when a reload restores it. */
export function parseScopeState(raw: unknown): InsightsScopeState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  const ids = m['sourceIds'];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length <= MAX_TEXT) || ids.length > 100) return undefined;
  const bucket = m['bucket'] === 'hour' ? 'hour' : 'day';
  return { sourceIds: ids as string[], bucket };
}
