// Checks one entry of the `taskHistory.sources` setting: the generic fields here, the
// kind's own fields through its descriptor. Out of config/settings.ts so it needs no
// `vscode` and is tested in plain Node; settings.ts calls it for each entry.
import * as l10n from '@vscode/l10n';
import { parseBaseUrl } from '../http/httpPolicy';
import { knownKindsText, sourceKindOf } from './index';

/** What is wrong with a hand-edited entry, as a message naming the source, or undefined. */
export function validateSourceEntry(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return l10n.t('A source must be an object.');
  const s = entry as Record<string, unknown>;
  if (typeof s['id'] !== 'string' || !s['id']) return l10n.t('A source needs an "id".');
  const id = s['id'];
  const descriptor = sourceKindOf(s['kind']);
  if (!descriptor) return l10n.t('Source "{0}": "kind" must be {1}.', id, knownKindsText());
  const own = descriptor.validateConfig(s);
  if (own) return l10n.t('Source "{0}": {1}', id, own);
  if (s['baseUrl'] !== undefined && typeof s['baseUrl'] !== 'string') return l10n.t('Source "{0}": "baseUrl" must be a string.', id);
  if (s['allowInsecureHttp'] !== undefined && typeof s['allowInsecureHttp'] !== 'boolean') return l10n.t('Source "{0}": "allowInsecureHttp" must be true or false.', id);
  if (typeof s['baseUrl'] === 'string') {
    // The same rules as the HTTP policy (no credentials in the URL; no key in clear to a
    // remote host unless allowed), reported here per entry instead of as a failed source.
    try {
      parseBaseUrl(s['baseUrl'], descriptor.displayName, s['allowInsecureHttp'] === true);
    } catch (error) {
      return l10n.t('Source "{0}": {1}', id, error instanceof Error ? error.message : String(error));
    }
  }
  if (s['integrations'] !== undefined && !(Array.isArray(s['integrations']) && s['integrations'].every((i) => typeof i === 'string'))) {
    return l10n.t('Source "{0}": "integrations" must be a list of names.', id);
  }
  return undefined;
}
