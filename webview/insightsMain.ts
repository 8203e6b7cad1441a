// The Insights panel's webview: receives one source's (or every source's) figures from the
// extension and draws each as a chart with its numbers in a table beside it, then the error
// signatures with their actions. It makes no network calls and holds no secrets; it speaks
// src/panels/insightsProtocol.ts only, and keeps its scope for a reload.
import './litNonce';
import './elements';
import 'uplot/dist/uPlot.min.css';
import './insights/charts.css';
import {
  INSIGHTS_PROTOCOL_VERSION,
  parseScopeState,
  type FromInsightsWebview,
  type InsightsScopeState,
  type SourceInsights,
  type ToInsightsWebview,
} from '../src/panels/insightsProtocol';
import type { ErrorSignature, InsightsData } from '../src/insights/model';
import { button, el, localTime, replace } from './dom';
import { chartFigure, type InsightsChart } from './insights/charts';
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
let charts: InsightsChart[] = [];

function clear(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function toolbar(scope: InsightsScopeState, filter: string): HTMLElement {
  const other = scope.bucket === 'day' ? 'hour' : 'day';
  return el(
    'div',
    { class: 'insights-toolbar' },
    el('span', { class: 'insights-filter' }, filter ? `Filter: ${filter}` : 'No filter: every run the index holds'),
    button(`By ${other}`, () => post({ type: 'setBucket', bucket: other }), { secondary: true, title: `Buckets of one ${other}`, action: 'bucket' }),
    button('Refresh', () => post({ type: 'refresh' }), { secondary: true, action: 'refresh' }),
  );
}

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)}%`;
}

function ms(value: number | null): string {
  if (value === null) return '–';
  return value >= 60_000 ? `${(value / 60_000).toFixed(1)} min` : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** The source's headline numbers, as a definition list (read as pairs by a screen reader). */
function totals(data: InsightsData): HTMLElement {
  const t = data.totals;
  const pairs: [string, string][] = [
    ['Runs', t.runs.toLocaleString()],
    ['Failed', t.failed.toLocaleString()],
    ['Succeeded', t.succeeded.toLocaleString()],
    ['Success rate', percent(t.successRate)],
    ['Duration p50', ms(data.durations.p50Ms)],
    ['Duration p95', ms(data.durations.p95Ms)],
    ['Duration max', ms(data.durations.maxMs)],
    ['Mean duration', ms(data.durations.meanMs)],
  ];
  if (data.has.tokens && t.tokens !== undefined) pairs.push(['Tokens', t.tokens.toLocaleString()]);
  if (data.has.taskCount && t.taskCount !== undefined) pairs.push(['Tasks executed', t.taskCount.toLocaleString()]);
  const list = el('dl', { class: 'insights-totals', attrs: { 'data-figure': 'totals' } });
  for (const [label, value] of pairs) list.append(el('div', {}, el('dt', {}, label), el('dd', {}, value)));
  return list;
}

function signatureItem(source: SourceInsights, signature: ErrorSignature, names: ReadonlyMap<string, string>): HTMLElement {
  const trend = signature.isNew ? 'New in the last 24 h' : signature.growing ? 'Growing' : undefined;
  const act = (action: 'export' | 'list' | 'copyMarkdown') => () => post({ type: 'signature', action, sourceId: source.sourceId, signature: signature.key });
  return el(
    'li',
    { class: 'insights-signature', attrs: { 'data-count': String(signature.count) } },
    el(
      'div',
      { class: 'insights-signature-head' },
      el('span', { class: 'insights-signature-count' }, signature.count.toLocaleString()),
      el('code', { class: 'insights-signature-text' }, signature.signature),
      trend ? el('span', { class: `insights-badge${signature.isNew ? ' new' : ''}` }, trend) : null,
    ),
    el(
      'div',
      { class: 'insights-signature-meta' },
      `First seen ${localTime(signature.firstSeen ?? undefined) || '–'} · last seen ${localTime(signature.lastSeen ?? undefined) || '–'} · last 24 h: ${signature.last24h}, the 24 before: ${signature.previous24h}`,
    ),
    signature.workflows.length > 0
      ? el(
          'div',
          { class: 'insights-signature-meta' },
          `${source.data?.kind === 'paragon' ? 'Workflows' : 'Tasks'}: ${signature.workflows.map((w) => keyLabel(w, names)).join(', ')}`,
        )
      : null,
    signature.users.length > 0 ? el('div', { class: 'insights-signature-meta' }, `Users: ${signature.users.join(', ')}`) : null,
    signature.exampleText ? el('pre', { class: 'insights-signature-example' }, signature.exampleText) : null,
    el(
      'div',
      { class: 'insights-signature-actions' },
      button('Open Newest Example', () => post({ type: 'openRun', sourceId: source.sourceId, runId: signature.example, stepId: signature.exampleStepId ?? undefined }), {
        action: 'open-example',
      }),
      button('Export These Runs…', act('export'), { secondary: true, action: 'export' }),
      button('List in Tree', act('list'), { secondary: true, action: 'list' }),
      button('Copy as Markdown', act('copyMarkdown'), { secondary: true, action: 'copy-markdown' }),
    ),
  );
}

/** One source's section, put in `parent` before its charts are drawn: a chart reads its theme colours where it sits in the document. */
function sourceSection(parent: HTMLElement, source: SourceInsights, names: ReadonlyMap<string, string>, single: boolean): HTMLElement {
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
    charts.push(chartFigure(holder, figure.kind, figure.data).chart);
  }
  const errors = data.errors;
  section.append(
    el('h3', {}, `Error signatures (${errors.signatures.length.toLocaleString()})`),
    el(
      'p',
      { class: 'insights-note' },
      `${errors.failedRuns.toLocaleString()} failed runs${errors.withoutSteps > 0 ? `; ${errors.withoutSteps.toLocaleString()} of them without stored steps (not synced yet), in no signature` : ''}.`,
    ),
  );
  if (errors.signatures.length > 0) {
    const list = el('ol', { class: 'insights-signatures', attrs: { 'data-figure': 'signatures' } });
    for (const signature of errors.signatures) list.append(signatureItem(source, signature, names));
    section.append(list);
  }
  return section;
}

function show(message: Extract<ToInsightsWebview, { type: 'insights' }>): void {
  clear();
  api.setState(message.scope);
  const names = new Map(message.workflowNames);
  const single = message.sources.length === 1;
  const title = single ? `Insights: ${message.sources[0]!.label}` : 'Insights: every source';
  replace(app, el('h1', {}, title), toolbar(message.scope, message.filter));
  if (message.sources.length === 0)
    app.append(el('p', { class: 'insights-note' }, 'No source yet: add a Paragon project or a Dispersl account, then sync its runs into the run index.'));
  for (const source of message.sources) sourceSection(app, source, names, single);
  app.setAttribute('aria-busy', 'false');
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
        button('Try Again', () => post({ type: 'refresh' })),
      );
      app.setAttribute('aria-busy', 'false');
      return;
  }
});

// The scope it had is kept by VS Code for a reload (the extension's serializer reads it).
const kept = parseScopeState(api.getState());
if (kept) api.setState(kept);
post({ type: 'ready' });
