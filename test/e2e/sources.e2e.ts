// First use in a real VS Code: the welcome view, the demo, and adding and removing a
// source through the guided commands (its key kept in SecretStorage, never in settings).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

describe('Sources and first use in a real VS Code', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;

  before(async function () {
    emulator = await startEmulator({ seed: 5, paragonExecutions: 1500, disperslTasks: 250 });
    workbench = await launchWorkbench({ vsix: packageExtension(), settings: { 'taskHistory.refreshInterval': 0 } });
    await workbench.openContainer('Task History');
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/sources-failure.png').catch(() => undefined);
      console.log(workbench.logs().slice(-4000));
    }
    await workbench?.close();
    await emulator?.close();
  });

  const settingsFile = () => readFileSync(join(workbench.userDataDir, 'User', 'settings.json'), 'utf8');

  it('greets a user with no source: add a Paragon project, a Dispersl account, or open the demo', async () => {
    const welcome = workbench.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await welcome.innerText();
    for (const action of ['Add Paragon Project', 'Add Dispersl Account', 'Open Demo']) assert.ok(text.includes(action), action);
    await workbench.screenshot('test-results/welcome.png');
  });

  it('adds a Dispersl source through the guided command, checking the connection', async () => {
    await workbench.runCommand('Task History: Add Source…');
    await workbench.quickInput('Dispersl', { pick: 'Dispersl' });
    await workbench.quickInput(emulator.disperslBaseUrl);
    await workbench.quickInput('Pro', { pick: 'Pro' });
    await workbench.quickInput(emulator.apiKey);
    await workbench.waitForNotification(/Added Dispersl/);
    const failed = emulator.truth.disperslIds({ status: 'failed' }).length;
    await workbench.waitForRow(new RegExp(`^Failed, ${failed} runs$`));
    const settings = settingsFile();
    assert.match(settings, /"kind": "dispersl"/);
    assert.ok(!settings.includes(emulator.apiKey), 'the key is not in settings.json');
  });

  it('removes the source and its key after a confirmation', async () => {
    await workbench.runCommand('Task History: Remove Source…');
    const remove = workbench.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove' }).first();
    await remove.waitFor({ state: 'visible' });
    await remove.click();
    await workbench.page.locator('.part.sidebar .welcome-view-content').waitFor({ state: 'visible', timeout: 30_000 });
    assert.doesNotMatch(settingsFile(), /"kind": "dispersl"/);
  });

  it('opens the demo: two sources on the built-in emulator, no settings written', async () => {
    await workbench.page.locator('.part.sidebar .welcome-view-content a', { hasText: 'Open Demo' }).first().click();
    await workbench.waitForRow(/^Demo: Paragon/);
    await workbench.waitForRow(/^Demo: Dispersl/);
    await workbench.waitForRow(/^Succeeded, [\d,]+ runs$/);
    assert.doesNotMatch(settingsFile(), /demo-paragon/);
  });
});
