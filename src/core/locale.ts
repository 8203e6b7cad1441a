// The display language: which language numbers, dates and relative times are written in, and
// which message bundle core's and the webviews' `l10n.t` read. Set once where the program
// starts: the extension at activation (VS Code's display language, `vscode.env.language`, and
// `vscode.l10n.bundle`), each webview from what its host put in the page. The command line
// sets nothing, so it writes English ('en') and its output stays the same on every machine; so
// do the tests. No Node or `vscode` import: the webview bundles use it too.
import * as l10n from '@vscode/l10n';

/** The language every formatter falls back to: the CLI's, the tests', and any language Intl does not know (the pseudo-locale, qps-ploc). */
export const DEFAULT_LOCALE = 'en';

let locale = DEFAULT_LOCALE;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
let relativeFormat: Intl.RelativeTimeFormat | undefined;
let unitListFormat: Intl.ListFormat | undefined;

/**
 * The locale Intl uses for a VS Code language id ("de", "pt-br", "zh-cn", "qps-ploc"): the
 * same, canonical, when Intl supports it; else its language alone; else English.
 */
export function intlLocale(language: string | undefined): string {
  if (!language) return DEFAULT_LOCALE;
  for (const candidate of [language, language.split(/[-_]/)[0]!]) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf([candidate]);
      if (supported && supported.toLowerCase() !== 'qps-ploc') return supported;
    } catch {
      // Not a well-formed language tag: try the next.
    }
  }
  return DEFAULT_LOCALE;
}

/** Sets the language numbers, dates and relative times are written in (VS Code's display language). */
export function setDisplayLocale(language: string | undefined): void {
  locale = intlLocale(language);
  numberFormats.clear();
  dateFormats.clear();
  relativeFormat = undefined;
  unitListFormat = undefined;
}

/** The Intl locale now in use ('en' unless set). */
export function displayLocale(): string {
  return locale;
}

/** Whether the display language is English, whose compact forms ("5 min ago", "1.48 s") the messages give. */
export function isEnglish(): boolean {
  return locale === 'en' || locale.startsWith('en-');
}

/**
 * Sets both at once: the bundle of translated messages core's and the webviews' `l10n.t`
 * read (none for English: the messages are the English), and the display language.
 */
export function configureLocalization(bundle: Readonly<Record<string, string>> | undefined, language: string | undefined): void {
  if (bundle && Object.keys(bundle).length > 0) l10n.config({ contents: { ...bundle } });
  setDisplayLocale(language);
}

/** A number with the display language's digits grouping and decimal mark: "12,345.6" in English, "12.345,6" in German. */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format.format(value);
}

/** A number with exactly `digits` decimals ("1.48", German "1,48"): toFixed in the display language. */
export function formatFixed(value: number, digits: number): string {
  return formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
}

/** The units a duration is written in. */
export type DurationUnit = 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

const ENGLISH_SYMBOLS: Readonly<Record<DurationUnit, string>> = { day: 'd', hour: 'h', minute: 'min', second: 's', millisecond: 'ms' };

/**
 * A quantity of a time unit: in English with the symbols the messages use ("850 ms", "1.5 s",
 * "3 min"), in any other language Intl's narrow unit ("1,5 Sek.", "3min", "3 د"). `options`
 * shape the number (decimals, compact notation).
 */
export function formatUnit(value: number, unit: DurationUnit, options: Intl.NumberFormatOptions = {}): string {
  if (isEnglish()) return `${formatNumber(value, options)} ${ENGLISH_SYMBOLS[unit]}`;
  return formatNumber(value, { ...options, style: 'unit', unit, unitDisplay: 'narrow' });
}

/** Quantities joined as the display language joins units ("4 Min., 5 Sek.", "4min 5s", "4 د و5 ث"). */
export function formatUnitList(parts: readonly string[]): string {
  unitListFormat ??= new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' });
  return unitListFormat.format(parts);
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

const toDate = (when: string | number | Date): Date | undefined => {
  const date = when instanceof Date ? when : new Date(typeof when === 'string' ? Date.parse(when) : when);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** A local date and time in the display language ("Nov 23, 2026, 2:05:09 PM", "23.11.2026, 14:05:09"); an unreadable ISO text as it is. */
export function formatDateTime(when: string | number | Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' }): string {
  const date = toDate(when);
  return date ? dateFormat(options).format(date) : String(when);
}

/** A local date in the display language ("Nov 23, 2026", "23.11.2026"). */
export function formatDate(when: string | number | Date): string {
  return formatDateTime(when, { dateStyle: 'medium' });
}

/** A local time of day in the display language ("2:05:09 PM", "14:05:09"). */
export function formatTime(when: string | number | Date): string {
  return formatDateTime(when, { timeStyle: 'medium' });
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * How long ago (or ahead) `when` is, from `now`, in the display language, through
 * Intl.RelativeTimeFormat: "5 minutes ago", "vor 5 Minuten", "il y a 3 heures", "yesterday".
 */
export function formatRelativeTime(when: string | number | Date, now: number = Date.now()): string {
  const date = toDate(when);
  if (!date) return String(when);
  const seconds = Math.round((date.getTime() - now) / 1000);
  relativeFormat ??= new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? UNITS[UNITS.length - 1]!;
  return relativeFormat.format(Math.round(seconds / size), unit);
}
