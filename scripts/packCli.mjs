// Packs the command line on its own: `npm run pack:cli` makes task-history-cli-<version>.tgz,
// which `npm install -g <file>` installs as the `task-history` command. The extension's own
// package stays private (it ships as a .vsix); this one carries only what the CLI runs:
// dist/cli.js, already bundled with every dependency (so the package has none and installs
// offline), the SQLite engine's .wasm it loads from beside itself, a README and the license.
// Usage: node scripts/packCli.mjs [--out <folder>]   (default: dist/cli-package). Prints the .tgz path.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag >= 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1] : join(root, 'dist', 'cli-package'));

function fail(message) {
  process.stderr.write(`packCli: ${message}\n`);
  process.exit(1);
}

const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = join(root, 'dist', 'cli.js');
const wasm = join(root, 'dist', 'node-sqlite3-wasm.wasm');
if (!existsSync(cli) || !existsSync(wasm)) fail('dist/cli.js or dist/node-sqlite3-wasm.wasm is missing: run `npm run build` (or `node esbuild.mjs --production`) first.');
if (!readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')) fail('dist/cli.js does not start with #!/usr/bin/env node: it would not run as a command.');

const manifest = {
  name: 'task-history-cli',
  version: rootPackage.version,
  description: 'task-history: list, show, export, sync, replay and serve (MCP) Paragon workflow executions and Dispersl agent tasks from the command line.',
  license: rootPackage.license,
  keywords: ['paragon', 'dispersl', 'task-history', 'cli', 'export', 'mcp'],
  repository: rootPackage.repository,
  bin: { 'task-history': 'dist/cli.js' },
  files: ['dist/cli.js', 'dist/node-sqlite3-wasm.wasm'],
  engines: { node: rootPackage.engines?.node ?? '>=20.19' },
};

const readme = `# task-history (command line)

The command line of Task History Explorer: browse, export, sync and replay Paragon workflow
executions and Dispersl agent tasks, and serve them to AI agents over MCP.

    npm install -g ./task-history-cli-${manifest.version}.tgz
    export TASK_HISTORY_API_KEY=...            # the key: from the environment only, never a flag or a file
    task-history list --source paragon --project <id> --status failed
    task-history --help

Defaults for --source, --base-url and --project come from TASK_HISTORY_SOURCE,
TASK_HISTORY_BASE_URL and TASK_HISTORY_PROJECT, or from a named profile
(\`--profile NAME\`, in $XDG_CONFIG_HOME/task-history/profiles.json). Shell completion:
\`task-history completion bash|zsh\`. Node.js ${manifest.engines.node}. No dependencies: everything is bundled.
`;

const stage = mkdtempSync(join(tmpdir(), 'task-history-cli-'));
try {
  mkdirSync(join(stage, 'dist'));
  copyFileSync(cli, join(stage, 'dist', 'cli.js'));
  chmodSync(join(stage, 'dist', 'cli.js'), 0o755);
  copyFileSync(wasm, join(stage, 'dist', 'node-sqlite3-wasm.wasm'));
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  writeFileSync(join(stage, 'README.md'), readme);
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(out, { recursive: true });
  // --ignore-scripts: nothing of ours runs at pack time; the staged folder has no scripts anyway.
  const report = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
      cwd: stage,
      encoding: 'utf8',
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )[0];
  const tgz = join(out, report.filename);
  process.stderr.write(
    `packCli: ${report.name}@${report.version}: ${report.entryCount} files, ${(report.size / 1024).toFixed(1)} KiB packed, ${(report.unpackedSize / 1024).toFixed(1)} KiB unpacked\n`,
  );
  process.stdout.write(`${tgz}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
