// `npm run emulator`: runs the API emulator in the foreground until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type EmulatorOptions, type FaultKind } from './emulatorTypes';
import { startEmulator } from './server';

const HELP = `Task History API emulator: Paragon Task History and Dispersl History APIs on loopback.

Usage: npm run emulator -- [options]

  --host HOST                    listen address (default 127.0.0.1)
  --port PORT                    port (default 4680; 0 picks a free one)
  --seed N                       data seed (default 42)
  --paragon-executions N         seeded Paragon executions (default 15000)
  --dispersl-tasks N             seeded Dispersl tasks (default 600)
  --latency MS                   delay before every API response (default 0)
  --rate-limit LIMIT/SECONDS     sliding-window limit per key, e.g. 1000/600
  --fault-rate P                 probability of a random fault per request (0..1)
  --fault-kinds a,b              random fault kinds (${FAULT_KINDS.join(', ')})
  --live-starts-per-second R     new runs and tasks appear in real time at this rate
  --help                         show this help
`;

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"`);
  return value;
}

function parseOptions(argv: string[]): EmulatorOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      'paragon-executions': { type: 'string' },
      'dispersl-tasks': { type: 'string' },
      latency: { type: 'string' },
      'rate-limit': { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-kinds': { type: 'string' },
      'live-starts-per-second': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const options: EmulatorOptions = {
    host: values.host,
    port: number('port', values.port) ?? 4680,
    seed: number('seed', values.seed),
    paragonExecutions: number('paragon-executions', values['paragon-executions']),
    disperslTasks: number('dispersl-tasks', values['dispersl-tasks']),
    latencyMs: number('latency', values.latency),
    faultRate: number('fault-rate', values['fault-rate']),
    liveStartsPerSecond: number('live-starts-per-second', values['live-starts-per-second']),
  };
  const rate = values['rate-limit'];
  if (rate !== undefined) {
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(rate);
    if (!match) throw new Error(`--rate-limit must be LIMIT/WINDOW_SECONDS, e.g. 1000/600, got "${rate}"`);
    options.rateLimit = { limit: Number(match[1]), windowMs: Number(match[2]) * 1000 };
  }
  const kinds = values['fault-kinds'];
  if (kinds !== undefined) {
    const list = kinds
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    const unknown = list.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0) throw new Error(`--fault-kinds: unknown ${unknown.join(', ')} (known: ${FAULT_KINDS.join(', ')})`);
    options.faultKinds = list as FaultKind[];
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(HELP);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(
    [
      'Task History API emulator is running.',
      `  Paragon base URL:  ${emulator.paragonBaseUrl}`,
      `  Paragon project:   ${emulator.projectId}`,
      `  Dispersl base URL: ${emulator.disperslBaseUrl}`,
      `  Control:           ${emulator.controlUrl}/stats`,
      `  nextLink decoy:    ${emulator.foreignOrigin}`,
      `  API key:           ${emulator.apiKey}   (Authorization: Bearer ${emulator.apiKey})`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`The emulator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
