import assert from 'node:assert/strict';
import { REDACTED, Redactor, redactSecrets } from '../../src/sources/redaction';

const KEY = 'thx-live-9f3a2c71e4b8d605aa17';

/** Every substring of at least `min` characters of the key, case-folded. */
function leaks(text: string, key = KEY, min = 8): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (let i = 0; i + min <= key.length; i++) {
    const piece = key.slice(i, i + min).toLowerCase();
    if (lower.includes(piece)) found.push(piece);
  }
  return found;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('Redaction: no piece of a key in any text', () => {
  const redactor = new Redactor([KEY]);

  it('redacts the whole key, wherever it stands', () => {
    const out = redactor.redact(`Authorization: Bearer ${KEY}, again:${KEY}.`);
    assert.equal(out, `Authorization: Bearer ${REDACTED}, again:${REDACTED}.`);
  });

  it('redacts every prefix, suffix and inner piece of 8 or more characters (a message cut at 300 characters)', () => {
    let checked = 0;
    for (let start = 0; start < KEY.length; start++) {
      for (let end = start + 8; end <= KEY.length; end++) {
        const piece = KEY.slice(start, end);
        const out = redactor.redact(`echo: ${piece}…`);
        assert.deepEqual(leaks(out), [], `piece ${start}..${end} leaked: ${out}`);
        assert.ok(out.includes(REDACTED), out);
        checked++;
      }
    }
    assert.ok(checked > 200);
  });

  it('leaves a 7-character piece alone (no false positive)', () => {
    const seven = KEY.slice(3, 10);
    assert.equal(redactor.redact(`id ${seven} ok`), `id ${seven} ok`);
    assert.equal(redactor.redact('a perfectly ordinary message about workflow 42'), 'a perfectly ordinary message about workflow 42');
  });

  it('redacts upper-case, lower-case and mixed-case echoes', () => {
    const mixed = KEY.split('').map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    for (const variant of [KEY.toUpperCase(), KEY.toLowerCase(), mixed, KEY.toUpperCase().slice(0, 12)]) {
      const out = redactor.redact(`AUTH HEADER WAS BEARER ${variant}`);
      assert.deepEqual(leaks(out), [], out);
    }
  });

  it('redacts base64 and base64url of the key, of "Bearer <key>" and of "user:key", at every alignment, cut or whole', () => {
    const forms = [KEY, `Bearer ${KEY}`, `user:${KEY}`, `${KEY}:`, `ab:${KEY}`, `x${KEY}y`, KEY.toUpperCase(), `Bearer ${KEY.toUpperCase()}`];
    let checked = 0;
    let redactedCuts = 0;
    for (const form of forms) {
      for (const encode of [b64, b64url]) {
        const encoded = encode(form);
        const whole = redactor.redact(`header: ${encoded} end`);
        assert.ok(!whole.includes(encoded.slice(0, 12)), `${form}: ${whole}`);
        assert.match(whole, /^header: \[redacted\] end$/, form);
        // Cut short anywhere that still spans 8 bytes of the key (a truncated echo).
        for (let cut = 0; cut < encoded.length; cut += 4) {
          for (let end = cut + 4; end <= encoded.length; end++) {
            const piece = encoded.slice(cut, end);
            const decoded = Buffer.from(piece, encode === b64 ? 'base64' : 'base64url').toString('latin1');
            const out = redactor.redact(`… ${piece} …`);
            if (leaks(decoded).length > 0) {
              assert.ok(out.includes(REDACTED), `${form} cut ${cut}..${end}: ${out}`);
              redactedCuts++;
            }
          }
        }
        checked++;
      }
    }
    assert.equal(checked, forms.length * 2);
    assert.ok(redactedCuts > 500, `${redactedCuts} cut echoes checked`);
  });

  it('decoding a redacted text never yields 8 characters of the key', () => {
    const text = `401 {"message":"bad token ${b64(`Bearer ${KEY}`)}","basic":"${b64(`admin:${KEY}`)}"}`;
    const out = redactor.redact(text);
    for (const word of out.split(/[^A-Za-z0-9+/=_-]+/)) {
      assert.deepEqual(leaks(Buffer.from(word, 'base64').toString('latin1')), [], word);
    }
  });

  it('does not mistake ordinary base64 for a key', () => {
    const other = b64('some other payload entirely, not a secret');
    assert.equal(redactor.redact(other), other);
  });

  it('handles several keys, and ignores empty and very short ones', () => {
    const second = 'dsp_ZXQ9981kLmN0PqR';
    const both = new Redactor([KEY, second, '', 'ab', undefined]);
    const out = both.redact(`${KEY.slice(0, 10)} and ${second.toLowerCase().slice(4)} and ab`);
    assert.equal(out, `${REDACTED} and ${REDACTED} and ab`);
    assert.equal(redactSecrets('nothing here', []), 'nothing here');
  });

  it('matches a short key (under 8 characters) whole, case-insensitively', () => {
    const short = new Redactor(['k3Y-42']);
    assert.equal(short.redact('key K3Y-42 and k3y-4'), `key ${REDACTED} and k3y-4`);
  });

  it('keeps non-ASCII text around a match intact (indexes stay aligned)', () => {
    const out = redactor.redact(`İstanbul ⚠ ${KEY.slice(2, 14)} ünïcode`);
    assert.equal(out, `İstanbul ⚠ ${REDACTED} ünïcode`);
  });
});
