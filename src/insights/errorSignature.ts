// Error signatures (issue 12, item 5): failed runs clustered by how they failed. A Paragon
// run's signature is its failing step's type and error text with the variable parts taken
// out (ids, numbers, times, e-mails, the variable parts of URLs, quoted values), so "Contact
// 0035g00000XyZ12AAB not found" and "Contact 0035g00000AbC34AAF not found" are one problem
// with two counts, not two problems. Dispersl gives no error text: a failed task is known by
// its failing step's name, agent and model. Pure (no I/O, no index, no vscode): Insights
// reads the failures from the run index and streams them through `ErrorSignatureAccumulator`,
// whose memory grows with the number of signatures, never with the number of runs.
//
// Error text comes from APIs and users' data, so it is hostile input: control characters,
// bidi overrides, lone surrogates, megabytes. Every pass here is linear or runs on a bounded
// prefix (WORK_LIMIT characters once cleaned), and no regular expression has nested
// unbounded quantifiers, so a 1 MB error costs one scan of it.
import * as l10n from '@vscode/l10n';
import type { SourceKind } from '../core/model';

/** Characters of cleaned text that normalization looks at: far more than the label keeps, so ids and URLs that shrink still leave enough. */
const WORK_LIMIT = 8192;
/** The longest normalized text (and label part) kept, in UTF-16 units; longer ends with "…". */
export const SIGNATURE_TEXT_LIMIT = 300;
/** A step name, agent, model or type longer than this is cut (they are names, not prose). */
const NAME_LIMIT = 120;
/** Strings longer than this are not parsed as JSON (JSON.parse is linear, but a 50 MB output is not an error message). */
const PARSE_LIMIT = 2_000_000;
/** errorTextOf never returns more than this. */
const EXTRACT_LIMIT = 100_000;
/** How deep errorTextOf looks into nested objects and JSON strings. */
const MAX_DEPTH = 8;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A signature is "growing" only with at least this many runs in the last 24 hours: 1 → 2 is noise. */
export const GROWING_MIN_COUNT = 3;
/** The workflows/tasks and users listed per signature (most runs first). */
export const TOP_LIST_LIMIT = 20;
/** Distinct workflows or users counted per signature; past it the count is a lower bound and new names are not tracked. */
const DISTINCT_LIMIT = 10_000;

// ---------------------------------------------------------------------------------------------
// Cleaning: one linear pass that makes any string safe to look at.

/** Bidi controls and invisible characters that disguise text (ZWJ/ZWNJ stay: scripts and emoji need them). */
function isInvisible(c: number): boolean {
  return c === 0x061c || c === 0x180e || c === 0x200b || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff;
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Anything cleanText would change: controls, odd white space, invisible/bidi characters, surrogates, private use, leading/trailing/double spaces. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_CLEANING_RE = /[\u0000-\u001f\u007f-\u00a0\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ud800-\udfff\ue000-\uf8ff]|^ | $| {2}/;

/**
 * The text with ANSI escape sequences and invisible/bidi characters removed, other control
 * characters and every run of white space turned into one space, lone surrogates and
 * private-use characters (normalization uses some as markers) into U+FFFD, trimmed, and cut
 * once `limit` characters are kept. Linear: each input unit is looked at once, and the scan
 * stops at the limit.
 */
export function cleanText(text: string, limit: number = WORK_LIMIT): string {
  // Most text needs nothing: one regex scan (linear: a class, an anchor or two spaces) says so.
  if (text.length <= limit && !NEEDS_CLEANING_RE.test(text)) return text;
  let out = '';
  let pendingSpace = false;
  const n = text.length;
  let i = 0;
  while (i < n && out.length < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      // ESC [ … final (CSI), ESC ] … BEL or ESC \ (OSC), or ESC and one character.
      const next = text.charCodeAt(i + 1);
      if (next === 0x5b) {
        i += 2;
        while (i < n) {
          const d = text.charCodeAt(i++);
          if (d >= 0x40 && d <= 0x7e) break;
          if (d < 0x20 || d > 0x7e) break;
        }
      } else if (next === 0x5d) {
        i += 2;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x07) {
            i++;
            break;
          }
          if (d === 0x1b && text.charCodeAt(i + 1) === 0x5c) {
            i += 2;
            break;
          }
          i++;
        }
      } else {
        i += 2;
      }
      continue;
    }
    if (isSpace(c) || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      pendingSpace = true;
      i++;
      continue;
    }
    if (isInvisible(c)) {
      i++;
      continue;
    }
    let piece: string;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        piece = text.slice(i, i + 2);
        i += 2;
      } else {
        piece = '\ufffd';
        i++;
      }
    } else if ((c >= 0xdc00 && c <= 0xdfff) || (c >= 0xe000 && c <= 0xf8ff)) {
      piece = '\ufffd';
      i++;
    } else {
      piece = text[i]!;
      i++;
    }
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    out += piece;
  }
  return out;
}

/**
 * `text` cut to `limit` UTF-16 units without splitting a surrogate pair, with "…" when cut. A
 * cut inside a word drops the word: a key or token cut in two would leave a piece that no
 * redactor downstream recognizes (the key redactor needs 8 characters, the secret patterns
 * a token's whole shape), and error texts do echo credentials.
 */
function cap(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  let kept = text.slice(0, end);
  if (!/\s/.test(text[end]!)) kept = kept.replace(/\S+$/u, '');
  return `${kept.trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------
// Normalization.

const URL_RE = /\b([a-z][a-z0-9+.-]{0,15}):\/\/([^\s'"`<>()[\]{}\\|^]{1,2000})/gi;
const QUOTE_RES: readonly (readonly [string, RegExp])[] = [
  // A quote only opens after a non-word character and closes before one: the apostrophes of
  // "can't" and "users'" are not quotes.
  ["'", /(?<![\p{L}\p{N}_])'[^'\n]{0,200}'(?![\p{L}\p{N}_])/gu],
  ['"', /(?<![\p{L}\p{N}_])"[^"\n]{0,200}"(?![\p{L}\p{N}_])/gu],
  ['`', /`[^`\n]{0,200}`/g],
  ['“', /“[^”\n]{0,200}”/g],
  ['‘', /‘[^’\n]{0,200}’/g],
  ['«', /«[^»\n]{0,200}»/g],
];
const EMAIL_RE = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\\.?';
const WEEKDAY = '(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6},? )?';
const TIME_RES: readonly RegExp[] = [
  // ISO 8601 date, with an optional time and zone.
  /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}\b)?)?(?![\d])/g,
  // RFC 1123 and JavaScript dates: "Sun, 29 Nov 2026", "Sun Nov 29 2026", "November 29, 2026".
  new RegExp(`\\b${WEEKDAY}\\d{1,2} ${MONTH} \\d{4}\\b`, 'g'),
  new RegExp(`\\b${WEEKDAY}${MONTH} \\d{1,2},? \\d{4}\\b`, 'g'),
  // 11/29/2026, 29.11.2026
  /\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b/g,
  // A time of day, its fraction and zone: 22:54:06.123 GMT+0000, 08:12 UTC.
  /\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?![\d:])(?: ?(?:Z|UTC|GMT)(?:[+-]\d{2}:?\d{2})?\b|[+-]\d{2}:?\d{2}\b|Z\b)?(?: \([A-Za-z ]{1,40}\))?/g,
];
const IPV4_RE = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g;
/** IPv6 (with "::" or 4+ groups, so a time of day is not one), optionally bracketed with a port. */
const IPV6_RE = /\[[0-9a-f:.]{2,45}\](?::\d{1,5})?|(?<![\w:.])(?=[0-9a-f:]{0,37}::|(?:[0-9a-f]{1,4}:){3}[0-9a-f])[0-9a-f:]{2,39}(?:\.\d{1,3}){0,3}(?![\w:])/gi;
/** Stripe-style ids keep their type prefix: "cus_NffrFeUfNV2Hib" → "cus_<id>". */
const PREFIXED_ID_RE = /\b([a-z][a-z0-9]{0,9}_)([A-Za-z0-9]{8,})\b/g;
const HEX_ID_RE = /\b(?:0x)?[0-9a-f]{8,}\b/gi;
const TOKEN_RE = /\b[A-Za-z0-9]{8,}\b/g;
const NUMBER_RE = /(?<![\p{L}\p{N}_.])\d+(?:[.,]\d+)*/gu;
/** A 3-digit HTTP status (100–599) right after one of these is the cause, not a value: "status code 401", "HTTP 503", "returned 404". */
const STATUS_AFTER_RE = /(?:^|[^A-Za-z])(?:status(?:[ _-]?code)?|statuscode|http(?:\/\d(?:\.\d)?)?|returned|responded(?: with)?|response)$/i;
/** A code of up to 5 digits right after one of these is the cause: "exit code 1", "errno 111", "SQLSTATE[23505]", "error code 1205". */
const CODE_AFTER_RE = /(?:^|[^A-Za-z])(?:code|errno|sqlstate|error[ _-]?code)$/i;
/** …and after "error"/"err" with no colon: "error 1062" (MySQL), not "Error: 2 records". */
const KEEP_AFTER_ERROR_RE = /(?:^|[^A-Za-z])(?:error|err) ?#?$/i;
/** "ORA-00942", "PLS-00201": an upper-case prefix and a dash make a number an error code. */
const CODE_PREFIX_RE = /(?:^|[^A-Za-z])[A-Z]{2,5}-$/;
/** HTTP reason phrases (first word): "404 Not Found", "503 Service Unavailable" keep their number. */
const REASON_RE =
  /^ (?:OK|Created|Accepted|No Content|Moved|Found|See Other|Not|Bad|Unauthorized|Payment|Forbidden|Method|Proxy|Request|Conflict|Gone|Length|Precondition|Payload|URI|Unsupported|Range|Expectation|Misdirected|Unprocessable|Locked|Failed|Too|Upgrade|Internal|Service|Gateway|HTTP|Insufficient|Loop|Network)\b/;
const REPEATED_RE = /(<(?:n|id|email|ip|time|url)>|'…')(?:(?:[ ,;]|and |or ){1,4}\1)+/g;

function countDigits(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) k++;
  }
  return k;
}

/** The tail of a prefixed id ("cus_NffrFeUfNV2Hib"): a digit, or upper and lower case (one linear scan). */
function looksGenerated(tail: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < tail.length; i++) {
    const c = tail.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return true;
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
  }
  return upper && lower;
}

/** Changes between letters and digits along a token: "C024BE91L" has 4, "Win32Exception" 2. */
function transitions(s: string): number {
  let k = 0;
  let prevDigit: boolean | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39;
    if (prevDigit !== undefined && digit !== prevDigit) k++;
    prevDigit = digit;
  }
  return k;
}

/**
 * Whether an alphanumeric token of 8+ characters is a generated id (Salesforce
 * "0035g00000XyZ12AAB", Slack "C024BE91L", "U12345678", a 20+ character request id) rather
 * than a word or a code ("Win32Exception", "ERR12345", "base64url").
 */
function isIdToken(token: string): boolean {
  const digits = countDigits(token);
  if (digits === 0 || digits === token.length) return false;
  if (token.length >= 20) return true;
  if (/^[A-Za-z]\d{6,}$/.test(token)) return true;
  return digits >= 2 && transitions(token) >= 3;
}

/**
 * A URL path segment that is an id or a value rather than a name: replaced by <id> (extension
 * kept: "48213.json" → "<id>.json"); of a dashed segment, the id parts ("01gxx0000002GwNAAU-2000",
 * a Salesforce query locator, → "<id>").
 */
function normalizeSegment(segment: string): string {
  const whole = normalizeWholeSegment(segment);
  if (whole !== segment || !segment.includes('-')) return whole;
  return segment
    .split('-')
    .map((part) => (part === '' ? part : normalizeWholeSegment(part)))
    .join('-')
    .replace(/<id>(?:-<id>)+/g, '<id>');
}

function normalizeWholeSegment(segment: string): string {
  if (segment === '') return segment;
  const dot = segment.lastIndexOf('.');
  const ext = dot > 0 && /^\.[A-Za-z]{1,5}$/.test(segment.slice(dot)) ? segment.slice(dot) : '';
  const name = ext ? segment.slice(0, dot) : segment;
  if (/^v\d+(?:\.\d+)*$/i.test(name)) return segment; // an API version is part of the endpoint
  if (name.includes('@') || /%40/i.test(name)) return `<email>${ext}`;
  if (/^\d+$/.test(name) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) return `<id>${ext}`;
  const prefixed = /^([a-z][a-z0-9]{0,9}_)([A-Za-z0-9]{8,})$/.exec(name);
  if (prefixed && looksGenerated(prefixed[2]!)) return `${prefixed[1]}<id>${ext}`;
  if (/^(?:0x)?[0-9a-f]{8,}$/i.test(name) && countDigits(name) > 0) return `<id>${ext}`;
  if (/^[A-Za-z0-9]+$/.test(name) && isIdToken(name)) return `<id>${ext}`;
  if (name.length >= 24 || name.includes('%')) return `<id>${ext}`;
  if (/^[\d,.:+-]+$/.test(name)) return `<id>${ext}`;
  return segment;
}

/**
 * A URL's shape: scheme, host (a per-customer first label of a 3+ label host is "*": acme.my.
 * salesforce.com and globex.my.salesforce.com are one service; an IP is <ip>), port, and path
 * with id-like segments as <id>; user info, query and fragment dropped.
 */
function normalizeUrl(scheme: string, rest: string): string {
  let trail = '';
  const trailing = /[.,;:!?]+$/.exec(rest);
  if (trailing) {
    trail = trailing[0];
    rest = rest.slice(0, -trail.length);
  }
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '?' || c === '#') {
      end = i;
      break;
    }
  }
  const withoutQuery = rest.slice(0, end);
  const slash = withoutQuery.indexOf('/');
  let authority = slash < 0 ? withoutQuery : withoutQuery.slice(0, slash);
  const path = slash < 0 ? '' : withoutQuery.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let port = '';
  const portMatch = /:(\d{1,5})$/.exec(authority);
  if (portMatch && !authority.startsWith('[')) {
    host = authority.slice(0, -portMatch[0].length);
    port = portMatch[0];
  }
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) {
    host = '<ip>';
  } else {
    const labels = host.toLowerCase().split('.');
    if (labels.length >= 3) labels[0] = '*';
    host = labels.join('.');
  }
  const normalizedPath = path.split('/').map(normalizeSegment).join('/');
  return `${scheme.toLowerCase()}://${host}${port}${normalizedPath}${trail}`;
}

/** Whether the number at `start` (digits `digits`) in `text` is a status or error code to keep. */
function keepsNumber(text: string, start: number, digits: string): boolean {
  const before = text.slice(Math.max(0, start - 40), start);
  if (/(?:^|[^A-Za-z])http\/$/i.test(before)) return true; // HTTP/1.1
  if (!/^\d{1,5}$/.test(digits)) return false;
  if (CODE_PREFIX_RE.test(before)) return true;
  if (KEEP_AFTER_ERROR_RE.test(before)) return true;
  const trimmed = before.replace(/[\s:=#([]+$/, '');
  if (CODE_AFTER_RE.test(trimmed)) return true;
  if (!/^[1-5]\d\d$/.test(digits)) return false;
  return STATUS_AFTER_RE.test(trimmed) || REASON_RE.test(text.slice(start + digits.length, start + digits.length + 16));
}

/**
 * The error text with its variable parts replaced, so that the same failure reads the same
 * every time. In order:
 * - cleaned (see `cleanText`: controls, bidi, ANSI escapes and runs of white space), and a
 *   leading generic "Error: " dropped (a JSON body's message has none);
 * - URLs → scheme://host/path shape (see normalizeUrl), query and fragment dropped;
 * - quoted values ('…', "…", `…`, “…”, ‘…’, «…», up to 200 characters) → '…';
 * - e-mails → <email>; UUIDs → <id>; dates and times (ISO 8601, RFC 1123, JavaScript,
 *   11/29/2026, 22:54:06) → <time>; IPv4/IPv6 with port → <ip>;
 * - ids: Stripe-style "cus_…" → "cus_<id>", hex of 8+ with a digit → <id>, alphanumeric
 *   tokens of 8+ that look generated (see isIdToken) → <id>;
 * - other numbers (with decimals, units kept: "30000ms" → "<n>ms") → <n>, EXCEPT the cause:
 *   a 3-digit status (100–599) after status/status code/HTTP/returned/responded with or
 *   before a reason phrase ("401 Unauthorized"), up to 5 digits after code/errno/SQLSTATE/
 *   error code/"error" (no colon), after an upper-case code prefix ("ORA-00942"), and
 *   HTTP's version ("HTTP/1.1"). Digits inside words ("utf8", "E11000", "v58") stay.
 * - a list of the same placeholder ("<n>, <n> and <n>") → one; white space collapsed;
 *   cut to SIGNATURE_TEXT_LIMIT characters (with "…").
 * Linear in the input (one cleaning scan); the rest runs on at most WORK_LIMIT characters.
 */
export function normalizeErrorText(text: string): string {
  let s = cleanText(typeof text === 'string' ? text : typeof text === 'number' || typeof text === 'boolean' ? String(text) : '', WORK_LIMIT);
  for (let k = 0; k < 3; k++) {
    const stripped = s.replace(/^(?:uncaught )?error:\s*/i, '');
    if (stripped === s) break;
    s = stripped;
  }
  // URLs first, set aside behind private-use markers (cleanText removed any from the input)
  // so the passes below do not touch their normalized shape. Each pass runs only when the
  // character it needs is there: most messages skip most passes.
  const urls: string[] = [];
  if (s.includes('://')) {
    s = s.replace(URL_RE, (_m, scheme: string, rest: string) => {
      urls.push(normalizeUrl(scheme, rest));
      return `\ue000${marker(urls.length - 1)}\ue001`;
    });
  }
  for (const [quote, re] of QUOTE_RES) if (s.includes(quote)) s = s.replace(re, "'…'");
  if (s.includes('@')) s = s.replace(EMAIL_RE, '<email>');
  if (s.includes('_')) s = s.replace(PREFIXED_ID_RE, (m, prefix: string, tail: string) => (looksGenerated(tail) ? `${prefix}<id>` : m));
  if (/\d/.test(s)) {
    s = s.replace(UUID_RE, '<id>');
    // Addresses before times: "52.84.150.23" is not a date, "::1:5432" not a time of day.
    s = s.replace(IPV4_RE, '<ip>');
    // (A bracket is an IPv6 address only with a colon inside: "SQLSTATE[23505]" is a code.)
    if (s.includes(':')) s = s.replace(IPV6_RE, (m) => (countDigits(m) > 0 && (!m.startsWith('[') || m.slice(0, m.indexOf(']')).includes(':')) ? '<ip>' : m));
    for (const re of TIME_RES) s = s.replace(re, '<time>');
    s = s.replace(HEX_ID_RE, (m) => (countDigits(m) > 0 && /[a-f]/i.test(m.replace(/^0x/i, '')) ? '<id>' : m));
    s = s.replace(TOKEN_RE, (m) => (isIdToken(m) ? '<id>' : m));
    s = s.replace(NUMBER_RE, (m, offset: number, whole: string) => (keepsNumber(whole, offset, m) ? m : '<n>'));
  }
  s = s.replace(REPEATED_RE, '$1');
  if (urls.length > 0) s = s.replace(/\ue000([a-z]+)\ue001/g, (_m, k: string) => urls[unmarker(k)] ?? '<url>');
  s = s.replace(/ {2,}/g, ' ').trim();
  return cap(s, SIGNATURE_TEXT_LIMIT);
}

/** A number written in letters only (the number pass leaves letters alone): 0 → "a", 27 → "bb". */
function marker(n: number): string {
  let out = '';
  do {
    out = String.fromCharCode(0x61 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

function unmarker(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n = n * 26 + (s.charCodeAt(i) - 0x61);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Finding the message in a step's output.

/** Containers of an error's details, looked into before the object's own message ("most specific"). */
const ERROR_CONTAINERS = ['error', 'errors', 'errorMessages', 'fault', 'cause'] as const;
/** Fields that hold a message, most specific first. */
const MESSAGE_FIELDS = [
  'error_description',
  'errorDescription',
  'detail',
  'details',
  'message',
  'Message',
  'errorMessage',
  'error_message',
  'msg',
  'reason',
  'description',
  'faultstring',
  'title',
  'error',
  'statusText',
] as const;
/** Generic containers (an HTTP response, its body) looked into only when the object has no message of its own. */
const BODY_CONTAINERS = ['response', 'body', 'data', 'result', 'output'] as const;
/** Last resort: a code is better than nothing ("ECONNRESET", "NOT_FOUND"). */
const CODE_FIELDS = ['errorCode', 'error_code', 'code', 'type', 'status'] as const;

function looksLikeHtml(s: string): boolean {
  const head = s.slice(0, 1000).toLowerCase();
  return /^\s*<(?:!doctype\s+html|html|head|body|title)\b/.test(head) || head.includes('<html');
}

function decodeEntities(s: string): string {
  return s.replace(/&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi, (m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }[name.toLowerCase() as 'amp'] ?? m;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : m;
  });
}

/** The text between `<tag…>` and `</tag`, found with indexOf (linear), or undefined. */
function elementText(html: string, lower: string, tag: string): string | undefined {
  const open = lower.indexOf(`<${tag}`);
  if (open < 0) return undefined;
  const gt = lower.indexOf('>', open);
  if (gt < 0) return undefined;
  const close = lower.indexOf(`</${tag}`, gt);
  const inner = html.slice(gt + 1, close < 0 ? Math.min(html.length, gt + 2000) : close);
  const text = decodeEntities(stripTags(inner)).trim();
  return text === '' ? undefined : text;
}

/** Markup removed (a linear scan, not a regex), white space kept for cleanText to collapse. */
function stripTags(html: string): string {
  let out = '';
  let inTag = false;
  for (let i = 0; i < html.length && out.length < EXTRACT_LIMIT; i++) {
    const c = html[i];
    if (c === '<') inTag = true;
    else if (c === '>' && inTag) {
      inTag = false;
      out += ' ';
    } else if (!inTag) out += c;
  }
  return out;
}

/** An HTML error page's message: its <title>, else its first <h1>, else its text without markup. */
function htmlMessage(html: string): string {
  const page = html.slice(0, PARSE_LIMIT);
  const lower = page.toLowerCase();
  const withoutScripts = lower.includes('<script') || lower.includes('<style') ? page.replace(/<(script|style)\b[^>]{0,500}>[^<]{0,100000}<\/\1\s*>/gi, ' ') : page;
  return elementText(page, lower, 'title') ?? elementText(page, lower, 'h1') ?? decodeEntities(stripTags(withoutScripts));
}

function tryParse(text: string): unknown {
  if (text.length > PARSE_LIMIT) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function fromString(s: string, depth: number): string | undefined {
  const trimmed = s.trim();
  if (trimmed === '') return undefined;
  const first = trimmed[0];
  if (first === '{' || first === '[' || first === '"') {
    const parsed = tryParse(trimmed);
    if (parsed !== undefined) {
      const found = extract(parsed, depth + 1);
      if (found !== undefined) return found;
    }
  } else if (looksLikeHtml(trimmed)) {
    return htmlMessage(trimmed);
  } else {
    // "Error: 400 Bad Request: {"error":{"message":"…"}}": the JSON's message is the specific one.
    const last = trimmed[trimmed.length - 1];
    const open = last === '}' ? trimmed.indexOf('{') : last === ']' ? trimmed.indexOf('[') : -1;
    if (open > 0) {
      const parsed = tryParse(trimmed.slice(open));
      if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) {
        const found = extract(parsed, depth + 1);
        if (found !== undefined) return found;
      }
    }
  }
  return trimmed;
}

/** The message of one value, or undefined. A bare number or boolean is a message only as the whole output (`depth` 0). */
function extract(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH || value === null || value === undefined) return undefined;
  if (typeof value === 'string') return fromString(value, depth);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return depth === 0 ? String(value) : undefined;
  if (typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, 10); i++) {
      const found = extract(value[i], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key of ERROR_CONTAINERS) {
    const inner = record[key];
    if (inner !== null && typeof inner === 'object') {
      const found = extract(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  for (const key of MESSAGE_FIELDS) {
    const field = record[key];
    if (typeof field === 'string' && field.trim() !== '') {
      const message = fromString(field, depth);
      if (message === undefined) continue;
      // An Error's name is part of what it says: {name: 'TypeError', message} reads as "TypeError: message".
      const name = record['name'];
      if (key === 'message' && typeof name === 'string' && /^\w{1,40}Error$/.test(name) && name !== 'Error' && !message.startsWith(name)) return `${name}: ${message}`;
      return message;
    }
  }
  for (const key of BODY_CONTAINERS) {
    const inner = record[key];
    if (inner !== null && inner !== undefined) {
      const found = extract(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  for (const key of CODE_FIELDS) {
    const field = record[key];
    if (typeof field === 'string' && /[A-Za-z]/.test(field) && field.length <= 200) return field;
  }
  return undefined;
}

/**
 * The most specific error message in a failing step's output, or undefined if it has none.
 * - a string: itself; JSON in it (whole, or after a prefix: "Error: 400: {…}") is read as
 *   below; an HTML error page gives its <title>, else its first <h1>, else its text;
 * - an object: inside `error`/`errors[…]`/`errorMessages`/`fault`/`cause` first, then its
 *   own `error_description`, `detail`, `message` (with an Error's `name`: "TypeError: …"),
 *   `errorMessage`, `msg`, `reason`, `description`, `title`, `error`…, then an HTTP
 *   response's `response`/`body`/`data`, then a code (`errorCode`, `code`);
 * - an array: its first element that has one; a number or boolean: as text;
 * - an object with none of these: its JSON (cut), so two outputs alike still group.
 * Never throws (throwing getters, cycles, BigInt included); at most 100,000 characters.
 */
export function errorTextOf(output: unknown): string | undefined {
  try {
    let text = extract(output, 0);
    if (text === undefined && output !== null && typeof output === 'object') {
      try {
        const json = JSON.stringify(output);
        // Only when it says something: "[null]" or "{}" is no output.
        if (json !== undefined && !/^[[\]{}\s,:"]*(?:null[[\]{}\s,]*)*$/.test(json)) text = cap(json, 2000);
      } catch {
        text = undefined;
      }
    }
    if (text === undefined) return undefined;
    text = text.trim();
    return text === '' ? undefined : cap(text, EXTRACT_LIMIT);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures.

/** What a failed run is known by: its source's kind and its failing step. */
export interface SignatureInput {
  readonly kind: SourceKind;
  readonly stepType?: string;
  readonly stepName?: string;
  readonly agent?: string;
  readonly model?: string;
  /** The failing step's error text (errorTextOf of its output). */
  readonly errorText?: string;
  /** The failing step's output as stored, used through errorTextOf when errorText is not given. */
  readonly output?: unknown;
}

export interface Signature {
  /** Stable across runs, processes and machines (a hash of the kind and the parts below): `paragon-1f3a…` (14 hex digits). */
  readonly key: string;
  /** Readable: "ACTION/REQUEST · Request failed with status code 401"; Dispersl: "Deploy to staging · deploy_agent · openai/gpt-4o". */
  readonly label: string;
}

interface Described {
  readonly label: string;
  /** The exact parts (the grouping is by this, so a hash collision never merges two signatures); the key is its hash. */
  readonly canonical: string;
  /** The error text as found (not normalized), if any. */
  readonly text: string | undefined;
}

function cleanName(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = cap(cleanText(value, NAME_LIMIT + 1), NAME_LIMIT);
  return cleaned === '' ? undefined : cleaned;
}

/** cyrb53: a 53-bit string hash, the same on every platform (Math.imul on UTF-16 units). */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * Normalized texts of recent error texts: the same message recurs across thousands of runs
 * (the emulator has eleven), and a lookup is far cheaper than the passes. Bounded: short
 * texts only, and emptied when full. normalizeErrorText is a pure function, so this changes
 * nothing but time.
 */
const normalizedCache = new Map<string, string>();
const CACHE_ENTRIES = 10_000;
const CACHE_TEXT_LIMIT = 2_000;

function normalizeCached(text: string): string {
  if (text.length > CACHE_TEXT_LIMIT) return normalizeErrorText(text);
  const hit = normalizedCache.get(text);
  if (hit !== undefined) return hit;
  const normalized = normalizeErrorText(text);
  if (normalizedCache.size >= CACHE_ENTRIES) normalizedCache.clear();
  normalizedCache.set(text, normalized);
  return normalized;
}

function describe(input: SignatureInput): Described {
  const stepType = cleanName(input.stepType);
  let text = typeof input.errorText === 'string' ? input.errorText : undefined;
  if (text === undefined && input.output !== undefined) text = errorTextOf(input.output);
  const normalized = text === undefined ? '' : normalizeCached(text);
  let parts: (string | null)[];
  let label: string;
  if (normalized !== '') {
    // With error text (Paragon): the step's type and what went wrong.
    parts = ['text', stepType ?? null, normalized];
    label = stepType ? `${stepType} · ${normalized}` : normalized;
  } else {
    // Without (Dispersl; a Paragon run whose output was not fetched): the step's name, agent and model.
    const stepName = cleanName(input.stepName);
    const agent = cleanName(input.agent);
    const model = cleanName(input.model);
    parts = ['step', stepType ?? null, stepName ?? null, agent ?? null, model ?? null];
    const shown = [stepType, stepName ?? (agent || model ? l10n.t('(unnamed step)') : undefined), agent, model].filter((p): p is string => p !== undefined);
    label = stepName || agent || model ? shown.join(' · ') : stepType ? l10n.t('{0} · (no error text)', stepType) : l10n.t('(no error text)');
  }
  // Cleaned parts hold no control characters, so U+0000 separates them and U+0001 marks one absent.
  return { label, canonical: `${input.kind}\u0000${parts.map((p) => p ?? '\u0001').join('\u0000')}`, text };
}

/** The key of a canonical form: the kind (its first element) and a hash of the whole. */
function keyOf(kind: SourceKind, canonical: string): string {
  return `${kind}-${hash53(canonical)}`;
}

/**
 * A failed run's signature. With error text (Paragon): the failing step's type and the text
 * normalized (normalizeErrorText). Without (Dispersl, whose API gives none; a Paragon run
 * whose failing output was not fetched): the failing step's type (if any), name, agent and
 * model, as given (cleaned of control and bidi characters, not normalized: they are names).
 * The kind is part of the key, so two sources' kinds never share a signature.
 */
export function signatureOf(input: SignatureInput): Signature {
  const { label, canonical } = describe(input);
  return { key: keyOf(input.kind, canonical), label };
}

/** A signature worked out once and kept (Insights' frames keep one per failed run): the exact parts it groups by, its key and label. */
export interface KnownSignature extends Signature {
  readonly canonical: string;
}

export function knownSignatureOf(input: SignatureInput): KnownSignature {
  const { label, canonical } = describe(input);
  return { key: keyOf(input.kind, canonical), label, canonical };
}

/** The error text an example shows for this failure: as found (not normalized), cleaned and cut to 300 characters; null when there is none. */
export function exampleErrorText(input: SignatureInput): string | null {
  const { text } = describe(input);
  return text === undefined ? null : cap(cleanText(text, SIGNATURE_TEXT_LIMIT + 1), SIGNATURE_TEXT_LIMIT) || null;
}

// ---------------------------------------------------------------------------------------------
// Clustering.

/** One failed run, as Insights reads it from the index. */
export interface FailureSample extends SignatureInput {
  readonly runId: string;
  /** The failing step (the run panel opens on it). */
  readonly stepId?: string;
  /** When the run started (ISO 8601, epoch ms or a Date). A run without a valid one is counted but has no place in time. */
  readonly startedAt?: string | number | Date | null;
  /** Paragon's workflow id; Dispersl has none (taskName is used). */
  readonly workflowId?: string;
  /** Dispersl's task name. */
  readonly taskName?: string;
  readonly userId?: string;
}

export interface ErrorSignatureCluster {
  readonly key: string;
  /** The readable signature (Signature.label). */
  readonly signature: string;
  readonly count: number;
  /** The start of its oldest and newest run, ISO 8601 UTC; null when none of its runs has a start time. */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Runs started in (now − 24 h, now], and later (a clock ahead of ours). */
  readonly last24h: number;
  /** Runs started in (now − 48 h, now − 24 h]. */
  readonly previous24h: number;
  /** Runs started in (now − 7 d, now − 24 h]: the 6 days before the last 24 hours. */
  readonly previous6d: number;
  /** Its first run started within the 24 hours before now. */
  readonly newInLast24h: boolean;
  /** last24h ≥ GROWING_MIN_COUNT (3) and last24h > previous6d / 6 (the daily average of the 6 days before). */
  readonly growing: boolean;
  /** Workflow ids (Paragon) or task names (Dispersl), most runs first (ties by name), at most TOP_LIST_LIMIT (20). */
  readonly workflows: readonly string[];
  /** Distinct workflows/tasks (exact up to 10,000; a lower bound past it). */
  readonly workflowCount: number;
  readonly users: readonly string[];
  readonly userCount: number;
  /** The newest run (latest start; ties: the greater run id), its failing step and error text (cleaned, cut to 300 characters). */
  readonly example: { readonly runId: string; readonly stepId: string | null; readonly startedAt: string | null; readonly errorText: string | null };
}

interface ClusterState {
  readonly key: string;
  readonly label: string;
  count: number;
  firstMs: number | undefined;
  lastMs: number | undefined;
  last24h: number;
  previous24h: number;
  previous6d: number;
  readonly workflows: Map<string, number>;
  readonly users: Map<string, number>;
  example: { runId: string; stepId: string | null; ms: number | undefined; errorText: string | null };
}

function timeOf(value: string | number | Date | null | undefined): number | undefined {
  let ms: number;
  if (typeof value === 'string') ms = Date.parse(value);
  else if (typeof value === 'number') ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else return undefined;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

function tally(map: Map<string, number>, name: string | undefined): void {
  if (typeof name !== 'string' || name === '') return;
  const had = map.get(name);
  if (had !== undefined) map.set(name, had + 1);
  else if (map.size < DISTINCT_LIMIT) map.set(name, 1);
}

function top(map: Map<string, number>): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP_LIST_LIMIT)
    .map(([name]) => name);
}

function newer(ms: number | undefined, runId: string, than: { ms: number | undefined; runId: string }): boolean {
  if (ms === undefined) return false;
  if (than.ms === undefined) return true;
  return ms > than.ms || (ms === than.ms && runId > than.runId);
}

/**
 * Clusters failures one at a time: memory grows with the number of signatures (each keeps
 * counters, its example and at most 10,000 workflow and user names), never with the number
 * of runs, so the run index can be streamed through it. `now` is fixed at construction
 * because the trend windows (last 24 hours, the 6 days before) are counted as runs arrive.
 */
export class ErrorSignatureAccumulator {
  private readonly clusters = new Map<string, ClusterState>();
  private readonly nowMs: number;
  private added = 0;

  constructor(now: Date) {
    this.nowMs = now.getTime();
  }

  /** Failures added so far. */
  get size(): number {
    return this.added;
  }

  /**
   * Adds one failed run; returns its signature (callers that list "these runs" later match on
   * `key`). With `known` (its signature worked out before), the sample's error is not read
   * again, and the example the cluster keeps has no error text: the caller looks it up for the
   * example alone (exampleErrorText), rather than keeping every run's text.
   */
  add(sample: FailureSample, known?: KnownSignature): Signature {
    const described: Described = known ? { label: known.label, canonical: known.canonical, text: undefined } : describe(sample);
    let cluster = this.clusters.get(described.canonical);
    if (!cluster) {
      cluster = {
        key: known?.key ?? keyOf(sample.kind, described.canonical),
        label: described.label,
        count: 0,
        firstMs: undefined,
        lastMs: undefined,
        last24h: 0,
        previous24h: 0,
        previous6d: 0,
        workflows: new Map(),
        users: new Map(),
        example: { runId: String(sample.runId), stepId: sample.stepId ?? null, ms: undefined, errorText: null },
      };
      this.clusters.set(described.canonical, cluster);
      cluster.example.errorText = described.text === undefined ? null : cap(cleanText(described.text, SIGNATURE_TEXT_LIMIT + 1), SIGNATURE_TEXT_LIMIT) || null;
    }
    this.added++;
    cluster.count++;
    const ms = timeOf(sample.startedAt);
    const runId = String(sample.runId);
    if (ms !== undefined) {
      if (cluster.firstMs === undefined || ms < cluster.firstMs) cluster.firstMs = ms;
      if (cluster.lastMs === undefined || ms > cluster.lastMs) cluster.lastMs = ms;
      const age = this.nowMs - ms;
      if (age < DAY_MS) cluster.last24h++;
      else if (age < 7 * DAY_MS) {
        cluster.previous6d++;
        if (age < 2 * DAY_MS) cluster.previous24h++;
      }
      if (newer(ms, runId, cluster.example)) {
        const errorText = described.text === undefined ? null : cap(cleanText(described.text, SIGNATURE_TEXT_LIMIT + 1), SIGNATURE_TEXT_LIMIT) || null;
        cluster.example = { runId, stepId: sample.stepId ?? null, ms, errorText };
      }
    }
    tally(cluster.workflows, sample.workflowId ?? sample.taskName);
    tally(cluster.users, sample.userId);
    return { key: cluster.key, label: cluster.label };
  }

  /** The signatures: most runs first, then the most recently seen, then by key. */
  result(): ErrorSignatureCluster[] {
    const out: ErrorSignatureCluster[] = [];
    for (const c of this.clusters.values()) {
      out.push({
        key: c.key,
        signature: c.label,
        count: c.count,
        firstSeen: c.firstMs === undefined ? null : new Date(c.firstMs).toISOString(),
        lastSeen: c.lastMs === undefined ? null : new Date(c.lastMs).toISOString(),
        last24h: c.last24h,
        previous24h: c.previous24h,
        previous6d: c.previous6d,
        newInLast24h: c.firstMs !== undefined && this.nowMs - c.firstMs < DAY_MS,
        growing: c.last24h >= GROWING_MIN_COUNT && c.last24h > c.previous6d / 6,
        workflows: top(c.workflows),
        workflowCount: c.workflows.size,
        users: top(c.users),
        userCount: c.users.size,
        example: {
          runId: c.example.runId,
          stepId: c.example.stepId,
          startedAt: c.example.ms === undefined ? null : new Date(c.example.ms).toISOString(),
          errorText: c.example.errorText,
        },
      });
    }
    return out.sort((a, b) => b.count - a.count || (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** The signatures of a list of failures (see ErrorSignatureAccumulator, which streams). */
export function clusterSignatures(failures: Iterable<FailureSample>, now: Date): ErrorSignatureCluster[] {
  const accumulator = new ErrorSignatureAccumulator(now);
  for (const failure of failures) accumulator.add(failure);
  return accumulator.result();
}
