/**
 * A schema from sample data that a data scientist can commit as it is: it validates the data it
 * came from and, as far as a sample can tell, the next data of the same source.
 *
 * - Types and formats: the narrowest type every sampled value of every given file fits
 *   (integer, number, boolean, date, datetime, time, else string), dates and datetimes also in
 *   the usual strptime formats (`%d/%m/%Y`, …). Unlike frictionless' 90% confidence, a type is
 *   chosen only if all sampled values fit it, so the data it came from validates against it.
 * - missingValues: "" and the usual markers (`NA`, `null`, …) that stand where a column of
 *   another type has no value; or exactly the ones the caller gives.
 * - `required` and `unique` only with enough support: `unique` for an id-like column (integer,
 *   or text without spaces) whose values all differ, exactly, over at least `keyMinRows`.
 * - `enum` only for a low-cardinality text column whose every member is seen often enough:
 *   never for an empty column (an all-empty column is text, with a note).
 * - Observed ranges are not constraints (tomorrow's data would fail them): numeric columns get
 *   them as `ml.stats` bounds on the min and max at warning severity.
 */
import { readTable, type Dialect, type RawValue } from '../data/records.js';
import type { DataFile } from '../validation/file-context.js';
import { castValue, type FieldType } from './cast.js';

export interface InferOptions {
  /** Rows read from the start of each file; default 10,000. */
  sampleRows?: number;
  /** Text columns with at most this many distinct values may get an enum; default 10. */
  enumLimit?: number;
  dialect?: Dialect;
  /** Missing-value markers, as the schema will declare them; default: "" and the markers detected. */
  missingValues?: string[];
  /** Rows a column needs before `required` or `unique` is inferred; default 100. */
  keyMinRows?: number;
}

interface Candidate {
  type: FieldType;
  format?: string;
}

/** Narrowest first: the first candidate every value fits is the column's type. */
const CANDIDATES: readonly Candidate[] = [
  { type: 'integer' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'date' },
  { type: 'date', format: '%d/%m/%Y' },
  { type: 'date', format: '%m/%d/%Y' },
  { type: 'date', format: '%Y/%m/%d' },
  { type: 'date', format: '%d.%m.%Y' },
  { type: 'datetime' },
  { type: 'datetime', format: '%Y-%m-%d %H:%M:%S' },
  { type: 'time' },
  { type: 'string' },
];

/** Markers that commonly stand for no value (pandas' and R's defaults, less the ones that are numbers, like NaN). */
const MISSING_MARKERS: ReadonlySet<string> = new Set([
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  'null',
  'NULL',
  'None',
]);

/** An enum member must be seen at least this often, and the column have this many values. */
const ENUM_MEMBER_SUPPORT = 5;
const ENUM_MIN_VALUES = 50;
/** Distinct values kept per column to tell exactly whether they all differ. */
const KEY_LIMIT = 1_000_000;

interface ColumnGuess {
  name: string;
  /** Rows that had the column. */
  rows: number;
  /** Empty cells (null, or a missing value the caller gave). */
  empty: number;
  /** Cells that are candidate missing markers, by marker (not fed to type fitting). */
  markers: Map<string, number>;
  /** Indexes into CANDIDATES that every value so far fits. */
  fits: Set<number>;
  min?: number;
  max?: number;
  /** Distinct values and their counts while few enough for an enum. */
  members: Map<string, number> | undefined;
  /** Every distinct value while all differ and fit KEY_LIMIT; undefined once one repeats or it overflows. */
  keys: Set<string> | undefined;
  /** Whether some value has white space (text that is not an identifier). */
  spaced: boolean;
}

class SampleFull extends Error {}

export interface InferredSchema {
  $schema: string;
  description: string;
  missingValues: string[];
  fields: Record<string, unknown>[];
}

export async function inferSchema(
  files: readonly DataFile[],
  options: InferOptions = {},
): Promise<InferredSchema> {
  const sampleRows = options.sampleRows ?? 10_000;
  const enumLimit = options.enumLimit ?? 10;
  const given = options.missingValues ? new Set(options.missingValues) : undefined;
  const empty = given ?? new Set(['']);
  const columns = new Map<string, ColumnGuess>();
  let sampled = 0;
  for (const file of files) {
    let names: readonly string[] = [];
    let rows = 0;
    try {
      await readTable(
        file.path,
        file.format,
        {
          header(columnNames) {
            names = columnNames;
            for (const name of names) if (!columns.has(name)) columns.set(name, newGuess(name));
          },
          row(row) {
            if (row.blank || row.problem) return;
            if (rows++ >= sampleRows) throw new SampleFull();
            sampled++;
            names.forEach((name, i) =>
              observe(columns.get(name)!, row.cells[i] ?? null, empty, !given, enumLimit),
            );
          },
        },
        { dialect: options.dialect },
      );
    } catch (error) {
      if (!(error instanceof SampleFull)) throw error;
    }
  }
  const guesses = [...columns.values()];
  // A marker is a missing value where it stands in a column of another type than text.
  const markers = new Set<string>();
  for (const column of guesses) {
    const type = bestFit(column).type;
    if (type !== 'string') for (const marker of column.markers.keys()) markers.add(marker);
  }
  const missingValues = [...empty, ...[...markers].sort()];
  const keyMinRows = options.keyMinRows ?? 100;
  return {
    $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
    description: `Inferred by mlops-actions from ${sampled} row(s) of ${files.map((f) => f.path).join(', ')}. Observed ranges are warnings (ml.stats), not constraints; review enums and keys before relying on them.`,
    missingValues,
    fields: guesses.map((column) => describeField(column, markers, enumLimit, keyMinRows)),
  };
}

function newGuess(name: string): ColumnGuess {
  return {
    name,
    rows: 0,
    empty: 0,
    markers: new Map(),
    fits: new Set(CANDIDATES.map((_, i) => i)),
    members: new Map(),
    keys: new Set(),
    spaced: false,
  };
}

function observe(
  column: ColumnGuess,
  raw: RawValue,
  empty: ReadonlySet<string>,
  detect: boolean,
  enumLimit: number,
): void {
  column.rows++;
  if (raw === null || (typeof raw === 'string' && empty.has(raw))) {
    column.empty++;
    return;
  }
  const key = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (column.members) {
    column.members.set(key, (column.members.get(key) ?? 0) + 1);
    // Room for the markers too: they may turn out to be missing values.
    if (column.members.size > enumLimit + MISSING_MARKERS.size) column.members = undefined;
  }
  if (column.keys) {
    if (column.keys.has(key) || column.keys.size >= KEY_LIMIT) column.keys = undefined;
    else column.keys.add(key);
  }
  if (typeof raw === 'string' && detect && MISSING_MARKERS.has(raw)) {
    column.markers.set(raw, (column.markers.get(raw) ?? 0) + 1);
    return;
  }
  if (typeof raw === 'string' && /\s/.test(raw)) column.spaced = true;
  for (const index of column.fits) if (!fits(CANDIDATES[index]!, raw)) column.fits.delete(index);
  const number = typeof raw === 'number' ? raw : Number(raw);
  if (Number.isFinite(number)) {
    column.min = Math.min(column.min ?? number, number);
    column.max = Math.max(column.max ?? number, number);
  }
}

function fits(candidate: Candidate, raw: RawValue): boolean {
  const { type } = candidate;
  if (typeof raw === 'string') return castValue(candidate, raw).ok;
  if (typeof raw === 'number')
    return type === 'number' || (type === 'integer' && Number.isSafeInteger(raw));
  // Objects and arrays (JSON Lines, nested Parquet) fit no candidate: the column is `any`.
  return typeof raw === 'boolean' && type === 'boolean';
}

const ANY: Candidate = { type: 'any' };

/** The narrowest candidate every value fits, `any` when none does. */
function bestFit(column: ColumnGuess): Candidate {
  let best: number | undefined;
  for (const index of column.fits) best = Math.min(best ?? index, index);
  return best === undefined ? ANY : CANDIDATES[best]!;
}

function describeField(
  column: ColumnGuess,
  markers: ReadonlySet<string>,
  enumLimit: number,
  keyMinRows: number,
): Record<string, unknown> {
  let missing = column.empty;
  for (const [marker, count] of column.markers) if (markers.has(marker)) missing += count;
  const values = column.rows - missing;
  // A marker that is a missing value nowhere stays a value of its (text) column.
  const candidate = bestFit(column);
  if (values === 0) {
    return {
      name: column.name,
      type: 'string',
      description: `Every one of the ${column.rows} sampled values is missing: typed string until the column is filled; set its type then.`,
    };
  }
  const field: Record<string, unknown> = { name: column.name, type: candidate.type };
  if (candidate.format) field.format = candidate.format;
  const type = candidate.type;
  const constraints: Record<string, unknown> = {};
  const supported = column.rows >= keyMinRows;
  if (missing === 0 && supported) constraints.required = true;
  const members = column.members
    ? [...column.members].filter(([value]) => !markers.has(value))
    : undefined;
  const idLike = type === 'integer' || (type === 'string' && !column.spaced);
  if (idLike && supported && missing === 0 && column.keys?.size === values) {
    constraints.unique = true;
  } else if (
    type === 'string' &&
    members &&
    members.length > 0 &&
    members.length <= enumLimit &&
    values >= ENUM_MIN_VALUES &&
    members.every(([, count]) => count >= ENUM_MEMBER_SUPPORT)
  ) {
    constraints.enum = members.map(([value]) => value).sort();
  }
  if (Object.keys(constraints).length) field.constraints = constraints;
  if ((type === 'integer' || type === 'number') && column.min !== undefined) {
    // Observed, not promised: the next data may go past them, which is worth a warning, not a failure.
    field.ml = {
      stats: { min: { min: column.min }, max: { max: column.max }, severity: 'warning' },
    };
  }
  const distinct = column.keys
    ? `${column.keys.size} distinct`
    : members
      ? `${members.length} distinct`
      : 'values repeat';
  field.description = `${column.rows} sampled, ${missing} missing, ${distinct}.`;
  return field;
}
