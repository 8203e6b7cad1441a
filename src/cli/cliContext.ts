// What every command runs with: where to write, the environment (the key lives there) and
// the signal Ctrl-C aborts.
import type { CliIo } from './cliIo';

export interface CliContext {
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}
