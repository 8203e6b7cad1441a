// Where --source, --base-url and --project come from when the command line leaves them out:
// a profile (--profile NAME or TASK_HISTORY_PROFILE, from the profiles file), else the
// environment (TASK_HISTORY_SOURCE, TASK_HISTORY_BASE_URL, TASK_HISTORY_PROJECT). A flag
// always wins. The profiles file is read as hostile input: bounded in size, strict JSON,
// known fields only, each value checked; it never holds a key (the key stays in
// TASK_HISTORY_API_KEY), and a file that holds anything key-like is refused outright, so a
// key put there by mistake is noticed instead of silently sitting in a dotfile.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { SourceKind } from '../core/model';
import { scrubText } from '../mcp/scrub';
import { SOURCE_KIND_IDS } from '../sources/kinds';
import { API_KEY_ENV } from './apiKey';
import { parseBaseUrl } from './argParsers';
import { UsageError } from './usageError';

export const SOURCE_ENV = 'TASK_HISTORY_SOURCE';
export const BASE_URL_ENV = 'TASK_HISTORY_BASE_URL';
export const PROJECT_ENV = 'TASK_HISTORY_PROJECT';
export const PROFILE_ENV = 'TASK_HISTORY_PROFILE';
/**
 * Set by the extension on the MCP servers VS Code starts (src/commands/mcpServerProvider.ts):
 * their command line is complete and the key comes from the editor's secret storage, so an
 * editor started from a shell with TASK_HISTORY_BASE_URL set must not send that key elsewhere.
 */
export const VSCODE_LAUNCH_ENV = 'TASK_HISTORY_MCP_SOURCE';

/** A profiles file larger than this is not a profiles file. */
export const MAX_PROFILES_BYTES = 64 * 1024;
const MAX_PROFILES = 200;
const MAX_VALUE_CHARS = 2048;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PROFILE_FIELDS = ['source', 'baseUrl', 'project'] as const;
/** Field names that say "a credential": refused with the message that says where the key goes. */
const KEY_LIKE_NAME = /key|token|secret|passw|pwd|passphrase|credential|auth|bearer|cookie|session/i;

export interface SourceDefaults {
  readonly source?: SourceKind;
  readonly baseUrl?: string;
  readonly project?: string;
  /** Where they came from, for messages: 'the environment' or 'profile "x" (file)'. */
  readonly origin: string;
}

export type Profiles = ReadonlyMap<string, Omit<SourceDefaults, 'origin'>>;

/** $XDG_CONFIG_HOME/task-history/profiles.json (~/.config/… without it; %APPDATA%\task-history\… on Windows). */
export function profilesPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const xdg = env['XDG_CONFIG_HOME']?.trim();
  const base = xdg ? xdg : platform === 'win32' ? (env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming')) : join(homedir(), '.config');
  return join(base, 'task-history', 'profiles.json');
}

/** Names and file content are quoted, one line, cut: a hostile file cannot forge output lines. */
function quoted(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(cut);
}

function keyRefusal(path: string, where: string): UsageError {
  return new UsageError(
    `${path}: ${where} looks like a key. A key never goes in the profiles file (a dotfile is easily copied, shared or committed): remove it and set ${API_KEY_ENV} instead.`,
  );
}

/** True when a string value carries the key from the environment or anything secret-shaped (a JWT, a token prefix, user:password@…). */
function keyLikeValue(value: string, env: NodeJS.ProcessEnv): boolean {
  const key = env[API_KEY_ENV]?.trim();
  if (key && key.length >= 4 && value.includes(key)) return true;
  return scrubText(value) !== value;
}

/** Reads and checks the whole profiles file; every problem is a usage error naming the file. */
export function readProfiles(path: string, env: NodeJS.ProcessEnv): Profiles {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`${path}: the profiles file is not a regular file.`);
    if (stat.size > MAX_PROFILES_BYTES)
      throw new UsageError(`${path}: the profiles file is ${stat.size.toLocaleString('en-US')} bytes; a profiles file is at most ${MAX_PROFILES_BYTES / 1024} KiB.`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no profiles file here. Create it (see docs/cli.md), or leave out --profile and ${PROFILE_ENV}.`);
    throw new UsageError(`${path}: the profiles file cannot be read (${code ?? 'error'}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // The parser's own message quotes the file's text, which may hold anything: not repeated.
    throw new UsageError(`${path}: the profiles file is not valid JSON. Expected {"profiles": {"name": {"source": "paragon", "project": "…"}}}.`);
  }
  if (!isPlainObject(parsed)) throw new UsageError(`${path}: expected a JSON object with "profiles" in it.`);
  for (const name of Object.keys(parsed)) {
    if (KEY_LIKE_NAME.test(name)) throw keyRefusal(path, `the field ${quoted(name)}`);
    if (name !== 'profiles' && name !== '$schema') throw new UsageError(`${path}: unknown field ${quoted(name)} (expected "profiles").`);
  }
  const profiles = parsed['profiles'];
  if (!isPlainObject(profiles)) throw new UsageError(`${path}: "profiles" must be an object of named profiles.`);
  const names = Object.keys(profiles);
  if (names.length > MAX_PROFILES) throw new UsageError(`${path}: ${names.length} profiles; at most ${MAX_PROFILES}.`);
  const out = new Map<string, Omit<SourceDefaults, 'origin'>>();
  for (const name of names) {
    if (!PROFILE_NAME.test(name)) throw new UsageError(`${path}: the profile name ${quoted(name)} is not allowed: use letters, digits, ".", "_" and "-" (at most 64).`);
    const entry = profiles[name];
    if (!isPlainObject(entry)) throw new UsageError(`${path}: profile "${name}" must be an object with source, baseUrl and project.`);
    out.set(name, readProfile(path, name, entry, env));
  }
  return out;
}

function readProfile(path: string, name: string, entry: Record<string, unknown>, env: NodeJS.ProcessEnv): Omit<SourceDefaults, 'origin'> {
  const fields = Object.entries(entry);
  // Key-like first: a key under any name, or any secret-shaped value, is refused before any other complaint.
  for (const [field, value] of fields) {
    if (KEY_LIKE_NAME.test(field)) throw keyRefusal(path, `profile "${name}" field ${quoted(field)}`);
    if (typeof value === 'string' && keyLikeValue(value, env)) throw keyRefusal(path, `the value of profile "${name}" field ${quoted(field)}`);
  }
  const result: { source?: SourceKind; baseUrl?: string; project?: string } = {};
  for (const [field, value] of fields) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(field))
      throw new UsageError(`${path}: profile "${name}" has an unknown field ${quoted(field)} (use ${PROFILE_FIELDS.join(', ')}).`);
    if (typeof value !== 'string') throw new UsageError(`${path}: profile "${name}" field "${field}" must be a string.`);
    if (value.length > MAX_VALUE_CHARS) throw new UsageError(`${path}: profile "${name}" field "${field}" is longer than ${MAX_VALUE_CHARS} characters.`);
    const where = `${path}: profile "${name}" field "${field}"`;
    if (field === 'source') result.source = checkSource(value, where);
    else if (field === 'baseUrl') result.baseUrl = checkBaseUrl(value, where);
    else result.project = checkProject(value, where);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkSource(value: string, where: string): SourceKind {
  const kind = SOURCE_KIND_IDS.find((id) => id === value.trim());
  if (!kind) throw new UsageError(`${where} is ${quoted(value)}: use ${SOURCE_KIND_IDS.join(' or ')}.`);
  return kind;
}

function checkBaseUrl(value: string, where: string): string {
  try {
    return parseBaseUrl(value);
  } catch (error) {
    throw new UsageError(`${where} is not a base URL: ${error instanceof InvalidArgumentError ? error.message : String(error)}`);
  }
}

function checkProject(value: string, where: string): string {
  const project = value.trim();
  // eslint-disable-next-line no-control-regex
  if (!project || /[\u0000-\u001f\u007f-\u009f\s]/.test(project)) throw new UsageError(`${where} must be a project id (no spaces or control characters).`);
  return project;
}

/** The environment's defaults; a set but invalid variable is a usage error naming it. */
export function environmentDefaults(env: NodeJS.ProcessEnv): SourceDefaults {
  const read = (name: string) => {
    const value = env[name]?.trim();
    if (value && value.length > MAX_VALUE_CHARS) throw new UsageError(`${name} is longer than ${MAX_VALUE_CHARS} characters.`);
    return value ? value : undefined;
  };
  const source = read(SOURCE_ENV);
  const baseUrl = read(BASE_URL_ENV);
  const project = read(PROJECT_ENV);
  return {
    source: source === undefined ? undefined : checkSource(source, SOURCE_ENV),
    baseUrl: baseUrl === undefined ? undefined : checkBaseUrl(baseUrl, BASE_URL_ENV),
    project: project === undefined ? undefined : checkProject(project, PROJECT_ENV),
    origin: 'the environment',
  };
}

/** The defaults in force: the named profile (flag, then TASK_HISTORY_PROFILE) or else the environment. */
export function sourceDefaults(env: NodeJS.ProcessEnv, profileFlag: string | undefined): SourceDefaults {
  if (env[VSCODE_LAUNCH_ENV] !== undefined) return { origin: 'none (started by VS Code)' };
  const fromEnv = env[PROFILE_ENV]?.trim();
  const name = profileFlag?.trim() || fromEnv || undefined;
  if (name === undefined) return environmentDefaults(env);
  const path = profilesPath(env);
  const profiles = readProfiles(path, env);
  const profile = profiles.get(name);
  if (!profile) {
    const known = [...profiles.keys()];
    const how = profileFlag?.trim() ? '--profile' : PROFILE_ENV;
    throw new UsageError(`${how}: no profile ${quoted(name)} in ${path} (${known.length ? `it has ${known.join(', ')}` : 'it has none'}).`);
  }
  return { ...profile, origin: `profile "${name}" (${path})` };
}

/**
 * Before a command's action: the source flags it was not given are filled from the defaults,
 * and --source is required from one or the other. The base URL and project of the defaults
 * are theirs only with their own source: `--source dispersl` does not take a Paragon
 * profile's base URL (the key would go to the wrong server).
 */
export function applySourceDefaults(command: Command, env: NodeJS.ProcessEnv): void {
  if (!command.options.some((o) => o.long === '--source')) return;
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const defaults = sourceDefaults(env, command.getOptionValue('profile') as string | undefined);
  const sourceGiven = given('source');
  if (!sourceGiven && defaults.source !== undefined) command.setOptionValueWithSource('source', defaults.source, 'env');
  const source = command.getOptionValue('source') as SourceKind | undefined;
  if (source === undefined) {
    throw new UsageError(
      `required option '--source <kind>' not specified: give --source ${SOURCE_KIND_IDS.join('|')}, set ${SOURCE_ENV}, or name a profile with --profile <name>.`,
    );
  }
  const theirs = defaults.source === undefined || defaults.source === source;
  if (!theirs) return;
  if (!given('baseUrl') && defaults.baseUrl !== undefined) command.setOptionValueWithSource('baseUrl', defaults.baseUrl, 'env');
  if (!given('project') && defaults.project !== undefined && command.options.some((o) => o.long === '--project')) {
    command.setOptionValueWithSource('project', defaults.project, 'env');
  }
}
