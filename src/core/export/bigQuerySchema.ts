// The BigQuery schema file written beside an NDJSON export, so a month of runs loads with one
// command and typed columns (timestamps as TIMESTAMP, steps as repeated records):
//   bq load --source_format=NEWLINE_DELIMITED_JSON mydataset.runs runs.ndjson runs.schema.json
// Made from the same field table as the Parquet columns (recordFields.ts). Every column is
// NULLABLE (or REPEATED for lists), so a field an API leaves out never fails a load.
import { basename, dirname, extname, join } from 'node:path';
import { openAtomic, writesDirectly } from './atomicFile';
import { recordFields, type FieldType, type RecordField, type RecordShape } from './recordFields';
import { writeChunk } from './sinkStream';
import type { ExportFormat } from './sinks';

export type BigQueryType = 'STRING' | 'TIMESTAMP' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'JSON' | 'RECORD';

/** One entry of a BigQuery JSON schema file (the format `bq load` and `bq mk` read). */
export interface BigQueryField {
  readonly name: string;
  readonly type: BigQueryType;
  readonly mode: 'NULLABLE' | 'REPEATED';
  readonly description: string;
  readonly fields?: readonly BigQueryField[];
}

const TYPES: Readonly<Record<FieldType, BigQueryType>> = {
  string: 'STRING',
  timestamp: 'TIMESTAMP',
  integer: 'INTEGER',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  // BigQuery loads the raw JSON value of a JSON column from NDJSON: an object, or a string (an error message).
  json: 'JSON',
  record: 'RECORD',
};

/** The schema of the NDJSON records an export with these options writes. */
export function bigQuerySchema(shape: RecordShape): BigQueryField[] {
  return recordFields({ includeSteps: shape.includeSteps, includePayloads: shape.includeSteps && shape.includePayloads }).map(toBigQuery);
}

function toBigQuery(field: RecordField): BigQueryField {
  return {
    name: field.name,
    type: TYPES[field.type],
    mode: field.repeated ? 'REPEATED' : 'NULLABLE',
    description: field.description,
    ...(field.fields ? { fields: field.fields.map(toBigQuery) } : {}),
  };
}

/** Where the schema of an export to `target` goes: `runs.ndjson` → `runs.schema.json` in the same folder. */
export function bigQuerySchemaPath(target: string): string {
  const name = basename(target);
  const extension = extname(name);
  return join(dirname(target), `${extension ? name.slice(0, -extension.length) : name}.schema.json`);
}

/** Files that go beside an export, written ahead and put in place right after it. */
export interface CompanionFiles {
  /** The BigQuery schema's path, when there is one. */
  readonly schemaFile?: string;
  /** Renames them into place: call it right after the export's own commit. */
  commit(): Promise<void>;
  /** Removes what was written. Never throws. */
  abort(): Promise<void>;
}

const NONE: CompanionFiles = { commit: () => Promise.resolve(), abort: () => Promise.resolve() };

/**
 * The files an export of `format` to `target` gets beside it: an NDJSON export to a regular
 * file gets its BigQuery schema; other formats, and a device or FIFO (`/dev/stdout`, a pipe),
 * nothing. The content is written now to a temporary file (atomicFile.ts), so that once the
 * export is in place only a rename is left: a schema appears only beside an export that succeeded.
 */
export async function openCompanionFiles(format: ExportFormat, target: string, shape: RecordShape, signal?: AbortSignal): Promise<CompanionFiles> {
  if (format !== 'ndjson' || (await writesDirectly(target))) return NONE;
  const path = bigQuerySchemaPath(target);
  const file = await openAtomic(path);
  try {
    await writeChunk(file.stream, `${JSON.stringify(bigQuerySchema(shape), null, 2)}\n`, signal);
  } catch (error) {
    await file.abort();
    throw file.failure() ?? error;
  }
  return {
    schemaFile: path,
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}

/** Writes the companion files of an export that has succeeded, at once (see openCompanionFiles). */
export async function writeCompanionFiles(format: ExportFormat, target: string, shape: RecordShape, signal?: AbortSignal): Promise<{ schemaFile?: string }> {
  const files = await openCompanionFiles(format, target, shape, signal);
  try {
    await files.commit();
  } catch (error) {
    await files.abort();
    throw error;
  }
  return files.schemaFile === undefined ? {} : { schemaFile: files.schemaFile };
}
