// A child process for the hot-journal test: changes every run of an index inside a
// transaction with a tiny page cache, so changed pages reach the database file before any
// COMMIT (the journal holding the originals), says "spilled" and waits to be killed.
// Run as: tsx spillWriter.ts <index path>
import { openSqlite } from '../../../src/runIndex/sqlite';

const db = openSqlite(process.argv[2]!, { mustExist: true });
db.exec("PRAGMA cache_size = 5; BEGIN; UPDATE runs SET status = 'cancelled', summary = summary || ' '");
process.stdout.write('spilled\n');
setInterval(() => undefined, 1000);
