// The lean start (issue 14, item 6): the API emulator the demo runs is not in what the
// extension host loads at activation (dist/extension.js) but in a bundle of its own
// (dist/demoEmulator.js), required when Open Demo runs, and the .vsix ships it. Checked on
// the bundles `node esbuild.mjs` builds and on the file list vsce packages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type * as EmulatorModule from '../../emulator/server';
import { buildCli } from './support/cliProcess';

const ROOT = resolve(__dirname, '../..');
const EXTENSION = join(ROOT, 'dist/extension.js');
const DEMO_EMULATOR = join(ROOT, 'dist/demoEmulator.js');
/**
 * Texts only the emulator's code holds (emulator/server.ts: its options check's message
 * prefix, and the decoy origin's loopback address), kept by minification as they are.
 */
const EMULATOR_MARKERS = ['startEmulator: ', "'127.0.0.2'"];

/** Either quote: the production build keeps the source's quotes, the development one prints double quotes. */
const present = (text: string, marker: string) => text.includes(marker) || text.includes(marker.replaceAll("'", '"'));

describe('Bundles: the demo emulator outside the startup bundle', function () {
  this.timeout(120_000);
  let extension: string;
  let demoEmulator: string;

  before(async function () {
    await buildCli(); // node esbuild.mjs: every bundle
    extension = readFileSync(EXTENSION, 'utf8');
    demoEmulator = readFileSync(DEMO_EMULATOR, 'utf8');
  });

  it('dist/extension.js holds none of the emulator code, which dist/demoEmulator.js holds', function () {
    for (const marker of EMULATOR_MARKERS) {
      assert.ok(present(demoEmulator, marker), `the marker ${marker} is in the demo bundle (else this test checks nothing)`);
      assert.ok(!present(extension, marker), `the emulator's ${marker} is in dist/extension.js`);
    }
  });

  it('dist/extension.js loads the demo bundle beside it by require, only inside the demo command', function () {
    const requires = [...extension.matchAll(/require\("(\.\/demoEmulator\.js)"\)/g)];
    assert.equal(requires.length, 1, 'one require of ./demoEmulator.js');
    // In a function run on Open Demo, not at the top of the bundle (what activation runs).
    const line = extension.slice(extension.lastIndexOf('\n', requires[0]?.index) + 1, extension.indexOf('\n', requires[0]?.index));
    assert.match(line, /\.then\(\(\{ startEmulator \}\) => startEmulator\(/);
  });

  it('dist/demoEmulator.js on its own starts an emulator that answers over loopback', async function () {
    const { startEmulator } = createRequire(__filename)(DEMO_EMULATOR) as typeof EmulatorModule;
    const emulator = await startEmulator({ port: 0, paragonExecutions: 20, disperslTasks: 5 });
    try {
      const answer = await fetch(`${emulator.disperslBaseUrl}/history?limit=1`, { headers: { authorization: `Bearer ${emulator.apiKey}` } });
      assert.equal(answer.status, 200, await answer.clone().text());
      const refused = await fetch(`${emulator.disperslBaseUrl}/history?limit=1`);
      assert.equal(refused.status, 401);
    } finally {
      await emulator.close();
    }
  });

  it('the .vsix ships dist/demoEmulator.js beside dist/extension.js, and not .vscode/', function () {
    // vsce's own list of what `vsce package` puts in the .vsix (.vscodeignore's allowlist applied).
    const listed = spawnSync(join(ROOT, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(listed.status, 0, `vsce ls failed: ${listed.stderr}`);
    const files = listed.stdout.split('\n').map((line) => line.trim());
    assert.ok(files.includes('dist/extension.js'), listed.stdout);
    assert.ok(files.includes('dist/demoEmulator.js'), `dist/demoEmulator.js is not packaged:\n${listed.stdout}`);
    assert.deepEqual(
      files.filter((file) => file.startsWith('.vscode/')),
      [],
    );
  });
});
