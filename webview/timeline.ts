// The step timeline: every step a bar on one shared time axis, in graph order (branches
// indented), coloured by status. Rows are virtualized — only those in view exist in the
// DOM — so a 1,000-step run scrolls as lightly as a 10-step one. A listbox for keyboard
// and screen readers: arrows, Page Up/Down, Home/End move the selection; + / - zoom; 0 fits.
import * as l10n from '@vscode/l10n';
import { formatDuration } from '../src/core/duration';
import { formatNumber } from '../src/core/locale';
import type { StepView } from '../src/panels/protocol';
import { el } from './dom';
import { StepTooltip } from './stepTooltip';

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 260;
const OVERSCAN = 10;
const INDENT = 12;
const MAX_INDENT_DEPTH = 8;
const MIN_BAR = 3;
const MAX_ZOOM = 2000;

export interface TimelineOptions {
  readonly steps: readonly StepView[];
  readonly axis: { readonly startMs: number; readonly endMs: number };
  /** Multiples of "fit"; 1 shows the whole run in the visible width. */
  readonly zoom?: number;
  readonly scrollTop?: number;
  onSelect(index: number): void;
  onViewChange(view: { zoom: number; scrollTop: number }): void;
}

const STATUS_GLYPH: Record<string, string> = {
  failed: '✗',
  succeeded: '✓',
  running: '▶',
  delayed: '⏸',
  queued: '…',
  cancelled: '⊘',
  unknown: '?',
};

export class Timeline {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly axisTrack: HTMLElement;
  private readonly tooltip: StepTooltip;
  private readonly zoomLabel: HTMLElement;
  private readonly steps: readonly StepView[];
  private readonly axis: { startMs: number; endMs: number };
  private zoom: number;
  private selected = -1;
  private diverged: string | undefined;
  private frame = 0;
  private width = 0;
  private resized = false;
  /** Keep the selected row in view through resizes, until the user scrolls away from it. */
  private follow = false;

  constructor(private readonly options: TimelineOptions) {
    this.steps = options.steps;
    this.axis = options.axis;
    this.zoom = options.zoom && options.zoom >= 1 ? Math.min(options.zoom, MAX_ZOOM) : 1;
    const count = this.steps.length;

    this.zoomLabel = el('span', { class: 'zoom-label' });
    const toolbar = el(
      'div',
      { class: 'timeline-toolbar' },
      el('span', { class: 'step-count', attrs: { 'data-testid': 'step-count' } }, count === 1 ? l10n.t('1 step') : l10n.t('{0} steps', formatNumber(count))),
      el('span', { class: 'spacer-flex' }),
      toolButton('−', l10n.t('Zoom out (-)'), () => this.setZoom(this.zoom / 1.5)),
      this.zoomLabel,
      toolButton('+', l10n.t('Zoom in (+)'), () => this.setZoom(this.zoom * 1.5)),
      toolButton(l10n.t('Zoom to Fit'), l10n.t('Zoom to fit (0)'), () => this.setZoom(1), 'zoom-fit'),
    );
    this.axisTrack = el('div', { class: 'axis-track' });
    const axisRow = el('div', { class: 'timeline-axis', attrs: { 'aria-hidden': 'true' } }, el('div', { class: 'axis-label-cell' }, l10n.t('Step')), this.axisTrack);
    this.rows = el('div', { class: 'timeline-rows' });
    this.spacer = el('div', { class: 'timeline-spacer' }, this.rows);
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    this.viewport = el(
      'div',
      {
        class: 'timeline-viewport',
        attrs: { tabindex: '0', role: 'listbox', 'aria-label': l10n.t('Steps of this run, {0} in graph order', formatNumber(count)), 'data-step-count': String(count) },
      },
      this.spacer,
    );
    this.element = el('section', { class: 'timeline', attrs: { 'aria-label': l10n.t('Timeline'), 'data-step-count': String(count) } }, toolbar, axisRow, this.viewport);
    this.tooltip = new StepTooltip(this.element);

    this.viewport.addEventListener('scroll', () => this.schedule());
    // The user scrolling (wheel, or dragging a scrollbar, which targets the viewport itself) stops the following.
    this.viewport.addEventListener('wheel', () => (this.follow = false), { passive: true });
    this.viewport.addEventListener('pointerdown', (e) => {
      if (e.target === this.viewport) this.follow = false;
    });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.viewport.addEventListener('click', (e) => {
      const index = this.indexAt(e.clientY);
      if (index !== undefined) this.select(index, false);
    });
    this.viewport.addEventListener('mousemove', (e) => this.hover(e));
    this.viewport.addEventListener('mouseleave', () => this.tooltip.hide());
    this.viewport.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey) return;
        e.preventDefault();
        this.setZoom(this.zoom * (e.deltaY < 0 ? 1.25 : 0.8));
      },
      { passive: false },
    );
    new ResizeObserver(() => {
      this.resized = true;
      this.schedule();
    }).observe(this.viewport);
    if (options.scrollTop) queueMicrotask(() => (this.viewport.scrollTop = options.scrollTop!));
  }

  focus(): void {
    this.viewport.focus({ preventScroll: true });
  }

  select(index: number, scroll = true): void {
    if (index < 0 || index >= this.steps.length) return;
    this.selected = index;
    this.follow = scroll;
    if (scroll) this.scrollIntoView(index);
    this.render();
    this.options.onSelect(index);
  }

  /** Marks the step where Compare found this run parting from the last success. */
  markDiverged(stepId: string | undefined): void {
    this.diverged = stepId;
    this.render();
  }

  private setZoom(zoom: number): void {
    const next = Math.max(1, Math.min(MAX_ZOOM, zoom));
    // Keep the selected bar (or the left edge) where it is while zooming.
    const anchorMs = this.selected >= 0 ? (this.steps[this.selected]!.startMs ?? this.axis.startMs) : this.axis.startMs;
    const before = this.x(anchorMs) - this.viewport.scrollLeft;
    this.zoom = next;
    this.updateWidth();
    this.viewport.scrollLeft = Math.max(0, this.x(anchorMs) - before);
    this.render();
    this.options.onViewChange({ zoom: this.zoom, scrollTop: this.viewport.scrollTop });
  }

  private scrollIntoView(index: number): void {
    const top = index * ROW_HEIGHT;
    const view = this.viewport;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    const step = this.steps[index]!;
    if (step.startMs !== undefined && this.zoom > 1) {
      const x = this.x(step.startMs);
      if (x < view.scrollLeft + LABEL_WIDTH || x > view.scrollLeft + view.clientWidth - 40) view.scrollLeft = Math.max(0, x - LABEL_WIDTH - 40);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const last = this.steps.length - 1;
    const at = this.selected < 0 ? 0 : this.selected;
    const moves: Record<string, () => number> = {
      ArrowDown: () => Math.min(last, at + 1),
      ArrowUp: () => Math.max(0, at - 1),
      PageDown: () => Math.min(last, at + page),
      PageUp: () => Math.max(0, at - page),
      Home: () => 0,
      End: () => last,
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      this.select(move());
      return;
    }
    if (e.key === '+' || e.key === '=') this.setZoom(this.zoom * 1.5);
    else if (e.key === '-') this.setZoom(this.zoom / 1.5);
    else if (e.key === '0') this.setZoom(1);
    else return;
    e.preventDefault();
  }

  private indexAt(clientY: number): number | undefined {
    const rect = this.viewport.getBoundingClientRect();
    const index = Math.floor((clientY - rect.top + this.viewport.scrollTop) / ROW_HEIGHT);
    return index >= 0 && index < this.steps.length ? index : undefined;
  }

  private hover(e: MouseEvent): void {
    const index = this.indexAt(e.clientY);
    if (index === undefined) this.tooltip.hide();
    else this.tooltip.show(this.steps[index]!, e.clientX, e.clientY);
  }

  /** One render per frame, whatever scrolled or resized in between. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.resized) {
        this.resized = false;
        this.updateWidth();
        // The header settling or the window shrinking must not push the selected step out of view.
        if (this.follow) this.scrollIntoView(this.selected);
      }
      this.render();
      this.options.onViewChange({ zoom: this.zoom, scrollTop: this.viewport.scrollTop });
    });
  }

  private scale(): number {
    const span = Math.max(1, this.axis.endMs - this.axis.startMs);
    const track = Math.max(100, (this.viewport.clientWidth || 600) - LABEL_WIDTH - 16);
    return (track * this.zoom) / span;
  }

  private x(ms: number): number {
    return LABEL_WIDTH + (ms - this.axis.startMs) * this.scale();
  }

  private updateWidth(): void {
    this.width = this.x(this.axis.endMs) + 16;
    this.spacer.style.width = `${this.width}px`;
  }

  /** Draws the rows in view (plus a margin), and the axis ticks for the visible span. */
  render(): void {
    if (!this.width) this.updateWidth();
    const view = this.viewport;
    const first = Math.max(0, Math.floor(view.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.steps.length, Math.ceil((view.scrollTop + (view.clientHeight || 400)) / ROW_HEIGHT) + OVERSCAN);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) rows.push(this.row(i));
    this.rows.replaceChildren(...rows);
    this.viewport.setAttribute('aria-activedescendant', this.selected >= first && this.selected < last ? `step-row-${this.selected}` : '');
    this.zoomLabel.textContent = formatNumber(this.zoom, { style: 'percent', maximumFractionDigits: 0 });
    this.renderAxis();
  }

  private row(i: number): HTMLElement {
    const s = this.steps[i]!;
    const selected = i === this.selected;
    const diverged = s.id === this.diverged;
    const depth = Math.min(s.depth, MAX_INDENT_DEPTH);
    const label = el(
      'div',
      { class: 'row-label' },
      el('span', { class: `glyph status-fg-${s.status}`, attrs: { 'aria-hidden': 'true' } }, STATUS_GLYPH[s.status] ?? '?'),
      s.branch ? el('span', { class: 'branch-mark', attrs: { 'aria-hidden': 'true' } }, '↳') : null,
      el('span', { class: 'row-name' }, s.label),
      diverged ? el('span', { class: 'diverged-mark', attrs: { title: l10n.t('First difference from the last success') } }, '≠') : null,
    );
    label.style.paddingLeft = `${6 + depth * INDENT}px`;
    const bar = el('div', { class: `bar status-bg-${s.status}${s.endMs === undefined ? ' open' : ''}` });
    const start = s.startMs ?? this.axis.startMs;
    const end = s.endMs ?? this.axis.endMs;
    bar.style.left = `${this.x(start)}px`;
    bar.style.width = `${Math.max(MIN_BAR, this.x(end) - this.x(start))}px`;
    const row = el(
      'div',
      {
        class: `row${selected ? ' selected' : ''}${diverged ? ' diverged' : ''}`,
        attrs: {
          id: `step-row-${i}`,
          role: 'option',
          'aria-selected': String(selected),
          'aria-posinset': String(i + 1),
          'aria-setsize': String(this.steps.length),
          'aria-label': rowLabel(s, diverged),
          'data-step-id': s.id,
          'data-status': s.status,
        },
      },
      bar,
      label,
    );
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    return row;
  }

  private renderAxis(): void {
    const span = this.axis.endMs - this.axis.startMs;
    const visibleMs = (this.viewport.clientWidth - LABEL_WIDTH) / this.scale();
    const step = niceStep(visibleMs / 6);
    const fromMs = Math.max(0, Math.floor(this.viewport.scrollLeft / this.scale() / step) * step);
    const ticks: HTMLElement[] = [];
    for (let t = fromMs; t <= Math.min(span, fromMs + visibleMs + step); t += step) {
      const tick = el('span', { class: 'tick' }, t === 0 ? '0' : `+${formatDuration(t)}`);
      tick.style.left = `${this.x(this.axis.startMs + t) - this.viewport.scrollLeft - LABEL_WIDTH}px`;
      ticks.push(tick);
    }
    this.axisTrack.replaceChildren(...ticks);
  }
}

/** A step row's accessible name: its label, status and duration, and whether Compare found the first difference there. */
function rowLabel(s: StepView, diverged: boolean): string {
  if (diverged)
    return s.duration
      ? l10n.t('{0}, {1}, {2}, first difference from the last success', s.label, s.rawStatus, s.duration)
      : l10n.t('{0}, {1}, first difference from the last success', s.label, s.rawStatus);
  return s.duration ? l10n.t('{0}, {1}, {2}', s.label, s.rawStatus, s.duration) : l10n.t('{0}, {1}', s.label, s.rawStatus);
}

function toolButton(label: string, title: string, onClick: () => void, action?: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.secondary = true;
  b.textContent = label;
  b.setAttribute('title', title);
  if (action) b.dataset['action'] = action;
  b.addEventListener('click', onClick);
  return b;
}

/** 1, 2 or 5 times a power of ten, in milliseconds, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1000;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}
