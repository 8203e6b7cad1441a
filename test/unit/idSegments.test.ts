import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DisperslClient } from '../../src/sources/dispersl/disperslClient';
import { isHistoryApiError } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { pathSegment } from '../../src/sources/pathSegment';

/** A raw server that records every request's method and path and answers 404. */
async function startRecordingServer(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs a call that is expected to reach the server (it answers 404): only the path matters. */
async function settle(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isHistoryApiError(error)) throw error;
  }
}

const HOSTILE_IDS: readonly [string, string][] = [
  ['empty', ''],
  ['blank', '   '],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['NUL', 'a\u0000b'],
  ['newline', 'abc\ndef'],
  ['ESC', '\u001b]8;;x\u0007'],
  ['C1 control', 'a\u0085b'],
  ['DEL', 'a\u007fb'],
  ['over 256 characters', 'x'.repeat(257)],
  ['half of a UTF-16 pair', 'run-\ud800'],
];

describe('Ids are path segments', () => {
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  before(async () => {
    server = await startRecordingServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
  });

  const paragon = () => new ParagonClient({ projectId: 'p', baseUrl: server.url, apiKey: 'k', retries: 0, rateLimit: null });
  const dispersl = () => new DisperslClient({ baseUrl: `${server.url}/v1`, apiKey: 'k', retries: 0, requestsPerHour: null });

  describe('pathSegment', () => {
    for (const [name, id] of HOSTILE_IDS) {
      it(`rejects an id that is ${name} with a bad-request error naming the id`, () => {
        assert.throws(
          () => pathSegment(id, 'run id'),
          (error: unknown) => isHistoryApiError(error) && error.kind === 'bad-request' && error.name === 'InvalidIdError' && /run id/.test(error.message),
        );
      });
    }
    it('encodes every reserved character, so an id stays one segment', () => {
      assert.equal(pathSegment('a/b?c#d%2e', 'run id'), 'a%2Fb%3Fc%23d%252e');
      assert.equal(pathSegment('...', 'run id'), '...');
      assert.equal(pathSegment('9c1d4b52-3f0e-4a8b-b7d2-6e5f1a2c3d4e', 'run id'), '9c1d4b52-3f0e-4a8b-b7d2-6e5f1a2c3d4e');
    });
    it('does not mistake a long multi-byte id for a short one (counts characters, not bytes)', () => {
      assert.equal(pathSegment('é'.repeat(256), 'run id'), encodeURIComponent('é'.repeat(256)));
    });
  });

  describe('Paragon client', () => {
    it('never sends replay of ".." (it would POST to …/task-history/replay)', async () => {
      await assert.rejects(paragon().replay('..'), (e: unknown) => isHistoryApiError(e) && e.kind === 'bad-request');
      assert.deepEqual(server.seen, []);
    });

    for (const [name, id] of HOSTILE_IDS) {
      it(`sends nothing for a run or step id that is ${name}`, async () => {
        const client = paragon();
        const bad = (e: unknown) => isHistoryApiError(e) && e.kind === 'bad-request';
        await assert.rejects(client.getRun(id), bad);
        await assert.rejects(client.replay(id), bad);
        await assert.rejects(client.getStepPayload(id, 'step-1'), bad);
        await assert.rejects(client.getStepPayload('run-1', id), bad);
        assert.deepEqual(server.seen, []);
      });
    }

    it('refuses a project id that is not one segment before anything is sent', () => {
      assert.throws(
        () => new ParagonClient({ projectId: '..', baseUrl: server.url, apiKey: 'k', rateLimit: null }),
        (e: unknown) => isHistoryApiError(e) && e.kind === 'bad-request' && /project id/.test(e.message),
      );
    });

    it('encodes an id holding "/" into one segment', async () => {
      const client = paragon();
      await settle(client.getRun('a/b'));
      await settle(client.getStepPayload('a/b', '../c'));
      await settle(client.replay('x/../..'));
      assert.deepEqual(server.seen, [
        'GET /projects/p/task-history/workflow-executions/a%2Fb',
        'GET /projects/p/task-history/workflow-executions/a%2Fb/step-executions/..%2Fc',
        'POST /projects/p/task-history/workflow-executions/x%2F..%2F../replay',
      ]);
    });
  });

  describe('Dispersl client', () => {
    for (const [name, id] of HOSTILE_IDS) {
      it(`sends nothing for a task id that is ${name}`, async () => {
        await assert.rejects(dispersl().getRun(id), (e: unknown) => isHistoryApiError(e) && e.kind === 'bad-request');
        assert.deepEqual(server.seen, []);
      });
    }

    it('encodes an id holding "/" or "?" into one segment', async () => {
      await settle(dispersl().getRun('a/b'));
      await settle(dispersl().getRun('export?format=csv'));
      assert.deepEqual(server.seen, ['GET /v1/history/a%2Fb', 'GET /v1/history/export%3Fformat%3Dcsv']);
    });
  });
});
