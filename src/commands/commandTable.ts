// The one place commands are registered: from a table with a handler for every command the
// manifest contributes (src/contributions.ts). The compiler refuses a table that misses one,
// an architecture test refuses registerCommand anywhere else, and a unit test holds the ids
// against package.json: the palette never shows a command that does nothing.
import * as vscode from 'vscode';
import type { CommandHandlers } from '../contributions';

export function registerCommandTable(handlers: CommandHandlers): vscode.Disposable[] {
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
}
