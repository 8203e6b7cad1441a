// A run in the vendor's dashboard: the per-source URL template (`dashboardUrlTemplate` in a
// `taskHistory.sources` entry, placeholders {projectId}, {runId}, {workflowId}), its defaults
// (Paragon cloud; an on-premise Paragon's dashboard from its zeus.<host> API origin; none known
// for Dispersl), its expansion for "Open in Dashboard", and the reverse: which configured
// source and run a pasted dashboard (or API) URL names, for "Open Run by ID…".
// Values are percent-encoded into the template and only an http(s) result is ever opened;
// nothing here ever sees an API key, so none can end up in a URL.
// No `vscode` here: tested in plain Node.
import * as l10n from '@vscode/l10n';
import { kindDescriptor } from '../sources/kinds';
import { PARAGON_CLOUD_ORIGIN } from '../sources/paragon/paragonClient';
import type { SourceConfig } from '../sources/sourceConfig';
import { checkLinkId, InvalidLinkError, linkIdProblem, MAX_LINK_LENGTH, shown } from './runLink';

export const DASHBOARD_PLACEHOLDERS = ['projectId', 'runId', 'workflowId'] as const;
export type DashboardPlaceholder = (typeof DASHBOARD_PLACEHOLDERS)[number];
export type DashboardValues = { readonly [K in DashboardPlaceholder]?: string };

/** The setting's field name in a `taskHistory.sources` entry. */
export const DASHBOARD_FIELD = 'dashboardUrlTemplate';

/** "No dashboard address is known…", with how to give one (in the display language). */
export function noDashboardMessage(sourceName: string): string {
  return l10n.t(
    'No dashboard address is known for {0}. To open its runs in a dashboard, set "{1}" on the source in the "taskHistory.sources" setting, e.g. "https://<your dashboard>/…/{runId}" (placeholders {projectId}, {runId}, {workflowId}).',
    sourceName,
    DASHBOARD_FIELD,
  );
}

/** The source's dashboard template and where it came from, or undefined when none is known. */
export interface DashboardTemplate {
  readonly template: string;
  /** 'setting': the source's own; 'default': the kind's cloud default; 'on-premise': derived from the API origin. */
  readonly origin: 'setting' | 'default' | 'on-premise';
}

/** A source entry's template: its own field, else a default for its kind and host. */
export function dashboardTemplate(config: SourceConfig): DashboardTemplate | undefined {
  // Read as unknown: a hand-edited setting may hold anything.
  const own: unknown = config.dashboardUrlTemplate;
  if (typeof own === 'string' && own.trim() !== '') return { template: own.trim(), origin: 'setting' };
  const fallback = kindDescriptor(config.kind).dashboardUrlTemplate;
  if (!fallback) return undefined;
  const host = apiHost(config.baseUrl ?? kindDescriptor(config.kind).defaultBaseUrl);
  if (host === undefined) return undefined;
  const defaultHost = apiHost(kindDescriptor(config.kind).defaultBaseUrl);
  if (host === defaultHost) return { template: fallback, origin: 'default' };
  // Paragon on-premise: the API is zeus.<host>, the dashboard dashboard.<host> (the API docs'
  // Base URL section); the paths are the cloud's.
  if (config.kind === 'paragon' && host.startsWith('zeus.')) {
    const cloud = new URL(fallback.replace(/\{(\w+)\}/g, '_$1_'));
    return { template: fallback.replace(`${cloud.protocol}//${cloud.host}`, `https://dashboard.${host.slice('zeus.'.length)}`), origin: 'on-premise' };
  }
  return undefined;
}

function apiHost(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The template with its placeholders filled (each value percent-encoded), checked: an
 * http(s) URL without credentials. Throws an InvalidLinkError saying what to change otherwise.
 */
export function expandDashboardUrl(template: string, values: DashboardValues, sourceName: string): string {
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((name) => !(DASHBOARD_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.some((name) => /key|token|secret/i.test(name))) {
    throw new InvalidLinkError(
      l10n.t(
        'The dashboard URL of {0} asks for {1}: API keys are never put in a URL. Remove it; the placeholders are {projectId}, {runId} and {workflowId}.',
        sourceName,
        `{${unknown[0]}}`,
      ),
      'key placeholder',
    );
  }
  if (unknown.length > 0) {
    throw new InvalidLinkError(
      l10n.t('The dashboard URL of {0} has an unknown placeholder {1}: the placeholders are {projectId}, {runId} and {workflowId}.', sourceName, `{${unknown[0]}}`),
      `placeholder ${unknown[0]}`,
    );
  }
  const missing: string[] = [];
  const url = template.replace(/\{(projectId|runId|workflowId)\}/g, (_m, name: DashboardPlaceholder) => {
    const value = values[name];
    if (value === undefined || value === '') {
      missing.push(name);
      return '';
    }
    // encodeURIComponent leaves "." alone, and URL parsing resolves a "." or ".." segment
    // (the run id ".." would open the page above the run's): refused, as the API clients'
    // pathSegment refuses them. No id either API issues is one.
    if (value === '.' || value === '..') {
      throw new InvalidLinkError(
        name === 'projectId'
          ? l10n.t('The project id {0} cannot go in the dashboard URL of {1}: it would name another address.', shown(value), sourceName)
          : name === 'workflowId'
            ? l10n.t('The workflow id {0} cannot go in the dashboard URL of {1}: it would name another address.', shown(value), sourceName)
            : l10n.t('The run id {0} cannot go in the dashboard URL of {1}: it would name another address.', shown(value), sourceName),
        `refused ${name} ${value}`,
      );
    }
    return encodeURIComponent(value);
  });
  if (missing.length > 0) {
    const what = missing.map((m) => (m === 'projectId' ? l10n.t('a project id') : m === 'workflowId' ? l10n.t('a workflow id') : l10n.t('a run id')));
    throw new InvalidLinkError(
      l10n.t(
        'The dashboard URL of {0} needs {1}, which this run or source does not have.',
        sourceName,
        what.reduce((list, next) => l10n.t('{0} and {1}', list, next)),
      ),
      `missing ${missing.join(',')}`,
    );
  }
  return checkDashboardUrl(url, sourceName);
}

/** An URL that may be opened in a browser: http(s), no credentials, bounded. Returns it normalized. */
export function checkDashboardUrl(text: string, sourceName: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidLinkError(
      l10n.t(
        'The dashboard URL of {0} is not a full URL ({1}): it must start with https://. Set "{2}" on the source in the "taskHistory.sources" setting, e.g. "https://<your dashboard>/…/{runId}" (placeholders {projectId}, {runId}, {workflowId}).',
        sourceName,
        shown(text, 80),
        DASHBOARD_FIELD,
      ),
      'unparsable dashboard URL',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidLinkError(
      l10n.t(
        'The dashboard URL of {0} would open a {1} address; only http:// and https:// addresses are opened. Fix "{2}" in the "taskHistory.sources" setting.',
        sourceName,
        shown(url.protocol),
        DASHBOARD_FIELD,
      ),
      `refused scheme ${url.protocol}`,
    );
  }
  if (url.username || url.password) {
    throw new InvalidLinkError(
      l10n.t('The dashboard URL of {0} carries a user name or password; credentials are never put in a URL. Remove them from "{1}".', sourceName, DASHBOARD_FIELD),
      'credentials in URL',
    );
  }
  if (url.href.length > MAX_LINK_LENGTH)
    throw new InvalidLinkError(l10n.t('The dashboard URL of {0} is longer than {1} characters.', sourceName, MAX_LINK_LENGTH), 'dashboard URL too long');
  return url.href;
}

/** What a pasted dashboard or API URL names: the run (maybe a step) and the sources it may belong to. */
export interface UrlReference {
  readonly runId: string;
  readonly stepId?: string;
  /** The configured sources the URL fits (its template, host, project); several means ask. */
  readonly sourceIds: readonly string[];
  readonly kind: 'dashboard' | 'api';
}

/** An http(s) URL? (Then it is read as a dashboard or API URL, never opened as a plain id.) */
export function looksLikeWebUrl(text: string): boolean {
  return /^https?:\/\//i.test(text.trim());
}

/**
 * The run a dashboard URL (a source's template, filled) or an API URL names (Paragon
 * `…/projects/<project>/task-history/workflow-executions/<id>[/step-executions/<step>]`, Dispersl
 * `…/history/<id>`), with the sources it may be from. Throws an InvalidLinkError when the URL
 * is none of these, or fits no configured source (the message lists them).
 */
export function parseVendorUrl(text: string, sources: readonly SourceConfig[]): UrlReference {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LINK_LENGTH) throw new InvalidLinkError(l10n.t("The URL is longer than {0} characters: it is not a run's address.", MAX_LINK_LENGTH), 'long URL');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidLinkError(l10n.t('{0} is not a URL.', shown(trimmed, 80)), 'unparsable URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidLinkError(l10n.t('{0} addresses are not runs.', shown(url.protocol)), `scheme ${url.protocol}`);
  const found: { sourceId: string; runId: string; stepId?: string; kind: 'dashboard' | 'api' }[] = [];
  for (const config of sources) {
    const hit = matchTemplate(url, config) ?? matchApi(url, config);
    if (hit) found.push({ sourceId: config.id, ...hit });
  }
  if (found.length === 0) {
    const names = sources.length === 0 ? l10n.t('No source is configured here.') : l10n.t('The sources here are {0}.', sources.map((s) => shown(s.id)).join(', '));
    throw new InvalidLinkError(
      l10n.t(
        '{0} is not the address of a run of a configured source (its dashboard URL template, or its API\'s run URL with the same project). {1} Paste the run id instead, or set "{2}" on the source in the "taskHistory.sources" setting, e.g. "https://<your dashboard>/…/{runId}" (placeholders {projectId}, {runId}, {workflowId}).',
        shown(`${url.host}${url.pathname}`, 80),
        names,
        DASHBOARD_FIELD,
      ),
      `no source matches ${url.host}${url.pathname}`,
    );
  }
  const first = found[0]!;
  // Two sources can fit the same URL (one Dispersl account configured twice): the same run id in each.
  const same = found.filter((f) => f.runId === first.runId && f.stepId === first.stepId);
  return {
    runId: checkLinkId(first.runId, 'run id'),
    stepId: first.stepId === undefined ? undefined : checkLinkId(first.stepId, 'step id'),
    sourceIds: same.map((f) => f.sourceId),
    kind: first.kind,
  };
}

/** The URL against the source's dashboard template: placeholders as one path segment or query value each. */
function matchTemplate(url: URL, config: SourceConfig): { runId: string; kind: 'dashboard' } | undefined {
  const template = dashboardTemplate(config)?.template;
  if (!template || !template.includes('{runId}')) return undefined;
  let pattern: URL;
  try {
    pattern = new URL(template.replace(/\{(projectId|runId|workflowId)\}/g, '__$1__'));
  } catch {
    return undefined;
  }
  if (pattern.host.toLowerCase() !== url.host.toLowerCase() || pattern.protocol !== url.protocol) return undefined;
  const names: DashboardPlaceholder[] = [];
  const toRegExp = (text: string) =>
    text
      .split(/(__(?:projectId|runId|workflowId)__)/)
      .map((part) => {
        const name = /^__(projectId|runId|workflowId)__$/.exec(part)?.[1] as DashboardPlaceholder | undefined;
        if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/?#&=]+)';
      })
      .join('');
  const path = new RegExp(`^${toRegExp(pattern.pathname)}/?$`).exec(url.pathname);
  if (!path) return undefined;
  const values = new Map<DashboardPlaceholder, string>();
  names.forEach((name, i) => values.set(name, safeDecode(path[i + 1]!)));
  // Placeholders in the query (`?run={runId}`): read by name.
  for (const [key, value] of pattern.searchParams) {
    const name = /^__(projectId|runId|workflowId)__$/.exec(value)?.[1] as DashboardPlaceholder | undefined;
    const actual = url.searchParams.get(key);
    if (name) {
      if (actual === null) return undefined;
      values.set(name, actual);
    }
  }
  const runId = values.get('runId');
  if (!runId || linkIdProblem(runId)) return undefined;
  const project = values.get('projectId');
  if (project !== undefined && config.projectId !== undefined && project !== config.projectId) return undefined;
  return { runId, kind: 'dashboard' };
}

/** The URL against the source's API: the run's own address on the API (any host of the vendor for the documented ones). */
function matchApi(url: URL, config: SourceConfig): { runId: string; stepId?: string; kind: 'api' } | undefined {
  const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
  if (config.kind === 'paragon') {
    // …/projects/<project>/task-history/workflow-executions/<id>[/step-executions/<step>]
    const at = segments.indexOf('projects');
    if (at < 0 || segments[at + 2] !== 'task-history' || segments[at + 3] !== 'workflow-executions') return undefined;
    const [project, , , runId, stepWord, stepId] = segments.slice(at + 1);
    if (project !== config.projectId || !runId || linkIdProblem(runId)) return undefined;
    if (!sameVendorHost(url, config)) return undefined;
    if (stepWord === 'step-executions' && stepId && !linkIdProblem(stepId)) return { runId, stepId, kind: 'api' };
    return { runId, kind: 'api' };
  }
  // Dispersl: <API root>/history/<task id>
  const at = segments.lastIndexOf('history');
  const runId = at >= 0 && at === segments.length - 2 ? segments[at + 1] : undefined;
  if (!runId || runId === 'export' || linkIdProblem(runId) || !sameVendorHost(url, config)) return undefined;
  return { runId, kind: 'api' };
}

/**
 * The URL's host is the source's API host, or (for a source on the vendor's cloud) one of the
 * vendor's documented API hosts: Paragon's `nextLink`s name zeus.useparagon.com for api.useparagon.com.
 */
function sameVendorHost(url: URL, config: SourceConfig): boolean {
  const host = url.host.toLowerCase();
  const configured = apiHost(config.baseUrl ?? kindDescriptor(config.kind).defaultBaseUrl);
  if (host === configured) return true;
  return config.kind === 'paragon' && configured === apiHost(PARAGON_CLOUD_ORIGIN) && host === 'zeus.useparagon.com';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
