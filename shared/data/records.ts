/**
 * One streaming reader for tabular data: CSV, TSV, JSON Lines and Parquet, gzip-compressed
 * text formats included. Memory stays flat whatever the file size: rows are handed over one
 * at a time (Parquet: one row group in memory at a time) and never kept.
 *
 * Two levels:
 * - `readTable` gives the header once, then each row as cells aligned to it, with what went
 *   wrong with a row (ragged, unreadable, blank) for a validator to report.
 * - `readRecords` gives each row as a record, column name → raw value, with its location,
 *   and stops with a located UserError on a row it cannot read. Use it to consume data.
 *
 * Raw values are what the format holds: text for CSV and TSV (every cell a string, empty
 * cells ""), JSON values for JSON Lines (an absent key is null), and for Parquet numbers,
 * strings, booleans, null, and dates and timestamps as ISO 8601 text.
 */
import { readDelimited, type Dialect } from './delimited.js';
import { readJsonLines } from './jsonl.js';
import { readParquet } from './parquet.js';
import { UserError } from '../action/errors.js';
import { DataFileError } from './data-file-error.js';
import type { RawValue } from './raw-value.js';

export type { Dialect } from './delimited.js';
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export type { RawValue } from './raw-value.js';

/** Where a row is: `row` is the 1-based data row (the header is not counted); `line` the 1-based file line it starts on (text formats). */
interface RowLocation {
  row: number;
  line?: number;
}

export interface TableRow extends RowLocation {
  /**
   * Cells in header order. CSV rows may be shorter or longer than the header (ragged). The
   * array may be reused for the next row (Parquet): copy it to keep it.
   */
  cells: readonly RawValue[];
  /** An empty line. */
  blank?: boolean;
  /** Why the row could not be read (bad quoting, invalid JSON, a JSON line that is not an object); `cells` is then unreliable. */
  problem?: string;
  /** JSON Lines: keys of this object that the header (the first object's keys) does not have. */
  extraKeys?: string[];
}

export interface TableHandlers {
  /** Called once before any row: the CSV/TSV header line, the first JSON object's keys, the Parquet schema's columns. */
  header(columns: readonly string[], line?: number): void;
  row(row: TableRow): void;
}

export interface ReadOptions {
  /** CSV/TSV only. */
  dialect?: Dialect;
}

/** The extensions `formatFromPath` knows, as every message that asks for one lists them. */
const KNOWN_EXTENSIONS =
  '.csv, .tsv or .tab, .jsonl or .ndjson (these three optionally .gz), .parquet or .pq';

/**
 * The format of a file a user named, from its extension, or a UserError that names the file,
 * the extensions known and `remedy` (how to name the format instead, in the caller's terms).
 */
export function detectFormat(path: string, what: string, remedy: string): DataFormat {
  const format = formatFromPath(path);
  if (!format)
    throw new UserError(
      `Cannot tell the format of the ${what} "${path}" from its extension (expected ${KNOWN_EXTENSIONS}). ${remedy}`,
    );
  return format;
}

/** The format from the file name (`.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, `.parquet`/`.pq`, text formats optionally `.gz`). */
function formatFromPath(path: string): DataFormat | undefined {
  const match = /\.(csv|tsv|tab|jsonl|ndjson|parquet|pq)(\.gz)?$/i.exec(path);
  if (!match) return undefined;
  const extension = match[1]!.toLowerCase();
  if (extension === 'parquet' || extension === 'pq') return match[2] ? undefined : 'parquet';
  return extension === 'csv' ? 'csv' : extension === 'tab' || extension === 'tsv' ? 'tsv' : 'jsonl';
}

/**
 * Streams a table. Rejects with a UserError when the file cannot be read at all (missing file)
 * and with a DataFileError (a UserError with a code and location) when its bytes are not what
 * the format says: invalid UTF-8, truncated gzip, corrupt Parquet.
 */
export async function readTable(
  path: string,
  format: DataFormat,
  handlers: TableHandlers,
  options: ReadOptions = {},
): Promise<void> {
  if (format === 'parquet') {
    if (/\.gz$/i.test(path))
      throw new UserError(
        `The data file "${path}" is gzip-compressed Parquet, which cannot be read in a stream; Parquet compresses its own pages, so write it without the outer gzip.`,
      );
    return readParquet(
      path,
      (columns) => handlers.header(columns),
      (cells, row) => handlers.row({ cells, row }),
    );
  }
  if (format === 'jsonl') return readJsonTable(path, handlers);
  let header = false;
  let row = 0;
  await readDelimited(
    path,
    format,
    ({ fields, line, parseError, blank }) => {
      if (!header) {
        if (blank) return; // blank lines before the header hold nothing
        header = true;
        handlers.header(fields, line);
        return;
      }
      row++;
      if (parseError) handlers.row({ cells: fields, row, line, problem: parseError });
      else if (blank) handlers.row({ cells: fields, row, line, blank: true });
      else handlers.row({ cells: fields, row, line });
    },
    options.dialect,
  );
}

/** Unreadable lines kept back while no JSON object has given the header; past this many the file is not JSON Lines. */
const PROBLEMS_BEFORE_HEADER = 1000;

async function readJsonTable(path: string, handlers: TableHandlers): Promise<void> {
  let columns: string[] | undefined;
  let index: Map<string, number> | undefined;
  let row = 0;
  // Lines that cannot be read before the first object: handed on once the header is known, as
  // the handlers need the header before any row.
  let early: TableRow[] = [];
  const flushEarly = () => {
    for (const problem of early) handlers.row(problem);
    early = [];
  };
  await readJsonLines(path, (entry) => {
    if ('blank' in entry) {
      if (columns) handlers.row({ cells: [], row: ++row, line: entry.line, blank: true });
      return;
    }
    if ('problem' in entry) {
      const problem: TableRow = {
        cells: [],
        row: ++row,
        line: entry.line,
        problem: `line ${entry.line} is ${entry.problem}`,
      };
      if (columns) return handlers.row(problem);
      early.push(problem);
      if (early.length >= PROBLEMS_BEFORE_HEADER) {
        throw new DataFileError(
          `The data file "${path}" has no JSON object in its first ${entry.line} lines (${early[0]!.problem}): it is not JSON Lines, one object per line.`,
          'format-error',
          path,
          early[0]!.line,
        );
      }
      return;
    }
    const value = entry.value;
    if (!columns || !index) {
      columns = Object.keys(value);
      index = new Map(columns.map((name, i) => [name, i]));
      handlers.header(columns, entry.line);
      flushEarly();
    }
    const cells = new Array<RawValue>(columns.length).fill(null);
    let extraKeys: string[] | undefined;
    for (const key in value) {
      const at = index.get(key);
      if (at === undefined) (extraKeys ??= []).push(key);
      else cells[at] = value[key] ?? null;
    }
    handlers.row(
      extraKeys
        ? { cells, row: ++row, line: entry.line, extraKeys }
        : { cells, row: ++row, line: entry.line },
    );
  });
  if (!columns && early.length) {
    // No object at all: the header is empty, and each line says why.
    handlers.header([], early[0]!.line);
    flushEarly();
  }
}

/** A row as a record: column name → raw value, with where it is. */
export interface DataRecord extends RowLocation {
  values: Record<string, RawValue>;
}

/**
 * Streams every row as a record. Blank lines are skipped; JSON Lines keys that the first
 * object does not have are left out (readTable reports them as `extraKeys`); a row that cannot be read, or whose
 * cells do not match the header, stops the read with a UserError naming the file and line
 * (or row, for Parquet). Resolves to the column names.
 */
export async function readRecords(
  path: string,
  format: DataFormat,
  onRecord: (record: DataRecord) => void,
  options: ReadOptions = {},
): Promise<string[]> {
  let columns: string[] = [];
  const at = (row: RowLocation) => (row.line !== undefined ? `line ${row.line}` : `row ${row.row}`);
  await readTable(
    path,
    format,
    {
      header: (names) => (columns = [...names]),
      row(row) {
        if (row.blank) return;
        if (row.problem)
          throw new UserError(
            `The data file "${path}" cannot be read at ${at(row)}: ${row.problem}.`,
          );
        if (format !== 'jsonl' && row.cells.length !== columns.length) {
          throw new UserError(
            `The data file "${path}", ${at(row)}: ${row.cells.length} cells where the header has ${columns.length}.`,
          );
        }
        const values: Record<string, RawValue> = {};
        for (let i = 0; i < columns.length; i++) values[columns[i]!] = row.cells[i] ?? null;
        onRecord(
          row.line !== undefined
            ? { values, row: row.row, line: row.line }
            : { values, row: row.row },
        );
      },
    },
    options,
  );
  return columns;
}
