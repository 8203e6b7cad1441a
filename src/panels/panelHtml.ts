// The run panel's HTML shell: a strict Content-Security-Policy (nothing by default; only our
// nonce-tagged bundle runs; styles and fonts only from the extension), the stylesheet and
// the script. No run data is ever put into this HTML: it arrives by message and is drawn as text.
import * as vscode from 'vscode';
import { contentSecurityPolicy, createNonce } from './csp';

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

const RUN_PAGE: PanelPage = { script: ['dist', 'webview.js'], styles: [['media', 'runPanel.css']], title: 'Run', placeholder: 'Loading run…' };

/** A panel's HTML (the run panel's by default; Insights' too): fixed text only, every path resolved through the webview. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string = createNonce(), page: PanelPage = RUN_PAGE): string {
  const uri = (path: readonly string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  const styles = page.styles.map((path) => `<link rel="stylesheet" href="${uri(path)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${page.title}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">${page.placeholder}</p></main>
<script nonce="${nonce}" src="${uri(page.script)}"></script>
</body>
</html>`;
}
