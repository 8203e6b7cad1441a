// Add Source (guided, checks the connection), Set API Key (SecretStorage only), Remove Source.
import * as vscode from 'vscode';
import type { ApiKeys } from '../config/secrets';
import * as settings from '../config/settings';
import type { SourceRegistry } from '../config/sourceRegistry';
import { createSource } from '../sources/createSource';
import { DISPERSL_ORIGIN, DISPERSL_TIER_REQUESTS_PER_HOUR } from '../sources/dispersl/disperslClient';
import { userMessage } from '../core/errors';
import { PARAGON_CLOUD_ORIGIN } from '../sources/paragon/paragonClient';
import type { SourceConfig } from '../sources/sourceConfig';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../views/notifications';

export function registerSourceCommands(registry: SourceRegistry, keys: ApiKeys): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('taskHistory.addSource', (kind?: 'paragon' | 'dispersl') => addSource(registry, keys, kind)),
    vscode.commands.registerCommand('taskHistory.addParagonSource', () => addSource(registry, keys, 'paragon')),
    vscode.commands.registerCommand('taskHistory.addDisperslSource', () => addSource(registry, keys, 'dispersl')),
    vscode.commands.registerCommand('taskHistory.setApiKey', (target?: unknown) => setApiKey(registry, keys, sourceIdOf(target))),
    vscode.commands.registerCommand('taskHistory.removeSource', (target?: unknown) => removeSource(registry, keys, sourceIdOf(target))),
  ];
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
      if (c) void vscode.commands.executeCommand('taskHistory.addSource');
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
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${source.label}…`, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        await source.listPage({}, 0, { signal: controller.signal });
      },
    );
    return undefined;
  } catch (error) {
    return userMessage(error);
  }
}

async function addSource(registry: SourceRegistry, keys: ApiKeys, preset?: 'paragon' | 'dispersl'): Promise<void> {
  const kind =
    preset ??
    (
      await vscode.window.showQuickPick(
        [
          { label: 'Paragon', description: 'Task History API: workflow executions', api: 'paragon' as const },
          { label: 'Dispersl', description: 'History API: agent tasks', api: 'dispersl' as const },
        ],
        { title: 'Add Task History Source', placeHolder: 'Which API?' },
      )
    )?.api;
  if (!kind) return;
  const config = kind === 'paragon' ? await askParagon(registry) : await askDispersl(registry);
  if (!config) return;
  const key = await askKey(config.label ?? config.id);
  if (!key) return;
  const problem = await checkConnection(config, key);
  if (problem) {
    const choice = await showErrorMessage(`The connection check failed: ${problem}`, { modal: true }, 'Save Anyway');
    if (choice !== 'Save Anyway') return;
  }
  await keys.set(config.id, key);
  await settings.writeSources([...registry.list().filter((s) => !s.demo).map((s) => s.config), config]);
  void showInformationMessage(`Added ${config.label ?? config.id}.`);
}

function uniqueId(registry: SourceRegistry, base: string): string {
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'source';
  let id = slug;
  for (let i = 2; registry.get(id); i++) id = `${slug}-${i}`;
  return id;
}

async function askParagon(registry: SourceRegistry): Promise<SourceConfig | undefined> {
  const projectId = (
    await vscode.window.showInputBox({
      title: 'Paragon project id',
      prompt: 'From the dashboard URL or Settings › API Keys of your Paragon project.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the project id.'),
    })
  )?.trim();
  if (!projectId) return undefined;
  const baseUrl = (
    await vscode.window.showInputBox({
      title: 'Paragon API origin',
      prompt: 'Cloud: https://api.useparagon.com. On-premise: https://zeus.<your host>.',
      value: PARAGON_CLOUD_ORIGIN,
      ignoreFocusOut: true,
      validateInput: validUrl,
    })
  )?.trim();
  if (!baseUrl) return undefined;
  const integrations = await vscode.window.showInputBox({
    title: 'Integrations to group by (optional)',
    prompt: 'Comma-separated names as passed to paragon.connect, e.g. salesforce, hubspot, slack.',
    ignoreFocusOut: true,
  });
  if (integrations === undefined) return undefined;
  const label = `Paragon ${projectId.slice(0, 8)}`;
  return {
    id: uniqueId(registry, `paragon-${projectId.slice(0, 8)}`),
    kind: 'paragon',
    label,
    baseUrl,
    projectId,
    integrations: integrations.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

async function askDispersl(registry: SourceRegistry): Promise<SourceConfig | undefined> {
  const baseUrl = (
    await vscode.window.showInputBox({ title: 'Dispersl API root', value: DISPERSL_ORIGIN, ignoreFocusOut: true, validateInput: validUrl })
  )?.trim();
  if (!baseUrl) return undefined;
  const tier = await vscode.window.showQuickPick(
    [
      { label: 'Pro', description: '1,000 requests per hour', perHour: DISPERSL_TIER_REQUESTS_PER_HOUR.pro },
      { label: 'Free', description: '100 requests per hour', perHour: DISPERSL_TIER_REQUESTS_PER_HOUR.free },
      { label: 'Enterprise', description: 'your contract’s limit', perHour: 0 },
    ],
    { title: 'Dispersl plan (sets the request budget)' },
  );
  if (!tier) return undefined;
  let perHour = tier.perHour;
  if (perHour === 0) {
    const text = await vscode.window.showInputBox({
      title: 'Requests per hour',
      value: '5000',
      validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'A whole number above 0.'),
    });
    if (!text) return undefined;
    perHour = Number(text);
  }
  return { id: uniqueId(registry, 'dispersl'), kind: 'dispersl', label: 'Dispersl', baseUrl, requestsPerHour: perHour };
}

function validUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'Use an https:// URL.';
  } catch {
    return 'Enter a URL such as https://api.useparagon.com.';
  }
}

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
  const choice = await showWarningMessage(
    `Remove ${config.label ?? config.id} and its stored API key?`,
    { modal: true },
    'Remove',
  );
  if (choice !== 'Remove') return;
  await keys.delete(config.id);
  await settings.writeSources(registry.list().filter((s) => !s.demo && s.config.id !== config.id).map((s) => s.config));
}
