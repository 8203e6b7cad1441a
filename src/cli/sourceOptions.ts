// The flags every command shares (which source, where, how fast) and the filter flags of
// export and list, turned into a HistorySource from core's createSource and a RunQuery.
import { Option, type Command } from 'commander';
import type { RunQuery, RunStatus, SourceKind } from '../core/model';
import type { HistorySource } from '../core/source';
import { createSource } from '../sources/createSource';
import type { HttpLog } from '../sources/http/httpPolicy';
import { readApiKey, KEY_HINT } from './apiKey';
import { parseBaseUrl, parseConcurrency, parseDate, parsePositiveInteger, parseStatus } from './argParsers';
import { UsageError } from './usageError';

export const DEFAULT_CONCURRENCY = 16;

export interface SourceFlags {
  readonly source: SourceKind;
  readonly baseUrl?: string;
  readonly project?: string;
  readonly requestsPerHour?: number;
  readonly concurrency: number;
  readonly verbose?: boolean;
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
  return command
    .addOption(new Option('--source <kind>', 'the history API').choices(['paragon', 'dispersl']).makeOptionMandatory())
    .addOption(
      new Option('--base-url <url>', 'Paragon: https://api.useparagon.com (default) or https://zeus.<host>; Dispersl: https://api.dispersl.com/v1 (default)').argParser(parseBaseUrl),
    )
    .option('--project <id>', 'Paragon project id (required for Paragon)')
    .addOption(new Option('--requests-per-hour <n>', 'Dispersl request budget: 100 Free, 1000 Pro, or your Enterprise limit').argParser(parsePositiveInteger).default(1000))
    .addOption(new Option('--concurrency <n>', 'requests at once; the rate limit still applies').argParser(parseConcurrency).default(DEFAULT_CONCURRENCY))
    .option('--verbose', 'log every HTTP request on stderr (never the key)');
}

export function addFilterOptions(command: Command): Command {
  return command
    .addOption(new Option('--status <status>', 'running|failed|succeeded|delayed|queued|cancelled, or the API\'s own (FAILED, in_progress…)').argParser(parseStatus))
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

/** A Paragon base URL may already name a project; it must not contradict --project. */
function checkProject(flags: SourceFlags): string {
  const project = flags.project?.trim();
  if (!project) throw new UsageError('Paragon needs a project: pass --project <id> (Project Settings in the Paragon dashboard).');
  const named = flags.baseUrl ? /\/projects\/([^/]+)\/task-history\/?$/.exec(new URL(flags.baseUrl).pathname)?.[1] : undefined;
  if (named !== undefined && decodeURIComponent(named) !== project) {
    throw new UsageError(`--base-url names the project ${decodeURIComponent(named)} but --project is ${project}: give an origin such as https://api.useparagon.com.`);
  }
  return project;
}

/** Usage is checked first (exit 2), then the key (exit 3); nothing is sent yet. */
export function sourceFromFlags(flags: SourceFlags, env: NodeJS.ProcessEnv, log?: HttpLog): HistorySource {
  const projectId = flags.source === 'paragon' ? checkProject(flags) : undefined;
  const apiKey = readApiKey(env, flags.source === 'paragon' ? 'Paragon project' : 'Dispersl');
  return createSource(
    {
      id: 'cli',
      kind: flags.source,
      baseUrl: flags.baseUrl,
      projectId,
      requestsPerHour: flags.requestsPerHour,
    },
    // The HTTP policy's own cap must not be lower than the export's, or the extra
    // look-ahead would only queue.
    { apiKey, keyHint: KEY_HINT, log, concurrency: flags.concurrency },
  );
}
