// The words of the tree's "Failures" rows (failuresNode.ts), kept free of `vscode` so they are
// tested in plain Node: a signature's label, description and tooltip, and the rows that say
// why a list is empty or cut short. The tooltip is a list of parts: what is `markdown` is
// ours, what is `text` comes from the API (error texts, workflow and user ids) and is added
// with appendText, so a hostile run cannot put links or HTML into it.
import { relativeTime, singleLine } from '../../core/format';
import type { ErrorSignature, ErrorSignatures } from '../../insights/model';

/** A signature's row is one line this long at most: the full text is in the tooltip. */
export const SIGNATURE_LABEL_MAX = 80;
/** A signature's runs listed under it; export (Insights) writes them all. */
export const SIGNATURE_RUNS_SHOWN = 200;

export const FAILURES_LABEL = 'Failures';
export const FAILURES_TOOLTIP = "Error signatures of the failed runs in the run index, for the tree's filter";
export const NO_FAILED_RUNS = 'No failed runs in the index for this filter';

export type TooltipPart = { readonly markdown: string } | { readonly text: string };

const count = (n: number) => n.toLocaleString('en-US');

export function signatureLabel(signature: Pick<ErrorSignature, 'signature'>): string {
  const line = singleLine(signature.signature);
  return line.length <= SIGNATURE_LABEL_MAX ? line : `${line.slice(0, SIGNATURE_LABEL_MAX - 1).trimEnd()}…`;
}

/** "12 · last 5 min ago · growing": how many runs, the newest, and the trend when there is one. */
export function signatureDescription(signature: Pick<ErrorSignature, 'count' | 'lastSeen' | 'isNew' | 'growing'>, now: number = Date.now()): string {
  const parts = [count(signature.count)];
  if (signature.lastSeen) parts.push(`last ${relativeTime(signature.lastSeen, now)}`);
  if (signature.isNew) parts.push('new');
  if (signature.growing) parts.push('growing');
  return parts.join(' · ');
}

/** Screen readers hear the row's text and its count in words. */
export function signatureAccessibleLabel(signature: Pick<ErrorSignature, 'signature' | 'count' | 'lastSeen' | 'isNew' | 'growing'>, now: number = Date.now()): string {
  return `${signatureLabel(signature)}, ${signatureDescription(signature, now).replace(/^[\d,]+/, (n) => `${n} failed run${signature.count === 1 ? '' : 's'}`)}`;
}

/** Everything known of the signature: the text in full, the counts, when, which workflows and users, the newest run's error. */
export function signatureTooltip(signature: ErrorSignature): TooltipPart[] {
  const parts: TooltipPart[] = [{ markdown: '**' }, { text: singleLine(signature.signature) }, { markdown: '**' }];
  const line = (label: string, value: string) => parts.push({ markdown: `  \n${label}: ` }, { text: value });
  line('Failed runs', `${count(signature.count)} (${count(signature.last24h)} in the last 24 hours, ${count(signature.previous24h)} in the 24 hours before)`);
  if (signature.firstSeen) line('First seen', signature.firstSeen);
  if (signature.lastSeen) line('Last seen', signature.lastSeen);
  if (signature.isNew || signature.growing) line('Trend', [signature.isNew && 'new in the last 24 hours', signature.growing && 'growing'].filter(Boolean).join(', '));
  const listed = (values: readonly string[], total: number) => `${values.join(', ')}${total > values.length ? ` and ${count(total - values.length)} more` : ''}`;
  if (signature.workflows.length > 0) line('Workflows', listed(signature.workflows, signature.workflowCount));
  if (signature.users.length > 0) line('Users', listed(signature.users, signature.userCount));
  line('Newest run', signature.example);
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
  return n > 0 ? `${count(n)} failed run${n === 1 ? '' : 's'} not in a signature: their steps are not synced yet` : undefined;
}

/** The row under a signature's first runs, when it has more. */
export function moreRunsMessage(total: number, shown: number): string | undefined {
  const more = total - shown;
  return more > 0 ? `${count(more)} more run${more === 1 ? '' : 's'} (Export These Runs… in Insights writes them all)` : undefined;
}
