// An error signature as Markdown, for a bug report ("Copy as Markdown" in Insights). The text
// comes from the API: Markdown's own characters in it are escaped and it never becomes a link,
// an image or HTML where it is pasted; the error text goes in a fenced block longer than any
// run of backticks inside it.
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
  const trend = signature.isNew ? 'new in the last 24 hours' : signature.growing ? 'growing' : 'steady';
  const lines = [
    `### ${escapeMarkdown(signature.signature)}`,
    '',
    `- **Source:** ${escapeMarkdown(sourceLabel)}${filter ? ` (${escapeMarkdown(filter)})` : ''}`,
    `- **Runs:** ${signature.count} (last 24 hours: ${signature.last24h}, the 24 before: ${signature.previous24h}; ${trend})`,
    `- **First seen:** ${signature.firstSeen ?? '—'} · **last seen:** ${signature.lastSeen ?? '—'}`,
    `- **Workflows / tasks:** ${list(signature.workflows)}`,
    `- **Users:** ${list(signature.users)}`,
    `- **Newest example:** run \`${signature.example}\`${signature.exampleStepId ? `, failing step \`${signature.exampleStepId}\`` : ''}`,
  ];
  if (signature.exampleText) lines.push('', fence(signature.exampleText));
  return `${lines.join('\n')}\n`;
}
