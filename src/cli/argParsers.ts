// Parsers for flag values. Each throws commander's InvalidArgumentError, which commander
// prints naming the flag ("option '--after <date>' argument 'x' is invalid. …") and which
// the CLI turns into exit code 2, before any request is made.
import { InvalidArgumentError } from 'commander';
import { EXPORT_FORMATS, type ExportFormat } from '../core/export/sinks';
import { parseUserDate } from '../core/filters';
import { RUN_STATUSES, type RunStatus } from '../core/model';
import { SOURCE_KINDS } from '../sources/kinds';

const OUR_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter((s) => s !== 'unknown');

/** Our names (failed, running…) or either vendor's (FAILED, EXECUTING, in_progress, completed…). */
export function parseStatus(text: string): RunStatus {
  const value = text.trim();
  const ours = OUR_STATUSES.find((s) => s === value.toLowerCase());
  if (ours) return ours;
  // Each kind's own names, in the kinds' order (the first that knows the name decides).
  for (const kind of SOURCE_KINDS) {
    const vendor = kind.vendorStatuses.read(value);
    if (vendor && vendor !== 'unknown') return vendor;
  }
  const raw = [...new Set(SOURCE_KINDS.flatMap((kind) => kind.vendorStatuses.names))].filter((s) => !OUR_STATUSES.includes(s as RunStatus));
  throw new InvalidArgumentError(`Use one of ${OUR_STATUSES.join(', ')}, or the API's own name (${raw.join(', ')}).`);
}

/** An ISO 8601 date (midnight UTC) or date-time; a date-time without an offset is UTC. */
export function parseDate(text: string): Date {
  const date = parseUserDate(text);
  if (!date || !isCalendarDate(text.trim().slice(0, 10))) throw new InvalidArgumentError('Give an ISO 8601 date or date-time, for example 2025-01-31 or 2025-01-31T14:30:00Z.');
  return date;
}

/** JavaScript reads 2025-02-30 as March 2; a person who typed it made a mistake. */
function isCalendarDate(ymd: string): boolean {
  const [year, month, day] = ymd.split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('Give a whole number of at least 1, for example 16.');
  }
  return value;
}

/** A whole number of seconds, 0 allowed. */
export function parseSeconds(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value > 3600) {
    throw new InvalidArgumentError('Give a whole number of seconds from 0 to 3600, for example 60.');
  }
  return value;
}

export function parseConcurrency(text: string): number {
  const value = parsePositiveInteger(text);
  if (value > 64) throw new InvalidArgumentError('Give at most 64: more requests at once only meet the rate limit sooner.');
  return value;
}

export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidArgumentError('Give a full URL, for example https://api.useparagon.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError('Give an https:// URL, for example https://api.useparagon.com.');
  }
  return text.trim();
}

/** The format a file name implies: .csv, .ndjson/.jsonl, .parquet, else JSON. */
export function formatFromPath(path: string): ExportFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return 'json';
}

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}
