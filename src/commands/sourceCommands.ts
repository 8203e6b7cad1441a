// Add Source (a multi-step flow: "2/5" in the title, Back to the previous step with its answer
// kept, Escape ends it with nothing saved; then it checks the connection), Set API Key
// (SecretStorage only), Remove Source. The order of the steps is plain logic in
// addSourceWizard.ts; this module only shows each step with a QuickPick or an InputBox.
import * as vscode from 'vscode';
import type { ApiKeys } from '../config/secrets';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { createSource } from '../sources/createSource';
import { userMessage } from '../core/errors';
import { SOURCE_KINDS, sourceKindOf, type SourceKind } from '../sources/kinds';
import type { SourceConfig } from '../sources/sourceConfig';
import { COMMANDS, type CommandHandlers, type CommandId } from '../contributions';
import { AddSourceWizard, saveSource as saveWizardResult, type WizardResult, type WizardView } from './addSourceWizard';
import { withCancellableProgress } from './cancellableProgress';
import { showActionableError } from '../views/errorActions';
import { showInformationMessage, showWarningMessage } from '../views/notifications';

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
  if (target && typeof target === 'object' && 'sourceId' in target && typeof target.sourceId === 'string') return target.sourceId;
  return undefined;
}

async function pickSource(registry: SourceRegistry, placeHolder: string, id?: string): Promise<SourceConfig | undefined> {
  if (id) return registry.get(id)?.config;
  const sources = registry.list().filter((s) => !s.demo);
  if (sources.length === 0) {
    const add = vscode.l10n.t('Add Source');
    void showInformationMessage(vscode.l10n.t('No Task History source is configured yet.'), add).then((c) => {
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
    title: vscode.l10n.t('API key for {0}', label),
    prompt: vscode.l10n.t('Stored in VS Code’s secret storage, never in settings.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the API key.')),
  });
  return key?.trim();
}

/** What failed, in a sentence, or undefined when the source answered; cancelling the check is not a failure. */
async function checkConnection(config: SourceConfig, key: string): Promise<{ problem: string } | undefined> {
  try {
    const source = createSource(config, { apiKey: key, timeoutMs: 15_000 });
    await withCancellableProgress({ title: vscode.l10n.t('Checking {0}…', source.label) }, (signal) => source.listPage({}, 0, { signal }));
    return undefined;
  } catch (error) {
    return { problem: userMessage(error) };
  }
}

async function addSource(registry: SourceRegistry, keys: ApiKeys, preset?: SourceKind): Promise<void> {
  const wizard = new AddSourceWizard((id) => registry.get(id) !== undefined, preset);
  for (;;) {
    const answered = await runWizard(wizard);
    // Escape on any step: nothing is saved.
    if (!answered) return;
    const failed = await checkConnection(answered.config, answered.key);
    if (failed) {
      const saveAnyway = vscode.l10n.t('Save Anyway');
      const goBack = vscode.l10n.t('Go Back');
      const choice = await showWarningMessage(vscode.l10n.t('The connection check failed: {0}', failed.problem), { modal: true }, goBack, saveAnyway);
      // Back to the last step (the key), every answer kept, to correct what was wrong.
      if (choice === goBack) {
        wizard.back();
        continue;
      }
      if (choice !== saveAnyway) return;
    }
    await saveSource(registry, keys, answered);
    return;
  }
}

async function saveSource(registry: SourceRegistry, keys: ApiKeys, { config, key }: WizardResult): Promise<void> {
  const label = config.label ?? config.id;
  try {
    // All or nothing: a failed settings write deletes the key again (Retry saves the same answers).
    await saveWizardResult(
      {
        setKey: (id, value) => keys.set(id, value),
        deleteKey: (id) => keys.delete(id),
        addEntry: (entry) =>
          settings.writeSources([
            ...registry
              .list()
              .filter((s) => !s.demo)
              .map((s) => s.config),
            entry,
          ]),
      },
      { config, key },
    );
    void showInformationMessage(vscode.l10n.t('Added {0}.', label));
  } catch (error) {
    void showActionableError(vscode.l10n.t('Could not add {0}: {1}', label, userMessage(error)), error, {
      retry: () => saveSource(registry, keys, { config, key }),
    });
  }
}

/** Shows the wizard's steps one by one until every one is answered (the result) or one is dismissed (undefined). */
async function runWizard(wizard: AddSourceWizard): Promise<WizardResult | undefined> {
  for (let view = wizard.current(); view; view = wizard.current()) {
    const outcome = await showStep(view);
    if (outcome === 'cancel') return undefined;
    if (outcome === 'back') wizard.back();
    // The UI checked the answer already; a refusal here shows the step again.
    else wizard.answer(outcome.value);
  }
  return wizard.result();
}

type StepOutcome = 'back' | 'cancel' | { readonly value: string };

/** One step as a QuickPick or an InputBox: "n/total" in its title, Back from the second on, kept open when focus moves away. */
function showStep(view: WizardView): Promise<StepOutcome> {
  const { step } = view;
  const input = step.type === 'pick' ? vscode.window.createQuickPick<vscode.QuickPickItem & { value: string }>() : vscode.window.createInputBox();
  input.title = step.title;
  input.step = view.number;
  input.totalSteps = view.total;
  // Ids and URLs are pasted from elsewhere: leaving to copy one must not end the flow.
  input.ignoreFocusOut = true;
  input.buttons = view.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  return new Promise<StepOutcome>((resolve) => {
    let outcome: StepOutcome | undefined;
    const finish = (result: StepOutcome) => {
      outcome = result;
      input.hide();
    };
    const disposables: vscode.Disposable[] = [
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish('back');
      }),
      input.onDidHide(() => {
        for (const d of disposables) d.dispose();
        input.dispose();
        resolve(outcome ?? 'cancel');
      }),
    ];
    if (step.type === 'pick' && 'activeItems' in input) {
      const items = step.items.map((item) => ({ label: item.label, description: item.description, value: item.value }));
      input.items = items;
      input.placeholder = step.placeholder;
      // The answer given before (Back) is the one highlighted.
      const kept = items.find((item) => item.value === view.value);
      if (kept) input.activeItems = [kept];
      disposables.push(
        input.onDidAccept(() => {
          const chosen = input.selectedItems[0] ?? input.activeItems[0];
          if (chosen) finish({ value: chosen.value });
        }),
      );
    } else if (step.type === 'input' && 'password' in input) {
      input.value = view.value ?? '';
      input.prompt = step.prompt;
      input.placeholder = step.placeholder;
      input.password = view.secret;
      const check = (text: string) => step.validate?.(text);
      input.validationMessage = input.value ? check(input.value) : undefined;
      disposables.push(
        input.onDidChangeValue((text) => {
          input.validationMessage = check(text);
        }),
        input.onDidAccept(() => {
          const problem = check(input.value);
          input.validationMessage = problem;
          if (!problem) finish({ value: input.value });
        }),
      );
    }
    input.show();
  });
}

async function setApiKey(registry: SourceRegistry, keys: ApiKeys, id?: string): Promise<void> {
  const config = await pickSource(registry, vscode.l10n.t('Set the API key of which source?'), id);
  if (!config) return;
  const key = await askKey(config.label ?? config.id);
  if (!key) return;
  try {
    await keys.set(config.id, key);
    void showInformationMessage(vscode.l10n.t('API key saved for {0}.', config.label ?? config.id));
  } catch (error) {
    void showActionableError(vscode.l10n.t('Could not save the API key of {0}: {1}', config.label ?? config.id, userMessage(error)), error, {
      retry: () => keys.set(config.id, key),
    });
  }
}

async function removeSource(registry: SourceRegistry, keys: ApiKeys, id?: string): Promise<void> {
  const config = await pickSource(registry, vscode.l10n.t('Remove which source?'), id);
  if (!config) return;
  const remove = vscode.l10n.t('Remove');
  const choice = await showWarningMessage(vscode.l10n.t('Remove {0} and its stored API key?', config.label ?? config.id), { modal: true }, remove);
  if (choice !== remove) return;
  await keys.delete(config.id);
  await settings.writeSources(
    registry
      .list()
      .filter((s) => !s.demo && s.config.id !== config.id)
      .map((s) => s.config),
  );
}
