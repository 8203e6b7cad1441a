// Which figures the Insights panel shows for one source, as plain chart data (no DOM): the
// runs per bucket stacked by status, success rate and durations over time, the slowest and
// most-failing workflows (task names), and per kind what its runs carry — integrations, users
// and named workflows for Paragon; tokens, agents, models and tools for Dispersl. Every chart
// is drawn with its numbers in a table beside it (webview/insights/charts.ts), so these are
// also exactly the numbers a screen reader reads. Plain functions: tested in Node.
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

const STATUS_SERIES: readonly { status: RunStatus; name: string; colour: ThemeVariable }[] = [
  { status: 'failed', name: 'Failed', colour: CHART_COLOURS.red },
  { status: 'succeeded', name: 'Succeeded', colour: CHART_COLOURS.green },
  { status: 'running', name: 'Running', colour: CHART_COLOURS.blue },
  { status: 'delayed', name: 'Delayed', colour: CHART_COLOURS.yellow },
  { status: 'queued', name: 'Queued', colour: CHART_COLOURS.purple },
  { status: 'cancelled', name: 'Cancelled', colour: CHART_COLOURS.orange },
  { status: 'unknown', name: 'Other', colour: '--vscode-descriptionForeground' },
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
  if (key === null) return '(none)';
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
    title: rows.length > TOP ? `${title} (top ${TOP} of ${rows.length})` : title,
    labelHeading: heading,
    labels: top.map((row) => keyLabel(row.key, names)),
    series:
      top.length === 0 ? series.map((s) => ({ name: s.name, colour: s.colour, values: [] })) : series.map((s) => ({ name: s.name, colour: s.colour, values: top.map(s.value) })),
    unit,
  };
}

const RUNS = { name: 'Runs', colour: CHART_COLOURS.blue, value: (r: StatsRow) => r.runs };
const FAILED = { name: 'Failed', colour: CHART_COLOURS.red, value: (r: StatsRow) => r.failed };
const SUCCESS = { name: 'Success rate (%)', colour: CHART_COLOURS.green, value: (r: StatsRow) => percent(r.successRate) };
const P50 = { name: 'p50 (ms)', colour: CHART_COLOURS.blue, value: (r: StatsRow) => r.p50Ms };
const P95 = { name: 'p95 (ms)', colour: CHART_COLOURS.orange, value: (r: StatsRow) => r.p95Ms };

/** Every figure for one source's data, in the order the panel shows them. */
export function figuresOf(data: InsightsData, names: ReadonlyMap<string, string> = new Map()): Figure[] {
  const labels = data.series.map((b) => bucketLabel(b.start, data.bucket));
  const per = data.bucket === 'day' ? 'day' : 'hour';
  const heading = data.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)';
  const workflowWord = data.kind === 'paragon' ? 'workflows' : 'task names';
  const workflowNames = data.kind === 'paragon' ? names : undefined;
  const figures: Figure[] = [
    {
      id: 'runs-over-time',
      kind: 'stackedBars',
      data: {
        title: `Runs per ${per}, by status`,
        labelHeading: heading,
        labels,
        // Only the statuses that occur: an empty series is noise in the legend and the table.
        series: STATUS_SERIES.filter((s) => data.series.some((b) => b.byStatus[s.status] > 0)).map((s): ChartSeries => ({
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
        title: `Success rate per ${per} (%)`,
        labelHeading: heading,
        labels,
        unit: 'percent',
        series: [{ name: 'Success rate (%)', colour: CHART_COLOURS.green, values: data.series.map((b) => percent(b.successRate)) }],
      },
    },
    {
      id: 'duration-over-time',
      kind: 'lines',
      data: {
        title: `Duration per ${per} (ms)`,
        labelHeading: heading,
        labels,
        unit: 'ms',
        series: [
          { name: 'p50', colour: CHART_COLOURS.blue, values: data.series.map((b) => b.p50Ms) },
          { name: 'p95', colour: CHART_COLOURS.orange, values: data.series.map((b) => b.p95Ms) },
          { name: 'max', colour: CHART_COLOURS.red, values: data.series.map((b) => b.maxMs) },
        ],
      },
    },
    {
      id: 'slowest',
      kind: 'bars',
      data: categories(`Slowest ${workflowWord} (p95)`, data.kind === 'paragon' ? 'Workflow' : 'Task name', data.slowest, [P95, P50], workflowNames, 'ms'),
    },
    {
      id: 'most-failing',
      kind: 'bars',
      data: categories(`Most-failing ${workflowWord}`, data.kind === 'paragon' ? 'Workflow' : 'Task name', data.mostFailing, [FAILED, RUNS], workflowNames),
    },
  ];
  if (data.kind === 'paragon') {
    figures.push(
      {
        id: 'by-integration',
        kind: 'bars',
        data: categories('By integration', 'Integration', data.byIntegration, [
          RUNS,
          FAILED,
          { name: 'Tasks executed', colour: CHART_COLOURS.purple, value: (r) => r.taskCount ?? null },
          SUCCESS,
        ]),
      },
      { id: 'by-workflow', kind: 'bars', data: categories('By workflow', 'Workflow', data.byWorkflow, [RUNS, FAILED, SUCCESS], names) },
      { id: 'by-user', kind: 'bars', data: categories('By user, most failures first', 'User', data.byUser, [FAILED, RUNS, SUCCESS]) },
    );
  }
  if (data.has.tokens) {
    const usage = (title: string, heading: string, rows: InsightsData['tokens']['byModel']): ChartData => {
      const top = rows.slice(0, TOP);
      return {
        title: rows.length > TOP ? `${title} (top ${TOP} of ${rows.length})` : title,
        labelHeading: heading,
        labels: top.map((r) => r.key),
        unit: 'tokens',
        series: [
          { name: 'Tokens', colour: CHART_COLOURS.purple, values: top.map((r) => r.tokens) },
          { name: 'Per task', colour: CHART_COLOURS.blue, values: top.map((r) => r.perTask) },
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
      { id: 'tokens-by-model', kind: 'bars', data: usage('Tokens by model', 'Model', data.tokens.byModel) },
      { id: 'tokens-by-agent', kind: 'bars', data: usage('Tokens by agent', 'Agent', data.tokens.byAgent) },
      { id: 'tokens-over-time-by-model', kind: 'lines', data: overTime(`Tokens per ${per}, by model`, data.tokens.overTimeByModel) },
      { id: 'tokens-over-time-by-agent', kind: 'lines', data: overTime(`Tokens per ${per}, by agent`, data.tokens.overTimeByAgent) },
    );
  }
  if (data.has.steps) {
    figures.push(
      {
        id: 'tools',
        kind: 'bars',
        data: categories('Tool usage (steps that used each tool)', 'Tool', data.byTool, [
          { name: 'Steps', colour: CHART_COLOURS.blue, value: (r) => r.runs },
          { name: 'Failed steps', colour: CHART_COLOURS.red, value: (r) => r.failed },
          {
            name: 'Failure rate (%)',
            colour: CHART_COLOURS.orange,
            value: (r) => (r.failed + r.succeeded === 0 ? null : Math.round((r.failed / (r.failed + r.succeeded)) * 1000) / 10),
          },
        ]),
      },
      { id: 'success-by-model', kind: 'bars', data: categories('Success rate by model', 'Model', data.byModel, [SUCCESS, RUNS, P95]) },
      { id: 'success-by-agent', kind: 'bars', data: categories('Success rate by agent', 'Agent', data.byAgent, [SUCCESS, RUNS, P95]) },
    );
  }
  return figures;
}

const TOKEN_COLOURS: readonly ThemeVariable[] = [CHART_COLOURS.purple, CHART_COLOURS.blue, CHART_COLOURS.green, CHART_COLOURS.orange, CHART_COLOURS.yellow, CHART_COLOURS.red];
