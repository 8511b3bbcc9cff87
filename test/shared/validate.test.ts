import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DataFormat } from '../../shared/data/records.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { FINDING_CODES, type FindingCode } from '../../shared/validation/findings.js';
import { validateFiles, type ValidationResult } from '../../shared/validation/validate.js';
import { writeParquet } from '../helpers/data-files.js';
import { MONEY_ROWS, writeDecimalParquet } from '../helpers/decimal-parquet.js';
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

const FORMAT_OF: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.jsonl': 'jsonl',
  '.parquet': 'parquet',
};

async function validate(
  content: string | Buffer,
  fields: unknown[],
  extra: Record<string, unknown> = {},
  extension = '.csv',
) {
  const path = await file(content, extension);
  const format = FORMAT_OF[extension.replace(/\.gz$/, '')]!;
  return validateFiles([{ path, format }], await schema(fields, extra), 100);
}

const codes = (result: ValidationResult) =>
  result.findings.map((f) => `${f.code}@${f.line ?? '-'}`);
const seen = new Set<FindingCode>();
const expectCodes = (result: ValidationResult, expected: string[]) => {
  expect(codes(result)).toEqual(expected);
  result.findings.forEach((f) => seen.add(f.code));
};

describe('validateFiles: cells', () => {
  it('passes valid data and counts rows', async () => {
    const result = await validate('id,name\n1,a\n2,b\n', [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string' },
    ]);
    expect(result).toMatchObject({ rows: 2, errors: 0, warnings: 0, findings: [] });
  });

  it.each([
    ['required', 'integer', { required: true }, 'x\n1\n\n', 'a value'],
    ['minimum', 'integer', { minimum: 5 }, 'x\n5\n4\n', '≥ 5'],
    ['maximum', 'integer', { maximum: 5 }, 'x\n5\n6\n', '≤ 5'],
    ['exclusiveMinimum', 'number', { exclusiveMinimum: 5 }, 'x\n5.1\n5\n', '> 5'],
    ['exclusiveMaximum', 'number', { exclusiveMaximum: 5 }, 'x\n4.9\n5\n', '< 5'],
    ['minLength', 'string', { minLength: 3 }, 'x\nabc\nab\n', 'length ≥ 3'],
    ['maxLength', 'string', { maxLength: 2 }, 'x\nab\nabc\n', 'length ≤ 2'],
    ['pattern', 'string', { pattern: '[a-z]+\\d' }, 'x\nab1\nab\n', 'to match [a-z]+\\d'],
    ['enum', 'integer', { enum: [1, 2] }, 'x\n2\n3\n', 'one of 1, 2'],
  ])(
    'reports a broken %s constraint at its row, line, field and value',
    async (constraint, type, constraints, data, expected) => {
      const result = await validate(data, [{ name: 'x', type, constraints }]);
      const row = data.split('\n').length - 2;
      expect(result.findings).toEqual([
        expect.objectContaining({
          code: 'constraint-error',
          constraint,
          scope: 'cell',
          level: 'error',
          row,
          line: row + 1,
          field: 'x',
          expected,
        }),
      ]);
      expect(result.errors).toBe(1);
      seen.add('constraint-error');
    },
  );

  it('counts lengths in characters, not UTF-16 units, and checks lengths of arrays', async () => {
    expectCodes(
      await validate('x\n😀😀\n', [{ name: 'x', constraints: { maxLength: 2 }, type: 'string' }]),
      [],
    );
    expectCodes(
      await validate('x\n"[1,2,3]"\n', [
        { name: 'x', type: 'array', constraints: { maxLength: 2 } },
      ]),
      ['constraint-error@2'],
    );
  });

  it('compares date, datetime, time, year, yearmonth and duration bounds in their own order', async () => {
    const cases: [string, unknown, string, string][] = [
      ['date', '2019-01-01', '2018-12-31', '2019-01-01'],
      ['datetime', '2019-01-01T00:00:00Z', '2018-12-31T23:59:59Z', '2019-01-01T00:00:00Z'],
      ['time', '08:00:00', '07:59:59', '08:00:00'],
      ['year', 2000, '1999', '2000'],
      ['yearmonth', '2000-02', '2000-01', '2000-02'],
      ['duration', 'P1D', 'PT23H', 'P1DT1H'],
    ];
    for (const [type, minimum, below, ok] of cases) {
      expectCodes(
        await validate(`d\n${below}\n${ok}\n`, [{ name: 'd', type, constraints: { minimum } }]),
        ['constraint-error@2'],
      );
    }
  });

  it('checks categories, plain and labelled', async () => {
    const result = await validate('c\nred\nblue\n', [
      { name: 'c', type: 'string', categories: ['red', { value: 'green', label: 'Green' }] },
    ]);
    expect(result.findings).toMatchObject([
      { code: 'constraint-error', constraint: 'categories', line: 3, observed: 'blue' },
    ]);
  });

  it('honours schema and field missingValues, v2 labelled ones included', async () => {
    expect(
      (
        await validate(
          'x\nNA\n',
          [{ name: 'x', type: 'integer', constraints: { required: true } }],
          { missingValues: ['NA'] },
        )
      ).findings[0]?.message,
    ).toContain('required but empty');
    expectCodes(
      await validate('x\n-\n', [
        { name: 'x', type: 'integer', missingValues: [{ value: '-', label: 'not asked' }] },
      ]),
      [],
    );
    expectCodes(await validate('x\n\n', [{ name: 'x', type: 'string', missingValues: [] }]), []);
  });

  it('reports type errors with row, file line, field, observed and expected value', async () => {
    const result = await validate('id\n1\nabc\n', [{ name: 'id', type: 'integer' }]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'type-error',
        level: 'error',
        scope: 'cell',
        row: 2,
        line: 3,
        field: 'id',
        observed: 'abc',
        expected: 'an integer',
      }),
    ]);
    seen.add('type-error');
  });

  it('reads a Parquet null as a missing value whatever missingValues says', async () => {
    const path = await writeParquet(join(dir, 'nulls.parquet'), {
      columns: ['x'],
      rows: [[1], [null]],
      parquetTypes: { x: 'INT32' },
    });
    const result = await validateFiles(
      [{ path, format: 'parquet' }],
      await schema([{ name: 'x', type: 'integer', constraints: { required: true } }], {
        missingValues: ['NA'],
      }),
      10,
    );
    expect(result.findings).toMatchObject([
      { code: 'constraint-error', constraint: 'required', row: 2, observed: 'null' },
    ]);
    expect(result.profile.columns[0]).toMatchObject({ nulls: 1, invalid: 0 });
  });

  it('compares a Parquet DECIMAL as the decimal it is: 99.99 is within maximum 99.99, in the profile too', async () => {
    const path = writeDecimalParquet(join(dir, 'money.parquet'), MONEY_ROWS);
    const money = await schema([
      { name: 'amount', type: 'number', constraints: { maximum: 99.99, minimum: -123.45 } },
      { name: 'wide', type: 'number', constraints: { maximum: 99.99 } },
    ]);
    const result = await validateFiles([{ path, format: 'parquet' }], money, 10);
    expect(result.findings).toEqual([]);
    expect(result.profile.columns[0]).toMatchObject({ min: -123.45, max: 99.99 });
    expect(result.profile.columns[0]!.quantiles!.values.at(-1)).toBe(99.99);
    // One unit of the 20th decimal past the bound is past it, though its nearest double is 99.99.
    const past = writeDecimalParquet(join(dir, 'money-past.parquet'), [
      { amount: 10000n, wide: 9999n * 10n ** 18n + 1n },
    ]);
    const over = await validateFiles([{ path: past, format: 'parquet' }], money, 10);
    expect(over.findings.map((f) => [f.field, f.constraint, f.observed])).toEqual([
      ['amount', 'maximum', '100'],
      ['wide', 'maximum', '99.99000000000000000001'],
    ]);
    // The same in CSV text, and the bound itself still passes.
    expectCodes(
      await validate('x\n99.99000000000000000001\n99.990\n-0.000000000000000000001\n', [
        { name: 'x', type: 'number', constraints: { maximum: 99.99, minimum: 0 } },
      ]),
      ['constraint-error@2', 'constraint-error@4'],
    );
  });

  it('reports a repeated value in a unique field', async () => {
    expectCodes(
      await validate('x\n1\n2\n1\n', [
        { name: 'x', type: 'integer', constraints: { unique: true } },
      ]),
      ['unique-error@4'],
    );
  });

  it('bans NaN and infinities only where ml says so', async () => {
    const data = 'x\n1\nNaN\nINF\n-inf\n';
    expectCodes(await validate(data, [{ name: 'x', type: 'number' }]), []);
    expectCodes(
      await validate(data, [
        { name: 'x', type: 'number', ml: { allowNaN: false, allowInf: false } },
      ]),
      ['nan-value@3', 'inf-value@4', 'inf-value@5'],
    );
  });

  it("turns a field's findings into warnings with ml.severity", async () => {
    const result = await validate('x\n-1\n', [
      { name: 'x', type: 'integer', constraints: { minimum: 0 }, ml: { severity: 'warning' } },
    ]);
    expect(result).toMatchObject({
      errors: 0,
      warnings: 1,
      findings: [{ code: 'constraint-error', level: 'warning' }],
    });
  });
});

describe('validateFiles: rows and headers', () => {
  it('counts file lines across quoted newlines and blank lines', async () => {
    const result = await validate('id,note\n1,"two\nlines"\n\n2,x\nz,y\n', [
      { name: 'id', type: 'integer' },
      { name: 'note', type: 'string' },
    ]);
    expectCodes(result, ['blank-row@4', 'type-error@6']);
    expect(result.rows).toBe(4);
  });

  it('reports an empty line as a blank row, but not the newline that ends the file', async () => {
    expectCodes(await validate('a,b\n1,2\n\n3,4\n', [{ name: 'a' }, { name: 'b' }]), [
      'blank-row@3',
    ]);
    expectCodes(await validate('a,b\r\n1,2\r\n', [{ name: 'a' }, { name: 'b' }]), []);
  });

  it('reads a file of many stream chunks without inventing or losing rows, reporting progress', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},${'v'.repeat(i % 7)}`);
    const path = await file(`id,v\n${rows.join('\n')}\n`);
    const progress: number[] = [];
    const compiled = await schema([
      { name: 'id', type: 'integer', constraints: { unique: true } },
      { name: 'v' },
    ]);
    const result = await validateFiles([{ path, format: 'csv' }], compiled, {
      maxFindings: 10,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p.rows),
    });
    expect(result).toMatchObject({ rows: 100_000, errors: 0, warnings: 0 });
    expect(progress).toEqual([16_384, 32_768, 49_152, 65_536, 81_920, 98_304]);
  });

  it('reads a one-column empty line as an empty cell', async () => {
    expectCodes(
      await validate('x\n1\n\n2\n', [
        { name: 'x', type: 'integer', constraints: { required: true } },
      ]),
      ['constraint-error@3'],
    );
  });

  it('reports ragged rows', async () => {
    expectCodes(await validate('a,b\n1\n1,2,3\n', [{ name: 'a' }, { name: 'b' }]), [
      'missing-cell@2',
      'extra-cell@3',
    ]);
  });

  it('reports one missing-cell or extra-cell per cell, with its field name and number (frictionless invalid.csv)', async () => {
    const fields = ['a', 'b', 'c', 'd'].map((name) => ({ name }));
    const result = await validate('a,b,c,d\n1,x\n,,,\n2,y,1,2,3,4\n', fields);
    expect(
      result.findings.map((f) => [f.line ?? null, f.fieldNumber ?? null, f.code, f.field ?? null]),
    ).toEqual([
      [2, 3, 'missing-cell', 'c'],
      [2, 4, 'missing-cell', 'd'],
      [3, null, 'blank-row', null],
      [4, 5, 'extra-cell', null],
      [4, 6, 'extra-cell', null],
    ]);
  });

  it('reports at most 100 extra or missing cells of a row one by one, and counts the rest in one finding', async () => {
    const path = await file(`a,b\n1,2${',x'.repeat(1000)}\n`);
    const fields = [{ name: 'a' }, { name: 'b' }];
    const result = await validateFiles([{ path, format: 'csv' }], await schema(fields), 1000);
    expect(result.findings).toHaveLength(101);
    expect(result.findings[99]).toMatchObject({ code: 'extra-cell', fieldNumber: 102 });
    expect(result.findings.at(-1)).toMatchObject({ code: 'extra-cell', count: 900, line: 2 });
  });

  it('reports a row of empty cells as one blank-row in place of its other findings', async () => {
    const fields = [
      { name: 'a', type: 'integer', constraints: { required: true } },
      { name: 'b', type: 'integer' },
    ];
    expectCodes(await validate('a,b\n1,2\n,\nNA,\n', fields, { missingValues: ['', 'NA'] }), [
      'blank-row@3',
      'blank-row@4',
    ]);
    // A row with one value is not blank: its required empty cell is reported.
    expectCodes(await validate('a,b\n,2\n', fields), ['constraint-error@2']);
  });

  it('reports an all-null JSON Lines object or Parquet row as a blank-row', async () => {
    const fields = [
      { name: 'a', type: 'integer', constraints: { required: true } },
      { name: 'b', type: 'string' },
    ];
    expectCodes(
      await validate('{"a": 1, "b": "x"}\n{}\n{"a": null, "b": null}\n', fields, {}, '.jsonl'),
      ['blank-row@2', 'blank-row@3'],
    );
    const path = await writeParquet(join(dir, 'blank.parquet'), {
      columns: ['a', 'b'],
      rows: [
        [1, 'x'],
        [null, null],
      ],
      parquetTypes: { a: 'INT32', b: 'STRING' },
    });
    const parquet = await validateFiles([{ path, format: 'parquet' }], await schema(fields), 10);
    expect(parquet.findings.map((f) => [f.code, f.row])).toEqual([['blank-row', 2]]);
  });

  it('reports a required field without a column as frictionless does: per row under exact, once otherwise', async () => {
    const fields = [{ name: 'a' }, { name: 'b', constraints: { required: true } }];
    const exact = await validate('a\n1\n2\n', fields);
    expect(exact.findings.map((f) => [f.line ?? null, f.fieldNumber, f.code, f.field])).toEqual([
      [1, 2, 'missing-label', 'b'],
      [2, 2, 'missing-cell', 'b'],
      [2, 2, 'constraint-error', 'b'],
      [3, 2, 'missing-cell', 'b'],
      [3, 2, 'constraint-error', 'b'],
    ]);
    const partial = await validate('a\n1\n2\n', fields, { fieldsMatch: 'partial' });
    expect(partial.findings.map((f) => [f.fieldNumber, f.code, f.field])).toEqual([
      [2, 'missing-label', 'b'],
    ]);
  });

  it('puts the field number of its column on cell and label findings', async () => {
    const result = await validate(
      'name,id\nx,1\ny,oops\nz,1\n',
      [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'name', constraints: { maxLength: 0 } },
      ],
      { fieldsMatch: 'equal' },
    );
    const byCode = (code: string) =>
      result.findings.filter((f) => f.code === code).map((f) => [f.field, f.fieldNumber]);
    expect(byCode('type-error')).toEqual([['id', 2]]);
    expect(byCode('unique-error')).toEqual([['id', 2]]);
    expect(byCode('constraint-error')[0]).toEqual(['name', 1]);
  });

  it('reports bad quoting as a source error on its line', async () => {
    expect(
      codes(await validate('a,b\n1,2\n3,"unterminated\n', [{ name: 'a' }, { name: 'b' }])),
    ).toContain('source-error@3');
    seen.add('source-error');
  });

  it('reads the dialect it is given', async () => {
    const path = await file("a;b\n1;'x;y'\n");
    const result = await validateFiles(
      [{ path, format: 'csv' }],
      await schema([
        { name: 'a', type: 'integer' },
        { name: 'b', constraints: { enum: ['x;y'] } },
      ]),
      { maxFindings: 10, dialect: { delimiter: ';', quoteChar: "'" } },
    );
    expectCodes(result, []);
    expect(result.rows).toBe(1);
  });

  it('applies fieldsMatch', async () => {
    const fields = [{ name: 'a' }, { name: 'b' }];
    // exact maps by position: each misplaced label is reported, and its column checked as the field in its place.
    const swapped = await validate('b,a\nx,2\n', [{ name: 'a', type: 'integer' }, { name: 'b' }]);
    expectCodes(swapped, ['incorrect-label@1', 'incorrect-label@1', 'type-error@2']);
    expect(swapped.findings[2]).toMatchObject({ field: 'a', observed: 'x' });
    // exact, as frictionless: a field without a column is also a missing cell in every row, a column past the fields an extra cell.
    expectCodes(await validate('a\n1\n2\n', fields), [
      'missing-label@1',
      'missing-cell@2',
      'missing-cell@3',
    ]);
    expectCodes(await validate('b,a\n1,2\n', fields, { fieldsMatch: 'equal' }), []);
    expectCodes(await validate('a,b,c\n1,2,3\n', fields), ['extra-label@1', 'extra-cell@2']);
    expectCodes(await validate('a,b,c\n1,2,3\n', fields, { fieldsMatch: 'equal' }), [
      'extra-label@1',
    ]);
    // subset: the data has every schema field and MAY have more; superset: only schema fields, MAY have fewer.
    expectCodes(await validate('a,b,c\n1,2,3\n', fields, { fieldsMatch: 'subset' }), []);
    expectCodes(await validate('a,b,c\n1,2,3\n', fields, { fieldsMatch: 'superset' }), [
      'extra-label@1',
    ]);
    expectCodes(await validate('a\n1\n', fields, { fieldsMatch: 'superset' }), []);
    expectCodes(await validate('a\n1\n', fields, { fieldsMatch: 'subset' }), ['missing-label@1']);
    expectCodes(
      await validate('a\n1\n', [{ name: 'a' }, { name: 'b', constraints: { required: true } }], {
        fieldsMatch: 'superset',
      }),
      ['missing-label@1'],
    );
    expectCodes(await validate('a,c\n1,2\n', fields, { fieldsMatch: 'partial' }), []);
    expectCodes(await validate('c\n1\n', fields, { fieldsMatch: 'partial' }), [
      'unmatched-header@1',
    ]);
  });

  it('reports duplicate and blank labels', async () => {
    expectCodes(await validate('a,a,\n1,2,3\n', [{ name: 'a' }], { fieldsMatch: 'partial' }), [
      'duplicate-label@1',
      'blank-label@1',
    ]);
  });

  it('keeps primary keys and unique keys unique across files; a unique key with a missing part is not compared', async () => {
    const fields = [
      { name: 'id', type: 'integer' },
      { name: 'k', type: 'string' },
    ];
    const compiled = await schema(fields, { primaryKey: 'id', uniqueKeys: [['k']] });
    const first = await file('id,k\n1,a\n2,b\n');
    const second = await file('id,k\n2,c\n,b\n3,\n4,\n');
    const result = await validateFiles(
      [
        { path: first, format: 'csv' },
        { path: second, format: 'csv' },
      ],
      compiled,
      100,
    );
    expect(result.findings.map((f) => `${f.code}@${f.file === second ? 2 : 1}:${f.line}`)).toEqual([
      'primary-key@2:2',
      'primary-key@2:3',
      'unique-key@2:3',
    ]);
    result.findings.forEach((f) => seen.add(f.code));
  });

  it('checks a foreign key into the same table across its files, a later parent too; an all-missing key is not checked', async () => {
    const fields = [
      { name: 'id', type: 'integer' },
      { name: 'parent', type: 'integer' },
    ];
    const compiled = await schema(fields, {
      foreignKeys: [{ fields: 'parent', reference: { resource: '', fields: 'id' } }],
    });
    const first = await file('id,parent\n1,\n2,3\n');
    const second = await file('id,parent\n3,1\n4,9\n');
    const result = await validateFiles(
      [
        { path: first, format: 'csv' },
        { path: second, format: 'csv' },
      ],
      compiled,
      100,
    );
    expect(
      result.findings.map((f) => [f.code, f.file === second ? 2 : 1, f.row, f.line, f.observed]),
    ).toEqual([['foreign-key', 2, 2, 3, '9']]);
    expect(result.files.map((f) => f.errors)).toEqual([0, 1]);
    result.findings.forEach((f) => seen.add(f.code));
  });

  it('warns on a file with a header and no rows, and errors on an empty file', async () => {
    expect((await validate('a\n', [{ name: 'a' }])).findings).toMatchObject([
      { code: 'empty-file', level: 'warning', scope: 'file' },
    ]);
    expect((await validate('', [{ name: 'a' }])).findings).toMatchObject([
      { code: 'empty-file', level: 'error' },
    ]);
    seen.add('empty-file');
  });

  it('reads TSV and gzip', async () => {
    const result = await validate(
      gzipSync('a\tb\n1\tx\n'),
      [{ name: 'a', type: 'integer' }, { name: 'b' }],
      {},
      '.tsv.gz',
    );
    expect(result).toMatchObject({ rows: 1, errors: 0 });
  });

  it('keeps the first max-errors findings but counts them all, and groups them by kind', async () => {
    const path = await file(`x\n${'a\n'.repeat(20)}`);
    const result = await validateFiles(
      [{ path, format: 'csv' }],
      await schema([{ name: 'x', type: 'integer' }]),
      5,
    );
    expect(result).toMatchObject({ errors: 20, findingsDropped: 15 });
    expect(result.findings).toHaveLength(5);
    expect(result.groups).toMatchObject([
      { code: 'type-error', field: 'x', count: 20, first: { line: 2 } },
    ]);
  });
});

describe('validateFiles: unreadable files are findings with their location, never crashes', () => {
  it('reports invalid UTF-8 with its line and byte offset, and goes on with the next file', async () => {
    const bad = await file(
      Buffer.concat([
        Buffer.from('a\nok\nfine\n'),
        Buffer.from([0x66, 0xff, 0xfe]),
        Buffer.from('\n'),
      ]),
    );
    const good = await file('a\nx\n');
    const result = await validateFiles(
      [
        { path: bad, format: 'csv' },
        { path: good, format: 'csv' },
      ],
      await schema([{ name: 'a' }]),
      10,
    );
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'encoding-error', scope: 'file', file: bad, line: 4 }),
    ]);
    expect(result.findings[0]!.message).toMatch(
      /not valid UTF-8 text: invalid UTF-8 at byte offset 11 \(line 4\)/,
    );
    expect(result.files.map((f) => f.rows)).toEqual([2, 1]);
    seen.add('encoding-error');
  });

  it('reports a truncated gzip file', async () => {
    const whole = gzipSync('a\n' + '1\n'.repeat(1000));
    const result = await validate(
      whole.subarray(0, whole.length - 10),
      [{ name: 'a' }],
      {},
      '.csv.gz',
    );
    expect(result.findings).toMatchObject([
      { code: 'compression-error', message: expect.stringMatching(/not a complete gzip stream/) },
    ]);
    seen.add('compression-error');
  });

  it('reports a corrupt Parquet file, whether its footer or its pages are broken', async () => {
    const notParquet = await validate('a,b\n1,2\n', [{ name: 'a' }], {}, '.parquet');
    expect(notParquet.findings).toMatchObject([
      {
        code: 'format-error',
        message: expect.stringMatching(/is not a readable Parquet file \(footer: /),
      },
    ]);
    const path = await writeParquet(join(dir, 'good.parquet'), {
      columns: ['a'],
      rows: Array.from({ length: 500 }, (_, i) => [`value ${i}`]),
    });
    const bytes = Buffer.from(await import('node:fs/promises').then((fs) => fs.readFile(path)));
    bytes.fill(0xff, 8, 300); // scribble over the first data page, keep the footer
    const broken = await validate(bytes, [{ name: 'a' }], {}, '.parquet');
    expect(broken.findings).toMatchObject([
      { code: 'format-error', message: expect.stringMatching(/row group 1, rows 1 to 500/) },
    ]);
    seen.add('format-error');
  });

  it('reports JSON Lines that are not objects, or not JSON, on their line', async () => {
    const result = await validate(
      '{"a":1}\n[1]\n{"a":\n"text"\n\n{"a":2,"b":3}\n',
      [{ name: 'a', type: 'integer' }],
      {},
      '.jsonl',
    );
    expectCodes(result, [
      'source-error@2',
      'source-error@3',
      'source-error@4',
      'blank-row@5',
      'extra-cell@6',
    ]);
    expect(result.findings.map((f) => f.message)).toEqual([
      'Row 2 could not be read: line 2 is a JSON array, not an object.',
      expect.stringMatching(/^Row 3 could not be read: line 3 is not valid JSON/),
      'Row 4 could not be read: line 4 is a JSON string, not an object.',
      'Row 5 is an empty line.',
      'Row 6 has keys the first object does not have: "b".',
    ]);
  });
});

describe('validateFiles: ml column and dataset checks', () => {
  const numbers = (values: (number | string)[]) => `x\n${values.join('\n')}\n`;

  it('lets a share of values fail with mostly, reporting one column finding at the first failure', async () => {
    const data = numbers([1, 2, 3, 4, 5, 6, 7, 8, 9, -1]);
    const field = (mostly: number) => [
      { name: 'x', type: 'integer', constraints: { minimum: 0 }, ml: { mostly } },
    ];
    expectCodes(await validate(data, field(0.9)), []);
    const result = await validate(data, field(0.95));
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'mostly-violated',
        scope: 'column',
        line: 11,
        row: 10,
        count: 1,
        observed: '90%',
        expected: '≥ 95% (mostly)',
        constraint: 'minimum',
      }),
    ]);
    seen.add('mostly-violated');
  });

  it('checks the share of missing values', async () => {
    const result = await validate(numbers([1, '', '', 4]), [
      { name: 'x', type: 'integer', ml: { nullFraction: { max: 0.25 } } },
    ]);
    expect(result.findings).toMatchObject([
      { code: 'null-fraction', observed: '50%', expected: '≤ 25%', file: 'schema.yaml' },
    ]);
    seen.add('null-fraction');
  });

  it('checks distinct counts and fractions', async () => {
    const data = numbers([1, 1, 2, 2]);
    expect(
      (await validate(data, [{ name: 'x', type: 'integer', ml: { distinctCount: { min: 3 } } }]))
        .findings,
    ).toMatchObject([{ code: 'distinct-count', observed: '2', expected: '≥ 3' }]);
    expect(
      (
        await validate(data, [
          { name: 'x', type: 'integer', ml: { distinctFraction: { min: 0.9 } } },
        ])
      ).findings,
    ).toMatchObject([{ code: 'distinct-fraction', observed: '0.5' }]);
    seen.add('distinct-count').add('distinct-fraction');
  });

  it('checks statistic bounds: mean, median, stdev, min, max and quantiles', async () => {
    const data = numbers([1, 2, 3, 4, 100]);
    const result = await validate(data, [
      {
        name: 'x',
        type: 'number',
        ml: {
          stats: {
            mean: { max: 10 },
            median: { min: 3, max: 3 },
            stdev: { max: 1 },
            min: { min: 1 },
            max: { max: 50 },
            quantiles: [
              { q: 0.25, min: 2, max: 2 },
              { q: 0.75, min: 5 },
            ],
          },
        },
      },
    ]);
    expect(result.findings.map((f) => `${f.constraint}=${f.observed}`)).toEqual([
      'mean=22',
      'stdev=43.6177',
      'max=100',
      'quantile 0.75=4',
    ]);
    seen.add('stat-out-of-range');
  });

  it('checks row counts, duplicate rows and class balance', async () => {
    const fields = [
      { name: 'x', type: 'integer' },
      { name: 'y', type: 'integer', categories: [0, 1, 2], ml: { role: 'target' } },
    ];
    const data = 'x,y\n1,0\n2,0\n1,0\n3,0\n4,1\n';
    const result = await validate(data, fields, {
      ml: {
        rowCount: { min: 10 },
        duplicateRows: { maxFraction: 0 },
        classBalance: { minRatio: 0.2 },
      },
    });
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'row-count',
        scope: 'dataset',
        observed: '5',
        expected: '≥ 10',
      }),
      expect.objectContaining({
        code: 'duplicate-row',
        line: 4,
        row: 3,
        count: 1,
        observed: '20%',
      }),
      expect.objectContaining({
        code: 'class-imbalance',
        field: 'y',
        observed: '0',
        message: expect.stringMatching(/the rarest class "2" has 0 rows against 4 for "0"/),
      }),
    ]);
    result.findings.forEach((f) => seen.add(f.code));
    expectCodes(
      await validate(data, fields, {
        ml: { duplicateRows: { maxFraction: 0.25 }, classBalance: { minRatio: 0.2 } },
      }),
      ['class-imbalance@1'],
    );
  });

  it('says when a uniqueness check reached its memory limit, and still catches repeats of the keys it kept', async () => {
    const path = await file(
      `id,k\n${Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n')}\n0,99\n`,
    );
    const compiled = await schema(
      [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'k', type: 'integer' },
      ],
      { primaryKey: ['k'], ml: { duplicateRows: {} } },
    );
    const result = await validateFiles([{ path, format: 'csv' }], compiled, {
      maxFindings: 10,
      uniqueLimit: 10,
    });
    expect(result.findings.map((f) => [f.code, f.level, f.constraint ?? '', f.line])).toEqual([
      ['unique-error', 'error', '', 32],
      ['check-limit', 'warning', 'unique', undefined],
      ['check-limit', 'warning', 'primary-key', 1],
      ['check-limit', 'warning', 'duplicateRows', 1],
    ]);
  });

  it('says when class balance cannot be counted exactly', async () => {
    const data = `y\n${Array.from({ length: 300 }, (_, i) => i).join('\n')}\n`;
    const result = await validate(data, [{ name: 'y', type: 'integer', ml: { role: 'target' } }], {
      ml: { classBalance: { minRatio: 0.1 } },
    });
    expect(result.findings).toMatchObject([
      { code: 'check-limit', level: 'warning', constraint: 'classBalance' },
    ]);
    seen.add('check-limit');
  });
});

describe('the error catalogue', () => {
  it('has a test for every finding code', () => {
    const untested = Object.keys(FINDING_CODES).filter((code) => !seen.has(code as FindingCode));
    expect(untested).toEqual([]);
  });
});
