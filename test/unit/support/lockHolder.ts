// A child process for the lock tests: opens an index (taking its pid lock, as the CLI or a VS
// Code window does), says "held" and waits to be killed, so the lock names a live process
// that is not the test's own.
// Run as: tsx lockHolder.ts <index path>
import { openIndexFile } from '../../../src/runIndex/indexFile';

openIndexFile(process.argv[2]!);
process.stdout.write('held\n');
setInterval(() => undefined, 1000);
