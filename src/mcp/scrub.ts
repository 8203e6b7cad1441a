// What the MCP server hands a model from a step's input or output: secret-looking values
// taken out, then cut to the size the caller asked for. A model's context is copied into
// logs, chats and other tools, so a step that echoed an Authorization header, a vendor token
// or a password must not carry it there. Three layers:
// - the project's redactor (src/core/redaction.ts): every key this process knows (the API
//   key from the environment), whole, in pieces, in any case, in base64;
// - values under secret-sounding names ("authorization", "apiKey", "password", "client_secret"…);
// - secret-shaped text anywhere (Bearer/Basic credentials, JWTs, well-known token prefixes,
//   key=value pairs in query strings, user:password@ in URLs).
// Redaction runs before the cut, so a cut of ours can never leave half a secret unredacted.
// Every tool's whole answer passes the secret-shaped patterns (scrubAnswer), and texts cut
// before the server saw them (src/insights cuts error texts) get scrubCutText: no piece of
// 4+ characters of the server's key, no beginning of a token left at a cut.
import { REDACTED, redactKnown, redactMarked } from '../core/redaction';

/** Object keys whose string values are credentials. Numbers under them (tokensUsed, maxTokens) are kept. */
const SECRET_NAME =
  /^(?:authorization|proxy-authorization|x-api-key|api[-_ ]?key|apikey|api[-_]?token|access[-_]?token|refresh[-_]?token|id[-_]?token|auth[-_]?token|bearer|token|secret|client[-_]?secret|secret[-_]?key|private[-_]?key|access[-_]?key(?:[-_]?id)?|password|passwd|pwd|passphrase|cookie|set-cookie|session(?:[-_]?id)?|credentials?|signature|x-amz-security-token|x-auth-token)$/i;

/** Secret-shaped text, each with what replaces it (a scheme or a name is kept, so the text still reads). */
const SECRET_TEXT: readonly [RegExp, string][] = [
  // "Bearer abc…", "Basic dXNlcjpw…", "Token abc…" (an HTTP credential quoted in an error or a header dump).
  [/\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=:-]{8,}/gi, `$1 ${REDACTED}`],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Well-known token shapes: OpenAI/Stripe (sk-, sk_live_, rk_live_, pk_live_), GitHub, Slack, AWS, Google.
  [/\b(?:sk|rk|pk)[-_](?:live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  // key=value in query strings and form bodies, "key": "value" in JSON text held as a string.
  [/\b(api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password|passwd|pwd|signature|sig|auth)=([^&\s"'<>]{4,})/gi, `$1=${REDACTED}`],
  [
    /("(?:authorization|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password|passwd|x-api-key|cookie)"\s*:\s*")(?:[^"\\]|\\.)+(")/gi,
    `$1${REDACTED}$2`,
  ],
  // Credentials in a URL: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** A text with every known key and every secret-shaped piece replaced by "[redacted]". */
export function scrubText(text: string, redact: (text: string) => string = redactKnown): string {
  let out = redact(text);
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Every string of a tool's answer (object keys too) through scrubText: the secret-shaped
 * patterns over the whole answer, not over chosen fields, so a field added later, a label
 * built from API text (an error signature) or an error message cannot skip it. Unlike
 * scrubValue it never replaces a value for its field's name: an answer's own fields
 * ("signature", "tokensUsed") are not credentials. Payload texts in it were scrubbed with
 * scrubValue before they were cut; scrubbing them again changes nothing.
 */
export function scrubAnswer(value: unknown, redact: (text: string) => string = redactKnown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, redact);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 200) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => scrubAnswer(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[scrubText(key, redact)] = scrubAnswer(item, redact, depth + 1);
  return out;
}

/** The shortest piece of a key taken out of a text that may have been cut before the server saw it. */
export const MIN_CUT_KEY_PIECE = 4;

/**
 * Every piece of MIN_CUT_KEY_PIECE characters or more of the given keys, in any letter case.
 * Why 4-grams make it leak-proof: any piece of a key of 4 characters or more contains a
 * 4-character window that is itself a piece of the key; every such window in the text is
 * marked and replaced, so no run of 4 or more key characters can remain. The project's
 * redactor stops at 8 (shorter pieces of a random key match ordinary words and ids too
 * often), which is right for whole texts: a key inside a text is there whole and goes whole.
 * A piece shorter than 8 survives only where a text was cut (or rewritten, as signature
 * normalization does) before the redactor saw it: those texts, and only those, get this pass
 * (ids elsewhere in an answer must not lose four characters to a chance match).
 */
export class KeyPieces {
  private readonly pieces = new Set<string>();

  constructor(keys: Iterable<string | undefined>) {
    for (const key of keys) {
      const folded = key?.trim().toLowerCase();
      if (!folded || folded.length < MIN_CUT_KEY_PIECE) continue;
      for (let i = 0; i + MIN_CUT_KEY_PIECE <= folded.length; i++) this.pieces.add(folded.slice(i, i + MIN_CUT_KEY_PIECE));
    }
  }

  redact(text: string): string {
    if (this.pieces.size === 0 || text.length < MIN_CUT_KEY_PIECE) return text;
    // toLowerCase keeps UTF-16 indexes for ASCII, and keys are ASCII; a text whose length changes is folded per character.
    const folded = text.toLowerCase();
    const lower = folded.length === text.length ? folded : [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
    let hidden: Uint8Array | undefined;
    for (let i = 0; i + MIN_CUT_KEY_PIECE <= lower.length; i++) {
      if (this.pieces.has(lower.slice(i, i + MIN_CUT_KEY_PIECE))) (hidden ??= new Uint8Array(text.length)).fill(1, i, i + MIN_CUT_KEY_PIECE);
    }
    return hidden ? redactMarked(text, hidden) : text;
  }
}

/** Characters a credential fragment is made of (a URL's user:password and a key=value pair included). */
const FRAGMENT = /[A-Za-z0-9._~+/=:%-]+$/;

/**
 * The beginnings of SECRET_TEXT's token shapes: what a cut can leave of one (too short for
 * the whole pattern to match). Only the shape's fixed start followed by at least one more
 * character counts: "sk_" or "eyJ" alone is the public shape, not a piece of a secret, and
 * "s" at the end of a text is a word.
 */
const TOKEN_PREFIXES: readonly RegExp[] = [
  ['eyJ', '[A-Za-z0-9_.-]+'],
  ...['sk-', 'sk_', 'rk-', 'rk_', 'pk-', 'pk_'].map((p) => [p, '[A-Za-z0-9_-]+']),
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((p) => [p, '[A-Za-z0-9]+']),
  ['github_pat_', '[A-Za-z0-9_]+'],
  ...['xoxa-', 'xoxb-', 'xoxp-', 'xoxr-', 'xoxs-'].map((p) => [p, '[A-Za-z0-9-]+']),
  ['AKIA', '[0-9A-Z]+'],
  ['ASIA', '[0-9A-Z]+'],
  ['AIza', '[0-9A-Za-z_-]+'],
].map(([literal, tail]) => new RegExp(`(?:^|[^A-Za-z0-9])(${literal}${tail})$`));
/** key=value with the value cut short (SECRET_TEXT wants 4 characters of it). */
const PAIR_PREFIX =
  /(?:^|[^A-Za-z0-9])(?:api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password|passwd|pwd|signature|sig|auth)=([^&\s"'<>]+)$/i;
/** A URL's user:password@ cut before the "@". */
const URL_CREDENTIAL_PREFIX = /[a-z][a-z0-9+.-]*:\/\/([^\s/:@]+:[^\s/@]*)$/i;
/** What precedes a credential that is all fragment: an HTTP scheme, or a secret-named JSON field's opening quote. */
const CREDENTIAL_BEFORE = [
  /\b(?:Bearer|Basic|Token|Digest)\s+$/i,
  /"(?:authorization|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password|passwd|x-api-key|cookie)"\s*:\s*"$/i,
];

/** `before` with the fragment at its end redacted when it is the beginning of a credential. */
function redactFragmentBefore(before: string): string {
  const fragment = FRAGMENT.exec(before)?.[0];
  if (!fragment) return before;
  const head = before.slice(0, before.length - fragment.length);
  if (CREDENTIAL_BEFORE.some((re) => re.test(head))) return `${head}${REDACTED}`;
  for (const re of [...TOKEN_PREFIXES, PAIR_PREFIX, URL_CREDENTIAL_PREFIX]) {
    const match = re.exec(fragment);
    if (match) return `${before.slice(0, before.length - match[1]!.length)}${REDACTED}`;
  }
  return before;
}

/** The cut marker the project's texts end a cut with (insights' signatures and examples, errorTextOf). */
export const CUT_MARKER = '…';

/**
 * A text that may have been cut before the server saw it (an error signature, an example
 * error, a failing step's error text: src/insights cuts them, at 300 and 100,000 characters):
 * scrubbed as every text is; then every piece of 4+ characters of the server's keys taken out
 * (KeyPieces: a key straddling the cut leaves up to 7 characters, which the redactor does not
 * take); then the fragment just before each cut marker, and at the text's end (errorTextOf
 * also cuts without a marker), redacted when it is the beginning of a secret-shaped token
 * (what SECRET_TEXT would have matched had the text gone on): "Bearer abc…", "sk_live_ab…",
 * "eyJhb…", "api_key=ab…", "https://user:pa…". A half word at a cut says nothing a reader needs.
 */
export function scrubCutText(text: string, keys: KeyPieces, redact: (text: string) => string = redactKnown): string {
  return keys
    .redact(scrubText(text, redact))
    .split(CUT_MARKER)
    .map((part) => redactFragmentBefore(part))
    .join(CUT_MARKER);
}

/**
 * A JSON value with secrets taken out: strings scrubbed, string values under secret names
 * replaced whole, object keys scrubbed too (an API may key a map by a token). Depth-first
 * with an explicit stack would be overkill here: payloads are JSON the API parsed, at most a
 * few hundred levels deep.
 */
export function scrubValue(value: unknown, redact: (text: string) => string = redactKnown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, redact);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any real payload: stop rather than risk the stack; what is below is not shown.
  if (depth > 200) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const name = scrubText(key, redact);
    out[name] =
      SECRET_NAME.test(key) && (typeof item === 'string' || (Array.isArray(item) && item.every((i) => typeof i === 'string'))) ? REDACTED : scrubValue(item, redact, depth + 1);
  }
  return out;
}

/** A payload as a model receives it: its compact text (a string payload as it is), cut to `maxChars`, and how much was cut. */
export interface PayloadText {
  /** Absent when the API sent no payload. */
  readonly text?: string;
  /** Characters of the whole (redacted) text. */
  readonly totalChars: number;
  /** Characters left out at the end; 0 when it is whole. */
  readonly cutChars: number;
  readonly truncated: boolean;
  /** The API's own "large" flag (Paragon's isLargeInput/isLargeOutput). */
  readonly large?: boolean;
}

/** The redacted payload's text, cut to at most `maxChars` characters (never inside a surrogate pair). */
export function payloadText(value: unknown, maxChars: number, large: boolean | undefined, redact: (text: string) => string = redactKnown): PayloadText {
  if (value === undefined || value === null) return { totalChars: 0, cutChars: 0, truncated: false, ...(large ? { large } : {}) };
  const scrubbed = scrubValue(value, redact);
  const whole = typeof scrubbed === 'string' ? scrubbed : (JSON.stringify(scrubbed) ?? 'null');
  let end = Math.min(whole.length, Math.max(0, maxChars));
  // Do not split a surrogate pair: the half left would be an invalid character.
  if (end > 0 && end < whole.length && /[\ud800-\udbff]/.test(whole[end - 1]!)) end--;
  const text = whole.slice(0, end);
  return { text, totalChars: whole.length, cutChars: whole.length - end, truncated: end < whole.length, ...(large ? { large } : {}) };
}
