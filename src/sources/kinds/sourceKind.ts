// What one source kind (an API we read history from) brings: names and icon for the UI, its
// settings checks, its client factory, the Add Source questions, its CLI flags and a dashboard
// link template. Everything that used to switch on the kind iterates these descriptors
// instead, so a new kind is one module here plus one line in ./index.ts (and its id in
// SOURCE_KIND_IDS in core/model.ts). No `vscode` here: the extension renders the Add Source
// steps, the CLI renders the flags; this module only describes them.
import * as l10n from '@vscode/l10n';
import type { RunStatus, SourceKind } from '../../core/model';
import type { HistorySource } from '../../core/source';
import type { HttpLog } from '../http/httpPolicy';
import type { SourceConfig } from '../sourceConfig';

export type { SourceKind };

/** What the host gives every client: the key, logging and limits. */
export interface SourceDependencies {
  readonly apiKey: string | (() => string | undefined | Promise<string | undefined>);
  /** How to fix a missing or rejected key, in the host's words. */
  readonly keyHint?: string;
  readonly log?: HttpLog;
  readonly concurrency?: number;
  /** The longest silence (headers, or between pieces of a body); default deadlineMs. */
  readonly timeoutMs?: number;
  /** Per attempt of a JSON request: headers and body (HttpPolicy's default 60 s). */
  readonly deadlineMs?: number;
  /** A JSON body's cap, decompressed (default 32 MiB). */
  readonly maxResponseBytes?: number;
  /** A streamed server export: overall time (default 2 h) and size after decompression (default 2 GiB). */
  readonly streamDeadlineMs?: number;
  readonly maxStreamBytes?: number;
}

/** The answers given so far in an Add Source flow, by step name (inputs trimmed; picks give the item's value). */
export type AddSourceAnswers = Readonly<Record<string, string>>;

interface StepBase {
  /** The key of the answer in AddSourceAnswers. */
  readonly name: string;
  readonly title: string;
  /** Asked only when this says so (e.g. a custom budget after choosing Enterprise). Default: always. */
  when?(answers: AddSourceAnswers): boolean;
}

/** A free-text question (VS Code: an input box). Empty is a valid answer unless `validate` refuses it. */
export interface AddSourceInputStep extends StepBase {
  readonly type: 'input';
  readonly prompt?: string;
  /** Pre-filled value. */
  readonly value?: string;
  readonly placeholder?: string;
  /** A message while the text is not acceptable, undefined when it is (checked on the raw text). */
  validate?(text: string): string | undefined;
}

export interface AddSourcePickItem {
  readonly label: string;
  readonly description?: string;
  /** What the answer records. */
  readonly value: string;
}

/** A choice among fixed items (VS Code: a quick pick). */
export interface AddSourcePickStep extends StepBase {
  readonly type: 'pick';
  readonly placeholder?: string;
  readonly items: readonly AddSourcePickItem[];
}

export type AddSourceStep = AddSourceInputStep | AddSourcePickStep;

export interface AddSourceContext {
  /** An id not used by any configured source, from a readable base ("paragon-1b2c3d4e" → "paragon-1b2c3d4e-2" if taken). */
  uniqueId(base: string): string;
}

/** The guided Add Source flow of one kind: questions in order, then the entry they make. */
export interface AddSourceFlow {
  /** A command that starts the flow on this kind directly (the welcome view's links), if any. */
  readonly commandId?: string;
  readonly steps: readonly AddSourceStep[];
  build(answers: AddSourceAnswers, context: AddSourceContext): SourceConfig;
}

/** A flag only some kinds use (Paragon's --project). Shared flags (--base-url, --allow-insecure-http…) stay in the CLI. */
export interface CliFlag {
  /** Commander syntax, e.g. '--project <id>'. */
  readonly flags: string;
  readonly description: string;
  /** How the CLI parses the value (its own parsers, so messages match the other flags). Default 'text'. */
  readonly value?: 'text' | 'positive-integer';
  readonly defaultValue?: string | number;
}

export type CliConfigResult = { readonly config: SourceConfig } | { readonly problem: string };

export interface CliSourceKind {
  /** Whose key TASK_HISTORY_API_KEY holds, in "set it to your … API key". */
  readonly keyNoun: string;
  /** How --base-url is described for this kind in the help. */
  readonly baseUrlHelp: string;
  readonly flags: readonly CliFlag[];
  /**
   * The source entry for the command line, from the shared part (id, kind, baseUrl,
   * allowInsecureHttp) and the parsed flags (commander's camelCase names), or what is wrong
   * with the flags: the CLI reports that as a usage error (exit 2) before anything is sent.
   */
  configFromFlags(common: SourceConfig, flags: Readonly<Record<string, unknown>>): CliConfigResult;
}

export interface SourceKindDescriptor<K extends SourceKind = SourceKind> {
  readonly kind: K;
  /** Short name: 'Paragon'. Also the API's name in base-URL messages. */
  readonly displayName: string;
  /** 'Paragon Task History API', for tooltips. */
  readonly apiName: string;
  /** One line for a picker: 'Task History API: workflow executions'. */
  readonly description: string;
  /** A codicon id for the source's row in the tree. */
  readonly icon: string;
  /** Where the client goes without a baseUrl. */
  readonly defaultBaseUrl: string;
  /**
   * Which runs a sync stores the steps of: failed ones (what users debug), or all of them
   * where the analysis needs them (Dispersl's agents, models, tokens and tools live only in a
   * task's steps).
   */
  readonly syncDetails: 'failed' | 'all';
  /**
   * What tells one account's runs from another's in the run index: the project (Paragon: a
   * rotated key still reads the same runs), or the API key itself where it is the account
   * (Dispersl: two accounts share one base URL).
   */
  readonly indexIdentity: 'project' | 'apiKey';
  /** The API's own status names ("EXECUTING", "in_progress"…), which the CLI's --status accepts too. */
  readonly vendorStatuses: {
    readonly names: readonly string[];
    /** Our status for a vendor name in any case, or undefined for one this API does not have. */
    read(name: string): RunStatus | undefined;
  };
  /**
   * A link to a run in the vendor's dashboard, with placeholders {projectId}, {runId} and
   * {workflowId} (see fillDashboardUrl); undefined when the dashboard has no such link we know of.
   */
  readonly dashboardUrlTemplate?: string;
  /**
   * This kind's own checks of a settings entry (the generic ones, id, baseUrl, flags, are made
   * by validateSourceEntry). A message without the "Source "id": " prefix, or undefined.
   */
  validateConfig(raw: Readonly<Record<string, unknown>>): string | undefined;
  /** The client for a validated entry. Throws UnsupportedError when the entry cannot work. */
  createClient(config: SourceConfig, deps: SourceDependencies): HistorySource;
  readonly addSourceSteps: AddSourceFlow;
  readonly cli: CliSourceKind;
}

/** '"a"', '"a" or "b"', '"a", "b" or "c"': for messages that list the kinds. */
export function quotedChoices(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : l10n.t('{0} or {1}', quoted.slice(0, -1).join(', '), quoted[quoted.length - 1]!);
}

/** An Add Source validator for a base URL (a full check against the HTTP policy happens when the entry is read). */
export function urlInputValidator(example: string): (text: string) => string | undefined {
  return (text) => {
    try {
      const url = new URL(text.trim());
      return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : l10n.t('Use an https:// URL.');
    } catch {
      return l10n.t('Enter a URL such as {0}.', example);
    }
  };
}

/** Fills a dashboardUrlTemplate; undefined when the template needs a value that is missing. */
export function fillDashboardUrl(template: string | undefined, values: { readonly projectId?: string; readonly runId?: string; readonly workflowId?: string }): string | undefined {
  if (!template) return undefined;
  let missing = false;
  const url = template.replace(/\{(projectId|runId|workflowId)\}/g, (_m, name: 'projectId' | 'runId' | 'workflowId') => {
    const value = values[name];
    if (!value) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : url;
}
