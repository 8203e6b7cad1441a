// The command line as users install it: `npm run build`, `scripts/packCli.mjs` makes the
// task-history-cli .tgz, npm installs it offline into a temporary global prefix, and the
// installed `task-history` runs against the emulator over loopback (the key in the
// environment). Also: --version, defaults from the environment and from a profile, hostile
// profile files (a key in one is refused), and the bash and zsh completion scripts.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import type { ExportedRun } from '../../src/core/export/records';
import { EXPORT_FORMATS } from '../../src/core/export/sinks';
import { STATS_DIMENSIONS } from '../../src/insights/model';
import { API_KEY_ENV } from '../../src/cli/apiKey';
import { buildProgram } from '../../src/cli/program';
import { addSourceOptions } from '../../src/cli/sourceOptions';
import { applySourceDefaults, MAX_PROFILES_BYTES, readProfiles, VSCODE_LAUNCH_ENV } from '../../src/cli/sourceDefaults';
import { useEmulator } from './support/emulatorFixture';

const ROOT = resolve(__dirname, '../..');
// Shares no 8-character piece with the temporary folders' names: the CLI redacts any such piece of the key.
const KEY = 'thx-q7pk-key-3c9e71';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_VARS = ['TASK_HISTORY_SOURCE', 'TASK_HISTORY_BASE_URL', 'TASK_HISTORY_PROJECT', 'TASK_HISTORY_PROFILE', VSCODE_LAUNCH_ENV, 'NODE_OPTIONS'];

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process, asynchronously: the emulator answers from this process. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A clean environment: none of the developer's own TASK_HISTORY_* defaults, a private npm cache, no registry needed. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DEFAULT_VARS) delete env[name];
  return { ...env, ...extra };
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

describe('The installable command line (task-history-cli package)', function () {
  this.timeout(60_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 200, disperslTasks: 50 });
  let work: string;
  let tgz: string;
  let bin: string;
  let config: string;
  const origin = () => new URL(emulator().paragonBaseUrl).origin;
  /** The installed command with the key and a config folder of its own. */
  const cli = (args: readonly string[], extra: Record<string, string> = {}) =>
    run(bin, args, cleanEnv({ [API_KEY_ENV]: KEY, XDG_CONFIG_HOME: config, XDG_DATA_HOME: join(work, 'data'), ...extra }));
  const writeProfiles = (content: string) => {
    mkdirSync(join(config, 'task-history'), { recursive: true });
    writeFileSync(join(config, 'task-history', 'profiles.json'), content);
  };

  before(async function () {
    this.timeout(240_000);
    work = mkdtempSync(join(tmpdir(), 'thx-cli-package-'));
    config = join(work, 'config');
    const npmEnv = cleanEnv({ npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' });
    const built = await run('npm', ['run', 'build'], npmEnv);
    assert.equal(built.code, 0, built.stderr);
    const packed = await run(process.execPath, ['scripts/packCli.mjs', '--out', join(work, 'pack')], npmEnv);
    assert.equal(packed.code, 0, packed.stderr);
    tgz = packed.stdout.trim();
    // Offline: the package has no dependencies, so npm needs nothing but the file.
    const prefix = join(work, 'prefix');
    const installed = await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tgz], npmEnv);
    assert.equal(installed.code, 0, installed.stderr);
    bin = join(prefix, process.platform === 'win32' ? 'task-history.cmd' : join('bin', 'task-history'));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => rmSync(config, { recursive: true, force: true }));

  describe('the package', () => {
    it('has the bin, the bundle and its .wasm, no dependencies, and the root version', async () => {
      const listing = await new Promise<string>((done, fail) => execFile('tar', ['tzf', tgz], (error, stdout) => (error ? fail(error) : done(stdout))));
      assert.deepEqual(listing.trim().split('\n').sort(), [
        'package/LICENSE',
        'package/README.md',
        'package/dist/cli.js',
        'package/dist/node-sqlite3-wasm.wasm',
        'package/package.json',
      ]);
      const manifest = JSON.parse(
        await new Promise<string>((done, fail) => execFile('tar', ['xzOf', tgz, 'package/package.json'], (error, stdout) => (error ? fail(error) : done(stdout)))),
      ) as Record<string, unknown>;
      assert.equal(manifest['name'], 'task-history-cli');
      assert.equal(manifest['version'], VERSION);
      assert.deepEqual(manifest['bin'], { 'task-history': 'dist/cli.js' });
      assert.equal(manifest['dependencies'], undefined);
      assert.equal(manifest['private'], undefined);
      assert.deepEqual(manifest['engines'], { node: '>=20.19' });
      assert.ok(statSync(tgz).size < 4 * 1024 * 1024, `the package is ${statSync(tgz).size} bytes`);
    });

    it('installs a task-history command that prints the version', async () => {
      const result = await cli(['--version']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), VERSION);
    });

    it('lists runs from the emulator with the key from the environment', async () => {
      const result = await cli(['list', '--source', 'paragon', '--base-url', origin(), '--project', emulator().projectId, '--limit', '5', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const runs = JSON.parse(result.stdout) as ExportedRun[];
      assert.equal(runs.length, 5);
      const known = new Set(emulator().truth.paragonIds({}));
      for (const r of runs) assert.ok(known.has(r.id), r.id);
      assert.ok(!result.stdout.includes(KEY) && !result.stderr.includes(KEY));
    });

    it('runs the index-backed commands from the installed folder (the .wasm beside the bundle)', async () => {
      const index = join(work, 'runs.db');
      const synced = await cli(['sync', '--source', 'paragon', '--base-url', origin(), '--project', emulator().projectId, '--index', index, '--json']);
      assert.equal(synced.code, 0, synced.stderr);
      const stats = await cli(['stats', '--by', 'status', '--source', 'paragon', '--base-url', origin(), '--project', emulator().projectId, '--index', index, '--json']);
      assert.equal(stats.code, 0, stats.stderr);
      const rows = (JSON.parse(stats.stdout) as { rows: { runs: number }[] }).rows;
      assert.ok(rows.reduce((sum, row) => sum + row.runs, 0) > 0, stats.stdout);
    });
  });

  describe('defaults from the environment and from profiles', () => {
    it('takes --source, --base-url and --project from TASK_HISTORY_SOURCE, _BASE_URL and _PROJECT', async () => {
      const result = await cli(['list', '--limit', '3', '--json'], { TASK_HISTORY_SOURCE: 'paragon', TASK_HISTORY_BASE_URL: origin(), TASK_HISTORY_PROJECT: emulator().projectId });
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as ExportedRun[]).length, 3);
    });

    it('lets a flag win over the environment', async () => {
      // The environment names a closed port and an unknown project: only the flags can make this work.
      const result = await cli(['list', '--limit', '2', '--json', '--base-url', origin(), '--project', emulator().projectId], {
        TASK_HISTORY_SOURCE: 'paragon',
        TASK_HISTORY_BASE_URL: 'http://127.0.0.1:9',
        TASK_HISTORY_PROJECT: 'no-such-project',
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as ExportedRun[]).length, 2);
    });

    it('uses a named profile (--profile or TASK_HISTORY_PROFILE) instead of the environment, flags still winning', async () => {
      writeProfiles(
        JSON.stringify({
          profiles: {
            local: { source: 'paragon', baseUrl: origin(), project: emulator().projectId },
            stale: { source: 'paragon', baseUrl: origin(), project: 'no-such-project' },
          },
        }),
      );
      const misleading = { TASK_HISTORY_SOURCE: 'dispersl', TASK_HISTORY_BASE_URL: 'http://127.0.0.1:9' };
      const byFlag = await cli(['list', '--profile', 'local', '--limit', '2', '--json'], misleading);
      assert.equal(byFlag.code, 0, byFlag.stderr);
      assert.equal((JSON.parse(byFlag.stdout) as ExportedRun[]).length, 2);
      const byEnv = await cli(['list', '--limit', '2', '--json'], { ...misleading, TASK_HISTORY_PROFILE: 'local' });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      const stale = await cli(['list', '--profile', 'stale', '--limit', '1', '--json']);
      assert.equal(stale.code, 4, stale.stderr);
      const overridden = await cli(['list', '--profile', 'stale', '--project', emulator().projectId, '--limit', '1', '--json']);
      assert.equal(overridden.code, 0, overridden.stderr);
      const unknown = await cli(['list', '--profile', 'nope']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no profile "nope" in .*profiles\.json \(it has local, stale\)/);
    });

    it('refuses a profiles file holding a key, without printing it', async () => {
      const cases: Record<string, unknown>[] = [
        { profiles: { p: { source: 'paragon', project: 'x', apiKey: 'sk-live-0123456789abcdef01234' } } },
        { profiles: { p: { source: 'paragon', project: KEY } } },
        { profiles: { p: { source: 'paragon', project: 'x', baseUrl: 'https://user:hunter2secret@api.example.com' } } },
        { token: 'abc', profiles: {} },
      ];
      for (const content of cases) {
        writeProfiles(JSON.stringify(content));
        const result = await cli(['list', '--profile', 'p']);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /profiles\.json: .*looks like a key\. A key never goes in the profiles file .* set TASK_HISTORY_API_KEY instead/);
        for (const secret of ['sk-live-0123456789abcdef01234', 'hunter2secret', KEY]) assert.ok(!result.stderr.includes(secret), result.stderr);
      }
    });

    it('names the file and the problem for hostile profiles files', async () => {
      const path = join(config, 'task-history', 'profiles.json');
      const cases: [string, RegExp][] = [
        ['{"profiles": ', /not valid JSON/],
        ['[1,2]', /expected a JSON object with "profiles"/],
        ['{"profiles": []}', /"profiles" must be an object/],
        ['{"profiles": {"p": {"source": 42}}}', /profile "p" field "source" must be a string/],
        ['{"profiles": {"p": {"source": "jira"}}}', /profile "p" field "source" is "jira": use paragon or dispersl/],
        ['{"profiles": {"p": {"source": "paragon", "baseUrl": "ftp://x"}}}', /profile "p" field "baseUrl" is not a base URL/],
        ['{"profiles": {"p": {"source": "paragon", "colour": "red"}}}', /unknown field "colour"/],
        ['{"profiles": {"p\\u001b[31m": {}}}', /the profile name "p\\u001b\[31m" is not allowed/],
        [`{"profiles": {}, "pad": "${'x'.repeat(MAX_PROFILES_BYTES)}"}`, /at most 64 KiB/],
      ];
      for (const [content, message] of cases) {
        writeProfiles(content);
        const result = await cli(['list', '--profile', 'p']);
        assert.equal(result.code, 2, `${content.slice(0, 60)}: ${result.stderr}`);
        assert.ok(result.stderr.includes(path), result.stderr);
        assert.match(result.stderr, message);
        assert.ok(!result.stderr.includes('\u001b'), 'no control character reaches the terminal');
      }
      rmSync(config, { recursive: true, force: true });
      const missing = await cli(['list', '--profile', 'p']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no profiles file here/);
    });

    it('still requires a source, from a flag, the environment or a profile', async () => {
      const result = await cli(['list']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /required option '--source <kind>' not specified: give --source paragon\|dispersl, set TASK_HISTORY_SOURCE, or name a profile/);
      const bad = await cli(['list'], { TASK_HISTORY_SOURCE: 'jira' });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /TASK_HISTORY_SOURCE is "jira": use paragon or dispersl/);
    });
  });

  describe('defaults, in process', () => {
    /** The source flags a command ends with, after the defaults. */
    function resolved(argv: readonly string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
      const program = new Command('t').exitOverride();
      const command = addSourceOptions(program.command('list')).action(() => undefined);
      program.hook('preAction', (_p, action) => applySourceDefaults(action, env));
      program.parse(['list', ...argv], { from: 'user' });
      return command.opts();
    }

    it("gives the environment's base URL and project only to their own source", () => {
      const env = { TASK_HISTORY_SOURCE: 'paragon', TASK_HISTORY_BASE_URL: 'https://zeus.example.com', TASK_HISTORY_PROJECT: 'p1' };
      assert.deepEqual(pick(resolved([], env)), { source: 'paragon', baseUrl: 'https://zeus.example.com', project: 'p1' });
      // Another source on the command line: the Paragon server must not receive a Dispersl token.
      assert.deepEqual(pick(resolved(['--source', 'dispersl'], env)), { source: 'dispersl', baseUrl: undefined, project: undefined });
      // Without TASK_HISTORY_SOURCE the variables are for whatever source is given.
      assert.deepEqual(pick(resolved(['--source', 'paragon'], { TASK_HISTORY_PROJECT: 'p2' })), { source: 'paragon', baseUrl: undefined, project: 'p2' });
    });

    it('takes no defaults on a server VS Code starts (its command line is complete, its key from secret storage)', () => {
      const env = { TASK_HISTORY_BASE_URL: 'https://elsewhere.example.com', TASK_HISTORY_PROJECT: 'p1', [VSCODE_LAUNCH_ENV]: 'source-1' };
      assert.deepEqual(pick(resolved(['--source', 'paragon'], env)), { source: 'paragon', baseUrl: undefined, project: undefined });
    });

    it('reads a valid profiles file and trims nothing it should not', () => {
      const dir = mkdtempSync(join(tmpdir(), 'thx-profiles-'));
      try {
        const path = join(dir, 'profiles.json');
        writeFileSync(path, '\uFEFF{"$schema": "x", "profiles": {"a.b_c-1": {"source": "dispersl", "baseUrl": "https://api.example.com/v1"}, "empty": {}}}');
        const profiles = readProfiles(path, {});
        assert.deepEqual(profiles.get('a.b_c-1'), { source: 'dispersl', baseUrl: 'https://api.example.com/v1' });
        assert.deepEqual(profiles.get('empty'), {});
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    function pick(opts: Record<string, unknown>): Record<string, unknown> {
      return { source: opts['source'], baseUrl: opts['baseUrl'], project: opts['project'] };
    }
  });

  describe('shell completion', () => {
    const commandNames = buildProgram({
      io: { stdout: { write: () => undefined }, stderr: { write: () => undefined }, stderrIsTTY: false },
      env: {},
      signal: new AbortController().signal,
    })
      .commands.map((c) => c.name())
      .filter((name) => name !== 'help');

    for (const shell of ['bash', 'zsh'] as const) {
      it(`prints a ${shell} script with every command, flag and fixed value`, async () => {
        const result = await cli(['completion', shell]);
        assert.equal(result.code, 0, result.stderr);
        const script = result.stdout;
        assert.ok(commandNames.length >= 9);
        for (const name of commandNames) assert.match(script, new RegExp(`\\b${name}\\b`), name);
        for (const word of ['paragon', 'dispersl', 'failed', 'succeeded', ...EXPORT_FORMATS, ...STATS_DIMENSIONS, '--profile', '--include-steps', '--all-history']) {
          assert.ok(script.includes(word), `${shell}: ${word}`);
        }
        const file = join(work, `completion.${shell}`);
        writeFileSync(file, script);
        if (shell === 'zsh' && !hasCommand('zsh')) {
          // Said, not hidden: the zsh syntax check needs zsh.
          console.log('      (zsh is not installed: its syntax check is skipped)');
          return;
        }
        const syntax = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
        assert.equal(syntax.status, 0, syntax.stderr);
      });
    }

    it('completes commands, flags and values in bash', () => {
      const file = join(work, 'completion-behaviour.bash');
      const script = spawnSync(bin, ['completion', 'bash'], { encoding: 'utf8', env: cleanEnv() }).stdout;
      writeFileSync(file, script);
      const complete = (...words: string[]) => {
        const probe = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _task_history; printf '%s\\n' "\${COMPREPLY[@]}"`;
        const out = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
        assert.equal(out.status, 0, out.stderr);
        return out.stdout.split('\n').filter(Boolean).sort();
      };
      assert.deepEqual(complete('task-history', ''), [...commandNames, '--help', '--version', '-V', '-h'].sort());
      assert.deepEqual(complete('task-history', 'list', '--source', ''), ['dispersl', 'paragon']);
      assert.deepEqual(complete('task-history', 'export', '--format', ''), [...EXPORT_FORMATS].sort());
      assert.deepEqual(complete('task-history', 'stats', '--by', ''), [...STATS_DIMENSIONS].sort());
      assert.deepEqual(complete('task-history', 'list', '--status', 'f'), ['failed']);
      assert.deepEqual(complete('task-history', 'sync', '--all-'), ['--all-history']);
      assert.deepEqual(complete('task-history', 'completion', ''), ['bash', 'zsh']);
      assert.deepEqual(complete('task-history', 'list', '--prof'), ['--profile']);
    });

    it('says how to install completion in --help, and refuses another shell', async () => {
      const help = await cli(['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /task-history completion bash > ~\/\.local\/share\/bash-completion\/completions\/task-history/);
      assert.match(help.stdout, /task-history completion zsh > ~\/\.zfunc\/_task_history/);
      assert.match(help.stdout, /TASK_HISTORY_SOURCE, TASK_HISTORY_BASE_URL, TASK_HISTORY_PROJECT/);
      const fish = await cli(['completion', 'fish']);
      assert.equal(fish.code, 2);
      assert.match(fish.stderr, /Allowed choices are bash, zsh/);
    });
  });
});
