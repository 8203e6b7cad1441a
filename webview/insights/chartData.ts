// The plain data every Insights chart and its table draw: labels along one axis, named series
// of numbers, each series' colour named by a theme variable. Everything in it came from the
// API through the index (names of workflows, tools, models): untrusted text, shown only as text.
import type { ChartUnit } from './format';
import type { ThemeVariable } from './theme';

export interface ChartSeries {
  readonly name: string;
  /** One value per label; null where there is none (a gap, an empty cell). */
  readonly values: readonly (number | null)[];
  readonly colour: ThemeVariable;
}

export interface ChartData {
  /** The chart's name: its accessible label and its table's caption. */
  readonly title: string;
  /** Days ("2026-08-01") for series over time, names for categories. */
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly unit?: ChartUnit;
  /** The heading of the labels' column in the table ("Day", "Workflow"). */
  readonly labelHeading?: string;
}

/** Throws on data a chart would draw wrongly: a series whose length is not the labels'. */
export function checkChartData(data: ChartData): void {
  for (const series of data.series) {
    if (series.values.length !== data.labels.length)
      throw new RangeError(`Chart "${data.title}": series "${series.name}" has ${series.values.length} values for ${data.labels.length} labels.`);
  }
}
