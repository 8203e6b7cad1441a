// The only way the panel builds DOM: elements with attributes, and children added as
// nodes or as text nodes. API data therefore always lands as text, never as markup.
import { BIDI_OVERRIDE_CLASS, codePoint } from '../src/core/format';
import { formatDateTime } from '../src/core/locale';

export type Child = Node | string | number | null | undefined | false;

/**
 * API text can carry characters that hide or disguise what it says: bidi overrides
 * ("invoice_\u202Egnp.exe" reads as "invoice_exe.png"), terminal escapes, NULs. Each is
 * shown as its code point, ⟨U+202E⟩ (plain characters every font has), so what the panel
 * shows is what was sent.
 */
// Tabs and line breaks stay: payloads are multi-line. The bidi set is core's, shared with the tree and CLI.
const DISGUISING = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f${BIDI_OVERRIDE_CLASS}]`, 'g');

export function visible(text: string): string {
  return text.replace(DISGUISING, (c) => `⟨${codePoint(c)}⟩`);
}

export interface Props {
  readonly class?: string;
  readonly attrs?: Readonly<Record<string, string | undefined>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) if (value !== undefined) node.setAttribute(name, visible(value));
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(visible(String(child))) : child);
  }
}

/** Replaces every child of `parent` (text stays text). */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A vscode-elements button: text label, an action on click. */
export function button(label: string, onClick: () => void, options: { secondary?: boolean; title?: string; action?: string } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.secondary = options.secondary ?? false;
  if (options.title) b.setAttribute('title', options.title);
  if (options.action) b.dataset['action'] = options.action;
  b.textContent = label;
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

/** A local date-time for an ISO timestamp, in VS Code's display language (the ISO text stays in the tooltip). */
export function localTime(iso: string | undefined): string {
  if (!iso) return '';
  return Number.isNaN(Date.parse(iso)) ? iso : formatDateTime(iso);
}
