// Localization, held to its promises: every user-facing string of the manifest is a %key% of
// package.nls.json; the bundles (l10n/) are what the source makes; numbers, dates and relative
// times follow the display language; the panel pages carry their language safely; and no
// literal text reaches a user-facing sink (notifications, tree items, quick inputs, progress,
// status bar, webview text) without going through l10n.t. That last one reads the source with
// TypeScript's compiler API and names each string it finds by file and line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { pseudoLocalized, staleL10nFiles } from '../../scripts/l10n.mjs';
import { formatDuration } from '../../src/core/duration';
import { formatBytes, relativeTime } from '../../src/core/format';
import { displayLocale, formatDate, formatDateTime, formatFixed, formatNumber, formatRelativeTime, intlLocale, setDisplayLocale } from '../../src/core/locale';
import { bundleScript, escapeHtml, htmlLang } from '../../src/panels/pageL10n';
import { axisValue } from '../../webview/insights/format';

const ROOT = join(__dirname, '..', '..');

// --- The manifest ---------------------------------------------------------------------------

/** Keys whose string values VS Code shows to a user (in contributes, and the top-level displayName and description). */
const MANIFEST_TEXT_KEYS = new Set([
  'title',
  'shortTitle',
  'category',
  'name',
  'contextualTitle',
  'contents',
  'description',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'patternErrorMessage',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'label',
  'displayName',
  'altText',
]);

/** Every user-facing string of the manifest, with where it is. */
function manifestTexts(node: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (Array.isArray(node)) node.forEach((item, i) => manifestTexts(item, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const where = `${path}.${key}`;
      if (MANIFEST_TEXT_KEYS.has(key) && typeof value === 'string') out.push({ path: where, text: value });
      else if (MANIFEST_TEXT_KEYS.has(key) && Array.isArray(value) && value.every((v) => typeof v === 'string'))
        value.forEach((v: string, i) => out.push({ path: `${where}[${i}]`, text: v }));
      else manifestTexts(value, where, out);
    }
  }
  return out;
}

// --- The static scan ------------------------------------------------------------------------

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly sink: string;
  readonly text: string;
}

/** Units and symbols that read the same in every language ("12 ms", "3 KB"). */
const UNIT = /^(ms|s|min|h|d|B|KB|MB|GB|KiB|MiB|GiB|px|p50|p95|p99)$/;

/** Names that are the same in every language: the vendors, the file formats. */
const NAMES = /\b(Paragon|Dispersl|Parquet|NDJSON|JSON|CSV|DuckDB|BigQuery|SQLite|VS Code)\b/g;

/** Whether literal text reads as words a user reads: letters left once codicons, placeholders, addresses, names and units are taken out. */
function wordy(text: string): boolean {
  const words = text
    .replace(NAMES, ' ')
    .replace(/\$\([\w~-]+\)/g, ' ')
    .replace(/\{(\d+|…)\}/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .match(/[A-Za-z]{2,}/g);
  return (words ?? []).some((w) => !UNIT.test(w));
}

/** An id, a key or a command rather than a sentence: `paragon`, `taskHistory.refresh`, `step-error`, `ERROR_CODE`. */
function identifierLike(text: string): boolean {
  return /^[a-z][\w.:/-]*$/.test(text) || /^[A-Z][A-Z0-9_]+$/.test(text) || /^[\w-]+\.[\w.-]+$/.test(text);
}

/** The literal text an expression certainly puts on screen without l10n.t, if any (each branch of a ?: or ??, each side of a +). */
function literalTexts(expr: ts.Expression): string[] {
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr) || ts.isSatisfiesExpression(expr)) return literalTexts(expr.expression);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
  if (ts.isTemplateExpression(expr)) {
    // The static parts; what goes in the ${…} holes is checked where it is made.
    const own = [expr.head.text, ...expr.templateSpans.map((s) => s.literal.text)].join('{…}');
    return [own, ...expr.templateSpans.flatMap((s) => literalTexts(s.expression))];
  }
  if (ts.isConditionalExpression(expr)) return [...literalTexts(expr.whenTrue), ...literalTexts(expr.whenFalse)];
  if (ts.isBinaryExpression(expr) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(expr.operatorToken.kind))
    return [...literalTexts(expr.left), ...literalTexts(expr.right)];
  if (ts.isArrayLiteralExpression(expr)) return expr.elements.flatMap((e) => (ts.isExpression(e) ? literalTexts(e) : []));
  // A call (l10n.t, a helper), a name, a property: not literal text here.
  return [];
}

/** What a call is named: `showErrorMessage` for `vscode.window.showErrorMessage(…)` and `showErrorMessage(…)`. */
function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Properties of an object literal whose text is shown: quick pick items and options, progress, tree items, webview attributes. */
// (`message` only in progress.report({ message }): elsewhere an object's message is an API error's or an Error's.)
const TEXT_PROPERTIES = new Set(['title', 'placeHolder', 'placeholder', 'prompt', 'tooltip', 'label', 'description', 'detail', 'aria-label', 'ariaLabel', 'validationMessage']);
/** Properties whose assignment shows text (`item.description = …`, `statusBar.text = …`, `node.textContent = …`). */
const ASSIGNED_PROPERTIES = new Set([
  'label',
  'description',
  'tooltip',
  'title',
  'placeholder',
  'placeHolder',
  'prompt',
  'text',
  'textContent',
  'message',
  'heading',
  'detail',
  'ariaLabel',
  'validationMessage',
]);
/** Calls whose listed arguments are shown as they are. */
const SINK_ARGUMENTS = new Map<string, readonly number[] | 'all'>(
  Object.entries({
    showInformationMessage: 'all',
    showWarningMessage: 'all',
    showErrorMessage: 'all',
    showActionableError: [0],
    setStatusBarMessage: [0],
    createWebviewPanel: [1],
    TreeItem: [0],
    MessageNode: [3, 5],
    MarkdownString: [0],
    appendMarkdown: [0],
    appendText: [0],
    button: [0],
    toolButton: [0, 1],
  }),
);
/** Webview helpers whose children (from the third argument on) become text: el(tag, props, ...children), append(parent, ...children), replace(parent, ...children). */
const CHILDREN_FROM = new Map<string, number>(Object.entries({ el: 2, append: 1, replace: 1 }));
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt']);

/** Scans one file's text; `file` names it in the findings. */
export function scanSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const lines = text.split('\n');
  const report = (node: ts.Node, sink: string, texts: readonly string[], loose = false) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    // An explicit waiver, for a name that is the same in every language: `// l10n-ignore: <why>` on the line.
    if (/\/\/\s*l10n-ignore/.test(lines[line] ?? '')) return;
    for (const t of texts)
      if (wordy(t) && !(loose && identifierLike(t))) findings.push({ file, line: line + 1, column: character + 1, sink, text: t.length > 80 ? `${t.slice(0, 77)}…` : t });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node);
      const args = node.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      // Nothing inside l10n.t is reported: its message is the one a translator gets.
      if (name === 't' && ts.isPropertyAccessExpression(node.expression) && /\bl10n$/.test(node.expression.expression.getText(source))) return;
      const which = name === undefined ? undefined : SINK_ARGUMENTS.get(name);
      if (which) args.forEach((arg, i) => (which === 'all' || which.includes(i)) && report(arg, `${name}()`, literalTexts(arg)));
      // el(…), append(…), replace(…) called by name: the webview's helpers (text.replace(…) is not one).
      const from = name !== undefined && ts.isIdentifier(node.expression) ? CHILDREN_FROM.get(name) : undefined;
      if (from !== undefined) args.slice(from).forEach((arg) => report(arg, `${name}() text`, literalTexts(arg)));
      if (name === 'setAttribute' && args.length === 2 && ts.isStringLiteral(args[0]!) && SHOWN_ATTRIBUTES.has(args[0].text))
        report(args[1]!, `setAttribute('${args[0].text}')`, literalTexts(args[1]!));
    } else if (ts.isPropertyAssignment(node)) {
      const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
      const reported = key === 'message' && ts.isObjectLiteralExpression(node.parent) && ts.isCallExpression(node.parent.parent) && calleeName(node.parent.parent) === 'report';
      if (key && (TEXT_PROPERTIES.has(key) || reported)) report(node, `{ ${key} }`, literalTexts(node.initializer), true);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
      const key = node.left.name.text;
      if (ASSIGNED_PROPERTIES.has(key)) report(node, `.${key} =`, literalTexts(node.right));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * Files whose text is not the extension's to show: sample API errors (the error signatures'
 * cases) and the export schema's field descriptions (written into exported files, which stay
 * the same whoever exports them, as the command line's output does).
 */
const NOT_SHOWN = new Set(['src/insights/errorSignatureCases.ts', 'src/core/export/recordFields.ts']);

/** The files the scan reads: the extension's and the webviews' TypeScript, not the command line (it stays English) nor the MCP server (its text is for a model). */
function scannedFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
    );
  return [...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'webview'))]
    .map((f) => relative(ROOT, f).split('\\').join('/'))
    .filter((f) => !f.startsWith('src/cli/') && f !== 'src/cli.ts' && !f.startsWith('src/mcp/') && !NOT_SHOWN.has(f))
    .sort();
}

describe('Localization', () => {
  describe('the manifest (package.json, package.nls.json)', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const texts = [
      ...manifestTexts({ displayName: manifest['displayName'], description: manifest['description'] }, ''),
      ...manifestTexts(manifest['capabilities'], 'capabilities'),
      ...manifestTexts(manifest['contributes'], 'contributes'),
    ];

    it('every user-facing string (titles, categories, view names, welcome text, setting descriptions, the display name) is a %key% that package.nls.json holds', () => {
      assert.ok(texts.length > 50, `expected the manifest's texts, found ${texts.length}`);
      assert.deepEqual(
        texts.filter(({ text }) => !/^%[^%]+%$/.test(text)).map(({ path, text }) => `${path}: ${text}`),
        [],
        'not a %key%',
      );
      assert.deepEqual(
        texts.filter(({ text }) => !(text.slice(1, -1) in nls)).map(({ path, text }) => `${path}: ${text}`),
        [],
        'a %key% package.nls.json does not hold',
      );
    });

    it('package.nls.json holds no key the manifest does not use, and no empty text', () => {
      const used = new Set(texts.map(({ text }) => text.slice(1, -1)));
      assert.deepEqual(
        Object.keys(nls).filter((key) => !used.has(key)),
        [],
      );
      assert.deepEqual(
        Object.entries(nls)
          .filter(([, text]) => !text.trim())
          .map(([key]) => key),
        [],
      );
    });

    it('the manifest names its bundle folder (l10n), which the .vsix ships with package.nls*.json', () => {
      assert.equal(manifest['l10n'], './l10n');
      const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
      assert.ok(ignore.includes('!package.nls*.json'), '.vscodeignore ships package.nls*.json');
      assert.ok(ignore.includes('!l10n/*.l10n*.json'), '.vscodeignore ships l10n/');
    });
  });

  describe('the bundles (l10n/, npm run l10n)', () => {
    it('l10n/bundle.l10n.json and the pseudo-locale files (l10n/bundle.l10n.qps-ploc.json, package.nls.qps-ploc.json) are what the source makes now: run npm run l10n', async function () {
      this.timeout(60_000);
      const stale = await staleL10nFiles(ROOT);
      assert.deepEqual(stale, [], `not up to date with the source: ${stale.join(', ')}. Run npm run l10n (the build does it too).`);
    });

    it('the pseudo-locale changes every letter a reader reads and keeps placeholders, code spans, setting and command links and codicons', () => {
      const pseudo = pseudoLocalized({
        a: 'Open {0} in the Runs view',
        b: 'Turn on `#taskHistory.index.enabled#` and `taskHistory.groupBy`',
        c: '[Open Demo](command:taskHistory.openDemo) $(key)',
      });
      assert.match(pseudo['a'] as string, /^[^A-Za-z]*\{0\}[^A-Za-z]*$/);
      assert.ok((pseudo['b'] as string).includes('`#taskHistory.index.enabled#`') && (pseudo['b'] as string).includes('`taskHistory.groupBy`'));
      assert.ok((pseudo['c'] as string).includes('](command:taskHistory.openDemo)') && (pseudo['c'] as string).includes('$(key)'));
      assert.doesNotMatch((pseudo['c'] as string).replace('](command:taskHistory.openDemo)', '').replace('$(key)', ''), /[A-Za-z]/);
    });

    it('the pseudo-locale bundle has every message of the English one, with the same placeholders', () => {
      const en = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      const pseudo = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.qps-ploc.json'), 'utf8')) as Record<string, string>;
      assert.ok(Object.keys(en).length > 50, 'expected the messages of the panels at least');
      const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(
        Object.keys(en).filter((key) => pseudo[key] === undefined || JSON.stringify(placeholders(pseudo[key])) !== JSON.stringify(placeholders(key))),
        [],
      );
    });
  });

  describe('the display language (src/core/locale.ts)', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    afterEach(() => setDisplayLocale(undefined));

    it('is English until set (the CLI and the tests), and English for a language Intl does not know (the pseudo-locale)', () => {
      assert.equal(displayLocale(), 'en');
      assert.equal(formatNumber(1234567.5), '1,234,567.5');
      assert.equal(intlLocale('qps-ploc'), 'en');
      assert.equal(intlLocale('not a language'), 'en');
      assert.equal(intlLocale('pt-br'), 'pt-BR');
      assert.equal(intlLocale('zh-cn'), 'zh-CN');
    });

    it('writes numbers in German as German does: 1.234.567,5 and 12,35', () => {
      setDisplayLocale('de');
      assert.equal(formatNumber(1234567.5), '1.234.567,5');
      assert.equal(formatFixed(12.345, 2), '12,35');
      assert.equal(formatBytes(1536), '1,5 KB');
    });

    it("writes durations in the display language's units through Intl, English keeping its compact symbols", () => {
      // What Intl (this Node's CLDR) writes for a unit, narrow: the expected texts come from Intl
      // itself, so a CLDR update does not fail the test; what is checked is that each part goes
      // through it, in the display language, with the decimals and the two largest units.
      const unit = (language: string, value: number, name: string, digits?: number) =>
        new Intl.NumberFormat(language, {
          style: 'unit',
          unit: name,
          unitDisplay: 'narrow',
          useGrouping: false,
          ...(digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
        }).format(value);
      const list = (language: string, parts: string[]) => new Intl.ListFormat(language, { type: 'unit', style: 'narrow' }).format(parts);
      setDisplayLocale('de');
      assert.equal(formatDuration(1480), unit('de', 1.48, 'second', 2));
      assert.match(formatDuration(1480), /^1,48\s?\S/, 'German decimal mark, then its unit');
      assert.equal(formatDuration(850), unit('de', 850, 'millisecond'));
      assert.equal(formatDuration(245_000), list('de', [unit('de', 4, 'minute'), unit('de', 5, 'second')]));
      assert.equal(formatDuration((4 * 60 + 15) * 60_000), list('de', [unit('de', 4, 'hour'), unit('de', 15, 'minute')]));
      assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), list('de', [unit('de', 3, 'day'), unit('de', 4, 'hour')]));
      assert.notEqual(formatDuration(245_000), '4m 05s');
      assert.equal(
        axisValue(1500, 'ms'),
        new Intl.NumberFormat('de', { style: 'unit', unit: 'second', unitDisplay: 'narrow', notation: 'compact', maximumFractionDigits: 1 }).format(1.5),
        "Insights' axes too",
      );
      setDisplayLocale('ar');
      assert.equal(formatDuration(245_000), list('ar', [unit('ar', 4, 'minute'), unit('ar', 5, 'second')]));
      assert.doesNotMatch(formatDuration(245_000), /[ms]/, 'no Latin unit symbol in Arabic');
      setDisplayLocale('qps-ploc');
      assert.equal(formatDuration(245_000), '4m 05s', 'a language Intl does not know writes English');
    });

    it('writes relative times and dates in French and German through Intl', () => {
      setDisplayLocale('fr');
      assert.equal(formatRelativeTime('2026-11-23T09:00:00Z', now), 'il y a 3 heures');
      assert.equal(relativeTime('2026-11-23T11:55:00Z', now), 'il y a 5 minutes');
      assert.equal(relativeTime('2026-11-22T12:00:00Z', now), 'hier');
      setDisplayLocale('de');
      assert.equal(relativeTime('2026-11-21T12:00:00Z', now), 'vorgestern');
      assert.equal(formatRelativeTime('2026-11-23T11:55:00Z', now), 'vor 5 Minuten');
      // A local midday (formatDate writes the machine's local date): the 23rd in every time zone, UTC+14 and UTC-12 alike.
      assert.equal(formatDate(new Date(2026, 10, 23, 12)), '23.11.2026');
      assert.match(formatDateTime('2026-11-23T12:00:00Z', { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' }), /^23\.11\.26, 12:00$/);
    });

    it('keeps English as it was: "5 min ago", "2 d ago", "1.48 s", "1.5 KB"', () => {
      assert.equal(relativeTime('2026-11-23T11:55:00Z', now), '5 min ago');
      assert.equal(relativeTime('2026-11-21T12:00:00Z', now), '2 d ago');
      assert.equal(formatDuration(1480), '1.48 s');
      assert.equal(formatDuration(850), '850 ms');
      assert.equal(formatDuration(245_000), '4m 05s');
      assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d 4h');
      assert.equal(axisValue(1500, 'ms'), '1.5 s');
      assert.equal(axisValue(250, 'ms'), '250 ms');
      assert.equal(formatBytes(1536), '1.5 KB');
      setDisplayLocale('en-gb');
      assert.equal(formatNumber(1234.5), '1,234.5');
    });
  });

  describe("the panels' pages (src/panels/pageL10n.ts)", () => {
    it('carry the bundle as data that cannot close its element or run', () => {
      const block = bundleScript({ 'Loading run…': '</script><script>alert(1)</script>', x: '<!-- y' });
      assert.match(block, /^<script type="application\/json" id="l10n-bundle">/);
      assert.equal(block.match(/<\/script>/g)?.length, 1, 'only its own end tag');
      assert.doesNotMatch(block.slice(0, -'</script>\n'.length).slice('<script'.length), /</);
      const json = /<script[^>]*>(.*)<\/script>/.exec(block)![1]!;
      assert.deepEqual(JSON.parse(json), { 'Loading run…': '</script><script>alert(1)</script>', x: '<!-- y' });
      assert.equal(bundleScript(undefined), '');
      assert.equal(bundleScript({}), '');
    });

    it('take a language tag only when it is one, and escape the texts they put in HTML', () => {
      assert.equal(htmlLang('qps-ploc'), 'qps-ploc');
      assert.equal(htmlLang('pt-br'), 'pt-br');
      assert.equal(htmlLang('en" onload="x'), 'en');
      assert.equal(htmlLang(undefined), 'en');
      assert.equal(escapeHtml('<b a="1">&\''), '&#60;b a=&#34;1&#34;&#62;&#38;&#39;');
    });
  });

  describe('no literal text reaches a user-facing sink without l10n.t (a scan of the source)', () => {
    it('finds the strings it should and none it should not (a sample source)', () => {
      const sample = [
        "vscode.window.showErrorMessage('Could not load the run.');", // 1: found
        "vscode.window.showErrorMessage(vscode.l10n.t('Could not load the run.'));", // 2: localized
        'void showInformationMessage(`Exported ${n} runs.`);', // 3: found
        "void showWarningMessage(vscode.l10n.t('Replay {0}?', id), { modal: true }, 'Replay');", // 4: the 'Replay' button is found
        'item.description = `${count} · ${when}`;', // 5: no words
        "item.tooltip = cond ? 'Running' : vscode.l10n.t('Done');", // 6: found ('Running')
        "const pick = await vscode.window.showQuickPick(items, { title: 'Group Runs By', placeHolder: vscode.l10n.t('Pick') });", // 7: title found
        "log.info('synced 12 runs');", // 8: a log line
        "vscode.commands.executeCommand('taskHistory.refresh');", // 9: a command id
        "const node = { label: 'paragon', id: 'x' };", // 10: an id
        "status.text = '$(error) ' + n;", // 11: a codicon
        "el('span', { class: 'x', attrs: { 'aria-label': 'Run actions' } }, 'Loading…', l10n.t('Done'));", // 12: two found
        "element.setAttribute('title', 'Zoom in');", // 13: found
        "element.setAttribute('data-id', 'Zoom in');", // 14: not shown
        "new MessageNode(parent, `${id}/empty`, 'empty', 'No runs match the filter.');", // 15: the text found, not the id or kind
        "const label = 'Paragon'; // l10n-ignore: a product name", // 16: waived (and not at a sink anyway)
        "item.label = 'Paragon'; // l10n-ignore: a product name", // 17: waived
        'progress.report({ message: `${done}/${total}` });', // 18: no words
        'const s = `${size} ms`;', // 19: not at a sink
        "vscode.window.withProgress({ title: 'Syncing', location }, task);", // 20: found
        "progress.report({ message: 'Listing runs' });", // 21: found
        "const e = { message: 'Contact not found' };", // 22: an API error's text, not shown as ours
        "const id = text.replace(/[0-9]+/g, '<id>');", // 23: String.replace, not the webview's
        "quickPick.items = [{ label: 'Parquet' }, { label: 'Dispersl {0}' }];", // 24: names
      ].join('\n');
      const found = scanSource('sample.ts', sample).map((f) => `${f.line}: ${f.text}`);
      assert.deepEqual(found, [
        '1: Could not load the run.',
        '3: Exported {…} runs.',
        '4: Replay',
        '6: Running',
        '7: Group Runs By',
        '12: Run actions',
        '12: Loading…',
        '13: Zoom in',
        '15: No runs match the filter.',
        '20: Syncing',
        '21: Listing runs',
      ]);
    });

    it('src/ (not src/cli, src/mcp) and webview/ pass no literal text to a user-facing sink without l10n.t', function () {
      this.timeout(60_000);
      const files = scannedFiles();
      assert.ok(files.length > 100, `expected the source, found ${files.length} files`);
      const findings = files.flatMap((file) => scanSource(file, readFileSync(join(ROOT, file), 'utf8')));
      const byFile = new Map<string, number>();
      for (const f of findings) byFile.set(f.file, (byFile.get(f.file) ?? 0) + 1);
      assert.equal(
        findings.length,
        0,
        `${findings.length} unlocalized strings in ${byFile.size} files: wrap each in vscode.l10n.t / l10n.t (or mark a name that is the same in every language with // l10n-ignore: why)\n${findings.map((f) => `  ${f.file}:${f.line} ${f.sink} "${f.text}"`).join('\n')}`,
      );
    });
  });
});
