// The key a source's runs are kept under in the run index: which API, where, and which
// account — not the user's name for the source. The account is the project where the API has
// one (Paragon), else a fingerprint of the API key (Dispersl: every account shares one base
// URL; the key never goes into the file, only 16 hex digits of its SHA-256). The extension and
// the CLI compute it the same way, so a source whose settings or key come to name another
// project or account reads another key instead of runs that are not its own.
import { createHash } from 'node:crypto';
import type { SourceKind } from '../../core/model';
import { kindDescriptor } from './index';

export interface SourceIdentity {
  readonly kind: SourceKind;
  readonly baseUrl?: string;
  readonly projectId?: string;
}

/** The index key, or undefined when the kind needs the API key to tell accounts apart and none is given. */
export function sourceKey(config: SourceIdentity, apiKey?: string): string | undefined {
  const descriptor = kindDescriptor(config.kind);
  const base = new URL(config.baseUrl ?? descriptor.defaultBaseUrl);
  const where = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  if (descriptor.indexIdentity === 'project') return [config.kind, where, config.projectId?.trim() ?? ''].join(' ');
  if (!apiKey) return undefined;
  return [config.kind, where, `key:${createHash('sha256').update(apiKey.trim()).digest('hex').slice(0, 16)}`].join(' ');
}
