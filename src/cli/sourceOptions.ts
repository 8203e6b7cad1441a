// The flags every command shares (which source, where, how fast) and the filter flags of
// export and list, turned into a HistorySource from createSource and a RunQuery. The
// --source choices, the per-kind flags (--project…) and how they make a source entry come
// from the kind descriptors (src/sources/kinds/), so no kind is named here.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunQuery, RunStatus, SourceKind } from '../core/model';
import type { HistorySource } from '../core/source';
import { createSource } from '../sources/createSource';
import { kindDescriptor, SOURCE_KIND_IDS, SOURCE_KINDS, type CliFlag } from '../sources/kinds';
import { parseBaseUrl as checkBaseUrl, type HttpLog } from '../sources/http/httpPolicy';
import { readApiKey, KEY_HINT } from './apiKey';
import { parseBaseUrl, parseConcurrency, parseDate, parsePositiveInteger, parseStatus } from './argParsers';
import { UsageError } from './usageError';
import { BASE_URL_ENV, PROFILE_ENV, SOURCE_ENV } from './sourceDefaults';

/** Where the profiles file is, as help shows it. */
export const PROFILES_FILE_HELP = '$XDG_CONFIG_HOME/task-history/profiles.json (~/.config/…)';

export const DEFAULT_CONCURRENCY = 16;

export interface SourceFlags {
  readonly source: SourceKind;
  readonly baseUrl?: string;
  /** Paragon's --project. */
  readonly project?: string;
  /** Dispersl's --requests-per-hour. Other kinds' flags arrive too, under commander's camelCase names. */
  readonly requestsPerHour?: number;
  readonly concurrency: number;
  readonly verbose?: boolean;
  /** --timeout: seconds per answer (headers and body); for a server export, the longest silence. */
  readonly timeout?: number;
  /** --allow-insecure-http: plain http:// to a remote host (the key travels in clear). */
  readonly allowInsecureHttp?: boolean;
  /** export only: --server-export-max-mib, --server-export-timeout (minutes). */
  readonly serverExportMaxMib?: number;
  readonly serverExportTimeout?: number;
}

export interface FilterFlags {
  readonly status?: RunStatus;
  readonly integration?: string;
  readonly user?: string;
  readonly workflow?: string;
  readonly after?: Date;
  readonly before?: Date;
}

export function addSourceOptions(command: Command): Command {
  const baseUrlHelp = SOURCE_KINDS.map((d) => `${d.displayName}: ${d.cli.baseUrlHelp}`).join('; ');
  command
    // Required, but from the flag, a profile or TASK_HISTORY_SOURCE: checked before the action (sourceDefaults.ts).
    .addOption(new Option('--source <kind>', `the history API (default: the profile's, else ${SOURCE_ENV})`).choices(SOURCE_KIND_IDS))
    .addOption(new Option('--base-url <url>', `${baseUrlHelp} (default: the profile's, else ${BASE_URL_ENV})`).argParser(parseBaseUrl))
    .addOption(new Option('--profile <name>', `take --source, --base-url and --project from this profile of ${PROFILES_FILE_HELP} (default: ${PROFILE_ENV}); never a key`));
  // Each kind's own flags, once each (two kinds may share one, e.g. a project id).
  const seen = new Set<string>();
  for (const flag of SOURCE_KINDS.flatMap((d) => d.cli.flags)) {
    const long = flag.flags.split(/[ ,]/)[0]!;
    if (seen.has(long)) continue;
    seen.add(long);
    command.addOption(kindOption(flag));
  }
  return command
    .addOption(new Option('--concurrency <n>', 'requests at once; the rate limit still applies').argParser(parseConcurrency).default(DEFAULT_CONCURRENCY))
    .addOption(
      new Option('--timeout <seconds>', 'each answer (headers and body) must arrive within this, per attempt; a server export may not go silent for longer (default 60)').argParser(
        parseSeconds,
      ),
    )
    .option('--allow-insecure-http', 'allow a plain http:// --base-url to a host other than this machine: the key then travels in clear')
    .option('--verbose', 'log every HTTP request on stderr (never the key)');
}

function kindOption(flag: CliFlag): Option {
  const option = new Option(flag.flags, flag.description);
  if (flag.value === 'positive-integer') option.argParser(parsePositiveInteger);
  if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
  return option;
}

/** The limits of a streamed server export (Dispersl), for the export command. */
export function addServerExportOptions(command: Command): Command {
  return command
    .addOption(new Option('--server-export-max-mib <n>', 'Dispersl server export: stop it past this size, decompressed (default 2048)').argParser(parsePositiveInteger))
    .addOption(new Option('--server-export-timeout <minutes>', 'Dispersl server export: stop it if it has not finished after this long (default 120)').argParser(parseMinutes));
}

function parsePositiveNumber(text: string, max: number, example: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > max) {
    throw new InvalidArgumentError(`Give a number greater than 0 and at most ${max}, for example ${example}.`);
  }
  return value;
}

function parseSeconds(text: string): number {
  return parsePositiveNumber(text, 86_400, '60');
}

function parseMinutes(text: string): number {
  return parsePositiveNumber(text, 7 * 24 * 60, '120');
}

export function addFilterOptions(command: Command): Command {
  return command
    .addOption(new Option('--status <status>', "running|failed|succeeded|delayed|queued|cancelled, or the API's own (FAILED, in_progress…)").argParser(parseStatus))
    .option('--integration <name>', 'Paragon integration, e.g. salesforce')
    .option('--user <id>', 'Paragon connected user id')
    .option('--workflow <id>', 'Paragon workflow id')
    .addOption(new Option('--after <date>', 'runs started at or after this ISO 8601 date or date-time').argParser(parseDate))
    .addOption(new Option('--before <date>', 'runs started before this ISO 8601 date or date-time').argParser(parseDate));
}

export function queryFromFlags(flags: FilterFlags): RunQuery {
  if (flags.after && flags.before && flags.after >= flags.before) {
    throw new UsageError(`--after (${flags.after.toISOString()}) must be earlier than --before (${flags.before.toISOString()}).`);
  }
  return {
    status: flags.status,
    integration: flags.integration,
    userId: flags.user,
    workflowId: flags.workflow,
    startedAfter: flags.after,
    startedBefore: flags.before,
  };
}

/** Usage is checked first (exit 2), then the key (exit 3); nothing is sent yet. */
export function sourceFromFlags(flags: SourceFlags, env: NodeJS.ProcessEnv, log?: HttpLog): HistorySource {
  // Commander has already refused a --source outside SOURCE_KIND_IDS.
  const kind = kindDescriptor(flags.source);
  if (flags.baseUrl !== undefined) {
    try {
      checkBaseUrl(flags.baseUrl, kind.displayName, flags.allowInsecureHttp === true);
    } catch (error) {
      // Refused before anything is sent: a usage error (exit 2), like any bad flag.
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
  const built = kind.cli.configFromFlags(
    { id: 'cli', kind: flags.source, baseUrl: flags.baseUrl, allowInsecureHttp: flags.allowInsecureHttp === true },
    flags as unknown as Readonly<Record<string, unknown>>,
  );
  if ('problem' in built) throw new UsageError(built.problem);
  const apiKey = readApiKey(env, kind.cli.keyNoun);
  return createSource(
    built.config,
    // The HTTP policy's own cap must not be lower than the export's, or the extra
    // look-ahead would only queue.
    {
      apiKey,
      keyHint: KEY_HINT,
      log,
      concurrency: flags.concurrency,
      deadlineMs: flags.timeout !== undefined ? Math.round(flags.timeout * 1000) : undefined,
      maxStreamBytes: flags.serverExportMaxMib !== undefined ? flags.serverExportMaxMib * 1024 * 1024 : undefined,
      streamDeadlineMs: flags.serverExportTimeout !== undefined ? Math.round(flags.serverExportTimeout * 60_000) : undefined,
    },
  );
}
