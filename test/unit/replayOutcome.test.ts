import assert from 'node:assert/strict';
import type { Run } from '../../src/core/model';
import { findAttemptsWithin, settleUncertainReplay, uncertainReplayNotice } from '../../src/core/replay';
import { OutcomeUnknownError, ProtocolError } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { buildCli, runCliProcess } from './support/cliProcess';
import { PROJECT, RUN_ID, startHostileParagon, type HostileParagon, type HostileParagonOptions, type ReplayBehaviour } from './support/hostileParagon';

const KEY = 'thx-replay-spec-key-8d41c07a';
const TRY_AGAIN = /try again|retry/i;

describe('Replay outcomes: never invite a second run the server may already have started', function () {
  this.timeout(60_000);
  const servers: HostileParagon[] = [];
  const serve = async (options: Omit<HostileParagonOptions, 'key'>) => {
    const server = await startHostileParagon({ key: KEY, ...options });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const client = (server: HostileParagon) => new ParagonClient({ projectId: PROJECT, baseUrl: server.origin, apiKey: KEY, rateLimit: null, retryBaseDelayMs: 1 });

  describe('the client', () => {
    const uncertain: [ReplayBehaviour, RegExp][] = [
      ['502', /Paragon answered 502/],
      ['drop', /connection broke after the request was sent/],
      ['cut-201', /answer \(201\) broke off/],
      ['created-corrupt-gzip', /answer \(201\) could not be read/],
    ];
    for (const [behaviour, reason] of uncertain) {
      it(`a replay answered with ${behaviour} may have started: OutcomeUnknownError, one POST, no "try again"`, async () => {
        const server = await serve({ replay: behaviour, replayActs: true });
        await assert.rejects(client(server).replay(RUN_ID), (error: unknown) => {
          assert.ok(error instanceof OutcomeUnknownError, `got ${String(error)}`);
          assert.match(error.message, /may have started/);
          assert.match(error.message, /look for its new execution in the history before replaying/);
          assert.match(error.reason, reason);
          assert.doesNotMatch(error.message, TRY_AGAIN);
          return true;
        });
        assert.equal(server.replays(), 1, 'exactly one POST');
      });
    }

    it('a 200 with an HTML page (captive portal) is not "replay requested": a ProtocolError saying the answer was not the API\'s', async () => {
      const server = await serve({ replay: 'html-200', replayActs: false });
      await assert.rejects(client(server).replay(RUN_ID), (error: unknown) => {
        assert.ok(error instanceof ProtocolError, `got ${String(error)}`);
        assert.match(error.message, /did not come from the Paragon API/);
        assert.match(error.message, /HTML page/);
        return true;
      });
      assert.equal(server.replays(), 1);
    });

    it('an empty 201 labelled text/html is a replay requested, not a captive portal', async () => {
      const server = await serve({ replay: 'created-empty-html', replayActs: true });
      await client(server).replay(RUN_ID);
      assert.equal(server.replays(), 1);
    });

    it('the documented 201 with no body is a replay requested', async () => {
      const server = await serve({ replay: 'created' });
      await client(server).replay(RUN_ID);
      assert.equal(server.started.length, 1);
    });
  });

  describe('looking for the execution after an unknown outcome', () => {
    it('finds the execution a replay answered with 502 did start', async () => {
      const server = await serve({ replay: '502', replayActs: true });
      const source = client(server);
      const original = await source.getRun(RUN_ID);
      const requestedAt = Date.now();
      await assert.rejects(source.replay(RUN_ID), OutcomeUnknownError);
      const outcome = await settleUncertainReplay(source, original, requestedAt, { attempts: 3, intervalMs: 10 });
      assert.equal(outcome.kind, 'found');
      assert.equal(outcome.kind === 'found' ? outcome.run.id : '', server.started[0]);
      const notice = uncertainReplayNotice(outcome, original, 'Paragon answered 502', 60);
      assert.equal(notice.action, 'Open Run');
      assert.match(notice.message, /did start/);
      assert.equal(server.replays(), 1);
    });

    it('offers "Replay Again" only after the search found nothing, and says to check the history', async () => {
      const server = await serve({ replay: 'drop', replayActs: false });
      const source = client(server);
      const original = await source.getRun(RUN_ID);
      const requestedAt = Date.now();
      await assert.rejects(source.replay(RUN_ID), OutcomeUnknownError);
      const outcome = await settleUncertainReplay(source, original, requestedAt, { attempts: 2, intervalMs: 10 });
      assert.equal(outcome.kind, 'not-found');
      const notice = uncertainReplayNotice(outcome, original, 'the connection broke', 60);
      assert.equal(notice.action, 'Replay Again');
      assert.match(notice.message, /may have started/);
      assert.match(notice.message, /Check the history before replaying/);
      assert.doesNotMatch(notice.message, TRY_AGAIN);
      const lookups = server.requests.filter((r) => r.method === 'GET' && r.path.includes('workflowId=')).length;
      assert.equal(lookups, 2, 'it looked (twice) before offering anything');
      assert.equal(server.replays(), 1);
    });

    it('never offers "Replay Again" when it could not look, or the look-up failed', () => {
      const original = { id: 'r1', workflowId: 'w1' } as Run;
      for (const outcome of [{ kind: 'cannot-look' as const }, { kind: 'look-failed' as const, error: new Error('x') }]) {
        const notice = uncertainReplayNotice(outcome, original, 'Paragon answered 503', 60);
        assert.equal(notice.action, undefined);
        assert.match(notice.message, /Check the history before replaying/);
      }
      assert.equal(findAttemptsWithin(0), 1);
      assert.equal(findAttemptsWithin(60_000, 3000), 21);
    });
  });

  describe('the command line (dist/cli.js)', () => {
    before(async function () {
      this.timeout(120_000);
      await buildCli();
    });
    const replay = (server: HostileParagon, extra: string[] = []) =>
      runCliProcess(['replay', RUN_ID, '--source', 'paragon', '--base-url', server.origin, '--project', PROJECT, '--yes', ...extra], { TASK_HISTORY_API_KEY: KEY });

    for (const behaviour of ['502', 'drop', 'cut-201'] as const) {
      it(`${behaviour}, nothing appeared: exit 1, "may have started", check the history first; one POST`, async () => {
        const server = await serve({ replay: behaviour, replayActs: false });
        const result = await replay(server, ['--wait', '0']);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /may have started/);
        assert.match(result.stderr, /Check the history before replaying again: task-history list --source paragon --project proj-hostile --workflow wf-0001/);
        assert.doesNotMatch(result.stderr + result.stdout, TRY_AGAIN);
        assert.doesNotMatch(result.stdout, /Replay requested/);
        assert.equal(server.replays(), 1);
      });
    }

    it('502 but the replay did start: prints the new execution, exit 0, one POST', async () => {
      const server = await serve({ replay: '502', replayActs: true });
      const result = await replay(server);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`did start: it is execution ${server.started[0]} \\(EXECUTING\\)`));
      assert.match(result.stderr, /may have started \(Paragon answered 502/);
      assert.equal(server.replays(), 1);
    });

    it('200 with an HTML page: exit 1, says the answer was not from the API, never "Replay requested"', async () => {
      const server = await serve({ replay: 'html-200', replayActs: false });
      const result = await replay(server);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /did not come from the Paragon API/);
      assert.doesNotMatch(result.stdout, /Replay requested/);
      assert.equal(server.replays(), 1);
    });
  });
});
