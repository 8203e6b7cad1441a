// Open Demo: starts the bundled API emulator on loopback inside the extension host and
// adds a Paragon and a Dispersl demo source for this session (nothing written to settings,
// the demo key held in memory). Lets anyone try the extension without an account.
import * as vscode from 'vscode';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import type { SourceRegistry } from '../config/sourceRegistry';
import { showErrorMessage } from '../views/notifications';

export function registerDemoCommand(registry: SourceRegistry, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let demo: Promise<RunningEmulator> | undefined;
  const open = async () => {
    demo ??= startEmulator({ port: 0, liveStartsPerSecond: 0.1 });
    let emulator: RunningEmulator;
    try {
      emulator = await demo;
    } catch (error) {
      demo = undefined;
      void showErrorMessage(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    log.info(`demo API emulator on ${new URL(emulator.paragonBaseUrl).origin}`);
    registry.addDemo(
      [
        {
          id: 'demo-paragon',
          kind: 'paragon',
          label: 'Demo: Paragon',
          baseUrl: new URL(emulator.paragonBaseUrl).origin,
          projectId: emulator.projectId,
          integrations: emulator.truth.integrations,
        },
        { id: 'demo-dispersl', kind: 'dispersl', label: 'Demo: Dispersl', baseUrl: emulator.disperslBaseUrl, requestsPerHour: 100_000 },
      ],
      emulator.apiKey,
    );
    await vscode.commands.executeCommand('taskHistory.runs.focus');
  };
  return [
    vscode.commands.registerCommand('taskHistory.openDemo', open),
    {
      dispose: () => {
        void demo?.then((e) => e.close()).catch(() => undefined);
      },
    },
  ];
}
