// The key a source's runs are kept under in the run index: which API, where, and which
// project — not the user's name for the source. The extension and the CLI compute it the
// same way, so they can share an index file, and a source whose settings come to name another
// server or project reads another key instead of runs that are not its own.
import type { SourceKind } from '../../core/model';
import { kindDescriptor } from './index';

export function sourceKey(config: { readonly kind: SourceKind; readonly baseUrl?: string; readonly projectId?: string }): string {
  const base = new URL(config.baseUrl ?? kindDescriptor(config.kind).defaultBaseUrl);
  return [config.kind, `${base.origin}${base.pathname.replace(/\/+$/, '')}`, config.projectId ?? ''].join(' ');
}
