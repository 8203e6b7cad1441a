// Entry of `task-history` (dist/cli.js): wires the process (argv, environment, stdout and
// stderr with the key redacted: whole, in pieces, in any case or in base64; Ctrl-C) to the command line in src/cli/.
import { setMaxListeners } from 'node:events';
import { API_KEY_ENV } from './cli/apiKey';
import { processIo } from './cli/cliIo';
import { EXIT } from './cli/exitCodes';
import { runCli } from './cli/program';
import { rememberSecret } from './core/redaction';

const controller = new AbortController();
// Every request in flight listens to this one signal: dozens of listeners are expected.
setMaxListeners(0, controller.signal);
const key = process.env[API_KEY_ENV];
// Typed errors are redacted where they are built, the outputs once more as they are written.
rememberSecret(key);
const io = processIo([key ?? '', key?.trim() ?? '']);

// `task-history list | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw error;
});

// First Ctrl-C: cancel cleanly (an export removes its temporary file and says so).
// A second one: the user insists, so leave at once.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.cancelled);
  io.stderr.write('\nCancelling… (Ctrl-C again to quit at once)\n');
  controller.abort();
});

runCli(process.argv.slice(2), { io, env: process.env, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli reports every failure itself; this is a bug in the CLI, shown without a stack.
    io.stderr.write(`task-history: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.failure;
  },
);
