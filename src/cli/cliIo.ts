// Where the command line writes: data to stdout, messages and progress to stderr. Every
// write passes a redactor, so the key cannot reach the terminal or a log file even if a
// message were ever to quote it.

export interface CliOutput {
  write(text: string): void;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Progress redraws one line in place on a terminal, prints a line now and then otherwise. */
  readonly stderrIsTTY: boolean;
}

const REDACTED = '[redacted]';

/** Replaces every secret (of a length worth matching) in the text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function processIo(secrets: readonly string[]): CliIo {
  const through = (stream: NodeJS.WriteStream): CliOutput => ({
    write: (text) => {
      stream.write(redact(text, secrets));
    },
  });
  return { stdout: through(process.stdout), stderr: through(process.stderr), stderrIsTTY: process.stderr.isTTY === true };
}
