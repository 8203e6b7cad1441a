// Status icons and colours, from theme colours so light, dark and high-contrast all work.
import * as vscode from 'vscode';
import type { RunStatus } from '../core/model';

const STYLE: Record<RunStatus, [icon: string, color: string | undefined]> = {
  failed: ['error', 'testing.iconFailed'],
  succeeded: ['pass', 'testing.iconPassed'],
  running: ['sync~spin', 'charts.blue'],
  delayed: ['clock', 'charts.yellow'],
  queued: ['circle-large-outline', 'charts.yellow'],
  cancelled: ['circle-slash', 'disabledForeground'],
  unknown: ['question', undefined],
};

export function statusIcon(status: RunStatus): vscode.ThemeIcon {
  // Own keys only: a status that is not ours must not find an inherited member.
  const [icon, color] = Object.hasOwn(STYLE, status) ? STYLE[status] : STYLE.unknown;
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}
