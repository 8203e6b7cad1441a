// The words of the tree's "Failures" rows (failuresNode.ts), kept free of `vscode` so they are
// tested in plain Node: a signature's label, description and tooltip, and the rows that say
// why a list is empty or cut short. The tooltip is a list of parts: what is `markdown` is
// ours, what is `text` comes from the API (error texts, workflow and user ids) and is added
// with appendText, so a hostile run cannot put links or HTML into it.
import * as l10n from '@vscode/l10n';
import { relativeTime, singleLine } from '../../core/format';
import { formatNumber } from '../../core/locale';
import type { ErrorSignature, ErrorSignatures } from '../../insights/model';

/** A signature's row is one line this long at most: the full text is in the tooltip. */
export const SIGNATURE_LABEL_MAX = 80;
/** A signature's runs listed under it; export (Insights) writes them all. */
export const SIGNATURE_RUNS_SHOWN = 200;

// The row's words, read when the row is painted (after activation set the display language).
export function failuresLabel(): string {
  return l10n.t('Failures');
}

export function failuresTooltip(): string {
  return l10n.t("Error signatures of the failed runs in the run index, for the tree's filter");
}

export function noFailedRunsMessage(): string {
  return l10n.t('No failed runs in the index for this filter');
}

export type TooltipPart = { readonly markdown: string } | { readonly text: string };

const count = (n: number) => formatNumber(n);

export function signatureLabel(signature: Pick<ErrorSignature, 'signature'>): string {
  const line = singleLine(signature.signature);
  return line.length <= SIGNATURE_LABEL_MAX ? line : `${line.slice(0, SIGNATURE_LABEL_MAX - 1).trimEnd()}…`;
}

/** "12 · last 5 min ago · growing": how many runs, the newest, and the trend when there is one. */
export function signatureDescription(signature: Pick<ErrorSignature, 'count' | 'lastSeen' | 'isNew' | 'growing'>, now: number = Date.now()): string {
  return [count(signature.count), ...descriptionTail(signature, now)].join(' · ');
}

/** What the description says after the count: when the last run failed, and the trend. */
function descriptionTail(signature: Pick<ErrorSignature, 'lastSeen' | 'isNew' | 'growing'>, now: number): string[] {
  const parts: string[] = [];
  if (signature.lastSeen) parts.push(l10n.t('last {0}', relativeTime(signature.lastSeen, now)));
  if (signature.isNew) parts.push(l10n.t('new'));
  if (signature.growing) parts.push(l10n.t('growing'));
  return parts;
}

/** Screen readers hear the row's text and its count in words. */
export function signatureAccessibleLabel(signature: Pick<ErrorSignature, 'signature' | 'count' | 'lastSeen' | 'isNew' | 'growing'>, now: number = Date.now()): string {
  const runs = signature.count === 1 ? l10n.t('1 failed run') : l10n.t('{0} failed runs', count(signature.count));
  return l10n.t('{0}, {1}', signatureLabel(signature), [runs, ...descriptionTail(signature, now)].join(' · '));
}

/** Everything known of the signature: the text in full, the counts, when, which workflows and users, the newest run's error. */
export function signatureTooltip(signature: ErrorSignature): TooltipPart[] {
  const parts: TooltipPart[] = [{ markdown: '**' }, { text: singleLine(signature.signature) }, { markdown: '**' }];
  const line = (label: string, value: string) => parts.push({ markdown: `  \n${label}: ` }, { text: value });
  line(l10n.t('Failed runs'), l10n.t('{0} ({1} in the last 24 hours, {2} in the 24 hours before)', count(signature.count), count(signature.last24h), count(signature.previous24h)));
  if (signature.firstSeen) line(l10n.t('First seen'), signature.firstSeen);
  if (signature.lastSeen) line(l10n.t('Last seen'), signature.lastSeen);
  if (signature.isNew || signature.growing)
    line(l10n.t('Trend'), [signature.isNew && l10n.t('new in the last 24 hours'), signature.growing && l10n.t('growing')].filter(Boolean).join(', '));
  const listed = (values: readonly string[], total: number) =>
    total > values.length ? l10n.t('{0} and {1} more', values.join(', '), count(total - values.length)) : values.join(', ');
  if (signature.workflows.length > 0) line(l10n.t('Workflows'), listed(signature.workflows, signature.workflowCount));
  if (signature.users.length > 0) line(l10n.t('Users'), listed(signature.users, signature.userCount));
  line(l10n.t('Newest run'), signature.example);
  if (signature.exampleText) {
    parts.push({ markdown: '\n\n' });
    parts.push({ text: singleLine(signature.exampleText) });
  }
  return parts;
}

/** The tooltip as plain text (the parts joined): what a test, or a reader without Markdown, sees. */
export function tooltipText(parts: readonly TooltipPart[]): string {
  return parts.map((p) => ('text' in p ? p.text : p.markdown.replace(/\*\*/g, '').replace(/ {2}\n/g, '\n'))).join('');
}

/** The row under the signatures, when some failed runs are in none (the index has not stored their steps yet). */
export function withoutStepsMessage(result: Pick<ErrorSignatures, 'withoutSteps'>): string | undefined {
  const n = result.withoutSteps;
  if (n <= 0) return undefined;
  return n === 1
    ? l10n.t('1 failed run not in a signature: their steps are not synced yet')
    : l10n.t('{0} failed runs not in a signature: their steps are not synced yet', count(n));
}

/** The row under a signature's first runs, when it has more. */
export function moreRunsMessage(total: number, shown: number): string | undefined {
  const more = total - shown;
  if (more <= 0) return undefined;
  return more === 1 ? l10n.t('1 more run (Export These Runs… in Insights writes them all)') : l10n.t('{0} more runs (Export These Runs… in Insights writes them all)', count(more));
}
