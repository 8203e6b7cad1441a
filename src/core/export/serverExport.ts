// The API's own export (Dispersl's /history/export), streamed to disk through a check:
// the stream must end where its format does, every record is counted and its id
// remembered, CSV formula cells are neutralized unless raw output is asked for, and the
// records must be exactly the runs the API counts for the pinned filter. Anything else
// fails the export (the caller's atomic file then leaves nothing at the target).
import * as l10n from '@vscode/l10n';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ProtocolError } from '../errors';
import { pinQuery } from '../paging';
import type { ExportOptions } from './exportOptions';
import { CsvExportCheck } from './csvExportCheck';
import type { ExportCheck, ExportCheckOptions, ExportTally } from './exportCheck';
import { JsonExportCheck } from './jsonExportCheck';

/** The export's records are not the runs the API counts: repeated ids, or a different number. */
export class ServerExportMismatchError extends ProtocolError {
  constructor(
    subject: string,
    readonly tally: ExportTally,
    readonly total: number,
  ) {
    super(
      tally.duplicates > 0
        ? l10n.t(
            "{0} had {1} records, {2} of them repeating an earlier task id, but the API counts {3} runs for this filter, so it is not an exact copy. Try again, or page through the API instead (the CLI's --no-server-export).",
            subject,
            tally.records,
            tally.duplicates,
            total,
          )
        : l10n.t(
            "{0} had {1} records, but the API counts {2} runs for this filter, so it is not an exact copy. Try again, or page through the API instead (the CLI's --no-server-export).",
            subject,
            tally.records,
            total,
          ),
      `server export (${tally.shape ?? 'unknown shape'}): records=${tally.records} duplicates=${tally.duplicates} distinct=${tally.records - tally.duplicates} ` +
        `total=${total} bytes=${tally.bytes}${tally.repeatedIds.length > 0 ? ` repeated ids: ${tally.repeatedIds.join(', ')}` : ''}`,
    );
  }
}

/**
 * Streams the source's own export of `options.query` (pinned at `pinnedAt`) into `out`,
 * checking it on the way. `onProgress` hears the API's total first, then counts.
 */
export async function serverExport(
  options: ExportOptions,
  pinnedAt: Date,
  out: Writable,
  onProgress: (written: number, total: number | undefined) => void,
): Promise<{ records: number; total: number }> {
  const { source, signal } = options;
  const format = options.format;
  if (format !== 'csv' && format !== 'json') throw new Error(`no server export in ${format}`);
  const pinned = pinQuery(options.query, pinnedAt);
  const first = await source.listPage(pinned, 0, { signal });
  const total = first.total;
  onProgress(0, total);
  const subject = `The export from ${source.label}`;
  const check = createExportCheck(format, { subject, rawCsv: options.rawCsv, onRecords: (n) => onProgress(n, total) });
  // The check sits between the API's stream and the file.
  const written = pipeline(check, out, { signal });
  written.catch(() => undefined); // awaited below
  try {
    await source.exportToStream!(format, pinned, check, signal);
  } catch (error) {
    // Whatever failed (the connection, the check, the disk), the file side stops too.
    check.destroy();
    await written.catch(() => undefined);
    throw error;
  }
  await written;
  const tally = check.tally;
  if (tally.duplicates > 0 || tally.records !== total) throw new ServerExportMismatchError(subject, tally, total);
  return { records: tally.records, total };
}

function createExportCheck(format: 'csv' | 'json', options: ExportCheckOptions & { rawCsv?: boolean }): ExportCheck {
  return format === 'csv' ? new CsvExportCheck({ ...options, raw: options.rawCsv === true }) : new JsonExportCheck(options);
}
