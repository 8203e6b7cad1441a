// Composition root: builds the log, sources, views and commands, and registers them.
// Nothing else lives here.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Task History', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('taskHistory.showLog', () => log.show()),
  );
  log.info('Task History Explorer activated');
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
