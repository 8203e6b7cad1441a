// Builds every bundle the project ships or runs: the extension host bundle (node, cjs,
// `vscode` external), the command line, the API emulator and the benchmarks.
// `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

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

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
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

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
