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
  {
    version: 2,
    // The same tables as ordinary rowid tables. A WITHOUT ROWID table is a b-tree of whole
    // rows keyed by its primary key, and keeps at most about a quarter of a page of a row in
    // the tree: a run of 1 KB or more spilled into an overflow page of its own, 4.7 KB a run
    // where a rowid table takes 1.5 KB (measured, 20,000 runs). Rows are copied as they are,
    // in the migration's one transaction; the indexes are made again on the new tables.
    sql: `
      CREATE TABLE runs_v2 (
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
        detail_fetched INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        indexed_at TEXT NOT NULL,
        checked_at TEXT,
        PRIMARY KEY (source_id, run_id)
      );
      INSERT INTO runs_v2 (source_id, run_id, status, raw_status, started_at, ended_at, duration_ms, workflow_id, user_id, integration, name, summary, detail_fetched, archived, indexed_at, checked_at)
        SELECT source_id, run_id, status, raw_status, started_at, ended_at, duration_ms, workflow_id, user_id, integration, name, summary, detail_fetched, archived, indexed_at, checked_at
        FROM runs ORDER BY source_id, started_at;
      DROP TABLE runs;
      ALTER TABLE runs_v2 RENAME TO runs;
      CREATE INDEX runs_by_status ON runs (source_id, status, started_at);
      CREATE INDEX runs_by_start ON runs (source_id, started_at);

      CREATE TABLE steps_v2 (
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
      );
      INSERT INTO steps_v2 (source_id, run_id, position, step_id, status, model, agent, tokens, step)
        SELECT source_id, run_id, position, step_id, status, model, agent, tokens, step FROM steps ORDER BY source_id, run_id, position;
      DROP TABLE steps;
      ALTER TABLE steps_v2 RENAME TO steps;

      CREATE TABLE failing_outputs_v2 (
        source_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        output TEXT NOT NULL,
        PRIMARY KEY (source_id, run_id)
      );
      INSERT INTO failing_outputs_v2 (source_id, run_id, step_id, output) SELECT source_id, run_id, step_id, output FROM failing_outputs;
      DROP TABLE failing_outputs;
      ALTER TABLE failing_outputs_v2 RENAME TO failing_outputs;
    `,
  },
  {
    version: 3,
    // Start and end times sent without a zone were read as the machine's local time (they are
    // UTC, as the APIs' filters read them): taken again from the run as it was sent. SQLite
    // reads a zone-less date-time as UTC and writes the same form as the index. Times that
    // name their zone were right and stay.
    sql: `
      UPDATE runs SET started_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(summary, '$.startedAt'))
        WHERE json_extract(summary, '$.startedAt') GLOB '*T*'
          AND NOT (json_extract(summary, '$.startedAt') GLOB '*[zZ]' OR json_extract(summary, '$.startedAt') GLOB '*[+-][0-9][0-9]'
            OR json_extract(summary, '$.startedAt') GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR json_extract(summary, '$.startedAt') GLOB '*[+-][0-9][0-9][0-9][0-9]')
          AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(summary, '$.startedAt')) IS NOT NULL;
      UPDATE runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(summary, '$.endedAt'))
        WHERE json_extract(summary, '$.endedAt') GLOB '*T*'
          AND NOT (json_extract(summary, '$.endedAt') GLOB '*[zZ]' OR json_extract(summary, '$.endedAt') GLOB '*[+-][0-9][0-9]'
            OR json_extract(summary, '$.endedAt') GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR json_extract(summary, '$.endedAt') GLOB '*[+-][0-9][0-9][0-9][0-9]')
          AND strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(summary, '$.endedAt')) IS NOT NULL;
    `,
  },
  {
    version: 4,
    // For Insights (src/insights/runFrame.ts), which keeps a source's runs in memory as columns
    // and brings them up to date from what changed since it last read:
    // - `changed_seq`: the index's write counter when the row last changed (RunIndex bumps it
    //   on every write of a run's row, which its steps are written with); rows older than this
    //   migration are 0, and a frame reads them all anyway when it is first built.
    // - the figures Insights groups, as columns, so a frame reads no JSON: a run's task count
    //   and total tokens, a step's duration and the tools it used (the JSON array as text).
    sql: `
      ALTER TABLE runs ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN task_count REAL;
      ALTER TABLE runs ADD COLUMN total_tokens REAL;
      UPDATE runs SET
          task_count = CASE WHEN json_type(summary, '$.taskCount') IN ('integer', 'real') THEN summary ->> '$.taskCount' END,
          total_tokens = CASE WHEN json_type(summary, '$.totalTokens') IN ('integer', 'real') THEN summary ->> '$.totalTokens' END
        WHERE json_type(summary, '$.taskCount') IS NOT NULL OR json_type(summary, '$.totalTokens') IS NOT NULL;
      CREATE INDEX runs_by_change ON runs (changed_seq);

      ALTER TABLE steps ADD COLUMN duration_ms REAL;
      ALTER TABLE steps ADD COLUMN tools TEXT;
      UPDATE steps SET
          duration_ms = CASE WHEN json_type(step, '$.durationMs') IN ('integer', 'real') THEN step ->> '$.durationMs' END,
          tools = CASE WHEN json_type(step, '$.toolsUsed') = 'array' THEN step -> '$.toolsUsed' END;

    `,
  },
  {
    version: 5,
    // Insights' frames, continued. "IF NOT EXISTS" throughout: a build of this project's own
    // history wrote some of these as part of version 4, and a file it upgraded is at 4 with or
    // without them.
    // - What a frame reads, in indexes holding just those columns: a run's row is 1.5 KB with its
    //   JSON and a step's about as much, so reading 150,000 runs or 900,000 steps from the tables
    //   reads the whole file (measured: 25 s for Dispersl's); these read a tenth of it.
    // - The file's own identity, made once: a frame saved beside the index (insights/frameFile.ts)
    //   names the file it was read from, so a frame is never applied to another index. 'seq' is
    //   where the write counter's handed-out values end (RunIndex).
    sql: `
      CREATE INDEX IF NOT EXISTS runs_frame ON runs (source_id, run_id, status, started_at, duration_ms, workflow_id, name, user_id, integration, task_count, total_tokens, detail_fetched);
      CREATE INDEX IF NOT EXISTS steps_frame ON steps (source_id, run_id, position, status, agent, model, tokens, duration_ms, tools);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('id', lower(hex(randomblob(16))));
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
