// The run panel's webview: receives the run from the extension, draws the header, the
// timeline and the step inspector, and keeps its view state for a reload. It makes no
// network calls and holds no secrets; it only speaks src/panels/protocol.ts.
import './litNonce';
import './elements';
import { PROTOCOL_VERSION, type RunMessage, type ToWebviewMessage } from '../src/panels/protocol';
import { button, el, replace } from './dom';
import { Header } from './header';
import { post, readState, saveState } from './host';
import { Inspector } from './inspector';
import { Timeline } from './timeline';

const app = document.getElementById('app')!;

interface View {
  readonly message: RunMessage;
  readonly header: Header;
  readonly timeline: Timeline;
  readonly inspector: Inspector;
}

let view: View | undefined;

function showRun(message: RunMessage): void {
  const kept = readState();
  const sameRun = kept.runId === message.run.id && kept.sourceId === message.sourceId;
  saveState({ version: PROTOCOL_VERSION, sourceId: message.sourceId, runId: message.run.id });
  const header = new Header(message.run, message.capabilities);
  const inspector = new Inspector(message.capabilities);
  const timeline = new Timeline({
    steps: message.steps,
    axis: message.axis,
    zoom: sameRun ? kept.zoom : undefined,
    scrollTop: sameRun ? kept.scrollTop : undefined,
    onSelect: (index) => {
      const step = message.steps[index]!;
      inspector.show(step);
      saveState({ selectedStepId: step.id });
    },
    onViewChange: ({ zoom, scrollTop }) => saveState({ zoom, scrollTop }),
  });
  view = { message, header, timeline, inspector };
  const body = message.steps.length === 0 ? el('p', { class: 'placeholder' }, 'This run has no steps yet.') : el('div', { class: 'run-body' }, timeline.element, inspector.element);
  replace(app, header.element, body);
  app.setAttribute('aria-busy', 'false');
  if (message.steps.length === 0) return;
  // A restored or updated panel keeps its selection; a new one opens on the first failed step.
  const wanted = (sameRun ? kept.selectedStepId : undefined) ?? message.initialStepId ?? message.steps[0]!.id;
  const index = Math.max(
    0,
    message.steps.findIndex((s) => s.id === wanted),
  );
  timeline.select(index, !message.update);
  // An update (a live poll) never takes the focus: the user may be typing elsewhere.
  if (!message.update) timeline.focus();
}

function selectStep(stepId: string): void {
  if (!view) {
    // The run has not arrived yet: it opens on this step.
    saveState({ selectedStepId: stepId });
    return;
  }
  const index = view.message.steps.findIndex((s) => s.id === stepId);
  if (index < 0) return;
  view.timeline.select(index);
  view.timeline.focus();
}

function showError(message: string): void {
  replace(
    app,
    el('div', { class: 'message-box error', attrs: { role: 'alert' } }, el('div', { class: 'message-title' }, 'Could not load this run'), message),
    button('Retry', () => post({ type: 'action', action: 'reload' })),
  );
  app.setAttribute('aria-busy', 'false');
}

function handle(message: ToWebviewMessage): void {
  switch (message.type) {
    case 'run':
      showRun(message);
      return;
    case 'loading':
      saveState({ version: PROTOCOL_VERSION, sourceId: message.sourceId, runId: message.runId });
      view = undefined;
      replace(app, el('p', { class: 'placeholder' }, 'Loading run…'));
      app.setAttribute('aria-busy', 'true');
      return;
    case 'loadError':
      showError(message.message);
      return;
    case 'payload':
      view?.inspector.receive(message.requestId, message.stepId, message.payload);
      return;
    case 'payloadError':
      view?.inspector.receive(message.requestId, message.stepId, { error: message.message });
      return;
    case 'busy':
      view?.header.setBusy(message.action, message.busy);
      return;
    case 'divergence': {
      if (!view) return;
      view.header.showDivergence(message.summary);
      view.timeline.markDiverged(message.stepId);
      const index = message.stepId ? view.message.steps.findIndex((s) => s.id === message.stepId) : -1;
      if (index >= 0) view.timeline.select(index);
      return;
    }
    case 'selectStep':
      selectStep(message.stepId);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handle(data as ToWebviewMessage);
});

post({ type: 'ready', version: PROTOCOL_VERSION });
