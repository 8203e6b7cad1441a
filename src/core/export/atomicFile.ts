// Writes go to a temporary file beside the target, renamed over it only on success:
// a cancelled or failed export never leaves a half-written file at the target path.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicFile {
  readonly stream: WriteStream;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function openAtomic(target: string): Promise<AtomicFile> {
  const tempPath = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  // 0o600: run data can hold customer records; only the user reads it until it is renamed.
  const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  let settled = false;
  return {
    stream,
    tempPath,
    async commit() {
      if (settled) return;
      settled = true;
      if (!stream.writableFinished) await new Promise<void>((resolve, reject) => stream.end(() => resolve()).once('error', reject));
      await rename(tempPath, target);
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}
