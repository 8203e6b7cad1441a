// Plain-text presentation shared by the tree, the panel and the CLI.
import { formatDuration } from './duration';
import type { Run, Step } from './model';

/** "just now", "5 min ago", "3 h ago", "2 d ago", or the date for older. */
export function relativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  if (seconds < 30 * 86_400) return `${Math.round(seconds / 86_400)} d ago`;
  return iso.slice(0, 10);
}

export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 8) : id;
}

/** A run's label: its name where the API gives one, else its short id. */
export function runLabel(run: Run): string {
  return run.name?.trim() ? singleLine(run.name) : shortId(run.id);
}

/** "5 min ago · 1.48 s" or "5 min ago · running". */
export function runDescription(run: Run, now: number = Date.now()): string {
  const when = relativeTime(run.startedAt, now);
  const duration = run.status === 'running' && !run.endedAt ? 'running' : formatDuration(run.durationMs) || run.durationText || '';
  return [when, duration].filter(Boolean).join(' · ');
}

export function stepLabel(step: Step): string {
  return singleLine(step.name ?? step.type ?? shortId(step.id));
}

/**
 * Bidi embeddings, overrides and isolates, as a character-class body: they can make text
 * read as something else ("invoice_\u202Egnp.exe" reads as "invoice_exe.png"). The plain
 * direction marks (LRM, RLM) are left alone: real right-to-left text uses them.
 * Shared by the tree, the CLI and the webview, so all of them neutralize the same set.
 */
export const BIDI_OVERRIDE_CLASS = '\\u202a-\\u202e\\u2066-\\u2069';
const BIDI_OVERRIDES = new RegExp(`[${BIDI_OVERRIDE_CLASS}]`, 'g');

/** "U+202E" for a character: how hidden characters are shown instead of obeyed. */
export function codePoint(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Removes the bidi overrides (for places where a visible stand-in would be noise, like a tab title). */
export function withoutBidiOverrides(text: string): string {
  return text.replace(BIDI_OVERRIDES, '');
}

/**
 * Untrusted names on one line: newlines and control characters become spaces, and bidi
 * overrides are shown as <U+202E> rather than obeyed. For tree labels and terminals.
 */
export function singleLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(BIDI_OVERRIDES, (c) => `<${codePoint(c)}>`)
      .trim()
  );
}

/**
 * Characters JSON.stringify leaves raw (it escapes only C0 controls, `"` and `\\`) that a
 * terminal obeys or that reorder text: DEL, the C1 controls (U+0080–U+009F: U+009B is a CSI,
 * U+009D an OSC), the line and paragraph separators, and the bidi embeddings, overrides
 * and isolates.
 */
const JSON_UNSAFE = new RegExp(`[\u007f-\u009f\u2028\u2029${BIDI_OVERRIDE_CLASS}]`, 'g');

/**
 * JSON for a terminal: JSON.stringify with those characters written as \u escapes. They can
 * only occur inside strings, so the text stays valid JSON and parses to the same value.
 */
export function terminalJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'null').replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every field of a run, as label/value rows, for tooltips and headers. */
export function runFields(run: Run): [string, string][] {
  const rows: [string, string | number | undefined][] = [
    ['Id', run.id],
    ['Name', run.name],
    ['Status', run.rawStatus],
    ['Started', run.startedAt],
    ['Ended', run.endedAt],
    ['Duration', formatDuration(run.durationMs) || run.durationText],
    ['User', run.userId],
    ['Workflow', run.workflowId],
    ['Integration', run.integration],
    ['Tasks', run.taskCount],
    ['Steps', run.stepCount],
    ['Success rate', run.successRate === undefined ? undefined : `${run.successRate}%`],
    ['Tokens', run.totalTokens],
  ];
  return rows.filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '').map(([k, v]) => [k, String(v)]);
}
