// The step inspector: the selected step's fields, and its input and output fetched on demand
// (the extension caches them) and shown collapsible; a string output is an error message and
// shown as one; a large payload is a preview with "Open in Editor". Everything is text.
import * as l10n from '@vscode/l10n';
import type { PanelCapabilities, PayloadPart, PayloadView, StepPayloadView, StepView } from '../src/panels/protocol';
import { formatBytes } from '../src/core/format';
import { formatNumber } from '../src/core/locale';
import { button, el, replace, visible } from './dom';
import { post } from './host';
import { jsonTree } from './jsonTree';
import { panelStepFields } from './stepFields';

/** Waits this long after the selection settles before asking for a payload (holding ↓ asks for none). */
const FETCH_DELAY_MS = 120;

export class Inspector {
  readonly element: HTMLElement;
  private step: StepView | undefined;
  private readonly cache = new Map<string, StepPayloadView | { error: string }>();
  private readonly pending = new Map<number, string>();
  private nextRequest = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly capabilities: PanelCapabilities) {
    this.element = el('section', { class: 'inspector', attrs: { 'aria-label': l10n.t('Step inspector') } }, el('p', { class: 'placeholder' }, l10n.t('Select a step.')));
  }

  show(step: StepView): void {
    this.step = step;
    const title = el('div', { class: 'inspector-title' }, statusBadge(step.status, step.rawStatus), el('h2', {}, step.label));
    const list = el('dl', { class: 'fields' });
    for (const [k, v] of panelStepFields(step)) list.append(el('dt', {}, k), el('dd', {}, v));
    const payloads = el('div', { class: 'payloads' });
    replace(this.element, title, list, payloads);
    if (!this.capabilities.stepPayloads) {
      payloads.append(el('p', { class: 'muted' }, l10n.t('This source does not give step inputs and outputs.')));
      return;
    }
    const cached = this.cache.get(step.id);
    if (cached) {
      this.draw(payloads, step, cached);
      return;
    }
    payloads.append(el('div', { class: 'loading' }, el('vscode-progress-ring', { attrs: { 'aria-label': l10n.t('Loading') } }), l10n.t('Loading input and output…')));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.request(step.id), FETCH_DELAY_MS);
  }

  /** Whether it shows this very step view now (same id, same fields): nothing to redraw. */
  isShowing(step: StepView): boolean {
    return this.step !== undefined && this.step.id === step.id && JSON.stringify(this.step) === JSON.stringify(step);
  }

  /** Forgets the payloads of steps that changed (a running step that ended): asked for again when shown. */
  forget(stepIds: ReadonlySet<string>): void {
    for (const id of stepIds) this.cache.delete(id);
  }

  /** A payload (or its failure) arrived; drawn if its step is still the one shown. */
  receive(requestId: number, stepId: string, result: StepPayloadView | { error: string }): void {
    this.pending.delete(requestId);
    this.cache.set(stepId, result);
    if (this.step?.id !== stepId) return;
    const payloads = this.element.querySelector('.payloads');
    if (payloads) this.draw(payloads as HTMLElement, this.step, result);
  }

  private request(stepId: string): void {
    if (this.step?.id !== stepId || this.cache.has(stepId) || [...this.pending.values()].includes(stepId)) return;
    const requestId = this.nextRequest++;
    this.pending.set(requestId, stepId);
    post({ type: 'loadPayload', requestId, stepId });
  }

  private draw(container: HTMLElement, step: StepView, result: StepPayloadView | { error: string }): void {
    if ('error' in result) {
      const retry = button(
        l10n.t('Retry'),
        () => {
          this.cache.delete(step.id);
          this.show(step);
        },
        { secondary: true },
      );
      replace(container, el('div', { class: 'message-box error', attrs: { role: 'alert' } }, l10n.t("Could not load this step's input and output: {0}", result.error)), retry);
      return;
    }
    // The output first: for a failed step it is the error being debugged.
    replace(container, this.section(step, 'output', result.output), this.section(step, 'input', result.input));
  }

  private section(step: StepView, part: PayloadPart, view: PayloadView): HTMLElement {
    const name = part === 'input' ? l10n.t('Input') : l10n.t('Output');
    const section = document.createElement('vscode-collapsible');
    section.heading = name;
    section.open = true;
    section.dataset['part'] = part;
    if (view.kind !== 'missing') section.description = formatBytes(view.bytes);
    const openInEditor = () => post({ type: 'openPayload', stepId: step.id, part });
    switch (view.kind) {
      case 'missing':
        section.append(el('p', { class: 'muted' }, part === 'input' ? l10n.t('No input.') : l10n.t('No output.')));
        break;
      case 'text': {
        const isError = part === 'output' && (step.status !== 'succeeded' || /\b(error|exception|failed)\b/i.test(view.text));
        section.append(
          el(
            'div',
            { class: `message-box ${isError ? 'error' : 'text'}`, attrs: isError ? { 'data-testid': 'step-error' } : {} },
            isError ? el('div', { class: 'message-title' }, l10n.t('Error')) : null,
            el('pre', { class: 'message-text' }, view.text),
            view.truncated ? el('div', { class: 'muted' }, l10n.t('Cut at {0} characters.', formatNumber(view.text.length))) : null,
          ),
        );
        break;
      }
      case 'json':
        section.append(jsonTree(view.value));
        break;
      case 'preview': {
        const why =
          view.reason === 'flag'
            ? l10n.t(
                'The API marks it large ({0}): here are its first {1}. Open it in an editor to fold and search all of it.',
                formatBytes(view.bytes),
                formatBytes(view.text.length),
              )
            : l10n.t(
                "It is over the panel's size limit ({0}): here are its first {1}. Open it in an editor to fold and search all of it.",
                formatBytes(view.bytes),
                formatBytes(view.text.length),
              );
        section.append(el('div', { class: 'message-box info' }, why), el('pre', { class: 'preview-text' }, `${view.text}\n…`));
        break;
      }
    }
    if (view.kind !== 'missing') {
      const actions = el('div', { class: 'section-actions' }, button(l10n.t('Open in Editor'), openInEditor, { secondary: view.kind !== 'preview', action: `open-${part}` }));
      section.append(actions);
    }
    return section;
  }
}

export function statusBadge(status: string, raw: string): HTMLElement {
  const badge = document.createElement('vscode-badge');
  badge.className = `status-badge status-badge-${status}`;
  badge.textContent = visible(raw);
  return badge;
}
