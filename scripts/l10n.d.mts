// Types of scripts/l10n.mjs, for the localization test (test/unit/l10n.test.ts).
export type L10nBundle = Record<string, string | { message: string; comment: string[] }>;
export function pseudoLocalized(bundle: L10nBundle): L10nBundle;
export function bundleText(bundle: L10nBundle): string;
export function l10nFiles(root?: string): Promise<Map<string, string>>;
export function staleL10nFiles(root?: string): Promise<string[]>;
export function writeL10nFiles(root?: string): Promise<string[]>;
