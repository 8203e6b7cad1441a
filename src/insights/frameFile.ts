// Insights' frames saved beside the run index, so a new process (the CLI, a window opened
// again) starts from the frame as it was and reads only what the index wrote since, instead of
// reading 150,000 runs and their steps out of the index (seconds in this engine) before the
// first figure. The file is a cache and nothing else: anything wrong with it (another index's,
// newer than the index, damaged, tampered, of another format) and it is not used, the frame
// is read from the index as if there were none, and the next save replaces it.
//
// Layout: "THXF", a format number and the header's length (u32 each, little-endian), the
// header (JSON: what the frame is of, its write counter, its text values, run ids, signatures
// and the arrays' names, types and lengths), then each array's bytes, each starting on an
// 8-byte boundary. Written to a temporary file and renamed into place: a kill or a full disk
// never leaves a half-written frame under the name.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import { RunFrame, type FrameSnapshot } from './runFrame';

const MAGIC = 0x46584854; // "THXF" little-endian
/** Bumped whenever the layout or what a frame holds changes: an older file is then not used. */
const FORMAT = 2;
/** A header larger than this is not read (a frame of 150,000 runs has about 7 MB of it). */
const MAX_HEADER_BYTES = 512 * 1024 * 1024;

type Arrays = Record<string, Int32Array | Float64Array | Uint8Array>;
type Group = keyof Pick<FrameSnapshot, 'runs' | 'steps' | 'tools' | 'made'>;
const GROUPS: readonly Group[] = ['runs', 'steps', 'tools', 'made'];

/** What the header says: the frame's own parts (its arrays described, their bytes after it) and the index file it was read from. */
interface Header extends Pick<FrameSnapshot, 'sourceId' | 'kind' | 'withSteps' | 'seq' | 'ids' | 'text' | 'oddStart' | 'signatures'> {
  readonly fileId: string;
  /** [group, name, type, length] per array, in the order of their bytes. */
  readonly arrays: readonly (readonly [Group, string, 'i32' | 'f64' | 'u8', number])[];
}

const TYPES = { i32: Int32Array, f64: Float64Array, u8: Uint8Array } as const;

function typeOf(array: Int32Array | Float64Array | Uint8Array): 'i32' | 'f64' | 'u8' {
  return array instanceof Int32Array ? 'i32' : array instanceof Float64Array ? 'f64' : 'u8';
}

/** Where a source's frame is kept: a folder beside the index file, the file named by a hash of the source's index key (which may hold any text). */
export function frameFilePath(index: RunIndex, sourceId: string): string {
  return join(`${index.path}.insights`, `${createHash('sha256').update(sourceId).digest('hex').slice(0, 32)}.frame`);
}

const align8 = (n: number) => (n + 7) & ~7;

/** The frame as the bytes of its file. */
export function encodeFrame(index: RunIndex, frame: RunFrame): Buffer {
  const snap = frame.snapshot();
  const arrays: [Group, string, Int32Array | Float64Array | Uint8Array][] = [];
  for (const group of GROUPS) for (const [name, array] of Object.entries(snap[group] as Arrays)) if (array !== undefined) arrays.push([group, name, array]);
  const header: Header = {
    fileId: index.fileId,
    sourceId: snap.sourceId,
    kind: snap.kind,
    withSteps: snap.withSteps,
    seq: snap.seq,
    ids: snap.ids,
    text: snap.text,
    oddStart: snap.oddStart,
    signatures: snap.signatures,
    arrays: arrays.map(([group, name, array]) => [group, name, typeOf(array), array.length]),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  let size = align8(12 + json.length);
  for (const [, , array] of arrays) size += align8(array.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let at = align8(12 + json.length);
  for (const [, , array] of arrays) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += align8(array.byteLength);
  }
  return out;
}

/** A frame from its file's bytes, if they are a frame of this index and source, not newer than the index; else why not. */
export function decodeFrame(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean, bytes: Buffer): RunFrame | string {
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MAGIC) return 'not a frame file';
  if (bytes.readUInt32LE(4) !== FORMAT) return `format ${bytes.readUInt32LE(4)}, not ${FORMAT}`;
  const headerBytes = bytes.readUInt32LE(8);
  if (headerBytes > MAX_HEADER_BYTES || 12 + headerBytes > bytes.length) return 'its header is cut';
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerBytes)) as Header;
  } catch {
    return 'its header is not JSON';
  }
  if (header.fileId !== index.fileId || index.fileId === '') return 'it was made from another index file';
  if (header.sourceId !== sourceId || header.kind !== kind || header.withSteps !== withSteps) return 'it is another source’s';
  if (!Number.isSafeInteger(header.seq) || header.seq < 0 || header.seq > index.changeSeq) return 'it is newer than the index (the index was replaced by an older copy?)';
  if (!Array.isArray(header.arrays) || !Array.isArray(header.ids) || !Array.isArray(header.text) || !Array.isArray(header.oddStart) || !Array.isArray(header.signatures)) {
    return 'its header is incomplete';
  }
  const groups: Record<Group, Arrays> = { runs: {}, steps: {}, tools: {}, made: {} };
  let at = align8(12 + headerBytes);
  for (const entry of header.arrays) {
    if (!Array.isArray(entry) || entry.length !== 4) return 'an array is not described';
    const [group, name, type, length] = entry as unknown as [string, unknown, string, number];
    if (!Object.hasOwn(groups, group) || typeof name !== 'string' || !Object.hasOwn(TYPES, type) || !Number.isSafeInteger(length) || length < 0) return 'an array is not described';
    const Type = TYPES[type as keyof typeof TYPES];
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.length) return 'it is cut';
    // A view of the file's bytes where they are aligned for the type (a file read whole starts its own buffer), else a copy.
    const offset = bytes.byteOffset + at;
    let array: InstanceType<(typeof TYPES)[keyof typeof TYPES]>;
    if (offset % Type.BYTES_PER_ELEMENT === 0) array = new Type(bytes.buffer as ArrayBuffer, offset, length);
    else {
      array = new Type(length);
      new Uint8Array(array.buffer).set(bytes.subarray(at, at + byteLength));
    }
    groups[group as keyof typeof groups][name] = array;
    at += align8(byteLength);
  }
  if (at !== bytes.length) return 'its size does not match its header';
  try {
    return RunFrame.fromSnapshot({
      sourceId: header.sourceId,
      kind: header.kind,
      withSteps: header.withSteps,
      seq: header.seq,
      ids: header.ids,
      text: header.text,
      oddStart: header.oddStart,
      signatures: header.signatures,
      ...(groups as unknown as Pick<FrameSnapshot, Group>),
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The saved frame of a source, if there is a usable one (see decodeFrame); a file that is not is left for the next save to replace. */
export function loadFrame(index: RunIndex, sourceId: string, kind: SourceKind, withSteps: boolean): RunFrame | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(frameFilePath(index, sourceId));
  } catch {
    return undefined;
  }
  const frame = decodeFrame(index, sourceId, kind, withSteps, bytes);
  return typeof frame === 'string' ? undefined : frame;
}

/**
 * Saves the frame if it changed since it was last saved or loaded: to a temporary file in the
 * folder, then renamed over the old one. Only the owner may read it (it holds run ids, users
 * and error texts, as the index does). A failure (a full disk) removes the temporary file and
 * is thrown: the frame in memory is unharmed, and the old file, if any, still names its own state.
 * Answers whether it wrote.
 */
export async function saveFrame(index: RunIndex, frame: RunFrame): Promise<boolean> {
  const target = savingTarget(index, frame);
  if (!target) return false;
  await placed(target, () => writeFile(target.temporary, target.bytes, { mode: 0o600, flag: 'wx' }));
  frame.savedSeq = target.seq;
  return true;
}

/** The same, at once (the CLI, about to exit). */
export function saveFrameNow(index: RunIndex, frame: RunFrame): boolean {
  const target = savingTarget(index, frame);
  if (!target) return false;
  void placed(target, () => writeFileSync(target.temporary, target.bytes, { mode: 0o600, flag: 'wx' }));
  frame.savedSeq = target.seq;
  return true;
}

/** Writes the temporary file (at once, or as a promise), then renames it over the target; on any failure the temporary file is removed and the error thrown (at once for a write at once). */
function placed<T extends void | Promise<void>>(target: { path: string; temporary: string }, write: () => T): T {
  const fail = (error: unknown): never => {
    rmSync(target.temporary, { force: true });
    throw error;
  };
  const rename = () => renameSync(target.temporary, target.path);
  try {
    const written = write();
    if (written instanceof Promise) return written.then(rename).catch(fail) as T;
    rename();
    return undefined as T;
  } catch (error) {
    return fail(error);
  }
}

function savingTarget(index: RunIndex, frame: RunFrame): { path: string; temporary: string; bytes: Buffer; seq: number } | undefined {
  if (frame.savedSeq === frame.seq || frame.busy) return undefined;
  // The index must not hand out again a value this frame has seen (a rolled-back batch's).
  index.keepSeq();
  const path = frameFilePath(index, frame.sourceId);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  return { path, temporary: `${path}.${randomBytes(6).toString('hex')}.tmp`, bytes: encodeFrame(index, frame), seq: frame.seq };
}
