// Add Source as a multi-step flow: step numbers, Back with the answers kept, answers kept per
// kind, validation on every input, and a cancelled flow that builds nothing.
import assert from 'node:assert/strict';
import { AddSourceWizard, KEY_STEP_NAME, saveSource, type SourceStore, type WizardResult } from '../../src/commands/addSourceWizard';
import type { SourceConfig } from '../../src/sources/sourceConfig';

const PROJECT = '1b2c3d4e-0000-4000-8000-000000000001';

/** Where the flow is: "name n/total = value". */
function where(wizard: AddSourceWizard): string {
  const view = wizard.current();
  return view ? `${view.step.name} ${view.number}/${view.total}${view.value !== undefined ? ` = ${view.value}` : ''}` : 'done';
}

describe('Add Source steps (multi-step, with Back)', () => {
  it('numbers the steps of a Paragon source 1/5 … 5/5 and builds the entry and the key', () => {
    const wizard = new AddSourceWizard(() => false);
    assert.equal(where(wizard), 'kind 1/5');
    assert.equal(wizard.current()!.canGoBack, false);
    assert.equal(wizard.answer('paragon'), undefined);
    assert.equal(where(wizard), 'projectId 2/5');
    assert.equal(wizard.current()!.canGoBack, true);
    assert.equal(wizard.answer(`  ${PROJECT} `), undefined);
    assert.equal(where(wizard), 'baseUrl 3/5 = https://api.useparagon.com', 'the pre-filled origin');
    assert.equal(wizard.answer('https://api.useparagon.com'), undefined);
    assert.equal(where(wizard), 'integrations 4/5');
    assert.equal(wizard.answer('salesforce, hubspot'), undefined);
    assert.equal(where(wizard), `${KEY_STEP_NAME} 5/5`);
    assert.equal(wizard.current()!.secret, true);
    assert.equal(wizard.answer('  sk-1 '), undefined);
    assert.equal(wizard.done, true);
    const result = wizard.result()!;
    assert.equal(result.key, 'sk-1');
    assert.deepEqual(result.config, {
      id: 'paragon-1b2c3d4e',
      kind: 'paragon',
      label: 'Paragon 1b2c3d4e',
      baseUrl: 'https://api.useparagon.com',
      projectId: PROJECT,
      integrations: ['salesforce', 'hubspot'],
    });
  });

  it('goes back with every answer kept, and forward again finds the later answers too', () => {
    const wizard = new AddSourceWizard(() => false);
    wizard.answer('paragon');
    wizard.answer(PROJECT);
    wizard.answer('https://zeus.example.com');
    assert.equal(where(wizard), 'integrations 4/5');
    assert.equal(wizard.back(), true);
    assert.equal(where(wizard), 'baseUrl 3/5 = https://zeus.example.com');
    assert.equal(wizard.back(), true);
    assert.equal(where(wizard), `projectId 2/5 = ${PROJECT}`);
    assert.equal(wizard.back(), true);
    assert.equal(where(wizard), 'kind 1/5 = paragon');
    assert.equal(wizard.back(), false, 'nothing before the first step');
    wizard.answer('paragon');
    assert.equal(where(wizard), `projectId 2/5 = ${PROJECT}`);
    wizard.answer(PROJECT);
    assert.equal(where(wizard), 'baseUrl 3/5 = https://zeus.example.com');
  });

  it('keeps answers per kind: switching to Dispersl does not offer the Paragon origin, and switching back finds it', () => {
    const wizard = new AddSourceWizard(() => false);
    wizard.answer('paragon');
    wizard.answer(PROJECT);
    wizard.answer('https://zeus.example.com');
    wizard.back();
    wizard.back();
    wizard.back();
    wizard.answer('dispersl');
    assert.equal(where(wizard), 'baseUrl 2/4 = https://api.dispersl.com/v1');
    wizard.back();
    wizard.answer('paragon');
    wizard.answer(PROJECT);
    assert.equal(where(wizard), 'baseUrl 3/5 = https://zeus.example.com');
  });

  it('adds the Enterprise budget step only when that plan is chosen, and drops its answer when another plan is', () => {
    const wizard = new AddSourceWizard(() => false, 'dispersl');
    assert.equal(where(wizard), 'baseUrl 1/3 = https://api.dispersl.com/v1', 'a preset kind is not asked');
    assert.equal(wizard.current()!.canGoBack, false);
    wizard.answer('https://api.dispersl.com/v1');
    wizard.answer('enterprise');
    assert.equal(where(wizard), 'requestsPerHour 3/4 = 5000');
    wizard.answer('20000');
    assert.equal(where(wizard), `${KEY_STEP_NAME} 4/4`);
    wizard.answer('k');
    assert.equal(wizard.result()!.config.requestsPerHour, 20000);
    // Back from the end: the key step again, then the budget, then the plan.
    assert.equal(wizard.back(), true);
    assert.equal(where(wizard), `${KEY_STEP_NAME} 4/4 = k`);
    wizard.back();
    wizard.back();
    assert.equal(where(wizard), 'plan 2/4 = enterprise');
    wizard.answer('free');
    assert.equal(where(wizard), `${KEY_STEP_NAME} 3/3 = k`);
    wizard.answer('k');
    assert.equal(wizard.result()!.config.requestsPerHour, 100);
  });

  it('validates each input and each pick before moving on', () => {
    const wizard = new AddSourceWizard(() => false);
    assert.match(wizard.answer('github')!, /Choose one of the items/);
    assert.equal(where(wizard), 'kind 1/5');
    wizard.answer('paragon');
    assert.equal(wizard.answer('   '), 'Enter the project id.');
    assert.equal(where(wizard), 'projectId 2/5');
    wizard.answer(PROJECT);
    assert.match(wizard.answer('ftp://example.com')!, /https/);
    wizard.answer('https://api.useparagon.com');
    wizard.answer('');
    assert.equal(wizard.answer(' '), 'Enter the API key.');
    assert.equal(wizard.done, false);
  });

  it('builds nothing until every step is answered (Escape part-way saves nothing), and picks an id not taken', () => {
    const wizard = new AddSourceWizard((id) => id === 'paragon-1b2c3d4e');
    wizard.answer('paragon');
    wizard.answer(PROJECT);
    assert.equal(wizard.result(), undefined);
    wizard.answer('https://api.useparagon.com');
    wizard.answer('');
    wizard.answer('key');
    assert.equal(wizard.result()!.config.id, 'paragon-1b2c3d4e-2');
  });

  describe('saving (all or nothing)', () => {
    /** Secret storage and the sources setting as two stores; either can be made to fail. */
    class Store implements SourceStore {
      readonly keys = new Map<string, string>();
      readonly entries: SourceConfig[] = [];
      failKey?: Error;
      failEntry?: Error;
      async setKey(id: string, key: string): Promise<void> {
        if (this.failKey) throw this.failKey;
        this.keys.set(id, key);
      }
      async deleteKey(id: string): Promise<void> {
        this.keys.delete(id);
      }
      async addEntry(config: SourceConfig): Promise<void> {
        if (this.failEntry) throw this.failEntry;
        this.entries.push(config);
      }
    }

    function answered(): WizardResult {
      const wizard = new AddSourceWizard(() => false, 'paragon');
      for (const answer of [PROJECT, 'https://api.useparagon.com', '', 'the-key']) assert.equal(wizard.answer(answer), undefined);
      return wizard.result()!;
    }

    it('leaves no key behind when the settings cannot be written, and Retry with the same answers saves both', async () => {
      const store = new Store();
      const result = answered();
      store.failEntry = new Error('settings.json is read-only');
      await assert.rejects(saveSource(store, result), /read-only/);
      assert.deepEqual([...store.keys], [], 'no orphaned key in secret storage');
      assert.deepEqual(store.entries, []);
      store.failEntry = undefined;
      await saveSource(store, result);
      assert.deepEqual([...store.keys], [[result.config.id, 'the-key']]);
      assert.deepEqual(store.entries, [result.config]);
    });

    it('writes no settings entry when the key cannot be stored', async () => {
      const store = new Store();
      store.failKey = new Error('no keyring');
      await assert.rejects(saveSource(store, answered()), /no keyring/);
      assert.deepEqual(store.entries, []);
      assert.deepEqual([...store.keys], []);
    });
  });
});
