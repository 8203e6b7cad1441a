// Plain-text tables for list and show. Cells come from API data, which can hold control
// characters, escape sequences and bidi overrides: each cell is made terminal-safe first,
// so a run name cannot move the cursor, recolour the terminal or reverse the text.
import { singleLine } from '../core/format';

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
  readonly align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis. */
  readonly maxWidth?: number;
}

/** One line, no control characters, bidi overrides shown as <U+202E> (core's singleLine). */
export const terminalSafe = singleLine;

function fit(text: string, width: number, align: 'left' | 'right'): string {
  const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

/**
 * Widths are set from the rows given at construction (the first page), so later rows can
 * be printed as they arrive without holding them all.
 */
export class Table<T> {
  private readonly widths: number[];

  constructor(
    private readonly columns: readonly Column<T>[],
    sample: readonly T[],
  ) {
    this.widths = columns.map((column) => {
      const longest = Math.max(column.header.length, ...sample.map((row) => terminalSafe(column.cell(row)).length));
      return Math.min(longest, column.maxWidth ?? Number.POSITIVE_INFINITY);
    });
  }

  header(): string {
    return this.line(this.columns.map((c) => c.header));
  }

  row(row: T): string {
    return this.line(this.columns.map((c) => terminalSafe(c.cell(row))));
  }

  private line(cells: readonly string[]): string {
    return cells
      .map((text, i) => fit(text, this.widths[i]!, this.columns[i]!.align ?? 'left'))
      .join('  ')
      .trimEnd();
  }
}

/** Only the columns some row has a value for: Paragon runs have no name, Dispersl runs no workflow. */
export function columnsWithValues<T>(columns: readonly Column<T>[], rows: readonly T[], always: readonly string[]): Column<T>[] {
  return columns.filter((c) => always.includes(c.header) || rows.some((row) => c.cell(row) !== ''));
}
