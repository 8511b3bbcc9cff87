import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataFormat } from '../../shared/data/records.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { writeCsv, writeJsonl, writeParquet, type Table } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();

const table: Table = {
  columns: ['id', 'age', 'score', 'city', 'code', 'active', 'joined'],
  rows: [
    [1, 30, 0.5, 'Paris', 'ABC', true, '2021-01-01'],
    [2, -1, 0.9, 'Rome', 'AB', false, '2019-05-05'],
    [2, 40, 1.0, 'Oslo', 'XYZ', true, '2022-02-02'],
    [4, null, 0.25, 'Paris', 'DEF', null, '2023-03-03'],
    [5, 'abc', 0.75, 'Rome', 'GHI', false, 'soon'],
    [6, 121, 0.125, null, 'JKL', true, '2020-01-01'],
  ],
  // Parquet columns are typed: "age" holds text there, so that a non-integer can be in it.
  parquetTypes: {
    id: 'INT64',
    age: 'STRING',
    score: 'DOUBLE',
    city: 'STRING',
    code: 'STRING',
    active: 'BOOLEAN',
    joined: 'STRING',
  },
};
table.rows.forEach((row) => (row[1] = row[1] === null ? null : String(row[1])));

const schema = await tableSchemaFrom(
  {
    primaryKey: ['id'],
    fields: [
      { name: 'id', type: 'integer' },
      { name: 'age', type: 'integer', constraints: { required: true, minimum: 0, maximum: 120 } },
      {
        name: 'score',
        type: 'number',
        constraints: { exclusiveMaximum: 1 },
        ml: { stats: { mean: { max: 0.4 } } },
      },
      {
        name: 'city',
        type: 'string',
        constraints: { enum: ['Paris', 'Rome'] },
        ml: { nullFraction: { max: 0.1 } },
      },
      { name: 'code', type: 'string', constraints: { pattern: '[A-Z]{3}' } },
      { name: 'active', type: 'boolean' },
      { name: 'joined', type: 'date', constraints: { minimum: '2020-01-01' } },
    ],
    ml: { rowCount: { min: 10 } },
  },
  'schema.yaml',
);

async function findings(format: DataFormat) {
  const path = join(dir, `data.${format}`);
  if (format === 'csv') await writeCsv(path, table);
  else if (format === 'jsonl') await writeJsonl(path, table);
  else await writeParquet(path, table);
  const result = await validateFiles([{ path, format }], schema, 100);
  return {
    rows: result.rows,
    findings: result.findings.map((f) =>
      [f.code, f.constraint ?? '', f.row ?? '', f.field ?? ''].join(' '),
    ),
    profile: result.profile.columns.map(
      ({ name, count, nulls, invalid, distinct, min, max, mean }) => ({
        name,
        count,
        nulls,
        invalid,
        distinct,
        min,
        max,
        mean,
      }),
    ),
  };
}

describe('the same data as CSV, JSON Lines and Parquet', () => {
  it('yields the same findings and the same profile', async () => {
    const csv = await findings('csv');
    expect(csv.findings).toEqual([
      'constraint-error minimum 2 age',
      'constraint-error pattern 2 code',
      'constraint-error minimum 2 joined',
      'constraint-error exclusiveMaximum 3 score',
      'constraint-error enum 3 city',
      'primary-key  3 id',
      'constraint-error required 4 age',
      'type-error  5 age',
      'type-error  5 joined',
      'constraint-error maximum 6 age',
      'stat-out-of-range mean  score',
      'null-fraction max  city',
      'row-count   ',
    ]);
    expect(await findings('jsonl')).toEqual(csv);
    expect(await findings('parquet')).toEqual(csv);
  });
});
