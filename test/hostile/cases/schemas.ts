/**
 * What issue 14 opened up in the schema input: JSON Schemas inside a field's constraints,
 * strptime date patterns, and Data Packages whose resources name files. A pull request writes
 * all of them, so each must end at once on hostile patterns, fetch nothing, and read nothing
 * outside the workspace.
 */
import type { HostileCase } from '../case.js';

const validate = (
  id: string,
  files: HostileCase['files'],
  schema: string,
  error: RegExp,
  data = '{dir}/data.csv',
): HostileCase => ({
  id,
  action: 'validate-data',
  files,
  inputs: { data, schema: `{dir}/${schema}` },
  expect: { error },
});

const pkg = (resource: Record<string, unknown>) =>
  JSON.stringify({
    resources: [{ name: 'r', schema: { fields: [{ name: 'a' }] }, ...resource }],
  });

export const cases: HostileCase[] = [
  // ajv would compile "pattern" to a backtracking RegExp: (a+)+$ on 40 a's and a "!" runs for hours.
  validate(
    'schema-jsonschema-redos',
    {
      'schema.json': JSON.stringify({
        fields: [
          {
            name: 'meta',
            type: 'object',
            constraints: {
              jsonSchema: { type: 'object', properties: { a: { pattern: '^(a+)+$' } } },
            },
          },
        ],
      }),
      'data.csv': `meta\n"{""a"": ""aaa""}"\n"{""a"": ""${'a'.repeat(40)}!""}"\n`,
    },
    'schema.json',
    /^hostile\/schema-jsonschema-redos\/data\.csv:3: Row 2: field "meta" breaks jsonSchema \(\/a must match pattern/,
  ),
  // Python's strptime builds a backtracking regex: sixty %d against a run of digits never ends there.
  validate(
    'schema-strptime-many-days',
    {
      'schema.yaml': `fields:\n  - name: day\n    type: date\n    format: "${'%d'.repeat(60)}x"\n`,
      'data.csv': `day\n${'1'.repeat(3000)}\n`,
    },
    'schema.yaml',
    /^hostile\/schema-strptime-many-days\/data\.csv:2: Row 1: field "day" should be a date in the format/,
  ),
  validate(
    'schema-jsonschema-remote-ref',
    {
      'schema.yaml':
        'fields:\n  - name: meta\n    type: object\n    constraints:\n      jsonSchema: {$ref: "https://example.com/schema.json"}\n',
      'data.csv': 'meta\n{}\n',
    },
    'schema.yaml',
    /"fields\[0\]\.constraints\.jsonSchema" \(line 5\): jsonSchema is not a usable JSON Schema: .*not fetched/,
  ),
  validate(
    'package-path-escape',
    { 'datapackage.json': pkg({ path: '../../../outside.csv' }), 'data.csv': 'a\n1\n' },
    'datapackage.json',
    /data file of resource "r" "\.\.\/\.\.\/\.\.\/outside\.csv" is outside the workspace/,
  ),
  validate(
    'package-path-symlink',
    {
      'datapackage.json': pkg({ path: 'link/secret.csv' }),
      link: { symlink: '{outside}' },
      'data.csv': 'a\n1\n',
    },
    'datapackage.json',
    /data file of resource "r" "link\/secret\.csv" is outside the workspace \(through a symbolic link/,
  ),
  validate(
    'package-path-remote',
    { 'datapackage.json': pkg({ path: 'https://example.com/data.csv' }), 'data.csv': 'a\n1\n' },
    'datapackage.json',
    /has the remote path "https:\/\/example\.com\/data\.csv": nothing is downloaded/,
  ),
  validate(
    'package-schema-escape',
    {
      'datapackage.json': pkg({ path: 'data.csv', schema: '../../../schema.json' }),
      'data.csv': 'a\n1\n',
    },
    'datapackage.json',
    /schema file of resource "r" "\.\.\/\.\.\/\.\.\/schema\.json" is outside the workspace/,
  ),
];
