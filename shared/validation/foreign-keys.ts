/**
 * Table Schema `foreignKeys`: every row's key (its values in the key's fields, cast to their
 * types) must appear among the values of the referenced fields, in this table (a reference
 * without `resource`, or v1's `resource: ""`) or in another resource of the Data Package.
 *
 * It is a dataset check, run after the main pass, and only for schemas that declare foreign
 * keys: a reference may come later in the file than the row that points at it (a parent listed
 * after its child), so the referenced keys are gathered first, in a pass over the referenced
 * table that reads and casts only the key's columns, and then each row's key is looked up in a
 * second pass over the referencing table. Memory is bounded as for uniqueness: the referenced
 * keys are kept as 53-bit fingerprints, at most FINGERPRINT_LIMIT of them; past it a
 * `check-limit` warning says the check stopped.
 *
 * As frictionless: a row whose key fields are all missing is not checked; one with some of them
 * missing is (and fails, since a reference has no missing parts).
 */
import type { DataFormat, Dialect, RawValue } from '../data/records.js';
import { readTable } from '../data/records.js';
import { FingerprintSet, FINGERPRINT_LIMIT } from '../profile/sketches/key-set.js';
import { fingerprint } from '../profile/sketches/hash.js';
import { CAST_FAILED, compileCast } from '../schema/cast.js';
import type { CompiledField, CompiledSchema } from '../schema/table-schema.js';
import { shorten, type Report } from './findings.js';

/** A table of the run: its files and schema; `name` is its Data Package resource name. */
export interface Table {
  name?: string;
  files: readonly { path: string; format: DataFormat }[];
  schema: CompiledSchema;
}

export interface ForeignKeyOptions {
  dialect?: Dialect;
  /** Referenced keys kept at most (default FINGERPRINT_LIMIT). */
  limit?: number;
}

/** Checks the foreign keys of `table`; `tables` are every table of the run, for references by resource name. */
export async function checkForeignKeys(
  table: Table,
  tables: readonly Table[],
  report: (file: string) => Report,
  options: ForeignKeyOptions = {},
): Promise<void> {
  for (const key of table.schema.foreignKeys) {
    const target = key.resource === undefined ? table : tables.find((t) => t.name === key.resource);
    if (!target) {
      report(table.schema.source)({
        code: 'foreign-key',
        line: key.line,
        field: key.fields.join(', '),
        message: `The foreign key (${key.fields.join(', ')}) refers to the resource "${key.resource}", which is not part of this validation: list it in the Data Package given as "schema".`,
      });
      continue;
    }
    const missingField = key.referenceFields.find(
      (name) => !target.schema.fields.some((f) => f.name === name),
    );
    if (missingField !== undefined) {
      report(table.schema.source)({
        code: 'foreign-key',
        line: key.line,
        field: key.fields.join(', '),
        message: `The foreign key (${key.fields.join(', ')}) refers to the field "${missingField}" of "${key.resource}", which its schema does not have.`,
      });
      continue;
    }
    const limit = options.limit ?? FINGERPRINT_LIMIT;
    const referenced = new FingerprintSet(limit);
    let full = false;
    await eachKey(target, key.referenceFields, options, (text) => {
      if (text === undefined || full) return;
      if (referenced.has(fingerprint(text))) return;
      if (referenced.size >= limit) full = true;
      else referenced.add(fingerprint(text));
    });
    if (full) {
      report(table.schema.source)({
        code: 'check-limit',
        level: 'warning',
        line: key.line,
        field: key.fields.join(', '),
        constraint: 'foreignKeys',
        message: `The foreign key (${key.fields.join(', ')}) was checked against the first ${limit} distinct referenced keys only; rows pointing at later ones may be reported wrongly.`,
      });
    }
    const where = key.resource === undefined ? 'this table' : `resource "${key.resource}"`;
    await eachKey(table, key.fields, options, (text, parts, at) => {
      if (text === undefined || referenced.has(fingerprint(text))) return;
      const shown = parts.map((part) => (part === undefined ? '(missing)' : String(part)));
      report(at.file)({
        code: 'foreign-key',
        row: at.row,
        line: at.line,
        field: key.fields.join(', '),
        observed: shorten(shown.join(', ')),
        expected: `a value of ${key.referenceFields.join(', ')} in ${where}`,
        message: `Row ${at.row}: the foreign key (${key.fields.join(', ')}) = (${shorten(shown.join(', '), 60)}) has no match in ${key.referenceFields.join(', ')} of ${where}.`,
      });
    });
  }
}

/**
 * Calls `each` with every row's key over `names` as text (undefined when all its parts are
 * missing), its cast parts, and where the row is. A value that does not cast counts as missing:
 * the main pass reports it.
 */
async function eachKey(
  table: Table,
  names: readonly string[],
  options: ForeignKeyOptions,
  each: (
    text: string | undefined,
    parts: unknown[],
    at: { file: string; row: number; line?: number },
  ) => void,
): Promise<void> {
  const fields = names.map((name) => table.schema.fields.find((f) => f.name === name)!);
  const casts = fields.map((f) => compileCast(f));
  for (const file of table.files) {
    let columns: number[] = [];
    await readTable(
      file.path,
      file.format,
      {
        header(header) {
          columns = names.map((name) => header.indexOf(name));
        },
        row(r) {
          if (r.problem || r.blank) return;
          const parts = columns.map((column, i) =>
            column < 0 ? undefined : castPart(fields[i]!, casts[i]!, r.cells[column] ?? null),
          );
          const text = parts.every((part) => part === undefined)
            ? undefined
            : JSON.stringify(parts.map(keyPart));
          each(text, parts, { file: file.path, row: r.row, line: r.line });
        },
      },
      { dialect: options.dialect },
    );
  }
}

function castPart(field: CompiledField, cast: (raw: RawValue) => unknown, raw: RawValue): unknown {
  if (raw === null || (typeof raw === 'string' && field.missing.has(raw))) return undefined;
  const value = cast(raw);
  return value === CAST_FAILED ? undefined : value;
}

/** One part of a key as JSON can hold it: cast numbers compare by value, so 1 and "1.0" (number) match. */
function keyPart(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
