// Rolls back a journal left by a writer that was killed, before the engine opens the file.
// SQLite does this itself on open — but the WebAssembly engine's file locking answers "is
// another process writing?" with "yes" to the very process asking (its lock is a directory it
// just made), so it never rolls a hot journal back: a kill while a commit was writing pages
// (or a big transaction spilled them) left a torn or malformed file (measured in
// docs/run-index-engine.md). We hold the index alone when this runs (indexFile.ts's pid lock),
// so a journal there is hot by definition, and we play it back as SQLite would
// (https://www.sqlite.org/fileformat2.html#the_rollback_journal): each record's page is
// written back while its checksum holds, the file is cut to its size before the
// transaction, synced, and only then is the journal removed.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

const MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

export interface Rollback {
  /** Pages written back. */
  readonly pages: number;
}

/**
 * Plays back `<path>-journal` if there is one; undefined when there was nothing to play back
 * (none, or one whose header is zeros, which is removed).
 */
export function rollBackHotJournal(path: string): Rollback | undefined {
  const journalPath = `${path}-journal`;
  if (!existsSync(journalPath) || !existsSync(path)) return undefined;
  let pages = 0;
  let journal: number | undefined = openSync(journalPath, 'r');
  try {
    const journalSize = fstatSync(journal).size;
    const start = Buffer.alloc(Math.min(28, journalSize));
    const read = readSync(journal, start, 0, start.length, 0);
    if (start.subarray(0, read).every((byte) => byte === 0)) {
      // A header of zeros (or no header at all) holds nothing to play back: SQLite zeroes the
      // header at each commit instead of deleting the journal while it holds the file in
      // locking_mode EXCLUSIVE (as the index does), so a process killed while it had the
      // index open leaves one. SQLite would not take it for hot either; it is removed.
      closeSync(journal);
      journal = undefined;
      rmSync(journalPath, { force: true });
      return undefined;
    }
    // Not a journal of SQLite's (another program's file of that name): left alone.
    if (read < 8 || !start.subarray(0, 8).equals(MAGIC)) return undefined;
    const db = openSync(path, 'r+');
    try {
      let headerAt = 0;
      for (let segment = 0; headerAt + 28 <= journalSize; segment++) {
        const header = Buffer.alloc(28);
        readSync(journal, header, 0, 28, headerAt);
        if (!header.subarray(0, 8).equals(MAGIC)) break; // zeroed or not a journal: nothing more to play back
        let records = header.readUInt32BE(8);
        const nonce = header.readUInt32BE(12);
        const originalPages = header.readUInt32BE(16);
        const sectorSize = header.readUInt32BE(20);
        const pageSize = header.readUInt32BE(24);
        if (!isPowerOfTwo(pageSize, 512, 65536) || !isPowerOfTwo(sectorSize, 32, 65536)) break;
        // The file's size before the transaction: restored once, after the first header (pages
        // appended by the transaction go; those it changed come back from the records).
        if (segment === 0) ftruncateSync(db, originalPages * pageSize);
        const recordSize = 4 + pageSize + 4;
        const first = headerAt + sectorSize;
        // 0xffffffff: as many records as the file holds (written without a sync of the count).
        if (records === 0xffffffff) records = Math.floor((journalSize - first) / recordSize);
        const record = Buffer.alloc(recordSize);
        let at = first;
        let whole = true;
        for (let i = 0; i < records; i++, at += recordSize) {
          const page = readSync(journal, record, 0, recordSize, at) === recordSize ? record.readUInt32BE(0) : 0;
          const data = record.subarray(4, 4 + pageSize);
          // A record written only in part ends the journal: everything before it is the whole story.
          if (page === 0 || checksum(nonce, data) !== record.readUInt32BE(4 + pageSize)) {
            whole = false;
            break;
          }
          if (page <= originalPages) {
            writeSync(db, data, 0, pageSize, (page - 1) * pageSize);
            pages++;
          }
        }
        if (!whole) break;
        // The next segment's header, if any, starts at the next sector boundary.
        headerAt = Math.ceil(at / sectorSize) * sectorSize;
      }
      fsyncSync(db);
    } finally {
      closeSync(db);
    }
  } finally {
    if (journal !== undefined) closeSync(journal);
  }
  rmSync(journalPath, { force: true });
  return { pages };
}

/** SQLite's journal checksum (pager_cksum): the nonce plus every 200th byte of the page, from the end. */
function checksum(nonce: number, page: Buffer): number {
  let sum = nonce;
  for (let i = page.length - 200; i > 0; i -= 200) sum = (sum + page[i]!) >>> 0;
  return sum;
}

function isPowerOfTwo(value: number, min: number, max: number): boolean {
  return value >= min && value <= max && (value & (value - 1)) === 0;
}
