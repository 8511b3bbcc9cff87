import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { loadTableSchema, tableSchemaFrom } from '../../shared/schema/table-schema.js';
import type { FindingCode } from '../../shared/validation/findings.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
let counter = 0;

async function file(content: string | Buffer, extension = '.csv'): Promise<string> {
  const path = join(dir, `data-${++counter}${extension}`);
  await writeFile(path, content);
  return path;
}

function schema(fields: unknown[], extra: Record<string, unknown> = {}) {
  return tableSchemaFrom({ fields, ...extra }, 'schema.yaml');
}

async function validate(content: string | Buffer, fields: unknown[], extra: Record<string, unknown> = {}, extension = '.csv') {
  const path = await file(content, extension);
  return validateFiles([{ path, format: extension.startsWith('.tsv') ? 'tsv' : 'csv' }], await schema(fields, extra), 100);
}

const codes = (result: { findings: { code: FindingCode; line?: number }[] }) => result.findings.map((f) => `${f.code}@${f.line ?? '-'}`);

describe('validateFiles', () => {
  it('passes valid data and counts rows', async () => {
    const result = await validate('id,name\n1,a\n2,b\n', [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }]);
    expect(result).toMatchObject({ rows: 2, errors: 0, warnings: 0, findings: [] });
  });

  it.each([
    ['required', { required: true }, 'x\n1\n\n', 'constraint-error'],
    ['minimum', { minimum: 5 }, 'x\n4\n', 'constraint-error'],
    ['maximum', { maximum: 5 }, 'x\n6\n', 'constraint-error'],
    ['exclusiveMinimum', { exclusiveMinimum: 5 }, 'x\n5\n', 'constraint-error'],
    ['exclusiveMaximum', { exclusiveMaximum: 5 }, 'x\n5\n', 'constraint-error'],
    ['enum', { enum: [1, 2] }, 'x\n3\n', 'constraint-error'],
    ['unique', { unique: true }, 'x\n1\n1\n', 'unique-error'],
  ])('reports a broken %s constraint', async (_name, constraints, data, code) => {
    const result = await validate(data, [{ name: 'x', type: 'integer', constraints }]);
    expect(result.findings.map((f) => f.code)).toEqual([code]);
    expect(result.errors).toBe(1);
  });

  it.each([
    ['minLength', { minLength: 3 }, 'ab'],
    ['maxLength', { maxLength: 1 }, 'ab'],
    ['pattern', { pattern: '[a-z]+\\d' }, 'ab'],
  ])('reports a broken %s constraint on strings', async (_name, constraints, value) => {
    const result = await validate(`s\n${value}\n`, [{ name: 's', type: 'string', constraints }]);
    expect(result.findings).toMatchObject([{ code: 'constraint-error', line: 2, row: 1, field: 's', value }]);
  });

  it('compares date bounds as dates', async () => {
    const result = await validate('d\n2018-12-31\n2019-01-01\n', [{ name: 'd', type: 'date', constraints: { minimum: '2019-01-01' } }]);
    expect(codes(result)).toEqual(['constraint-error@2']);
  });

  it('checks categories', async () => {
    const result = await validate('c\nred\nblue\n', [{ name: 'c', type: 'string', categories: ['red', { value: 'green' }] }]);
    expect(codes(result)).toEqual(['constraint-error@3']);
  });

  it('honours missingValues', async () => {
    const result = await validate('x\nNA\n', [{ name: 'x', type: 'integer', constraints: { required: true } }], { missingValues: ['NA'] });
    expect(result.findings[0]?.message).toContain('required but empty');
  });

  it('reports type errors with row, file line, field and value', async () => {
    const result = await validate('id\n1\nabc\n', [{ name: 'id', type: 'integer' }]);
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'type-error', level: 'error', row: 2, line: 3, field: 'id', value: 'abc', expected: 'an integer' }),
    ]);
  });

  it('counts file lines across quoted newlines and blank lines', async () => {
    const result = await validate('id,note\n1,"two\nlines"\n\n2,x\nz,y\n', [{ name: 'id', type: 'integer' }, { name: 'note', type: 'string' }]);
    expect(codes(result)).toEqual(['blank-row@4', 'type-error@6']);
    expect(result.rows).toBe(4);
  });

  it('reports an empty line as a blank row, but not the newline that ends the file', async () => {
    expect(codes(await validate('a,b\n1,2\n\n3,4\n', [{ name: 'a' }, { name: 'b' }]))).toEqual(['blank-row@3']);
    expect(codes(await validate('a,b\r\n1,2\r\n', [{ name: 'a' }, { name: 'b' }]))).toEqual([]);
  });

  it('reads a file of many stream chunks without inventing or losing rows', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},${'v'.repeat(i % 7)}`);
    const result = await validate(`id,v\n${rows.join('\n')}\n`, [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'v' }]);
    expect(result).toMatchObject({ rows: 100_000, errors: 0, warnings: 0 });
  });

  it('reads a one-column empty line as an empty cell', async () => {
    expect(codes(await validate('x\n1\n\n2\n', [{ name: 'x', type: 'integer', constraints: { required: true } }]))).toEqual(['constraint-error@3']);
  });

  it('reports ragged rows', async () => {
    const result = await validate('a,b\n1\n1,2,3\n', [{ name: 'a' }, { name: 'b' }]);
    expect(codes(result)).toEqual(['missing-cell@2', 'extra-cell@3']);
  });

  it('reports bad quoting as a source error on its line', async () => {
    const result = await validate('a,b\n1,2\n3,"unterminated\n', [{ name: 'a' }, { name: 'b' }]);
    expect(codes(result)).toContain('source-error@3');
  });

  it('applies fieldsMatch', async () => {
    const fields = [{ name: 'a' }, { name: 'b' }];
    expect(codes(await validate('b,a\n1,2\n', fields))).toEqual(['missing-label@1']);
    expect(codes(await validate('b,a\n1,2\n', fields, { fieldsMatch: 'equal' }))).toEqual([]);
    expect(codes(await validate('a,b,c\n1,2,3\n', fields))).toEqual(['extra-label@1']);
    expect(codes(await validate('a,b,c\n1,2,3\n', fields, { fieldsMatch: 'superset' }))).toEqual([]);
    expect(codes(await validate('a\n1\n', fields, { fieldsMatch: 'superset' }))).toEqual([]);
    expect(codes(await validate('a\n1\n', fields, { fieldsMatch: 'subset' }))).toEqual(['missing-label@1']);
    expect(codes(await validate('c\n1\n', fields, { fieldsMatch: 'partial' }))).toEqual(['missing-label@1']);
  });

  it('reports duplicate and blank labels', async () => {
    expect(codes(await validate('a,a,\n1,2,3\n', [{ name: 'a' }], { fieldsMatch: 'partial' }))).toEqual(['duplicate-label@1', 'blank-label@1']);
  });

  it('keeps primary keys and unique keys unique across files', async () => {
    const fields = [{ name: 'id', type: 'integer' }, { name: 'k', type: 'string' }];
    const compiled = await schema(fields, { primaryKey: 'id', uniqueKeys: [['k']] });
    const first = await file('id,k\n1,a\n2,b\n');
    const second = await file('id,k\n2,c\n,b\n');
    const result = await validateFiles([{ path: first, format: 'csv' }, { path: second, format: 'csv' }], compiled, 100);
    expect(result.findings.map((f) => `${f.code}@${f.file === second ? 2 : 1}:${f.line}`)).toEqual(['primary-key@2:2', 'primary-key@2:3', 'unique-error@2:3']);
  });

  it('warns on a file with a header and no rows, and errors on an empty file', async () => {
    expect((await validate('a\n', [{ name: 'a' }])).findings).toMatchObject([{ code: 'empty-file', level: 'warning' }]);
    expect((await validate('', [{ name: 'a' }])).findings).toMatchObject([{ code: 'empty-file', level: 'error' }]);
  });

  it('reads TSV and gzip', async () => {
    const result = await validate(gzipSync('a\tb\n1\tx\n'), [{ name: 'a', type: 'integer' }, { name: 'b' }], {}, '.tsv.gz');
    expect(result).toMatchObject({ rows: 1, errors: 0 });
  });

  it('keeps the first max-errors findings but counts them all', async () => {
    const path = await file(`x\n${'a\n'.repeat(20)}`);
    const result = await validateFiles([{ path, format: 'csv' }], await schema([{ name: 'x', type: 'integer' }]), 5);
    expect(result).toMatchObject({ errors: 20, findingsDropped: 15 });
    expect(result.findings).toHaveLength(5);
  });

  it('refuses invalid UTF-8 with the byte offset, instead of replacing it', async () => {
    const path = await file(Buffer.concat([Buffer.from('a\nok\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    const error = await validateFiles([{ path, format: 'csv' }], await schema([{ name: 'a' }]), 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/is not valid UTF-8 text: invalid UTF-8 in the bytes from offset 0/);
  });

  it('refuses a truncated gzip file', async () => {
    const whole = gzipSync('a\n' + '1\n'.repeat(1000));
    const path = await file(whole.subarray(0, whole.length - 10), '.csv.gz');
    const error = await validateFiles([{ path, format: 'csv' }], await schema([{ name: 'a' }]), 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/not a complete gzip stream/);
  });
});

describe('table schema', () => {
  async function schemaError(text: string): Promise<string> {
    const path = join(dir, `schema-${++counter}.yaml`);
    await writeFile(path, text);
    const error = await loadTableSchema(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }

  it('rejects an invalid regex, naming the field', async () => {
    expect(await schemaError('fields:\n  - name: a\n    constraints: {pattern: "[a-"}\n')).toMatch(/"fields\[0\]\.constraints\.pattern": Invalid regular expression/);
  });

  it('rejects unknown keys, types and constraint values that do not fit the type', async () => {
    expect(await schemaError('fields:\n  - name: a\n    type: integer\n    constraints: {minimum: abc}\n')).toMatch(/"fields\[0\]\.constraints\.minimum": "abc" is not a valid integer/);
    expect(await schemaError('fields:\n  - name: a\n    type: text\n')).toMatch(/"fields\[0\]\.type" \(line 3\)/);
    expect(await schemaError('fields:\n  - name: a\n    type: string\n    constraints: {minimum: 1}\n')).toMatch(/type string has no order/);
    expect(await schemaError('fields:\n  - name: a\n    type: date\n    format: "%d/%m/%Y"\n')).toMatch(/format "%d\/%m\/%Y" is not supported for type date/);
  });

  it('rejects keys that name no field, and duplicate field names', async () => {
    expect(await schemaError('fields:\n  - name: a\nprimaryKey: b\n')).toMatch(/"primaryKey": "b" is not a field/);
    expect(await schemaError('fields:\n  - name: a\n  - name: a\n')).toMatch(/"fields\[1\]\.name": the field name "a" is used twice/);
  });
});
