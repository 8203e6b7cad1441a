// Source kinds as descriptors: every kind's client factory works against the emulator, the
// settings checks, the CLI's --source choices and the Add Source steps all come from the
// descriptors, and they build what the hand-written code built before.
import assert from 'node:assert/strict';
import { UnsupportedError } from '../../src/core/errors';
import { SOURCE_KIND_IDS, type SourceKind } from '../../src/core/model';
import { runCli } from '../../src/cli/program';
import { createSource } from '../../src/sources/createSource';
import { AddSourceWizard, KEY_STEP_NAME, KIND_STEP, uniqueSourceId, type WizardResult } from '../../src/commands/addSourceWizard';
import { fillDashboardUrl, kindDescriptor, SOURCE_KINDS, sourceKindOf, type AddSourceStep } from '../../src/sources/kinds';
import { validateSourceEntry } from '../../src/sources/kinds/sourceEntry';
import type { SourceConfig } from '../../src/sources/sourceConfig';
import { useEmulator } from './support/emulatorFixture';

const KEY = 'kinds-spec-key-0123456789';

/**
 * Drives the Add Source wizard (the extension's own step order) with fixed answers by step name,
 * the key last; records the steps asked. Undefined for a name ends the flow (Escape): no entry.
 * An answer the step refuses is a mistake of the script: it throws with the step's message.
 */
function addSource(
  answers: Readonly<Record<string, string | undefined>>,
  isTaken: (id: string) => boolean,
  preset?: SourceKind,
): { result: WizardResult | undefined; asked: AddSourceStep[] } {
  const wizard = new AddSourceWizard(isTaken, preset);
  const asked: AddSourceStep[] = [];
  const script: Readonly<Record<string, string | undefined>> = { [KEY_STEP_NAME]: KEY, ...answers };
  for (let view = wizard.current(); view; view = wizard.current()) {
    const { step } = view;
    asked.push(step);
    if (!(step.name in script)) throw new Error(`unexpected step ${step.name}`);
    const value = script[step.name];
    if (value === undefined) return { result: undefined, asked };
    const problem = wizard.answer(value);
    if (problem) throw new Error(`The answer to "${step.name}" is refused: ${problem}`);
  }
  return { result: wizard.result(), asked };
}

/** The entry Add Source builds from these answers (the key checked as given). */
function entry(answers: Readonly<Record<string, string | undefined>>, isTaken: (id: string) => boolean, preset?: SourceKind): SourceConfig | undefined {
  const { result } = addSource(answers, isTaken, preset);
  if (result) assert.equal(result.key, KEY);
  return result?.config;
}

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => void (stdout += t) }, stderr: { write: (t: string) => void (stderr += t) }, stderrIsTTY: false };
  const code = await runCli(argv, { io, env: { TASK_HISTORY_API_KEY: KEY }, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('Source kinds', () => {
  it('has one descriptor per kind id, in the same order, each naming its own kind', () => {
    assert.deepEqual(
      SOURCE_KINDS.map((d) => d.kind),
      [...SOURCE_KIND_IDS],
    );
    for (const id of SOURCE_KIND_IDS) {
      assert.equal(kindDescriptor(id).kind, id);
      assert.equal(sourceKindOf(id), kindDescriptor(id));
    }
    assert.equal(sourceKindOf('nope'), undefined);
    assert.equal(sourceKindOf(undefined), undefined);
  });

  it('gives the tree and pickers the names, icons and descriptions they showed before', () => {
    const paragon = kindDescriptor('paragon');
    const dispersl = kindDescriptor('dispersl');
    assert.deepEqual(
      [paragon.displayName, paragon.apiName, paragon.icon, paragon.description],
      ['Paragon', 'Paragon Task History API', 'server-process', 'Task History API: workflow executions'],
    );
    assert.deepEqual([dispersl.displayName, dispersl.apiName, dispersl.icon, dispersl.description], ['Dispersl', 'Dispersl History API', 'hubot', 'History API: agent tasks']);
    assert.equal(paragon.defaultBaseUrl, 'https://api.useparagon.com');
    assert.equal(dispersl.defaultBaseUrl, 'https://api.dispersl.com/v1');
  });

  it('fills a dashboard URL template, and gives none when a placeholder has no value', () => {
    const template = kindDescriptor('paragon').dashboardUrlTemplate;
    assert.equal(fillDashboardUrl(template, { projectId: 'p 1', runId: 'r1' }), 'https://dashboard.useparagon.com/connect/projects/p%201/task-history/r1');
    assert.equal(fillDashboardUrl(template, { projectId: 'p1' }), undefined);
    assert.equal(fillDashboardUrl(kindDescriptor('dispersl').dashboardUrlTemplate, { runId: 'r1' }), undefined);
  });

  describe('client factories against the emulator', () => {
    const emulator = useEmulator({ apiKey: KEY, paragonExecutions: 250, disperslTasks: 150 });
    // One entry per kind: a new kind without one here is a type error.
    const configs: { readonly [K in SourceKind]: () => SourceConfig } = {
      paragon: () => ({ id: 'spec-paragon', kind: 'paragon', baseUrl: new URL(emulator().paragonBaseUrl).origin, projectId: emulator().projectId }),
      dispersl: () => ({ id: 'spec-dispersl', kind: 'dispersl', baseUrl: emulator().disperslBaseUrl, requestsPerHour: 100_000 }),
    };
    for (const descriptor of SOURCE_KINDS) {
      it(`${descriptor.kind}: createSource builds a client that lists the first page`, async () => {
        const config = configs[descriptor.kind]();
        assert.equal(validateSourceEntry(config), undefined);
        const source = createSource(config, { apiKey: KEY });
        assert.equal(source.kind, descriptor.kind);
        const page = await source.listPage({}, 0);
        assert.equal(page.runs.length, 100);
        assert.ok(page.total !== undefined && page.total > 100);
        assert.ok(page.runs.every((run) => run.sourceKind === descriptor.kind));
      });
    }
  });

  describe('createSource', () => {
    it('refuses an unknown kind with UnsupportedError naming the known kinds', () => {
      const config = { id: 'x', kind: 'jenkins' } as unknown as SourceConfig;
      assert.throws(
        () => createSource(config, { apiKey: KEY }),
        (error: unknown) => error instanceof UnsupportedError && error.message === 'Unknown source kind "jenkins": use "paragon" or "dispersl".',
      );
    });

    it('refuses a Paragon entry without a project id, as before', () => {
      assert.throws(
        () => createSource({ id: 'p', kind: 'paragon', label: 'Prod' }, { apiKey: KEY }),
        (error: unknown) => error instanceof UnsupportedError && error.message === 'The Paragon source "Prod" has no projectId.',
      );
    });
  });

  describe('settings entries', () => {
    it('rejects a Paragon entry without projectId with the message settings gave before', () => {
      assert.equal(kindDescriptor('paragon').validateConfig({ id: 'p', kind: 'paragon' }), 'a Paragon source needs a "projectId".');
      assert.equal(validateSourceEntry({ id: 'p', kind: 'paragon' }), 'Source "p": a Paragon source needs a "projectId".');
      assert.equal(validateSourceEntry({ id: 'p', kind: 'paragon', projectId: '' }), 'Source "p": a Paragon source needs a "projectId".');
      assert.equal(validateSourceEntry({ id: 'p', kind: 'paragon', projectId: 'abc' }), undefined);
    });

    it('lists the known kinds when the kind is wrong', () => {
      assert.equal(validateSourceEntry({ id: 's', kind: 'jenkins' }), 'Source "s": "kind" must be "paragon" or "dispersl".');
      assert.equal(validateSourceEntry({ id: 's' }), 'Source "s": "kind" must be "paragon" or "dispersl".');
    });

    it("names the kind's API in a base URL problem", () => {
      assert.match(validateSourceEntry({ id: 'd', kind: 'dispersl', baseUrl: 'ftp://x.example' }) ?? '', /^Source "d": The Dispersl base URL must start with https:\/\//);
      assert.match(
        validateSourceEntry({ id: 'p', kind: 'paragon', projectId: 'x', baseUrl: 'http://remote.example' }) ?? '',
        /Refused to use http:\/\/remote\.example for Paragon/,
      );
    });

    it('keeps the generic checks: object, id, baseUrl type, allowInsecureHttp, integrations', () => {
      assert.equal(validateSourceEntry(null), 'A source must be an object.');
      assert.equal(validateSourceEntry({ kind: 'dispersl' }), 'A source needs an "id".');
      assert.equal(validateSourceEntry({ id: 'd', kind: 'dispersl', baseUrl: 3 }), 'Source "d": "baseUrl" must be a string.');
      assert.equal(validateSourceEntry({ id: 'd', kind: 'dispersl', allowInsecureHttp: 'yes' }), 'Source "d": "allowInsecureHttp" must be true or false.');
      assert.equal(validateSourceEntry({ id: 'p', kind: 'paragon', projectId: 'x', integrations: 'slack' }), 'Source "p": "integrations" must be a list of names.');
    });

    it('rejects a Dispersl request budget that is not a number above 0', () => {
      for (const bad of [0, -5, '1000', Number.NaN]) {
        assert.match(validateSourceEntry({ id: 'd', kind: 'dispersl', requestsPerHour: bad }) ?? '', /^Source "d": "requestsPerHour" must be a number above 0/, String(bad));
      }
      assert.equal(validateSourceEntry({ id: 'd', kind: 'dispersl', requestsPerHour: 5000 }), undefined);
    });
  });

  describe('command line', () => {
    it("offers exactly the descriptors' kinds as --source choices", async () => {
      const result = await cli(['list', '--source', 'nope']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`Allowed choices are ${SOURCE_KINDS.map((d) => d.kind).join(', ')}\\.`));
    });

    it("describes each kind's base URL and flags in the help", async () => {
      const result = await cli(['list', '--help']);
      assert.equal(result.code, 0);
      const help = result.stdout.replace(/\s+/g, ' ');
      for (const descriptor of SOURCE_KINDS) {
        assert.ok(help.includes(`${descriptor.displayName}: ${descriptor.cli.baseUrlHelp}`), descriptor.kind);
        for (const flag of descriptor.cli.flags) assert.ok(help.includes(flag.flags), flag.flags);
      }
      assert.match(help, /--requests-per-hour <n> .*\(default: 1000\)/);
    });

    it('refuses Paragon without --project, and a --base-url naming another project (exit 2)', async () => {
      const noProject = await cli(['list', '--source', 'paragon', '--base-url', 'https://zeus.acme.example']);
      assert.equal(noProject.code, 2);
      assert.match(noProject.stderr, /Paragon needs a project: pass --project <id>/);
      const other = await cli(['list', '--source', 'paragon', '--project', 'p1', '--base-url', 'https://zeus.acme.example/projects/p2/task-history']);
      assert.equal(other.code, 2);
      assert.match(other.stderr, /--base-url names the project p2 but --project is p1/);
    });

    it('builds the same entries from flags as before: Paragon with its project, Dispersl with its budget', () => {
      const common = { id: 'cli', kind: 'paragon' as const, baseUrl: 'https://zeus.acme.example/projects/p1/task-history', allowInsecureHttp: false };
      assert.deepEqual(kindDescriptor('paragon').cli.configFromFlags(common, { project: ' p1 ' }), { config: { ...common, projectId: 'p1' } });
      const dispersl = { id: 'cli', kind: 'dispersl' as const, baseUrl: undefined, allowInsecureHttp: false };
      assert.deepEqual(kindDescriptor('dispersl').cli.configFromFlags(dispersl, { requestsPerHour: 100 }), { config: { ...dispersl, requestsPerHour: 100 } });
      assert.equal(kindDescriptor('paragon').cli.keyNoun, 'Paragon project');
      assert.equal(kindDescriptor('dispersl').cli.keyNoun, 'Dispersl');
    });
  });

  describe('Add Source steps', () => {
    const nothingTaken = () => false;

    it('asks which API first when no kind is given, listing every kind, and the key last', () => {
      assert.deepEqual(
        KIND_STEP.items.map((i) => i.value),
        [...SOURCE_KIND_IDS],
      );
      const { result, asked } = addSource({ kind: 'dispersl', baseUrl: 'https://api.dispersl.com/v1', plan: 'free' }, nothingTaken);
      assert.deepEqual(
        asked.map((s) => s.name),
        ['kind', 'baseUrl', 'plan', KEY_STEP_NAME],
      );
      assert.deepEqual(result, { config: { id: 'dispersl', kind: 'dispersl', label: 'Dispersl', baseUrl: 'https://api.dispersl.com/v1', requestsPerHour: 100 }, key: KEY });
    });

    it('Paragon: project id, origin and integrations split on commas, as askParagon built', () => {
      const { result, asked } = addSource(
        { projectId: ' 1b2c3d4e-5f60-7a8b ', baseUrl: 'https://zeus.acme.example ', integrations: ' salesforce, hubspot,,slack ' },
        (id) => id === 'paragon-1b2c3d4e',
        'paragon',
      );
      assert.deepEqual(
        asked.map((s) => s.name),
        ['projectId', 'baseUrl', 'integrations', KEY_STEP_NAME],
      );
      assert.deepEqual(result?.config, {
        id: 'paragon-1b2c3d4e-2',
        kind: 'paragon',
        label: 'Paragon 1b2c3d4e',
        baseUrl: 'https://zeus.acme.example',
        projectId: '1b2c3d4e-5f60-7a8b',
        integrations: ['salesforce', 'hubspot', 'slack'],
      });
      const empty = entry({ projectId: 'p1', baseUrl: 'https://api.useparagon.com', integrations: '' }, nothingTaken, 'paragon');
      assert.deepEqual(empty?.integrations, []);
    });

    it('Paragon: the origin is pre-filled with the cloud, and empty or invalid answers are refused', () => {
      const steps = kindDescriptor('paragon').addSourceSteps.steps;
      const byName = (name: string) => steps.find((s) => s.name === name)!;
      const projectId = byName('projectId');
      const baseUrl = byName('baseUrl');
      assert.ok(projectId.type === 'input' && baseUrl.type === 'input');
      assert.equal(projectId.validate?.('  '), 'Enter the project id.');
      assert.equal(baseUrl.value, 'https://api.useparagon.com');
      assert.equal(baseUrl.validate?.('not a url'), 'Enter a URL such as https://api.useparagon.com.');
      assert.equal(baseUrl.validate?.('ftp://x.example'), 'Use an https:// URL.');
      assert.equal(baseUrl.validate?.('https://zeus.acme.example'), undefined);
    });

    for (const [plan, perHour] of [
      ['pro', 1000],
      ['free', 100],
    ] as const) {
      it(`Dispersl: the ${plan} plan gives ${perHour} requests per hour without asking more`, () => {
        const { result, asked } = addSource({ baseUrl: 'https://api.dispersl.com/v1', plan }, (id) => id === 'dispersl', 'dispersl');
        assert.deepEqual(
          asked.map((s) => s.name),
          ['baseUrl', 'plan', KEY_STEP_NAME],
        );
        assert.deepEqual(result?.config, { id: 'dispersl-2', kind: 'dispersl', label: 'Dispersl', baseUrl: 'https://api.dispersl.com/v1', requestsPerHour: perHour });
      });
    }

    it('Dispersl: Enterprise asks for the custom budget, which must be a whole number above 0', () => {
      const { result, asked } = addSource({ baseUrl: 'https://dispersl.internal.example/v1', plan: 'enterprise', requestsPerHour: '25000' }, nothingTaken, 'dispersl');
      assert.deepEqual(
        asked.map((s) => s.name),
        ['baseUrl', 'plan', 'requestsPerHour', KEY_STEP_NAME],
      );
      assert.deepEqual(result?.config, { id: 'dispersl', kind: 'dispersl', label: 'Dispersl', baseUrl: 'https://dispersl.internal.example/v1', requestsPerHour: 25000 });
      const budget = asked[2]!;
      assert.ok(budget.type === 'input');
      assert.equal(budget.value, '5000');
      for (const bad of ['0', '-3', '1.5', 'lots', '']) assert.equal(budget.validate?.(bad), 'A whole number above 0.', bad);
      assert.throws(
        () => addSource({ baseUrl: 'https://api.dispersl.com/v1', plan: 'enterprise', requestsPerHour: '0' }, nothingTaken, 'dispersl'),
        /"requestsPerHour" is refused: A whole number above 0\./,
      );
    });

    it('ends without an entry when any question is cancelled, the key too', () => {
      assert.equal(entry({ kind: undefined }, nothingTaken), undefined);
      assert.equal(entry({ projectId: 'p1', baseUrl: undefined }, nothingTaken, 'paragon'), undefined);
      assert.equal(entry({ baseUrl: 'https://api.dispersl.com/v1', plan: undefined }, nothingTaken, 'dispersl'), undefined);
      assert.equal(entry({ baseUrl: 'https://api.dispersl.com/v1', plan: 'free', [KEY_STEP_NAME]: undefined }, nothingTaken, 'dispersl'), undefined);
    });

    it('refuses a pick that is not one of the items', () => {
      assert.throws(() => addSource({ baseUrl: 'https://api.dispersl.com/v1', plan: 'gold' }, nothingTaken, 'dispersl'), /"plan" is refused: Choose one of the items\./);
    });

    it('makes ids unique and readable', () => {
      assert.equal(
        uniqueSourceId('Paragon 1B2C!', () => false),
        'paragon-1b2c',
      );
      assert.equal(
        uniqueSourceId('x', (id) => id === 'x' || id === 'x-2'),
        'x-3',
      );
      assert.equal(
        uniqueSourceId('!!!', () => false),
        'source',
      );
    });
  });
});

describe('Source keys in the run index', () => {
  it('tells Dispersl accounts apart by their API key (never storing it), and Paragon projects by their id', async () => {
    const { sourceKey } = await import('../../src/sources/kinds/sourceKey');
    const dispersl = { kind: 'dispersl' as const };
    const a = sourceKey(dispersl, 'key-of-account-a');
    const b = sourceKey(dispersl, 'key-of-account-b');
    assert.ok(a && b && a !== b, `${a} / ${b}`);
    assert.ok(!a.includes('key-of-account-a'), 'only a fingerprint of the key');
    assert.equal(sourceKey(dispersl), undefined, 'no key, no index key');
    const paragon = { kind: 'paragon' as const, projectId: ' p1 ' };
    assert.equal(sourceKey(paragon, 'k1'), sourceKey(paragon, 'k2'), 'a rotated Paragon key reads the same runs');
    assert.equal(sourceKey(paragon), sourceKey({ kind: 'paragon', projectId: 'p1' }));
    assert.notEqual(sourceKey(paragon), sourceKey({ kind: 'paragon', projectId: 'p2' }));
  });
});
