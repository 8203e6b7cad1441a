// One measurement in a fresh process (so VmHWM is that measurement's own peak):
//   node worker.mjs <engine|baseline> <insert|query|crash|verify|probe> <file> [runs]
// Prints one line of JSON on stdout (crash mode prints `begin N` / `commit N` lines instead).
import { existsSync, readdirSync, rmSync, statSync, writeSync, openSync, closeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BATCH, COVERING_INDEX, DAY_MS, NOW_MS, SOURCE_ID, makeBatch, median, rssSampler, vmHwmBytes } from './common.mjs';

const ENGINES = { 'node-sqlite': './nodeSqlite.mjs', 'sqlite-wasm': './sqliteWasm.mjs', sqljs: './sqlJs.mjs', duckdb: './duckdb.mjs' };

const [engineId, mode, file, runsArg] = process.argv.slice(2);
const total = Number(runsArg ?? 150_000);

/** The database file plus whatever sidecars (-wal, -journal, .wal, .tmp) sit beside it. */
function onDisk(path) {
  const dir = dirname(path);
  const files = readdirSync(dir).filter((f) => f === basename(path) || f.startsWith(`${basename(path)}-`) || f.startsWith(`${basename(path)}.`));
  return Object.fromEntries(files.map((f) => [f, statSync(join(dir, f)).size]));
}

function out(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function baseline() {
  const rss = rssSampler();
  const t0 = performance.now();
  const fd = openSync(file, 'w');
  for (let b = 0; b < total / BATCH; b++) {
    const { runs, steps } = makeBatch(b);
    const lines = runs.map((r) => JSON.stringify(r)).concat(steps.map((s) => JSON.stringify(s)));
    writeSync(fd, `${lines.join('\n')}\n`);
    rss.sample();
  }
  closeSync(fd);
  const ms = performance.now() - t0;
  out({ engine: 'baseline (NDJSON via fs)', node: process.version, ms, rssPeak: rss.stop(), vmHwm: vmHwmBytes(), files: onDisk(file) });
}

async function insert(candidate) {
  const rss = rssSampler();
  const t0 = performance.now();
  const db = await candidate.open(file);
  const tOpen = performance.now();
  for (let b = 0; b < total / BATCH; b++) {
    await db.insertBatch(makeBatch(b));
    rss.sample();
  }
  const tRows = performance.now();
  await db.persist();
  const tPersist = performance.now();
  const counts = await db.counts();
  await db.close();
  out({
    engine: candidate.name,
    version: db.version,
    node: process.version,
    ms: tPersist - tOpen,
    openMs: tOpen - t0,
    persistMs: tPersist - tRows,
    rssPeak: rss.stop(),
    vmHwm: vmHwmBytes(),
    counts,
    files: onDisk(file),
  });
}

async function time(fn) {
  const t = performance.now();
  const result = await fn();
  return [performance.now() - t, result];
}

async function query(candidate) {
  const [openMs, db] = await time(() => candidate.open(file));
  const since30 = NOW_MS - 30 * DAY_MS;
  const [coldMs, cold] = await time(() => db.groupCounts(SOURCE_ID, 0));
  const series = async (fn) => {
    const times = [];
    let result;
    for (let i = 0; i < 20; i++) [times[i], result] = await time(fn);
    return { median: median(times), min: Math.min(...times), max: Math.max(...times), result };
  };
  const all = await series(() => db.groupCounts(SOURCE_ID, 0));
  const last30 = await series(() => db.groupCounts(SOURCE_ID, since30));
  const pageFailed = await series(() => db.page(SOURCE_ID, 'failed'));
  const pageSucceeded = await series(() => db.page(SOURCE_ID, 'succeeded'));
  // The variant: one more index, (source_id, status, started_at), then the group counts again.
  const [coveringIndexMs] = await time(() => db.exec(COVERING_INDEX));
  const allCovering = await series(() => db.groupCounts(SOURCE_ID, 0));
  const last30Covering = await series(() => db.groupCounts(SOURCE_ID, since30));
  await db.close();
  out({
    engine: candidate.name,
    node: process.version,
    openMs,
    coldGroupCountsMs: coldMs,
    groupCountsAll: { ...all, result: cold },
    groupCounts30d: last30,
    pageFailed: { ...pageFailed, result: pageFailed.result.length, newest: pageFailed.result[0]?.run_id },
    pageSucceeded: { ...pageSucceeded, result: pageSucceeded.result.length, newest: pageSucceeded.result[0]?.run_id },
    coveringIndexMs,
    groupCountsAllCovering: { ...allCovering, result: undefined },
    groupCounts30dCovering: { ...last30Covering, result: undefined },
    vmHwm: vmHwmBytes(),
  });
}

async function crash(candidate) {
  // Keeps inserting until killed; says where it is, synchronously, before and after each commit.
  const db = await candidate.open(file, { persistEachBatch: true });
  for (let b = 0; ; b++) {
    const batch = makeBatch(b);
    writeSync(1, `begin ${b}\n`);
    await db.insertBatch(batch);
    writeSync(1, `commit ${b}\n`);
  }
}

async function verify(candidate) {
  const before = onDisk(file);
  const attempt = async () => {
    const t = performance.now();
    const db = await candidate.open(file);
    const integrity = await db.integrity();
    const counts = await db.counts();
    await db.close();
    return { ok: true, integrity, counts, filesBefore: before, ms: performance.now() - t };
  };
  try {
    out(await attempt());
  } catch (error) {
    const first = String(error?.message ?? error);
    // node-sqlite3-wasm locks with a `<file>.lock` directory, which a killed process leaves behind.
    if (!existsSync(`${file}.lock`)) return out({ ok: false, error: first, filesBefore: before });
    rmSync(`${file}.lock`, { recursive: true, force: true });
    try {
      out({ ...(await attempt()), firstError: first, staleLockRemoved: true });
    } catch (again) {
      out({ ok: false, error: String(again?.message ?? again), firstError: first, staleLockRemoved: true, filesBefore: before });
    }
  }
}

async function main() {
  if (engineId === 'baseline') return baseline();
  const candidate = await import(ENGINES[engineId]);
  if (mode === 'insert') return insert(candidate);
  if (mode === 'query') return query(candidate);
  if (mode === 'crash') return crash(candidate);
  if (mode === 'verify') return verify(candidate);
  if (mode === 'probe') return out({ steps: await candidate.probe(file), exists: existsSync(file) });
  throw new Error(`unknown mode ${mode}`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
