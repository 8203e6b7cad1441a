// A leaf that explains a state instead of showing runs: no key, unreachable, an error
// (with Retry), nothing matching. Every one says what to do next: a click runs the main action
// (its label is the row's description), and an error row also offers every action that fixes
// it (Set API Key, Retry, Show Log: core/errorActions.ts) as inline buttons, through tokens of
// its contextValue the manifest's view/item/context menus match.
import * as vscode from 'vscode';
import { VIEW_ITEM, viewItem } from '../../contributions';
import type { ErrorAction } from '../../core/errorActions';
import type { TreeNode } from './treeNode';

/** The contextValue token of each fixing action (the inline buttons shown on the row). */
const ACTION_TOKENS: Record<ErrorAction, string> = {
  'set-api-key': VIEW_ITEM.canSetKey,
  retry: VIEW_ITEM.canRetry,
  'show-log': VIEW_ITEM.canShowLog,
};

/** What fixes the state a row explains: the actions, and whose key "Set API Key" sets. */
export interface MessageFixes {
  readonly sourceId?: string;
  readonly actions: readonly ErrorAction[];
}

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
    private readonly fixes?: MessageFixes,
  ) {}

  /** The source a "Set API Key" on this row sets the key of (the command reads it from the node). */
  get sourceId(): string | undefined {
    return this.fixes?.sourceId;
  }

  /** The actions offered inline. */
  get actions(): readonly ErrorAction[] {
    return this.fixes?.actions ?? [];
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = ICONS[this.kind];
    item.contextValue = viewItem(VIEW_ITEM.message, this.kind, ...this.actions.map((a) => ACTION_TOKENS[a]));
    if (this.action) {
      item.description = this.action.label;
      item.command = this.action.command;
    }
    item.accessibilityInformation = { label: this.action ? vscode.l10n.t('{0}, {1}', this.text, this.action.label) : this.text };
    item.tooltip = this.detail ? `${this.text}\n\n${this.detail}` : this.text;
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
