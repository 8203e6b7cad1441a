// The status-bar item and the view badge: how many runs failed in the current time range.
import * as vscode from 'vscode';
import { VIEWS } from '../contributions';
import { formatNumber } from '../core/locale';
import type { FailureCount } from './liveRefresh';

export class FailureIndicators implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskHistory.failures', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly view: vscode.TreeView<unknown>) {
    this.item.name = vscode.l10n.t('Task History Failures');
    this.item.command = VIEWS.focusRuns;
  }

  update(count: FailureCount): void {
    const total = formatNumber(count.total);
    const failed = count.total === 1 ? vscode.l10n.t('1 failed run in {0}', count.rangeLabel) : vscode.l10n.t('{0} failed runs in {1}', total, count.rangeLabel);
    this.item.text = count.total > 0 ? `$(error) ${total}` : `$(pass) ${formatNumber(0)}`;
    this.item.tooltip = vscode.l10n.t('Task History: {0}', failed);
    this.item.backgroundColor = count.total > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (count.bySource.size > 0) this.item.show();
    else this.item.hide();
    this.view.badge = count.total > 0 ? { value: count.total, tooltip: failed } : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
