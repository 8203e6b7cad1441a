import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportRuns } from '../../src/core/export/exportRuns';
import type { ExportedRun } from '../../src/core/export/records';
import { createSource } from '../../src/sources/createSource';
import { runs } from '../../src/core/paging';
import { stepFields } from '../../src/core/format';
import { orderSteps } from '../../src/core/stepGraph';
import { terminalSafe } from '../../src/cli/table';
import { collect, useEmulator } from './support/emulatorFixture';
import type { RunningEmulator } from '../../emulator/server';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const KEY = 'thx-cli-spec-key-5f2b9c';
const BAD_KEY = 'thx-wrong-key-77e1d0';

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything any CLI run printed, checked at the end for a key. */
const printed: string[] = [];

function build(): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`esbuild.mjs failed (${code}): ${stderr}`))));
  });
}

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // The emulator runs in this process, so the CLI must run asynchronously, in a clean env.
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env['NODE_OPTIONS'];
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}

function start(args: readonly string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: childEnv({ TASK_HISTORY_API_KEY: KEY, ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess, onStderr?: (text: string) => void): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      done({ code, stdout, stderr });
    });
  });
}

function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  return finish(start(args, env));
}

/**
 * The steps show printed: after "Steps (n):", a blank line, the step's heading, then one
 * "  Label:  value" line per field, the label up to the first colon.
 */
function stepBlocksOf(stdout: string): { heading: string; fields: [string, string][] }[] {
  const text = stdout.split(/^Steps \(\d+\):\n/m)[1] ?? '';
  return text
    .split(/\n\n|^\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [heading, ...lines] = block.replace(/\n$/, '').split('\n');
      return {
        heading: heading!,
        fields: lines.map((line) => {
          const match = /^\s+([A-Z][a-z]*(?: [a-z]+)*):\s+(.*)$/.exec(line);
          assert.ok(match, `a field line: ${JSON.stringify(line)}`);
          return [match[1]!, match[2]!] as [string, string];
        }),
      };
    });
}

function paragonFlags(emulator: RunningEmulator, project = emulator.projectId): string[] {
  return ['--source', 'paragon', '--base-url', new URL(emulator.paragonBaseUrl).origin, '--project', project];
}

describe('Command line (dist/cli.js)', function () {
  this.timeout(30_000);
  const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 1500, disperslTasks: 300 });
  let dir: string;
  before(async function () {
    this.timeout(60_000);
    await build();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thx-cli-'));
    emulator().resetStats();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const flags = () => paragonFlags(emulator());

  describe('export', () => {
    it("writes a file with exactly the API's runs, with progress on stderr and nothing on stdout", async () => {
      const pinnedAt = new Date().toISOString();
      const out = join(dir, 'runs.ndjson');
      const result = await cli(['export', ...flags(), '--out', out], { TASK_HISTORY_PINNED_AT: pinnedAt });
      assert.equal(result.code, 0, result.stderr);
      const ids = (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as ExportedRun).id);
      assert.deepEqual(ids, emulator().truth.paragonIds({ beforeDate: pinnedAt }));
      assert.match(result.stderr, /Exporting .* of 1,500 runs/);
      assert.match(result.stderr, /Exported 1,500 runs to .*runs\.ndjson \(ndjson, paged\)/);
      assert.equal(result.stdout, '');
    });

    for (const format of ['json', 'csv'] as const) {
      it(`writes the same ${format.toUpperCase()} file as exportRuns called directly, for the same filter and pin`, async () => {
        const pinnedAt = new Date();
        const viaCli = join(dir, `cli.${format}`);
        const direct = join(dir, `direct.${format}`);
        const integration = emulator().truth.integrations[2]!;
        const result = await cli(['export', ...flags(), '--status', 'FAILED', '--integration', integration, '--out', viaCli], {
          TASK_HISTORY_PINNED_AT: pinnedAt.toISOString(),
        });
        assert.equal(result.code, 0, result.stderr);
        // Built the way the CLI builds it; FAILED runs are closed, so nothing in them moves.
        const source = createSource({ id: 'spec', kind: 'paragon', baseUrl: new URL(emulator().paragonBaseUrl).origin, projectId: emulator().projectId }, { apiKey: KEY });
        await exportRuns({ source, query: { status: 'failed', integration }, format, target: direct, pinnedAt });
        const [a, b] = await Promise.all([readFile(viaCli, 'utf8'), readFile(direct, 'utf8')]);
        assert.ok(a.length > 100, 'the files hold runs');
        assert.equal(a, b);
      });
    }

    it('takes the format from the --out extension, and steps with --include-steps', async () => {
      const out = join(dir, 'steps.csv');
      const workflowId = emulator().truth.workflowIds[7]!;
      const result = await cli(['export', ...flags(), '--workflow', workflowId, '--status', 'succeeded', '--before', '2100-01-01', '--include-steps', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
      assert.ok(rows.length > 0 && 'step.id' in rows[0]!, 'one row per step, with the step columns');
      const expected = new Set(emulator().truth.paragonIds({ workflowId, status: 'SUCCEEDED' }));
      assert.deepEqual(new Set(rows.map((r) => r['id'])), expected);
    });

    it("uses Dispersl's own export when it can, and pages with --no-server-export", async () => {
      const base = ['export', '--source', 'dispersl', '--base-url', emulator().disperslBaseUrl];
      const server = await cli([...base, '--out', join(dir, 'server.csv')]);
      assert.equal(server.code, 0, server.stderr);
      assert.match(server.stderr, /own export/);
      const paged = await cli([...base, '--no-server-export', '--out', join(dir, 'paged.csv')]);
      assert.equal(paged.code, 0, paged.stderr);
      assert.match(paged.stderr, /paged/);
      const serverIds = (parse(await readFile(join(dir, 'server.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((r) => r['task_id']);
      const pagedIds = (parse(await readFile(join(dir, 'paged.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((r) => r['id']);
      assert.equal(serverIds.length, 300);
      assert.deepEqual(pagedIds, serverIds);
    });

    it('exits 3 with a clear message when the key is rejected, and leaves no file', async () => {
      const out = join(dir, 'runs.json');
      const result = await cli(['export', ...flags(), '--out', out], { TASK_HISTORY_API_KEY: BAD_KEY });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /Export failed; nothing was written to .*runs\.json\. Paragon rejected the API key \(401/);
      assert.match(result.stderr, /TASK_HISTORY_API_KEY/);
      assert.deepEqual(await readdir(dir), []);
    });

    it('exits 1 with a clear message when the target folder is missing', async () => {
      const result = await cli(['export', ...flags(), '--out', join(dir, 'nope', 'runs.json')]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /folder .*nope does not exist/);
      assert.equal(emulator().stats().requests, 0);
    });

    it('stops on Ctrl-C with exit 130, says nothing was written, and leaves no file', async () => {
      const out = join(dir, 'runs.json');
      const child = start(['export', ...flags(), '--include-steps', '--concurrency', '2', '--out', out]);
      let interrupted = false;
      const result = await finish(child, (stderr) => {
        // Once the export is under way (the first progress line), press Ctrl-C.
        if (!interrupted && /Exporting/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      assert.ok(interrupted, 'the export reported progress before it was interrupted');
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /Export cancelled; nothing was written to .*runs\.json/);
      assert.deepEqual(await readdir(dir), [], 'no file, no .part');
    });
  });

  describe('usage and errors', () => {
    it('exits 3 when TASK_HISTORY_API_KEY is missing, before any request', async () => {
      const result = await cli(['list', ...flags()], { TASK_HISTORY_API_KEY: undefined });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /set the environment variable TASK_HISTORY_API_KEY/);
      assert.equal(emulator().stats().requests, 0);
    });

    it('exits 3 when the key is rejected', async () => {
      const result = await cli(['list', ...flags()], { TASK_HISTORY_API_KEY: BAD_KEY });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /^task-history: Paragon rejected the API key/m);
    });

    it('exits 2 on a bad date, naming the flag and giving an example', async () => {
      for (const [flag, value] of [
        ['--after', 'yesterday'],
        ['--before', '2025-02-30'],
        ['--after', '31/01/2025'],
      ] as const) {
        const result = await cli(['export', ...flags(), flag, value, '--out', join(dir, 'x.json')]);
        assert.equal(result.code, 2, `${flag} ${value}`);
        assert.ok(result.stderr.includes(`option '${flag} <date>' argument '${value}' is invalid`), result.stderr);
        assert.match(result.stderr, /for example 2025-01-31/);
      }
      assert.equal(emulator().stats().requests, 0);
    });

    it('exits 2 on an unknown status, and on a status the source cannot filter by', async () => {
      const unknown = await cli(['list', ...flags(), '--status', 'broken']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /running, failed, succeeded/);
      const unsupported = await cli(['list', ...flags(), '--status', 'queued']);
      assert.equal(unsupported.code, 2);
      assert.match(unsupported.stderr, /Paragon cannot filter by the status "queued"/);
    });

    it("accepts the vendor's own status names", async () => {
      const result = await cli(['list', ...flags(), '--status', 'EXECUTING', '--json', '--all']);
      assert.equal(result.code, 0, result.stderr);
      const runs = JSON.parse(result.stdout) as ExportedRun[];
      assert.deepEqual(new Set(runs.map((r) => r.id)), new Set(emulator().truth.paragonIds({ status: 'EXECUTING' })));
    });

    it('exits 2 without --source, and without --project for Paragon', async () => {
      const noSource = await cli(['list']);
      assert.equal(noSource.code, 2);
      assert.match(noSource.stderr, /required option '--source <kind>'/);
      const noProject = await cli(['list', '--source', 'paragon', '--base-url', new URL(emulator().paragonBaseUrl).origin]);
      assert.equal(noProject.code, 2);
      assert.match(noProject.stderr, /--project/);
    });

    it('exits 4 for an unknown project and for an unknown run', async () => {
      const project = await cli(['list', ...paragonFlags(emulator(), 'no-such-project')]);
      assert.equal(project.code, 4);
      assert.match(project.stderr, /Paragon project no-such-project was not found/);
      const run = await cli(['show', 'no-such-run', ...flags()]);
      assert.equal(run.code, 4);
      assert.match(run.stderr, /Workflow execution no-such-run was not found/);
    });

    it('prints one line per error, never a stack', async () => {
      const result = await cli(['show', 'no-such-run', ...flags()]);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.doesNotMatch(result.stderr, /\bat .*\.(js|ts):\d+/);
    });
  });

  describe('replay', () => {
    it('refuses without --yes (exit 2), saying what replay does, and sends nothing', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[0]!;
      const result = await cli(['replay', id, ...flags()]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /runs the workflow .* again, with all its side effects/);
      assert.match(result.stderr, /--yes/);
      assert.equal(emulator().stats().replays.length, 0);
      assert.equal(emulator().stats().requests, 0);
    });

    it('replays once with --yes', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[1]!;
      const result = await cli(['replay', id, ...flags(), '--yes']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Replay requested/);
      const replays = emulator().stats().replays;
      assert.equal(replays.length, 1);
      assert.equal(replays[0]!.sourceId, id);
    });

    it('exits 2 for a source that cannot replay', async () => {
      const result = await cli(['replay', 'task_1', '--source', 'dispersl', '--base-url', emulator().disperslBaseUrl, '--yes']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /cannot replay/);
    });
  });

  describe('list and show', () => {
    it('lists one page, newest first, as a table', async () => {
      const result = await cli(['list', ...flags()]);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^ID\s+STATUS\s+STARTED\s+DURATION/);
      assert.equal(lines.length, 1 + 100);
      const newest = emulator().truth.paragonIds({}).reverse();
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(/\s+/)[0]),
        newest.slice(0, 100),
      );
      assert.match(result.stderr, /100 of 1,50\d runs/);
    });

    it('lists --limit N as JSON records', async () => {
      const result = await cli(['list', ...flags(), '--limit', '130', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const runs = JSON.parse(result.stdout) as ExportedRun[];
      assert.deepEqual(
        runs.map((r) => r.id),
        emulator().truth.paragonIds({}).reverse().slice(0, 130),
      );
      assert.ok(runs.every((r) => r.source === 'paragon' && typeof r.status === 'string'));
    });

    it('shows a run with its steps, as text and as JSON', async () => {
      const id = emulator().truth.paragonIds({ status: 'FAILED' })[3]!;
      const text = await cli(['show', id, ...flags()]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, new RegExp(`^Id:\\s+${id}$`, 'm'));
      const stepCount = Number(/^Steps \((\d+)\):$/m.exec(text.stdout)?.[1]);
      assert.ok(stepCount > 0);
      assert.equal(stepBlocksOf(text.stdout).length, stepCount);
      assert.match(text.stdout, /FAILED/);

      const json = await cli(['show', id, ...flags(), '--json']);
      const record = JSON.parse(json.stdout) as ExportedRun;
      assert.equal(record.id, id);
      assert.equal(record.steps?.length, stepCount);
    });

    for (const kind of ['paragon', 'dispersl'] as const) {
      it(`prints each ${kind} step's fields with the labels and values stepFields gives, in flow order`, async () => {
        const e = emulator();
        const id = kind === 'paragon' ? e.truth.paragonIds({ status: 'FAILED' })[5]! : e.truth.disperslIds({})[7]!;
        const sourceFlags = kind === 'paragon' ? flags() : ['--source', 'dispersl', '--base-url', e.disperslBaseUrl];
        const config =
          kind === 'paragon' ? { id: 'spec', kind, baseUrl: new URL(e.paragonBaseUrl).origin, projectId: e.projectId } : { id: 'spec', kind, baseUrl: e.disperslBaseUrl };
        const expected = orderSteps((await createSource(config, { apiKey: KEY }).getRun(id)).steps);
        assert.ok(expected.length > 0, 'the run has steps');
        const result = await cli(['show', id, ...sourceFlags]);
        assert.equal(result.code, 0, result.stderr);
        const blocks = stepBlocksOf(result.stdout);
        assert.equal(blocks.length, expected.length);
        for (const [i, { step }] of expected.entries()) {
          assert.deepEqual(
            blocks[i]!.fields,
            stepFields(step).map(([label, value]) => [label, terminalSafe(value)]),
            step.id,
          );
        }
        if (kind === 'dispersl')
          assert.ok(
            blocks.some((b) => b.fields.some(([label]) => label === 'Agent')),
            'agent steps show their agent',
          );
      });
    }

    it('keeps control characters and bidi overrides out of the terminal', async () => {
      // Dispersl's seeded names include markup, bidi overrides, escapes and line breaks.
      const result = await cli(['list', '--source', 'dispersl', '--base-url', emulator().disperslBaseUrl, '--all']);
      assert.equal(result.code, 0, result.stderr);
      const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
      const source = createSource({ id: 'spec', kind: 'dispersl', baseUrl: emulator().disperslBaseUrl }, { apiKey: KEY });
      const names = (await collect(runs(source, {}))).map((r) => r.name ?? '');
      assert.ok(
        names.some((name) => unsafe.test(name)),
        'the data does hold such names',
      );
      assert.doesNotMatch(result.stdout, unsafe);
      assert.equal(result.stdout.trimEnd().split('\n').length, 1 + 300, 'one line per task');
    });

    it('logs HTTP requests on stderr with --verbose, never the key', async () => {
      const result = await cli(['list', ...flags(), '--verbose', '--limit', '5']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^http: GET \/projects\/.*\/workflow-executions.* → 200 in \d+ ms$/m);
      assert.doesNotMatch(result.stdout, /http:/);
    });
  });

  describe('help', () => {
    it('prints help for the program and every command, exit 0', async () => {
      const program = await cli(['--help']);
      assert.equal(program.code, 0);
      assert.match(program.stdout, /Usage: task-history/);
      assert.match(program.stdout, /TASK_HISTORY_API_KEY/);
      assert.match(program.stdout, /130\s+cancelled/);
      for (const command of ['export', 'list', 'show', 'replay']) {
        const help = await cli([command, '--help'], { TASK_HISTORY_API_KEY: undefined });
        assert.equal(help.code, 0, command);
        assert.match(help.stdout, new RegExp(`Usage: task-history ${command}`));
        assert.match(help.stdout, /--source <kind>/);
      }
    });
  });

  // Last: after every other command line above has run.
  describe('secrets', () => {
    it('never printed the key, nor a rejected one, on stdout or stderr', () => {
      const all = printed.join('\n');
      assert.ok(printed.length > 40, 'the CLI ran');
      assert.ok(!all.includes(KEY), 'the key never appears in any output');
      assert.ok(!all.includes(BAD_KEY), 'nor does a rejected key');
    });
  });
});
