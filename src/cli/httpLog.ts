// --verbose: the HTTP policy's request lines (method, path, status, time; never a key) on
// stderr, so they never mix with data on stdout. They quote the server's error text, so
// each line is made terminal-safe (one line, no escape sequences, bidi shown not obeyed).
import { singleLine } from '../core/format';
import type { HttpLog } from '../sources/http/httpPolicy';

export function stderrHttpLog(writeLine: (line: string) => void): HttpLog {
  return {
    info: (message) => writeLine(`http: ${singleLine(message)}`),
    warn: (message) => writeLine(`http: ${singleLine(message)}`),
  };
}
