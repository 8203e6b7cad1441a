// Runs a kind's declarative Add Source steps with whatever asks the questions: VS Code's
// input boxes and quick picks in the extension (commands/sourceCommands.ts), a scripted
// answerer in tests. The flow logic (which steps, when, how answers become an entry) lives
// here and in the descriptors, so a new kind adds steps without touching the command.
import * as l10n from '@vscode/l10n';
import type { SourceConfig } from '../sourceConfig';
import { SOURCE_KINDS, sourceKindOf, type SourceKind } from './index';
import type { AddSourceAnswers, AddSourcePickStep, AddSourceStep, SourceKindDescriptor } from './sourceKind';

/** Asks one step; undefined means the person cancelled (Escape), which ends the flow. */
export type StepAnswerer = (step: AddSourceStep, answers: AddSourceAnswers) => Promise<string | undefined>;

/** The first question when no kind was given: which API. (Getters: its texts are read in the display language when asked, not when this module loads.) */
export const KIND_STEP: AddSourcePickStep = {
  type: 'pick',
  name: 'kind',
  get title() {
    return l10n.t('Add Task History Source');
  },
  get placeholder() {
    return l10n.t('Which API?');
  },
  get items() {
    return SOURCE_KINDS.map((d) => ({ label: d.displayName, description: d.description, value: d.kind }));
  },
};

/** `base` made into an id slug that `isTaken` does not know yet: base, base-2, base-3… */
export function uniqueSourceId(base: string, isTaken: (id: string) => boolean): string {
  const slug =
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'source';
  let id = slug;
  for (let i = 2; isTaken(id); i++) id = `${slug}-${i}`;
  return id;
}

/**
 * Asks the kind (unless `preset`), then that kind's steps, and builds the entry; undefined
 * if cancelled. An answer the step would not accept is a bug in the answerer: it throws.
 */
export async function runAddSource(ask: StepAnswerer, isTaken: (id: string) => boolean, preset?: SourceKind): Promise<SourceConfig | undefined> {
  let descriptor: SourceKindDescriptor | undefined = preset ? sourceKindOf(preset) : undefined;
  if (!descriptor) {
    const kind = await answer(KIND_STEP, {}, ask);
    if (kind === undefined) return undefined;
    descriptor = sourceKindOf(kind);
    if (!descriptor) return undefined;
  }
  return runAddSourceSteps(descriptor, ask, isTaken);
}

export async function runAddSourceSteps(descriptor: SourceKindDescriptor, ask: StepAnswerer, isTaken: (id: string) => boolean): Promise<SourceConfig | undefined> {
  const answers: Record<string, string> = {};
  for (const step of descriptor.addSourceSteps.steps) {
    if (step.when && !step.when(answers)) continue;
    const value = await answer(step, answers, ask);
    if (value === undefined) return undefined;
    answers[step.name] = value;
  }
  return descriptor.addSourceSteps.build(answers, { uniqueId: (base) => uniqueSourceId(base, isTaken) });
}

async function answer(step: AddSourceStep, answers: AddSourceAnswers, ask: StepAnswerer): Promise<string | undefined> {
  const raw = await ask(step, { ...answers });
  if (raw === undefined) return undefined;
  if (step.type === 'pick') {
    if (!step.items.some((item) => item.value === raw)) throw new Error(`"${raw}" is not a choice of the step "${step.name}".`);
    return raw;
  }
  const problem = step.validate?.(raw);
  if (problem) throw new Error(`The answer to "${step.name}" is not acceptable: ${problem}`);
  return raw.trim();
}
