// The README cannot drift from the manifest: its commands table lists exactly the commands the
// Command Palette shows (titles resolved through package.nls.json when the manifest uses
// %keys%), its settings table exactly the taskHistory.* settings with their real defaults; and
// every relative link or image in the project's Markdown (README, CONTRIBUTING, CHANGELOG,
// docs/) points at a file that exists, every #anchor in the README at one of its headings.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

interface ManifestCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}
interface Manifest {
  readonly contributes: {
    readonly commands: ManifestCommand[];
    readonly menus?: { readonly commandPalette?: { readonly command: string; readonly when?: string }[] };
    readonly configuration: { readonly properties: Record<string, { readonly default?: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const nlsFile = join(ROOT, 'package.nls.json');
const nls: Record<string, string | { message: string }> = existsSync(nlsFile) ? JSON.parse(readFileSync(nlsFile, 'utf8')) : {};
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** A manifest string as VS Code shows it in English: a "%key%" is looked up in package.nls.json. */
function localized(text: string): string {
  const key = /^%(.+)%$/.exec(text)?.[1];
  if (!key) return text;
  const entry = nls[key];
  assert.ok(entry !== undefined, `package.nls.json has no "${key}" (used as ${text} in package.json)`);
  return typeof entry === 'string' ? entry : entry.message;
}

/** The rows of the first table under the README heading `## <title>`: each row's cells, trimmed. */
function tableUnder(markdown: string, title: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${title}`);
  assert.ok(start >= 0, `README.md has no "## ${title}" section`);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    const line = lines[i].trim();
    if (!line.startsWith('|')) {
      if (rows.length > 0) break; // the table ended
      continue;
    }
    rows.push(
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  assert.ok(rows.length >= 2, `no table under "## ${title}"`);
  assert.match(rows[1].join('|'), /^[\s:|-]+$/, `the table under "## ${title}" has no header separator`);
  return rows.slice(2); // header and separator off
}

/** Markdown files whose links are checked. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docs];
}

/** The link and image targets of a Markdown text outside code: `[..](target)`, `![..](target)`, `<img src="target">`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown
    .replace(/^```[\s\S]*?^```/gm, '') // fenced code blocks
    .replace(/`[^`\n]*`/g, ''); // inline code
  const targets = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const images = [...prose.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...targets, ...images];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('README: in step with the manifest, links that resolve', function () {
  it('the commands table lists exactly the commands the Command Palette shows, by their titles', function () {
    const hidden = new Set((manifest.contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    const palette = manifest.contributes.commands
      .filter((c) => !hidden.has(c.command))
      .map((c) => (c.category ? `${localized(c.category)}: ${localized(c.title)}` : localized(c.title)));
    const rows = tableUnder(readme, 'Commands');
    const listed = rows.map((cells) => cells[0]);
    assert.deepEqual(
      palette.filter((title) => !listed.includes(title)),
      [],
      'palette commands missing from the README',
    );
    assert.deepEqual(
      listed.filter((title) => !palette.includes(title)),
      [],
      'README rows that are not palette commands',
    );
    assert.equal(new Set(listed).size, listed.length, 'a command is listed twice');
    for (const cells of rows) assert.ok((cells[1] ?? '').length > 10, `"${cells[0]}" says nothing about what it does`);
  });

  it('the settings table lists every taskHistory.* setting with its real default', function () {
    const properties = manifest.contributes.configuration.properties;
    const rows = tableUnder(readme, 'Settings');
    const listed = new Map<string, string>();
    for (const cells of rows) {
      const key = /^`([^`]+)`$/.exec(cells[0])?.[1];
      assert.ok(key, `a settings row whose first cell is not a \`key\`: ${cells.join(' | ')}`);
      assert.ok(!listed.has(key), `${key} is listed twice`);
      listed.set(key, cells[1] ?? '');
      assert.ok((cells[2] ?? '').length > 10, `${key} says nothing about what it does`);
    }
    assert.deepEqual(
      Object.keys(properties).filter((key) => !listed.has(key)),
      [],
      'settings missing from the README',
    );
    assert.deepEqual(
      [...listed.keys()].filter((key) => !(key in properties)),
      [],
      'README rows that are not settings',
    );
    for (const [key, cell] of listed) {
      const literal = /^`(.+)`$/.exec(cell)?.[1];
      assert.ok(literal !== undefined, `${key}: the default cell ${JSON.stringify(cell)} is not \`JSON\``);
      assert.deepEqual(JSON.parse(literal), properties[key].default, `${key}: the README says ${literal}`);
    }
  });

  it('every relative link and image in README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md points at a file', function () {
    const broken: string[] = [];
    let checked = 0;
    for (const file of markdownFiles()) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const target of linkTargets(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // a URL (https:, mailto:, vscode:) or an anchor
        const path = decodeURIComponent(target.split('#')[0]);
        checked++;
        if (!existsSync(resolve(dirname(join(ROOT, file)), path))) broken.push(`${file}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked >= 20, `only ${checked} relative links found: is the link pattern still right?`);
  });

  it('the README links its screenshots, and each #anchor in it names one of its headings', function () {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(images, ['docs/screenshots/sidebar.png', 'docs/screenshots/panel.png', 'docs/screenshots/insights.png']);
    const headings = new Set(
      readme
        .replace(/^```[\s\S]*?^```/gm, '')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => slug(line.replace(/^#+ /, ''))),
    );
    const anchors = linkTargets(readme).filter((t) => t.startsWith('#'));
    assert.ok(anchors.length > 0);
    for (const anchor of anchors) assert.ok(headings.has(anchor.slice(1)), `${anchor} names no heading (headings: ${[...headings].join(', ')})`);
  });
});
