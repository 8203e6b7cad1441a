// Names users give workflows. Paragon's API knows a workflow only by its id, so the tree,
// the run panel, Insights and the CLI show the name a user gave it (setting
// `taskHistory.workflowNames`, command "Name Workflow…", CLI `--workflow-names FILE`) beside
// the id. A name is the user's text: shown as text, never markup; the setting's object may
// hold anything, so only own string entries count ("__proto__" is an id like any other).

export type WorkflowNames = ReadonlyMap<string, string>;

/** Longer names are cut: a label, not a document. */
export const MAX_WORKFLOW_NAME = 120;

/** The names from the setting's value: own entries whose id and name are non-empty strings. */
export function parseWorkflowNames(raw: unknown): WorkflowNames {
  const names = new Map<string, string>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return names;
  for (const [id, name] of Object.entries(raw)) {
    if (typeof name !== 'string') continue;
    const clean = cleanWorkflowName(name);
    if (id.trim() !== '' && clean !== '') names.set(id, clean);
  }
  return names;
}

/** Control characters (C0, DEL, C1) and the marks that reorder text (bidi overrides, isolates). */
// eslint-disable-next-line no-control-regex
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A name as shown: control characters out, spaces collapsed, at most MAX_WORKFLOW_NAME characters. */
export function cleanWorkflowName(name: string): string {
  const text = name.replace(UNSHOWABLE, ' ').replace(/\s+/g, ' ').trim();
  return [...text].slice(0, MAX_WORKFLOW_NAME).join('');
}

/** "Sync contacts (3f2a…)" when named, the id otherwise. */
export function workflowLabel(id: string, names: WorkflowNames): string {
  const name = names.get(id);
  return name === undefined ? id : `${name} (${id.length > 12 ? `${id.slice(0, 8)}…` : id})`;
}

/** The setting's next value: the name set for `id`, or removed when empty; other entries kept as they were. */
export function withWorkflowName(raw: unknown, id: string, name: string): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [key, value] of parseWorkflowNames(raw)) if (key !== id) Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true });
  const clean = cleanWorkflowName(name);
  if (clean !== '') Object.defineProperty(next, id, { value: clean, enumerable: true, writable: true, configurable: true });
  return next;
}
