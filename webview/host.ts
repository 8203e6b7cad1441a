// The webview's side of the channel: typed messages to the extension, and the state VS Code
// keeps for the panel (restored after a reload by the extension's serializer).
import type { FromWebviewMessage, PanelState } from '../src/panels/protocol';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: FromWebviewMessage): void {
  api.postMessage(message);
}

export function readState(): Partial<PanelState> {
  const state = api.getState();
  return state && typeof state === 'object' ? (state as Partial<PanelState>) : {};
}

let current: Partial<PanelState> = readState();

/** Merges into the kept state; written only once it names a run (the serializer needs that). */
export function saveState(patch: Partial<PanelState>): void {
  current = { ...current, ...patch };
  if (current.sourceId && current.runId && current.version !== undefined) api.setState(current as PanelState);
}
