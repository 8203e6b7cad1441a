// How the Insights charts write numbers: compact on the axes (12k, 1.5M; in VS Code's display
// language: 12.000 is "12.000" in German, "12 k" in French), where space is short, and exact in
// the tables, where a reader checks or copies them.
import { formatNumber, formatUnit } from '../../src/core/locale';

export type ChartUnit = 'count' | 'percent' | 'ms' | 'tokens';

const COMPACT: Intl.NumberFormatOptions = { notation: 'compact', maximumFractionDigits: 1 };
const compact = (value: number) => formatNumber(value, COMPACT);

/** An axis tick: compact, with the unit where it is not obvious. */
export function axisValue(value: number, unit: ChartUnit = 'count'): string {
  if (unit === 'percent') return `${compact(value)}%`;
  if (unit === 'ms') return value >= 1000 ? formatUnit(value / 1000, 'second', COMPACT) : formatUnit(value, 'millisecond', COMPACT);
  return compact(value);
}

/**
 * A table cell: the number exactly as given (no grouping, no rounding), so what a reader
 * copies into a spreadsheet is what the panel computed. A missing value is an empty cell.
 */
export function tableValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}
