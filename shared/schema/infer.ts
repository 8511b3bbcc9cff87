/**
 * A starting schema from sample data, for users who have none: the narrowest type every
 * sampled value fits (integer, number, boolean, date, datetime, else string), `required`
 * where no value is missing, an `enum` for low-cardinality text and integer columns, `unique`
 * for text and integer columns whose sampled values all differ (identifiers), and otherwise
 * the observed range as minimum and maximum. Unlike frictionless' 90% confidence, a type is chosen
 * only if all sampled values fit it, so the data it came from validates against it. It is a
 * draft to review: observed ranges are tight by construction.
 */
import type { DataFile } from '../validation/validate.js';
import { readTable, type Dialect, type RawValue } from '../data/records.js';
import { castValue, type FieldType } from './cast.js';
import { DistinctCounter } from '../profile/sketches/distinct.js';
import { hash32 } from '../profile/sketches/hash.js';

export interface InferOptions {
  /** Rows read from the start of the data (all files together); default 10,000. */
  sampleRows?: number;
  /** Text and integer columns with at most this many distinct values get an enum; default 10. */
  enumLimit?: number;
  dialect?: Dialect;
  /** Missing-value markers, as the schema will declare them; default [""]. */
  missingValues?: string[];
}

const CANDIDATES: readonly FieldType[] = [
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
  'string',
];

interface ColumnGuess {
  name: string;
  values: number;
  nulls: number;
  fits: Set<FieldType>;
  min?: number;
  max?: number;
  minText?: string;
  maxText?: string;
  /** Distinct values while few enough for an enum. */
  members: Map<string, RawValue> | undefined;
  distinct: DistinctCounter;
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
  const missing = new Set(options.missingValues ?? ['']);
  const columns = new Map<string, ColumnGuess>();
  let rows = 0;
  for (const file of files) {
    let names: readonly string[] = [];
    try {
      await readTable(
        file.path,
        file.format,
        {
          header(columnNames) {
            names = columnNames;
            for (const name of names)
              if (!columns.has(name))
                columns.set(name, {
                  name,
                  values: 0,
                  nulls: 0,
                  fits: new Set(CANDIDATES),
                  members: new Map(),
                  distinct: new DistinctCounter(),
                });
          },
          row(row) {
            if (row.blank || row.problem) return;
            if (rows++ >= sampleRows) throw new SampleFull();
            names.forEach((name, i) =>
              observe(columns.get(name)!, row.cells[i] ?? null, missing, enumLimit),
            );
          },
        },
        { dialect: options.dialect },
      );
    } catch (error) {
      if (!(error instanceof SampleFull)) throw error;
      break;
    }
  }
  const sampled = Math.min(rows, sampleRows);
  return {
    $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
    description: `Inferred by mlops-actions from ${sampled} row(s) of ${files.map((f) => f.path).join(', ')}. Review the types, enums and ranges before relying on it.`,
    missingValues: [...missing],
    fields: [...columns.values()].map(describeField),
  };
}

function observe(
  column: ColumnGuess,
  raw: RawValue,
  missing: ReadonlySet<string>,
  enumLimit: number,
): void {
  if (raw === null || (typeof raw === 'string' && missing.has(raw))) {
    column.nulls++;
    return;
  }
  column.values++;
  for (const type of column.fits) if (!fits(type, raw)) column.fits.delete(type);
  const key = typeof raw === 'string' ? raw : JSON.stringify(raw);
  column.distinct.addHash(hash32(key));
  if (column.members) {
    column.members.set(key, raw);
    if (column.members.size > enumLimit) column.members = undefined;
  }
  const number = typeof raw === 'number' ? raw : Number(raw);
  if (Number.isFinite(number)) {
    column.min = Math.min(column.min ?? number, number);
    column.max = Math.max(column.max ?? number, number);
  }
  if (typeof raw === 'string') {
    if (column.minText === undefined || raw < column.minText) column.minText = raw;
    if (column.maxText === undefined || raw > column.maxText) column.maxText = raw;
  }
}

function fits(type: FieldType, raw: RawValue): boolean {
  if (typeof raw === 'string') return castValue({ type }, raw).ok;
  if (typeof raw === 'number')
    return type === 'number' || (type === 'integer' && Number.isSafeInteger(raw));
  if (typeof raw === 'boolean') return type === 'boolean';
  return false;
}

function describeField(column: ColumnGuess): Record<string, unknown> {
  const type =
    column.values === 0
      ? 'string'
      : (CANDIDATES.find((candidate) => column.fits.has(candidate)) ?? 'any');
  const constraints: Record<string, unknown> = {};
  if (column.nulls === 0 && column.values > 0) constraints.required = true;
  // An enum only where values repeat: a short sample of ids would otherwise become one.
  const enumerable =
    (type === 'string' || type === 'integer') &&
    column.members &&
    column.values >= 2 * column.members.size;
  if (enumerable) {
    const members = [...column.members!.values()].map((v) => (type === 'integer' ? Number(v) : v));
    constraints.enum = members.sort((a, b) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
    );
  } else if (
    (type === 'integer' || type === 'string') &&
    column.values > 1 &&
    column.distinct.isExact() &&
    column.distinct.estimate() === column.values
  ) {
    // Every value differs: an identifier, whose range says nothing about the next data.
    constraints.unique = true;
  } else if ((type === 'integer' || type === 'number') && column.min !== undefined) {
    constraints.minimum = column.min;
    constraints.maximum = column.max;
  } else if ((type === 'date' || type === 'datetime') && column.minText !== undefined) {
    constraints.minimum = column.minText;
    constraints.maximum = column.maxText;
  }
  const field: Record<string, unknown> = { name: column.name, type };
  if (Object.keys(constraints).length) field.constraints = constraints;
  field.description = `${column.values + column.nulls} sampled, ${column.nulls} missing, ${column.distinct.isExact() ? '' : 'about '}${column.distinct.estimate()} distinct.`;
  return field;
}
