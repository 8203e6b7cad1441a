import assert from 'node:assert/strict';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { RateLimiter } from '../../src/sources/http/rateLimiter';
import { useEmulator } from './support/emulatorFixture';

describe('Client-side rate budget', () => {
  const emulator = useEmulator({ rateLimit: { limit: 12, windowMs: 1000 } });
  beforeEach(() => emulator().resetStats());

  it('never exceeds the budget, even with many requests at once', async () => {
    const client = new ParagonClient({
      projectId: emulator().projectId,
      baseUrl: new URL(emulator().paragonBaseUrl).origin,
      apiKey: emulator().apiKey,
      rateLimit: { limit: 12, intervalMs: 1000 },
      concurrency: 8,
    });
    const offsets = Array.from({ length: 30 }, (_, i) => i * 100);
    const pages = await Promise.all(offsets.map((offset) => client.listPage({}, offset)));
    assert.equal(pages.length, 30);
    const stats = emulator().stats();
    assert.equal(stats.rateLimited, 0, 'the server never had to refuse');
    assert.ok(stats.maxInWindow <= 12, `at most 12 in any 1 s window, saw ${stats.maxInWindow}`);
    assert.ok(stats.maxConcurrent <= 8, `at most 8 in flight, saw ${stats.maxConcurrent}`);
    assert.equal(client.http.stats.requests, 30);
  });

  it('recovers from the server’s 429s when the client budget is off', async () => {
    const client = new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: null, concurrency: 8, retries: 6, retryBaseDelayMs: 50 });
    const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => client.listPage({}, i * 10)));
    assert.equal(pages.length, 20);
    assert.ok(emulator().stats().rateLimited > 0, 'the emulator did refuse some');
    assert.ok(client.http.stats.retries > 0);
  });

  it('rejects a nonsensical budget', () => {
    assert.throws(() => new RateLimiter({ limit: 0, intervalMs: 1000 }), RangeError);
  });
});
