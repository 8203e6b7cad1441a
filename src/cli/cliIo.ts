// Where the command line writes: data to stdout, messages and progress to stderr. Every
// write passes the redactor (src/sources/redaction.ts: the key whole, any piece of 8+
// characters, any case, base64), so the key cannot reach the terminal or a log file even
// if a message were ever to quote it. Messages are redacted where they are built too.
import { Redactor } from '../core/redaction';

export interface CliOutput {
  write(text: string): void;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Progress redraws one line in place on a terminal, prints a line now and then otherwise. */
  readonly stderrIsTTY: boolean;
}

export function processIo(secrets: readonly string[]): CliIo {
  const redactor = new Redactor(secrets);
  const through = (stream: NodeJS.WriteStream): CliOutput => ({
    write: (text) => {
      stream.write(redactor.redact(text));
    },
  });
  return { stdout: through(process.stdout), stderr: through(process.stderr), stderrIsTTY: process.stderr.isTTY === true };
}
