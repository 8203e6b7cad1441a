// Open Demo: starts the bundled API emulator on loopback inside the extension host and
// adds a Paragon and a Dispersl demo source for this session (nothing written to settings,
// the demo key held in memory). Lets anyone try the extension without an account.
// The emulator is loaded only when the demo starts: esbuild.mjs builds it into a bundle of
// its own (dist/demoEmulator.js) and points this import() at it, so it costs nothing at
// activation (docs/activation.md; test/unit/bundle.test.ts checks it stays out).
import * as vscode from 'vscode';
import type { RunningEmulator } from '../../emulator/server';
import type { SourceRegistry } from '../config/sourceRegistry';
import { COMMANDS, VIEWS, type CommandHandlers } from '../contributions';
import { userMessage } from '../core/errors';
import { showActionableError } from '../views/errorActions';

/** The Open Demo handler, and what stops the emulator when the extension ends. */
export function demoCommand(registry: SourceRegistry, log: vscode.LogOutputChannel): { handlers: Pick<CommandHandlers, typeof COMMANDS.openDemo>; disposable: vscode.Disposable } {
  let demo: Promise<RunningEmulator> | undefined;
  const open = async () => {
    demo ??= import('../../emulator/server').then(({ startEmulator }) => startEmulator({ port: 0, liveStartsPerSecond: 0.1 }));
    let emulator: RunningEmulator;
    try {
      emulator = await demo;
    } catch (error) {
      demo = undefined;
      void showActionableError(vscode.l10n.t('The demo could not start: {0}', userMessage(error)), error, { retry: open });
      return;
    }
    log.info(`demo API emulator on ${new URL(emulator.paragonBaseUrl).origin}`);
    registry.addDemo(
      [
        {
          id: 'demo-paragon',
          kind: 'paragon',
          label: vscode.l10n.t('Demo: Paragon'),
          baseUrl: new URL(emulator.paragonBaseUrl).origin,
          projectId: emulator.projectId,
          integrations: emulator.truth.integrations,
        },
        { id: 'demo-dispersl', kind: 'dispersl', label: vscode.l10n.t('Demo: Dispersl'), baseUrl: emulator.disperslBaseUrl, requestsPerHour: 100_000 },
      ],
      emulator.apiKey,
    );
    await vscode.commands.executeCommand(VIEWS.focusRuns);
  };
  return {
    handlers: { [COMMANDS.openDemo]: open },
    disposable: {
      dispose: () => {
        void demo?.then((e) => e.close()).catch(() => undefined);
      },
    },
  };
}
