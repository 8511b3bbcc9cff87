import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferSchema } from '../../shared/schema/infer.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { writeCsv, writeJsonl, writeParquet, type Table } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const dir = await tempDir();
const table = (rows: number): Table => ({
  columns: ['id', 'flag', 'when', 'amount', 'tier', 'note', 'empty'],
  rows: Array.from({ length: rows }, (_, i) => [
    i + 1,
    i % 2 === 0,
    `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    i * 1.5,
    ['gold', 'silver'][i % 2]!,
    i % 5 ? `note ${i}` : null,
    null,
  ]),
});

/** The inferred schema compiled as validate-data compiles it, and the files validated against it. */
async function roundTrip(
  schema: unknown,
  files: { path: string; format: 'csv' | 'jsonl' | 'parquet' }[],
) {
  return validateFiles(files, await tableSchemaFrom(schema, 'inferred.yaml'), 20);
}

describe('inferSchema', () => {
  it('infers types, keys with enough support, enums with enough support and observed ranges as warnings, from JSON Lines and Parquet alike', async () => {
    for (const [format, path] of [
      ['jsonl', await writeJsonl(join(dir, 'a.jsonl'), table(3000))],
      ['parquet', await writeParquet(join(dir, 'a.parquet'), table(3000))],
    ] as const) {
      const schema = await inferSchema([{ path, format }]);
      expect(schema.fields.map((f) => [f.name, f.type, f.constraints, f.ml])).toEqual([
        [
          'id',
          'integer',
          { required: true, unique: true },
          { stats: { min: { min: 1 }, max: { max: 3000 }, severity: 'warning' } },
        ],
        ['flag', 'boolean', { required: true }, undefined],
        ['when', 'date', { required: true }, undefined],
        [
          'amount',
          'number',
          { required: true },
          { stats: { min: { min: 0 }, max: { max: 4498.5 }, severity: 'warning' } },
        ],
        ['tier', 'string', { required: true, enum: ['gold', 'silver'] }, undefined],
        // Distinct text with spaces is not an identifier; with missing values, not required.
        ['note', 'string', undefined, undefined],
        // Never enum: []: an empty column is text, with a note.
        ['empty', 'string', undefined, undefined],
      ]);
      expect(schema.fields.at(-1)!.description).toMatch(
        /Every one of the 3000 sampled values is missing/,
      );
      const result = await roundTrip(schema, [{ path, format }]);
      expect(result.errors, JSON.stringify(result.findings)).toBe(0);
      expect(result.warnings).toBe(0);
    }
  });

  it('puts no unique, required or enum on a small sample, where every column looks like a key', async () => {
    const path = await writeJsonl(join(dir, 'small.jsonl'), table(4));
    const schema = await inferSchema([{ path, format: 'jsonl' }]);
    expect(schema.fields.map((f) => f.constraints)).toEqual(schema.fields.map(() => undefined));
  });

  it('reads every file given, up to the sample per file, and warns (not fails) when later data goes past the observed range', async () => {
    const first = await writeCsv(join(dir, 'first.csv'), {
      columns: ['x', 'when'],
      rows: Array.from({ length: 200 }, (_, i) => [i, '31/12/2024']),
    });
    const second = await writeCsv(join(dir, 'second.csv'), {
      columns: ['x', 'when'],
      rows: [
        [-7, '01/02/2025'],
        [2.5, ''],
      ],
    });
    const schema = await inferSchema(
      [
        { path: first, format: 'csv' },
        { path: second, format: 'csv' },
      ],
      { sampleRows: 150 },
    );
    expect(schema.description).toMatch(/from 152 row\(s\)/);
    expect(schema.fields).toMatchObject([
      { name: 'x', type: 'number', ml: { stats: { min: { min: -7 }, max: { max: 149 } } } },
      { name: 'when', type: 'date', format: '%d/%m/%Y' },
    ]);
    const later = await writeCsv(join(dir, 'later.csv'), {
      columns: ['x', 'when'],
      rows: [[1000, '02/03/2026']],
    });
    const result = await roundTrip(schema, [{ path: later, format: 'csv' }]);
    expect(result.errors).toBe(0);
    expect(result.findings.map((f) => [f.level, f.code, f.constraint])).toEqual([
      ['warning', 'stat-out-of-range', 'max'],
    ]);
  });

  it('declares the usual missing-value markers it finds where a column of another type has no value', async () => {
    const path = join(dir, 'markers.csv');
    await writeFile(
      path,
      `n,label\n${Array.from({ length: 120 }, (_, i) => (i % 10 === 3 ? 'NA,x' : i % 10 === 4 ? `${i},None` : `${i},y`)).join('\n')}\n`,
    );
    const schema = await inferSchema([{ path, format: 'csv' }]);
    // NA stands where integer n has no value; None is only ever text, so it stays a value.
    expect(schema.missingValues).toEqual(['', 'NA']);
    expect(schema.fields).toMatchObject([
      { name: 'n', type: 'integer' },
      { name: 'label', type: 'string', constraints: { required: true, enum: ['None', 'x', 'y'] } },
    ]);
    const result = await roundTrip(schema, [{ path, format: 'csv' }]);
    expect(result.errors, JSON.stringify(result.findings)).toBe(0);
    // Markers the caller gives are the only ones.
    const given = await inferSchema([{ path, format: 'csv' }], { missingValues: [''] });
    expect(given.missingValues).toEqual(['']);
    expect(given.fields[0]).toMatchObject({ type: 'string' });
  });

  it('round trip: inferred from the churn example train.csv, it validates eval.csv without an error', async () => {
    const out = join(dir, 'churn');
    execFileSync(
      process.execPath,
      ['examples/churn/generate-data.mjs', '--out', out],
      BOUNDED_CHILD,
    );
    const train = { path: join(out, 'train.csv'), format: 'csv' as const };
    const evaluation = { path: join(out, 'eval.csv'), format: 'csv' as const };
    const schema = await inferSchema([train]);
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f]));
    expect(byName.customer_id).toMatchObject({
      type: 'integer',
      constraints: { required: true, unique: true },
    });
    expect(byName.contract).toMatchObject({
      constraints: { enum: ['month-to-month', 'one-year', 'two-year'] },
    });
    expect(byName.signup_date).toMatchObject({ type: 'date' });
    for (const field of schema.fields) {
      const constraints = (field.constraints ?? {}) as Record<string, unknown>;
      expect(Object.keys(constraints).filter((k) => /imum$/.test(k))).toEqual([]);
    }
    const result = await roundTrip(schema, [evaluation]);
    expect(result.rows).toBe(1000);
    expect(result.errors, JSON.stringify(result.findings.slice(0, 5))).toBe(0);
  });
});
