// Ids from users and from the API become URL path segments. URL parsing resolves "." and
// ".." (and their %2e spellings) before a request leaves, so `replay ..` would POST to the
// collection's own `/replay`: such ids are refused, every other one is percent-encoded
// so it stays exactly one segment.
import { InvalidIdError } from '../core/errors';

/** Longer than any id either API issues (UUIDs, 24-hex ids), short enough to log and show. */
export const MAX_ID_LENGTH = 256;

// C0 controls, DEL and C1 controls: never part of a real id; some end up in logs and terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A high surrogate not followed by a low one, or a low one not after a high one. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The id as one encoded path segment, or an InvalidIdError saying why it cannot be one.
 * `what` names the id in the message: "run id", "step id", "task id".
 */
export function pathSegment(id: string, what: string): string {
  const problem = segmentProblem(id);
  if (problem) {
    throw new InvalidIdError(`The ${what} ${showId(id)} is not a valid id: ${problem}.`, `refused ${what} ${JSON.stringify(id.slice(0, 80))}: ${problem}`);
  }
  return encodeURIComponent(id);
}

function segmentProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'it is not text';
  if (id.trim() === '') return 'it is empty';
  if (id === '.' || id === '..') return 'it would name another address on the server';
  if (CONTROL.test(id)) return 'it contains control characters';
  // Half of a UTF-16 pair cannot be percent-encoded (encodeURIComponent throws URIError).
  if (LONE_SURROGATE.test(id)) return 'it contains a broken character (half of a UTF-16 pair)';
  if ([...id].length > MAX_ID_LENGTH) return `it is longer than ${MAX_ID_LENGTH} characters`;
  return undefined;
}

/** Quoted for the message, with control characters escaped and long ids cut. */
function showId(id: unknown): string {
  if (typeof id !== 'string') return String(id);
  const shown = JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown;
}
