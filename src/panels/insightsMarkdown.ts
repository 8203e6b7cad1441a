// An error signature as Markdown, for a bug report ("Copy as Markdown" in Insights). The text
// comes from the API: Markdown's own characters in it are escaped and it never becomes a link,
// an image or HTML where it is pasted; the error text goes in a fenced block longer than any
// run of backticks inside it. Its words in the display language (@vscode/l10n, given VS Code's bundle at activation).
import * as l10n from '@vscode/l10n';
import type { ErrorSignature } from '../insights/model';

/** Escapes what Markdown would read as markup (and `<`, which some renderers take for HTML). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}text\n${text}\n${ticks}`;
}

export function signatureMarkdown(sourceLabel: string, signature: ErrorSignature, filter: string): string {
  const list = (items: readonly string[]) => (items.length === 0 ? '—' : items.map((i) => `\`${i.replace(/`/g, "'")}\``).join(', '));
  const trend = signature.isNew ? l10n.t('new in the last 24 hours') : signature.growing ? l10n.t('growing') : l10n.t('steady');
  const source = escapeMarkdown(sourceLabel);
  const example = `\`${signature.example}\``;
  const lines = [
    `### ${escapeMarkdown(signature.signature)}`,
    '',
    filter ? l10n.t('- **Source:** {0} ({1})', source, escapeMarkdown(filter)) : l10n.t('- **Source:** {0}', source),
    l10n.t('- **Runs:** {0} (last 24 hours: {1}, the 24 before: {2}; {3})', signature.count, signature.last24h, signature.previous24h, trend),
    l10n.t('- **First seen:** {0} · **last seen:** {1}', signature.firstSeen ?? '—', signature.lastSeen ?? '—'),
    l10n.t('- **Workflows / tasks:** {0}', list(signature.workflows)),
    l10n.t('- **Users:** {0}', list(signature.users)),
    signature.exampleStepId
      ? l10n.t('- **Newest example:** run {0}, failing step {1}', example, `\`${signature.exampleStepId}\``)
      : l10n.t('- **Newest example:** run {0}', example),
  ];
  if (signature.exampleText) lines.push('', fence(signature.exampleText));
  return `${lines.join('\n')}\n`;
}
