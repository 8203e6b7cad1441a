// The run header: status, ids, user, workflow, source, start, end, duration, and the
// actions (Replay only where the source can). Buttons are disabled while their action runs.
import * as l10n from '@vscode/l10n';
import type { PanelAction, PanelCapabilities, RunHeaderView } from '../src/panels/protocol';
import { formatNumber } from '../src/core/locale';
import { isStillRunning } from '../src/core/runState';
import { button, el, localTime, replace } from './dom';
import { post, readState } from './host';
import { statusBadge } from './inspector';

/** What a button says while its action runs (a function: the messages are read once the bundle is set). */
function busyLabel(action: PanelAction): string | undefined {
  switch (action) {
    case 'replay':
      return l10n.t('Replaying…');
    case 'compare':
      return l10n.t('Comparing…');
    case 'export':
      return l10n.t('Exporting…');
    default:
      return undefined;
  }
}

export class Header {
  readonly element: HTMLElement;
  private readonly buttons = new Map<PanelAction, { button: HTMLElement; label: string }>();
  private readonly banner: HTMLElement;

  constructor(run: RunHeaderView, capabilities: PanelCapabilities) {
    const fields: [string, string | undefined, string?][] = [
      [l10n.t('Run'), run.id],
      [l10n.t('Workflow'), run.workflowId],
      [l10n.t('User'), run.userId],
      [l10n.t('Integration'), run.integration],
      [l10n.t('Source'), run.sourceLabel],
      [l10n.t('Started'), localTime(run.startedAt), run.startedAt],
      [l10n.t('Ended'), run.endedAt ? localTime(run.endedAt) : isStillRunning(run) ? l10n.t('not yet ({0})', run.status) : undefined, run.endedAt],
      [l10n.t('Duration'), run.duration],
      [l10n.t('Tokens'), run.totalTokens === undefined ? undefined : formatNumber(run.totalTokens)],
      [l10n.t('Stored'), run.storedNote],
    ];
    const list = el('dl', { class: 'run-fields' });
    for (const [k, v, iso] of fields) if (v) list.append(el('dt', {}, k), el('dd', { attrs: iso ? { title: iso } : {} }, v));

    const actions = el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': l10n.t('Run actions') } });
    const add = (action: PanelAction, label: string, title: string, secondary = true) => {
      const b = button(label, () => this.trigger(action), { secondary, title, action });
      this.buttons.set(action, { button: b, label });
      actions.append(b);
    };
    if (capabilities.replay) add('replay', l10n.t('Replay…'), l10n.t('Run this workflow again, with its side effects (asks first)'), false);
    if (capabilities.compare) add('compare', l10n.t('Compare with Last Success'), l10n.t('Find the last succeeded run of this workflow and where this one differs'));
    add('export', l10n.t('Export Run…'), l10n.t('The run, its steps and their inputs and outputs as one JSON file'));
    add('openRaw', l10n.t('Open Raw JSON'), l10n.t('The run as the API sent it, in an editor'));
    add('copyId', l10n.t('Copy ID'), l10n.t('Copy the run id'));
    add('copyLink', l10n.t('Copy Link'), l10n.t('Copy a link that opens this run, on the selected step, in VS Code'));
    add('openDashboard', l10n.t('Open in Dashboard'), l10n.t('Open this run in the vendor’s dashboard, in the browser'));
    add('reload', l10n.t('Reload'), l10n.t('Fetch the run again'));

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
    entry.button.textContent = busy ? (busyLabel(action) ?? entry.label) : entry.label;
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
