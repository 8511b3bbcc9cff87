import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { loadTableSchema } from '../../shared/schema/table-schema.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
let counter = 0;

async function write(text: string, extension = '.yaml'): Promise<string> {
  const path = join(dir, `schema-${++counter}${extension}`);
  await writeFile(path, text);
  return path;
}

async function schemaError(text: string, extension = '.yaml'): Promise<string> {
  const error = await loadTableSchema(await write(text, extension)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('table schema: the descriptor is checked first, with errors that point into it', () => {
  it('rejects an invalid regex with its line', async () => {
    expect(await schemaError('fields:\n  - name: a\n    constraints: {pattern: "[a-"}\n')).toMatch(
      /"fields\[0\]\.constraints\.pattern" \(line 3\): field "a": not a valid regular expression \(RE2 syntax\): missing closing \]/,
    );
  });

  it('rejects unknown types, formats and constraints that do not fit the type', async () => {
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: integer\n    constraints: {minimum: abc}\n',
      ),
    ).toMatch(/"fields\[0\]\.constraints\.minimum" \(line 4\): "abc" is not a valid integer/);
    expect(await schemaError('fields:\n  - name: a\n    type: text\n')).toMatch(
      /"fields\[0\]\.type" \(line 3\)/,
    );
    expect(
      await schemaError('fields:\n  - name: a\n    type: string\n    constraints: {minimum: 1}\n'),
    ).toMatch(/type string has no order/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: integer\n    constraints: {maxLength: 1}\n',
      ),
    ).toMatch(/type integer has no length/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: integer\n    constraints: {pattern: "1"}\n',
      ),
    ).toMatch(/pattern applies to string fields only/);
    expect(
      await schemaError('fields:\n  - name: a\n    type: date\n    format: "%d/%Q/%Y"\n'),
    ).toMatch(/"fields\[0\]\.format" \(line 4\): "%Q" is not a strptime directive/);
    expect(
      await schemaError('fields:\n  - name: a\n    type: date\n    format: "%Y week %U"\n'),
    ).toMatch(/%U \(a week number\), which is not supported/);
    expect(
      await schemaError('fields:\n  - name: a\n    type: date\n    format: "invalid"\n'),
    ).toMatch(
      /format "invalid" is not supported for type date \(a date pattern needs % directives/,
    );
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: string\n    constraints: {jsonSchema: {type: object}}\n',
      ),
    ).toMatch(
      /"fields\[0\]\.constraints\.jsonSchema" \(line 4\): jsonSchema applies to object and array fields; this field is string/,
    );
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: object\n    constraints:\n      jsonSchema: {$ref: "https://example.com/s.json"}\n',
      ),
    ).toMatch(/jsonSchema is not a usable JSON Schema: .*example\.com.*not fetched/);
    expect(
      await schemaError('fields:\n  - name: a\n    type: string\n    arrayItem: {type: integer}\n'),
    ).toMatch(/"fields\[0\]\.arrayItem" \(line 4\): arrayItem applies to array fields/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: array\n    arrayItem:\n      type: integer\n      constraints: {minimum: x}\n',
      ),
    ).toMatch(
      /"fields\[0\]\.arrayItem\.constraints\.minimum" \(line 6\): "x" is not a valid integer/,
    );
  });

  it('rejects bounds that no value can meet, and enums outside the categories', async () => {
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: integer\n    constraints: {minimum: 5, maximum: 1}\n',
      ),
    ).toMatch(/lower bound is above the upper bound/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: string\n    constraints: {minLength: 5, maxLength: 1}\n',
      ),
    ).toMatch(/minLength 5 is above maxLength 1/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n    categories: [x, y]\n    constraints:\n      enum: [x, z]\n',
      ),
    ).toMatch(
      /"fields\[0\]\.constraints\.enum\[1\]" \(line 5\): "z" is not one of the field's categories/,
    );
  });

  it('rejects keys that name no field, duplicate field names and foreign keys', async () => {
    expect(await schemaError('fields:\n  - name: a\nprimaryKey: b\n')).toMatch(
      /"primaryKey" \(line 3\): "b" is not a field of the schema/,
    );
    expect(await schemaError('fields:\n  - name: a\nuniqueKeys: [[a, c]]\n')).toMatch(
      /"uniqueKeys\[0\]" \(line 3\): "c" is not a field/,
    );
    expect(await schemaError('fields:\n  - name: a\n  - name: a\n')).toMatch(
      /"fields\[1\]\.name" \(line 3\): the field name "a" is used twice/,
    );
    expect(
      await schemaError(
        'fields:\n  - name: a\nforeignKeys:\n  - fields: b\n    reference: {resource: other, fields: id}\n',
      ),
    ).toMatch(/"foreignKeys\[0\]\.fields" \(line 4\): "b" is not a field of the schema/);
    expect(
      await schemaError(
        'fields:\n  - name: a\n  - name: b\nforeignKeys:\n  - fields: [a, b]\n    reference: {resource: other, fields: id}\n',
      ),
    ).toMatch(/the foreign key has 2 field\(s\) but its reference 1/);
    expect(
      await schemaError(
        'fields:\n  - name: a\nforeignKeys:\n  - fields: a\n    reference: {resource: "", fields: parent}\n',
      ),
    ).toMatch(
      /"parent" is not a field of the schema \(a reference without "resource" points at this table\)/,
    );
  });

  it('checks the ml extensions', async () => {
    expect(
      await schemaError(
        'fields:\n  - name: a\n    type: string\n    ml: {stats: {mean: {min: 1}}}\n',
      ),
    ).toMatch(
      /"fields\[0\]\.ml\.stats" \(line 4\): statistic bounds apply to number and integer fields/,
    );
    expect(
      await schemaError('fields:\n  - name: a\n    type: integer\n    ml: {allowNaN: false}\n'),
    ).toMatch(/allowNaN applies to number fields only/);
    expect(await schemaError('fields:\n  - name: a\n    ml: {mostly: 1.5}\n')).toMatch(
      /"fields\[0\]\.ml\.mostly" \(line 3\): Too big/,
    );
    expect(await schemaError('fields:\n  - name: a\n    ml: {role: label}\n')).toMatch(
      /"fields\[0\]\.ml\.role" \(line 3\)/,
    );
    expect(
      await schemaError('fields:\n  - name: a\nml:\n  classBalance: {minRatio: 0.1}\n'),
    ).toMatch(
      /"ml\.classBalance" \(line 4\): class balance needs exactly one field with "ml: \{role: target\}"; the schema has 0/,
    );
  });

  it('accepts v1 descriptors (string primary key) and v2 ones in JSON, and knows where each field is defined', async () => {
    const v1 = await loadTableSchema(
      await write('{"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}', '.json'),
    );
    expect(v1.primaryKey).toEqual(['id']);
    const v2 = await loadTableSchema(
      await write(
        '$schema: https://datapackage.org/profiles/2.0/tableschema.json\nfields:\n  - name: a\n  - name: b\n    type: number\nml:\n  rowCount: {min: 1}\n',
      ),
    );
    expect(v2.fields.map((f) => [f.name, f.line])).toEqual([
      ['a', 3],
      ['b', 4],
    ]);
    expect(v2.mlLine).toBe(7);
  });
});

describe('table schema: open-world where the spec is', () => {
  it('keeps and ignores properties of its own on the schema, a field and its constraints', async () => {
    const schema = await loadTableSchema(
      await write(
        'fields:\n  - name: weight\n    type: number\n    unit: kg\n    constraints: {minimum: 0, x-note: fine}\nx-owner: data team\n',
      ),
    );
    expect(schema.fields[0]!.bounds.minimum).toBe(0);
    expect((schema.fields[0] as Record<string, unknown>).unit).toBe('kg');
    expect(schema.warnings).toEqual([]);
  });

  it('warns about likely typos of known keys, at their line', async () => {
    const schema = await loadTableSchema(
      await write(
        'fields:\n  - name: a\n    type: integer\n    constraints:\n      minimun: 1\n  - name: b\n    fromat: email\nprimarykey: a\n',
      ),
    );
    expect(schema.warnings.map((w) => [w.path.join('.'), w.line, w.message])).toEqual([
      ['primarykey', 8, expect.stringMatching(/did you mean "primaryKey"\?/)],
      [
        'fields.0.constraints.minimun',
        5,
        expect.stringMatching(/"minimun" .* did you mean "minimum"\?/),
      ],
      ['fields.1.fromat', 7, expect.stringMatching(/did you mean "format"\?/)],
    ]);
    expect(schema.fields[0]!.bounds.minimum).toBeUndefined();
  });

  it('reads v2 jsonSchema, arrayItem, strptime formats and foreign keys', async () => {
    const schema = await loadTableSchema(
      await write(
        JSON.stringify({
          fields: [
            { name: 'id', type: 'integer' },
            { name: 'parent', type: 'integer' },
            {
              name: 'meta',
              type: 'object',
              constraints: {
                jsonSchema: {
                  type: 'object',
                  properties: { a: { type: 'number' } },
                  required: ['a'],
                },
              },
            },
            {
              name: 'tags',
              type: 'array',
              arrayItem: { type: 'string', constraints: { enum: ['x', 'y'] } },
            },
            { name: 'day', type: 'date', format: '%d/%m/%Y' },
          ],
          foreignKeys: [{ fields: 'parent', reference: { resource: '', fields: 'id' } }],
        }),
        '.json',
      ),
    );
    const [, , meta, tags, day] = schema.fields;
    expect(meta!.jsonSchema!.check({ a: 1 })).toBeUndefined();
    expect(meta!.jsonSchema!.check({ b: 1 })).toMatch(/must have required property 'a'/);
    expect(tags!.itemField!.enumValues).toEqual(new Set(['x', 'y']));
    expect(day!.format).toBe('%d/%m/%Y');
    expect(schema.foreignKeys).toEqual([
      { fields: ['parent'], resource: undefined, referenceFields: ['id'], line: 1 },
    ]);
  });
});
