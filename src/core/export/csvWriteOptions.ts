// The csv-stringify options every CSV we write shares — our own client-side rows and the
// API's own CSV export re-written on its way to disk — so the two cannot drift apart (they
// did: the re-write once left a lone CR/LF unquoted, which a spreadsheet reads as a new row
// whose first cell escaped formula neutralization).
import type { Options } from 'csv-stringify/sync';

export function csvWriteOptions(recordDelimiter: string, rawCsv: boolean): Options {
  return {
    record_delimiter: recordDelimiter,
    // Quote any cell holding a line break, lone CR or LF included: a spreadsheet ends a row
    // at either (csv-stringify quotes only the record delimiter once one is set).
    quote_record_delimiter: true,
    // A text cell starting with = + - @ TAB or CR gets a leading ' so a spreadsheet shows it
    // as text. Only strings: csv-stringify leaves a number's leading '-' alone.
    escape_formulas: !rawCsv,
  };
}
