// The run panel's webview: receives the run from the extension, draws the header, the
// timeline and the step inspector, and keeps its view state for a reload. It makes no
// network calls and holds no secrets; it only speaks src/panels/protocol.ts.
// First: the messages and the display language the host put in the page, before anything draws.
import './l10n';
import './litNonce';
import './elements';
import * as l10n from '@vscode/l10n';
import { PROTOCOL_VERSION, type RunMessage, type StepView, type ToWebviewMessage } from '../src/panels/protocol';
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
  // An update of the run shown keeps its inspector: the payloads it holds, and what it shows
  // (scroll, open sections), unless the selected step itself changed. Steps that changed
  // (a running step that ended) have their payloads asked for again.
  const previous = message.update && view && sameRun && view.message.run.id === message.run.id ? view : undefined;
  const inspector = previous?.inspector ?? new Inspector(message.capabilities);
  if (previous) inspector.forget(changedSteps(previous.message.steps, message.steps));
  const timelineHadFocus = previous !== undefined && document.hasFocus() && previous.timeline.element.contains(document.activeElement);
  const header = new Header(message.run, message.capabilities);
  let restoring = previous !== undefined;
  const timeline = new Timeline({
    steps: message.steps,
    axis: message.axis,
    zoom: sameRun ? kept.zoom : undefined,
    scrollTop: sameRun ? kept.scrollTop : undefined,
    onSelect: (index) => {
      const step = message.steps[index]!;
      if (!(restoring && inspector.isShowing(step))) inspector.show(step);
      restoring = false;
      saveState({ selectedStepId: step.id });
    },
    onViewChange: ({ zoom, scrollTop }) => saveState({ zoom, scrollTop }),
  });
  view = { message, header, timeline, inspector };
  const body =
    message.steps.length === 0 ? el('p', { class: 'placeholder' }, l10n.t('This run has no steps yet.')) : el('div', { class: 'run-body' }, timeline.element, inspector.element);
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
  restoring = false;
  // An update (a live poll) never takes the focus from elsewhere: the user may be typing
  // there. Within the panel, the timeline keeps it if it had it.
  if (!message.update || timelineHadFocus) timeline.focus();
}

/** Ids of steps that are new or whose view changed between two states of one run. */
function changedSteps(before: readonly StepView[], after: readonly StepView[]): Set<string> {
  const old = new Map(before.map((s) => [s.id, JSON.stringify(s)]));
  return new Set(after.filter((s) => old.get(s.id) !== JSON.stringify(s)).map((s) => s.id));
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
    el('div', { class: 'message-box error', attrs: { role: 'alert' } }, el('div', { class: 'message-title' }, l10n.t('Could not load this run')), message),
    button(l10n.t('Retry'), () => post({ type: 'action', action: 'reload' })),
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
      replace(app, el('p', { class: 'placeholder' }, l10n.t('Loading run…')));
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
      // Re-sent with a newer state of the run: the mark is drawn again, the selection stays where the user put it.
      const index = message.stepId && !message.restore ? view.message.steps.findIndex((s) => s.id === message.stepId) : -1;
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
