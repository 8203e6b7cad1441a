// How VS Code starts `task-history mcp` for a configured source (src/mcp/serverDefinition.ts,
// which src/commands/mcpServerProvider.ts wraps): the editor's runtime on the extension's
// dist/cli.js with the source's own flags, Electron told to run as Node, and the key only in
// the environment of the resolved server, never in the arguments. The flags are held to the
// CLI's parser: the built command line accepts them (its --help for mcp, with these flags).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MCP_INDEX_OWNER_ENV, mcpServerArgs, mcpServerEnv, mcpServerLabel, mcpServerLaunch } from '../../src/mcp/serverDefinition';
import { RunIndex } from '../../src/runIndex/runIndex';
import type { SourceConfig } from '../../src/sources/sourceConfig';
import { buildCli, CLI, runCliProcess } from './support/cliProcess';

const KEY = 'thx-mcp-definition-key-91be20';
const OPTIONS = { execPath: '/opt/vscode/code', cliPath: '/ext/dist/cli.js' };

const PARAGON: SourceConfig = { id: 'acme', kind: 'paragon', label: 'Acme prod', baseUrl: 'https://zeus.acme.example', projectId: '9c1d4b52-3f0e-4a8b-b7d2-6e5f1a2c3d4e' };
const DISPERSL: SourceConfig = { id: 'dispersl-2', kind: 'dispersl', baseUrl: 'http://10.0.0.5/v1', requestsPerHour: 100, allowInsecureHttp: true };

describe('MCP server definitions for VS Code (one per source)', () => {
  it('starts the editor runtime on dist/cli.js mcp with the source flags, Electron as Node, and no key anywhere', () => {
    const launch = mcpServerLaunch(PARAGON, OPTIONS);
    assert.equal(launch.command, '/opt/vscode/code');
    assert.deepEqual(launch.args, ['/ext/dist/cli.js', 'mcp', '--source', 'paragon', '--base-url', 'https://zeus.acme.example', '--project', PARAGON.projectId]);
    assert.deepEqual(launch.env, { ELECTRON_RUN_AS_NODE: '1' });
    assert.equal(launch.label, 'Task History: Acme prod');
    assert.equal(mcpServerLabel({ id: 'plain', kind: 'dispersl' }), 'Task History: plain');
    assert.deepEqual(mcpServerArgs(DISPERSL, { ...OPTIONS, indexPath: '/data/runs.db' }), [
      '/ext/dist/cli.js',
      'mcp',
      '--source',
      'dispersl',
      '--base-url',
      'http://10.0.0.5/v1',
      '--requests-per-hour',
      '100',
      '--allow-insecure-http',
      '--index',
      '/data/runs.db',
    ]);
  });

  it("reads the window's run index: --index with the extension's index file, and the environment says the index is VS Code's", () => {
    const launch = mcpServerLaunch(PARAGON, { ...OPTIONS, indexPath: '/home/u/.config/Code/User/globalStorage/x/runs.db' });
    assert.deepEqual(launch.args.slice(-2), ['--index', '/home/u/.config/Code/User/globalStorage/x/runs.db']);
    assert.deepEqual(launch.env, { ELECTRON_RUN_AS_NODE: '1', [MCP_INDEX_OWNER_ENV]: 'vscode' });
    assert.deepEqual(mcpServerEnv(launch, KEY), { ELECTRON_RUN_AS_NODE: '1', [MCP_INDEX_OWNER_ENV]: 'vscode', TASK_HISTORY_API_KEY: KEY });
  });

  it('puts the key in the resolved environment only: never in the arguments, the label or the listed definition', () => {
    const launch = mcpServerLaunch(PARAGON, OPTIONS);
    const env = mcpServerEnv(launch, `  ${KEY}\n`);
    assert.deepEqual(env, { ELECTRON_RUN_AS_NODE: '1', TASK_HISTORY_API_KEY: KEY });
    assert.deepEqual(launch.env, { ELECTRON_RUN_AS_NODE: '1' }, 'the listed definition is not changed');
    assert.ok(!JSON.stringify([launch.args, launch.label, launch.command]).includes(KEY.slice(0, 8)));
    assert.deepEqual(mcpServerEnv(launch, undefined), { ELECTRON_RUN_AS_NODE: '1' }, 'no key, no variable (the server then says it has none)');
  });

  it('package.json contributes the provider id the extension registers, and needs a VS Code with the API (1.101)', () => {
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as {
      engines: { vscode: string };
      contributes: { mcpServerDefinitionProviders: { id: string; label: string }[] };
      devDependencies: Record<string, string>;
    };
    const provider = readFileSync(resolve(__dirname, '../../src/commands/mcpServerProvider.ts'), 'utf8');
    const id = /MCP_PROVIDER_ID = '([^']+)'/.exec(provider)?.[1];
    assert.deepEqual(
      manifest.contributes.mcpServerDefinitionProviders.map((p) => p.id),
      [id],
    );
    const [major, minor] = manifest.engines.vscode.replace(/^\D+/, '').split('.').map(Number) as [number, number];
    assert.ok(major > 1 || minor >= 101, `engines.vscode ${manifest.engines.vscode} has the MCP API`);
  });

  it('the built command line accepts exactly these flags: without a key it stops at the key (exit 3), not at a flag (exit 2)', async function () {
    this.timeout(120_000);
    await buildCli();
    for (const config of [PARAGON, DISPERSL]) {
      const [, ...args] = mcpServerArgs(config, { ...OPTIONS, indexPath: '/tmp/thx-unused.db' });
      const out = await runCliProcess(args, { TASK_HISTORY_API_KEY: undefined });
      assert.equal(out.code, 3, out.stderr);
      assert.match(out.stderr, /TASK_HISTORY_API_KEY/);
    }
  });

  it("the started server, on the window's index held open by another process (as the window holds it), says it is the VS Code window's and what to do", async function () {
    this.timeout(120_000);
    await buildCli();
    const dir = mkdtempSync(join(tmpdir(), 'index-owner-'));
    const indexPath = join(dir, 'runs.db');
    // This process plays the extension host: it opens the index and keeps it open.
    const held = RunIndex.open(indexPath);
    const launch = mcpServerLaunch(DISPERSL, { ...OPTIONS, cliPath: CLI, indexPath });
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'NODE_OPTIONS') env[name] = value;
    const transport = new StdioClientTransport({ command: process.execPath, args: launch.args, env: { ...env, ...mcpServerEnv(launch, KEY) }, stderr: 'pipe' });
    const client = new Client({ name: 'definition-spec', version: '1.0.0' });
    try {
      await client.connect(transport);
      for (const tool of ['error_signatures', 'run_stats']) {
        const result = (await client.callTool({ name: tool, arguments: tool === 'run_stats' ? { by: 'status' } : {} })) as CallToolResult;
        assert.equal(result.isError, true);
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
        const { error } = JSON.parse(text) as { error: { kind: string; message: string; hint: string } };
        assert.equal(error.kind, 'index-unavailable');
        assert.ok(error.message.includes(indexPath), error.message);
        assert.match(error.message, /in use by the VS Code window that started this server/);
        assert.match(error.message, /retrying will not help/);
        assert.match(error.hint, /Task History: Insights/);
        assert.match(error.hint, /--index FILE/);
      }
    } finally {
      await client.close();
      held.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
