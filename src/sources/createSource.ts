// Builds the right client for a configured source: a lookup of the kind's descriptor
// (src/sources/kinds/) and a call of its factory. Everything downstream asks capabilities.
import * as l10n from '@vscode/l10n';
import type { HistorySource } from '../core/source';
import { UnsupportedError } from '../core/errors';
import { knownKindsText, sourceKindOf, type SourceDependencies } from './kinds';
import type { SourceConfig } from './sourceConfig';

export type { SourceDependencies };

export function createSource(config: SourceConfig, deps: SourceDependencies): HistorySource {
  const descriptor = sourceKindOf(config.kind);
  if (!descriptor) {
    // A config typed as SourceConfig can still carry any kind when it came from JSON.
    const kind = String((config as { kind: unknown }).kind);
    throw new UnsupportedError(l10n.t('Unknown source kind "{0}": use {1}.', kind, knownKindsText()), `source ${config.id} kind ${kind}`);
  }
  return descriptor.createClient(config, deps);
}
