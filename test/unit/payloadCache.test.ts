import assert from 'node:assert/strict';
import type { StepPayload } from '../../src/core/model';
import { PayloadCache } from '../../src/core/payloadCache';

const payload = (stepId: string): StepPayload => ({ runId: 'r', stepId, input: { n: 1 }, output: 'ok', isLargeInput: false, isLargeOutput: false });

describe('Payload cache', () => {
  it('loads a step once, however many ask at the same time or later', async () => {
    const cache = new PayloadCache();
    let loads = 0;
    const load = async () => {
      loads++;
      return payload('s1');
    };
    const key = PayloadCache.key('src', 'r', 's1');
    const [a, b] = await Promise.all([cache.get(key, load), cache.get(key, load)]);
    const c = await cache.get(key, load);
    assert.equal(loads, 1);
    assert.equal(a, b);
    assert.equal(a, c);
  });

  it('keeps no failure: the next ask tries again', async () => {
    const cache = new PayloadCache();
    const key = PayloadCache.key('src', 'r', 's1');
    await assert.rejects(cache.get(key, () => Promise.reject(new Error('429'))));
    assert.equal(cache.has(key), false);
    assert.deepEqual(await cache.get(key, async () => payload('s1')), payload('s1'));
  });

  it('drops the least recently used payloads once the byte budget is spent', async () => {
    const cache = new PayloadCache({ maxBytes: 3000 });
    const keys = ['a', 'b', 'c', 'd'].map((s) => PayloadCache.key('src', 'r', s));
    for (const key of keys.slice(0, 3)) await cache.get(key, async () => payload(key), 1000);
    await cache.get(keys[0]!, async () => payload('again'), 1000); // a is now the most recent
    await cache.get(keys[3]!, async () => payload('d'), 1000);
    assert.deepEqual(
      keys.map((k) => cache.has(k)),
      [true, false, true, true],
    );
  });

  it('keys sources, runs and steps apart, whatever characters their ids hold', () => {
    assert.notEqual(PayloadCache.key('a/b', 'c', 'd'), PayloadCache.key('a', 'b/c', 'd'));
  });
});
