// A leaf that explains a state instead of showing runs: no key, unreachable, an error
// (with Retry), nothing matching. Every one says what to do next.
import * as vscode from 'vscode';
import { VIEW_ITEM, viewItem } from '../../contributions';
import type { TreeNode } from './treeNode';

export type MessageKind = 'no-key' | 'key-rejected' | 'unreachable' | 'error' | 'empty' | 'loading' | 'settings';

const ICONS: Record<MessageKind, vscode.ThemeIcon> = {
  'no-key': new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.yellow')),
  'key-rejected': new vscode.ThemeIcon('key', new vscode.ThemeColor('testing.iconFailed')),
  unreachable: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('testing.iconFailed')),
  error: new vscode.ThemeIcon('warning', new vscode.ThemeColor('testing.iconFailed')),
  empty: new vscode.ThemeIcon('info'),
  loading: new vscode.ThemeIcon('loading~spin'),
  settings: new vscode.ThemeIcon('settings-gear', new vscode.ThemeColor('charts.yellow')),
};

export class MessageNode implements TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly id: string,
    readonly kind: MessageKind,
    private readonly text: string,
    private readonly action?: { readonly label: string; readonly command: vscode.Command },
    private readonly detail?: string,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = ICONS[this.kind];
    item.contextValue = viewItem(VIEW_ITEM.message, this.kind);
    if (this.action) {
      item.description = this.action.label;
      item.command = this.action.command;
    }
    item.accessibilityInformation = { label: this.action ? `${this.text}, ${this.action.label}` : this.text };
    item.tooltip = this.detail ? `${this.text}\n\n${this.detail}` : this.text;
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
