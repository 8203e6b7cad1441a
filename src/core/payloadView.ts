// Decides how a step payload reaches the run panel: small values whole (drawn as a
// collapsible tree), large ones (the API's flag, or over a size threshold) as the first few
// kilobytes of their pretty text, so a 3 MB output never crosses postMessage or the DOM.

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** How one payload travels to the webview: small ones whole, large ones as a text preview. */
export type PayloadView =
  | { readonly kind: 'missing' }
  /** A string payload: for an output, usually an error message. */
  | { readonly kind: 'text'; readonly text: string; readonly bytes: number; readonly truncated: boolean }
  | { readonly kind: 'json'; readonly value: JsonValue; readonly bytes: number }
  /** Too large to draw (the API's large flag or over the size threshold): the start of its pretty text. */
  | { readonly kind: 'preview'; readonly text: string; readonly bytes: number; readonly reason: 'flag' | 'size' };

/** Above this many bytes of JSON a payload is previewed, not drawn. */
export const LARGE_PAYLOAD_BYTES = 256 * 1024;
/** Characters of pretty text in a preview. */
export const PREVIEW_CHARS = 4 * 1024;
/** A string payload longer than this is cut (error messages are far shorter). */
export const MAX_TEXT_CHARS = 64 * 1024;

export function payloadView(value: unknown, largeFlag: boolean, threshold = LARGE_PAYLOAD_BYTES): PayloadView {
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') {
    // As the API counts inputSize/outputSize: bytes of the JSON text, quotes and escapes included.
    const bytes = jsonBytes(value);
    const truncated = value.length > MAX_TEXT_CHARS;
    return { kind: 'text', text: truncated ? value.slice(0, MAX_TEXT_CHARS) : value, bytes, truncated };
  }
  if (largeFlag) return { kind: 'preview', text: prettyPrefix(value, PREVIEW_CHARS), bytes: jsonBytes(value), reason: 'flag' };
  const compact = JSON.stringify(value) ?? 'null';
  const bytes = Buffer.byteLength(compact);
  if (bytes > threshold) return { kind: 'preview', text: prettyPrefix(value, PREVIEW_CHARS), bytes, reason: 'size' };
  return { kind: 'json', value: JSON.parse(compact) as JsonValue, bytes };
}

export function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** The payload as an editor shows it: pretty JSON, a string as a JSON string. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/**
 * The first `maxChars` characters of `JSON.stringify(value, null, 2)`, produced without
 * stringifying the rest: a preview of a 3 MB payload costs a few kilobytes of work.
 */
export function prettyPrefix(value: unknown, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  const emit = (text: string): boolean => {
    out.push(text);
    length += text.length;
    return length < maxChars;
  };
  const walk = (v: unknown, indent: string): boolean => {
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v) ?? 'null');
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return emit('[]');
      if (!emit('[\n')) return false;
      for (let i = 0; i < v.length; i++) {
        if (!emit(inner)) return false;
        if (!walk(v[i] === undefined || typeof v[i] === 'function' ? null : v[i], inner)) return false;
        if (!emit(i < v.length - 1 ? ',\n' : '\n')) return false;
      }
      return emit(`${indent}]`);
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (entries.length === 0) return emit('{}');
    if (!emit('{\n')) return false;
    for (let i = 0; i < entries.length; i++) {
      const [key, x] = entries[i]!;
      if (!emit(`${inner}${JSON.stringify(key)}: `)) return false;
      if (!walk(x, inner)) return false;
      if (!emit(i < entries.length - 1 ? ',\n' : '\n')) return false;
    }
    return emit(`${indent}}`);
  };
  walk(value, '');
  const text = out.join('');
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}
