// The benchmark's child processes: the emulator (`node dist/emulator.js`, so its memory and
// CPU are not the exporter's) and one worker per exporter or sync run (so peak RSS is that
// run's own).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EmulatorStats } from '../emulator/server';
import { BENCH_KEY_ENV, type WorkerResult, type WorkerTask } from './workerProtocol';

export const DIST = join(__dirname);

export interface EmulatorProcess {
  readonly paragonBaseUrl: string;
  readonly projectId: string;
  readonly apiKey: string;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

function field(output: string, label: string): string {
  const match = new RegExp(`${label}:\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`the emulator did not print "${label}"; it printed:\n${output}`);
  return match[1]!;
}

export async function startEmulatorProcess(args: readonly string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [join(DIST, 'emulator.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready:\n${output}`)));
  });
  const control = field(output, 'Control').replace(/\/stats$/, '');
  const closed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    paragonBaseUrl: field(output, 'Paragon base URL'),
    projectId: field(output, 'Paragon project'),
    apiKey: field(output, 'API key'),
    stats: async () => (await (await fetch(`${control}/stats`)).json()) as EmulatorStats,
    resetStats: async () => {
      await fetch(`${control}/reset-stats`, { method: 'POST' });
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** Runs one worker script with its task (JSON in argv, key in the environment); answers its last stdout line, parsed. */
export async function runWorker<R = WorkerResult>(script: string, task: WorkerTask | object, apiKey: string): Promise<R> {
  const child = spawn(process.execPath, [join(DIST, script), JSON.stringify(task)], {
    env: { ...process.env, [BENCH_KEY_ENV]: apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`${script} failed (${code}): ${stderr.trim()}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as R;
}

/** The peak RSS of a Node process that does nothing: the floor under every worker's figure. */
export async function idleNodeRssKb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  return Number(stdout);
}
