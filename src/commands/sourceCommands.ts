// Add Source (guided, checks the connection), Set API Key (SecretStorage only), Remove Source.
import * as vscode from 'vscode';
import type { ApiKeys } from '../config/secrets';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { createSource } from '../sources/createSource';
import { userMessage } from '../core/errors';
import { runAddSource, type StepAnswerer } from '../sources/kinds/addSourceFlow';
import { SOURCE_KINDS, sourceKindOf, type SourceKind } from '../sources/kinds';
import type { SourceConfig } from '../sources/sourceConfig';
import { COMMANDS, type CommandHandlers, type CommandId } from '../contributions';
import { withCancellableProgress } from './cancellableProgress';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';

/** The per-kind Add Source commands (the welcome view's "Add Paragon Project" links), declared by the kinds' descriptors. */
type KindCommand = Exclude<Extract<CommandId, `taskHistory.add${string}Source`>, typeof COMMANDS.addSource>;

export function sourceCommandHandlers(
  registry: SourceRegistry,
  keys: ApiKeys,
): Pick<CommandHandlers, typeof COMMANDS.addSource | typeof COMMANDS.setApiKey | typeof COMMANDS.removeSource | KindCommand> {
  // One command per kind that declares one (a unit test holds these against COMMANDS and the manifest).
  const kindCommands = Object.fromEntries(
    SOURCE_KINDS.flatMap((d) => (d.addSourceSteps.commandId ? [[d.addSourceSteps.commandId, () => addSource(registry, keys, d.kind)]] : [])),
  ) as Pick<CommandHandlers, KindCommand>;
  return {
    // A kind given as an argument (a link, another extension) is honoured only if known.
    [COMMANDS.addSource]: (kind?: unknown) => addSource(registry, keys, sourceKindOf(kind)?.kind),
    ...kindCommands,
    [COMMANDS.setApiKey]: (target?: unknown) => setApiKey(registry, keys, sourceIdOf(target)),
    [COMMANDS.removeSource]: (target?: unknown) => removeSource(registry, keys, sourceIdOf(target)),
  };
}

/** Commands get a source id from a tree node, a message node's arguments, or nothing. */
function sourceIdOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && 'sourceId' in target) return String((target as { sourceId: unknown }).sourceId);
  return undefined;
}

async function pickSource(registry: SourceRegistry, placeHolder: string, id?: string): Promise<SourceConfig | undefined> {
  if (id) return registry.get(id)?.config;
  const sources = registry.list().filter((s) => !s.demo);
  if (sources.length === 0) {
    void showInformationMessage('No Task History source is configured yet.', 'Add Source').then((c) => {
      if (c) void vscode.commands.executeCommand(COMMANDS.addSource);
    });
    return undefined;
  }
  if (sources.length === 1) return sources[0]!.config;
  const pick = await vscode.window.showQuickPick(
    sources.map((s) => ({ label: s.config.label ?? s.config.id, description: s.source.label, config: s.config })),
    { placeHolder },
  );
  return pick?.config;
}

async function askKey(label: string): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: `API key for ${label}`,
    prompt: 'Stored in VS Code’s secret storage, never in settings.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter the API key.'),
  });
  return key?.trim();
}

async function checkConnection(config: SourceConfig, key: string): Promise<string | undefined> {
  try {
    const source = createSource(config, { apiKey: key, timeoutMs: 15_000 });
    await withCancellableProgress({ title: `Checking ${source.label}…` }, (signal) => source.listPage({}, 0, { signal }));
    return undefined;
  } catch (error) {
    return userMessage(error);
  }
}

async function addSource(registry: SourceRegistry, keys: ApiKeys, preset?: SourceKind): Promise<void> {
  const config = await runAddSource(askStep, (id) => registry.get(id) !== undefined, preset);
  if (!config) return;
  const key = await askKey(config.label ?? config.id);
  if (!key) return;
  const problem = await checkConnection(config, key);
  if (problem) {
    const choice = await showErrorMessage(`The connection check failed: ${problem}`, { modal: true }, 'Save Anyway');
    if (choice !== 'Save Anyway') return;
  }
  await keys.set(config.id, key);
  await settings.writeSources([
    ...registry
      .list()
      .filter((s) => !s.demo)
      .map((s) => s.config),
    config,
  ]);
  void showInformationMessage(`Added ${config.label ?? config.id}.`);
}

/** A kind's declarative Add Source step, asked with an input box or a quick pick. */
const askStep: StepAnswerer = async (step) => {
  if (step.type === 'pick') {
    const pick = await vscode.window.showQuickPick(
      step.items.map((item) => ({ label: item.label, description: item.description, value: item.value })),
      { title: step.title, placeHolder: step.placeholder, ignoreFocusOut: true },
    );
    return pick?.value;
  }
  return vscode.window.showInputBox({
    title: step.title,
    prompt: step.prompt,
    value: step.value,
    placeHolder: step.placeholder,
    // Ids and URLs are pasted from elsewhere: leaving to copy one must not end the flow.
    ignoreFocusOut: true,
    validateInput: step.validate,
  });
};

async function setApiKey(registry: SourceRegistry, keys: ApiKeys, id?: string): Promise<void> {
  const config = await pickSource(registry, 'Set the API key of which source?', id);
  if (!config) return;
  const key = await askKey(config.label ?? config.id);
  if (!key) return;
  await keys.set(config.id, key);
  void showInformationMessage(`API key saved for ${config.label ?? config.id}.`);
}

async function removeSource(registry: SourceRegistry, keys: ApiKeys, id?: string): Promise<void> {
  const config = await pickSource(registry, 'Remove which source?', id);
  if (!config) return;
  const choice = await showWarningMessage(`Remove ${config.label ?? config.id} and its stored API key?`, { modal: true }, 'Remove');
  if (choice !== 'Remove') return;
  await keys.delete(config.id);
  await settings.writeSources(
    registry
      .list()
      .filter((s) => !s.demo && s.config.id !== config.id)
      .map((s) => s.config),
  );
}
