// The tree's groups by a value the runs carry (a workflow, an agent, a model), from a source's
// Insights frame: which values the runs matching the tree's filter have, with how many runs
// each, and one group's runs newest first. Through the frame rather than SQL: an agent or a model
// lives in a task's steps, and the join over 900,000 steps took seconds on the extension
// host's thread (the frame has each run's distinct agents and models ready).
//
// The same rules as the SQL they replace (src/views/nodes/indexGroups.ts): a run counts once
// under each agent (model) one of its stored steps names (an empty name is none); a run none
// of whose steps names one is under none (value null); a workflow of '' is none.
import type { ValueCount, ValueDimension } from '../core/grouping';
import type { Run, RunQuery, SourceKind } from '../core/model';
import type { RunIndex } from '../runIndex/runIndex';
import { scopeRowsReady, type ScopeRows } from './stats';

/** The group a value names: `none` for the runs with no value. */
export interface ValueGroup {
  readonly dimension: ValueDimension;
  readonly value: string;
  readonly none?: boolean;
}

/** For each row of the scope, the codes it is under (none: an empty list). */
function codesOf(rows: ScopeRows, dimension: ValueDimension): (row: number) => ArrayLike<number> {
  const { frame } = rows;
  const empty = frame.text.find('');
  if (dimension === 'workflow') {
    const one = new Int32Array(1);
    const none = new Int32Array(0);
    return (row) => {
      const code = frame.workflowId[row]!;
      if (code < 0 || code === empty) return none;
      one[0] = code;
      return one;
    };
  }
  const { start, codes } = frame.distinctByRun(dimension);
  return (row) => {
    const list = codes.subarray(start[row]!, start[row + 1]!);
    return empty >= 0 && list.includes(empty) ? list.filter((c) => c !== empty) : list;
  };
}

/** Every value of the dimension among the scope's runs with its runs (null: the runs with none), and how many runs in all. */
export function valueCounts(rows: ScopeRows, dimension: ValueDimension): { readonly counts: ValueCount[]; readonly runs: number } {
  const of = codesOf(rows, dimension);
  const byCode = new Map<number, number>();
  let none = 0;
  for (const row of rows.rows) {
    const list = of(row);
    if (list.length === 0) none++;
    for (let i = 0; i < list.length; i++) byCode.set(list[i]!, (byCode.get(list[i]!) ?? 0) + 1);
  }
  const counts: ValueCount[] = [...byCode].map(([code, runs]) => ({ value: rows.frame.text.value(code)!, runs }));
  if (none > 0) counts.push({ value: null, runs: none });
  return { counts, runs: rows.rows.length };
}

/** The ids of a group's runs among the scope's, newest first (by start as the index orders it: text, none last; then id), as the tree lists runs. */
export function valueRunIds(rows: ScopeRows, group: ValueGroup): string[] {
  const { frame } = rows;
  const of = codesOf(rows, group.dimension);
  const code = group.none ? -1 : frame.text.find(group.value);
  const picked: { id: string; at: string | null }[] = [];
  for (const row of rows.rows) {
    const list = of(row);
    const inGroup = group.none ? list.length === 0 : Array.prototype.includes.call(list, code);
    if (!inGroup) continue;
    const ms = frame.startMs[row]!;
    picked.push({ id: frame.ids[row]!, at: Number.isNaN(ms) ? (frame.oddStart.get(row) ?? null) : new Date(ms).toISOString() });
  }
  return picked
    .sort((a, b) => {
      if (a.at !== b.at) {
        if (a.at === null) return 1;
        if (b.at === null) return -1;
        return a.at < b.at ? 1 : -1;
      }
      return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
    })
    .map((p) => p.id);
}

/** A source's runs in the index as the tree's value groups read them. */
export interface IndexValues {
  /** Every value of the dimension among the runs matching the query, with its runs (null: none), and how many runs match. */
  counts(query: RunQuery, dimension: ValueDimension): Promise<{ readonly counts: ValueCount[]; readonly runs: number }>;
  /** The ids of a group's runs matching the query, newest first. */
  runIds(query: RunQuery, group: ValueGroup): Promise<string[]>;
  /** Those runs as indexed, in that order. */
  runs(ids: readonly string[]): Run[];
}

/** IndexValues over a source of an open index, its frame read in slices with `pause` between them when it is not ready. */
export function indexValues(index: RunIndex, sourceId: string, kind: SourceKind, pause: () => Promise<void>): IndexValues {
  const rowsOf = (query: RunQuery) => scopeRowsReady({ index, sourceId, kind, query }, pause);
  return {
    counts: async (query, dimension) => valueCounts(await rowsOf(query), dimension),
    runIds: async (query, group) => valueRunIds(await rowsOf(query), group),
    runs: (ids) => index.summaries(sourceId, ids),
  };
}
