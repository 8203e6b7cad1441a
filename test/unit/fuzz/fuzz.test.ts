// The seeded, bounded fuzz suite of issue 9: the real clients, over real HTTP, against a
// loopback server that answers like Paragon and Dispersl (the emulator) but mutates its
// answers — cut bodies and connections, wrong types, nulls, huge numbers, lying totals,
// looping links, repeated ids, odd statuses, gzip lies, trickles, HTML, 5xx/429 storms.
// Over the whole suite: no uncaught exception or unhandled rejection, no case past its
// bound, no export that succeeds with a wrong record set, no untyped error reaching a user,
// nothing left behind by a failed export.
//
// Each target runs in a child process (two at a time), so a case that crashes its process
// (out of memory on a lying total) is reported as that case's failure and the rest go on.
// One `it` per (target × mutation family); its failures are listed by class with each
// case's seed and mutations. Re-run one case alone:
//   FUZZ_CASE=export:paragon/truncation/3 npx mocha test/unit/fuzz/fuzz.test.ts
// More cases: FUZZ_SCALE=4. Another seed space: FUZZ_SEED=123. Every case as JSON: FUZZ_LOG=file.
// Some targets only: FUZZ_TARGETS=export:,server-export.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BASE_SEED, CASE_BOUND_MS, caseName, casesOf, TARGET_SPECS, type CaseId, type CaseReport, type TargetSpec } from './cases';
import { FAMILIES } from './mutations';
import type { Failure } from './oracle';
import type { WorkerMessage } from './worker';

const SCALE = Math.max(0.1, Number(process.env['FUZZ_SCALE'] ?? 1));
const ONLY = process.env['FUZZ_CASE'] || undefined;
/** A worker silent this long (no case started or finished) is stuck, event loop and all. */
const WATCHDOG_MS = CASE_BOUND_MS + 20_000;
const WORKER = join(__dirname, 'worker.ts');
/** FUZZ_TARGETS=export,server-export: only targets whose name starts with one of these. */
const TARGETS = (process.env['FUZZ_TARGETS'] ?? '').split(',').filter(Boolean);

function selected(spec: TargetSpec): boolean {
  return TARGETS.length === 0 || TARGETS.some((t) => spec.name.startsWith(t));
}

describe('fuzz: hostile API answers (seeded, bounded)', function () {
  const reports = new Map<string, CaseReport>();
  const stray: Failure[] = [];
  let elapsed = 0;

  /** Runs a target's cases in a child; restarts after a crash at the next case. */
  function runTarget(spec: TargetSpec, cases: readonly CaseId[]): Promise<void> {
    return new Promise((resolveAll) => {
      let done = 0;
      const launch = () => {
        let inFlight: string | undefined;
        let stderr = '';
        let watchdog: NodeJS.Timeout | undefined;
        const child: ChildProcess = fork(WORKER, [spec.name, String(done)], {
          execArgv: ['--import', 'tsx', '--max-old-space-size=1536'],
          env: { ...process.env, FUZZ_SCALE: String(SCALE), FUZZ_CASE: ONLY ?? '' },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        const arm = () => {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => {
            stderr += `\n[watchdog: no progress in ${WATCHDOG_MS} ms, killed]`;
            child.kill('SIGKILL');
          }, WATCHDOG_MS);
        };
        arm();
        child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
        child.on('message', (message: WorkerMessage) => {
          arm();
          if (message.type === 'start') inFlight = message.id;
          else if (message.type === 'case') {
            reports.set(message.report.id, message.report);
            inFlight = undefined;
            done++;
          } else stray.push(...message.failures);
        });
        child.on('exit', (code, signal) => {
          clearTimeout(watchdog);
          if (inFlight !== undefined) {
            // The fatal error's own line, not V8's banner and native stack.
            const lines = stderr.split('\n').filter((l) => /[a-z]{3}/i.test(l) && !/^\s*\d+: 0x|^-----|FailureMessage/.test(l));
            const watchdogFired = stderr.includes('[watchdog');
            reports.set(inFlight, {
              id: inFlight,
              seed: 0,
              label: `${inFlight} → the process died`,
              outcome: watchdogFired ? 'hang' : 'crash',
              ms: 0,
              requests: 0,
              mutated: 0,
              notes: [],
              failures: [
                {
                  kind: watchdogFired ? 'hang' : 'uncaught-exception',
                  detail: `${watchdogFired ? 'the event loop stalled' : 'the process crashed'} (exit ${code ?? signal}): ${lines.slice(-4).join(' | ').slice(0, 600)}`,
                },
              ],
            });
            done++;
            if (done < cases.length) return launch();
          } else if (done < cases.length) {
            stray.push({ kind: 'harness', detail: `worker ${spec.name} exited (${code ?? signal}) after ${done} of ${cases.length} cases: ${stderr.slice(-600)}` });
          }
          resolveAll();
        });
      };
      launch();
    });
  }

  before(async function () {
    this.timeout(420_000);
    const started = performance.now();
    // Longest first, so two workers finish together.
    const order = ['export:paragon', 'server-export:dispersl', 'export:dispersl', 'list:paragon', 'list:dispersl', 'get:paragon', 'get:dispersl', 'step:paragon'];
    const queue = [...TARGET_SPECS]
      .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
      .filter((spec) => selected(spec))
      .map((spec) => ({ spec, cases: casesOf(spec, SCALE, ONLY) }))
      .filter((q) => q.cases.length > 0);
    const workers = Math.max(1, Math.min(2, availableParallelism()));
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await runTarget(next.spec, next.cases);
      }),
    );
    elapsed = performance.now() - started;
  });

  after(function () {
    const all = [...reports.values()];
    // FUZZ_LOG=file: every case as a JSON line (label, mutations, outcome), to study a run.
    if (process.env['FUZZ_LOG']) writeFileSync(process.env['FUZZ_LOG'], all.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const count = (key: (r: CaseReport) => string[]) => {
      const m = new Map<string, number>();
      for (const r of all) for (const k of key(r)) m.set(k, (m.get(k) ?? 0) + 1);
      return (
        [...m]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      );
    };
    const slowest = all.reduce<CaseReport | undefined>((a, r) => (!a || r.ms > a.ms ? r : a), undefined);
    console.log(
      [
        '',
        '  fuzz figures',
        `    cases ${all.length}, mutated responses ${all.reduce((a, r) => a + r.mutated, 0)}, requests through the mutating server ${all.reduce((a, r) => a + r.requests, 0)}`,
        `    outcomes: ${count((r) => [r.outcome])}`,
        `    failures by class (cases): ${count((r) => [...new Set(r.failures.map((f) => f.kind))])}`,
        `    slowest case ${slowest ? `${slowest.id} ${slowest.ms.toFixed(0)} ms` : '-'}; total ${(elapsed / 1000).toFixed(1)} s (seed space ${BASE_SEED}, scale ${SCALE})`,
        '',
      ].join('\n'),
    );
  });

  function explain(failed: readonly CaseReport[]): string {
    const byKind = new Map<string, { report: CaseReport; failure: Failure }[]>();
    for (const r of failed) for (const failure of r.failures) byKind.set(failure.kind, [...(byKind.get(failure.kind) ?? []), { report: r, failure }]);
    const lines: string[] = [];
    for (const [kind, items] of byKind) {
      lines.push(`${kind}: ${items.length} in ${new Set(items.map((i) => i.report.id)).size} case(s)`);
      for (const { report: r, failure } of items.slice(0, 6)) {
        lines.push(`  FUZZ_CASE=${r.id} (seed ${r.seed}) ${r.label}`);
        for (const note of r.notes.slice(0, 4)) lines.push(`      mutation: ${note}`);
        lines.push(`      → ${failure.detail}`);
      }
      if (items.length > 6) lines.push(`  … ${items.length - 6} more`);
    }
    return lines.join('\n');
  }

  for (const spec of TARGET_SPECS.filter((s) => selected(s))) {
    describe(spec.name, () => {
      for (const family of FAMILIES.filter((f) => spec.families.includes(f.name))) {
        const cases = casesOf(spec, SCALE, ONLY).filter((c) => c.family === family.name);
        if (cases.length === 0) continue;
        it(`${spec.name} × ${family.name}: ${cases.length} case(s) end typed or exact`, function () {
          const got = cases.map((c) => reports.get(caseName(c)));
          const missing = cases.filter((_, i) => !got[i]).map(caseName);
          if (ONLY) {
            for (const r of got) {
              if (r)
                console.log(
                  `      ${r.id} (seed ${r.seed}): ${r.label}${r.message ? `\n        message: ${r.message}` : ''}\n${r.notes.map((n) => `        mutation: ${n}`).join('\n')}`,
                );
            }
          }
          const failed = got.filter((r): r is CaseReport => !!r && r.failures.length > 0);
          if (missing.length > 0 || failed.length > 0) {
            throw new Error(
              `${failed.length} of ${cases.length} cases failed${missing.length > 0 ? `, ${missing.length} never ran (${missing.slice(0, 3).join(', ')})` : ''}\n${explain(failed)}`,
            );
          }
        });
      }
    });
  }

  it('fuzzed what it promises: every target and family has cases, and a full run mutates at least 1,000 responses', function () {
    const chosen = TARGET_SPECS.filter((spec) => selected(spec));
    if (chosen.length === 0) throw new Error(`FUZZ_TARGETS=${TARGETS.join(',')} names no target (targets: ${TARGET_SPECS.map((t) => t.name).join(', ')})`);
    if (ONLY) return; // one case on purpose
    const empty = chosen.flatMap((spec) =>
      FAMILIES.filter((f) => spec.families.includes(f.name))
        .filter((f) => !casesOf(spec, SCALE, ONLY).some((c) => c.family === f.name))
        .map((f) => `${spec.name} × ${f.name}`),
    );
    assert.deepEqual(empty, [], 'a family with no cases tests nothing');
    if (TARGETS.length === 0 && SCALE >= 1) {
      const mutated = [...reports.values()].reduce((a, r) => a + r.mutated, 0);
      assert.ok(mutated >= 1000, `only ${mutated} mutated responses (the suite promises at least 1,000)`);
    }
  });

  it('nothing failed outside a case (listeners, workers)', function () {
    if (stray.length > 0) throw new Error(stray.map((f) => `${f.kind}: ${f.detail}`).join('\n'));
  });
});
