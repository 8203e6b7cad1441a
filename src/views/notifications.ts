// The extension's notifications: VS Code's, with every known key redacted from what they
// show. Use these instead of `vscode.window.show…Message` (test/unit/architecture.test.ts
// holds every module to it).
import * as vscode from 'vscode';
import { redactedNotifications } from '../config/secrets';

export const { showInformationMessage, showWarningMessage, showErrorMessage } = redactedNotifications(vscode.window);
