// The run panel's HTML shell: a strict Content-Security-Policy (nothing by default; only our
// nonce-tagged bundle runs; styles and fonts only from the extension), the stylesheet and
// the script. No run data is ever put into this HTML: it arrives by message and is drawn as text.
import * as vscode from 'vscode';
import { contentSecurityPolicy, createNonce } from './csp';

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string = createNonce()): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'runPanel.css'));
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Run</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">Loading run…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
