import assert from 'node:assert/strict';
import { CancelledError, isHistoryApiError } from '../../src/core/errors';
import { rateBudgets, RateBudgets, keyDigest } from '../../src/sources/http/rateBudgets';
import { limiterReading, RateLimiter, type RateLimit } from '../../src/sources/http/rateLimiter';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { useEmulator } from './support/emulatorFixture';

/** Lets every pending promise settle (key look-ups, grants); a queued wait stays queued: its window is a minute. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 50));

/** Starts `count` acquisitions and reports how many were granted so far; `abort` ends the rest. */
function startMany(limiters: readonly RateLimiter[], perLimiter: number) {
  const controller = new AbortController();
  let granted = 0;
  let cancelled = 0;
  const all = limiters.flatMap((limiter) =>
    Array.from({ length: perLimiter }, () =>
      limiter.acquire(controller.signal).then(
        () => void granted++,
        (error: unknown) => {
          if (error instanceof CancelledError) cancelled++;
          else throw error;
        },
      ),
    ),
  );
  return {
    granted: () => granted,
    cancelled: () => cancelled,
    abort: async () => {
      controller.abort();
      await Promise.all(all);
    },
  };
}

const BUDGET: RateLimit = { limit: 20, intervalMs: 60_000 };

describe('The rate budget belongs to the key', () => {
  describe('limiters', () => {
    it('two limiters on the same origin and key grant 20 of 40 requests under a budget of 20', async () => {
      const registry = new RateBudgets();
      const a = new RateLimiter(BUDGET, { origin: 'https://api.example', apiKey: 'secret-key-123', registry });
      const b = new RateLimiter(BUDGET, { origin: 'https://api.example', apiKey: async () => 'secret-key-123', registry });
      const run = startMany([a, b], 20);
      await settle();
      console.log(`      granted ${run.granted()} of 40 (budget 20), waiting ${a.inUse().waiting}`);
      assert.equal(run.granted(), 20);
      assert.deepEqual(a.inUse(), { used: 20, limit: 20, intervalMs: 60_000, waiting: 20 });
      assert.equal(b.inUse().used, 20, 'both see the one window');
      await run.abort();
      assert.equal(run.cancelled(), 20);
      assert.equal(a.inUse().waiting, 0);
      assert.equal(a.inUse().used, 20, 'a cancelled wait spends no slot');
    });

    it('a client rebuilt mid-way continues the window instead of starting a fresh one', async () => {
      const registry = new RateBudgets();
      const key = () => 'rotating-not';
      const first = new RateLimiter(BUDGET, { origin: 'https://api.example', apiKey: key, registry });
      const before = startMany([first], 14);
      await settle();
      assert.equal(before.granted(), 14);
      const rebuilt = new RateLimiter(BUDGET, { origin: 'https://api.example', apiKey: key, registry });
      const after = startMany([rebuilt], 20);
      await settle();
      console.log(`      rebuilt client: ${after.granted()} more granted after 14 (budget 20)`);
      assert.equal(before.granted() + after.granted(), 20);
      await Promise.all([before.abort(), after.abort()]);
    });

    it('keeps separate windows for other keys and other origins, and names them by a SHA-256 digest only', async () => {
      const registry = new RateBudgets();
      const make = (origin: string, key: string) => new RateLimiter({ limit: 2, intervalMs: 60_000 }, { origin, apiKey: key, registry });
      const run = startMany([make('https://a.example', 'key-one-secret'), make('https://a.example', 'key-two-secret'), make('https://b.example', 'key-one-secret')], 3);
      await settle();
      assert.equal(run.granted(), 6, 'two per window, three windows');
      const ids = registry.ids();
      assert.equal(ids.length, 3);
      for (const id of ids) {
        assert.ok(!id.includes('secret'), `the key itself is never in a window's name: ${id}`);
        assert.match(id, /^https:\/\/[ab]\.example [0-9a-f]{64}$/);
      }
      assert.ok(ids.includes(`https://a.example ${keyDigest('key-one-secret')}`));
      await run.abort();
    });

    it('reads the key per request: a rotated key gets its own window', async () => {
      const registry = new RateBudgets();
      let key = 'old-key';
      const limiter = new RateLimiter({ limit: 1, intervalMs: 60_000 }, { origin: 'https://api.example', apiKey: () => key, registry });
      await limiter.acquire();
      key = 'new-key';
      await limiter.acquire(); // would wait a minute if the old key's window applied
      assert.equal(registry.ids().length, 2);
    });

    it('holds each sharer to its own budget over the key’s whole traffic', async () => {
      const registry = new RateBudgets();
      const loose = new RateLimiter({ limit: 10, intervalMs: 60_000 }, { origin: 'https://api.example', apiKey: 'k', registry });
      const strict = new RateLimiter({ limit: 4, intervalMs: 60_000 }, { origin: 'https://api.example', apiKey: 'k', registry });
      const a = startMany([loose], 6);
      await settle();
      const b = startMany([strict], 3);
      await settle();
      assert.equal(a.granted(), 6);
      assert.equal(b.granted(), 0, 'the key already sent 6 of the strict budget’s 4');
      await Promise.all([a.abort(), b.abort()]);
    });

    it('finds the limiter a host’s key source feeds, to show its budget', async () => {
      const keySource = () => 'tooltip-key';
      const limiter = new RateLimiter(BUDGET, { origin: 'https://tooltip.example', apiKey: keySource, registry: new RateBudgets() });
      assert.equal(limiterReading(keySource), limiter);
      await limiter.acquire();
      assert.equal(limiterReading(keySource)?.inUse().used, 1);
    });
  });

  describe('clients against the emulator', () => {
    const emulator = useEmulator();
    beforeEach(() => emulator().resetStats());

    it('two Paragon sources on the same project and key send 20 of 40 requests under a budget of 20', async () => {
      const make = () =>
        new ParagonClient({ projectId: emulator().projectId, baseUrl: new URL(emulator().paragonBaseUrl).origin, apiKey: emulator().apiKey, rateLimit: BUDGET, concurrency: 40 });
      const [one, two] = [make(), make()];
      const controller = new AbortController();
      const calls = [one, two].flatMap((client) =>
        Array.from({ length: 20 }, (_, i) =>
          client.getRun(emulator().truth.paragonIds({})[i]!, controller.signal).then(
            () => 'sent',
            (error: unknown) => (isHistoryApiError(error) ? error.kind : 'untyped'),
          ),
        ),
      );
      // Wait until 20 have been answered, then give the others every chance to go out.
      const deadline = Date.now() + 15_000;
      while (emulator().stats().requests < 20 && Date.now() < deadline) await settle();
      await settle();
      await settle();
      const sent = emulator().stats().requests;
      controller.abort();
      const outcomes = await Promise.all(calls);
      console.log(
        `      emulator saw ${sent} requests of 40 (budget 20); outcomes: ${outcomes.filter((o) => o === 'sent').length} sent, ${outcomes.filter((o) => o === 'cancelled').length} cancelled`,
      );
      assert.equal(sent, 20);
      assert.equal(outcomes.filter((o) => o === 'sent').length, 20);
      assert.equal(outcomes.filter((o) => o === 'cancelled').length, 20);
      assert.equal(emulator().stats().requests, 20, 'the cancelled ones never went out');
    });
  });

  describe('a Dispersl client against its own emulator', () => {
    // Its own emulator: the first one's origin and key already spent 20 (both APIs share an origin there).
    const emulator = useEmulator();
    beforeEach(() => emulator().resetStats());

    it('a Dispersl client rebuilt with the same key shares the hourly budget', async () => {
      const make = () => new DisperslClient({ baseUrl: emulator().disperslBaseUrl, apiKey: emulator().apiKey, requestsPerHour: 5, concurrency: 10 });
      const first = make();
      for (let i = 0; i < 3; i++) await first.listPage({}, i * 100);
      const rebuilt = make();
      const controller = new AbortController();
      const calls = Array.from({ length: 5 }, (_, i) =>
        rebuilt.listPage({}, i * 100, { signal: controller.signal }).then(
          () => 'sent',
          (e: unknown) => (isHistoryApiError(e) ? e.kind : 'untyped'),
        ),
      );
      const deadline = Date.now() + 15_000;
      while (emulator().stats().requests < 5 && Date.now() < deadline) await settle();
      await settle();
      const sent = emulator().stats().requests;
      controller.abort();
      const outcomes = await Promise.all(calls);
      assert.equal(sent, 5, 'three before the rebuild, two after');
      assert.deepEqual(outcomes.filter((o) => o === 'sent').length, 2);
    });
  });

  it('the process registry never names a window by the key itself', () => {
    for (const id of rateBudgets.ids()) assert.match(id, / [0-9a-f]{64}$/);
  });
});
