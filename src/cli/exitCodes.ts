// The exit codes scripts can rely on, and which failure gets which. Documented in --help.
import { CommanderError } from 'commander';
import { ExportTargetError } from '../core/export/exportErrors';
import { isHistoryApiError } from '../core/errors';
import { UsageError } from './usageError';

export const EXIT = {
  ok: 0,
  failure: 1,
  /** A bad flag, date or status, a filter the source cannot apply, replay without --yes. */
  usage: 2,
  /** The key is missing or the API rejected it. */
  auth: 3,
  /** An unknown run, or an unknown project. */
  notFound: 4,
  /** Ctrl-C (128 + SIGINT), as shells report it. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    failure (network, server, a file that cannot be written…)
  2    usage: a bad flag, date or status, or a filter the source cannot apply
  3    the API key is missing (TASK_HISTORY_API_KEY) or was rejected
  4    not found: an unknown run id or project
  130  cancelled with Ctrl-C (an export then leaves no file behind)`;

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof CommanderError) return EXIT.usage;
  if (error instanceof ExportTargetError) return EXIT.failure;
  if (isHistoryApiError(error)) {
    switch (error.kind) {
      case 'auth':
        return EXIT.auth;
      case 'not-found':
        return EXIT.notFound;
      // The API refused a parameter we passed through from the command line.
      case 'bad-request':
      case 'unsupported':
        return EXIT.usage;
      case 'cancelled':
        return EXIT.cancelled;
      default:
        return EXIT.failure;
    }
  }
  return EXIT.failure;
}
