// One child process of the fuzz suite: runs the cases of one target in order and reports
// each over IPC. Started by fuzz.test.ts; a case that kills this process is reported there.
//   argv: <target name> <cases to skip>   env: FUZZ_SCALE, FUZZ_CASE, FUZZ_SEED
import { casesOf, caseName, FuzzRunner, TARGET_SPECS } from './cases';

export type WorkerMessage = { type: 'start'; id: string } | { type: 'case'; report: import('./cases').CaseReport } | { type: 'stray'; failures: import('./oracle').Failure[] };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(message));
      resolve();
    } else process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const [targetName, skipText] = process.argv.slice(2);
  const spec = TARGET_SPECS.find((s) => s.name === targetName);
  if (!spec) throw new Error(`unknown target ${targetName}`);
  const cases = casesOf(spec, Number(process.env['FUZZ_SCALE'] ?? 1), process.env['FUZZ_CASE'] || undefined).slice(Number(skipText ?? 0));
  const runner = new FuzzRunner();
  await runner.init();
  for (const c of cases) {
    await send({ type: 'start', id: caseName(c) });
    await send({ type: 'case', report: await runner.runCase(c) });
  }
  await runner.close();
  await send({ type: 'stray', failures: runner.stray });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('fuzz worker failed:', error);
    process.exit(3);
  },
);
