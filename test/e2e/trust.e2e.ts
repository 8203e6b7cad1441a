// Issue 14, item 2 (docs/trust-and-remote.md), in the real workbench: with workspace trust on,
// a new folder opens in Restricted Mode and the extension still activates (the manifest's
// `capabilities.untrustedWorkspaces` is "limited", not the default "not supported"); the
// folder's own unrestricted settings apply; and Export Runs… writes through the export target
// adapter (src/commands/exportTarget.ts). code-server's save dialog offers only the server's
// file system, so the target here is a `file:` one: the non-`file:` path is proven by
// test/unit/exportTarget.test.ts against a file system of its own scheme.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { launchWorkbench, packageExtension, type Workbench } from './workbench';

describe('Trust and remote in a real VS Code (Restricted Mode)', function () {
  let emulator: RunningEmulator;
  let workbench: Workbench;
  let folder: string;

  before(async function () {
    emulator = await startEmulator({ seed: 14, paragonExecutions: 120, disperslTasks: 5 });
    folder = mkdtempSync(join(tmpdir(), 'thx-e2e-untrusted-'));
    mkdirSync(join(folder, '.vscode'));
    // A folder's settings: groupBy is not restricted (it applies); rawCsv is (Restricted Mode ignores it).
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'taskHistory.groupBy': 'none', 'taskHistory.export.rawCsv': true }));
    workbench = await launchWorkbench({
      vsix: packageExtension(),
      workspaceTrust: true,
      workspaceFolder: folder,
      settings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
        'taskHistory.refreshInterval': 0,
        'taskHistory.index.syncIntervalMinutes': 0,
        'taskHistory.sources': [
          { id: 'e2e-paragon', kind: 'paragon', label: 'E2E Paragon', baseUrl: new URL(emulator.paragonBaseUrl).origin, projectId: emulator.projectId, integrations: [] },
        ],
      },
    });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot('test-results/trust-failure.png').catch(() => undefined);
      console.log(workbench.logs().slice(-6000));
    }
    await workbench?.close();
    await emulator?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('opens the folder in Restricted Mode and still activates the extension, with the folder’s unrestricted settings applied', async () => {
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.waitForActivation();
    await workbench.openContainer('Task History');
    await workbench.runCommand('Task History: Set API Key…');
    await workbench.quickInput(emulator.apiKey);
    // groupBy "none" from the folder's settings: runs are listed flat, no "Failed, N runs" group.
    await workbench.waitForRow(/, [A-Z_]+, /, 60_000); // a run row: "<run>, FAILED, <when>"; group rows read "Failed, N runs"
    const rows = await workbench.sidebarRows();
    assert.ok(!rows.some((r) => /^(Failed|Succeeded), [\d,]+ runs$/.test(r)), `no status groups: ${JSON.stringify(rows)}`);
  });

  it('exports runs to CSV through the export target adapter: the file in place, no .part, logged', async () => {
    const target = join(folder, 'runs.csv');
    await workbench.clearNotifications();
    await workbench.runCommand('Task History: Export Runs…');
    await workbench.quickInput('CSV', { pick: 'CSV' });
    await workbench.quickInput(''); // runs only
    await workbench.page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value.endsWith('runs.csv'), undefined, {
      timeout: 30_000,
    });
    await workbench.page.locator('.quick-input-widget .quick-input-box input').fill(target);
    await workbench.page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
    const outcome = await workbench.waitForNotification(/Export failed|Exported/, 90_000);
    assert.match(outcome, /Exported 120 runs to runs\.csv\./);
    const lines = readFileSync(target, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines.length, 121, 'a header and 120 runs');
    assert.deepEqual(
      readdirSync(folder).filter((n) => n.endsWith('.part')),
      [],
    );
    assert.match(workbench.outputChannelLog('Task History'), /exported 120 runs to \S*runs\.csv \((from the run index|client-side|server-side), \d+ ms\)/);
  });
});
