// The run panel's HTML shell: a strict Content-Security-Policy (nothing by default; only our
// nonce-tagged bundle runs; styles and fonts only from the extension), the stylesheet and
// the script. No run data is ever put into this HTML: it arrives by message and is drawn as text.
// What the page needs before the first message is ours: VS Code's display language (<html lang>)
// and its bundle of our messages, as a JSON block the page reads as data (webview/l10n.ts).
import * as vscode from 'vscode';
import { contentSecurityPolicy, createNonce } from './csp';
import { bundleScript, escapeHtml, htmlLang } from './pageL10n';

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** What a panel's page loads: its bundle and stylesheets (paths under the extension), and what it says while it loads. */
export interface PanelPage {
  readonly script: readonly string[];
  readonly styles: readonly (readonly string[])[];
  readonly title: string;
  readonly placeholder: string;
}

/** The run panel's page (a function: its words are read in the display language). */
export const runPage = (): PanelPage => ({
  script: ['dist', 'webview.js'],
  styles: [['media', 'runPanel.css']],
  title: vscode.l10n.t('Run'),
  placeholder: vscode.l10n.t('Loading run…'),
});

/** A panel's HTML (the run panel's by default; Insights' too): fixed text only, every path resolved through the webview. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string = createNonce(), page: PanelPage = runPage()): string {
  const uri = (path: readonly string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  const styles = page.styles.map((path) => `<link rel="stylesheet" href="${uri(path)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="${htmlLang(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">${escapeHtml(page.placeholder)}</p></main>
${bundleScript(vscode.l10n.bundle)}<script nonce="${nonce}" src="${uri(page.script)}"></script>
</body>
</html>`;
}
