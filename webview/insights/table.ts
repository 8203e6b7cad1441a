// The numbers of an Insights chart as an HTML table beside it: the real accessible path (a
// canvas is a picture to a screen reader) and what a user copies into a spreadsheet. Built with
// DOM calls and text nodes only: labels and series names are API text, never markup, and
// characters that would disguise them (bidi overrides, control characters) are shown as their
// code points, as everywhere else in the webview (webview/dom.ts).
import * as l10n from '@vscode/l10n';
import { visible } from '../dom';
import { checkChartData, type ChartData } from './chartData';
import { tableValue } from './format';

export interface TableOptions {
  /** Adds a Total column (the sum of the row): for stacked bars, whose stack height is a figure too. */
  readonly total?: boolean;
}

function cell(tag: 'td' | 'th', text: string, scope?: 'col' | 'row'): HTMLTableCellElement {
  const node = document.createElement(tag);
  if (scope) node.scope = scope;
  node.textContent = visible(text);
  return node;
}

/** Renders `data` as a table into `container` (replacing what it held) and returns the table. */
export function dataTable(container: HTMLElement, data: ChartData, options: TableOptions = {}): HTMLTableElement {
  checkChartData(data);
  const table = document.createElement('table');
  table.className = 'insights-table';
  table.createCaption().textContent = visible(data.title);
  const head = table.createTHead().insertRow();
  head.append(cell('th', data.labelHeading ?? '', 'col'), ...data.series.map((s) => cell('th', s.name, 'col')));
  if (options.total) head.append(cell('th', l10n.t('Total'), 'col'));
  const body = table.createTBody();
  data.labels.forEach((label, i) => {
    const row = body.insertRow();
    row.append(cell('th', label, 'row'));
    let total = 0;
    for (const series of data.series) {
      const value = series.values[i];
      total += value ?? 0;
      const td = cell('td', tableValue(value));
      td.className = 'num';
      row.append(td);
    }
    if (options.total) {
      const td = cell('td', tableValue(total));
      td.className = 'num';
      row.append(td);
    }
  });
  container.replaceChildren(table);
  return table;
}
