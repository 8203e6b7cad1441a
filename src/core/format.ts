// Plain-text presentation shared by the tree, the panel, the webview and the CLI. No Node
// or `vscode` import: the webview bundle uses it too. Words go through `l10n.t` and numbers
// and times through the display language (./locale.ts): English in the CLI.
import * as l10n from '@vscode/l10n';
import { formatDate, formatFixed, formatRelativeTime, isEnglish } from './locale';
import { workflowLabel, type WorkflowNames } from './workflowNames';
import type { Run, Step } from './model';
import { durationText } from './runState';

/**
 * "just now", "5 min ago", "3 h ago", "2 d ago", or the date for older: English's compact
 * forms (the messages, which a bundle may translate). In another display language, Intl's
 * relative time ("vor 5 Minuten") and local date.
 */
export function relativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (!isEnglish()) return seconds < 30 * 86_400 ? formatRelativeTime(then, now) : formatDate(then);
  if (seconds < 0) return l10n.t('in the future');
  if (seconds < 45) return l10n.t('just now');
  if (seconds < 3600) return l10n.t('{0} min ago', Math.round(seconds / 60));
  if (seconds < 86_400) return l10n.t('{0} h ago', Math.round(seconds / 3600));
  if (seconds < 30 * 86_400) return l10n.t('{0} d ago', Math.round(seconds / 86_400));
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
  return [when, durationText(run)].filter(Boolean).join(' · ');
}

/** A step's label: its name, else its type, else its short id (a blank name counts as none). */
export function stepLabel(step: Pick<Step, 'id' | 'name' | 'type'>): string {
  return singleLine(step.name ?? '') || singleLine(step.type ?? '') || shortId(step.id);
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

/** Every field of a run, as label/value rows, for tooltips and headers; the workflow by the name a user gave it, where there is one. */
export function runFields(run: Run, workflowNames: WorkflowNames = new Map()): [string, string][] {
  const rows: [string, string | number | undefined][] = [
    [l10n.t('Id'), run.id],
    [l10n.t('Name'), run.name],
    [l10n.t('Status'), run.rawStatus],
    [l10n.t('Started'), run.startedAt],
    [l10n.t('Ended'), run.endedAt],
    [l10n.t('Duration'), durationText(run)],
    [l10n.t('User'), run.userId],
    [l10n.t('Workflow'), run.workflowId === undefined ? undefined : workflowLabel(run.workflowId, workflowNames)],
    [l10n.t('Integration'), run.integration],
    [l10n.t('Tasks'), run.taskCount],
    [l10n.t('Steps'), run.stepCount],
    [l10n.t('Success rate'), run.successRate === undefined ? undefined : `${run.successRate}%`],
    [l10n.t('Tokens'), run.totalTokens],
  ];
  return rows.filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '').map(([k, v]) => [k, String(v)]);
}

/** "812 B", "1.2 KB", "3.4 MB" (German "1,2 KB"); '' when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatFixed(bytes / 1024, 1)} KB`;
  return `${formatFixed(bytes / 1024 / 1024, 1)} MB`;
}

/** What stepFields reads: a model Step, or anything with the same fields (the panel's StepView). */
export type StepFieldSource = Pick<Step, 'id' | 'status' | 'rawStatus'> &
  Partial<Pick<Step, 'stepId' | 'type' | 'startedAt' | 'endedAt' | 'durationMs' | 'durationText' | 'agent' | 'model' | 'tokensUsed' | 'toolsUsed' | 'inputSize' | 'outputSize'>>;

/**
 * How a front end writes times and counts: the webview shows local times and "12,345", the
 * tree and the CLI the ISO text and plain numbers. The fields and their order do not vary.
 */
export interface FieldFormat {
  readonly time?: (iso: string) => string;
  readonly count?: (n: number) => string;
}

/**
 * Every field of a step, in one order, as label/value rows: the tree's step tooltip, the
 * panel's step tooltip and inspector and the CLI's show all print this list. Absent fields
 * are left out; Duration follows the one running-or-duration rule (runState).
 */
export function stepFields(step: StepFieldSource, format: FieldFormat = {}): [string, string][] {
  const time = (iso: string | undefined) => (iso ? (format.time ?? String)(iso) : undefined);
  const count = (n: number | undefined) => (n === undefined ? undefined : (format.count ?? String)(n));
  const rows: [string, string | undefined][] = [
    [l10n.t('Id'), step.id],
    [l10n.t('Workflow step'), step.stepId],
    [l10n.t('Type'), step.type],
    [l10n.t('Status'), step.rawStatus],
    [l10n.t('Started'), time(step.startedAt)],
    [l10n.t('Ended'), time(step.endedAt)],
    [l10n.t('Duration'), durationText(step)],
    [l10n.t('Agent'), step.agent],
    [l10n.t('Model'), step.model],
    [l10n.t('Tokens'), count(step.tokensUsed)],
    [l10n.t('Tools'), step.toolsUsed?.join(', ')],
    [l10n.t('Input size'), formatBytes(step.inputSize)],
    [l10n.t('Output size'), formatBytes(step.outputSize)],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}
