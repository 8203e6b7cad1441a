// What a panel's page carries of the display language before its first message: <html lang>
// and VS Code's bundle of our messages as a JSON block (webview/l10n.ts reads both). Kept free of
// `vscode` so a plain test can hold it to its promises: nothing in it can open markup or run.

/** Text for an HTML text or attribute position: what could open markup is escaped (our own messages, translated by others). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A language tag for <html lang>: VS Code's id ("de", "pt-br", "qps-ploc"), or "en" for anything else. */
export function htmlLang(language: string | undefined): string {
  return language && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language) ? language : 'en';
}

/**
 * The bundle as a JSON block the page reads as data (type application/json is never run). `<` is
 * written \u003c so that no text in it can close the element; empty when there is none (English).
 */
export function bundleScript(bundle: Readonly<Record<string, string>> | undefined): string {
  if (!bundle || Object.keys(bundle).length === 0) return '';
  return `<script type="application/json" id="l10n-bundle">${JSON.stringify(bundle).replace(/</g, '\\u003c')}</script>\n`;
}
