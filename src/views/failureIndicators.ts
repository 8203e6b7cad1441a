// The status-bar item and the view badge: how many runs failed in the current time range.
import * as vscode from 'vscode';
import { VIEWS } from '../contributions';
import type { FailureCount } from './liveRefresh';

export class FailureIndicators implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('taskHistory.failures', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly view: vscode.TreeView<unknown>) {
    this.item.name = 'Task History Failures';
    this.item.command = VIEWS.focusRuns;
  }

  update(count: FailureCount): void {
    const noun = count.total === 1 ? 'failed run' : 'failed runs';
    this.item.text = count.total > 0 ? `$(error) ${count.total.toLocaleString('en-US')}` : '$(pass) 0';
    this.item.tooltip = `Task History: ${count.total.toLocaleString('en-US')} ${noun} in ${count.rangeLabel}`;
    this.item.backgroundColor = count.total > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (count.bySource.size > 0) this.item.show();
    else this.item.hide();
    this.view.badge = count.total > 0 ? { value: count.total, tooltip: `${count.total} ${noun} in ${count.rangeLabel}` } : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
