// The run panel's message protocol, imported by the extension (src/panels/runPanel.ts) and
// the webview bundle (webview/main.ts). Plain data only: no `vscode`, no DOM, no Node.
// Bump PROTOCOL_VERSION whenever a message changes shape; the panel reloads a webview that
// speaks another version instead of misreading it.
import type { RunStatus } from '../core/model';
import type { JsonValue, PayloadView } from '../core/payloadView';

export const PROTOCOL_VERSION = 3;

/** The webview panel's view type; `onWebviewPanel:<this>` restores panels after a reload. */
export const RUN_PANEL_VIEW_TYPE = 'taskHistory.run';

export type { JsonValue, PayloadView, RunStatus };

/** The header: a run as text fields, already formatted by the extension. */
export interface RunHeaderView {
  readonly id: string;
  readonly title: string;
  readonly status: RunStatus;
  readonly rawStatus: string;
  readonly sourceLabel: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly duration: string;
  readonly userId?: string;
  readonly workflowId?: string;
  readonly integration?: string;
  readonly stepCount: number;
  /** Agent-task totals (Dispersl). */
  readonly totalTokens?: number;
  /** Where the run came from when not from the API: the local run index. */
  readonly storedNote?: string;
}

/** One timeline row: a step in graph order with its place on the shared time axis. */
export interface StepView {
  readonly id: string;
  readonly stepId?: string;
  readonly label: string;
  readonly type?: string;
  readonly status: RunStatus;
  readonly rawStatus: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** Epoch milliseconds; undefined when the API gave no usable start. */
  readonly startMs?: number;
  /** Epoch milliseconds; undefined while the step runs (the bar then reaches the axis end). */
  readonly endMs?: number;
  /** core/runState's durationText: 'running', '1.48 s' or ''. */
  readonly duration: string;
  /** Nesting depth in the step graph: branches indent. */
  readonly depth: number;
  /** This step starts one branch of a fork. */
  readonly branch: boolean;
  readonly inputSize?: number;
  readonly outputSize?: number;
  readonly agent?: string;
  readonly model?: string;
  readonly tokensUsed?: number;
  readonly toolsUsed?: readonly string[];
}

export interface PanelCapabilities {
  readonly replay: boolean;
  readonly stepPayloads: boolean;
  /** Compare with Last Success needs a workflow id and a source that filters by it. */
  readonly compare: boolean;
}

export type PayloadPart = 'input' | 'output';

export interface StepPayloadView {
  readonly input: PayloadView;
  readonly output: PayloadView;
}

export type PanelAction = 'replay' | 'export' | 'compare' | 'openRaw' | 'copyId' | 'copyLink' | 'openDashboard' | 'reload';

export const PANEL_ACTIONS: readonly PanelAction[] = ['replay', 'export', 'compare', 'openRaw', 'copyId', 'copyLink', 'openDashboard', 'reload'];

// ── extension → webview ─────────────────────────────────────────────────────────────

export interface RunMessage {
  readonly type: 'run';
  readonly version: number;
  /** Kept by the webview in its state so the serializer can reopen the same run. */
  readonly sourceId: string;
  readonly run: RunHeaderView;
  readonly steps: readonly StepView[];
  readonly capabilities: PanelCapabilities;
  /** The first failed step in graph order: what is selected when nothing else was. */
  readonly initialStepId?: string;
  /** The shared time axis, epoch milliseconds. */
  readonly axis: { readonly startMs: number; readonly endMs: number };
  /**
   * The same run in a newer state (a live poll saw new steps or its end): the webview keeps the
   * selection, zoom and scroll, and leaves the focus where the user has it.
   */
  readonly update?: boolean;
}

/** Select a step (a step clicked in the tree, a deep link) and move the focus to the timeline. */
export interface SelectStepMessage {
  readonly type: 'selectStep';
  readonly stepId: string;
}

/** Sent first: names the run so the webview can keep it in its state before the run arrives. */
export interface LoadingMessage {
  readonly type: 'loading';
  readonly sourceId: string;
  readonly runId: string;
}

export interface LoadErrorMessage {
  readonly type: 'loadError';
  readonly message: string;
}

export interface PayloadMessage {
  readonly type: 'payload';
  readonly requestId: number;
  readonly stepId: string;
  readonly payload: StepPayloadView;
}

export interface PayloadErrorMessage {
  readonly type: 'payloadError';
  readonly requestId: number;
  readonly stepId: string;
  readonly message: string;
}

export interface BusyMessage {
  readonly type: 'busy';
  readonly action: PanelAction;
  readonly busy: boolean;
}

/** Compare found where this run parts from the last success (stepId undefined: nowhere). */
export interface DivergenceMessage {
  readonly type: 'divergence';
  readonly stepId?: string;
  readonly baselineRunId: string;
  readonly summary: string;
  /** Sent again with a newer state of the run: mark the step, leave the selection alone. */
  readonly restore?: boolean;
}

export type ToWebviewMessage = RunMessage | LoadingMessage | LoadErrorMessage | PayloadMessage | PayloadErrorMessage | BusyMessage | DivergenceMessage | SelectStepMessage;

// ── webview → extension ─────────────────────────────────────────────────────────────

export interface ReadyMessage {
  readonly type: 'ready';
  readonly version: number;
}

export interface LoadPayloadMessage {
  readonly type: 'loadPayload';
  readonly requestId: number;
  readonly stepId: string;
}

export interface ActionMessage {
  readonly type: 'action';
  readonly action: PanelAction;
  /** The step selected when the action was asked for: Copy Link links to it. */
  readonly stepId?: string;
}

export interface OpenPayloadMessage {
  readonly type: 'openPayload';
  readonly stepId: string;
  readonly part: PayloadPart;
}

export type FromWebviewMessage = ReadyMessage | LoadPayloadMessage | ActionMessage | OpenPayloadMessage;

/** What the webview keeps with getState/setState, and what the serializer gets back. */
export interface PanelState {
  readonly version: number;
  readonly sourceId: string;
  readonly runId: string;
  readonly selectedStepId?: string;
  /** Pixels per millisecond chosen by the user; undefined means "fit". */
  readonly zoom?: number;
  readonly scrollTop?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 1024;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Validates a message from the webview: the extension acts on nothing else. */
export function parseFromWebview(value: unknown): FromWebviewMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value['type']) {
    case 'ready':
      return isInt(value['version']) ? { type: 'ready', version: value['version'] } : undefined;
    case 'loadPayload':
      return isInt(value['requestId']) && isString(value['stepId']) ? { type: 'loadPayload', requestId: value['requestId'], stepId: value['stepId'] } : undefined;
    case 'action': {
      const action = value['action'];
      if (!PANEL_ACTIONS.includes(action as PanelAction)) return undefined;
      return isString(value['stepId']) ? { type: 'action', action: action as PanelAction, stepId: value['stepId'] } : { type: 'action', action: action as PanelAction };
    }
    case 'openPayload': {
      const part = value['part'];
      return isString(value['stepId']) && (part === 'input' || part === 'output') ? { type: 'openPayload', stepId: value['stepId'], part } : undefined;
    }
    default:
      return undefined;
  }
}

/** Reads a panel state handed back by VS Code after a reload; undefined if it is not ours. */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value) || !isString(value['sourceId']) || !isString(value['runId'])) return undefined;
  return {
    version: isInt(value['version']) ? value['version'] : 0,
    sourceId: value['sourceId'],
    runId: value['runId'],
    selectedStepId: isString(value['selectedStepId']) ? value['selectedStepId'] : undefined,
    zoom: typeof value['zoom'] === 'number' && Number.isFinite(value['zoom']) && value['zoom'] > 0 ? value['zoom'] : undefined,
    scrollTop: typeof value['scrollTop'] === 'number' && Number.isFinite(value['scrollTop']) ? value['scrollTop'] : undefined,
  };
}
