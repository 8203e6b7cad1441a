// The panel's messages and display language, read from the page its host made (panelHtml.ts:
// <html lang> is VS Code's display language, a JSON block holds VS Code's bundle of our
// messages in it, absent in English). Imported first by each panel's entry module, so every
// l10n.t and every number, date and relative time the page writes uses them.
import { configureLocalization } from '../src/core/locale';

function bundle(): Record<string, string> | undefined {
  const text = document.getElementById('l10n-bundle')?.textContent;
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // A page without a readable bundle shows the English messages.
    return undefined;
  }
}

configureLocalization(bundle(), document.documentElement.lang);
