// The localization bundles, made from the source: every `vscode.l10n.t('…')` and
// `l10n.t('…')` (from '@vscode/l10n') message in src/ and webview/ goes into
// l10n/bundle.l10n.json (the English a translator starts from), and the pseudo-locale
// (qps-ploc: accented, padded text) of it and of package.nls.json into
// l10n/bundle.l10n.qps-ploc.json and package.nls.qps-ploc.json, which the localization
// tests run the extension in (test/unit/l10n.test.ts, test/e2e/l10n.e2e.ts).
// `npm run l10n` writes them; the build runs it too (esbuild.mjs), so a package never ships a
// stale bundle; `--check` writes nothing and fails when a file is not what the source makes.
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the strings are: the extension's and the webviews' source. The CLI (src/cli) stays English but its shared modules are in src/core, so all of src/ is read. */
const SOURCE_DIRS = ['src', 'webview'];

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/**
 * What the pseudo-locale must leave as it is, for the text to keep working: placeholders
 * ({0}, {name}), code spans (`taskHistory.groupBy`), setting links (#taskHistory.index.enabled#),
 * link targets ((command:taskHistory.openDemo)), codicons ($(key)) and addresses.
 */
const KEEP = /(\{[^}]+\}|`[^`]*`|#[\w.]+#|\]\([^)]*\)|\$\([\w-]+\)|https?:\/\/\S+)/;

/** l10n-dev's pseudo-localization (accented letters, doubled vowels), on the parts of each message a reader reads. */
export function pseudoLocalized(bundle) {
  const pseudo = (text) => getL10nPseudoLocalized({ text }).text;
  const one = (message) =>
    message
      .split(KEEP)
      .map((part, i) => (i % 2 === 1 || part === '' ? part : pseudo(part)))
      .join('');
  return Object.fromEntries(Object.entries(bundle).map(([key, value]) => [key, typeof value === 'string' ? one(value) : { ...value, message: one(value.message) }]));
}

/** The JSON text of a bundle, as the files hold it. */
export function bundleText(bundle) {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/** Every generated file (path relative to the root) and the text the source makes for it. */
export async function l10nFiles(root = ROOT) {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)))
    .map((path) => relative(root, path))
    .sort();
  const scripts = files.map((path) => ({ extension: extname(path), contents: readFileSync(join(root, path), 'utf8') }));
  const bundle = await getL10nJson(scripts);
  const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
  return new Map([
    ['l10n/bundle.l10n.json', bundleText(bundle)],
    ['l10n/bundle.l10n.qps-ploc.json', bundleText(pseudoLocalized(bundle))],
    ['package.nls.qps-ploc.json', bundleText(pseudoLocalized(nls))],
  ]);
}

/** The generated files that differ from what the source makes now. */
export async function staleL10nFiles(root = ROOT) {
  const stale = [];
  for (const [path, text] of await l10nFiles(root)) {
    const file = join(root, path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(path);
  }
  return stale;
}

/** Writes the files that changed; returns their paths. */
export async function writeL10nFiles(root = ROOT) {
  const written = [];
  for (const [path, text] of await l10nFiles(root)) {
    const file = join(root, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(path);
  }
  return written;
}

/** `npm run l10n` writes the files; `--check` only says which are stale (exit 1). */
async function main() {
  if (process.argv.includes('--check')) {
    const stale = await staleL10nFiles();
    if (stale.length > 0) {
      console.error(`Not up to date with the source: ${stale.join(', ')}. Run npm run l10n.`);
      process.exitCode = 1;
    }
    return;
  }
  const written = await writeL10nFiles();
  const count = Object.keys(JSON.parse(readFileSync(join(ROOT, 'l10n/bundle.l10n.json'), 'utf8'))).length;
  console.log(`l10n: ${count} messages${written.length > 0 ? `; wrote ${written.join(', ')}` : ''}`);
}

// Run as a script (not when imported by esbuild.mjs or the test).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
