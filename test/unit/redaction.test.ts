import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ApiKeys, redactedNotifications, redactingLog } from '../../src/config/secrets';
import { isHistoryApiError, NetworkError, OutcomeUnknownError, userMessage } from '../../src/core/errors';
import { ParagonClient } from '../../src/sources/paragon/paragonClient';
import { REDACTED, Redactor, redactSecrets } from '../../src/core/redaction';
import { buildCli, runCliProcess } from './support/cliProcess';
import { MemoryLog } from './support/emulatorFixture';
import { PROJECT, RUN_ID, startHostileParagon, type HostileParagon, type HostileParagonOptions } from './support/hostileParagon';

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
    const mixed = KEY.split('')
      .map((c, i) => (i % 2 ? c.toUpperCase() : c))
      .join('');
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

/** Pieces of the key in the text: plain (any case), or inside any base64/base64url word, at any cut. */
function anyLeak(text: string, key: string): string[] {
  const found = leaks(text, key);
  for (const word of text.match(/[A-Za-z0-9+/_-]{10,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      for (const encoding of ['base64', 'base64url'] as const) {
        found.push(...leaks(Buffer.from(word.slice(skip), encoding).toString('latin1'), key).map((p) => `base64 ${p}`));
      }
    }
  }
  return found;
}

describe('Redaction end to end: a server that echoes the Authorization header', function () {
  this.timeout(60_000);
  const KEY_OK = 'thx-e2e-Kq7vN2p0-6b1f0c93';
  const SENT = 'thx-e2e-Wm4zX8r5-2c7d55a1';
  const servers: HostileParagon[] = [];
  const serve = async (options: Omit<HostileParagonOptions, 'key'>) => {
    const server = await startHostileParagon({ key: KEY_OK, ...options });
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe("the client (no key registered with the process: the request's own header is enough)", () => {
    const client = (server: HostileParagon, apiKey: string, log: MemoryLog) =>
      new ParagonClient({ projectId: PROJECT, baseUrl: server.origin, apiKey, rateLimit: null, retries: 1, retryBaseDelayMs: 1, log });

    it('a 401 quoting the header (cut at 300 characters inside the key, upper-cased, base64, Basic) leaves no piece of the key', async () => {
      const server = await serve({});
      const log = new MemoryLog();
      let text = '';
      await assert.rejects(client(server, SENT, log).getRun(RUN_ID), (error: unknown) => {
        assert.ok(isHistoryApiError(error) && error.kind === 'auth', String(error));
        text = `${error.message}\n${error.detail}`;
        return true;
      });
      text += `\n${log.lines.join('\n')}`;
      assert.match(text, /\[redacted\]/);
      assert.deepEqual(anyLeak(text, SENT), []);
    });

    it('a 500 on a GET and a 502 on the replay POST quoting the header leave no piece of the key', async () => {
      const log = new MemoryLog();
      const failing = await serve({ getStatus: 500, echoAuth: true });
      const getError = await client(failing, KEY_OK, log)
        .getRun(RUN_ID)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(isHistoryApiError(getError) && getError.kind === 'server', String(getError));
      const replaying = await serve({ replay: '502', echoAuth: true });
      const replayError = await client(replaying, KEY_OK, log)
        .replay(RUN_ID)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(replayError instanceof OutcomeUnknownError, String(replayError));
      const text = [getError.message, getError.detail, replayError.message, replayError.detail, ...log.lines].join('\n');
      assert.match(replayError.message, /\[redacted\]/, 'the API message is quoted, redacted');
      assert.deepEqual(anyLeak(text, KEY_OK), []);
    });
  });

  describe('the command line (dist/cli.js)', () => {
    before(async function () {
      this.timeout(120_000);
      await buildCli();
    });
    const cli = (server: HostileParagon, args: string[], key: string) =>
      runCliProcess([...args, '--source', 'paragon', '--base-url', server.origin, '--project', PROJECT], { TASK_HISTORY_API_KEY: key });

    it('a rejected key echoed in a 401 (the message cut at 300 characters inside the key): exit 3, no piece of it printed, with or without --verbose', async () => {
      const server = await serve({});
      for (const extra of [[], ['--verbose']]) {
        const result = await cli(server, ['show', RUN_ID, ...extra], SENT);
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /rejected the API key/);
        assert.deepEqual(anyLeak(result.stdout + result.stderr, SENT), [], result.stderr);
      }
    });

    it('the accepted key echoed in a 500 on GET (--verbose) and a 502 on replay: no piece of it printed', async () => {
      const failing = await serve({ getStatus: 500, echoAuth: true });
      const first = await cli(failing, ['show', RUN_ID, '--verbose'], KEY_OK);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /detail: .*\[redacted\]/);
      const replaying = await serve({ replay: '502', echoAuth: true, replayActs: false });
      const second = await cli(replaying, ['replay', RUN_ID, '--yes', '--verbose', '--wait', '0'], KEY_OK);
      assert.equal(second.code, 1, second.stderr);
      assert.deepEqual(anyLeak(first.stdout + first.stderr + second.stdout + second.stderr, KEY_OK), []);
    });
  });
});

describe('Redaction in the extension: the keys in SecretStorage, the log channel, notifications', () => {
  const STORED = 'thx-vsc-Jr8sT3qY-90aa4e17';
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  /** SecretStorage as the extension sees it, in memory. */
  function secretStorage(initial: Record<string, string>) {
    const values = new Map(Object.entries(initial));
    return {
      get: async (key: string) => values.get(key),
      store: async (key: string, value: string) => void values.set(key, value),
      delete: async (key: string) => void values.delete(key),
      onDidChange: () => ({ dispose() {} }),
    } as unknown as vscode.SecretStorage;
  }

  it('a key read from SecretStorage is redacted from every typed error and user message built afterwards, in any form', async () => {
    const keys = new ApiKeys(secretStorage({ 'taskHistory.apiKey.prod': STORED }));
    const echo = `echo ${STORED.slice(0, 14)} / ${STORED.toUpperCase()} / ${b64(`Bearer ${STORED}`)}`;
    assert.notDeepEqual(leaks(new NetworkError(echo, echo).message, STORED), [], 'not known yet');
    await keys.rememberAll(['prod', 'missing']);
    const error = new NetworkError(echo, echo);
    assert.deepEqual(anyLeak(`${error.message} ${error.detail} ${userMessage(new Error(echo))} ${userMessage(echo)}`, STORED), []);
  });

  it('a key stored through "Set API Key" is known at once', async () => {
    const fresh = 'thx-vsc-Pp2dL6hG-3e5b0c88';
    await new ApiKeys(secretStorage({})).set('new', fresh);
    assert.equal(userMessage(new Error(`bad ${fresh.slice(5)}`)), `bad ${REDACTED}`);
  });

  it('the log channel redacts every line, arguments and errors included, and passes everything else through', async () => {
    await new ApiKeys(secretStorage({ 'taskHistory.apiKey.a': STORED })).get('a');
    const lines: string[] = [];
    const channel = {
      name: 'Task History',
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string | Error) => lines.push(`error ${String(m)}`),
      debug: (m: string) => lines.push(`debug ${m}`),
      trace: (m: string) => lines.push(`trace ${m}`),
      appendLine: (m: string) => lines.push(`line ${m}`),
      append: (m: string) => lines.push(`append ${m}`),
      replace: (m: string) => lines.push(`replace ${m}`),
      show: () => lines.push('shown'),
    } as unknown as vscode.LogOutputChannel;
    const log = redactingLog(channel);
    log.info(`GET → 401: token ${STORED.slice(3, 20)}`, { header: `Bearer ${STORED}` });
    log.warn(b64(`user:${STORED}`));
    log.error(new Error(`boom ${STORED.toUpperCase()}`));
    log.appendLine(STORED);
    log.append(STORED.slice(0, 9));
    log.show();
    assert.equal(log.name, 'Task History');
    assert.equal(lines.length, 6);
    assert.equal(lines[5], 'shown');
    assert.deepEqual(anyLeak(lines.join('\n'), STORED), [], lines.join('\n'));
  });

  it('notifications: message and detail are redacted, the buttons are untouched', async () => {
    await new ApiKeys(secretStorage({ 'taskHistory.apiKey.a': STORED })).get('a');
    const shown: unknown[][] = [];
    const record = (...args: unknown[]) => {
      shown.push(args);
      return Promise.resolve(undefined);
    };
    const window = redactedNotifications({ showInformationMessage: record, showWarningMessage: record, showErrorMessage: record } as never);
    await window.showErrorMessage(`The connection check failed: ${STORED.slice(0, 16)}`, { modal: true, detail: `Authorization: Bearer ${STORED}` }, 'Save Anyway');
    await window.showWarningMessage(`key ${STORED.toLowerCase()}`, 'Show');
    await window.showInformationMessage(b64(`Bearer ${STORED}`));
    assert.equal(shown.length, 3);
    assert.deepEqual(shown[0]!.slice(1), [{ modal: true, detail: `Authorization: Bearer ${REDACTED}` }, 'Save Anyway']);
    assert.equal(shown[1]![1], 'Show');
    assert.deepEqual(anyLeak(JSON.stringify(shown), STORED), []);
  });
});
