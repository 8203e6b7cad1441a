// The one redactor: every message, error and log line passes it before it is shown,
// logged or cut short, so no part of a key reaches a terminal, a notification or a log.
//
// A key is recognised, in any text, as:
// - any substring of 8 or more of its characters (a prefix left by a message cut at 300
//   characters, a suffix after a line break), in any letter case (an upper-cased echo);
// - any run of 10 or more base64 / base64url characters that encodes 8 or more of its
//   bytes, whatever the key is embedded in: `Bearer <key>`, `user:<key>` (Basic auth),
//   `<key>:`. Base64 of text that contains the key reads differently depending on where
//   the key starts modulo 3 bytes, so each key is encoded at all three alignments and only
//   the characters that depend on the key alone are kept. 10 base64 characters are 60 bits:
//   they always span 8 bytes of the key, never fewer, so 7 characters never match.
// A match is replaced by "[redacted]"; a base64 match takes its whole base64 word with it
// (the rest of `Bearer <key>` in base64 would otherwise remain).
// Keys shorter than 8 characters (none of the vendors issues such keys) are matched whole.

export const REDACTED = '[redacted]';

/** Shorter secrets are ignored: redacting 3-letter words would wreck every message. */
const MIN_SECRET_LENGTH = 4;
/** The shortest piece of a key that is redacted (a 7-character piece is not). */
export const MIN_KEY_PIECE = 8;
/** Base64 characters that always span MIN_KEY_PIECE bytes of the key at any alignment. */
const BASE64_PIECE = 10;

const BASE64_WORD_CHAR = /[A-Za-z0-9+/_-]/;

/** Lower-cases ASCII letters only, so indexes in the result are those of the input. */
function foldCase(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** The base64 characters of `secret`'s bytes that do not depend on what surrounds it, at a byte offset of `align` (0–2). */
function base64Core(bytes: Buffer, align: number): string {
  const encoded = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64');
  const first = Math.ceil((8 * align) / 6);
  const end = Math.floor((8 * (align + bytes.length)) / 6);
  return encoded.slice(first, end);
}

function toBase64Url(text: string): string {
  return text.replace(/\+/g, '-').replace(/\//g, '_');
}

/** Every substring of `text` of length `width`. */
function addPieces(into: Set<string>, text: string, width: number): void {
  for (let i = 0; i + width <= text.length; i++) into.add(text.slice(i, i + width));
}

export class Redactor {
  /** Case-folded pieces of the keys, by width (usually only MIN_KEY_PIECE). */
  private readonly plain = new Map<number, Set<string>>();
  /** Exact base64 and base64url pieces. */
  private readonly encoded = new Set<string>();
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Whether there is anything to redact. */
  get empty(): boolean {
    return this.secrets.size === 0;
  }

  add(secret: string | undefined): this {
    const key = secret?.trim();
    if (!key || key.length < MIN_SECRET_LENGTH || this.secrets.has(key)) return this;
    this.secrets.add(key);
    const width = Math.min(MIN_KEY_PIECE, key.length);
    let pieces = this.plain.get(width);
    if (!pieces) this.plain.set(width, (pieces = new Set()));
    addPieces(pieces, foldCase(key), width);
    if (key.length >= MIN_KEY_PIECE) {
      for (const variant of new Set([key, key.toLowerCase(), key.toUpperCase()])) {
        const bytes = Buffer.from(variant, 'utf8');
        for (let align = 0; align < 3; align++) {
          const core = base64Core(bytes, align);
          addPieces(this.encoded, core, BASE64_PIECE);
          addPieces(this.encoded, toBase64Url(core), BASE64_PIECE);
        }
      }
    }
    return this;
  }

  /** The text with every piece of every key replaced by "[redacted]". */
  redact(text: string): string {
    if (this.secrets.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    let hidden: Uint8Array | undefined;
    const hide = (from: number, to: number) => {
      hidden ??= new Uint8Array(text.length);
      hidden.fill(1, from, to);
    };
    const folded = foldCase(text);
    for (const [width, pieces] of this.plain) {
      for (let i = 0; i + width <= folded.length; i++) {
        if (pieces.has(folded.slice(i, i + width))) hide(i, i + width);
      }
    }
    if (this.encoded.size > 0) {
      for (let i = 0; i + BASE64_PIECE <= text.length; i++) {
        if (!this.encoded.has(text.slice(i, i + BASE64_PIECE))) continue;
        // The whole base64 word: what is left of it still encodes a piece of the key.
        let from = i;
        while (from > 0 && BASE64_WORD_CHAR.test(text[from - 1]!)) from--;
        let to = i + BASE64_PIECE;
        while (to < text.length && BASE64_WORD_CHAR.test(text[to]!)) to++;
        while (to < text.length && text[to] === '=') to++;
        hide(from, to);
        i = to - 1;
      }
    }
    return hidden ? redactMarked(text, hidden) : text;
  }
}

/** Redacts the given secrets from one text (builds a redactor: for one-off use). */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  return new Redactor(secrets).redact(text);
}

/**
 * The keys this process knows (the CLI's key from the environment; the extension's keys
 * from SecretStorage). Every typed error and every user message is redacted against them,
 * whichever layer built it.
 */
const known = new Redactor();

export function rememberSecret(secret: string | undefined): void {
  known.add(secret);
}

/** Redacts every key this process knows. */
export function redactKnown(text: string): string {
  return known.redact(text);
}

/** A redactor for these secrets plus every key the process knows. */
export function redactorFor(secrets: Iterable<string | undefined>): (text: string) => string {
  const own = new Redactor(secrets);
  return (text) => known.redact(own.redact(text));
}

/** `text` with each run of marked characters (hidden[i] = 1) replaced by one "[redacted]". */
export function redactMarked(text: string, hidden: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (hidden[i]) {
      out += REDACTED;
      while (i < text.length && hidden[i]) i++;
    } else {
      const start = i;
      while (i < text.length && !hidden[i]) i++;
      out += text.slice(start, i);
    }
  }
  return out;
}
