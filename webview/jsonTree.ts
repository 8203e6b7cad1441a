// A collapsible, pretty-printed JSON view built from text nodes. Objects and arrays are
// <details> elements whose children are built on first open, and long ones in chunks,
// so a wide payload costs only what is shown.
import * as l10n from '@vscode/l10n';
import type { JsonValue } from '../src/panels/protocol';
import { formatNumber } from '../src/core/locale';
import { el } from './dom';

/** Levels open from the start. */
const OPEN_DEPTH = 2;
/** Children built per "Show more". */
const CHUNK = 200;

type Container = readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function jsonTree(value: JsonValue): HTMLElement {
  const root = el('div', { class: 'json-tree', attrs: { role: 'tree' } });
  root.appendChild(node(undefined, value, 0, true));
  return root;
}

function keyLabel(key: string | number | undefined): Node | null {
  if (key === undefined) return null;
  return el('span', { class: typeof key === 'number' ? 'json-index' : 'json-key' }, typeof key === 'number' ? `${key}: ` : `${JSON.stringify(key)}: `);
}

function primitive(value: JsonValue): HTMLElement {
  if (value === null) return el('span', { class: 'json-null' }, 'null'); // l10n-ignore: JSON's null
  switch (typeof value) {
    case 'string':
      return el('span', { class: 'json-string' }, JSON.stringify(value));
    case 'number':
      return el('span', { class: 'json-number' }, String(value));
    case 'boolean':
      return el('span', { class: 'json-boolean' }, String(value));
    default:
      return el('span', {}, String(value));
  }
}

function entriesOf(value: Container): [string | number, JsonValue][] {
  return Array.isArray(value) ? value.map((v, i) => [i, v] as [number, JsonValue]) : Object.entries(value);
}

function node(key: string | number | undefined, value: JsonValue, depth: number, last: boolean): HTMLElement {
  const comma = last ? '' : ',';
  if (value === null || typeof value !== 'object') {
    return el('div', { class: 'json-line', attrs: { role: 'treeitem' } }, keyLabel(key), primitive(value), comma);
  }
  const isArray = Array.isArray(value);
  const entries = entriesOf(value as Container);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return el('div', { class: 'json-line', attrs: { role: 'treeitem' } }, keyLabel(key), `${open}${close}${comma}`);
  const n = entries.length;
  const count = isArray ? (n === 1 ? l10n.t('1 item') : l10n.t('{0} items', formatNumber(n))) : n === 1 ? l10n.t('1 key') : l10n.t('{0} keys', formatNumber(n));
  const details = el('details', { class: 'json-node', attrs: { role: 'treeitem' } });
  const summary = el('summary', {}, keyLabel(key), open, el('span', { class: 'json-count' }, ` ${count} `), el('span', { class: 'json-collapsed' }, `${close}${comma}`));
  const body = el('div', { class: 'json-children', attrs: { role: 'group' } });
  details.append(summary, body, el('div', { class: 'json-close' }, `${close}${comma}`));
  let built = 0;
  const build = () => {
    const end = Math.min(entries.length, built + CHUNK);
    const fragment = document.createDocumentFragment();
    for (let i = built; i < end; i++) fragment.appendChild(node(entries[i]![0], entries[i]![1], depth + 1, i === entries.length - 1));
    built = end;
    body.querySelector(':scope > .json-more')?.remove();
    body.appendChild(fragment);
    if (built < entries.length) {
      const more = el(
        'button',
        { class: 'json-more link-button' },
        l10n.t('Show {0} more of {1}', formatNumber(Math.min(CHUNK, entries.length - built)), formatNumber(entries.length - built)),
      );
      more.addEventListener('click', build);
      body.appendChild(more);
    }
  };
  details.addEventListener('toggle', () => {
    if (details.open && built === 0) build();
  });
  if (depth < OPEN_DEPTH) {
    details.open = true;
    build();
  }
  return details;
}
