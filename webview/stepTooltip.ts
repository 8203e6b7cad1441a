// The timeline's hover card: a step's fields (the list the inspector, the tree and the CLI
// show too), and whether it starts a branch of the flow.
import * as l10n from '@vscode/l10n';
import type { StepView } from '../src/panels/protocol';
import { el } from './dom';
import { panelStepFields } from './stepFields';

export class StepTooltip {
  private readonly element: HTMLElement;

  constructor(private readonly host: HTMLElement) {
    this.element = el('div', { class: 'timeline-tooltip', attrs: { role: 'tooltip', hidden: '' } });
    host.append(this.element);
  }

  show(s: StepView, clientX: number, clientY: number): void {
    const lines = panelStepFields(s);
    if (s.branch) lines.push([l10n.t('Branch'), l10n.t('starts a branch')]);
    this.element.replaceChildren(
      el('div', { class: 'tooltip-title' }, s.label),
      ...lines.map(([k, v]) => el('div', {}, el('span', { class: 'tooltip-key' }, `${l10n.t('{0}:', k)} `), v)),
    );
    this.element.removeAttribute('hidden');
    const box = this.host.getBoundingClientRect();
    this.element.style.left = `${Math.max(0, Math.min(clientX - box.left + 14, box.width - 260))}px`;
    this.element.style.top = `${clientY - box.top + 16}px`;
  }

  hide(): void {
    this.element.setAttribute('hidden', '');
  }
}
