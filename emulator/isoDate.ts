// Strict ISO 8601 parsing for the date filters of both APIs. `Date.parse` is too lenient
// (it takes "2023-02-30" as 2 March and reads an offset-less date-time as local time), and
// a faithful emulator must refuse what a strict server would.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Milliseconds since the epoch, or undefined when `text` is not an ISO 8601 date or date-time. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Reject days past the end of the month (Date.UTC would roll them over).
  if (new Date(utc).getUTCDate() !== day) return undefined;
  // No offset means UTC here: the docs' examples ("2023-02-16T00:00:00") carry none, and a
  // server has no better idea of the caller's zone.
  const zone = m[8];
  if (!zone || zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
  if (offsetMinutes > 18 * 60) return undefined;
  return utc - sign * offsetMinutes * 60_000;
}
