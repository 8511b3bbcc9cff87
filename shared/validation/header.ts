/** The header of a data file against the schema's fields: which column is which field, and what does not match. */
import type { DataFormat } from '../data/records.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import { excerpt, type Report } from './findings.js';
import type { FieldState } from './row-checks.js';

/**
 * Maps each column to its field by the schema's fieldsMatch rule, reporting label problems.
 * `exact` maps by position, as the spec says: the n-th column is the n-th field, and a label
 * that is not the field's name is an incorrect-label (the column is still checked as that
 * field). The other rules map by name. JSON Lines and Parquet are always matched by name:
 * objects and Parquet schemas have no meaningful column order.
 */
function matchHeader(
  header: readonly string[],
  schema: CompiledSchema,
  states: readonly FieldState[],
  format: DataFormat,
  line: number | undefined,
  report: Report,
): (FieldState | undefined)[] {
  const declared = schema.descriptor.fieldsMatch;
  const mode =
    declared === 'exact' && (format === 'jsonl' || format === 'parquet') ? 'equal' : declared;
  if (mode === 'exact') return matchByPosition(header, states, line, report);
  const byName = new Map(states.map((s) => [s.field.name, s]));
  const seen = new Set<string>();
  const columns = header.map((label, index) => {
    if (label.trim() === '') {
      report({
        code: 'blank-label',
        line,
        fieldNumber: index + 1,
        message: `Column ${index + 1} has no name.`,
      });
      return undefined;
    }
    if (seen.has(label)) {
      report({
        code: 'duplicate-label',
        line,
        field: label,
        fieldNumber: index + 1,
        message: `Column "${excerpt(label)}" appears more than once in the header.`,
      });
      return undefined;
    }
    seen.add(label);
    const state = byName.get(label);
    // subset: the data MAY have more columns than the schema; superset: it MAY have fewer.
    if (!state && (mode === 'equal' || mode === 'superset')) {
      report({
        code: 'extra-label',
        line,
        field: label,
        fieldNumber: index + 1,
        message: `Column "${excerpt(label)}" is not a field of the schema (fieldsMatch: ${mode}).`,
      });
    }
    return state;
  });
  const missing = schema.fields.filter((f) => !seen.has(f.name));
  if (mode === 'partial' && missing.length === schema.fields.length)
    report({
      code: 'unmatched-header',
      line,
      message:
        'No column of the header matches a schema field (fieldsMatch: partial needs at least one).',
    });
  // As frictionless: the fields without a column are named too, unmatched header or not, and
  // numbered after the file's columns, in schema order.
  let fieldNumber = header.length;
  for (const f of missing) {
    // A required field (a primary key's fields are required) needs its column whatever the rule.
    const required = f.constraints?.required || schema.primaryKey.includes(f.name);
    if ((mode === 'superset' || mode === 'partial') && !required) continue;
    report({
      code: 'missing-label',
      line,
      field: f.name,
      fieldNumber: ++fieldNumber,
      message: `The schema field "${f.name}" has no column in the header${required ? ', and it is required: every row lacks it' : ''}.`,
    });
  }
  return columns;
}

/** How the rows of a file are read against the schema: which column is which field, and how many cells a row should have. */
export interface HeaderLayout {
  /** For each expected cell of a row, the index of its field (undefined: no field). */
  columns: (number | undefined)[];
  /** The header's labels, to name a cell that has no field. */
  labels: readonly string[];
}

/**
 * Matches the header (matchHeader) and sets out the cells each row should have, as frictionless
 * does: with fieldsMatch exact (CSV, TSV), the schema's fields by position, so a field without a
 * column is a missing cell in every row and a column past the fields an extra cell in every
 * row; with the other rules, the header's columns, a field without a column reported once.
 * Each field's state learns its column number (1-based) in this file, for its findings.
 */
export function layoutHeader(
  header: readonly string[],
  schema: CompiledSchema,
  states: readonly FieldState[],
  format: DataFormat,
  line: number | undefined,
  report: Report,
): HeaderLayout {
  const matched = matchHeader(header, schema, states, format, line, report);
  const exact = schema.descriptor.fieldsMatch === 'exact' && (format === 'csv' || format === 'tsv');
  const columns = exact ? states.map((s) => s.index) : matched.map((s) => s?.index);
  for (const state of states) state.column = undefined;
  columns.forEach((index, i) => {
    if (index !== undefined) states[index]!.column ??= i + 1;
  });
  return { columns, labels: header };
}

function matchByPosition(
  header: readonly string[],
  states: readonly FieldState[],
  line: number | undefined,
  report: Report,
): (FieldState | undefined)[] {
  const names = new Set(states.map((s) => s.field.name));
  const seen = new Set<string>();
  const columns = header.map((label, index) => {
    const state = states[index];
    if (label.trim() === '')
      report({
        code: 'blank-label',
        line,
        field: state?.field.name,
        fieldNumber: index + 1,
        message: `Column ${index + 1} has no name.`,
      });
    const duplicate = label.trim() !== '' && seen.has(label);
    if (duplicate)
      report({
        code: 'duplicate-label',
        line,
        field: label,
        fieldNumber: index + 1,
        message: `Column "${excerpt(label)}" appears more than once in the header.`,
      });
    seen.add(label);
    if (!state) {
      report({
        code: 'extra-label',
        line,
        field: label,
        fieldNumber: index + 1,
        message: `Column ${index + 1} ("${excerpt(label)}") is beyond the schema's ${states.length} fields (fieldsMatch: exact).`,
      });
      return undefined;
    }
    // A duplicate is reported as that alone, as frictionless does.
    if (label.trim() !== '' && !duplicate && label !== state.field.name) {
      const hint = names.has(label)
        ? ' The columns are in another order than the fields; use fieldsMatch: equal to match them by name.'
        : '';
      report({
        code: 'incorrect-label',
        line,
        field: state.field.name,
        fieldNumber: index + 1,
        observed: label,
        expected: state.field.name,
        message: `Column ${index + 1} is "${excerpt(label)}" where the schema has field "${state.field.name}" (fieldsMatch: exact matches by position, so it is checked as "${state.field.name}").${hint}`,
      });
    }
    return state;
  });
  for (const state of states.slice(header.length)) {
    report({
      code: 'missing-label',
      line,
      field: state.field.name,
      fieldNumber: state.index + 1,
      message: `The schema field "${state.field.name}" (field ${state.index + 1}) has no column: the header has ${header.length}, so each row lacks its cell (fieldsMatch: exact).`,
    });
  }
  return columns;
}
