// What "Open Run by ID…" accepts, read in one place: a run id, a Task History link
// (runLink.ts), or a vendor's dashboard or API URL (dashboard.ts). The command then knows the
// run, maybe a step, and the source (or the few sources it may be from: it asks then).
// No `vscode` here: tested in plain Node.
import * as l10n from '@vscode/l10n';
import type { SourceConfig } from '../sources/sourceConfig';
import { looksLikeWebUrl, parseVendorUrl } from './dashboard';
import { checkLinkId, EXTENSION_ID, InvalidLinkError, looksLikeRunLink, parseRunLink, shown } from './runLink';

export interface RunReference {
  readonly runId: string;
  readonly stepId?: string;
  /** The sources it may be from: one (a link), the ones a URL fits, or every source (a bare id). */
  readonly sourceIds: readonly string[];
  readonly from: 'id' | 'link' | 'dashboard' | 'api';
}

export interface ReferenceOptions {
  /** `vscode.env.uriScheme`. */
  readonly scheme?: string;
  readonly extensionId?: string;
}

/** Reads the text typed or pasted into "Open Run by ID…"; throws an InvalidLinkError (a typed error) saying what is wrong. */
export function parseRunReference(text: string, sources: readonly SourceConfig[], options: ReferenceOptions = {}): RunReference {
  const trimmed = text.trim();
  if (looksLikeRunLink(trimmed, options.extensionId)) {
    const target = parseRunLink(trimmed, { sourceIds: sources.map((s) => s.id), scheme: options.scheme, extensionId: options.extensionId });
    return { runId: target.runId, stepId: target.stepId, sourceIds: [target.sourceId], from: 'link' };
  }
  if (looksLikeWebUrl(trimmed)) {
    const ref = parseVendorUrl(trimmed, sources);
    return { runId: ref.runId, stepId: ref.stepId, sourceIds: ref.sourceIds, from: ref.kind };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1];
  if (scheme) {
    throw new InvalidLinkError(
      l10n.t(
        '{0} is neither a run id, a Task History link ({1}) nor a dashboard URL (https://…).',
        shown(`${scheme}://…`),
        `${options.scheme ?? 'vscode'}://${options.extensionId ?? EXTENSION_ID}/run?…`,
      ),
      `scheme ${scheme}`,
    );
  }
  return { runId: checkLinkId(trimmed, 'run id', false), sourceIds: sources.map((s) => s.id), from: 'id' };
}
