// The actions an error notification offers (src/core/errorActions.ts): the fix for what failed.
import { strict as assert } from 'node:assert';
import { errorActionsFor } from '../../src/core/errorActions';
import {
  AuthError,
  BadRequestError,
  CancelledError,
  NetworkError,
  NotFoundError,
  OutcomeUnknownError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from '../../src/core/errors';

describe('error actions', () => {
  it('offers Set API Key for a rejected key when the source is known, and never Retry (it would be rejected again)', () => {
    assert.deepEqual(errorActionsFor(new AuthError('rejected', 'GET /runs 401', 401), { canRetry: true, sourceId: 'p1' }), ['set-api-key', 'show-log']);
    assert.deepEqual(errorActionsFor(new AuthError('rejected', 'GET /runs 401', 401), { canRetry: true }), ['show-log']);
  });

  it('offers Retry for what trying again can fix, when the caller can retry', () => {
    for (const error of [
      new NetworkError('down', 'x'),
      new TimeoutError('slow', 'x'),
      new ServerError('502', 'x', 502),
      new RateLimitedError('429', 'x', 30),
      new Error('EACCES'),
    ]) {
      assert.deepEqual(errorActionsFor(error, { canRetry: true, sourceId: 'p1' }), ['retry', 'show-log'], error.message);
      assert.deepEqual(errorActionsFor(error, { canRetry: false, sourceId: 'p1' }), ['show-log'], error.message);
    }
  });

  it('never offers Retry for what a retry repeats, nor for a replay whose outcome is unknown', () => {
    for (const error of [
      new NotFoundError('gone', 'x'),
      new BadRequestError('bad', 'x', 'status'),
      new ProtocolError('cut', 'x'),
      new OutcomeUnknownError('unknown', 'x', 'Paragon answered 502', 502),
    ]) {
      assert.deepEqual(errorActionsFor(error, { canRetry: true, sourceId: 'p1' }), ['show-log'], error.message);
    }
  });

  it('offers nothing for a cancellation', () => {
    assert.deepEqual(errorActionsFor(new CancelledError(), { canRetry: true, sourceId: 'p1' }), []);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    assert.deepEqual(errorActionsFor(abort, { canRetry: true }), []);
  });
});
