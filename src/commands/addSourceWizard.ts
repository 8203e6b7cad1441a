// The order of Add Source's questions as a multi-step flow: which API, that kind's declarative
// steps (src/sources/kinds/*, the ones whose `when` holds), then the API key. It tracks where
// the person is, the step numbers ("2/5") and every answer given, so Back returns to the previous
// question with its answer still in it, and going forward again finds the later answers kept
// too. Answers are kept per kind: a Paragon origin is never offered as a Dispersl root after
// switching kinds. Plain logic without `vscode` (unit-tested in Node); sourceCommands.ts shows
// each step with a QuickPick or an InputBox and reports Back, an answer or Escape here. The one
// implementation of the step order: the extension and the unit tests both drive this class.
import * as l10n from '@vscode/l10n';
import { SOURCE_KINDS, sourceKindOf, type SourceKind } from '../sources/kinds';
import type { AddSourceInputStep, AddSourcePickStep, AddSourceStep, SourceKindDescriptor } from '../sources/kinds/sourceKind';
import type { SourceConfig } from '../sources/sourceConfig';

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

/** The name of the API key's step (not a kind's: the key goes to secret storage, never to settings). */
export const KEY_STEP_NAME = 'apiKey';

/** The last question: the key, hidden while typed. */
export function keyStep(): AddSourceInputStep {
  return {
    type: 'input',
    name: KEY_STEP_NAME,
    title: l10n.t('API key'),
    prompt: l10n.t('Stored in VS Code’s secret storage, never in settings.'),
    validate: (text) => (text.trim() ? undefined : l10n.t('Enter the API key.')),
  };
}

/** One question as the UI shows it. */
export interface WizardView {
  readonly step: AddSourceStep;
  /** 1-based, and the number of questions as the answers so far make it (an Enterprise plan adds one). */
  readonly number: number;
  readonly total: number;
  /** The answer given before (Back, or forward again), else the step's pre-filled value. */
  readonly value: string | undefined;
  readonly canGoBack: boolean;
  /** The key: typed hidden. */
  readonly secret: boolean;
}

export interface WizardResult {
  readonly config: SourceConfig;
  readonly key: string;
}

export class AddSourceWizard {
  /** Every answer given, by `kind` for the first question, `<kind>:<step>` for a kind's, `apiKey` for the key. */
  private readonly answers = new Map<string, string>();
  private at = 0;
  private readonly key = keyStep();

  constructor(
    private readonly isTaken: (id: string) => boolean,
    /** A kind chosen beforehand (the welcome view's "Add Paragon Project"): its question is not asked. */
    private readonly preset?: SourceKind,
  ) {}

  /** The kind chosen so far (the preset, or the first answer). */
  get kind(): SourceKindDescriptor | undefined {
    return sourceKindOf(this.preset ?? this.answers.get(KIND_STEP.name));
  }

  /** The questions in order, as the answers so far decide them. */
  private path(): AddSourceStep[] {
    return this.pathFor(this.kind);
  }

  private pathFor(kind: SourceKindDescriptor | undefined): AddSourceStep[] {
    const first: AddSourceStep[] = this.preset ? [] : [KIND_STEP];
    if (!kind) return first;
    const answers = this.kindAnswers(kind);
    return [...first, ...kind.addSourceSteps.steps.filter((step) => !step.when || step.when(answers)), this.key];
  }

  /** A kind's answers, for its `when` and `build`: those given (inputs trimmed) to the steps that are asked. */
  private kindAnswers(kind: SourceKindDescriptor): Record<string, string> {
    const answers: Record<string, string> = {};
    for (const step of kind.addSourceSteps.steps) {
      const value = this.answers.get(`${kind.kind}:${step.name}`);
      if (value !== undefined && (!step.when || step.when(answers))) answers[step.name] = step.type === 'input' ? value.trim() : value;
    }
    return answers;
  }

  private answerKey(step: AddSourceStep): string {
    if (step === KIND_STEP) return KIND_STEP.name;
    if (step === this.key) return KEY_STEP_NAME;
    return `${this.kind?.kind ?? ''}:${step.name}`;
  }

  /** The question to show, or undefined once every one is answered. */
  current(): WizardView | undefined {
    const path = this.path();
    const step = path[this.at];
    if (!step) return undefined;
    // Before the kind is known, as many steps as the longest kind asks (so "1/5" does not grow).
    const total = this.kind ? path.length : Math.max(path.length, ...SOURCE_KINDS.map((k) => this.pathFor(k).length));
    const kept = this.answers.get(this.answerKey(step));
    return {
      step,
      number: this.at + 1,
      total,
      value: kept ?? (step.type === 'input' ? step.value : undefined),
      canGoBack: this.at > 0,
      secret: step === this.key,
    };
  }

  /**
   * Answers the current question: undefined when taken (the flow moves on), else why not (the
   * text is kept; the UI shows the message and asks again). A pick must be one of its items.
   */
  answer(raw: string): string | undefined {
    const view = this.current();
    if (!view) return l10n.t('Every question is answered already.');
    const { step } = view;
    if (step.type === 'pick') {
      if (!step.items.some((item) => item.value === raw)) return l10n.t('Choose one of the items.');
    } else {
      const problem = step.validate?.(raw);
      if (problem) return problem;
    }
    this.answers.set(this.answerKey(step), raw);
    this.at++;
    return undefined;
  }

  /** Back to the previous question (its answer kept); false on the first one. */
  back(): boolean {
    if (this.at === 0) return false;
    this.at = Math.min(this.at, this.path().length) - 1;
    return true;
  }

  get done(): boolean {
    return this.current() === undefined && this.kind !== undefined;
  }

  /** The entry and the key, once done; undefined before. */
  result(): WizardResult | undefined {
    const kind = this.kind;
    const key = this.answers.get(KEY_STEP_NAME)?.trim();
    if (!this.done || !kind || !key) return undefined;
    const config = kind.addSourceSteps.build(this.kindAnswers(kind), { uniqueId: (base) => uniqueSourceId(base, this.isTaken) });
    return { config, key };
  }
}

/** Where a new source is kept: its key in secret storage, its entry in the `taskHistory.sources` setting. */
export interface SourceStore {
  setKey(sourceId: string, key: string): PromiseLike<void>;
  deleteKey(sourceId: string): PromiseLike<void>;
  /** Adds the entry to the setting. */
  addEntry(config: SourceConfig): PromiseLike<void>;
}

/**
 * Saves the wizard's result, all or nothing: the key first (so the source finds its key as soon
 * as the setting names it), then the entry; when the entry cannot be written the key is deleted
 * again, so a failed save leaves no key behind for a source that does not exist. The result is
 * the caller's to keep: its Retry saves the same answers again.
 */
export async function saveSource(store: SourceStore, { config, key }: WizardResult): Promise<void> {
  await store.setKey(config.id, key);
  try {
    await store.addEntry(config);
  } catch (error) {
    // The setting's error is the one to report; a key that cannot be deleted either is no worse than before.
    await Promise.resolve(store.deleteKey(config.id)).catch(() => undefined);
    throw error;
  }
}
