// Ids from users and from the API become URL path segments. URL parsing resolves "." and
// ".." (and their %2e spellings) before a request leaves, so `replay ..` would POST to the
// collection's own `/replay`: such ids are refused, every other one is percent-encoded
// so it stays exactly one segment.
import * as l10n from '@vscode/l10n';
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
export function pathSegment(id: string, what: 'run id' | 'step id' | 'task id' | 'Paragon project id'): string {
  const problem = segmentProblem(id);
  if (problem) {
    const shown = showId(id);
    const message =
      what === 'step id'
        ? l10n.t('The step id {0} is not a valid id: {1}.', shown, problem.shown)
        : what === 'task id'
          ? l10n.t('The task id {0} is not a valid id: {1}.', shown, problem.shown)
          : what === 'Paragon project id'
            ? l10n.t('The Paragon project id {0} is not a valid id: {1}.', shown, problem.shown)
            : l10n.t('The run id {0} is not a valid id: {1}.', shown, problem.shown);
    throw new InvalidIdError(message, `refused ${what} ${JSON.stringify(id.slice(0, 80))}: ${problem.log}`);
  }
  return encodeURIComponent(id);
}

/** Why the id cannot be a path segment: in English for the log, and in the display language for the person. */
function segmentProblem(id: unknown): { readonly log: string; readonly shown: string } | undefined {
  if (typeof id !== 'string') return { log: 'it is not text', shown: l10n.t('it is not text') };
  if (id.trim() === '') return { log: 'it is empty', shown: l10n.t('it is empty') };
  if (id === '.' || id === '..') return { log: 'it would name another address on the server', shown: l10n.t('it would name another address on the server') };
  if (CONTROL.test(id)) return { log: 'it contains control characters', shown: l10n.t('it contains control characters') };
  // Half of a UTF-16 pair cannot be percent-encoded (encodeURIComponent throws URIError).
  if (LONE_SURROGATE.test(id)) return { log: 'it contains a broken character (half of a UTF-16 pair)', shown: l10n.t('it contains a broken character (half of a UTF-16 pair)') };
  if ([...id].length > MAX_ID_LENGTH) return { log: `it is longer than ${MAX_ID_LENGTH} characters`, shown: l10n.t('it is longer than {0} characters', MAX_ID_LENGTH) };
  return undefined;
}

/** Quoted for the message, with control characters escaped and long ids cut. */
function showId(id: unknown): string {
  if (typeof id !== 'string') return String(id);
  const shown = JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown;
}
