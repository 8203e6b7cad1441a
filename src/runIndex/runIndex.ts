// The run index: every run seen, kept in an embedded database file (src/runIndex/sqlite.ts),
// per source id. Finished runs never change, so a run's steps are stored once and never
// fetched again; runs the API has forgotten (past its 90-day retention) stay, marked
// archived. Writes are batched in transactions (a kill loses at most the batch in flight);
// reads answer the tree's counts and pages, a panel's run, and export, without a request.
// Plain TypeScript, no `vscode`: the extension, the CLI and the tests share it.
import type { Run, RunDetail, RunQuery, RunStatus, Step } from '../core/model';
import { isActive } from '../core/runState';
import { openIndexFile, type OpenedIndexFile } from './indexFile';
import type { Row, SqlValue } from './sqlite';

/** A run as the index holds it: the run, whether it is archived, and its steps once fetched. */
export interface IndexedRun {
  readonly run: Run;
  readonly archived: boolean;
  readonly steps?: readonly Step[];
  readonly failingOutput?: { readonly stepId: string; readonly output: unknown };
}

export interface RunIndexOptions {
  /** The clock for "indexed at" (tests pin it). */
  readonly now?: () => Date;
}

export class RunIndex {
  /**
   * The write counter: every write of a run's row (and so of its steps: they are written with it) stamps the
   * row with the next value (`changed_seq`), so a reader holding the runs as they were at N
   * (Insights' frames) re-reads only the rows stamped after N. Starts from the file's highest.
   */
  private seq: number;

  /** The file's identity (made once, when the file was made or brought to schema 4). */
  readonly fileId: string;

  private constructor(
    private readonly file: OpenedIndexFile,
    private readonly now: () => Date,
    /** Where the file is. */
    readonly path: string,
  ) {
    // Values are handed out from blocks recorded in the file (meta 'seq'), so that a value
    // handed out and then rolled back (a batch that failed) is never handed out again by a later
    // process once a frame that saw it was saved (see keepSeq). Opening writes nothing.
    const reserved = Number(file.db.get("SELECT value FROM meta WHERE key = 'seq'")?.['value'] ?? 0);
    const highest = Number(file.db.get('SELECT max(changed_seq) AS n FROM runs')?.['n'] ?? 0);
    this.seq = Math.max(Number.isSafeInteger(reserved) ? reserved : 0, highest);
    this.reserved = this.seq;
    this.fileId = String(file.db.get("SELECT value FROM meta WHERE key = 'id'")?.['value'] ?? '');
  }

  /** The end of the block of write-counter values this opening hands out. */
  private reserved: number;

  private reserve(): void {
    this.reserved = this.seq + SEQ_BLOCK;
    this.file.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)", [String(this.reserved)]);
  }

  /**
   * Makes sure the file records the block the counter is in, outside any batch: called before a
   * reader that has seen values up to changeSeq keeps that fact beyond this process (a saved
   * frame). The block's record may have been rolled back with the batch that first wrote it.
   */
  keepSeq(): void {
    const needed = Math.max(this.reserved, this.seq);
    const held = Number(this.file.db.get("SELECT value FROM meta WHERE key = 'seq'")?.['value'] ?? 0);
    if (!(held >= needed)) this.file.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)", [String(needed)]);
  }

  /** Opens (or creates) the index at `path`; `rebuilt` says when an unusable file was moved aside. */
  static open(path: string, options: RunIndexOptions = {}): RunIndex {
    const now = options.now ?? (() => new Date());
    return new RunIndex(openIndexFile(path, now), now, path);
  }

  /** Set when the file found was not a usable index and a new one was started: say it to the user. */
  get rebuilt(): string | undefined {
    return this.file.rebuilt;
  }

  /** Set when opening could not do some housekeeping (give back free pages on a full disk): worth a line in the log, not an error. */
  get notice(): string | undefined {
    return this.file.notice;
  }

  close(): void {
    this.file.close();
  }

  /**
   * Runs as a listing gave them, in one transaction. A newer state replaces the stored one
   * (its steps are then fetched again); a state that says a finished run runs again is older
   * news and is ignored. Answers how many rows were new or changed.
   *
   * Paragon names a run's integration only in a listing filtered by it (sync tags runs that
   * way), so a run without one keeps the integration stored, in its summary too: an unfiltered
   * re-listing (sync's overlap window, an export) is no change and drops no tag. A run that
   * names one where none was stored is a change (a tag).
   */
  upsertRuns(sourceId: string, runs: readonly Run[]): number {
    const db = this.file.db;
    const at = this.now().toISOString();
    return db.transaction(() => {
      let changed = 0;
      for (const given of runs) {
        const held = db.get('SELECT status, ended_at, integration, summary FROM runs WHERE source_id = ? AND run_id = ?', [sourceId, given.id]);
        if (held && !isActive(String(held['status']) as RunStatus) && isActive(given.status)) continue;
        // Spread over the run, so the key keeps its place (Paragon's runs always carry it) and the summary compares as text.
        const tag = given.integration === undefined ? stringOr(held?.['integration']) : undefined;
        const run: Run = tag === undefined ? given : { ...given, integration: tag };
        if (held && held['summary'] === JSON.stringify(run)) {
          // The API still has it: not archived, whatever an earlier 404 said.
          db.run('UPDATE runs SET checked_at = ?, archived = 0 WHERE source_id = ? AND run_id = ?', [at, sourceId, run.id]);
          continue;
        }
        const stateChanged = !held || held['status'] !== run.status || (held['ended_at'] ?? null) !== instant(run.endedAt);
        this.writeRun(sourceId, run, at, stateChanged ? 'reset' : 'keep');
        changed++;
      }
      return changed;
    });
  }

  /** A run with its steps (and, for a failed run, its failing step's output), in one transaction. */
  putDetail(sourceId: string, detail: RunDetail, failingOutput?: { readonly stepId: string; readonly output: unknown }): void {
    const db = this.file.db;
    // Where the run came from (archived, offline) is not part of the run.
    const { steps, archived: _archived, offline: _offline, ...run } = detail;
    // Paragon's listing knows the integration a run was listed under; the detail does not.
    const held = db.get('SELECT integration, name, summary FROM runs WHERE source_id = ? AND run_id = ?', [sourceId, detail.id]);
    const summary: Run = { ...run, integration: run.integration ?? stringOr(held?.['integration']), name: run.name ?? stringOr(held?.['name']) };
    // A run stays as its listing showed it: a step count the listing did not carry lives in the
    // steps table, so an export from the index writes the same record as one from the API.
    if (held && !('stepCount' in (JSON.parse(String(held['summary'])) as object))) delete (summary as { stepCount?: number }).stepCount;
    db.transaction(() => {
      this.writeRun(sourceId, summary, this.now().toISOString(), 'set');
      db.run('DELETE FROM steps WHERE source_id = ? AND run_id = ?', [sourceId, detail.id]);
      steps.forEach((step, position) => {
        db.run('INSERT INTO steps (source_id, run_id, position, step_id, status, model, agent, tokens, duration_ms, tools, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          sourceId,
          detail.id,
          position,
          step.id,
          step.status,
          step.model ?? null,
          step.agent ?? null,
          step.tokensUsed ?? null,
          numberOrNull(step.durationMs),
          Array.isArray(step.toolsUsed) ? JSON.stringify(step.toolsUsed) : null,
          JSON.stringify(step),
        ]);
      });
      if (failingOutput) {
        db.run('INSERT OR REPLACE INTO failing_outputs (source_id, run_id, step_id, output) VALUES (?, ?, ?, ?)', [
          sourceId,
          detail.id,
          failingOutput.stepId,
          JSON.stringify(failingOutput.output ?? null),
        ]);
      }
    });
  }

  /**
   * One run's row, inserted or updated: the API has it (so it is not archived), and it was seen
   * at `at`. `steps` says what becomes of its stored steps: now stored ('set'), behind its new
   * state ('reset'), or as they were ('keep'). An integration or name the row had and the run
   * lacks (a listing knows Paragon's integration, a detail does not) is kept.
   */
  private writeRun(sourceId: string, run: Run, at: string, steps: 'set' | 'reset' | 'keep'): void {
    this.file.db.run(
      `INSERT INTO runs (source_id, run_id, status, raw_status, started_at, ended_at, duration_ms, workflow_id, user_id, integration, name, task_count, total_tokens, summary,
         detail_fetched, indexed_at, checked_at, changed_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, run_id) DO UPDATE SET
         status = excluded.status, raw_status = excluded.raw_status, started_at = excluded.started_at, ended_at = excluded.ended_at,
         duration_ms = excluded.duration_ms, workflow_id = excluded.workflow_id, user_id = excluded.user_id,
         integration = coalesce(excluded.integration, runs.integration), name = coalesce(excluded.name, runs.name),
         task_count = excluded.task_count, total_tokens = excluded.total_tokens,
         summary = excluded.summary, indexed_at = excluded.indexed_at, checked_at = excluded.checked_at, archived = 0, changed_seq = excluded.changed_seq,
         detail_fetched = CASE ? WHEN 'set' THEN 1 WHEN 'reset' THEN 0 ELSE runs.detail_fetched END`,
      [...runColumns(sourceId, run), steps === 'set' ? 1 : 0, at, at, this.nextSeq(), steps],
    );
  }

  /** The API answered 404 for a run the index holds: it is past retention, kept and marked archived. */
  markArchived(sourceId: string, runId: string): boolean {
    // No new changed_seq: being archived changes none of the figures Insights reads.
    return this.file.db.run('UPDATE runs SET archived = 1 WHERE source_id = ? AND run_id = ?', [sourceId, runId]).changes > 0;
  }

  private nextSeq(): number {
    // The first write of this opening, or a billion writes in it: a new block (recorded within the caller's batch; keepSeq records it again if that batch was rolled back).
    if (this.seq >= this.reserved) this.reserve();
    return ++this.seq;
  }

  /** The write counter's last value: a reader that has read every row stamped up to it holds the index as it is (see `seq`). */
  get changeSeq(): number {
    return this.seq;
  }

  /** A run as indexed (with its steps when they were fetched), or undefined. */
  get(sourceId: string, runId: string): IndexedRun | undefined {
    const db = this.file.db;
    const row = db.get('SELECT summary, archived, detail_fetched FROM runs WHERE source_id = ? AND run_id = ?', [sourceId, runId]);
    if (!row) return undefined;
    const run = JSON.parse(String(row['summary'])) as Run;
    const steps = row['detail_fetched']
      ? db.all('SELECT step FROM steps WHERE source_id = ? AND run_id = ? ORDER BY position', [sourceId, runId]).map((r) => JSON.parse(String(r['step'])) as Step)
      : undefined;
    const failing = db.get('SELECT step_id, output FROM failing_outputs WHERE source_id = ? AND run_id = ?', [sourceId, runId]);
    return {
      run,
      archived: row['archived'] === 1,
      steps,
      failingOutput: failing ? { stepId: String(failing['step_id']), output: JSON.parse(String(failing['output'])) as unknown } : undefined,
    };
  }

  /** A failed run's failing step's output, as sync stored it (the error being debugged), if it is this step's. */
  failingOutput(sourceId: string, runId: string, stepId: string): { readonly output: unknown } | undefined {
    const row = this.file.db.get('SELECT output FROM failing_outputs WHERE source_id = ? AND run_id = ? AND step_id = ?', [sourceId, runId, stepId]);
    return row ? { output: JSON.parse(String(row['output'])) as unknown } : undefined;
  }

  /** The run with its steps, if the index has them (marked archived when the API no longer has it). */
  detail(sourceId: string, runId: string): RunDetail | undefined {
    // Not through get(): an export reads thousands of these, and needs no failing output.
    const db = this.file.db;
    const row = db.get('SELECT summary, archived FROM runs WHERE source_id = ? AND run_id = ? AND detail_fetched = 1', [sourceId, runId]);
    if (!row) return undefined;
    const run = JSON.parse(String(row['summary'])) as Run;
    const steps = db.all('SELECT step FROM steps WHERE source_id = ? AND run_id = ? ORDER BY position', [sourceId, runId]).map((r) => JSON.parse(String(r['step'])) as Step);
    return row['archived'] === 1 ? { ...run, steps, archived: true } : { ...run, steps };
  }

  /** The runs with these ids as indexed (summaries only: no steps), in the order given; ids the index does not hold are left out. */
  summaries(sourceId: string, runIds: readonly string[]): Run[] {
    const byId = new Map<string, Run>();
    for (let at = 0; at < runIds.length; at += 500) {
      const ids = runIds.slice(at, at + 500);
      for (const row of this.file.db.all(`SELECT run_id, summary FROM runs WHERE source_id = ? AND run_id IN (${ids.map(() => '?').join(', ')})`, [sourceId, ...ids])) {
        byId.set(String(row['run_id']), JSON.parse(String(row['summary'])) as Run);
      }
    }
    return runIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** Runs matching the query, newest first. */
  page(sourceId: string, query: RunQuery, offset: number, limit: number, archived: ArchivedRuns = 'include'): Run[] {
    const { where, params } = filterSql(sourceId, query, archived);
    return this.file.db
      .all(`SELECT summary FROM runs WHERE ${where} ORDER BY started_at DESC, run_id DESC LIMIT ? OFFSET ?`, [...params, limit, offset])
      .map((r) => JSON.parse(String(r['summary'])) as Run);
  }

  /** How many runs match the query (archived ones too, unless told otherwise). */
  count(sourceId: string, query: RunQuery = {}, archived: ArchivedRuns = 'include'): number {
    const { where, params } = filterSql(sourceId, query, archived);
    return Number(this.file.db.get(`SELECT count(*) AS n FROM runs WHERE ${where}`, params)?.['n'] ?? 0);
  }

  /**
   * Every run matching the query that has a start time, in start order, read a chunk at a
   * time by key (start, id) rather than by offset: memory stays flat and each chunk costs
   * the same however deep into the listing it is. No statement stays open between chunks,
   * so the caller may write to the index while it reads. A run the API no longer has comes
   * marked `archived`.
   */
  *scan(
    sourceId: string,
    query: RunQuery,
    options: { readonly order: 'asc' | 'desc'; readonly archived: ArchivedRuns; readonly chunk?: number },
  ): Generator<Run & { readonly archived?: boolean }> {
    const { where, params } = filterSql(sourceId, query, options.archived);
    const [cmp, dir] = options.order === 'asc' ? ['>', 'ASC'] : ['<', 'DESC'];
    const chunk = Math.max(1, options.chunk ?? 1_000);
    let after: { started: string; id: string } | undefined;
    for (;;) {
      const rows = this.file.db.all(
        `SELECT started_at, run_id, summary, archived FROM runs WHERE ${where} AND started_at IS NOT NULL${after ? ` AND (started_at ${cmp} ? OR (started_at = ? AND run_id ${cmp} ?))` : ''}
         ORDER BY started_at ${dir}, run_id ${dir} LIMIT ?`,
        [...params, ...(after ? [after.started, after.started, after.id] : []), chunk],
      );
      for (const row of rows) {
        const run = JSON.parse(String(row['summary'])) as Run;
        yield row['archived'] === 1 ? { ...run, archived: true } : run;
      }
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1]!;
      after = { started: String(last['started_at']), id: String(last['run_id']) };
    }
  }

  /** Runs whose start time was kept as sent (it did not parse): no range can say whether they are in it. */
  unplacedStarts(sourceId: string): number {
    return Number(
      this.file.db.get(`SELECT count(*) AS n FROM runs WHERE source_id = ? AND started_at IS NOT NULL AND started_at NOT GLOB '${CANONICAL_INSTANT}'`, [sourceId])?.['n'] ?? 0,
    );
  }

  /** Runs per status for the query (the tree's group counts, without a request). */
  countsByStatus(sourceId: string, query: RunQuery = {}): Map<RunStatus, number> {
    const { where, params } = filterSql(sourceId, { ...query, status: undefined });
    const rows = this.file.db.all(`SELECT status, count(*) AS n FROM runs WHERE ${where} GROUP BY status`, params);
    return new Map(rows.map((r) => [String(r['status']) as RunStatus, Number(r['n'])]));
  }

  /**
   * Ids of runs that may still change (running, queued, delayed): a sync re-checks them until
   * they end. With `due`, only those due for a look: a run is re-checked after a tenth of the
   * time it has been going since it was last checked (at least a minute, at most six hours),
   * so a run stuck for days does not cost a request every sync, while one just started does.
   */
  activeRunIds(sourceId: string, due?: Date): string[] {
    const rows = this.file.db.all(
      "SELECT run_id, started_at, checked_at FROM runs WHERE source_id = ? AND status IN ('running', 'queued', 'delayed') AND archived = 0 ORDER BY started_at",
      [sourceId],
    );
    if (!due) return rows.map((r) => String(r['run_id']));
    const now = due.getTime();
    return rows
      .filter((r) => {
        const checked = Date.parse(String(r['checked_at'] ?? ''));
        if (Number.isNaN(checked)) return true;
        const started = Date.parse(String(r['started_at'] ?? ''));
        const age = Number.isNaN(started) ? 0 : Math.max(0, now - started);
        return now - checked >= Math.min(6 * 3_600_000, Math.max(60_000, age / 10));
      })
      .map((r) => String(r['run_id']));
  }

  /** Finished runs whose steps are not stored yet, oldest first; `statuses` narrows it (e.g. failed only). */
  runsWithoutDetail(sourceId: string, options: { readonly statuses?: readonly RunStatus[]; readonly limit?: number } = {}): string[] {
    const statuses = options.statuses ?? ['succeeded', 'failed', 'cancelled', 'unknown'];
    const marks = statuses.map(() => '?').join(', ');
    return this.file.db
      .all(`SELECT run_id FROM runs WHERE source_id = ? AND detail_fetched = 0 AND archived = 0 AND status IN (${marks}) ORDER BY started_at LIMIT ?`, [
        sourceId,
        ...statuses,
        options.limit ?? -1,
      ])
      .map((r) => String(r['run_id']));
  }

  /** Where a source's sync stands, as the sync wrote it. */
  syncState<T>(sourceId: string): T | undefined {
    const row = this.file.db.get('SELECT state FROM sync_state WHERE source_id = ?', [sourceId]);
    return row ? (JSON.parse(String(row['state'])) as T) : undefined;
  }

  setSyncState(sourceId: string, state: unknown): void {
    this.file.db.run('INSERT OR REPLACE INTO sync_state (source_id, state) VALUES (?, ?)', [sourceId, JSON.stringify(state)]);
  }

  /** Several writes as one: all of them land, or none (a kill mid-batch loses only the batch). */
  batch<T>(work: () => T): T {
    return this.file.db.transaction(work);
  }

  /**
   * Read-only SQL for the insights module (src/insights), which aggregates in the engine rather
   * than loading runs into JavaScript. `sql` runs after `WITH filtered AS (…)`: the source's runs
   * matching `query`, by the same filter as page() and count() (archived runs included unless
   * told otherwise); it may add its own `, name AS (…)` before its SELECT. The filter's
   * parameters come before `params`. Nothing that writes goes through it.
   */
  read(sourceId: string, query: RunQuery, sql: string, params: readonly SqlValue[] = [], archived: ArchivedRuns = 'include'): Row[] {
    if (!/^\s*(?:SELECT\b|,)/i.test(sql)) throw new Error('RunIndex.read takes a SELECT (or more WITH tables, then a SELECT).');
    const filter = filterSql(sourceId, query, archived);
    return this.file.db.all(`WITH filtered AS NOT MATERIALIZED (SELECT * FROM runs WHERE ${filter.where}) ${sql}`, [...filter.params, ...params]);
  }

  /**
   * Read-only SQL over the index's tables as they are (runs, steps, failing_outputs), for
   * Insights' frames (src/insights/runFrame.ts), which read a source's rows by rowid and by
   * `changed_seq`. A SELECT, or WITH tables then a SELECT; nothing that writes.
   */
  select(sql: string, params: readonly SqlValue[] = []): Row[] {
    if (!/^\s*(?:SELECT|WITH)\b/i.test(sql)) throw new Error('RunIndex.select takes a SELECT (or WITH tables, then a SELECT).');
    return this.file.db.all(sql, params);
  }
}

function runColumns(sourceId: string, run: Run): SqlValue[] {
  return [
    sourceId,
    run.id,
    run.status,
    run.rawStatus,
    instant(run.startedAt),
    instant(run.endedAt),
    run.durationMs ?? null,
    run.workflowId ?? null,
    run.userId ?? null,
    run.integration ?? null,
    run.name ?? null,
    numberOrNull(run.taskCount),
    numberOrNull(run.totalTokens),
    JSON.stringify(run),
  ];
}

/** How many write-counter values each opening of the index reserves (see the constructor). */
const SEQ_BLOCK = 1_000_000_000;

/** A figure the API gave, if it is a finite number (a hostile "12" or 1e999 is none). */
function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOr(value: SqlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A date-time that says its zone: Z, or an offset (+02, +02:00, -0530). */
const ZONED = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A timestamp in one form (UTC, milliseconds), so that instants compare as text; kept as sent
 * when it does not parse. A date-time without a zone is UTC, as the APIs mean it (their date
 * filters read it so); JavaScript would take it for local time and shift it by the machine's
 * offset, and a range would then hold other runs than the API's.
 */
export function instant(iso: string | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso.includes('T') && !ZONED.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** What instant() writes: the only form that compares as text. */
const CANONICAL_INSTANT = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';

/** Which runs a read takes: all, only those the API still has, or only those it no longer has. */
export type ArchivedRuns = 'include' | 'exclude' | 'only';

/** The WHERE clause of a query (timestamps are stored in one form, so they compare as text). */
function filterSql(sourceId: string, query: RunQuery, archived: ArchivedRuns = 'include'): { where: string; params: SqlValue[] } {
  const clauses = ['source_id = ?'];
  if (archived !== 'include') clauses.push(archived === 'only' ? 'archived = 1' : 'archived = 0');
  const params: SqlValue[] = [sourceId];
  const add = (clause: string, value: SqlValue) => {
    clauses.push(clause);
    params.push(value);
  };
  if (query.status) add('status = ?', query.status);
  if (query.startedAfter) add('started_at >= ?', query.startedAfter.toISOString());
  if (query.startedBefore) add('started_at < ?', query.startedBefore.toISOString());
  if (query.userId) add('user_id = ?', query.userId);
  if (query.workflowId) add('workflow_id = ?', query.workflowId);
  if (query.integration) add('integration = ?', query.integration);
  return { where: clauses.join(' AND '), params };
}

export type { Row };
