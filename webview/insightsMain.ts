// The Insights panel's webview: receives one source's (or every source's) figures from the
// extension and draws each as a chart with its numbers in a table beside it, then the error
// signatures with their actions. It makes no network calls and holds no secrets; it speaks
// src/panels/insightsProtocol.ts only, and keeps its scope for a reload.
// First paint (issue 12: under 500 ms for 150,000 runs; bench/insightsPaint.ts): the heading,
// the summary and the first figures are made at once; every other chart is drawn when it comes
// near the view (IntersectionObserver), and the other tables and the error signatures are built
// in short slices in the frames after the first paint, so every number is in the document (for
// a screen reader, find-in-page, a copy) a moment later, long before anyone reaches it. Until
// then <main> is aria-busy. docs/insights-charts.md says why.
// First: the messages and the display language the host put in the page, before anything draws.
import './l10n';
import './litNonce';
// The one vscode-elements component the panel uses (its buttons), not the run panel's set: less to load before the first paint.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import 'uplot/dist/uPlot.min.css';
import './insights/charts.css';
import * as l10n from '@vscode/l10n';
import {
  INSIGHTS_PROTOCOL_VERSION,
  parseScopeState,
  type FromInsightsWebview,
  type InsightsScopeState,
  type SourceInsights,
  type ToInsightsWebview,
} from '../src/panels/insightsProtocol';
import type { ErrorSignature, InsightsData } from '../src/insights/model';
import { formatNumber, formatUnit } from '../src/core/locale';
import { button, el, localTime, replace } from './dom';
import { deferredFigure, type DeferredFigure } from './insights/charts';
import { figuresOf, keyLabel } from './insightsFigures';

interface VsCodeApi {
  postMessage(message: FromInsightsWebview): void;
  getState(): unknown;
  setState(state: InsightsScopeState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const post = (message: FromInsightsWebview) => api.postMessage(message);

const app = document.getElementById('app')!;

/** Figures drawn with the first paint (the first ones fit in a panel's view); the others when they come near. */
const EAGER_FIGURES = 2;
/** How long one slice of the work after the first paint may hold the page (a frame's budget, less room for the browser). */
const SLICE_MS = 12;

/** What one shown message made and still has to make; dropped when the next message comes. */
class Painting {
  readonly figures: DeferredFigure[] = [];
  private readonly queue: (() => void)[] = [];
  private eager = EAGER_FIGURES;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private frame: number | undefined;
  private stopped = false;
  // A chart is drawn when its figure comes within a view's height of being seen.
  private readonly observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        this.observer.unobserve(entry.target);
        this.figures.find((f) => f.element === entry.target)?.show();
      }
    },
    { rootMargin: '100% 0px' },
  );

  figure(figure: DeferredFigure): void {
    this.figures.push(figure);
    if (this.eager > 0) {
      this.eager--;
      figure.show();
      return;
    }
    this.observer.observe(figure.element);
    this.later(() => figure.buildTable());
  }

  /** Work for the frames after the first paint, in the order given. */
  later(work: () => void): void {
    this.queue.push(work);
  }

  /** Starts the work after the first paint: the next frame is painted first. */
  start(): void {
    this.frame = requestAnimationFrame(() => (this.timer = setTimeout(() => this.slice())));
  }

  private slice(): void {
    if (this.stopped) return;
    const until = performance.now() + SLICE_MS;
    while (this.queue.length > 0 && performance.now() < until) this.queue.shift()!();
    if (this.queue.length > 0) this.timer = setTimeout(() => this.slice());
    else app.setAttribute('aria-busy', 'false');
  }

  stop(): void {
    this.stopped = true;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.observer.disconnect();
    for (const figure of this.figures) figure.destroy();
  }
}

let painting: Painting | undefined;

function clear(): void {
  painting?.stop();
  painting = undefined;
}

function toolbar(scope: InsightsScopeState, filter: string): HTMLElement {
  const other = scope.bucket === 'day' ? 'hour' : 'day';
  return el(
    'div',
    { class: 'insights-toolbar' },
    el('span', { class: 'insights-filter' }, filter ? l10n.t('Filter: {0}', filter) : l10n.t('No filter: every run the index holds')),
    button(other === 'hour' ? l10n.t('By hour') : l10n.t('By day'), () => post({ type: 'setBucket', bucket: other }), {
      secondary: true,
      title: other === 'hour' ? l10n.t('Buckets of one hour') : l10n.t('Buckets of one day'),
      action: 'bucket',
    }),
    button(l10n.t('Refresh'), () => post({ type: 'refresh' }), { secondary: true, action: 'refresh' }),
  );
}

function percent(rate: number | null): string {
  return rate === null ? '–' : formatNumber(rate, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function ms(value: number | null): string {
  if (value === null) return '–';
  const oneDecimal = { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false };
  return value >= 60_000
    ? formatUnit(value / 60_000, 'minute', oneDecimal)
    : value >= 1000
      ? formatUnit(value / 1000, 'second', oneDecimal)
      : formatUnit(Math.round(value), 'millisecond');
}

/** The source's headline numbers, as a definition list (read as pairs by a screen reader). */
function totals(data: InsightsData): HTMLElement {
  const t = data.totals;
  const pairs: [string, string][] = [
    [l10n.t('Runs'), formatNumber(t.runs)],
    [l10n.t('Failed'), formatNumber(t.failed)],
    [l10n.t('Succeeded'), formatNumber(t.succeeded)],
    [l10n.t('Success rate'), percent(t.successRate)],
    [l10n.t('Duration p50'), ms(data.durations.p50Ms)],
    [l10n.t('Duration p95'), ms(data.durations.p95Ms)],
    [l10n.t('Duration max'), ms(data.durations.maxMs)],
    [l10n.t('Mean duration'), ms(data.durations.meanMs)],
  ];
  if (data.has.tokens && t.tokens !== undefined) pairs.push([l10n.t('Tokens'), formatNumber(t.tokens)]);
  if (data.has.taskCount && t.taskCount !== undefined) pairs.push([l10n.t('Tasks executed'), formatNumber(t.taskCount)]);
  const list = el('dl', { class: 'insights-totals', attrs: { 'data-figure': 'totals' } });
  for (const [label, value] of pairs) list.append(el('div', {}, el('dt', {}, label), el('dd', {}, value)));
  return list;
}

function signatureItem(source: SourceInsights, signature: ErrorSignature, names: ReadonlyMap<string, string>): HTMLElement {
  const trend = signature.isNew ? l10n.t('New in the last 24 h') : signature.growing ? l10n.t('Growing') : undefined;
  const act = (action: 'export' | 'list' | 'copyMarkdown') => () => post({ type: 'signature', action, sourceId: source.sourceId, signature: signature.key });
  return el(
    'li',
    { class: 'insights-signature', attrs: { 'data-count': String(signature.count) } },
    el(
      'div',
      { class: 'insights-signature-head' },
      el('span', { class: 'insights-signature-count' }, formatNumber(signature.count)),
      el('code', { class: 'insights-signature-text' }, signature.signature),
      trend ? el('span', { class: `insights-badge${signature.isNew ? ' new' : ''}` }, trend) : null,
    ),
    el(
      'div',
      { class: 'insights-signature-meta' },
      l10n.t(
        'First seen {0} · last seen {1} · last 24 h: {2}, the 24 before: {3}',
        localTime(signature.firstSeen ?? undefined) || '–',
        localTime(signature.lastSeen ?? undefined) || '–',
        formatNumber(signature.last24h),
        formatNumber(signature.previous24h),
      ),
    ),
    signature.workflows.length > 0
      ? el(
          'div',
          { class: 'insights-signature-meta' },
          source.data?.kind === 'paragon'
            ? l10n.t('Workflows: {0}', signature.workflows.map((w) => keyLabel(w, names)).join(', '))
            : l10n.t('Tasks: {0}', signature.workflows.map((w) => keyLabel(w, names)).join(', ')),
        )
      : null,
    signature.users.length > 0 ? el('div', { class: 'insights-signature-meta' }, l10n.t('Users: {0}', signature.users.join(', '))) : null,
    signature.exampleText ? el('pre', { class: 'insights-signature-example' }, signature.exampleText) : null,
    el(
      'div',
      { class: 'insights-signature-actions' },
      button(l10n.t('Open Newest Example'), () => post({ type: 'openRun', sourceId: source.sourceId, runId: signature.example, stepId: signature.exampleStepId ?? undefined }), {
        action: 'open-example',
      }),
      button(l10n.t('Export These Runs…'), act('export'), { secondary: true, action: 'export' }),
      button(l10n.t('List in Tree'), act('list'), { secondary: true, action: 'list' }),
      button(l10n.t('Copy as Markdown'), act('copyMarkdown'), { secondary: true, action: 'copy-markdown' }),
    ),
  );
}

/**
 * One source's section, put in `parent` before its charts are drawn: a chart reads its theme colours where it sits in the document.
 * Its error signatures come after the first paint, all at once (their heading with them: what reads the panel finds the list whole).
 */
function sourceSection(parent: HTMLElement, source: SourceInsights, names: ReadonlyMap<string, string>, single: boolean, paint: Painting): HTMLElement {
  const section = el('section', { class: 'insights-source', attrs: { 'data-source': source.sourceId, 'aria-label': source.label } });
  parent.append(section);
  if (!single) section.append(el('h2', {}, source.label));
  if (source.note) section.append(el('p', { class: 'insights-note' }, source.note));
  const data = source.data;
  if (!data) return section;
  section.append(totals(data));
  for (const figure of figuresOf(data, names)) {
    const holder = el('div', { attrs: { 'data-figure': figure.id } });
    section.append(holder);
    paint.figure(deferredFigure(holder, figure.kind, figure.data));
  }
  const errors = data.errors;
  const part = el('div', { class: 'insights-errors' });
  part.append(
    el('h3', {}, l10n.t('Error signatures ({0})', formatNumber(errors.signatures.length))),
    el(
      'p',
      { class: 'insights-note' },
      errors.withoutSteps > 0
        ? l10n.t('{0} failed runs; {1} of them without stored steps (not synced yet), in no signature.', formatNumber(errors.failedRuns), formatNumber(errors.withoutSteps))
        : l10n.t('{0} failed runs.', formatNumber(errors.failedRuns)),
    ),
  );
  const list = el('ol', { class: 'insights-signatures', attrs: { 'data-figure': 'signatures' } });
  // Made a few at a time off the document, put in it whole.
  for (let i = 0; i < errors.signatures.length; i += SIGNATURES_A_SLICE) {
    const some = errors.signatures.slice(i, i + SIGNATURES_A_SLICE);
    paint.later(() => list.append(...some.map((signature) => signatureItem(source, signature, names))));
  }
  if (errors.signatures.length > 0) part.append(list);
  paint.later(() => section.append(part));
  return section;
}

/** Error signatures made in one slice of the work after the first paint. */
const SIGNATURES_A_SLICE = 10;

function show(message: Extract<ToInsightsWebview, { type: 'insights' }>): void {
  clear();
  const paint = (painting = new Painting());
  api.setState(message.scope);
  const names = new Map(message.workflowNames);
  const single = message.sources.length === 1;
  const title = single ? l10n.t('Insights: {0}', message.sources[0]!.label) : l10n.t('Insights: every source');
  replace(app, el('h1', {}, title), toolbar(message.scope, message.filter));
  if (message.sources.length === 0)
    app.append(el('p', { class: 'insights-note' }, l10n.t('No source yet: add a Paragon project or a Dispersl account, then sync its runs into the run index.')));
  for (const source of message.sources) sourceSection(app, source, names, single, paint);
  // Busy until every table and signature is in the document (a moment after the first paint).
  app.setAttribute('aria-busy', 'true');
  paint.start();
}

window.addEventListener('message', (event: MessageEvent<ToInsightsWebview>) => {
  const message = event.data;
  if (!message || message.v !== INSIGHTS_PROTOCOL_VERSION) return;
  switch (message.type) {
    case 'loading':
      app.setAttribute('aria-busy', 'true');
      return;
    case 'insights':
      show(message);
      return;
    case 'error':
      clear();
      replace(
        app,
        el('p', { class: 'insights-error', attrs: { role: 'alert' } }, message.message),
        button(l10n.t('Try Again'), () => post({ type: 'refresh' })),
      );
      app.setAttribute('aria-busy', 'false');
      return;
  }
});

// The scope it had is kept by VS Code for a reload (the extension's serializer reads it).
const kept = parseScopeState(api.getState());
if (kept) api.setState(kept);
post({ type: 'ready' });
