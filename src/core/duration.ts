// Durations: computed from timestamps whenever both ends exist; a vendor's own figure
// (Dispersl's "4h 15m") only as a fallback. Written with the display language's decimal mark
// (./locale.ts): English keeps its compact symbols ("4m 05s", which the CLI and the tests read),
// any other language gets Intl's narrow units ("4 Min., 5 Sek.").
import { formatUnit, formatUnitList, isEnglish } from './locale';

/** Milliseconds between two ISO timestamps, or undefined if either is missing or invalid. */
export function durationBetween(start: string | undefined, end: string | undefined): number | undefined {
  if (!start || !end) return undefined;
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return undefined;
  return to - from;
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses "4h 15m", "45m", "1d 2h", "30s", "250ms"; undefined for anything else. */
export function parseDurationText(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const parts = text.trim().toLowerCase().split(/\s+/);
  let total = 0;
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)(ms|d|h|m|s)$/.exec(part);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
  }
  return parts.length > 0 ? Math.round(total) : undefined;
}

/**
 * A compact human duration, its two most significant units: "850 ms", "12.3 s", "4m 05s",
 * "2h 15m", "3d 4h" in English; Intl's narrow units in other languages ("1,48 Sek.",
 * "4 Min., 5 Sek.", "3 T, 4h").
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return formatUnit(Math.round(ms), 'millisecond', { useGrouping: false });
  if (ms < 60_000) {
    const digits = ms < 10_000 ? 2 : 1;
    return formatUnit(ms / 1000, 'second', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
  }
  const { days, hours, minutes, seconds } = parts(ms);
  if (isEnglish()) {
    if (days > 0) return `${days}d ${hours}h`;
    if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
    return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  }
  if (days > 0) return formatUnitList([formatUnit(days, 'day'), formatUnit(hours, 'hour')]);
  if (hours > 0) return formatUnitList([formatUnit(hours, 'hour'), formatUnit(minutes, 'minute')]);
  return formatUnitList([formatUnit(minutes, 'minute'), formatUnit(seconds, 'second')]);
}

function parts(ms: number): { days: number; hours: number; minutes: number; seconds: number } {
  const totalSeconds = Math.floor(ms / 1000);
  return {
    days: Math.floor(totalSeconds / 86_400),
    hours: Math.floor((totalSeconds % 86_400) / 3600),
    minutes: Math.floor((totalSeconds % 3600) / 60),
    seconds: totalSeconds % 60,
  };
}
