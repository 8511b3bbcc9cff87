import { readDelimited, type DelimitedFormat } from '../data/delimited.js';
import { castValue } from '../schema/cast.js';
import { comparable, type CompiledField, type CompiledSchema } from '../schema/table-schema.js';
import { shorten, type Finding, type FindingCode, type FindingLevel } from './findings.js';

export interface DataFile {
  path: string;
  format: DelimitedFormat;
}

export interface FileSummary {
  path: string;
  format: DelimitedFormat;
  rows: number;
  errors: number;
  warnings: number;
}

export interface ValidationResult {
  rows: number;
  errors: number;
  warnings: number;
  files: FileSummary[];
  /** The first `maxFindings` findings, in file order. */
  findings: Finding[];
  findingsDropped: number;
}

/**
 * Validates every file against the schema. Uniqueness (unique fields, primary and unique keys)
 * holds across all files, as the files are one table split in parts. Unique checks keep each
 * distinct value in memory: fine for keys of millions of rows; larger tables need the
 * bounded structures of a later release.
 */
export async function validateFiles(files: readonly DataFile[], schema: CompiledSchema, maxFindings: number): Promise<ValidationResult> {
  const result: ValidationResult = { rows: 0, errors: 0, warnings: 0, files: [], findings: [], findingsDropped: 0 };
  const keySets = new Map<string, Set<string>>();
  for (const file of files) {
    const summary: FileSummary = { path: file.path, format: file.format, rows: 0, errors: 0, warnings: 0 };
    const record = (finding: Omit<Finding, 'file'>) => {
      const full = { file: file.path, ...finding };
      const counter = full.level === 'error' ? 'errors' : 'warnings';
      result[counter]++;
      summary[counter]++;
      if (result.findings.length < maxFindings) result.findings.push(full);
      else result.findingsDropped++;
    };
    await validateFile(file, schema, keySets, summary, record);
    result.rows += summary.rows;
    result.files.push(summary);
  }
  return result;
}

type Record_ = (finding: Omit<Finding, 'file'>) => void;

async function validateFile(file: DataFile, schema: CompiledSchema, keySets: Map<string, Set<string>>, summary: FileSummary, record: Record_) {
  let columns: (CompiledField | undefined)[] | undefined;
  let width = 0;
  await readDelimited(file.path, file.format, ({ fields, line, parseError, blank }) => {
    if (!columns && blank) return;
    if (!columns) {
      columns = matchHeader(fields, schema, line, record);
      width = fields.length;
      return;
    }
    const row = ++summary.rows;
    if (parseError) {
      record({ code: 'source-error', level: 'error', row, line, message: `Row ${row} could not be read: ${parseError}.` });
      return;
    }
    if (blank && width > 1) {
      record({ code: 'blank-row', level: 'error', row, line, message: `Row ${row} is an empty line.`, expected: `${width} cells` });
      return;
    }
    if (fields.length !== width) {
      const code: FindingCode = fields.length < width ? 'missing-cell' : 'extra-cell';
      record({ code, level: 'error', row, line, message: `Row ${row} has ${fields.length} cells; the header has ${width}.`, expected: `${width} cells` });
    }
    const cells = new Map<string, unknown>();
    columns.forEach((f, index) => {
      if (f) cells.set(f.name, checkCell(f, fields[index] ?? '', row, line, record, keySets));
    });
    for (const f of schema.fields) {
      if (!cells.has(f.name) && f.constraints?.required) {
        record({ code: 'constraint-error', level: 'error', row, line, field: f.name, expected: 'a value (required)', message: `Row ${row}: required field "${f.name}" has no column.` });
      }
    }
    checkKeys(schema, cells, row, line, record, keySets);
  });
  if (!columns) {
    record({ code: 'empty-file', level: 'error', message: 'The file is empty: it has no header row.' });
  } else if (summary.rows === 0) {
    record({ code: 'empty-file', level: 'warning', line: 1, message: 'The file has a header but no data rows.' });
  }
}

/** Maps each column to its schema field, reporting label problems by the schema's fieldsMatch rule. */
function matchHeader(header: string[], schema: CompiledSchema, line: number, record: Record_): (CompiledField | undefined)[] {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const mode = schema.descriptor.fieldsMatch;
  const columns = header.map((label, index) => {
    if (label.trim() === '') {
      record({ code: 'blank-label', level: 'error', line, message: `Column ${index + 1} has no name.` });
      return undefined;
    }
    if (seen.has(label)) {
      record({ code: 'duplicate-label', level: 'error', line, field: label, message: `Column "${label}" appears more than once in the header.` });
      return undefined;
    }
    seen.add(label);
    const f = byName.get(label);
    if (!f && (mode === 'exact' || mode === 'equal' || mode === 'subset')) {
      record({ code: 'extra-label', level: 'error', line, field: label, message: `Column "${label}" is not a field of the schema (fieldsMatch: ${mode}).` });
    }
    return f;
  });
  const missing = schema.fields.filter((f) => !seen.has(f.name));
  for (const f of missing) {
    const tolerated = mode === 'superset' || mode === 'partial';
    if (tolerated && !f.constraints?.required) continue;
    record({ code: 'missing-label', level: 'error', line, field: f.name, message: `The schema field "${f.name}" has no column in the header.` });
  }
  if (mode === 'partial' && missing.length === schema.fields.length) {
    record({ code: 'missing-label', level: 'error', line, message: 'No column of the header matches a schema field (fieldsMatch: partial needs at least one).' });
  }
  if (mode === 'exact') {
    const order = header.filter((label) => byName.has(label)).join('\u0000');
    const expected = schema.fields.map((f) => f.name).filter((name) => seen.has(name)).join('\u0000');
    if (order !== expected) {
      record({ code: 'missing-label', level: 'error', line, message: 'The columns are not in the order of the schema fields (fieldsMatch: exact); use fieldsMatch: equal to allow any order.' });
    }
  }
  return columns;
}

/** Casts and checks one cell; returns its cast value (undefined when missing or invalid). */
function checkCell(f: CompiledField, text: string, row: number, line: number, record: Record_, keySets: Map<string, Set<string>>): unknown {
  const base = { row, line, field: f.name, value: shorten(text) };
  const c = f.constraints ?? {};
  if (f.missing.has(text)) {
    if (c.required) record({ ...base, code: 'constraint-error', level: 'error', expected: 'a value (required)', message: `Row ${row}: field "${f.name}" is required but empty.` });
    return undefined;
  }
  const cast = castValue(f, text);
  if (!cast.ok) {
    record({ ...base, code: 'type-error', level: 'error', expected: cast.expected, message: `Row ${row}: field "${f.name}" should be ${cast.expected}, got ${JSON.stringify(shorten(text, 40))}.` });
    return undefined;
  }
  const broken = brokenConstraint(f, text, cast.value);
  if (broken) {
    record({ ...base, code: 'constraint-error', level: 'error', expected: broken, message: `Row ${row}: field "${f.name}" breaks ${broken}: ${JSON.stringify(shorten(text, 40))}.` });
  }
  if (c.unique) {
    const seen = keySet(keySets, `field:${f.name}`);
    const key = String(comparable(cast.value));
    if (seen.has(key)) record({ ...base, code: 'unique-error', level: 'error', expected: 'a unique value', message: `Row ${row}: field "${f.name}" repeats the value ${JSON.stringify(shorten(text, 40))} (unique).` });
    else seen.add(key);
  }
  return cast.value;
}

function brokenConstraint(f: CompiledField, text: string, value: unknown): string | undefined {
  const c = f.constraints ?? {};
  const ordered = comparable(value) as number;
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = f.bounds;
  if (minimum !== undefined && ordered < (comparable(minimum) as number)) return `minimum ${c.minimum}`;
  if (maximum !== undefined && ordered > (comparable(maximum) as number)) return `maximum ${c.maximum}`;
  if (exclusiveMinimum !== undefined && ordered <= (comparable(exclusiveMinimum) as number)) return `exclusiveMinimum ${c.exclusiveMinimum}`;
  if (exclusiveMaximum !== undefined && ordered >= (comparable(exclusiveMaximum) as number)) return `exclusiveMaximum ${c.exclusiveMaximum}`;
  const length = Array.isArray(value) ? value.length : [...text].length;
  if (c.minLength !== undefined && length < c.minLength) return `minLength ${c.minLength}`;
  if (c.maxLength !== undefined && length > c.maxLength) return `maxLength ${c.maxLength}`;
  if (f.pattern && !f.pattern.test(text)) return `pattern ${c.pattern}`;
  if (f.enumValues && !f.enumValues.has(comparable(value))) return `enum [${c.enum?.join(', ')}]`;
  if (f.categoryValues && !f.categoryValues.has(comparable(value))) return 'categories';
  return undefined;
}

function checkKeys(schema: CompiledSchema, cells: Map<string, unknown>, row: number, line: number, record: Record_, keySets: Map<string, Set<string>>) {
  const keys: [label: string, names: string[], code: FindingCode][] = [];
  if (schema.primaryKey.length) keys.push(['primary key', schema.primaryKey, 'primary-key']);
  for (const names of schema.uniqueKeys) keys.push(['unique key', names, 'unique-error']);
  for (const [label, names, code] of keys) {
    const values = names.map((name) => cells.get(name));
    const what = `${label} (${names.join(', ')})`;
    if (values.some((value) => value === undefined)) {
      if (code === 'primary-key') record({ code, level: 'error', row, line, expected: 'a value in every key field', message: `Row ${row}: the ${what} has an empty or invalid value.` });
      continue;
    }
    const key = JSON.stringify(values.map(comparable));
    const seen = keySet(keySets, `${label}:${names.join('\u0000')}`);
    if (seen.has(key)) {
      record({ code, level: 'error' as FindingLevel, row, line, value: shorten(values.map(String).join(', ')), expected: 'a unique key', message: `Row ${row}: the ${what} repeats ${shorten(key, 60)}.` });
    } else seen.add(key);
  }
}

function keySet(keySets: Map<string, Set<string>>, id: string): Set<string> {
  let set = keySets.get(id);
  if (!set) keySets.set(id, (set = new Set()));
  return set;
}
