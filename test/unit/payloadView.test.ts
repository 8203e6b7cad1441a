import assert from 'node:assert/strict';
import { LARGE_PAYLOAD_BYTES, payloadView, prettyPrefix, PREVIEW_CHARS } from '../../src/core/payloadView';

/** A deterministic pseudo-random JSON value (no Math.random: failures must reproduce). */
function sample(seed: number, depth = 0): unknown {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const make = (d: number): unknown => {
    const r = next();
    if (d > 3 || r < 0.3) return [null, true, 42, -1.5, 'text "quoted" \n <img src=x onerror=alert(1)>', ''][Math.floor(next() * 6)];
    if (r < 0.6) return Array.from({ length: Math.floor(next() * 5) }, () => make(d + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, (_, i) => [`k${i}-${Math.floor(next() * 100)}`, make(d + 1)]));
  };
  return make(depth);
}

describe('Step payloads for the panel', () => {
  describe('prettyPrefix', () => {
    it('is exactly the start of JSON.stringify(value, null, 2) for any value and cut', () => {
      for (let seed = 1; seed <= 200; seed++) {
        const value = sample(seed);
        const full = JSON.stringify(value, null, 2);
        for (const cut of [1, 7, 40, 200, 100_000]) assert.equal(prettyPrefix(value, cut), full.slice(0, cut), `seed ${seed} cut ${cut}`);
      }
    });

    it('skips undefined members and turns undefined array items into null, as JSON.stringify does', () => {
      const value = { a: undefined, b: [undefined, 1], c: () => 1 };
      assert.equal(prettyPrefix(value, 1000), JSON.stringify(value, null, 2));
    });

    it('does not walk a huge payload to preview its start', () => {
      let visited = 0;
      const items = new Proxy(new Array(1_000_000).fill({ a: 1 }), {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) visited++;
          return Reflect.get(target, key, receiver);
        },
      });
      const text = prettyPrefix({ items }, 500);
      assert.equal(text.length, 500);
      assert.ok(visited < 100, `visited ${visited} items`);
    });
  });

  describe('payloadView', () => {
    it('sends a missing payload as missing', () => {
      assert.deepEqual(payloadView(undefined, false), { kind: 'missing' });
      assert.deepEqual(payloadView(null, false), { kind: 'missing' });
    });

    it('sends a string as text — the error message a failed step outputs — with its size counted as the API does (JSON bytes)', () => {
      const view = payloadView('Error: no auth mechanism defined', false);
      assert.deepEqual(view, { kind: 'text', text: 'Error: no auth mechanism defined', bytes: 34, truncated: false });
      assert.equal(payloadView('a\u0000é', false).kind === 'text' && (payloadView('a\u0000é', false) as { bytes: number }).bytes, Buffer.byteLength(JSON.stringify('a\u0000é')));
    });

    it('sends a small value whole', () => {
      const value = { statusCode: 200, body: { id: 'a1', tags: ['x'] } };
      assert.deepEqual(payloadView(value, false), { kind: 'json', value, bytes: Buffer.byteLength(JSON.stringify(value)) });
    });

    it('previews a value the API flags large, whatever its size', () => {
      const view = payloadView({ records: [1, 2, 3] }, true);
      assert.equal(view.kind, 'preview');
      assert.equal(view.kind === 'preview' && view.reason, 'flag');
    });

    it('previews a value over the size threshold, sending only the first few kilobytes', () => {
      const value = { filler: 'x'.repeat(LARGE_PAYLOAD_BYTES + 10) };
      const view = payloadView(value, false);
      assert.equal(view.kind, 'preview');
      if (view.kind !== 'preview') return;
      assert.equal(view.reason, 'size');
      assert.equal(view.bytes, Buffer.byteLength(JSON.stringify(value)));
      assert.equal(view.text.length, PREVIEW_CHARS);
      assert.ok(JSON.stringify(value, null, 2).startsWith(view.text));
    });
  });
});
