// The live set of sources: built from the `taskHistory.sources` setting plus any demo
// sources of this session, each with its key read from SecretStorage on every request.
import * as vscode from 'vscode';
import type { HistorySource } from '../core/source';
import { DEFAULT_EXPORT_CONCURRENCY } from '../core/export/exportRuns';
import { createSource } from '../sources/createSource';
import { limiterReading, type BudgetInUse, type KeySource } from '../sources/http/rateLimiter';
import type { SourceConfig } from '../sources/sourceConfig';
import type { ApiKeys } from './secrets';
import { httpLimits, readSources, type SettingsProblem } from './settings';

export interface ConfiguredSource {
  readonly config: SourceConfig;
  readonly source: HistorySource;
  /** Demo sources live for this session only and are not in settings. */
  readonly demo: boolean;
}

/** How to fix a missing or rejected key in VS Code, said in the display language (read when a source's client is built). */
export function keyHint(): string {
  return vscode.l10n.t('Run "Task History: Set API Key" to enter a new one.');
}

export class SourceRegistry implements vscode.Disposable {
  private sources: ConfiguredSource[] = [];
  private demoConfigs: SourceConfig[] = [];
  private readonly demoKeys = new Map<string, string>();
  /** The key source each client was built with: it finds the client's rate limiter. */
  private readonly keySources = new Map<string, KeySource>();
  problems: SettingsProblem[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly keys: ApiKeys,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.reload();
  }

  list(): readonly ConfiguredSource[] {
    return this.sources;
  }

  get(id: string): ConfiguredSource | undefined {
    return this.sources.find((s) => s.config.id === id);
  }

  async hasKey(id: string): Promise<boolean> {
    return this.demoKeys.has(id) || Boolean(await this.keys.get(id));
  }

  /** The source's API key (for what must tell accounts apart, e.g. the run index's key); never logged. */
  async apiKey(id: string): Promise<string | undefined> {
    return this.demoKeys.get(id) ?? (await this.keys.get(id));
  }

  /**
   * The requests this source's key sent in the current window, of its budget; undefined
   * without a client-side budget. Shared with every source on the same key and origin.
   */
  budgetInUse(id: string): BudgetInUse | undefined {
    const keySource = this.keySources.get(id);
    return keySource === undefined ? undefined : limiterReading(keySource)?.inUse();
  }

  /**
   * Rebuilds every client (settings changed). Their caches start afresh; their request
   * budgets do not: the budget belongs to the key (one window per origin and key in the process).
   */
  reload(): void {
    const { sources, problems } = readSources();
    this.problems = problems;
    for (const problem of problems) this.log.warn(`taskHistory.sources[${problem.index}]: ${problem.message}`);
    this.keySources.clear();
    const build = (config: SourceConfig, demo: boolean): ConfiguredSource | undefined => {
      try {
        const apiKey = async () => this.demoKeys.get(config.id) ?? (await this.keys.get(config.id));
        this.keySources.set(config.id, apiKey);
        const source = createSource(config, {
          apiKey,
          keyHint: demo ? vscode.l10n.t('The demo key was lost; run "Task History: Open Demo" again.') : keyHint(),
          log: this.log,
          // Exports fetch pages this many at a time (as the CLI does); the rate budget still governs.
          concurrency: DEFAULT_EXPORT_CONCURRENCY,
          // taskHistory.requestTimeoutSeconds, serverExportTimeoutMinutes, serverExportMaxMiB.
          ...httpLimits(),
        });
        return { config, source, demo };
      } catch (error) {
        this.log.error(`source ${config.id}: ${error instanceof Error ? error.message : String(error)}`);
        this.problems.push({ index: -1, message: error instanceof Error ? error.message : String(error) });
        return undefined;
      }
    };
    this.sources = [...sources.map((c) => build(c, false)), ...this.demoConfigs.filter((d) => !sources.some((s) => s.id === d.id)).map((c) => build(c, true))].filter(
      (s): s is ConfiguredSource => s !== undefined,
    );
    this.changed.fire();
  }

  /** Adds session-only demo sources whose key is held in memory. */
  addDemo(configs: readonly SourceConfig[], key: string): void {
    for (const config of configs) {
      this.demoKeys.set(config.id, key);
      this.demoConfigs = [...this.demoConfigs.filter((d) => d.id !== config.id), config];
    }
    this.reload();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
