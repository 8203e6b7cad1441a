// --verbose: the HTTP policy's request lines (method, path, status, time; never a key) on
// stderr, so they never mix with data on stdout.
import type { HttpLog } from '../sources/http/httpPolicy';

export function stderrHttpLog(writeLine: (line: string) => void): HttpLog {
  return {
    info: (message) => writeLine(`http: ${message}`),
    warn: (message) => writeLine(`http: ${message}`),
  };
}
