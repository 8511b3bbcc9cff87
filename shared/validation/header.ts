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
export function matchHeader(
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
      report({ code: 'blank-label', line, message: `Column ${index + 1} has no name.` });
      return undefined;
    }
    if (seen.has(label)) {
      report({
        code: 'duplicate-label',
        line,
        field: label,
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
        message: `Column "${excerpt(label)}" is not a field of the schema (fieldsMatch: ${mode}).`,
      });
    }
    return state;
  });
  const missing = schema.fields.filter((f) => !seen.has(f.name));
  if (mode === 'partial' && missing.length === schema.fields.length) {
    report({
      code: 'unmatched-header',
      line,
      message:
        'No column of the header matches a schema field (fieldsMatch: partial needs at least one).',
    });
  } else {
    for (const f of missing) {
      // A required field needs its column whatever the rule.
      if ((mode === 'superset' || mode === 'partial') && !f.constraints?.required) continue;
      report({
        code: 'missing-label',
        line,
        field: f.name,
        message: `The schema field "${f.name}" has no column in the header.`,
      });
    }
  }
  return columns;
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
        message: `Column ${index + 1} has no name.`,
      });
    else if (seen.has(label))
      report({
        code: 'duplicate-label',
        line,
        field: label,
        message: `Column "${excerpt(label)}" appears more than once in the header.`,
      });
    seen.add(label);
    if (!state) {
      report({
        code: 'extra-label',
        line,
        field: label,
        message: `Column ${index + 1} ("${excerpt(label)}") is beyond the schema's ${states.length} fields (fieldsMatch: exact).`,
      });
      return undefined;
    }
    if (label.trim() !== '' && label !== state.field.name) {
      const hint = names.has(label)
        ? ' The columns are in another order than the fields; use fieldsMatch: equal to match them by name.'
        : '';
      report({
        code: 'incorrect-label',
        line,
        field: state.field.name,
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
      message: `The schema field "${state.field.name}" (field ${state.index + 1}) has no column: the header has ${header.length}.`,
    });
  }
  return columns;
}
