// The run header: status, ids, user, workflow, source, start, end, duration, and the
// actions (Replay only where the source can). Buttons are disabled while their action runs.
import type { PanelAction, PanelCapabilities, RunHeaderView } from '../src/panels/protocol';
import { isStillRunning } from '../src/core/runState';
import { button, el, localTime, replace } from './dom';
import { post, readState } from './host';
import { statusBadge } from './inspector';

const BUSY_LABEL: Partial<Record<PanelAction, string>> = { replay: 'Replaying…', compare: 'Comparing…', export: 'Exporting…' };

export class Header {
  readonly element: HTMLElement;
  private readonly buttons = new Map<PanelAction, { button: HTMLElement; label: string }>();
  private readonly banner: HTMLElement;

  constructor(run: RunHeaderView, capabilities: PanelCapabilities) {
    const fields: [string, string | undefined, string?][] = [
      ['Run', run.id],
      ['Workflow', run.workflowId],
      ['User', run.userId],
      ['Integration', run.integration],
      ['Source', run.sourceLabel],
      ['Started', localTime(run.startedAt), run.startedAt],
      ['Ended', run.endedAt ? localTime(run.endedAt) : isStillRunning(run) ? `not yet (${run.status})` : undefined, run.endedAt],
      ['Duration', run.duration],
      ['Tokens', run.totalTokens?.toLocaleString()],
      ['Stored', run.storedNote],
    ];
    const list = el('dl', { class: 'run-fields' });
    for (const [k, v, iso] of fields) if (v) list.append(el('dt', {}, k), el('dd', { attrs: iso ? { title: iso } : {} }, v));

    const actions = el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Run actions' } });
    const add = (action: PanelAction, label: string, title: string, secondary = true) => {
      const b = button(label, () => this.trigger(action), { secondary, title, action });
      this.buttons.set(action, { button: b, label });
      actions.append(b);
    };
    if (capabilities.replay) add('replay', 'Replay…', 'Run this workflow again, with its side effects (asks first)', false);
    if (capabilities.compare) add('compare', 'Compare with Last Success', 'Find the last succeeded run of this workflow and where this one differs');
    add('export', 'Export Run…', 'The run, its steps and their inputs and outputs as one JSON file');
    add('openRaw', 'Open Raw JSON', 'The run as the API sent it, in an editor');
    add('copyId', 'Copy ID', 'Copy the run id');
    add('copyLink', 'Copy Link', 'Copy a link that opens this run, on the selected step, in VS Code');
    add('openDashboard', 'Open in Dashboard', 'Open this run in the vendor’s dashboard, in the browser');
    add('reload', 'Reload', 'Fetch the run again');

    this.banner = el('div', { class: 'message-box info divergence-banner', attrs: { hidden: '', role: 'status' } });
    this.element = el(
      'header',
      { class: 'run-header' },
      el('div', { class: 'title-row' }, statusBadge(run.status, run.rawStatus), el('h1', {}, run.title)),
      list,
      actions,
      this.banner,
    );
  }

  setBusy(action: PanelAction, busy: boolean): void {
    const entry = this.buttons.get(action);
    if (!entry) return;
    (entry.button as HTMLElement & { disabled: boolean }).disabled = busy;
    entry.button.textContent = busy ? (BUSY_LABEL[action] ?? entry.label) : entry.label;
  }

  showDivergence(summary: string): void {
    replace(this.banner, summary);
    this.banner.removeAttribute('hidden');
  }

  private trigger(action: PanelAction): void {
    // Disabled at once: a double click sends one message (the extension guards too).
    if (action === 'replay' || action === 'compare' || action === 'export') this.setBusy(action, true);
    // Copy Link names the selected step (kept in the panel's state by the timeline).
    const stepId = action === 'copyLink' ? readState().selectedStepId : undefined;
    post(stepId ? { type: 'action', action, stepId } : { type: 'action', action });
  }
}
