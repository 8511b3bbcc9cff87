/**
 * Validates data files against a compiled Table Schema in one streaming pass, and profiles
 * them on the way. Per cell: missing value → cast → constraints → uniqueness → statistics.
 * Per row: shape, keys, duplicates. At the end: the column and dataset checks of the `ml`
 * extensions, computed from the profile's statistics.
 *
 * Memory is bounded whatever the data size: rows are never kept; uniqueness keeps 53-bit
 * fingerprints up to a limit per constraint (FingerprintSet: 1,572,864 keys, 16 MB; past
 * it a `check-limit` warning says the check became partial); statistics are sketches.
 */
import { DataFileError } from '../data/data-file-error.js';
import { readTable, type DataFormat, type Dialect, type RawValue, type TableRow } from '../data/records.js';
import { ColumnStats, buildProfile, type DataProfile } from '../profile/profile.js';
import { FINGERPRINT_LIMIT, fingerprint, fingerprintNumber, FingerprintSet, hash32, hashNumber } from '../profile/sketches.js';
import { CAST_FAILED, castRaw, compileCast } from '../schema/cast.js';
import type { CompiledField, CompiledSchema } from '../schema/table-schema.js';
import { checkColumns, checkDataset } from './aggregate-checks.js';
import { FINDING_CODES, shorten, type Finding, type FindingCode, type FindingLevel } from './findings.js';

export interface DataFile {
  path: string;
  format: DataFormat;
}

export interface FileSummary {
  path: string;
  format: DataFormat;
  rows: number;
  errors: number;
  warnings: number;
}

/** Findings of one kind (code, constraint, field, file) together: what annotations and the summary show. */
export interface FindingGroup {
  code: FindingCode;
  level: FindingLevel;
  field?: string;
  constraint?: string;
  file: string;
  count: number;
  /** The first finding of the group, with its location. */
  first: Finding;
}

export interface ValidationResult {
  rows: number;
  errors: number;
  warnings: number;
  files: FileSummary[];
  /** The first `maxFindings` findings, in the order found. */
  findings: Finding[];
  findingsDropped: number;
  /** Every finding counted by kind, however many were kept. */
  groups: FindingGroup[];
  profile: DataProfile;
}

export interface Progress {
  file: string;
  rows: number;
  rowsPerSecond: number;
}

export interface ValidateOptions {
  /** How many findings to keep in full; counting goes on past it. */
  maxFindings: number;
  dialect?: Dialect;
  /** Keys each uniqueness check keeps at most (default FINGERPRINT_LIMIT, 16 MB). */
  uniqueLimit?: number;
  /** Called about every `progressIntervalMs` (default 10 s) while a file is read. */
  onProgress?: (progress: Progress) => void;
  progressIntervalMs?: number;
}

type Report = (finding: Omit<Finding, 'file' | 'scope' | 'level'> & { level?: FindingLevel; file?: string }) => void;

/** Collects findings: counts all, keeps the first `max`, and groups them by kind. */
class FindingSink {
  errors = 0;
  warnings = 0;
  kept: Finding[] = [];
  dropped = 0;
  groups = new Map<string, FindingGroup>();

  constructor(private readonly max: number) {}

  add(finding: Finding): void {
    if (finding.level === 'error') this.errors++;
    else this.warnings++;
    if (this.kept.length < this.max) this.kept.push(finding);
    else this.dropped++;
    const key = `${finding.code}\u0000${finding.constraint ?? ''}\u0000${finding.field ?? ''}\u0000${finding.file}\u0000${finding.level}`;
    const group = this.groups.get(key);
    if (group) group.count++;
    else this.groups.set(key, { code: finding.code, level: finding.level, field: finding.field, constraint: finding.constraint, file: finding.file, count: 1, first: finding });
  }
}

/** What a field's column needs across all files: statistics, uniqueness, `mostly` bookkeeping. */
interface FieldState {
  field: CompiledField;
  index: number;
  level: FindingLevel;
  stats: ColumnStats;
  unique?: FingerprintSet;
  /** With ml.mostly, failing values are tallied here rather than reported one by one. */
  mostly?: { failures: number; checked: number; first?: Finding };
  topValues: boolean;
  banNaN: boolean;
  banInf: boolean;
  hasConstraints: boolean;
  /** The file being read, for the location of the first `mostly` failure. */
  file: string;
  /** The usual missingValues, [""]: a comparison instead of a Set lookup per cell. */
  onlyEmptyIsMissing: boolean;
  /** The field's cast, compiled: the value or CAST_FAILED. */
  cast: (raw: RawValue) => unknown;
}

/**
 * Validates every file against the schema. The files are one table split in parts: uniqueness
 * (unique fields, primary and unique keys, duplicate rows) and the column and dataset checks
 * hold across all of them.
 */
export async function validateFiles(files: readonly DataFile[], schema: CompiledSchema, options: ValidateOptions | number): Promise<ValidationResult> {
  const settings: ValidateOptions = typeof options === 'number' ? { maxFindings: options } : options;
  const sink = new FindingSink(settings.maxFindings);
  const limit = settings.uniqueLimit ?? FINGERPRINT_LIMIT;
  const states = schema.fields.map((field, index) => fieldState(field, index, limit));
  const keySets = new Map<string, FingerprintSet>();
  for (const key of rowKeys(schema)) keySets.set(key.label, new FingerprintSet(limit));
  const duplicates = schema.descriptor.ml?.duplicateRows ? { set: new FingerprintSet(limit), count: 0, first: undefined as Finding | undefined } : undefined;
  const summaries: FileSummary[] = [];
  let rows = 0;
  for (const file of files) {
    const summary: FileSummary = { path: file.path, format: file.format, rows: 0, errors: 0, warnings: 0 };
    const report: Report = (partial) => {
      const level = partial.level ?? 'error';
      const finding = { ...partial, file: partial.file ?? file.path, level, scope: FINDING_CODES[partial.code] } as Finding;
      sink.add(finding);
      if (finding.file === file.path) summary[level === 'error' ? 'errors' : 'warnings']++;
    };
    try {
      await validateFile(file, schema, states, keySets, duplicates, summary, report, settings);
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      report({ code: error.code, line: error.line, message: `${error.message}${summary.rows ? ` Rows before the problem (${summary.rows}) were checked.` : ''}` });
    }
    rows += summary.rows;
    summaries.push(summary);
  }
  const schemaReport: Report = (partial) => {
    const level = partial.level ?? 'error';
    sink.add({ ...partial, file: partial.file ?? schema.source, level, scope: FINDING_CODES[partial.code] } as Finding);
  };
  for (const state of states) {
    if (state.unique?.saturated) {
      schemaReport({ code: 'check-limit', level: 'warning', field: state.field.name, line: state.field.line, constraint: 'unique', message: `Field "${state.field.name}": uniqueness was checked against the first ${state.unique.limit} distinct values only; duplicates among later values may be missed.` });
    }
  }
  for (const key of rowKeys(schema)) {
    if (keySets.get(key.label)?.saturated) {
      schemaReport({ code: 'check-limit', level: 'warning', field: key.names.join(', '), line: schema.mlLine, constraint: key.code, message: `The ${key.label} (${key.names.join(', ')}) was checked against its first ${limit} distinct values only; repeats among later rows may be missed.` });
    }
  }
  if (duplicates?.set.saturated) {
    schemaReport({ code: 'check-limit', level: 'warning', line: schema.mlLine, constraint: 'duplicateRows', message: `Duplicate rows were looked for among the first ${limit} distinct rows only; repeats among later rows may be missed.` });
  }
  const profile = buildProfile(states.map((s) => s.stats), summaries.map((s) => ({ path: s.path, format: s.format, rows: s.rows })));
  if (rows > 0) {
    checkColumns(schema, states, profile, schemaReport);
    checkDataset(schema, profile, duplicates && { count: duplicates.count, first: duplicates.first }, schemaReport);
  }
  return {
    rows,
    errors: sink.errors,
    warnings: sink.warnings,
    files: summaries,
    findings: sink.kept,
    findingsDropped: sink.dropped,
    groups: [...sink.groups.values()],
    profile,
  };
}

function fieldState(field: CompiledField, index: number, uniqueLimit: number): FieldState {
  const c = field.constraints ?? {};
  return {
    field,
    index,
    level: field.ml?.severity ?? 'error',
    stats: new ColumnStats(field.name, field.type, categorical(field)),
    unique: c.unique ? new FingerprintSet(uniqueLimit) : undefined,
    mostly: field.ml?.mostly !== undefined ? { failures: 0, checked: 0 } : undefined,
    topValues: categorical(field),
    banNaN: field.ml?.allowNaN === false,
    banInf: field.ml?.allowInf === false,
    hasConstraints:
      field.bounds.minimum !== undefined || field.bounds.maximum !== undefined || field.bounds.exclusiveMinimum !== undefined || field.bounds.exclusiveMaximum !== undefined ||
      c.minLength !== undefined || c.maxLength !== undefined || field.pattern !== undefined || field.enumValues !== undefined || field.categoryValues !== undefined,
    file: '',
    onlyEmptyIsMissing: field.missing.size === 1 && field.missing.has(''),
    cast: compileCast(field),
  };
}

/** Columns whose top values mean something: text, booleans, enums and categories, targets. */
function categorical(field: CompiledField): boolean {
  return field.type === 'string' || field.type === 'boolean' || field.enumValues !== undefined || field.categoryValues !== undefined || field.ml?.role === 'target';
}

export type { FieldState };

async function validateFile(
  file: DataFile,
  schema: CompiledSchema,
  states: FieldState[],
  keySets: Map<string, FingerprintSet>,
  duplicates: { set: FingerprintSet; count: number; first: Finding | undefined } | undefined,
  summary: FileSummary,
  report: Report,
  options: ValidateOptions,
): Promise<void> {
  /** For each column of the file, the state of its field (undefined: no field). */
  let columns: (FieldState | undefined)[] = [];
  let width = 0;
  let headerSeen = false;
  const values: unknown[] = new Array(states.length);
  const keys = rowKeys(schema);
  const started = performance.now();
  let lastProgress = started;
  const interval = options.progressIntervalMs ?? 10_000;
  for (const state of states) state.file = file.path;

  const onRow = (r: TableRow) => {
    const row = ++summary.rows;
    const line = r.line;
    if ((row & 0x3fff) === 0 && options.onProgress) {
      const now = performance.now();
      if (now - lastProgress >= interval) {
        lastProgress = now;
        options.onProgress({ file: file.path, rows: row, rowsPerSecond: (row * 1000) / (now - started) });
      }
    }
    if (r.problem) {
      report({ code: 'source-error', row, line, message: `Row ${row} could not be read: ${r.problem}.` });
      return;
    }
    if (r.blank) {
      if (width > 1 || file.format === 'jsonl') report({ code: 'blank-row', row, line, expected: `${width} cells`, message: `Row ${row} is an empty line.` });
      if (width > 1 || file.format === 'jsonl') return;
    }
    const cells = r.cells;
    if (file.format !== 'jsonl' && cells.length !== width) {
      const code: FindingCode = cells.length < width ? 'missing-cell' : 'extra-cell';
      report({ code, row, line, observed: `${cells.length} cells`, expected: `${width} cells`, message: `Row ${row} has ${cells.length} cells; the header has ${width}.` });
    }
    if (r.extraKeys) {
      report({ code: 'extra-cell', row, line, observed: r.extraKeys.join(', '), message: `Row ${row} has keys the first object does not have: ${r.extraKeys.map((k) => JSON.stringify(k)).join(', ')}.` });
    }
    values.fill(undefined);
    for (let i = 0; i < columns.length; i++) {
      const state = columns[i];
      if (state) values[state.index] = checkCell(state, cells[i] ?? (file.format === 'jsonl' ? null : ''), row, line, report);
    }
    if (keys.length) checkKeys(keys, values, keySets, row, line, report);
    if (duplicates) {
      const key = fingerprint(cells.map(String).join('\u0001'));
      if (!duplicates.set.add(key)) {
        duplicates.count++;
        duplicates.first ??= { code: 'duplicate-row', level: 'error', scope: 'dataset', file: file.path, row, line, message: `Row ${row} repeats an earlier row.` };
      }
    }
  };

  await readTable(
    file.path,
    file.format,
    {
      header(names, line) {
        headerSeen = true;
        width = names.length;
        columns = matchHeader(names, schema, states, file.format, line, report);
      },
      row: onRow,
    },
    { dialect: options.dialect },
  );
  if (!headerSeen) report({ code: 'empty-file', message: `The file "${file.path}" is empty: it has no ${file.format === 'parquet' ? 'columns' : file.format === 'jsonl' ? 'JSON object' : 'header row'}.` });
  else if (summary.rows === 0) report({ code: 'empty-file', level: 'warning', line: file.format === 'parquet' ? undefined : 1, message: `The file "${file.path}" has a header but no data rows.` });
}

/**
 * Maps each column to its field by the schema's fieldsMatch rule, reporting label problems.
 * `exact` maps by position, as the spec says: the n-th column is the n-th field, and a label
 * that is not the field's name is an incorrect-label (the column is still checked as that
 * field). The other rules map by name. JSON Lines and Parquet are always matched by name:
 * objects and Parquet schemas have no meaningful column order.
 */
function matchHeader(header: readonly string[], schema: CompiledSchema, states: FieldState[], format: DataFormat, line: number | undefined, report: Report): (FieldState | undefined)[] {
  const declared = schema.descriptor.fieldsMatch;
  const mode = declared === 'exact' && (format === 'jsonl' || format === 'parquet') ? 'equal' : declared;
  if (mode === 'exact') return matchByPosition(header, states, line, report);
  const byName = new Map(states.map((s) => [s.field.name, s]));
  const seen = new Set<string>();
  const columns = header.map((label, index) => {
    if (label.trim() === '') {
      report({ code: 'blank-label', line, message: `Column ${index + 1} has no name.` });
      return undefined;
    }
    if (seen.has(label)) {
      report({ code: 'duplicate-label', line, field: label, message: `Column "${label}" appears more than once in the header.` });
      return undefined;
    }
    seen.add(label);
    const state = byName.get(label);
    // subset: the data MAY have more columns than the schema; superset: it MAY have fewer.
    if (!state && (mode === 'equal' || mode === 'superset')) {
      report({ code: 'extra-label', line, field: label, message: `Column "${label}" is not a field of the schema (fieldsMatch: ${mode}).` });
    }
    return state;
  });
  const missing = schema.fields.filter((f) => !seen.has(f.name));
  if (mode === 'partial' && missing.length === schema.fields.length) {
    report({ code: 'unmatched-header', line, message: 'No column of the header matches a schema field (fieldsMatch: partial needs at least one).' });
  } else {
    for (const f of missing) {
      // A required field needs its column whatever the rule.
      if ((mode === 'superset' || mode === 'partial') && !f.constraints?.required) continue;
      report({ code: 'missing-label', line, field: f.name, message: `The schema field "${f.name}" has no column in the header.` });
    }
  }
  return columns;
}

function matchByPosition(header: readonly string[], states: FieldState[], line: number | undefined, report: Report): (FieldState | undefined)[] {
  const names = new Set(states.map((s) => s.field.name));
  const seen = new Set<string>();
  const columns = header.map((label, index) => {
    const state = states[index];
    if (label.trim() === '') report({ code: 'blank-label', line, field: state?.field.name, message: `Column ${index + 1} has no name.` });
    else if (seen.has(label)) report({ code: 'duplicate-label', line, field: label, message: `Column "${label}" appears more than once in the header.` });
    seen.add(label);
    if (!state) {
      report({ code: 'extra-label', line, field: label, message: `Column ${index + 1} ("${label}") is beyond the schema's ${states.length} fields (fieldsMatch: exact).` });
      return undefined;
    }
    if (label.trim() !== '' && label !== state.field.name) {
      const hint = names.has(label) ? ' The columns are in another order than the fields; use fieldsMatch: equal to match them by name.' : '';
      report({ code: 'incorrect-label', line, field: state.field.name, observed: label, expected: state.field.name,
        message: `Column ${index + 1} is "${label}" where the schema has field "${state.field.name}" (fieldsMatch: exact matches by position, so it is checked as "${state.field.name}").${hint}` });
    }
    return state;
  });
  for (const state of states.slice(header.length)) {
    report({ code: 'missing-label', line, field: state.field.name, message: `The schema field "${state.field.name}" (field ${state.index + 1}) has no column: the header has ${header.length}.` });
  }
  return columns;
}

const describe = (raw: RawValue) => JSON.stringify(shorten(typeof raw === 'string' ? raw : JSON.stringify(raw), 40));
const textOf = (raw: RawValue) => (typeof raw === 'string' ? raw : JSON.stringify(raw));

/** Casts and checks one cell, feeding the column's statistics; returns its cast value (undefined when missing or invalid). */
function checkCell(state: FieldState, raw: RawValue, row: number, line: number | undefined, report: Report): unknown {
  const f = state.field;
  const stats = state.stats;
  stats.count++;
  if (raw === null || (typeof raw === 'string' && (state.onlyEmptyIsMissing ? raw === '' : f.missing.has(raw)))) {
    stats.nulls++;
    if (f.constraints?.required) {
      report({ code: 'constraint-error', level: state.level, constraint: 'required', row, line, field: f.name, observed: textOf(raw), expected: 'a value', message: `Row ${row}: field "${f.name}" is required but empty.` });
    }
    return undefined;
  }
  const value = state.cast(raw);
  if (value === CAST_FAILED) {
    stats.invalid++;
    const expected = (castRaw(f, raw) as { expected: string }).expected;
    failValue(state, { code: 'type-error', row, line, field: f.name, observed: shorten(textOf(raw)), expected, message: `Row ${row}: field "${f.name}" should be ${expected}, got ${describe(raw)}.` }, report);
    return undefined;
  }
  if (typeof value === 'number') {
    stats.addNumber(value);
    if (value !== value) {
      if (state.banNaN) report({ code: 'nan-value', level: state.level, row, line, field: f.name, observed: 'NaN', expected: 'a number (ml.allowNaN: false)', message: `Row ${row}: field "${f.name}" is NaN, which the schema bans.` });
    } else if ((value === Infinity || value === -Infinity) && state.banInf) {
      report({ code: 'inf-value', level: state.level, row, line, field: f.name, observed: String(value), expected: 'a finite number (ml.allowInf: false)', message: `Row ${row}: field "${f.name}" is ${value}, which the schema bans.` });
    }
  }
  // Numbers are hashed by their bits: building their text for every cell would cost more than the rest.
  const numeric = typeof value === 'number';
  const key = numeric ? undefined : typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? 'true' : 'false') : JSON.stringify(value);
  stats.distinct.addHash(numeric ? hashNumber(value) : hash32(key!));
  if (state.topValues) {
    if (stats.distinct.isExact()) stats.top!.add(key ?? String(value));
    else {
      state.topValues = false;
      stats.dropTopValues();
    }
  }
  if (state.hasConstraints) {
    const broken = brokenConstraint(f, raw, value);
    if (state.mostly) state.mostly.checked++;
    if (broken) {
      failValue(state, { code: 'constraint-error', constraint: broken[0], row, line, field: f.name, observed: shorten(textOf(raw)), expected: broken[1], message: `Row ${row}: field "${f.name}" breaks ${broken[0]} (${broken[1]}): ${describe(raw)}.` }, report);
    }
  } else if (state.mostly) state.mostly.checked++;
  if (state.unique && !state.unique.add(numeric ? fingerprintNumber(value) : fingerprint(key!))) {
    report({ code: 'unique-error', level: state.level, row, line, field: f.name, observed: shorten(textOf(raw)), expected: 'a unique value', message: `Row ${row}: field "${f.name}" repeats the value ${describe(raw)} (unique).` });
  }
  return value;
}

/** Reports a failing value, or with ml.mostly tallies it for the column-level verdict. */
function failValue(state: FieldState, finding: Omit<Finding, 'file' | 'scope' | 'level'>, report: Report): void {
  if (state.mostly) {
    state.mostly.failures++;
    if (finding.code === 'type-error') state.mostly.checked++;
    state.mostly.first ??= { ...finding, file: state.file, scope: 'cell', level: state.level };
    return;
  }
  report({ ...finding, level: state.level });
}

/** The first constraint the value breaks, as [name, what was expected]. */
function brokenConstraint(f: CompiledField, raw: RawValue, value: unknown): [string, string] | undefined {
  const c = f.constraints ?? {};
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = f.bounds;
  if (typeof value === 'number') {
    if (minimum !== undefined && value < minimum) return ['minimum', `≥ ${c.minimum}`];
    if (maximum !== undefined && value > maximum) return ['maximum', `≤ ${c.maximum}`];
    if (exclusiveMinimum !== undefined && !(value > exclusiveMinimum)) return ['exclusiveMinimum', `> ${c.exclusiveMinimum}`];
    if (exclusiveMaximum !== undefined && !(value < exclusiveMaximum)) return ['exclusiveMaximum', `< ${c.exclusiveMaximum}`];
  }
  if (c.minLength !== undefined || c.maxLength !== undefined) {
    const length = lengthOf(value);
    if (c.minLength !== undefined && length < c.minLength) return ['minLength', `length ≥ ${c.minLength}`];
    if (c.maxLength !== undefined && length > c.maxLength) return ['maxLength', `length ≤ ${c.maxLength}`];
  }
  if (f.pattern && !f.pattern.test(typeof raw === 'string' ? raw : String(value))) return ['pattern', `to match ${c.pattern}`];
  const member = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  if (f.enumValues && !f.enumValues.has(member)) return ['enum', `one of ${c.enum!.join(', ')}`];
  if (f.categoryValues && !f.categoryValues.has(member)) return ['categories', `one of ${f.categories!.map((e) => (typeof e === 'object' ? e.value : e)).join(', ')}`];
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

interface RowKey {
  label: string;
  code: 'primary-key' | 'unique-key';
  indexes: number[];
  names: string[];
}

function rowKeys(schema: CompiledSchema): RowKey[] {
  const index = (name: string) => schema.fields.findIndex((f) => f.name === name);
  const keys: RowKey[] = [];
  if (schema.primaryKey.length) keys.push({ label: 'primary key', code: 'primary-key', indexes: schema.primaryKey.map(index), names: schema.primaryKey });
  schema.uniqueKeys.forEach((names, i) => keys.push({ label: `unique key ${i + 1}`, code: 'unique-key', indexes: names.map(index), names }));
  return keys;
}

/**
 * Primary keys must be present and unique; unique keys must be unique among the rows where the
 * whole key is present (SQL UNIQUE, as the v2 spec says).
 */
function checkKeys(keys: RowKey[], values: unknown[], keySets: Map<string, FingerprintSet>, row: number, line: number | undefined, report: Report): void {
  for (const key of keys) {
    // A one-field numeric key (the usual id) takes a path that allocates nothing.
    if (key.indexes.length === 1 && typeof values[key.indexes[0]!] === 'number') {
      const value = values[key.indexes[0]!] as number;
      if (!keySets.get(key.label)!.add(fingerprintNumber(value))) {
        report({ code: key.code, row, line, field: key.names[0], observed: String(value), expected: 'a unique key', message: `Row ${row}: the ${key.label} (${key.names[0]}) repeats [${value}].` });
      }
      continue;
    }
    const parts = key.indexes.map((i) => values[i]);
    const what = `${key.label} (${key.names.join(', ')})`;
    if (parts.some((value) => value === undefined)) {
      if (key.code === 'primary-key') report({ code: 'primary-key', row, line, field: key.names.join(', '), expected: 'a value in every key field', message: `Row ${row}: the ${what} has an empty or invalid value.` });
      continue;
    }
    const only = parts.length === 1 ? parts[0] : undefined;
    const text = typeof only === 'number' ? String(only) : JSON.stringify(parts);
    if (!keySets.get(key.label)!.add(typeof only === 'number' ? fingerprintNumber(only) : fingerprint(text))) {
      report({ code: key.code, row, line, field: key.names.join(', '), observed: shorten(parts.map(String).join(', ')), expected: 'a unique key', message: `Row ${row}: the ${what} repeats ${shorten(text, 60)}.` });
    }
  }
}
