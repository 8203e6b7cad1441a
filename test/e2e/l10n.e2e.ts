// The extension in the pseudo-locale (qps-ploc) in a real VS Code: every string of ours the main
// flows show must come out pseudo-localized (accented letters from l10n/bundle.l10n.qps-ploc.json
// and package.nls.qps-ploc.json); a plain English word in them is a string that skipped l10n.t
// or the manifest's %keys%. API data (run names, ids, payloads, numbers) is left out.
//
// How code-server (VS Code 1.139's server) picks the display language, read in its source: for
// each page, `--locale`, else the "locale" of <user-data-dir>/User/argv.json, else "en" (a missing
// argv.json reads as "en", so the `vscode.nls.locale` cookie and Accept-Language it would look at
// next are never reached); and a language other than English only when some installed language
// pack lists it in <user-data-dir>/languagepacks.json, else the page, the extension host and
// `vscode.env.language` stay English. No pseudo-locale language pack can be fetched here, so the
// test writes a languagepacks.json naming an empty translation of VS Code's own strings for
// qps-ploc (the workbench's words stay English; ours do not) and argv.json's locale, and reloads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

const ROOT = join(__dirname, '..', '..');
const pseudoNls = JSON.parse(readFileSync(join(ROOT, 'package.nls.qps-ploc.json'), 'utf8')) as Record<string, string>;
const pseudoBundle = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.qps-ploc.json'), 'utf8')) as Record<string, string>;

/** Names that are the same in every language (the vendors): not words a translator changes. */
const NAMES = /\b(Paragon|Dispersl|JSON|API|ID)\b/g;

/** The plain English words left in a text once the API data in it (run names, ids…) is taken out: none, for a localized string. */
function englishWords(text: string, data: readonly string[] = []): string[] {
  let rest = text;
  for (const d of data) if (d) rest = rest.split(d).join(' ');
  return (
    rest
      .replace(NAMES, ' ')
      // Ids and technical tokens: hex, uuids, words with digits or underscores, dotted keys.
      .replace(/\b[\w-]*[\d_][\w-]*\b/g, ' ')
      .replace(/\b\w+\.\w[\w.]*\b/g, ' ')
      .match(/[A-Za-z]{3,}/g) ?? []
  );
}

function assertLocalized(where: string, texts: readonly { text: string; data?: readonly string[] }[]): void {
  const english = texts.flatMap(({ text, data }) => {
    const words = englishWords(text, data);
    return words.length > 0 ? [`${where}: "${text}" (${words.join(', ')})`] : [];
  });
  assert.deepEqual(english, [], `${where}: strings of ours not pseudo-localized`);
}

describe('Localization: the pseudo-locale (qps-ploc) in a real VS Code', function () {
  let workbench: Workbench;
  let packDir: string;

  before(async function () {
    this.timeout(600_000);
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      settings: { 'taskHistory.startDemo': true, 'taskHistory.refreshInterval': 0, 'taskHistory.index.enabled': false },
    });
    // A language pack for qps-ploc, as VS Code's language pack service would record one: an
    // empty translation of the workbench (it stays English), so that the server resolves the locale.
    packDir = mkdtempSync(join(tmpdir(), 'thx-qps-ploc-'));
    const translations = join(packDir, 'main.i18n.json');
    writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
    writeFileSync(
      join(workbench.userDataDir, 'languagepacks.json'),
      JSON.stringify({
        'qps-ploc': {
          hash: 'e2e-pseudo',
          extensions: [{ extensionIdentifier: { id: 'task-history-e2e.pseudo-language-pack' }, version: '0.0.1' }],
          translations: { vscode: translations },
          label: 'Pseudo Language',
        },
      }),
    );
    writeFileSync(join(workbench.userDataDir, 'User', 'argv.json'), JSON.stringify({ locale: 'qps-ploc' }));
    await workbench.reload();
  });

  after(async () => {
    await workbench?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(workbench.logs());
  });

  it('the workbench and the extension host run in qps-ploc (vscode.env.language), with our pseudo bundle and manifest loaded', async () => {
    const language = await workbench.page.evaluate(() => (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE);
    assert.equal(language, 'qps-ploc', 'the workbench resolved the display language (languagepacks.json + argv.json)');
    // The container's title comes from package.nls.qps-ploc.json.
    await workbench.waitForActivation();
    await workbench.openContainer(pseudoNls['viewsContainer.taskHistory.title']!);
  });

  it('the Runs view: its title, the demo sources, their groups and runs read in the pseudo-locale', async () => {
    const view = pseudoNls['view.runs.name']!;
    await workbench.waitForRow(/./, 60_000);
    // Expand the first source and its first group.
    const rows = async () =>
      workbench.page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.part.sidebar .monaco-list-row'))
          .filter((row) => !row.closest('.monaco-tree-sticky-container'))
          .map((row) => ({
            level: Number(row.getAttribute('aria-level') ?? 1),
            label: row.querySelector<HTMLElement>('.label-name')?.innerText ?? '',
            description: row.querySelector<HTMLElement>('.label-description')?.innerText ?? '',
            expanded: row.getAttribute('aria-expanded'),
          })),
      );
    await workbench.page.waitForFunction(() => document.querySelectorAll('.part.sidebar .monaco-list-row[aria-level="2"]').length > 0, undefined, { timeout: 60_000 });
    const groups = (await rows()).filter((r) => r.level === 2);
    await workbench.clickRow(new RegExp(`^${groups[0]!.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await workbench.page.waitForFunction(() => document.querySelectorAll('.part.sidebar .monaco-list-row[aria-level="3"]').length > 0, undefined, { timeout: 60_000 });
    const shown = await rows();
    assert.ok(
      shown.some((r) => r.level === 3),
      'a group shows its runs',
    );
    const title = await workbench.page.locator('.part.sidebar .pane-header .title').allInnerTexts();
    assertLocalized('view titles', [...title.filter((t) => t.trim()).map((text) => ({ text })), { text: view }]);
    assertLocalized(
      'tree rows',
      // A run's label is its name or id (API data); its description (when, how long) and every other row are ours.
      shown.flatMap((r) => (r.level >= 3 ? [{ text: r.description }] : [{ text: r.label }, { text: r.description }])),
    );
  });

  it('a run panel: header, actions, timeline and inspector read in the pseudo-locale', async () => {
    const run = await workbench.page.evaluate(() => document.querySelector<HTMLElement>('.part.sidebar .monaco-list-row[aria-level="3"] .label-name')?.innerText ?? '');
    await workbench.clickRow(new RegExp(`^${run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const frame: Frame = await workbench.webviewFrame(pseudoBundle['Copy Link']!, 60_000);
    await frame.waitForSelector('.inspector .fields dt', { timeout: 60_000 });
    // (No named functions inside evaluate: the test's compiler would wrap them in a helper the page does not have.)
    const texts = await frame.evaluate(() =>
      [
        ...['dt', 'vscode-button', '.step-count', '.axis-label-cell', '.message-title', '.placeholder', '.muted'].flatMap((selector) =>
          Array.from(document.querySelectorAll<HTMLElement>(selector)).map((e) => e.innerText.trim()),
        ),
        ...[
          ['vscode-button', 'title'],
          ['[aria-label]:not(.row)', 'aria-label'],
          ['vscode-collapsible', 'heading'],
        ].flatMap(([selector, name]) =>
          Array.from(document.querySelectorAll(selector!)).map((e) => e.getAttribute(name!) ?? (e as unknown as Record<string, string>)[name!] ?? ''),
        ),
      ].filter((t) => t.length > 0),
    );
    assert.ok(texts.length > 15, `expected the panel's labels, found ${JSON.stringify(texts)}`);
    // The tab: the run's name or id and its status as the API writes it (both data).
    const tab = await workbench.page.locator('.tab.active .label-name').first().innerText();
    assertLocalized('run panel', [...texts.map((text) => ({ text })), { text: tab, data: [run, tab.split(' · ').pop()!] }]);
  });

  it('the Insights panel reads in the pseudo-locale', async () => {
    await workbench.runCommand(`${pseudoNls['command.category']}: ${pseudoNls['command.openInsights.title']}`);
    const frame = await workbench.webviewFrame(pseudoBundle['Refresh']!, 60_000);
    const texts = await frame.evaluate(() =>
      ['h1', 'vscode-button', '.insights-filter', '.insights-note', 'dt', 'caption', 'thead th', 'h3']
        .flatMap((selector) => Array.from(document.querySelectorAll<HTMLElement>(selector)).map((e) => e.innerText.trim()))
        .filter((t) => t.length > 0),
    );
    const sources = await frame.evaluate(() => Array.from(document.querySelectorAll('[data-source]')).map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(texts.length > 2, `expected Insights' headings and buttons, found ${JSON.stringify(texts)}`);
    assertLocalized(
      'Insights',
      texts.map((text) => ({ text, data: sources })),
    );
  });

  it('the command palette filtered to "Task History": every command title is pseudo-localized', async () => {
    await workbench.page.keyboard.press('Escape');
    // F1 opens the palette with its ">" already typed.
    await workbench.page.keyboard.press('F1');
    await workbench.page.keyboard.type(pseudoNls['command.category']!);
    const rows = workbench.page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
    // The palette filters as each character arrives: wait until it has filtered on the whole
    // category (every row then names it), or a row of a shorter prefix's match would be read.
    await workbench.page
      .waitForFunction(
        (category) => {
          const labels = Array.from(document.querySelectorAll<HTMLElement>('.quick-input-widget .monaco-list-row .label-name')).map((l) => l.innerText);
          return labels.length > 0 && labels.every((l) => l.includes(category));
        },
        pseudoNls['command.category']!,
        { timeout: 15_000, polling: 100 },
      )
      .catch(() => undefined);
    // Each row's label (its first .label-name; a non-English palette adds the English title beside it, as a second one).
    const titles = (await rows.evaluateAll((all) => all.map((row) => (row.querySelector('.label-name') as HTMLElement | null)?.innerText.trim() ?? '')))
      // VS Code's own "Focus on <view> View" command: its words are the workbench's (English here), the view's name ours.
      .map((title) => title.replace(/^(.*): Focus on (.*) View$/, '$1: $2'));
    await workbench.page.keyboard.press('Escape');
    assert.ok(titles.length >= 5, `expected our commands, found ${JSON.stringify(titles)}`);
    assertLocalized(
      'command palette',
      titles.map((text) => ({ text })),
    );
  });

  it('a notification of ours is pseudo-localized', async () => {
    await workbench.clearNotifications();
    // Open Run by ID with an address no source knows: the extension says so in a notification.
    await workbench.runCommand(`${pseudoNls['command.category']}: ${pseudoNls['command.openRunById.title']}`);
    await workbench.quickInput('no-such-run-e2e');
    // Two demo sources: it may ask which one; take the first.
    const widget = workbench.page.locator('.quick-input-widget');
    if (await widget.isVisible().catch(() => false)) await workbench.page.keyboard.press('Enter');
    await workbench.waitForNotification(/./, 30_000);
    // The toast's message (not VS Code's "Source: <extension>" beside it); the API's own error text in it, "(404: …)", is data.
    const text = await workbench.page.locator('.notifications-toasts .notification-list-item-message').first().innerText();
    const apiError = /\(\d{3}: [^)]*\)/.exec(text)?.[0] ?? '';
    assertLocalized('notification', [{ text, data: [apiError, 'no-such-run-e2e'] }]);
  });
});
