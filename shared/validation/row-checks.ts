/**
 * The checks of one row: its shape, then each cell (missing value → cast → NaN/Inf bans →
 * constraints → statistics), then the keys its uniqueness checks need. The same code runs in
 * the main thread for a file read in one pass and in each worker for its shard of a large file
 * (parallel.ts), so findings read the same either way.
 *
 * Uniqueness itself is not decided here: a shard cannot know the rows of the others. The row's
 * keys go to a `KeySink`, which either checks them at once (one pass) or collects them for the
 * main thread to check in row order (shards); see uniqueness.ts.
 */
import { compareDecimalText } from '../data/decimal.js';
import type { DataFormat, RawValue, TableRow } from '../data/records.js';
import { ColumnStats } from '../profile/profile.js';
import { fingerprint, hash32, hashNumber } from '../profile/sketches/hash.js';
import { CAST_FAILED, castRaw, compileCast } from '../schema/cast.js';
import type { CompiledField, CompiledSchema } from '../schema/table-schema.js';
import {
  excerpt,
  FINDING_CODES,
  shorten,
  type Finding,
  type FindingLevel,
  type Report,
} from './findings.js';

/** What a field's column needs across all files: statistics, `mostly` bookkeeping, its compiled cast. */
export interface FieldState {
  field: CompiledField;
  index: number;
  level: FindingLevel;
  stats: ColumnStats;
  unique: boolean;
  /** With ml.mostly, failing values are tallied here rather than reported one by one. */
  mostly?: MostlyTally;
  topValues: boolean;
  banNaN: boolean;
  banInf: boolean;
  /** The field's constraints on a present value, compiled; undefined when it has none. */
  broken: ((raw: RawValue, value: unknown) => Broken | undefined) | undefined;
  /** The file being read, for the location of the first `mostly` failure. */
  file: string;
  /** The field's column in the file being read (1-based; frictionless' fieldNumber), when it has one. */
  column?: number;
  /** The usual missingValues, [""]: a comparison instead of a Set lookup per cell. */
  onlyEmptyIsMissing: boolean;
  /** The field's cast, compiled: the value or CAST_FAILED. */
  cast: (raw: RawValue) => unknown;
}

export interface MostlyTally {
  failures: number;
  checked: number;
  first?: Finding;
}

export function fieldStates(schema: CompiledSchema): FieldState[] {
  return schema.fields.map((field, index) => fieldState(field, index));
}

function fieldState(field: CompiledField, index: number): FieldState {
  const c = field.constraints ?? {};
  return {
    field,
    index,
    level: field.ml?.severity ?? 'error',
    stats: new ColumnStats(field.name, field.type, categorical(field)),
    unique: c.unique === true,
    mostly: field.ml?.mostly !== undefined ? { failures: 0, checked: 0 } : undefined,
    topValues: categorical(field),
    banNaN: field.ml?.allowNaN === false,
    banInf: field.ml?.allowInf === false,
    broken: compileConstraints(field),
    file: '',
    onlyEmptyIsMissing: field.missing.size === 1 && field.missing.has(''),
    cast: compileCast(field),
  };
}

/** Columns whose top values mean something: text, booleans, enums and categories, targets. */
function categorical(field: CompiledField): boolean {
  return (
    field.type === 'string' ||
    field.type === 'boolean' ||
    field.enumValues !== undefined ||
    field.categoryValues !== undefined ||
    field.ml?.role === 'target'
  );
}

/** A primary key or unique key: the fields it spans, by index. */
export interface RowKey {
  label: string;
  code: 'primary-key' | 'unique-key';
  indexes: number[];
  names: string[];
}

export function rowKeys(schema: CompiledSchema): RowKey[] {
  const index = (name: string) => schema.fields.findIndex((f) => f.name === name);
  const keys: RowKey[] = [];
  if (schema.primaryKey.length)
    keys.push({
      label: 'primary key',
      code: 'primary-key',
      indexes: schema.primaryKey.map(index),
      names: schema.primaryKey,
    });
  schema.uniqueKeys.forEach((names, i) =>
    keys.push({
      label: `unique key ${i + 1}`,
      code: 'unique-key',
      indexes: names.map(index),
      names,
    }),
  );
  return keys;
}

/**
 * A row's uniqueness keys, in a fixed order: each unique field (in field order), each row key,
 * then the whole row when duplicate rows are counted. A key is a number (hashed by its bits), a
 * text (hashed as text), or null when the row has nothing to compare there. The whole row's
 * key arrives already fingerprinted.
 */
export interface KeySink {
  key(constraint: number, key: number | string | null, row: number, line: number | undefined): void;
}

export interface RowCheckerSetup {
  schema: CompiledSchema;
  states: FieldState[];
  format: DataFormat;
  /**
   * For each cell a row should have, the index of its field (undefined: no field); its length
   * is the row's expected width (header.ts, layoutHeader).
   */
  columns: readonly (number | undefined)[];
  /** The header's labels, to name a cell that has no field. */
  labels?: readonly string[];
  report: Report;
  keys: KeySink;
}

/** The function that checks each row of one file, in order. */
export function rowChecker(setup: RowCheckerSetup): (r: TableRow) => void {
  const { schema, states, format, report, keys: sink } = setup;
  const labels = setup.labels ?? [];
  const columns = setup.columns.map((index) => (index === undefined ? undefined : states[index]));
  const width = columns.length;
  const keys = rowKeys(schema);
  const uniqueStates = states.filter((s) => s.unique);
  const duplicateRows = schema.descriptor.ml?.duplicateRows !== undefined;
  const values: unknown[] = new Array(states.length);
  const jsonl = format === 'jsonl';
  const delimited = format === 'csv' || format === 'tsv';
  // A cell a ragged CSV row lacks reads as empty text; JSON Lines and Parquet have null for no value.
  const absent = delimited ? '' : null;
  // The name frictionless gives a cell's column: its field's, else the header's label.
  const nameAt = (i: number) => columns[i]?.field.name ?? labels[i];
  // A one-column table has no blank rows: its empty line is an empty value.
  const blankable = width > 1;
  const isBlank = (cells: readonly RawValue[]) => {
    for (let i = 0; i < width; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === null || cell === '') continue;
      const state = columns[i];
      if (state && typeof cell === 'string' && state.field.missing.has(cell)) continue;
      return false;
    }
    return true;
  };
  return (r: TableRow) => {
    const { row, line } = r;
    if (r.problem) {
      report({
        code: 'source-error',
        row,
        line,
        message: `Row ${row} could not be read: ${r.problem}.`,
      });
      return;
    }
    const cells = r.cells;
    // Frictionless: a row whose every cell is empty or a missing value is one blank-row, in place of its other findings.
    if ((r.blank && (blankable || jsonl)) || (blankable && !r.extraKeys && isBlank(cells))) {
      report({
        code: 'blank-row',
        row,
        line,
        expected: `${width} cells`,
        message: r.blank
          ? `Row ${row} is an empty line.`
          : `Row ${row} is blank: all its ${width} cells are empty.`,
      });
      return;
    }
    if (!jsonl && cells.length !== width) reportShape(cells, row, line);
    if (r.extraKeys) {
      report({
        code: 'extra-cell',
        row,
        line,
        observed: r.extraKeys.join(', '),
        message: `Row ${row} has keys the first object does not have: ${r.extraKeys.map((k) => JSON.stringify(k)).join(', ')}.`,
      });
    }
    // No reset of `values` between rows: every field with a column is written below on every
    // row, and a field without one is never written, so it stays undefined (a fill() per row
    // cost about 2% of a worker's time on the bench's CSV).
    for (let i = 0; i < width; i++) {
      const state = columns[i];
      if (state)
        values[state.index] = checkCell(state, cells[i] ?? absent, i + 1, row, line, report);
    }
    let constraint = 0;
    for (const state of uniqueStates) sink.key(constraint++, keyOf(values[state.index]), row, line);
    for (const key of keys)
      sink.key(constraint++, rowKeyOf(key, values, row, line, report), row, line);
    if (duplicateRows)
      sink.key(constraint, fingerprint(cells.map(String).join('\u0001')), row, line);
  };

  /** One missing-cell per cell a short row lacks, one extra-cell per cell past the width, as frictionless reports them. */
  function reportShape(cells: readonly RawValue[], row: number, line: number | undefined) {
    const length = cells.length;
    const missingEnd = Math.min(width, length + CELL_FINDINGS_PER_ROW);
    for (let i = length; i < missingEnd; i++) {
      const field = nameAt(i);
      report({
        code: 'missing-cell',
        row,
        line,
        field,
        fieldNumber: i + 1,
        observed: `${length} cells`,
        expected: `${width} cells`,
        message: `Row ${row} has ${length} cells where ${width} are expected: it lacks cell ${i + 1}${field !== undefined ? ` ("${excerpt(field)}")` : ''}.`,
      });
    }
    if (missingEnd < width) reportRest('missing-cell', width - missingEnd, length, row, line);
    const extraEnd = Math.min(length, width + CELL_FINDINGS_PER_ROW);
    for (let i = width; i < extraEnd; i++) {
      const field = labels[i];
      report({
        code: 'extra-cell',
        row,
        line,
        field,
        fieldNumber: i + 1,
        observed: shorten(textOf(cells[i]!)),
        expected: `${width} cells`,
        message: `Row ${row} has ${length} cells where ${width} are expected: cell ${i + 1}${field !== undefined ? ` (under "${excerpt(field)}")` : ''} has no field.`,
      });
    }
    if (extraEnd < length) reportRest('extra-cell', length - extraEnd, length, row, line);
  }

  /** One finding for the cells of a row past CELL_FINDINGS_PER_ROW: a hostile row of a million commas makes 101 findings, not a million. */
  function reportRest(
    code: 'missing-cell' | 'extra-cell',
    count: number,
    length: number,
    row: number,
    line: number | undefined,
  ) {
    report({
      code,
      row,
      line,
      count,
      observed: `${length} cells`,
      expected: `${width} cells`,
      message: `Row ${row} has ${length} cells where ${width} are expected: ${count} more cells ${code === 'missing-cell' ? 'are missing' : 'have no field'} past the first ${CELL_FINDINGS_PER_ROW} reported.`,
    });
  }
}

/** Missing or extra cells reported one by one per row; the rest of the row's are counted in one more finding. */
const CELL_FINDINGS_PER_ROW = 100;

/** A cast value as a uniqueness key: numbers by their bits, everything else by its text. */
function keyOf(value: unknown): number | string | null {
  if (value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/**
 * A row's key for a primary or unique key: primary keys must be present (reported here when not);
 * unique keys are compared only among rows where the whole key is present (SQL UNIQUE, as the v2
 * spec says). A one-field numeric key (the usual id) is the number itself; other keys are the
 * JSON text of their parts.
 */
function rowKeyOf(
  key: RowKey,
  values: readonly unknown[],
  row: number,
  line: number | undefined,
  report: Report,
): number | string | null {
  if (key.indexes.length === 1) {
    const only = values[key.indexes[0]!];
    if (typeof only === 'number') return only;
  }
  const parts = key.indexes.map((i) => values[i]);
  if (parts.some((value) => value === undefined)) {
    if (key.code === 'primary-key')
      report({
        code: 'primary-key',
        row,
        line,
        field: key.names.join(', '),
        expected: 'a value in every key field',
        message: `Row ${row}: the ${key.label} (${key.names.join(', ')}) has an empty or invalid value.`,
      });
    return null;
  }
  return JSON.stringify(parts);
}

const describe = (raw: RawValue) =>
  JSON.stringify(shorten(typeof raw === 'string' ? raw : JSON.stringify(raw), 40));
const textOf = (raw: RawValue) => (typeof raw === 'string' ? raw : JSON.stringify(raw));

/** Casts and checks one cell, feeding the column's statistics; returns its cast value (undefined when missing or invalid). */
function checkCell(
  state: FieldState,
  raw: RawValue,
  fieldNumber: number,
  row: number,
  line: number | undefined,
  report: Report,
): unknown {
  const f = state.field;
  const stats = state.stats;
  stats.count++;
  if (
    raw === null ||
    (typeof raw === 'string' && (state.onlyEmptyIsMissing ? raw === '' : f.missing.has(raw)))
  ) {
    stats.nulls++;
    if (f.constraints?.required) {
      report({
        code: 'constraint-error',
        level: state.level,
        constraint: 'required',
        row,
        line,
        field: f.name,
        fieldNumber,
        observed: textOf(raw),
        expected: 'a value',
        message: `Row ${row}: field "${f.name}" is required but empty.`,
      });
    }
    return undefined;
  }
  const value = state.cast(raw);
  if (value === CAST_FAILED) {
    stats.invalid++;
    const expected = (castRaw(f, raw) as { expected: string }).expected;
    failValue(
      state,
      {
        code: 'type-error',
        row,
        line,
        field: f.name,
        fieldNumber,
        observed: shorten(textOf(raw)),
        expected,
        message: `Row ${row}: field "${f.name}" should be ${expected}, got ${describe(raw)}.`,
      },
      report,
    );
    return undefined;
  }
  const numeric = typeof value === 'number';
  if (numeric) {
    stats.addNumber(value);
    if (value !== value) {
      if (state.banNaN)
        report({
          code: 'nan-value',
          level: state.level,
          row,
          line,
          field: f.name,
          fieldNumber,
          observed: 'NaN',
          expected: 'a number (ml.allowNaN: false)',
          message: `Row ${row}: field "${f.name}" is NaN, which the schema bans.`,
        });
    } else if ((value === Infinity || value === -Infinity) && state.banInf) {
      report({
        code: 'inf-value',
        level: state.level,
        row,
        line,
        field: f.name,
        fieldNumber,
        observed: String(value),
        expected: 'a finite number (ml.allowInf: false)',
        message: `Row ${row}: field "${f.name}" is ${value}, which the schema bans.`,
      });
    }
  }
  // Numbers are hashed by their bits: building their text for every cell would cost more than the rest.
  const key = numeric
    ? undefined
    : typeof value === 'string'
      ? value
      : typeof value === 'boolean'
        ? value
          ? 'true'
          : 'false'
        : JSON.stringify(value);
  stats.distinct.addHash(numeric ? hashNumber(value) : hash32(key!));
  if (state.topValues) {
    if (stats.distinct.isExact()) stats.top!.add(key ?? String(value));
    else {
      state.topValues = false;
      stats.dropTopValues();
    }
  }
  if (state.broken) {
    const broken = state.broken(raw, value);
    if (state.mostly) state.mostly.checked++;
    if (broken) {
      failValue(
        state,
        {
          code: 'constraint-error',
          constraint: broken[0],
          row,
          line,
          field: f.name,
          fieldNumber,
          observed: shorten(textOf(raw)),
          expected: broken[1],
          message: `Row ${row}: field "${f.name}" breaks ${broken[0]} (${broken[1]}): ${describe(raw)}.`,
        },
        report,
      );
    }
  } else if (state.mostly) state.mostly.checked++;
  return value;
}

/** Reports a failing value, or with ml.mostly tallies it for the column-level verdict. */
function failValue(
  state: FieldState,
  finding: Omit<Finding, 'file' | 'scope' | 'level'>,
  report: Report,
): void {
  if (state.mostly) {
    state.mostly.failures++;
    if (finding.code === 'type-error') state.mostly.checked++;
    state.mostly.first ??= {
      ...finding,
      file: state.file,
      scope: FINDING_CODES[finding.code],
      level: state.level,
    };
    return;
  }
  report({ ...finding, level: state.level });
}

/** A broken constraint: its name and what was expected. */
type Broken = readonly [string, string];

/**
 * The field's constraint checks as one function, or undefined when it has none. The usual
 * shapes (bounds only, an enum only, a pattern only) get a function of their own: this runs
 * for every cell.
 */
function compileConstraints(f: CompiledField): FieldState['broken'] {
  const c = f.constraints ?? {};
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = f.bounds;
  const bounds = minimum !== undefined || maximum !== undefined;
  const exclusive = exclusiveMinimum !== undefined || exclusiveMaximum !== undefined;
  const lengths = c.minLength !== undefined || c.maxLength !== undefined;
  const others = [
    exclusive,
    lengths,
    f.pattern !== undefined,
    f.enumValues !== undefined,
    f.categoryValues !== undefined,
    f.jsonSchema !== undefined || f.itemField !== undefined,
  ].filter(Boolean).length;
  if (!bounds && others === 0) return undefined;
  if (bounds && others === 0) {
    const low = minimum ?? -Infinity;
    const high = maximum ?? Infinity;
    const below: Broken = ['minimum', `≥ ${c.minimum}`];
    const above: Broken = ['maximum', `≤ ${c.maximum}`];
    const lowText = String(c.minimum);
    const highText = String(c.maximum);
    return (raw, value) =>
      typeof value !== 'number'
        ? undefined
        : value < low
          ? below
          : value > high
            ? above
            : value === high && decimalOrder(raw, highText) === 1
              ? above
              : value === low && decimalOrder(raw, lowText) === -1
                ? below
                : undefined;
  }
  if (!bounds && others === 1 && f.enumValues) {
    const members = f.enumValues;
    const outside: Broken = ['enum', `one of ${c.enum!.join(', ')}`];
    return (_raw, value) =>
      members.has(value !== null && typeof value === 'object' ? JSON.stringify(value) : value)
        ? undefined
        : outside;
  }
  if (!bounds && others === 1 && f.pattern) {
    const pattern = f.pattern;
    const unmatched: Broken = ['pattern', `to match ${c.pattern}`];
    return (raw, value) =>
      pattern.matches(typeof raw === 'string' ? raw : String(value)) ? undefined : unmatched;
  }
  return (raw, value) => brokenConstraint(f, raw, value);
}

/**
 * A number cell's text against a bound's, exactly, for when their doubles tie: two decimals
 * closer than a double can tell apart (a Parquet DECIMAL(38, 20), a long CSV number) are still
 * ordered as the decimals they are. Undefined when the cell is not decimal text.
 */
function decimalOrder(raw: RawValue, bound: string): -1 | 0 | 1 | undefined {
  return typeof raw === 'string' ? compareDecimalText(raw, bound) : undefined;
}

/** The first constraint the value breaks, as [name, what was expected]. */
function brokenConstraint(f: CompiledField, raw: RawValue, value: unknown): Broken | undefined {
  const c = f.constraints ?? {};
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = f.bounds;
  if (typeof value === 'number') {
    // A tie between doubles is settled by the decimals themselves (decimalOrder).
    const order = (bound: number, text: unknown) =>
      value < bound ? -1 : value > bound ? 1 : (decimalOrder(raw, String(text)) ?? 0);
    if (minimum !== undefined && order(minimum, c.minimum) < 0)
      return ['minimum', `≥ ${c.minimum}`];
    if (maximum !== undefined && order(maximum, c.maximum) > 0)
      return ['maximum', `≤ ${c.maximum}`];
    if (exclusiveMinimum !== undefined && !(order(exclusiveMinimum, c.exclusiveMinimum) > 0))
      return ['exclusiveMinimum', `> ${c.exclusiveMinimum}`];
    if (exclusiveMaximum !== undefined && !(order(exclusiveMaximum, c.exclusiveMaximum) < 0))
      return ['exclusiveMaximum', `< ${c.exclusiveMaximum}`];
  }
  if (c.minLength !== undefined || c.maxLength !== undefined) {
    const length = lengthOf(value);
    if (c.minLength !== undefined && length < c.minLength)
      return ['minLength', `length ≥ ${c.minLength}`];
    if (c.maxLength !== undefined && length > c.maxLength)
      return ['maxLength', `length ≤ ${c.maxLength}`];
  }
  if (f.pattern && !f.pattern.matches(typeof raw === 'string' ? raw : String(value)))
    return ['pattern', `to match ${c.pattern}`];
  const member = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  if (f.enumValues && !f.enumValues.has(member)) return ['enum', `one of ${c.enum!.join(', ')}`];
  if (f.categoryValues && !f.categoryValues.has(member))
    return [
      'categories',
      `one of ${f.categories!.map((e) => (typeof e === 'object' ? e.value : e)).join(', ')}`,
    ];
  const invalid = f.jsonSchema?.check(value);
  if (invalid !== undefined) return ['jsonSchema', invalid];
  // v2 arrayItem: each present item meets the item field's constraints.
  if (f.itemField && Array.isArray(value))
    for (const item of value as RawValue[]) {
      const broken = item === null ? undefined : brokenConstraint(f.itemField, item, item);
      if (broken) return [`arrayItem.${broken[0]}`, `each item ${broken[1]}`];
    }
  return undefined;
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') {
    let length = 0;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) length++; // count code points, not UTF-16 units
    }
    return length;
  }
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return String(value).length;
}
