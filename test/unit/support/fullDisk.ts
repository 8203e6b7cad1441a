// Disks that fill up or hang, for export tests: a real small tmpfs where this machine lets us
// mount one (root, CAP_SYS_ADMIN), and everywhere a file stream that fails with ENOSPC, as
// the kernel reports it, after a number of bytes — or stops completing writes at all.
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

/** The error a write to a full disk gets from Node's fs (same code, errno and syscall). */
export function enospc(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
  error.code = 'ENOSPC';
  error.errno = -28;
  error.syscall = 'write';
  return error;
}

type WriteCallback = (error?: Error | null) => void;
type RawWrite = (chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback) => void;

/**
 * Lets `bytes` through to the real stream, then fails every write with ENOSPC, as a disk
 * does when it fills up (the bytes before stay in the file, as they would on a real disk).
 */
export function failAfter<T extends Writable>(stream: T, bytes: number): T {
  return interceptWrites(stream, bytes, (callback) => callback(enospc()));
}

/**
 * Lets `bytes` through, then never completes a write (a hung network disk): 'drain' never
 * comes and no error either. `onStall` is called when the first write stalls.
 */
export function stallAfter<T extends Writable>(stream: T, bytes: number, onStall: () => void): T {
  let stalled = false;
  return interceptWrites(stream, bytes, () => {
    if (!stalled) {
      stalled = true;
      onStall();
    }
  });
}

function interceptWrites<T extends Writable>(stream: T, bytes: number, whenOver: (callback: WriteCallback) => void): T {
  const target = stream as unknown as { _write: RawWrite; _writev?: unknown };
  const write = target._write.bind(stream);
  let budget = bytes;
  // One chunk at a time, so the budget is counted exactly.
  target._writev = undefined;
  target._write = (chunk, encoding, callback) => {
    if (budget <= 0) return whenOver(callback);
    if (chunk.length <= budget) {
      budget -= chunk.length;
      return write(chunk, encoding, callback);
    }
    const head = chunk.subarray(0, budget);
    budget = 0;
    write(head, encoding, (error) => (error ? callback(error) : whenOver(callback)));
  };
  return stream;
}

export interface SmallDisk {
  readonly dir: string;
  /** Takes all but `freeBytes` of the disk with a ballast file (replacing any earlier one). */
  leaveFree(freeBytes: number): Promise<void>;
  unmount(): Promise<void>;
}

/**
 * Mounts a tmpfs of `sizeKb` on a new temporary folder, or resolves undefined when this
 * machine does not allow it (not root, or no CAP_SYS_ADMIN in a container).
 */
export async function mountSmallDisk(sizeKb: number): Promise<SmallDisk | undefined> {
  if (process.platform !== 'linux') return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'thx-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  const ballast = join(dir, '.ballast');
  return {
    dir,
    async leaveFree(freeBytes) {
      await rm(ballast, { force: true });
      const fs = await statfs(dir);
      const size = Math.max(0, fs.bavail * fs.bsize - freeBytes);
      const handle = await open(ballast, 'w');
      try {
        // Written, not just truncated: tmpfs only counts pages that hold data.
        const block = Buffer.alloc(64 * 1024);
        for (let written = 0; written < size;) {
          const { bytesWritten } = await handle.write(block, 0, Math.min(block.length, size - written));
          written += bytesWritten;
        }
      } finally {
        await handle.close();
      }
    },
    async unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
