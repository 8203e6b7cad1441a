// The names the manifest (package.json `contributes`) and the code share, written once:
// command ids, context keys, the view id, and the tokens a tree item's `contextValue` is made
// of (the manifest's `viewItem =~ /\btoken\b/` menus match them). Plain TypeScript, so a unit
// test holds it against package.json: the manifest's commands and the registered ones are
// the same set (src/commands/commandTable.ts registers exactly these, the compiler sees to it).

export const COMMANDS = {
  addSource: 'taskHistory.addSource',
  addParagonSource: 'taskHistory.addParagonSource',
  addDisperslSource: 'taskHistory.addDisperslSource',
  setApiKey: 'taskHistory.setApiKey',
  removeSource: 'taskHistory.removeSource',
  refresh: 'taskHistory.refresh',
  filter: 'taskHistory.filter',
  /** The same as filter, with the filled icon the title bar shows while a filter is on. */
  filterActive: 'taskHistory.filterActive',
  clearFilter: 'taskHistory.clearFilter',
  groupBy: 'taskHistory.groupBy',
  openRunById: 'taskHistory.openRunById',
  openRawJson: 'taskHistory.openRawJson',
  copyId: 'taskHistory.copyId',
  /** A vscode://…/run?source&id&step link to the run (and step), for chats and tickets (src/links/). */
  copyLink: 'taskHistory.copyLink',
  openInDashboard: 'taskHistory.openInDashboard',
  openDemo: 'taskHistory.openDemo',
  showLog: 'taskHistory.showLog',
  loadMore: 'taskHistory.loadMore',
  retry: 'taskHistory.retry',
  openRun: 'taskHistory.openRun',
  exportRuns: 'taskHistory.exportRuns',
  replayRun: 'taskHistory.replayRun',
  compareWithLastSuccess: 'taskHistory.compareWithLastSuccess',
  exportRun: 'taskHistory.exportRun',
  syncIndex: 'taskHistory.syncIndex',
  nameWorkflow: 'taskHistory.nameWorkflow',
  openInsights: 'taskHistory.openInsights',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** A command's handler; arguments come from VS Code (tree items, links, executeCommand) and are checked by each handler. */
export type CommandHandler = (...args: never[]) => unknown;

/** One handler for every command the manifest contributes: a missing one is a type error. */
export type CommandHandlers = { readonly [K in CommandId]: CommandHandler };

/** Commands of VS Code itself that the code runs. */
export const BUILTIN_COMMANDS = {
  setContext: 'setContext',
  openSettingsJson: 'workbench.action.openSettingsJson',
  diff: 'vscode.diff',
} as const;

export const CONTEXT_KEYS = {
  /** A filter is on: the title bar shows Clear Filter and the filled filter icon. */
  filterActive: 'taskHistory.filterActive',
  /** A run panel has focus: the run commands show in the palette. */
  runPanelActive: 'taskHistory.runPanelActive',
} as const;

export const VIEWS = {
  runs: 'taskHistory.runs',
  /** The command VS Code adds to focus a view. */
  focusRuns: 'taskHistory.runs.focus',
} as const;

/** Tokens of a tree item's contextValue: the first names the node, the others what it offers. */
export const VIEW_ITEM = {
  source: 'source',
  group: 'group',
  run: 'run',
  step: 'step',
  message: 'message',
  loadMore: 'loadMore',
  /** A source or run whose API can replay. */
  replayable: 'replayable',
  /** A run whose steps have inputs and outputs. */
  payloads: 'payloads',
  /** A run "Compare with Last Success" can work on (core's compareUnavailableReason, the panel's rule too). */
  comparable: 'comparable',
  /** A demo source (session only: no Remove). */
  demo: 'demo',
  /** A run that names its workflow ("Name Workflow…"). */
  workflow: 'workflow',
  /** A source with a filter of its own (inline Clear Filter, the filled filter icon). */
  filtered: 'filtered',
  /** An error row whose fixes include Set API Key, Retry, Show Log (src/core/errorActions.ts): inline buttons. */
  canSetKey: 'canSetKey',
  canRetry: 'canRetry',
  canShowLog: 'canShowLog',
} as const;

/** A contextValue from tokens: the node's kind first, empty ones left out. */
export function viewItem(kind: (typeof VIEW_ITEM)[keyof typeof VIEW_ITEM], ...tokens: readonly (string | false | undefined)[]): string {
  return [kind, ...tokens].filter((t): t is string => typeof t === 'string' && t.length > 0).join(' ');
}
