// The Insights panel's charts: stacked bars (runs a day by status), lines (success rate,
// durations, tokens by model) and bars (the most-failing workflows, tool usage), drawn with
// uPlot (chosen by measurement: docs/insights-charts.md), each with its numbers in a table
// beside it (./table.ts). uPlot draws on a canvas and sets styles through CSSOM only, so it
// runs under the panel's CSP (no eval, no inline style strings, no <style> element); its
// stylesheet ships as a file (uplot/dist/uPlot.min.css). Colours come from the theme's
// --vscode-* variables, resolved when a chart is drawn and again after each theme change.
import * as l10n from '@vscode/l10n';
import uPlot from 'uplot';
import { formatNumber } from '../../src/core/locale';
import { visible } from '../dom';
import { checkChartData, type ChartData } from './chartData';
import { axisValue, tableValue } from './format';
import { dataTable } from './table';
import { chartTheme, resolveColour, watchTheme, type ChartTheme } from './theme';

export type { ChartData, ChartSeries } from './chartData';
export type { ChartUnit } from './format';
export { CHART_COLOURS, resolveColour, watchTheme, type ThemeVariable } from './theme';
export { dataTable } from './table';

export type ChartKind = 'stackedBars' | 'lines' | 'bars';

export interface ChartOptions {
  /** The plot's height in CSS pixels (the legend adds its own). Its width follows the container. */
  readonly height?: number;
}

export interface InsightsChart {
  /** The chart's root: role="img" with a label naming what it shows and where its numbers are. */
  readonly element: HTMLElement;
  readonly kind: ChartKind;
  /** Draws new data in place (same kind). */
  update(data: ChartData): void;
  /** Reads the theme's colours again and redraws (done by itself after a theme change). */
  refreshTheme(): void;
  destroy(): void;
}

const DEFAULT_HEIGHT = 240;
const DEFAULT_WIDTH = 600;
/** A category's name is cut on the axis (the table has it whole). */
const AXIS_LABEL_CHARS = 28;

function axisLabel(label: string | undefined): string {
  const text = visible(label ?? '');
  return text.length > AXIS_LABEL_CHARS ? `${text.slice(0, AXIS_LABEL_CHARS - 1)}…` : text;
}

function describe(kind: ChartKind, data: ChartData): string {
  const shape = kind === 'stackedBars' ? l10n.t('stacked bars') : kind === 'lines' ? l10n.t('lines') : l10n.t('bars');
  const n = data.labels.length;
  const span =
    n === 0
      ? l10n.t('no data')
      : kind === 'bars'
        ? l10n.t('{0} items', formatNumber(n))
        : l10n.t('{0} points from {1} to {2}', formatNumber(n), data.labels[0]!, data.labels[n - 1]!);
  const series = data.series.map((s) => s.name).join(', ');
  return visible(l10n.t('{0}: {1}, {2}; {3}. The numbers are in the table beside the chart.', data.title, shape, span, series));
}

/** Nice upper bound for a scale that starts at 0. */
function upTo(max: number | null | undefined, unit: ChartData['unit']): [number, number] {
  if (unit === 'percent') return [0, 100];
  const top = max !== null && max !== undefined && Number.isFinite(max) && max > 0 ? max : 1;
  return [0, uPlot.rangeNum(0, top, 0.1, true)[1] ?? top];
}

function axis(theme: ChartTheme, extra: uPlot.Axis): uPlot.Axis {
  return { stroke: theme.foreground, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, ...extra };
}

/** uPlot's options and aligned data for one chart, colours resolved now from `element`'s theme. */
function plotSpec(kind: ChartKind, data: ChartData, element: Element, width: number, height: number): { options: uPlot.Options; aligned: uPlot.AlignedData } {
  const theme = chartTheme(element);
  const n = data.labels.length;
  const xs = data.labels.map((_, i) => i);
  const unit = data.unit ?? 'count';
  const exact = (values: readonly (number | null)[]) => (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx === null ? '–' : tableValue(values[idx]));
  const barsPath = uPlot.paths.bars!({ size: [0.7, 48] });
  let ys: (number | null)[][] = data.series.map((s) => [...s.values]);
  let series: uPlot.Series[] = data.series.map((s, i) => {
    const colour = resolveColour(s.colour, element);
    const common = { label: visible(s.name), stroke: colour, points: { show: false }, value: exact(data.series[i]!.values) };
    return kind === 'lines' ? { ...common, width: 2, spanGaps: false } : { ...common, fill: colour, width: 0, paths: barsPath };
  });
  // Loops, not Math.max(...spread): an hour a bucket over months is thousands of values.
  let max = 0;
  for (const values of ys) for (const v of values) if (v !== null && v > max) max = v;
  if (kind === 'stackedBars') {
    // uPlot does not stack: each series is drawn as the running sum, the tallest first, so
    // each colour shows its own segment. The legend, in the same order, reads top to bottom.
    const sums = new Array<number>(n).fill(0);
    ys = ys.map((values) => values.map((v, i) => (sums[i]! += v ?? 0)));
    max = sums.reduce((a, b) => (b > a ? b : a), 0);
    ys.reverse();
    series = series.reverse();
  }
  const category = (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? axisLabel(data.labels[v]) : ''));
  const value = (_u: uPlot, splits: number[]) => splits.map((v) => axisValue(v, unit));
  const longest = data.labels.reduce((a, l) => Math.max(a, Math.min(AXIS_LABEL_CHARS, l.length)), 1);
  const horizontal = kind === 'bars';
  const options: uPlot.Options = {
    width,
    height,
    // One name per index: bars sit on whole numbers, half a step of room each side. Horizontal
    // bars run top to bottom in the order given, as their table does.
    scales: {
      x: { time: false, range: () => (kind === 'lines' ? [0, Math.max(1, n - 1)] : [-0.5, n - 0.5]), ...(horizontal ? { ori: 1, dir: -1 } : {}) },
      y: { range: () => upTo(max, unit), ...(horizontal ? { ori: 0 } : {}) },
    },
    axes: horizontal
      ? [axis(theme, { side: 3, values: category, incrs: [1], space: 12, size: Math.min(220, 16 + longest * 6.5) }), axis(theme, { side: 0, values: value, space: 60 })]
      : [
          axis(theme, { values: category, incrs: [1, 2, 5, 7, 14, 30, 60, 90, 180, 365, 730, 1460, 2920, 5840], space: 16 + longest * 6.5 }),
          axis(theme, { values: value, size: 56 }),
        ],
    series: [{ label: visible(data.labelHeading ?? ''), value: (_u, _v, _si, idx) => (idx === null ? '–' : visible(data.labels[idx] ?? '')) }, ...series],
    legend: { show: data.series.length > 1 },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
  };
  return { options, aligned: [xs, ...ys] as uPlot.AlignedData };
}

class Chart implements InsightsChart {
  readonly element: HTMLElement;
  private plot: uPlot | undefined;
  private data: ChartData;
  private readonly height: number;
  private readonly unwatch: () => void;
  private readonly resize: ResizeObserver;
  private width = 0;

  constructor(
    readonly kind: ChartKind,
    container: HTMLElement,
    data: ChartData,
    options: ChartOptions,
  ) {
    checkChartData(data);
    this.data = data;
    this.height = options.height ?? DEFAULT_HEIGHT;
    this.element = document.createElement('div');
    this.element.className = `insights-chart insights-chart-${kind}`;
    this.element.setAttribute('role', 'img');
    container.replaceChildren(this.element);
    this.draw();
    this.unwatch = watchTheme(() => this.refreshTheme());
    this.resize = new ResizeObserver(() => {
      const width = this.element.clientWidth;
      if (width > 0 && width !== this.width && this.plot) {
        this.width = width;
        this.plot.setSize({ width, height: this.height });
      }
    });
    this.resize.observe(this.element);
  }

  private draw(): void {
    this.plot?.destroy();
    this.element.setAttribute('aria-label', describe(this.kind, this.data));
    this.width = this.element.clientWidth || DEFAULT_WIDTH;
    const { options, aligned } = plotSpec(this.kind, this.data, this.element, this.width, this.height);
    this.plot = new uPlot(options, aligned, this.element);
  }

  update(data: ChartData): void {
    checkChartData(data);
    this.data = data;
    this.draw();
  }

  refreshTheme(): void {
    if (this.plot) this.draw();
  }

  destroy(): void {
    this.unwatch();
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}

/** Counts over time stacked by series (runs a day by status). */
export function stackedBars(container: HTMLElement, data: ChartData, options: ChartOptions = {}): InsightsChart {
  return new Chart('stackedBars', container, data, options);
}

/** One line per series over the labels (success rate, p50/p95/max duration, tokens by model). */
export function lines(container: HTMLElement, data: ChartData, options: ChartOptions = {}): InsightsChart {
  return new Chart('lines', container, data, options);
}

/** Horizontal bars, one per label (the most-failing workflows, tool usage), in the order given. */
export function bars(container: HTMLElement, data: ChartData, options: ChartOptions = {}): InsightsChart {
  return new Chart('bars', container, data, options);
}

const KINDS = { stackedBars, lines, bars } as const;

export interface ChartFigure {
  readonly element: HTMLElement;
  readonly chart: InsightsChart;
  readonly table: HTMLTableElement;
}

/** The <figure> of a chart and its table, appended to `container`: the chart's place (marked pending until drawn, keeping its room) and the table's. */
function figureShell(container: HTMLElement, pending: boolean): { element: HTMLElement; plot: HTMLDivElement; numbers: HTMLDivElement } {
  const element = document.createElement('figure');
  element.className = 'insights-figure';
  const plot = document.createElement('div');
  plot.className = pending ? 'insights-figure-chart insights-figure-pending' : 'insights-figure-chart';
  const numbers = document.createElement('div');
  numbers.className = 'insights-figure-table';
  element.append(plot, numbers);
  container.append(element);
  return { element, plot, numbers };
}

/**
 * A chart and its table side by side in a <figure>: what the panel shows for each figure.
 * The table is the accessible path and the copy-paste one; the chart is its picture.
 */
export function chartFigure(container: HTMLElement, kind: ChartKind, data: ChartData, options: ChartOptions = {}): ChartFigure {
  const { element, plot, numbers } = figureShell(container, false);
  const table = dataTable(numbers, data, { total: kind === 'stackedBars' });
  const chart = KINDS[kind](plot, data, options);
  return { element, chart, table };
}

/**
 * A chart and its table in a <figure>, each made when asked: the panel makes the figures in view
 * at once and the rest when they come near (the chart) or in the frames after its first paint
 * (the table), so its first paint does not wait for charts and table rows no one sees yet. Until
 * its chart is drawn, the figure keeps the chart's room (no jump when it appears).
 */
export interface DeferredFigure {
  readonly element: HTMLElement;
  readonly chart: InsightsChart | undefined;
  readonly table: HTMLTableElement | undefined;
  /** Draws the chart (and builds the table, if not yet built); a second call does nothing. */
  show(): void;
  /** Builds the table alone; a second call does nothing. */
  buildTable(): void;
  destroy(): void;
}

export function deferredFigure(container: HTMLElement, kind: ChartKind, data: ChartData, options: ChartOptions = {}): DeferredFigure {
  checkChartData(data);
  const { element, plot, numbers } = figureShell(container, true);
  let chart: InsightsChart | undefined;
  let table: HTMLTableElement | undefined;
  const buildTable = () => {
    table ??= dataTable(numbers, data, { total: kind === 'stackedBars' });
  };
  return {
    element,
    get chart() {
      return chart;
    },
    get table() {
      return table;
    },
    show() {
      buildTable();
      if (chart) return;
      plot.classList.remove('insights-figure-pending');
      chart = KINDS[kind](plot, data, options);
    },
    buildTable,
    destroy() {
      chart?.destroy();
    },
  };
}
