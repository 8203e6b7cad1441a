// How the Insights charts write numbers: compact on the axes (12k, 1.5M), where space is
// short, and exact in the tables, where a reader checks or copies them.

export type ChartUnit = 'count' | 'percent' | 'ms' | 'tokens';

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** An axis tick: compact, with the unit where it is not obvious. */
export function axisValue(value: number, unit: ChartUnit = 'count'): string {
  if (unit === 'percent') return `${compact.format(value)}%`;
  if (unit === 'ms') return value >= 1000 ? `${compact.format(value / 1000)} s` : `${compact.format(value)} ms`;
  return compact.format(value);
}

/**
 * A table cell: the number exactly as given (no grouping, no rounding), so what a reader
 * copies into a spreadsheet is what the panel computed. A missing value is an empty cell.
 */
export function tableValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}
