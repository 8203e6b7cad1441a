// Deep links to a run (and a step) in VS Code: `vscode://<publisher>.<name>/run?source=…&id=…&step=…`.
// Built for "Copy Link", parsed for the URI handler and "Open Run by ID…". A link arrives from
// anywhere (a chat, a ticket, a web page), so parsing is strict: the scheme, the extension id,
// the path and the parameters must be exactly ours, the source must be one configured here,
// and the ids must be plain ids (no "..", no control characters, no separators, bounded).
// No `vscode` here: the scheme and the extension id are passed in, tested in plain Node.
import * as l10n from '@vscode/l10n';
import { InvalidIdError } from '../core/errors';

/** The extension's id as VS Code routes URIs to it: `<publisher>.<name>` from package.json. */
export const EXTENSION_ID = 'task-history-explorer.task-history-explorer';

/** The path of a run link. */
export const RUN_LINK_PATH = '/run';

/** Schemes VS Code builds answer to (stable, Insiders, OSS builds, VSCodium); the running one is added by the caller. */
export const KNOWN_SCHEMES: readonly string[] = ['vscode', 'vscode-insiders', 'code-oss', 'vscodium', 'vscode-exploration'];

/** Longer than any id either API issues (UUIDs, `task_…`, 24-hex ids), short enough to show in a message. */
export const MAX_LINK_ID_LENGTH = 200;

/** A whole link is at most this long: ids, source and the rest, with room to spare. */
export const MAX_LINK_LENGTH = 2048;

/**
 * What an id in a link may be made of: letters, digits and `_ - . : @ ~ +`. Every id the two
 * APIs issue fits; nothing that would be a separator in a URL, a path or a query does.
 */
const ID_CHARS = /^[\p{L}\p{N}_.:@~+-]+$/u;

/** A link (or a part of one) that is not a well-formed link to a run here. */
export class InvalidLinkError extends InvalidIdError {}

export interface RunLinkTarget {
  readonly sourceId: string;
  readonly runId: string;
  readonly stepId?: string;
}

export interface RunLinkOptions {
  /** `vscode.env.uriScheme`: `vscode`, `vscode-insiders`, `code-oss`… */
  readonly scheme: string;
  /** The extension id (`context.extension.id`); EXTENSION_ID by default. */
  readonly extensionId?: string;
}

/** Quoted, cut and with control characters escaped: safe to show in a message. */
export function shown(text: string, max = 40): string {
  const cut = [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How much of a received link the log keeps: enough to recognise it, bounded whatever arrives. */
export const LOGGED_LINK_LENGTH = 300;

/**
 * A received link as the log shows it, before it is checked: quoted and cut (shown), so a
 * decoded `%0A` in its query cannot start a forged log line and a 1 MB query cannot fill the log.
 */
export function linkForLog(parts: LinkParts): string {
  return shown(`${parts.scheme}://${parts.authority}${parts.path}${parts.query ? `?${parts.query}` : ''}${parts.fragment ? `#${parts.fragment}` : ''}`, LOGGED_LINK_LENGTH);
}

/** Why `value` cannot be an id in a link, or undefined when it can (in English, for the log). */
export function linkIdProblem(value: string): string | undefined {
  return idProblem(value)?.log;
}

/** Why `value` cannot be an id in a link: for the log, and for the person (in the display language). */
function idProblem(value: string): { readonly log: string; readonly shown: string } | undefined {
  if (value.length === 0) return { log: 'it is empty', shown: l10n.t('it is empty') };
  if ([...value].length > MAX_LINK_ID_LENGTH)
    return { log: `it is longer than ${MAX_LINK_ID_LENGTH} characters`, shown: l10n.t('it is longer than {0} characters', MAX_LINK_ID_LENGTH) };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return { log: 'it contains control characters', shown: l10n.t('it contains control characters') };
  if (/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(value))
    return { log: 'it contains invisible or direction-changing characters', shown: l10n.t('it contains invisible or direction-changing characters') };
  if (value.includes('..')) return { log: 'it contains ".."', shown: l10n.t('it contains ".."') };
  if (!ID_CHARS.test(value)) return { log: 'it may hold only letters, digits and _ - . : @ ~ +', shown: l10n.t('it may hold only letters, digits and _ - . : @ ~ +') };
  return undefined;
}

/** What an id in a link names. */
export type LinkIdKind = 'run id' | 'step id' | 'source';

/** The id itself, or an InvalidLinkError naming what it is and what is wrong (`inLink`: the id came in a link, not typed alone). */
export function checkLinkId(value: string, what: LinkIdKind, inLink = true): string {
  const problem = idProblem(value);
  if (problem) throw new InvalidLinkError(invalidIdMessage(what, shown(value), inLink, problem.shown), `refused ${what} ${JSON.stringify(value.slice(0, 80))}: ${problem.log}`);
  return value;
}

function invalidIdMessage(what: LinkIdKind, value: string, inLink: boolean, problem: string): string {
  if (!inLink) {
    if (what === 'step id') return l10n.t('The step id {0} is not a valid id: {1}.', value, problem);
    if (what === 'source') return l10n.t('The source {0} is not a valid id: {1}.', value, problem);
    return l10n.t('The run id {0} is not a valid id: {1}.', value, problem);
  }
  if (what === 'step id') return l10n.t('The step id {0} in the link is not a valid id: {1}.', value, problem);
  if (what === 'source') return l10n.t('The source {0} in the link is not a valid id: {1}.', value, problem);
  return l10n.t('The run id {0} in the link is not a valid id: {1}.', value, problem);
}

/** A source id as it may appear in a link: the same rules as a run id. */
function checkSourceId(value: string): string {
  return checkLinkId(value, 'source');
}

/** `vscode://task-history-explorer.task-history-explorer/run?source=…&id=…&step=…` */
export function buildRunLink(target: RunLinkTarget, options: RunLinkOptions): string {
  const scheme = options.scheme.toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new InvalidLinkError(l10n.t('The URI scheme {0} cannot start a link.', shown(options.scheme)), `bad scheme ${options.scheme}`);
  const params = [`source=${encodeURIComponent(checkSourceId(target.sourceId))}`, `id=${encodeURIComponent(checkLinkId(target.runId, 'run id'))}`];
  if (target.stepId !== undefined) params.push(`step=${encodeURIComponent(checkLinkId(target.stepId, 'step id'))}`);
  return `${scheme}://${options.extensionId ?? EXTENSION_ID}${RUN_LINK_PATH}?${params.join('&')}`;
}

/** The parts of a URI as VS Code's URI handler receives them (`vscode.Uri`: components already percent-decoded). */
export interface LinkParts {
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly fragment?: string;
}

export interface ParseLinkOptions {
  /** The ids of the sources configured here: a link naming another is refused with this list. */
  readonly sourceIds: readonly string[];
  /** The running build's scheme (`vscode.env.uriScheme`), accepted besides KNOWN_SCHEMES. */
  readonly scheme?: string;
  readonly extensionId?: string;
  /** The query's values are still percent-encoded (a pasted link) rather than decoded (a vscode.Uri). */
  readonly encoded?: boolean;
}

/** Parameters a link may carry: ours, and `windowId`, which VS Code itself may add to choose a window. */
const KNOWN_PARAMS = new Set(['source', 'id', 'step', 'windowId']);

/** Whether text looks like one of our links (any scheme VS Code uses, our extension id): worth parsing as one. */
export function looksLikeRunLink(text: string, extensionId = EXTENSION_ID): boolean {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(text.trim());
  return match !== null && match[2]!.toLowerCase() === extensionId.toLowerCase();
}

/** A pasted link (text) → its target, or an InvalidLinkError saying what is wrong. */
export function parseRunLink(text: string, options: ParseLinkOptions): RunLinkTarget {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LINK_LENGTH)
    throw new InvalidLinkError(l10n.t('The link is longer than {0} characters: it is not a Task History link.', MAX_LINK_LENGTH), `link of ${trimmed.length} chars`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(trimmed))
    throw new InvalidLinkError(l10n.t('The link contains spaces or control characters: copy it again, whole.'), 'link with whitespace or controls');
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(trimmed);
  if (!match) throw new InvalidLinkError(l10n.t('{0} is not a link. A Task History link looks like {1}.', shown(trimmed), example(options)), 'not a URI');
  return parseRunLinkParts({ scheme: match[1]!, authority: match[2]!, path: match[3]!, query: match[4] ?? '', fragment: match[5] }, { ...options, encoded: true });
}

/** The URI handler's `vscode.Uri` (or a parsed link) → its target, or an InvalidLinkError. */
export function parseRunLinkParts(parts: LinkParts, options: ParseLinkOptions): RunLinkTarget {
  const extensionId = options.extensionId ?? EXTENSION_ID;
  const schemes = new Set([...KNOWN_SCHEMES, ...(options.scheme ? [options.scheme.toLowerCase()] : [])]);
  if (!schemes.has(parts.scheme.toLowerCase())) {
    throw new InvalidLinkError(
      l10n.t('{0} links are not Task History links: they start with {1}.', shown(`${parts.scheme}:`), [...schemes].map((s) => `${s}://`).join(', ')),
      `scheme ${parts.scheme}`,
    );
  }
  if (parts.authority.toLowerCase() !== extensionId.toLowerCase()) {
    throw new InvalidLinkError(l10n.t('The link is for {0}, not for Task History Explorer ({1}).', shown(parts.authority), extensionId), `authority ${parts.authority}`);
  }
  if (parts.path !== RUN_LINK_PATH && parts.path !== `${RUN_LINK_PATH}/`) {
    throw new InvalidLinkError(
      l10n.t('Task History links open a run ({0}); this one asks for {1}. A link looks like {2}.', RUN_LINK_PATH, shown(parts.path || '/'), example(options)),
      `path ${parts.path}`,
    );
  }
  if (parts.fragment) throw new InvalidLinkError(l10n.t('The link has a "#…" part a Task History link never has: copy it again, whole.'), 'fragment');
  const params = readQuery(parts.query, options.encoded === true);
  const source = params.get('source');
  const id = params.get('id');
  if (source === undefined) throw new InvalidLinkError(l10n.t('The link names no source (source=…). A link looks like {0}.', example(options)), 'no source');
  if (id === undefined) throw new InvalidLinkError(l10n.t('The link names no run (id=…). A link looks like {0}.', example(options)), 'no id');
  const sourceId = checkSourceId(source);
  if (!options.sourceIds.includes(sourceId)) {
    throw new InvalidLinkError(
      options.sourceIds.length === 0
        ? l10n.t(
            'The link is for the source {0}, which is not configured here. No source is configured here: add that source with the id {0} (Task History: Add Source…, then its "id" in settings), or open the run by its id.',
            shown(sourceId),
          )
        : l10n.t(
            'The link is for the source {0}, which is not configured here. The sources here are {1}: add that source with the id {0} (Task History: Add Source…, then its "id" in settings), or open the run by its id.',
            shown(sourceId),
            options.sourceIds.map((s) => shown(s)).join(', '),
          ),
      `unknown source ${sourceId}`,
    );
  }
  const runId = checkLinkId(id, 'run id');
  const step = params.get('step');
  return step === undefined ? { sourceId, runId } : { sourceId, runId, stepId: checkLinkId(step, 'step id') };
}

/** The query's parameters: each known one at most once, none unknown. */
function readQuery(query: string, encoded: boolean): Map<string, string> {
  const params = new Map<string, string>();
  if (query === '') return params;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = encoded ? decode(rawName) : rawName;
    const value = encoded ? decode(rawValue) : rawValue;
    if (!KNOWN_PARAMS.has(name))
      throw new InvalidLinkError(l10n.t('The link has a parameter {0} Task History links do not have (they have source, id and step).', shown(name)), `unknown parameter ${name}`);
    if (params.has(name)) throw new InvalidLinkError(l10n.t('The link gives {0} twice: which one is meant is unclear, so it is not opened.', shown(name)), `duplicate ${name}`);
    params.set(name, value);
  }
  return params;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidLinkError(l10n.t('The link has a broken %-escape: copy it again, whole.'), 'bad percent-encoding');
  }
}

function example(options: { readonly scheme?: string; readonly extensionId?: string }): string {
  return `${options.scheme ?? 'vscode'}://${options.extensionId ?? EXTENSION_ID}${RUN_LINK_PATH}?source=<source id>&id=<run id>&step=<step id>`;
}
