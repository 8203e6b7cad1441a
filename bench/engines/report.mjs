// Prints the markdown tables of docs/run-index-engine.md from bench/engines/results.json:
//   node bench/engines/report.mjs [results.json]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'results.json');
const r = JSON.parse(readFileSync(file, 'utf8'));
const f = (n, d = 0) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const print = (title, text) => console.log(`### ${title}\n\n${text}\n`);
const s = r.summary ?? [];
const engines = s.filter((x) => !x.engine.startsWith('baseline'));

print(
  `Insert ${f(r.runs)} runs in batches of 500 (median of ${r.reps})`,
  table(
    ['engine', 'Node', 'total (s)', 'each run (s)', 'runs/s', '× baseline on same Node'],
    s.map((x) => [x.engine, x.node, f(x.insertMs / 1000, 2), x.insertMsEach ? x.insertMsEach.map((m) => f(m / 1000, 2)).join(' / ') : '', f(x.runsPerS), f(x.ratio, 2)]),
  ),
);
print(
  'File size',
  table(
    ['engine', 'bytes on disk after close', 'per 1,000 runs (MB)'],
    s.map((x) => [
      x.engine,
      x.files
        ? Object.entries(x.files)
            .map(([k, v]) => `${k.replace(/-\d+\./, '.')}: ${f(v)}`)
            .join(', ')
        : 'NDJSON',
      f(x.bytesPer1000 / 1e6, 2),
    ]),
  ),
);
print(
  'Peak memory of the inserting process (median)',
  table(
    ['engine', 'Node', 'VmHWM (MB)', 'max sampled rss (MB)'],
    s.map((x) => [x.engine, x.node, f(x.vmHwmMB, 0), f(x.rssPeakMB, 0)]),
  ),
);
print(
  'Queries on 150k runs (ms; median of 20 per run, then median of the runs)',
  table(
    [
      'engine',
      'open',
      'first group count (cold)',
      'group counts, all',
      'group counts, 30 days',
      'page 100 failed',
      'page 100 succeeded',
      '+ index (source_id,status,started_at): build',
      'then group counts, all',
      'then 30 days',
    ],
    engines.map((x) => [
      x.engine,
      f(x.openMs, 1),
      f(x.coldGroupCountsMs, 1),
      f(x.groupCountsAllMs, 1),
      f(x.groupCounts30dMs, 1),
      f(x.pageFailedMs, 2),
      f(x.pageSucceededMs, 2),
      f(x.coveringIndexMs, 0),
      f(x.groupCountsAllCoveringMs, 1),
      f(x.groupCounts30dCoveringMs, 1),
    ]),
  ),
);
print(
  'Crash safety: SIGKILL part-way through a batch, then reopen in a new process',
  table(
    ['engine', 'kills', 'readable', 'integrity ok', 'rows = committed batches', 'in-flight batch kept', 'notes'],
    Object.entries(r.crash).map(([engine, list]) => {
      const readable = list.filter((c) => c.verify.ok).length;
      const integrity = list.filter((c) => c.verify.ok && String(c.verify.integrity).startsWith('ok')).length;
      const exact = list.filter((c) => c.verdict.endsWith('all committed, in-flight lost')).length;
      const kept = list.filter((c) => c.verdict.endsWith('in-flight batch had committed')).length;
      const locked = list.filter((c) => c.verify.staleLockRemoved).length;
      return [
        engine,
        list.length,
        readable,
        integrity,
        exact,
        kept,
        locked ? `${locked}/${list.length} "${list.find((c) => c.verify.staleLockRemoved).verify.firstError}" until the stale \`.lock\` directory was removed` : '',
      ];
    }),
  ),
);
for (const [engine, cases] of Object.entries(r.foreign)) {
  print(
    `Foreign or corrupt files: ${engine}`,
    table(
      ['file', 'header check', 'open / first query', 'open + schema + integrity check'],
      Object.entries(cases).map(([label, c]) => [label, c.header, c.probe.join('; ').replace(/\/tmp\/[^"]+/g, '…'), c.openWithSchemaAndCheck.replace(/\/tmp\/[^"]+/g, '…')]),
    ),
  );
}
print(
  'Bundle cost (esbuild, minified, platform node, cjs)',
  table(
    ['candidate', 'JS in the bundle (bytes)', 'files to ship beside it (bytes)'],
    Object.entries(r.bundle).map(([k, v]) => [
      k,
      f(v.jsBytes),
      Object.entries({ ...(v.wasm ?? {}), ...(v.native ?? {}) })
        .map(([n, b]) => `${n}: ${f(b)}`)
        .join(', ') || 'none',
    ]),
  ),
);
console.log(`Machine: ${r.machine.nproc} cores; ${r.machine.free.split('\n')[1]}; runtimes ${r.machine.runtimes.join(', ')}; ${r.machine.date}`);
