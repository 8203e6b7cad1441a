// Builds every bundle the project ships or runs: the extension host bundle (node, cjs,
// `vscode` external), the demo's emulator (loaded by the extension only when the demo
// starts), the command line, the API emulator and the benchmarks. Prints each bundle's size.
// `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { writeL10nFiles } from './scripts/l10n.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // Error classes are named in logs and --verbose lines (error.name): minified, a NotFoundError read "bt".
  keepNames: true,
  logLevel: 'warning',
};

/** @type {import('esbuild').BuildOptions} The webviews' bundles: one script each for the panel's page. */
const browser = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** Where the demo's emulator is built to, beside dist/extension.js (and shipped in the .vsix: .vscodeignore). */
const DEMO_EMULATOR = './demoEmulator.js';

/**
 * Keeps the API emulator out of the extension's startup bundle: the demo's `import()` of it
 * (src/commands/demoCommand.ts) becomes a require of dist/demoEmulator.js, run when the demo
 * starts. Any other import of emulator/ from the extension fails the build, since it would
 * put the emulator back into what every activation loads.
 * @type {import('esbuild').Plugin}
 */
const demoEmulatorApart = {
  name: 'demo-emulator-apart',
  setup(build) {
    build.onResolve({ filter: /(^|\/)emulator\// }, (args) => {
      if (args.kind === 'dynamic-import' && args.path === '../../emulator/server') return { path: DEMO_EMULATOR, external: true };
      const text = `${args.path}, imported by ${relative('.', args.importer)}, would bundle the API emulator into dist/extension.js: only the demo may load it, with import()`;
      return { errors: [{ text }] };
    });
  },
};

const builds = [
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [demoEmulatorApart],
    // import() of the demo's bundle as a plain require: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  },
  // The demo's emulator, required by dist/extension.js on Open Demo.
  { ...node, entryPoints: ['emulator/server.ts'], outfile: 'dist/demoEmulator.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['emulator/main.ts'], outfile: 'dist/emulator.js' },
  { ...node, entryPoints: ['bench/main.ts'], outfile: 'dist/bench.js' },
  // Each exporter runs in its own process, so its peak RSS is its own.
  { ...node, entryPoints: ['bench/exportWorker.ts'], outfile: 'dist/bench-export-worker.js' },
  { ...node, entryPoints: ['bench/baselineWorker.ts'], outfile: 'dist/bench-baseline-worker.js' },
  // Each run index sync too (bench/indexBench.ts).
  { ...node, entryPoints: ['bench/syncWorker.ts'], outfile: 'dist/bench-sync-worker.js' },
  { ...browser, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  // The Insights panel's webview; the stylesheets it imports (uPlot's, the charts') come out
  // beside it as dist/insights.css.
  { ...browser, entryPoints: ['webview/insightsMain.ts'], outfile: 'dist/insights.js' },
].filter((b) => b.entryPoints.every((e) => existsSync(e)));

// The run index's engine (SQLite in WebAssembly) loads its .wasm from beside the bundle
// that requires it: every bundle lives in dist/.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm', 'dist/node-sqlite3-wasm.wasm');

/** When the extension host loads a bundle: what activation costs is the first line (docs/activation.md). */
const LOADED = { 'dist/extension.js': 'at activation', 'dist/demoEmulator.js': 'on Open Demo' };

/** One line per bundle: its size (esbuild's metafile), source maps left out. */
function sizeTable(results) {
  const rows = results.flatMap((r) => Object.entries(r.metafile.outputs).filter(([file]) => !file.endsWith('.map')));
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const width = Math.max(...rows.map(([file]) => file.length));
  const lines = rows.map(([file, output]) => `  ${file.padEnd(width)}  ${kib(output.bytes).padStart(10)}  ${LOADED[file] ?? ''}`.trimEnd());
  return `Bundles${production ? ' (production)' : ''}:\n${lines.join('\n')}\n`;
}

if (watch) {
  await writeL10nFiles();
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // The localization bundles are made from the source with the bundles, so a package never ships stale ones (scripts/l10n.mjs).
  const [results, l10n] = await Promise.all([Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true }))), writeL10nFiles()]);
  process.stdout.write(sizeTable(results));
  if (l10n.length > 0) process.stdout.write(`Localization bundles updated: ${l10n.join(', ')}\n`);
}
