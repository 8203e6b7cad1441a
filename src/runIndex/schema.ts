// The run index's schema, versioned: each migration moves the file from version N-1 to N
// inside one transaction, and `PRAGMA user_version` says where a file stands. A file from a
// newer build is left untouched (this build cannot know what it means). `application_id`
// marks the file as ours, so another program's SQLite file is never taken for an index.

/** "THXI" (Task History eXplorer Index) as a 32-bit integer. */
export const APPLICATION_ID = 0x54485849;

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- One row per run ever seen. The columns the queries filter and group by are their own;
      -- the run as the model has it is kept whole in summary (JSON).
      CREATE TABLE runs (
        source_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        status TEXT NOT NULL,
        raw_status TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        duration_ms REAL,
        workflow_id TEXT,
        user_id TEXT,
        integration TEXT,
        name TEXT,
        summary TEXT NOT NULL,
        -- 1 once the run's steps are stored (finished runs never change: fetched once, ever).
        detail_fetched INTEGER NOT NULL DEFAULT 0,
        -- 1 once the API no longer has the run (404 past its retention): kept, and shown as archived.
        archived INTEGER NOT NULL DEFAULT 0,
        indexed_at TEXT NOT NULL,
        -- When the API last said what state the run is in (a listing or a detail): a run that may
        -- still change is re-checked less often the longer it has been going.
        checked_at TEXT,
        PRIMARY KEY (source_id, run_id)
      ) WITHOUT ROWID;
      CREATE INDEX runs_by_status ON runs (source_id, status, started_at);
      CREATE INDEX runs_by_start ON runs (source_id, started_at);

      -- A run's steps in the order the API gave them, each kept whole (JSON).
      CREATE TABLE steps (
        source_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        status TEXT NOT NULL,
        model TEXT,
        agent TEXT,
        tokens INTEGER,
        step TEXT NOT NULL,
        PRIMARY KEY (source_id, run_id, position)
      ) WITHOUT ROWID;

      -- The failing step's output (the error being debugged), for failed runs.
      CREATE TABLE failing_outputs (
        source_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        output TEXT NOT NULL,
        PRIMARY KEY (source_id, run_id)
      ) WITHOUT ROWID;

      -- Where each source's sync stands (JSON), written in the same transaction as the batch it follows.
      CREATE TABLE sync_state (
        source_id TEXT PRIMARY KEY,
        state TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
