import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { writeParquet } from '../helpers/data-files.js';
import { MONEY_ROWS, writeDecimalParquet } from '../helpers/decimal-parquet.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
const schema = 'examples/churn/schema.yaml';

describe('validate-data bundle', () => {
  it('validates the example data and sets every declared output', async () => {
    const result = await run('validate-data', job, {
      data: 'data/train.csv\ndata/eval.csv',
      schema,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('validate-data')).outputs).sort(),
    );
    expect(result.outputs).toMatchObject({
      valid: 'true',
      rows: '600',
      errors: '0',
      warnings: '0',
    });
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(report).toMatchObject({
      format: 'mlops-actions/validation-report@1',
      valid: true,
      rows: 600,
    });
    expect(result.summary).toContain('Data valid: 600 rows in 2 file(s)');
  });

  it('fails on bad rows with one annotation per kind at file and line, "+N more like this"', async () => {
    const lines = (await readFile(`${job.workspace}/data/eval.csv`, 'utf8')).trimEnd().split('\n');
    const broken = lines.map((line, index) =>
      index > 0 && index <= 15
        ? line.replace(/,(one-year|two-year|month-to-month),/, ',weekly,')
        : line,
    );
    await job.write('data/broken.csv', broken.join('\n') + '\n');
    const result = await run('validate-data', job, { data: 'data/broken.csv', schema });
    expectUserError(result, /Data validation found 15 error\(s\)/);
    const errors = result.annotations.filter(
      (a) => a.command === 'error' && a.properties.file === 'data/broken.csv',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toMatchObject({
      line: '2',
      title: 'constraint-error (enum): contract',
    });
    expect(errors[0]!.message).toMatch(/breaks enum .* \(\+14 more like this\)$/);
    expect(result.outputs).toMatchObject({ valid: 'false', errors: '15' });
    expect(result.summary).toContain('#### Findings');
    expect(result.summary).toMatch(
      /\| error \| constraint-error \(enum\) \| `contract` \| 15 \| `data\/broken.csv`:2 \|/,
    );
  });

  it('keeps to 10 error annotations, worst kinds first, the last one counting the rest', async () => {
    const header =
      'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned';
    const rows = [
      'x,1,20,one-year,0,2020-01-01,0',
      '0,1,20,one-year,0,2020-01-01,0',
      '3,x,20,one-year,0,2020-01-01,0',
      '4,99,20,one-year,0,2020-01-01,0',
      '5,1,x,one-year,0,2020-01-01,0',
      '6,1,1,one-year,0,2020-01-01,0',
      '7,1,20,weekly,0,2020-01-01,0',
      '8,1,20,one-year,x,2020-01-01,0',
      '9,1,20,one-year,99,2020-01-01,0',
      '10,1,20,one-year,0,x,0',
      '11,1,20,one-year,0,2000-01-01,0',
      '12,1,20,one-year,0,2020-01-01,x',
      '13,1,20,one-year,0,2020-01-01,7',
      '13,1,20,one-year,0,2020-01-01,0',
      '14,1,20,one-year,0,2020-01-01',
    ];
    await job.write('data/many-kinds.csv', [header, ...rows].join('\n') + '\n');
    const result = await run('validate-data', job, { data: 'data/many-kinds.csv', schema });
    const errors = result.annotations.filter((a) => a.command === 'error' && a.properties.file);
    expect(errors).toHaveLength(10);
    expect(
      errors.every(
        (e) =>
          (e.properties.file === 'data/many-kinds.csv' || e.properties.file === schema) &&
          Number(e.properties.line) > 1,
      ),
    ).toBe(true);
    // Dataset and column checks come first, pointing into the schema (its ml block, the
    // field's definition); then row problems before cell problems, the more frequent first.
    expect(
      errors.slice(0, 6).map((e) => [e.properties.title, e.properties.file, e.properties.line]),
    ).toEqual([
      ['row-count', schema, '8'],
      ['class-imbalance: churned', schema, '8'],
      ['stat-out-of-range (mean): monthly_charges', schema, '28'],
      ['stat-out-of-range (quantile 0.5): monthly_charges', schema, '28'],
      ['primary-key: customer_id', 'data/many-kinds.csv', '2'],
      ['missing-cell: churned', 'data/many-kinds.csv', '16'],
    ]);
    expect(errors[4]!.message).toMatch(/\(\+1 more like this\)$/);
    expect(errors[9]!.message).toMatch(
      /^\+\d+ more errors of \d+ other kinds \(the first: .*\); the full list is in the job summary/,
    );
    const counted = Number(/^\+(\d+) more errors/.exec(errors[9]!.message)![1]);
    const shown = errors
      .slice(0, 9)
      .reduce(
        (sum, e) => sum + 1 + Number(/\(\+(\d+) more like this\)$/.exec(e.message)?.[1] ?? 0),
        0,
      );
    expect(shown + counted).toBe(Number(result.outputs.errors));
  });

  it('validates JSON Lines and Parquet found by a glob, and writes the profile where asked', async () => {
    const csv = (await readFile(`${job.workspace}/data/train.csv`, 'utf8')).trimEnd().split('\n');
    const names = csv[0]!.split(',');
    const types = ['integer', 'integer', 'number', 'string', 'integer', 'string', 'integer'];
    const rows = csv
      .slice(1)
      .map((line) =>
        line.split(',').map((cell, i) => (types[i] === 'string' ? cell : Number(cell))),
      );
    await job.write(
      'shards/part-1.jsonl',
      rows
        .slice(0, 200)
        .map((row) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i]]))))
        .join('\n') + '\n',
    );
    await writeParquet(`${job.workspace}/shards/part-2.parquet`, {
      columns: names,
      rows: rows.slice(200) as (string | number)[][],
    });
    const result = await run('validate-data', job, {
      data: 'shards/part-*',
      schema,
      profile: 'out/profile.json',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({
      valid: 'true',
      rows: '400',
      profile: 'out/profile.json',
    });
    const profile = JSON.parse(await readFile(`${job.workspace}/out/profile.json`, 'utf8'));
    expect(profile).toMatchObject({
      format: 'mlops-actions/profile@1',
      rows: 400,
      sources: [
        { path: 'shards/part-1.jsonl', rows: 200 },
        { path: 'shards/part-2.parquet', rows: 200 },
      ],
    });
    expect(result.summary).toContain('#### Columns');
  });

  it('reports without failing when fail-on is never', async () => {
    const result = await run('validate-data', job, {
      data: 'data/broken.csv',
      schema,
      'fail-on': 'never',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.valid).toBe('false');
  });

  it('fails on warnings when fail-on is warning', async () => {
    await job.write(
      'data/header-only.csv',
      'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned\n',
    );
    const result = await run('validate-data', job, {
      data: 'data/header-only.csv',
      schema,
      'fail-on': 'warning',
    });
    expectUserError(result, /0 error\(s\) and 1 warning\(s\) \(fail-on: warning\)/);
  });

  it("keeps each step's report when two steps of one job validate different files", async () => {
    const train = await run('validate-data', job, { data: 'data/train.csv', schema });
    const evaluation = await run('validate-data', job, { data: 'data/eval.csv', schema });
    expect(train.outputs.report).not.toBe(evaluation.outputs.report);
    expect(JSON.parse(await readFile(train.outputs.report!, 'utf8')).rows).toBe(400);
    expect(JSON.parse(await readFile(evaluation.outputs.report!, 'utf8')).rows).toBe(200);
  });

  it('reads gzip-compressed data', async () => {
    await job.write(
      'data/train.csv.gz',
      gzipSync(await readFile(`${job.workspace}/data/train.csv`)),
    );
    const result = await run('validate-data', job, { data: 'data/train.csv.gz', schema });
    expect(result.outputs).toMatchObject({ valid: 'true', rows: '400' });
  });

  it('checks a large file in shards on worker threads, with every finding at its own row and line', async () => {
    // Past 16 MiB a CSV file is cut into shards that worker threads (running this same bundle) check.
    const contracts = ['month-to-month', 'one-year', 'two-year'];
    const rows: string[] = [
      'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned',
    ];
    for (let id = 1; id <= 450_000; id++) {
      const tenure = id === 400_000 ? 99 : id % 72;
      rows.push(
        `${id === 420_000 ? 5 : id},${tenure},${20 + (id % 90)}.5,${contracts[id % 3]},${id % 11},2020-0${1 + (id % 9)}-1${id % 10},${id % 3 === 0 ? 1 : 0}`,
      );
    }
    await job.write('data/large.csv', rows.join('\n') + '\n');
    const result = await run('validate-data', job, {
      data: 'data/large.csv',
      schema,
      'max-errors': '10',
    });
    expect(result.outputs).toMatchObject({ valid: 'false', rows: '450000', errors: '3' });
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(report.files[0].shards, JSON.stringify(report.files)).toBeGreaterThan(3);
    expect(
      report.findings.map((f: { code: string; row: number; line: number; field: string }) => [
        f.code,
        f.row,
        f.line,
        f.field,
      ]),
    ).toEqual([
      ['constraint-error', 400_000, 400_001, 'tenure_months'],
      ['unique-error', 420_000, 420_001, 'customer_id'],
      ['primary-key', 420_000, 420_001, 'customer_id'],
    ]);
  });

  it.each([
    [
      'a missing data file',
      { data: 'data/nope.csv', schema },
      /data file "data\/nope.csv" does not exist/,
    ],
    [
      'a missing schema file',
      { data: 'data/train.csv', schema: 'nope.yaml' },
      /schema file "nope.yaml" does not exist/,
    ],
    [
      'malformed YAML in the schema',
      { data: 'data/train.csv', schema: 'bad-schema.yaml' },
      /schema file "bad-schema.yaml" is not valid YAML at line 3/,
    ],
    [
      'an unknown format',
      { data: 'data/train.csv', schema, format: 'xlsx' },
      /input "format" must be one of auto, csv, tsv, jsonl, parquet; got "xlsx"/,
    ],
    [
      'a delimiter of two characters',
      { data: 'data/train.csv', schema, delimiter: ';;' },
      /input "delimiter" must be one character/,
    ],
    [
      'a glob that matches nothing',
      { data: 'data/*.xlsx', schema },
      /The data file pattern "data\/\*\.xlsx" matches no file/,
    ],
    [
      'an unknown extension',
      { data: 'examples/churn/config.json', schema },
      /Cannot tell the format of the data file "examples\/churn\/config.json"/,
    ],
    [
      'a missing required input',
      { data: 'data/train.csv' },
      /input "schema" is required but was not supplied/,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write('bad-schema.yaml', 'fields:\n  - name: a\n  type: string\n');
    expectUserError(await run('validate-data', job, inputs), pattern);
  });

  // Issue 14: valid Table Schemas that were refused, wrong answers, problems not found.
  const ISSUE_14_SCHEMA = {
    fields: [
      { name: 'id', type: 'integer', constraints: { minimun: 1 } },
      { name: 'weight', type: 'number', unit: 'kg', decimalChar: ',' },
      { name: 'day', type: 'date', format: '%d/%m/%Y' },
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
      { name: 'tags', type: 'array', arrayItem: { type: 'integer' } },
      { name: 'place', type: 'geopoint', format: 'object' },
    ],
  };
  const row = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
  const ISSUE_14_HEADER = 'id,weight,day,meta,tags,place';

  it('reads the valid schemas issue 14 lists: custom properties, jsonSchema, arrayItem, strptime formats, and warns on a typo', async () => {
    await job.write('issue14/schema.json', JSON.stringify(ISSUE_14_SCHEMA, null, 2));
    await job.write(
      'issue14/good.csv',
      [
        ISSUE_14_HEADER,
        row(['1', '1234,5', '31/12/2020', '{"a": 1}', '["1", 2]', '{"lon": 180, "lat": -90}']),
      ].join('\n') + '\n',
    );
    const result = await run('validate-data', job, {
      data: 'issue14/good.csv',
      schema: 'issue14/schema.json',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ valid: 'true', rows: '1', errors: '0' });
    const warnings = result.annotations.filter((a) => a.command === 'warning');
    expect(warnings.map((a) => [a.properties.file, a.properties.line, a.message])).toEqual([
      [
        'issue14/schema.json',
        '7',
        expect.stringMatching(/"minimun" is not a Table Schema key, .*did you mean "minimum"\?/),
      ],
    ]);
  });

  it('gives the right answers issue 14 lists: decimalChar "," refuses "1.234", geopoint object refuses an array, and the new checks bite', async () => {
    await job.write('issue14/schema.json', JSON.stringify(ISSUE_14_SCHEMA, null, 2));
    await job.write(
      'issue14/bad.csv',
      [
        ISSUE_14_HEADER,
        row(['1', '1.234', '31/12/2020', '{"a": 1}', '[]', '{"lon": 1, "lat": 2}']),
        row(['2', '1', '2020-12-31', '{"a": 1}', '[]', '{"lon": 1, "lat": 2}']),
        row(['3', '1', '31/12/2020', '{"b": 1}', '[]', '{"lon": 1, "lat": 2}']),
        row(['4', '1', '31/12/2020', '{"a": 1}', '["x"]', '{"lon": 1, "lat": 2}']),
        row(['5', '1', '31/12/2020', '{"a": 1}', '[]', '[180, -90]']),
      ].join('\n') + '\n',
    );
    const result = await run('validate-data', job, {
      data: 'issue14/bad.csv',
      schema: 'issue14/schema.json',
      'fail-on': 'never',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8')) as {
      findings: { code: string; row: number; field: string; constraint?: string }[];
    };
    expect(report.findings.map((f) => [f.row, f.code, f.field, f.constraint])).toEqual([
      [1, 'type-error', 'weight', undefined],
      [2, 'type-error', 'day', undefined],
      [3, 'constraint-error', 'meta', 'jsonSchema'],
      [4, 'type-error', 'tags', undefined],
      [5, 'type-error', 'place', undefined],
    ]);
    expect(result.outputs).toMatchObject({ valid: 'false', errors: '5' });
  });

  it('takes a Data Package as the schema and checks foreign keys across its resources', async () => {
    await job.write(
      'issue14/package/datapackage.json',
      JSON.stringify({
        name: 'shop',
        resources: [
          {
            name: 'customers',
            path: 'customers.csv',
            schema: { fields: [{ name: 'id', type: 'integer' }], primaryKey: 'id' },
          },
          {
            name: 'orders',
            path: ['orders-1.csv', 'orders-2.csv'],
            schema: {
              fields: [
                { name: 'order', type: 'integer' },
                { name: 'customer', type: 'integer' },
              ],
              foreignKeys: [
                { fields: 'customer', reference: { resource: 'customers', fields: 'id' } },
              ],
            },
          },
        ],
      }),
    );
    await job.write('issue14/package/customers.csv', 'id\n1\n2\n');
    await job.write('issue14/package/orders-1.csv', 'order,customer\n10,1\n11,3\n');
    await job.write('issue14/package/orders-2.csv', 'order,customer\n12,2\n13,\n');
    const result = await run('validate-data', job, {
      data: 'issue14/package/*.csv',
      schema: 'issue14/package/datapackage.json',
    });
    expectUserError(result, /Data validation found 1 error\(s\)/);
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8')) as {
      rows: number;
      findings: { code: string; file: string; row: number; line: number; observed: string }[];
    };
    expect(report.rows).toBe(6);
    expect(report.findings.map((f) => [f.code, f.file, f.row, f.line, f.observed])).toEqual([
      ['foreign-key', 'issue14/package/orders-1.csv', 2, 3, '3'],
    ]);
    const outside = await run('validate-data', job, {
      data: 'issue14/good.csv',
      schema: 'issue14/package/datapackage.json',
    });
    expectUserError(
      outside,
      /"issue14\/good\.csv" is not a path of any resource of the Data Package/,
    );
  });
  it("reports rows at frictionless' granularity (issue 14): blank rows, one finding per missing or extra cell with its field, per row after a missing column", async () => {
    const fields = ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'integer' }));
    await job.write(
      'issue14/rows/schema.json',
      JSON.stringify({
        fields: [...fields.slice(0, 3), { ...fields[3], constraints: { required: true } }],
      }),
    );
    await job.write('issue14/rows/ragged.csv', 'a,b,c,d\n1,2,3,4\n,,,\n1,2\n1,2,3,4,5,6\n');
    await job.write('issue14/rows/no-d.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    const result = await run('validate-data', job, {
      data: 'issue14/rows/*.csv',
      schema: 'issue14/rows/schema.json',
      'fail-on': 'never',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8')) as {
      findings: {
        file: string;
        line?: number;
        fieldNumber?: number;
        code: string;
        field?: string;
      }[];
    };
    expect(
      report.findings.map((f) => [
        f.file.replace('issue14/rows/', ''),
        f.line,
        f.fieldNumber,
        f.code,
        f.field,
      ]),
    ).toEqual([
      ['no-d.csv', 1, 4, 'missing-label', 'd'],
      ['no-d.csv', 2, 4, 'missing-cell', 'd'],
      ['no-d.csv', 2, 4, 'constraint-error', 'd'],
      ['no-d.csv', 3, 4, 'missing-cell', 'd'],
      ['no-d.csv', 3, 4, 'constraint-error', 'd'],
      ['ragged.csv', 3, undefined, 'blank-row', undefined],
      ['ragged.csv', 4, 3, 'missing-cell', 'c'],
      ['ragged.csv', 4, 4, 'missing-cell', 'd'],
      ['ragged.csv', 4, 4, 'constraint-error', 'd'],
      ['ragged.csv', 5, 5, 'extra-cell', undefined],
      ['ragged.csv', 5, 6, 'extra-cell', undefined],
    ]);
    // The annotations group them: one per kind, "+N more like this".
    const errors = result.annotations.filter((a) => a.command === 'error');
    expect(errors.map((a) => [a.properties.title, a.properties.file, a.properties.line])).toEqual(
      expect.arrayContaining([
        ['missing-cell: d', 'issue14/rows/no-d.csv', '2'],
        ['extra-cell', 'issue14/rows/ragged.csv', '5'],
        ['blank-row', 'issue14/rows/ragged.csv', '3'],
      ]),
    );
    expect(errors.find((a) => a.properties.title === 'missing-cell: d')!.message).toMatch(
      /\(\+1 more like this\)$/,
    );
  });

  it('compares a Parquet DECIMAL(9,2) 99.99 with maximum 99.99 as the decimal it is, and keeps it as the profile max and q1 (issue 14)', async () => {
    writeDecimalParquet(`${job.workspace}/issue14/money.parquet`, MONEY_ROWS);
    await job.write(
      'issue14/money.json',
      JSON.stringify({
        fields: [
          { name: 'amount', type: 'number', constraints: { maximum: 99.99 } },
          { name: 'wide', type: 'number', constraints: { maximum: 99.99 } },
        ],
      }),
    );
    const result = await run('validate-data', job, {
      data: 'issue14/money.parquet',
      schema: 'issue14/money.json',
      profile: 'issue14/money-profile.json',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ valid: 'true', rows: '4', errors: '0' });
    const profile = JSON.parse(
      await readFile(`${job.workspace}/issue14/money-profile.json`, 'utf8'),
    );
    const amount = profile.columns[0];
    expect([
      amount.min,
      amount.max,
      amount.quantiles.values[0],
      amount.quantiles.values.at(-1),
    ]).toEqual([-123.45, 99.99, -123.45, 99.99]);
  });
});
