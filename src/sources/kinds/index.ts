// The registry of source kinds. To add a kind: its id in SOURCE_KIND_IDS (core/model.ts), its
// descriptor module next to this one, and one line in BY_KIND below; the `satisfies` makes a
// missing or mismatched descriptor a type error.
import { SOURCE_KIND_IDS, type SourceKind } from '../../core/model';
import { disperslKind } from './disperslKind';
import { paragonKind } from './paragonKind';
import { quotedChoices, type SourceKindDescriptor } from './sourceKind';

export { SOURCE_KIND_IDS, type SourceKind };
export * from './sourceKind';

const BY_KIND = {
  paragon: paragonKind,
  dispersl: disperslKind,
} as const satisfies { readonly [K in SourceKind]: SourceKindDescriptor<K> };

/** Every kind, in SOURCE_KIND_IDS order (pickers, help, messages). */
export const SOURCE_KINDS: readonly SourceKindDescriptor[] = SOURCE_KIND_IDS.map((id) => BY_KIND[id]);

/** The descriptor of a known kind. */
export function kindDescriptor<K extends SourceKind>(kind: K): SourceKindDescriptor<K> {
  return BY_KIND[kind] as SourceKindDescriptor<K>;
}

/** The descriptor of a kind read from outside (settings, a command argument), or undefined if unknown. */
export function sourceKindOf(kind: unknown): SourceKindDescriptor | undefined {
  return typeof kind === 'string' ? SOURCE_KINDS.find((d) => d.kind === kind) : undefined;
}

export function isSourceKind(kind: unknown): kind is SourceKind {
  return sourceKindOf(kind) !== undefined;
}

/** '"paragon" or "dispersl"', for messages that name the known kinds. */
export function knownKindsText(): string {
  return quotedChoices(SOURCE_KIND_IDS);
}
