// What the MCP server hands a model from a step's input or output: secret-looking values
// taken out, then cut to the size the caller asked for. A model's context is copied into
// logs, chats and other tools, so a step that echoed an Authorization header, a vendor token
// or a password must not carry it there. Three layers:
// - the project's redactor (src/core/redaction.ts): every key this process knows (the API
//   key from the environment), whole, in pieces, in any case, in base64;
// - values under secret-sounding names ("authorization", "apiKey", "password", "client_secret"…);
// - secret-shaped text anywhere (Bearer/Basic credentials, JWTs, well-known token prefixes,
//   key=value pairs in query strings, user:password@ in URLs).
// Redaction runs before the cut, so a cut can never leave half a secret unredacted.
import { REDACTED, redactKnown } from '../core/redaction';

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
