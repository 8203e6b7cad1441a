// Measures what the extension costs at activation (docs/activation.md), two ways:
//  1. require: loading dist/extension.js in a fresh Node process (`vscode` replaced by an
//     inert stub, activate() not called): the parse, compile and module-init cost alone.
//  2. workbench: VS Code's own activation time for the extension, as "Developer: Show Running
//     Extensions" shows it (the extension host's code loading + activate() call), read from a
//     real workbench (code-server, test/e2e/workbench.ts) after each of several window reloads;
//     then Open Demo in that workbench, which must show the demo sources.
// Usage: npx tsx scripts/activationTime.ts [--samples N] <extension.vsix> [more .vsix …]
// Several .vsix files (e.g. before and after a change) are measured in turn, sample by sample,
// so that a busy machine's noise falls on each alike; compare medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchWorkbench, type Workbench } from '../test/e2e/workbench';

const { values, positionals } = parseArgs({ options: { samples: { type: 'string', default: '7' } }, allowPositionals: true });
const SAMPLES = Number(values.samples);
const EXTENSION_NAME = 'Task History Explorer';

/** Loads `bundle` in a new Node process with a stub `vscode`; prints the milliseconds require took. */
const REQUIRE_PROBE = `
const Module = require('node:module');
const inert = new Proxy(function () {}, {
  get: (_t, key) => (key === Symbol.toPrimitive ? () => '' : key === 'then' ? undefined : inert),
  apply: () => inert,
  construct: () => inert,
});
// The bundle reads vscode through esbuild's __toESM, which copies own properties and keeps the
// prototype: an object whose prototype is the inert proxy answers every name.
const vscode = Object.create(inert);
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const started = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = (xs: number[]) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

/** require() times of each bundle, the bundles taken in turn so that a busy machine's noise falls on all of them alike. */
function requireTimes(bundles: readonly string[]): number[][] {
  const times = bundles.map((): number[] => []);
  // Round 0 warms the file system cache, as for a VS Code that has run before; not counted.
  for (let round = 0; round <= SAMPLES * 3; round++) {
    bundles.forEach((bundle, i) => {
      const run = spawnSync(process.execPath, ['-e', REQUIRE_PROBE, bundle], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`require(${bundle}) failed: ${run.stderr.slice(-2000)}`);
      if (round > 0) times[i]?.push(Number(run.stdout));
    });
  }
  return times;
}

/** The activation time "Developer: Show Running Extensions" shows for the extension now. */
async function shownActivationTime(workbench: Workbench): Promise<number> {
  await workbench.waitForActivation();
  await workbench.runCommand('Developer: Show Running Extensions');
  const handle = await workbench.page.waitForFunction(
    (name) => {
      const row = Array.from(document.querySelectorAll<HTMLElement>('.runtime-extensions-editor .monaco-list-row')).find((r) => r.innerText.includes(name));
      return /Activation: (\d+)ms/.exec(row?.innerText ?? '')?.[1] ?? false;
    },
    EXTENSION_NAME,
    { timeout: 30_000, polling: 100 },
  );
  return Number(await handle.jsonValue());
}

/**
 * One workbench per .vsix, open together; each sample reloads each window in turn (a new
 * extension host, which loads and activates the bundle again). Then Open Demo in each.
 */
async function workbenchTimes(vsixes: readonly string[]): Promise<{ times: number[][]; demo: string[] }> {
  const workbenches: Workbench[] = [];
  try {
    for (const vsix of vsixes) workbenches.push(await launchWorkbench({ vsix }));
    const times = vsixes.map((): number[] => []);
    for (let round = 0; round < SAMPLES; round++) {
      for (const [i, workbench] of workbenches.entries()) {
        if (round > 0) await workbench.reload();
        const ms = await shownActivationTime(workbench);
        times[i]?.push(ms);
        console.log(`  ${vsixes[i]}: activation ${ms} ms`);
      }
    }
    // The demo still starts: its emulator is required now, not at activation.
    const demo: string[] = [];
    for (const workbench of workbenches) {
      // Running Extensions is a modal editor: closed first, it would keep the palette from opening.
      await workbench.page.keyboard.press('Escape');
      await workbench.page.locator('.monaco-modal-editor-block').waitFor({ state: 'hidden', timeout: 10_000 });
      await workbench.openContainer('Task History');
      await workbench.runCommand('Task History: Open Demo');
      demo.push(await workbench.waitForRow(/Demo: Paragon/, 60_000));
    }
    return { times, demo };
  } finally {
    for (const workbench of workbenches) await workbench.close();
  }
}

async function main(): Promise<void> {
  const vsixes = positionals.map((p) => resolve(p));
  const unpacked = vsixes.map(() => mkdtempSync(join(tmpdir(), 'thx-activation-')));
  try {
    const bundles = vsixes.map((vsix, i) => {
      const unzip = spawnSync('unzip', ['-q', vsix, 'extension/dist/*', '-d', unpacked[i] ?? ''], { encoding: 'utf8' });
      if (unzip.status !== 0) throw new Error(`unzip ${vsix} failed: ${unzip.stderr}`);
      return join(unpacked[i] ?? '', 'extension', 'dist', 'extension.js');
    });
    const required = requireTimes(bundles);
    const { times, demo } = await workbenchTimes(vsixes);
    vsixes.forEach((vsix, i) => {
      console.log(`\n${vsix}: dist/extension.js ${statSync(bundles[i] ?? '').size.toLocaleString('en-US')} bytes`);
      console.log(`  require dist/extension.js (Node ${process.version}, stub vscode): ${summary(required[i] ?? [])}`);
      console.log(`  VS Code activation time (Show Running Extensions, code-server): ${summary(times[i] ?? [])}; samples ${times[i]?.join(', ')}`);
      console.log(`  Open Demo afterwards shows the row: ${demo[i]}`);
    });
  } finally {
    for (const dir of unpacked) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
