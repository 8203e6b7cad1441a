// The timeline's hover card: a step's type, status, start, end, duration and payload sizes.
import type { StepView } from '../src/panels/protocol';
import { el, formatBytes, localTime } from './dom';

export class StepTooltip {
  private readonly element: HTMLElement;

  constructor(private readonly host: HTMLElement) {
    this.element = el('div', { class: 'timeline-tooltip', attrs: { role: 'tooltip', hidden: '' } });
    host.append(this.element);
  }

  show(s: StepView, clientX: number, clientY: number): void {
    const lines: [string, string | undefined][] = [
      ['Type', s.type],
      ['Status', s.rawStatus],
      ['Start', localTime(s.startedAt)],
      ['End', s.endedAt ? localTime(s.endedAt) : s.status === 'running' ? 'running' : undefined],
      ['Duration', s.duration],
      ['Input', formatBytes(s.inputSize)],
      ['Output', formatBytes(s.outputSize)],
      ['Agent', s.agent],
      ['Model', s.model],
      ['Tokens', s.tokensUsed?.toString()],
      ['Branch', s.branch ? 'starts a branch' : undefined],
    ];
    this.element.replaceChildren(
      el('div', { class: 'tooltip-title' }, s.label),
      ...lines.filter(([, v]) => v).map(([k, v]) => el('div', {}, el('span', { class: 'tooltip-key' }, `${k}: `), v!)),
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
