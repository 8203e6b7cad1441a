// Links in and out of VS Code: the URI handler (`<scheme>://<publisher>.<name>/run?source=…&id=…&step=…`
// opens the run panel on that run and step), Copy Link (the run panel's header, the tree's
// run and step menus) and Open in Dashboard (the run in the vendor's dashboard, through
// vscode.env.openExternal). What a link or a URL may be is decided in src/links/ (plain
// Node, unit-tested); this module only wires it to VS Code. Open Run by ID… (openRunCommands.ts)
// opens what it reads through openRunReference below.
import * as vscode from 'vscode';
import type { SourceRegistry } from '../config/sourceRegistry';
import { BUILTIN_COMMANDS, COMMANDS, type CommandHandlers } from '../contributions';
import { userMessage } from '../core/errors';
import { dashboardTemplate, expandDashboardUrl, noDashboardMessage } from '../links/dashboard';
import { buildRunLink, linkForLog, parseRunLinkParts, shown } from '../links/runLink';
import { RunPanel } from '../panels/runPanel';
import type { RunStore } from '../store/runStore';
import { showActionableError } from '../views/errorActions';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';

export interface LinkCommandDeps {
  readonly registry: SourceRegistry;
  readonly store: RunStore;
  readonly log: vscode.LogOutputChannel;
  /** `context.extension.id`: the authority VS Code routes our links by. */
  readonly extensionId: string;
}

export interface LinkCommands {
  readonly handlers: Pick<CommandHandlers, typeof COMMANDS.copyLink | typeof COMMANDS.openInDashboard>;
  /** The URI handler. */
  readonly disposables: vscode.Disposable[];
}

/** A run, and maybe a step, to act on: from a tree item (run or step), the panel, or (sourceId, runId, stepId). */
interface LinkTarget {
  readonly sourceId: string;
  readonly runId: string;
  readonly stepId?: string;
}

/** Reads a command's arguments: a RunNode ({ sourceId, run }), a StepNode ({ sourceId, runId, step }), a { sourceId, runId, stepId? }, or strings. */
function targetOf(arg: unknown, runId?: unknown, stepId?: unknown): LinkTarget | undefined {
  if (typeof arg === 'string' && typeof runId === 'string') return { sourceId: arg, runId, stepId: typeof stepId === 'string' ? stepId : undefined };
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as { sourceId?: unknown; runId?: unknown; stepId?: unknown; run?: { id?: unknown }; step?: { id?: unknown } };
  if (typeof o.sourceId !== 'string') return undefined;
  const run = typeof o.runId === 'string' ? o.runId : typeof o.run?.id === 'string' ? o.run.id : undefined;
  if (run === undefined) return undefined;
  const step = typeof o.step?.id === 'string' ? o.step.id : typeof o.stepId === 'string' ? o.stepId : undefined;
  return { sourceId: o.sourceId, runId: run, stepId: step };
}

export function linkCommands(deps: LinkCommandDeps): LinkCommands {
  const { registry, log } = deps;
  const target = (arg?: unknown, runId?: unknown, stepId?: unknown): LinkTarget | undefined => {
    const found = targetOf(arg, runId, stepId) ?? RunPanel.active()?.target;
    if (!found) void showInformationMessage(vscode.l10n.t('Open a run first (Task History view, or "Open Run by ID…").'));
    return found;
  };

  const copyLink = async (arg?: unknown, runId?: unknown, stepId?: unknown) => {
    const t = target(arg, runId, stepId);
    if (!t) return;
    let link: string;
    try {
      link = buildRunLink(t, { scheme: vscode.env.uriScheme, extensionId: deps.extensionId });
    } catch (error) {
      void showActionableError(vscode.l10n.t('Cannot make a link to this run: {0}', userMessage(error)), error, { sourceId: t.sourceId });
      return;
    }
    await vscode.env.clipboard.writeText(link);
    log.info(`copied the link ${link}`);
    vscode.window.setStatusBarMessage(
      t.stepId
        ? vscode.l10n.t('$(link) Copied a link to step {0} of run {1}', t.stepId.slice(0, 8), t.runId.slice(0, 8))
        : vscode.l10n.t('$(link) Copied a link to run {0}', t.runId.slice(0, 8)),
      4000,
    );
  };

  const openInDashboard = async (arg?: unknown, runId?: unknown) => {
    const t = target(arg, runId);
    if (!t) return;
    const configured = registry.get(t.sourceId);
    if (!configured) {
      void showErrorMessage(vscode.l10n.t('The source "{0}" is not configured any more.', t.sourceId));
      return;
    }
    const name = configured.config.label ?? configured.config.id;
    const template = dashboardTemplate(configured.config);
    if (!template) {
      const choice = await showInformationMessage(noDashboardMessage(name), vscode.l10n.t('Open Settings (JSON)'));
      if (choice) await vscode.commands.executeCommand(BUILTIN_COMMANDS.openSettingsJson);
      return;
    }
    try {
      // The workflow id only when the template asks for it (it may need the run's detail).
      const workflowId = template.template.includes('{workflowId}')
        ? (deps.store.summary(t.sourceId, t.runId)?.workflowId ?? (await deps.store.getRun(t.sourceId, t.runId)).workflowId)
        : undefined;
      const url = expandDashboardUrl(template.template, { projectId: configured.config.projectId, runId: t.runId, workflowId }, name);
      log.info(`opening run ${shown(t.runId, 80)} in the dashboard (${template.origin} template): ${url}`);
      // The string as it is: a vscode.Uri would be decoded and encoded again on the way (its
      // query's `=` and `&` too), and open another address than the one checked here.
      const opened = await vscode.env.openExternal(url as unknown as vscode.Uri);
      if (!opened) log.warn(`the dashboard URL was not opened: ${url}`);
    } catch (error) {
      void showActionableError(userMessage(error), error, { sourceId: t.sourceId, retry: () => openInDashboard(arg, runId) });
    }
  };

  const handleUri = async (uri: vscode.Uri) => {
    // Logged before it is checked, so sanitized and cut: the query is decoded (a %0A is a line break).
    log.info(`link received: ${linkForLog({ scheme: uri.scheme, authority: uri.authority, path: uri.path, query: uri.query, fragment: uri.fragment })}`);
    let parsed: LinkTarget;
    try {
      parsed = parseRunLinkParts(
        { scheme: uri.scheme, authority: uri.authority, path: uri.path, query: uri.query, fragment: uri.fragment },
        { sourceIds: registry.list().map((s) => s.config.id), scheme: vscode.env.uriScheme, extensionId: deps.extensionId },
      );
    } catch (error) {
      log.warn(`refused the link: ${userMessage(error)}`);
      void showActionableError(vscode.l10n.t('Task History could not open this link. {0}', userMessage(error)), error);
      return;
    }
    await openRunReference(deps, parsed);
  };

  return {
    handlers: {
      [COMMANDS.copyLink]: copyLink,
      [COMMANDS.openInDashboard]: openInDashboard,
    },
    disposables: [vscode.window.registerUriHandler({ handleUri })],
  };
}

/**
 * Loads the run (so the panel opens on it without asking again, and a missing run is said
 * here, not in an empty panel), then opens the run panel on it, on the step when one is
 * named and the run has it.
 */
export async function openRunReference(deps: Pick<LinkCommandDeps, 'store' | 'log'>, target: LinkTarget): Promise<void> {
  let steps: readonly { readonly id: string }[];
  try {
    const detail = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading run {0}…', target.runId) }, () =>
      deps.store.getRun(target.sourceId, target.runId),
    );
    steps = detail.steps;
  } catch (error) {
    void showActionableError(userMessage(error), error, { sourceId: target.sourceId, retry: () => openRunReference(deps, target) });
    return;
  }
  const stepId = target.stepId !== undefined && steps.some((s) => s.id === target.stepId) ? target.stepId : undefined;
  if (target.stepId !== undefined && stepId === undefined) {
    void showWarningMessage(vscode.l10n.t('Run {0} has no step {1}: showing the run.', target.runId, target.stepId));
  }
  deps.log.info(`opening run ${target.runId} of ${target.sourceId}${stepId ? ` on step ${stepId}` : ''}`);
  await vscode.commands.executeCommand(COMMANDS.openRun, target.sourceId, target.runId, stepId);
}
