import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferSchema } from '../../shared/schema/infer.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { writeJsonl, writeParquet, type Table } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const table: Table = {
  columns: ['id', 'flag', 'when', 'amount', 'tier', 'note'],
  rows: Array.from({ length: 40 }, (_, i) => [
    i + 1,
    i % 2 === 0,
    `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    i * 1.5,
    ['gold', 'silver'][i % 2]!,
    i % 5 ? `note ${i}` : null,
  ]),
};

describe('inferSchema', () => {
  it('infers types, required, enums, identifiers and ranges from JSON Lines and Parquet alike', async () => {
    for (const [format, path] of [
      ['jsonl', await writeJsonl(join(dir, 'a.jsonl'), table)],
      ['parquet', await writeParquet(join(dir, 'a.parquet'), table)],
    ] as const) {
      const schema = await inferSchema([{ path, format }]);
      expect(schema.fields.map((f) => [f.name, f.type, f.constraints])).toEqual([
        ['id', 'integer', { required: true, unique: true }],
        ['flag', 'boolean', { required: true }],
        ['when', 'date', { required: true, minimum: '2024-01-01', maximum: '2024-01-28' }],
        ['amount', 'number', { required: true, minimum: 0, maximum: 58.5 }],
        ['tier', 'string', { required: true, enum: ['gold', 'silver'] }],
        ['note', 'string', { unique: true }],
      ]);
      const result = await validateFiles(
        [{ path, format }],
        await tableSchemaFrom(schema, 'inferred.yaml'),
        10,
      );
      expect(result.errors, JSON.stringify(result.findings)).toBe(0);
    }
  });

  it('reads no more than the sample', async () => {
    const path = await writeJsonl(join(dir, 'b.jsonl'), table);
    const schema = await inferSchema([{ path, format: 'jsonl' }], { sampleRows: 5 });
    expect(schema.description).toMatch(/from 5 row\(s\)/);
    expect(schema.fields.find((f) => f.name === 'amount')!.constraints).toEqual({
      required: true,
      minimum: 0,
      maximum: 6,
    });
  });
});
