/**
 * Table-level conformance cases, written by this project from frictionless-py's published
 * validation tests (frictionless/resource/__spec__/test_validate.py and test_validate_schema.py,
 * commit 44661adf of frictionlessdata/frictionless-py), with their data files (data/*.csv) written
 * out inline. Each case names the test it mirrors (`source`, as in cast-cases.ts).
 *
 * `expected` is what frictionless reports, as its `report.flatten(["rowNumber", "fieldNumber",
 * "type"])` lists it (a field name as a fourth element where the test checks it): rowNumber
 * counts the header as row 1, as this project's `line` does for these files. Where frictionless
 * infers a schema, the case writes the schema it infers (blank labels become `field<n>`,
 * repeated ones `<name><n>`). Where the project deliberately reports otherwise, `expected` is the
 * project's answer and `differs` says what frictionless does and why.
 */
import type { FindingCode } from '../../shared/validation/findings.js';

/** [rowNumber (null: the header), fieldNumber (null: the whole row), code, field name?] */
export type Expected = [number | null, number | null, FindingCode, string?];

export interface TableCase {
  /** The schema descriptor, as a schema file would hold it. */
  schema: Record<string, unknown>;
  /** The data, as a CSV file. */
  csv: string;
  expected: Expected[];
  /** The frictionless test (file::test) the case mirrors. */
  source: string;
  /** Only these codes, as the test's Checklist(pick_errors=...) keeps them. */
  pick?: FindingCode[];
  /** Only the first findings, as the test's limit_errors keeps them. */
  limit?: number;
  /** Where the project deliberately differs from frictionless, what frictionless does and why. */
  differs?: string;
}

const RESOURCE = 'frictionless/resource/__spec__/test_validate.py';
const SCHEMA = 'frictionless/resource/__spec__/test_validate_schema.py';
const at = (file: string, test: string) => `${file}::${test}`;

const any = (...names: string[]) => names.map((name) => ({ name, type: 'any' }));
const TABLE_CSV = 'id,name\n1,english\n2,中国人\n';
/** The row errors of '#row' in frictionless' error tags that this project has. */
const ROW_CODES: FindingCode[] = [
  'type-error',
  'constraint-error',
  'missing-cell',
  'extra-cell',
  'blank-row',
  'primary-key',
  'unique-error',
];

const INVALID_CSV = 'id,name,,name\n1,english\n1,english\n\n2,german,1,2,3\n';
const INVALID_EXPECTED: Expected[] = [
  [null, 3, 'blank-label'],
  [null, 4, 'duplicate-label'],
  [2, 3, 'missing-cell'],
  [2, 4, 'missing-cell'],
  [3, 3, 'missing-cell'],
  [3, 4, 'missing-cell'],
  [4, null, 'blank-row'],
  [5, 5, 'extra-cell'],
];

const SCHEMA_VALID = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'name', type: 'string', constraints: { required: true } },
    { name: 'age', type: 'integer', constraints: { required: true } },
  ],
  primaryKey: 'id',
};
const UNIQUE_FIELD = {
  fields: [
    { name: 'id', type: 'string', constraints: { unique: true } },
    { name: 'name', type: 'string' },
    { name: 'slug', type: 'string' },
  ],
  primaryKey: 'id',
};
const UNIQUE_FIELD_CSV = `id,name,slug
ao,Angola,angola
ag,Antigua and Barbuda,antigua-and-barbuda
ar,Argentina,argentina
am,Armenia,armenia
aw,Aruba,aruba
au,Australia,australia
at,Austria,austria
bd,Bangladesh,bangladesh
ao,Belgium,belgium
`;
const WORDS_CSV = 'row,word\n2,a\n3,ab\n4,abc\n5,abcd\n6\n';
const SCORES_CSV = 'row,score\n2,1\n3,2\n4,3\n5,4\n6\n';

const SCHEMA_1611 = (required: string[]) => ({
  fields: ['A', 'B', 'C'].map((name) => ({
    name,
    type: 'string',
    ...(required.includes(name) && { constraints: { required: true } }),
  })),
  // Detector(schema_sync=True) matches the fields by name, as fieldsMatch partial does.
  fieldsMatch: 'partial',
});

const REORDERED = 'name,id\nenglish,1\n';
const fieldsMatch = (
  test: string,
  names: string[],
  answers: Record<string, Expected[]>,
): TableCase[] =>
  Object.entries(answers).map(([mode, expected]) => ({
    schema: { fields: names.map((name) => ({ name, type: 'string' })), fieldsMatch: mode },
    csv: REORDERED,
    expected,
    source: `${at(SCHEMA, test)}[${mode}]`,
  }));

export const TABLE_CASES: TableCase[] = [
  {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
        ...any('field3', 'name2'),
      ],
    },
    csv: INVALID_CSV,
    expected: INVALID_EXPECTED,
    source: at(RESOURCE, 'test_resource_validate_invalid_table'),
  },
  {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'field2', type: 'string' },
        { name: 'age', type: 'integer' },
      ],
    },
    csv: 'id,,age\n1101,John,30\n1102,Julie,26\n',
    expected: [[null, 2, 'blank-label']],
    source: at(RESOURCE, 'test_resource_validate_blank_headers'),
  },
  {
    schema: { fields: any('id', 'name', 'id2', 'age', 'id3') },
    csv: 'id,name,id,age,id\n1101,John,0,30,001101\n1102,Julie,0,26,001102\n',
    expected: [
      [null, 3, 'duplicate-label'],
      [null, 5, 'duplicate-label'],
    ],
    source: at(RESOURCE, 'test_resource_validate_duplicate_headers'),
  },
  {
    schema: { fields: any('id', 'name', 'age') },
    csv: 'id,name,age\n1101,John\n1102,Julie,26,Potatoes\n',
    expected: [
      [2, 3, 'missing-cell', 'age'],
      [3, 4, 'extra-cell'],
    ],
    source: at(RESOURCE, 'test_resource_validate_defective_rows'),
  },
  {
    schema: { fields: any('id', 'name', 'age') },
    csv: 'id,name,age\n1101,John,30\n1102,Julie,26\n,,\n',
    expected: [[4, null, 'blank-row']],
    source: at(RESOURCE, 'test_resource_validate_blank_rows'),
  },
  {
    schema: { fields: any('id', 'name', 'age') },
    csv: `id,name,age\n1101,John,30\n1102,Julie,26\n${',,\n'.repeat(11)}`,
    expected: Array.from({ length: 11 }, (_, i): Expected => [4 + i, null, 'blank-row']),
    source: at(RESOURCE, 'test_resource_validate_blank_rows_multiple'),
  },
  {
    schema: { fields: [{ name: 'x', type: 'integer', constraints: { required: true } }] },
    csv: 'x\n1\n\n2\n',
    expected: [[3, 1, 'constraint-error']],
    source: `${at(RESOURCE, 'test_resource_validate_blank_rows')}[one column]`,
    differs:
      "In a one-column table frictionless reads an empty line as a blank row, as in a wider one; the project reads it as the column's empty value (here a missing required value), as a one-column CSV writes a missing value as an empty line.",
  },
  {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
      ],
    },
    csv: 'id,name\n1,Paul\n2,John\n3,George\n4,Ringo\n5,\n',
    expected: [],
    source: at(RESOURCE, 'test_resource_validate_blank_cell_not_required'),
  },
  {
    schema: { fields: any('id', 'name') },
    csv: 'id,name\n',
    expected: [[null, null, 'empty-file']],
    source: at(RESOURCE, 'test_resource_validate_no_rows'),
    differs:
      'A header without data rows is valid for frictionless; the project warns (empty-file, a warning, not an error): an empty extract in a pipeline usually means a failure upstream.',
  },
  {
    schema: { fields: any('id', 'name', 'age') },
    csv: 'id,name,age\n1101,John,30\n1102,Julie,26\n,,\n1,2,3,4,5,6\n',
    limit: 3,
    expected: [
      [4, null, 'blank-row'],
      [5, 4, 'extra-cell'],
      [5, 5, 'extra-cell'],
    ],
    source: at(RESOURCE, 'test_resource_validate_structure_errors_with_limit_errors'),
  },
  {
    schema: {
      fields: [
        { name: 'name1', type: 'string' },
        { name: 'name2', type: 'string' },
      ],
    },
    csv: 'name1,name2\n123,\n456,\n789\n',
    expected: [[4, 2, 'missing-cell', 'name2']],
    source: at(RESOURCE, 'test_resource_validate_infer_fields_issue_225'),
  },
  {
    schema: { fields: [{ name: 'id', type: 'integer' }] },
    csv: TABLE_CSV,
    expected: [
      [null, 2, 'extra-label'],
      [2, 2, 'extra-cell'],
      [3, 2, 'extra-cell'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_extra_headers_and_cells'),
  },
  {
    schema: SCHEMA_VALID,
    csv: 'id,name,age\n1101,John,30\n1102,Julie,26\ni_should_be_a_number,,\n,2,3,4,5,6\n',
    pick: ROW_CODES,
    limit: 3,
    expected: [
      [4, 1, 'type-error'],
      [4, 2, 'constraint-error'],
      [4, 3, 'constraint-error'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_multiple_errors'),
  },
  {
    schema: {
      fields: [
        { name: 'row', type: 'integer' },
        { name: 'word', type: 'string', constraints: { minLength: 2 } },
      ],
    },
    csv: WORDS_CSV,
    pick: ['constraint-error'],
    expected: [[2, 2, 'constraint-error']],
    source: at(SCHEMA, 'test_resource_validate_schema_min_length_constraint'),
  },
  {
    schema: {
      fields: [
        { name: 'row', type: 'integer' },
        { name: 'word', type: 'string', constraints: { maxLength: 2 } },
      ],
    },
    csv: WORDS_CSV,
    pick: ['constraint-error'],
    expected: [
      [4, 2, 'constraint-error'],
      [5, 2, 'constraint-error'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_max_length_constraint'),
  },
  {
    schema: {
      fields: [
        { name: 'row', type: 'integer' },
        { name: 'score', type: 'integer', constraints: { minimum: 2 } },
      ],
    },
    csv: SCORES_CSV,
    pick: ['constraint-error'],
    expected: [[2, 2, 'constraint-error']],
    source: at(SCHEMA, 'test_resource_validate_schema_minimum_constraint'),
  },
  {
    schema: {
      fields: [
        { name: 'row', type: 'integer' },
        { name: 'score', type: 'integer', constraints: { maximum: 2 } },
      ],
    },
    csv: SCORES_CSV,
    pick: ['constraint-error'],
    expected: [
      [4, 2, 'constraint-error'],
      [5, 2, 'constraint-error'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_maximum_constraint'),
  },
  {
    schema: UNIQUE_FIELD,
    csv: UNIQUE_FIELD_CSV,
    pick: ['unique-error'],
    expected: [[10, 1, 'unique-error']],
    source: at(SCHEMA, 'test_resource_validate_schema_unique_error'),
  },
  {
    schema: {
      fields: [
        { name: 'id', type: 'string' },
        { name: 'unique_number', type: 'number', constraints: { unique: true } },
      ],
    },
    csv: 'id,unique_number\na1,100\na2,bad\na3,100\na4,0\na5,0\n',
    expected: [
      [3, 2, 'type-error'],
      [4, 2, 'unique-error'],
      [6, 2, 'unique-error'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_unique_error_and_type_error'),
  },
  {
    schema: UNIQUE_FIELD,
    csv: UNIQUE_FIELD_CSV,
    pick: ['primary-key'],
    expected: [[10, null, 'primary-key']],
    source: at(SCHEMA, 'test_resource_validate_schema_primary_key_error'),
  },
  {
    schema: UNIQUE_FIELD,
    csv: UNIQUE_FIELD_CSV,
    expected: [
      [10, 1, 'unique-error'],
      [10, null, 'primary-key'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_primary_key_and_unique_error'),
  },
  {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
      ],
      primaryKey: ['id', 'name'],
    },
    csv: 'id,name\n1,Alex\n1,John\n,Paul\n1,John\n,\n',
    expected: [
      [4, null, 'primary-key'],
      [5, null, 'primary-key'],
      [6, null, 'blank-row'],
    ],
    source: at(SCHEMA, 'test_resource_validate_schema_primary_key_error_composite'),
    differs:
      'Frictionless reports a primary key only when all its parts are empty ([6, primary-key]) and lets a partly empty one pass (row 4); the project reports a key with any empty part, as Table Schema v2 says primary key fields are required, and reports a blank row once, as blank-row, not again as its empty key.',
  },
  {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
        { name: 'bad', type: 'any', constraints: { required: true } },
      ],
    },
    csv: TABLE_CSV,
    expected: [
      [null, 3, 'missing-label', 'bad'],
      [2, 3, 'constraint-error', 'bad'],
      [2, 3, 'missing-cell', 'bad'],
      [3, 3, 'constraint-error', 'bad'],
      [3, 3, 'missing-cell', 'bad'],
    ],
    source: at(
      SCHEMA,
      'test_resource_validate_less_actual_fields_with_required_constraint_issue_950',
    ),
  },
  {
    schema: SCHEMA_1611(['A']),
    csv: 'B,C\nb,c\n',
    expected: [[null, 3, 'missing-label', 'A']],
    source: `${at(SCHEMA, 'test_resource_with_missing_required_header_with_schema_sync_is_true_issue_1611')}[1]`,
  },
  {
    schema: SCHEMA_1611(['A', 'C']),
    csv: 'B\nb\n',
    expected: [
      [null, 2, 'missing-label', 'A'],
      [null, 3, 'missing-label', 'C'],
    ],
    source: `${at(SCHEMA, 'test_resource_with_missing_required_header_with_schema_sync_is_true_issue_1611')}[2]`,
  },
  {
    schema: SCHEMA_1611(['A', 'C']),
    csv: 'A,B\na,b\na1\na2,b2\n\na3,b3,c3\n',
    expected: [
      [null, 3, 'missing-label', 'C'],
      [3, 2, 'missing-cell', 'B'],
      [5, null, 'blank-row'],
      [6, 3, 'extra-cell'],
    ],
    source: `${at(SCHEMA, 'test_resource_with_missing_required_header_with_schema_sync_is_true_issue_1611')}[3]`,
  },
  {
    schema: {
      fields: [
        { name: 'aa', type: 'string', constraints: { required: true } },
        { name: 'BB', type: 'string', constraints: { required: true } },
      ],
      fieldsMatch: 'partial',
    },
    csv: 'AA,bb\na,b\n',
    expected: [
      [null, null, 'unmatched-header'],
      [null, 3, 'missing-label', 'aa'],
      [null, 4, 'missing-label', 'BB'],
    ],
    source: `${at(SCHEMA, 'test_validate_resource_ignoring_header_case_issue_1635')}[2]`,
  },
  {
    schema: { fields: [{ name: 'name', type: 'string' }], fieldsMatch: 'partial' },
    csv: 'name,name\na,b\n',
    expected: [[null, 2, 'duplicate-label']],
    source: at(
      SCHEMA,
      'test_resource_validate_resource_duplicate_labels_with_sync_schema_issue_910',
    ),
    differs:
      'Frictionless refuses to validate a header with a repeated label when fields are matched by name ("requires unique labels in the header"); the project reports the repeat as duplicate-label and checks the first column of the name, so the rest of the file is still checked.',
  },
  ...fieldsMatch('test_resource_validate_fields_match_reordered_labels', ['id', 'name'], {
    exact: [
      [null, 1, 'incorrect-label', 'id'],
      [null, 2, 'incorrect-label', 'name'],
    ],
    equal: [],
    subset: [],
    superset: [],
    partial: [],
  }),
  ...fieldsMatch('test_resource_validate_fields_match_extra_label', ['name'], {
    exact: [
      [null, 2, 'extra-label'],
      [2, 2, 'extra-cell'],
    ],
    equal: [[null, 2, 'extra-label']],
    superset: [[null, 2, 'extra-label']],
    subset: [],
    partial: [],
  }),
  ...fieldsMatch('test_resource_validate_fields_match_missing_field', ['name', 'id', 'extra'], {
    exact: [
      [null, 3, 'missing-label', 'extra'],
      [2, 3, 'missing-cell', 'extra'],
    ],
    equal: [[null, 3, 'missing-label', 'extra']],
    subset: [[null, 3, 'missing-label', 'extra']],
    superset: [],
    partial: [],
  }),
];
