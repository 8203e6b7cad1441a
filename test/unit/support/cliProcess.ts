// Runs the built command line (dist/cli.js) as a child process, as a user would, with a
// clean environment. The bundle is built once per test process.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let built: Promise<void> | undefined;

/** `node esbuild.mjs`, once. */
export function buildCli(): Promise<void> {
  built ??= new Promise((done, fail) => {
    const child = spawn(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`esbuild.mjs failed (${code}): ${stderr}`))));
  });
  return built;
}

/** Runs `node dist/cli.js …args` with these variables (undefined removes one); resolves when it exits. */
export function runCliProcess(args: readonly string[], env: Record<string, string | undefined>): Promise<CliOutcome> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['NODE_OPTIONS'];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
