// Which figures the Insights panel shows for one source, as plain chart data (no DOM): the
// runs per bucket stacked by status, success rate and durations over time, the slowest and
// most-failing workflows (task names), and per kind what its runs carry — integrations, users
// and named workflows for Paragon; tokens, agents, models and tools for Dispersl. Every chart
// is drawn with its numbers in a table beside it (webview/insights/charts.ts), so these are
// also exactly the numbers a screen reader reads. Plain functions: tested in Node.
import * as l10n from '@vscode/l10n';
import type { ChartData, ChartSeries } from './insights/chartData';
import type { ChartKind } from './insights/charts';
import { CHART_COLOURS, type ThemeVariable } from './insights/theme';
import type { InsightsData, StatsRow } from '../src/insights/model';
import type { RunStatus } from '../src/core/model';

export interface Figure {
  /** Stable id (the panel's element ids, the tests). */
  readonly id: string;
  readonly kind: ChartKind;
  readonly data: ChartData;
}

/** The status series, in stacking order (a function: the names are read once the page's bundle is set). */
const statusSeries = (): readonly { status: RunStatus; name: string; colour: ThemeVariable }[] => [
  { status: 'failed', name: l10n.t('Failed'), colour: CHART_COLOURS.red },
  { status: 'succeeded', name: l10n.t('Succeeded'), colour: CHART_COLOURS.green },
  { status: 'running', name: l10n.t('Running'), colour: CHART_COLOURS.blue },
  { status: 'delayed', name: l10n.t('Delayed'), colour: CHART_COLOURS.yellow },
  { status: 'queued', name: l10n.t('Queued'), colour: CHART_COLOURS.purple },
  { status: 'cancelled', name: l10n.t('Cancelled'), colour: CHART_COLOURS.orange },
  { status: 'unknown', name: l10n.t('Other'), colour: '--vscode-descriptionForeground' },
];

/** Rows shown in a category chart: the top ones (the table says so in its title). */
export const TOP = 15;

/** "2026-11-02" for a day bucket, "2026-11-02 14:00" for an hour (UTC, as the buckets are). */
export function bucketLabel(start: string, bucket: 'hour' | 'day'): string {
  return bucket === 'day' ? start.slice(0, 10) : `${start.slice(0, 10)} ${start.slice(11, 16)}`;
}

const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);

/** A row's key as shown: a named workflow by its name, a missing key as "(none)". */
export function keyLabel(key: string | null, names?: ReadonlyMap<string, string>): string {
  if (key === null) return l10n.t('(none)');
  const name = names?.get(key);
  return name === undefined ? key : `${name} (${key.length > 12 ? `${key.slice(0, 8)}…` : key})`;
}

function categories(
  title: string,
  heading: string,
  rows: readonly StatsRow[],
  series: readonly { name: string; colour: ThemeVariable; value: (row: StatsRow) => number | null }[],
  names?: ReadonlyMap<string, string>,
  unit?: ChartData['unit'],
): ChartData {
  const top = rows.slice(0, TOP);
  return {
    title: rows.length > TOP ? l10n.t('{0} (top {1} of {2})', title, TOP, rows.length) : title,
    labelHeading: heading,
    labels: top.map((row) => keyLabel(row.key, names)),
    series:
      top.length === 0 ? series.map((s) => ({ name: s.name, colour: s.colour, values: [] })) : series.map((s) => ({ name: s.name, colour: s.colour, values: top.map(s.value) })),
    unit,
  };
}

/** Every figure for one source's data, in the order the panel shows them. */
export function figuresOf(data: InsightsData, names: ReadonlyMap<string, string> = new Map()): Figure[] {
  const RUNS = { name: l10n.t('Runs'), colour: CHART_COLOURS.blue, value: (r: StatsRow) => r.runs };
  const FAILED = { name: l10n.t('Failed'), colour: CHART_COLOURS.red, value: (r: StatsRow) => r.failed };
  const SUCCESS = { name: l10n.t('Success rate (%)'), colour: CHART_COLOURS.green, value: (r: StatsRow) => percent(r.successRate) };
  const P50 = { name: l10n.t('p50 (ms)'), colour: CHART_COLOURS.blue, value: (r: StatsRow) => r.p50Ms };
  const P95 = { name: l10n.t('p95 (ms)'), colour: CHART_COLOURS.orange, value: (r: StatsRow) => r.p95Ms };
  const labels = data.series.map((b) => bucketLabel(b.start, data.bucket));
  const day = data.bucket === 'day';
  const heading = day ? l10n.t('Day (UTC)') : l10n.t('Hour (UTC)');
  const paragon = data.kind === 'paragon';
  const workflowHeading = paragon ? l10n.t('Workflow') : l10n.t('Task name');
  const workflowNames = paragon ? names : undefined;
  const figures: Figure[] = [
    {
      id: 'runs-over-time',
      kind: 'stackedBars',
      data: {
        title: day ? l10n.t('Runs per day, by status') : l10n.t('Runs per hour, by status'),
        labelHeading: heading,
        labels,
        // Only the statuses that occur: an empty series is noise in the legend and the table.
        series: statusSeries()
          .filter((s) => data.series.some((b) => b.byStatus[s.status] > 0))
          .map((s): ChartSeries => ({
            name: s.name,
            colour: s.colour,
            values: data.series.map((b) => b.byStatus[s.status]),
          })),
      },
    },
    {
      id: 'success-over-time',
      kind: 'lines',
      data: {
        title: day ? l10n.t('Success rate per day (%)') : l10n.t('Success rate per hour (%)'),
        labelHeading: heading,
        labels,
        unit: 'percent',
        series: [{ name: l10n.t('Success rate (%)'), colour: CHART_COLOURS.green, values: data.series.map((b) => percent(b.successRate)) }],
      },
    },
    {
      id: 'duration-over-time',
      kind: 'lines',
      data: {
        title: day ? l10n.t('Duration per day (ms)') : l10n.t('Duration per hour (ms)'),
        labelHeading: heading,
        labels,
        unit: 'ms',
        series: [
          { name: 'p50', colour: CHART_COLOURS.blue, values: data.series.map((b) => b.p50Ms) },
          { name: 'p95', colour: CHART_COLOURS.orange, values: data.series.map((b) => b.p95Ms) },
          { name: l10n.t('max'), colour: CHART_COLOURS.red, values: data.series.map((b) => b.maxMs) },
        ],
      },
    },
    {
      id: 'slowest',
      kind: 'bars',
      data: categories(paragon ? l10n.t('Slowest workflows (p95)') : l10n.t('Slowest task names (p95)'), workflowHeading, data.slowest, [P95, P50], workflowNames, 'ms'),
    },
    {
      id: 'most-failing',
      kind: 'bars',
      data: categories(paragon ? l10n.t('Most-failing workflows') : l10n.t('Most-failing task names'), workflowHeading, data.mostFailing, [FAILED, RUNS], workflowNames),
    },
  ];
  if (data.kind === 'paragon') {
    figures.push(
      {
        id: 'by-integration',
        kind: 'bars',
        data: categories(l10n.t('By integration'), l10n.t('Integration'), data.byIntegration, [
          RUNS,
          FAILED,
          { name: l10n.t('Tasks executed'), colour: CHART_COLOURS.purple, value: (r) => r.taskCount ?? null },
          SUCCESS,
        ]),
      },
      { id: 'by-workflow', kind: 'bars', data: categories(l10n.t('By workflow'), l10n.t('Workflow'), data.byWorkflow, [RUNS, FAILED, SUCCESS], names) },
      { id: 'by-user', kind: 'bars', data: categories(l10n.t('By user, most failures first'), l10n.t('User'), data.byUser, [FAILED, RUNS, SUCCESS]) },
    );
  }
  if (data.has.tokens) {
    const usage = (title: string, heading: string, rows: InsightsData['tokens']['byModel']): ChartData => {
      const top = rows.slice(0, TOP);
      return {
        title: rows.length > TOP ? l10n.t('{0} (top {1} of {2})', title, TOP, rows.length) : title,
        labelHeading: heading,
        labels: top.map((r) => r.key),
        unit: 'tokens',
        series: [
          { name: l10n.t('Tokens'), colour: CHART_COLOURS.purple, values: top.map((r) => r.tokens) },
          { name: l10n.t('Per task'), colour: CHART_COLOURS.blue, values: top.map((r) => r.perTask) },
        ],
      };
    };
    const overTime = (title: string, series: InsightsData['tokens']['overTimeByModel']): ChartData => ({
      title,
      labelHeading: heading,
      labels,
      unit: 'tokens',
      series: series.slice(0, 6).map((s, i) => ({ name: s.key, colour: TOKEN_COLOURS[i % TOKEN_COLOURS.length]!, values: [...s.tokens] })),
    });
    figures.push(
      { id: 'tokens-by-model', kind: 'bars', data: usage(l10n.t('Tokens by model'), l10n.t('Model'), data.tokens.byModel) },
      { id: 'tokens-by-agent', kind: 'bars', data: usage(l10n.t('Tokens by agent'), l10n.t('Agent'), data.tokens.byAgent) },
      {
        id: 'tokens-over-time-by-model',
        kind: 'lines',
        data: overTime(day ? l10n.t('Tokens per day, by model') : l10n.t('Tokens per hour, by model'), data.tokens.overTimeByModel),
      },
      {
        id: 'tokens-over-time-by-agent',
        kind: 'lines',
        data: overTime(day ? l10n.t('Tokens per day, by agent') : l10n.t('Tokens per hour, by agent'), data.tokens.overTimeByAgent),
      },
    );
  }
  if (data.has.steps) {
    figures.push(
      {
        id: 'tools',
        kind: 'bars',
        data: categories(l10n.t('Tool usage (steps that used each tool)'), l10n.t('Tool'), data.byTool, [
          { name: l10n.t('Steps'), colour: CHART_COLOURS.blue, value: (r) => r.runs },
          { name: l10n.t('Failed steps'), colour: CHART_COLOURS.red, value: (r) => r.failed },
          {
            name: l10n.t('Failure rate (%)'),
            colour: CHART_COLOURS.orange,
            value: (r) => (r.failed + r.succeeded === 0 ? null : Math.round((r.failed / (r.failed + r.succeeded)) * 1000) / 10),
          },
        ]),
      },
      { id: 'success-by-model', kind: 'bars', data: categories(l10n.t('Success rate by model'), l10n.t('Model'), data.byModel, [SUCCESS, RUNS, P95]) },
      { id: 'success-by-agent', kind: 'bars', data: categories(l10n.t('Success rate by agent'), l10n.t('Agent'), data.byAgent, [SUCCESS, RUNS, P95]) },
    );
  }
  return figures;
}

const TOKEN_COLOURS: readonly ThemeVariable[] = [CHART_COLOURS.purple, CHART_COLOURS.blue, CHART_COLOURS.green, CHART_COLOURS.orange, CHART_COLOURS.yellow, CHART_COLOURS.red];
