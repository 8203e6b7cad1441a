// Large step payloads (1–3 MB) built on demand to an exact byte size, so an execution can
// announce the size without building the payload, and the step detail delivers exactly it.
import { records, type RecordContext } from './records';

const RECORDS_PER_BATCH = 50;

/** A page of records whose JSON text is exactly `targetBytes` bytes of UTF-8. */
export function largePayload(ctx: RecordContext, targetBytes: number, key: 'records' | 'body'): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  // Leave a margin for the wrapper and for estimation error; the filler makes up the rest.
  let estimate = 256;
  while (estimate < targetBytes - 8_192) {
    const batch = records(ctx, RECORDS_PER_BATCH);
    for (const item of batch) {
      if (estimate >= targetBytes - 8_192) break;
      items.push(item);
      estimate += Buffer.byteLength(JSON.stringify(item)) + 1;
    }
  }
  const value: Record<string, unknown> = {
    object: 'list',
    integration: ctx.integration,
    count: items.length,
    [key]: items,
    nextPageToken: null,
    filler: '',
  };
  const actual = Buffer.byteLength(JSON.stringify(value));
  // ASCII filler: one character is one byte.
  value['filler'] = '.'.repeat(Math.max(0, targetBytes - actual));
  return value;
}
