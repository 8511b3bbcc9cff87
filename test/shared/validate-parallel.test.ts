/**
 * Large files are checked in shards on worker threads (shared/validation/parallel.ts). These
 * tests cut small files into many tiny shards and compare everything with a one-pass read of
 * the same files: findings (messages, rows, lines, order), counts, groups and the profile.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { delimitedLayout } from '../../shared/data/delimited-shards.js';
import type { DataFormat } from '../../shared/data/records.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import type { ParallelOptions } from '../../shared/validation/parallel.js';
import { validateFiles, type ValidationResult } from '../../shared/validation/validate.js';
import { writeParquet, type Cell } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const entry = fileURLToPath(new URL('./validation-worker-entry.mjs', import.meta.url));
const shards = (shardBytes: number): ParallelOptions => ({
  entry,
  workers: 2,
  minFileBytes: 0,
  shardBytes,
});

const FIELDS = [
  { name: 'id', type: 'integer', constraints: { required: true } },
  { name: 'code', type: 'string', constraints: { unique: true, pattern: '[A-Z]{2}\\d+' } },
  { name: 'score', type: 'number', constraints: { minimum: 0, maximum: 1 } },
  { name: 'group', type: 'string', constraints: { enum: ['a', 'b', 'c'] } },
  { name: 'note', type: 'string', constraints: { maxLength: 12 } },
  { name: 'count', type: 'integer', ml: { mostly: 0.9 }, constraints: { minimum: 0 } },
];
const SCHEMA = {
  fields: FIELDS,
  primaryKey: 'id',
  uniqueKeys: [['group', 'note']],
  ml: { duplicateRows: { maxFraction: 0.5 } },
};

/** 2,000 rows with problems spread over the file: each kind recurs, so it lands in many shards. */
function rows(): Cell[][] {
  const out: Cell[][] = [];
  for (let i = 1; i <= 2000; i++) {
    const id: Cell = i % 397 === 0 ? i - 5 : i % 613 === 0 ? null : i;
    const code = i % 251 === 0 ? 'AB7' : i % 331 === 0 ? 'lower1' : `AB${i}`;
    const score: Cell = i % 97 === 0 ? 1.5 : i % 173 === 0 ? 'high' : (i % 100) / 100;
    const group = i % 211 === 0 ? 'z' : ['a', 'b', 'c'][i % 3]!;
    const note =
      i % 89 === 0 ? `quoted, "with" comma ${i}` : i % 127 === 0 ? `two\nlines ${i}` : `n${i}`;
    const count: Cell = i % 9 === 0 ? -1 : i % 50;
    out.push([id, code, score, group, note, count]);
  }
  out.push([...out[99]!]); // a duplicate row, whose id repeats too
  return out;
}

/** The same rows as Parquet (scores as text, so that "high" stays a type error), in row groups of 150. */
const parquetTable = () => ({
  columns: FIELDS.map((f) => f.name),
  rows: rows().map((row) => row.map((cell, i) => (i === 2 && cell !== null ? String(cell) : cell))),
  parquetTypes: {
    id: 'INT32',
    code: 'STRING',
    score: 'STRING',
    group: 'STRING',
    note: 'STRING',
    count: 'INT32',
  } as const,
});

const csvCell = (cell: Cell) => {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

async function csv(name: string, lines: string[], newline = '\n'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join(newline) + newline);
  return path;
}

const csvLines = (data: Cell[][]) => [
  FIELDS.map((f) => f.name).join(','),
  ...data.map((row) => row.map(csvCell).join(',')),
];

async function both(
  files: { path: string; format: DataFormat }[],
  maxFindings: number,
  shardBytes = 700,
  schema: unknown = SCHEMA,
): Promise<[ValidationResult, ValidationResult]> {
  const compiled = await tableSchemaFrom(schema, 'schema.yaml');
  const onePass = await validateFiles(files, compiled, { maxFindings });
  const sharded = await validateFiles(files, compiled, {
    maxFindings,
    parallel: shards(shardBytes),
  });
  return [onePass, sharded];
}

const byKey = (result: ValidationResult) =>
  [...result.groups].sort((a, b) =>
    JSON.stringify([a.code, a.constraint, a.field, a.file, a.level]).localeCompare(
      JSON.stringify([b.code, b.constraint, b.field, b.file, b.level]),
    ),
  );

function expectSame(sharded: ValidationResult, onePass: ValidationResult): void {
  expect(onePass.errors).toBeGreaterThan(0);
  expect(onePass.files.every((f) => f.shards === undefined)).toBe(true);
  expect(sharded.files[0]!.shards).toBeGreaterThan(4);
  expect(sharded.findings).toEqual(onePass.findings);
  const files = (result: ValidationResult) => result.files.map(({ shards: _, ...file }) => file);
  expect({
    ...sharded,
    files: files(sharded),
    findings: [],
    groups: byKey(sharded),
    profile: undefined,
  }).toEqual({
    ...onePass,
    files: files(onePass),
    findings: [],
    groups: byKey(onePass),
    profile: undefined,
  });
  sharded.profile.columns.forEach((column, i) => {
    const reference = onePass.profile.columns[i]!;
    const exact = (c: typeof column) => ({
      count: c.count,
      nulls: c.nulls,
      invalid: c.invalid,
      nan: c.nan,
      inf: c.inf,
      distinct: c.distinct,
      distinctExact: c.distinctExact,
      min: c.min,
      max: c.max,
      topValues: c.topValues,
    });
    expect(exact(column)).toEqual(exact(reference));
    if (reference.mean !== null) expect(column.mean).toBeCloseTo(reference.mean, 9);
    if (reference.stdev !== null) expect(column.stdev).toBeCloseTo(reference.stdev, 9);
  });
}

describe('validation in shards on worker threads', () => {
  it('finds in a CSV file cut into many shards exactly what one pass finds', async () => {
    const path = await csv('many.csv', csvLines(rows()));
    const [onePass, sharded] = await both([{ path, format: 'csv' }], 1000);
    expectSame(sharded, onePass);
    expect(new Set(onePass.findings.map((f) => f.code))).toEqual(
      new Set([
        'constraint-error',
        'type-error',
        'unique-error',
        'primary-key',
        'unique-key',
        'mostly-violated',
      ]),
    );
    expect(onePass.findings.some((f) => f.code === 'primary-key' && f.row === 2001)).toBe(true);
  });

  it('keeps the first max-errors findings in row order and counts the rest, across shards', async () => {
    const path = await csv('capped.csv', csvLines(rows()));
    const [onePass, sharded] = await both([{ path, format: 'csv' }], 7);
    expect(onePass.findingsDropped).toBeGreaterThan(0);
    expectSame(sharded, onePass);
  });

  it('reads CRLF files, blank lines, ragged rows and bad quoting in shards as one pass does', async () => {
    const lines = csvLines(rows().slice(0, 400));
    lines.splice(50, 0, '');
    lines.splice(120, 0, '7,AB7');
    lines.splice(200, 0, '9,AB9,0.5,a,x,1,extra');
    lines.splice(300, 0, '11,AB11,0.5,a,"y,1');
    const path = await csv('crlf.csv', lines, '\r\n');
    const [onePass, sharded] = await both([{ path, format: 'csv' }], 1000, 300);
    expectSame(sharded, onePass);
    expect(onePass.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['blank-row', 'missing-cell', 'extra-cell', 'source-error']),
    );
  });

  it('reports a quote that ends a field too early on its own row, and reads on from the next line', async () => {
    // One pass, papaparse looks for a closing quote further on and reads the next lines as one
    // row; in shards, records end at the newline, so the problem stays on its line.
    const lines = csvLines(rows().slice(0, 400));
    lines.splice(300, 0, '11,"AB11"x,0.5,a,y,1');
    const path = await csv('quotes.csv', lines);
    const [, sharded] = await both([{ path, format: 'csv' }], 1000, 300);
    expect(sharded.findings.filter((f) => f.code === 'source-error')).toMatchObject([
      { row: 300, line: 301 + 2, message: expect.stringContaining('Row 300 could not be read') },
    ]);
    const after = sharded.findings.find((f) => f.row! > 300 && f.code === 'constraint-error')!;
    expect(after.line! - after.row!).toBe(3);
  });

  it('stops at invalid UTF-8 in a later shard after checking the rows before it', async () => {
    const text = csvLines(rows()).join('\n') + '\n';
    const at = text.indexOf('\n', Math.floor(text.length * 0.7)) + 1;
    const path = join(dir, 'latin1.csv');
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0x31, 0x2c, 0xe9, 0x0a]),
        Buffer.from(text.slice(at)),
      ]),
    );
    const [onePass, sharded] = await both([{ path, format: 'csv' }], 1000);
    expectSame(sharded, onePass);
    expect(onePass.findings.filter((f) => f.code === 'encoding-error')).toMatchObject([
      {
        line: 1449,
        message: expect.stringMatching(
          /\(line 1449\).*Rows before the problem \(1436\) were checked/,
        ),
      },
    ]);
  });

  it('decides uniqueness across files, whether each is sharded or read in one pass', async () => {
    const data = rows();
    const first = await csv('part-1.csv', csvLines(data.slice(0, 1200)));
    const second = await csv(
      'part-2.jsonl',
      data
        .slice(1100)
        .map((row) => JSON.stringify(Object.fromEntries(FIELDS.map((f, i) => [f.name, row[i]])))),
    );
    const [onePass, sharded] = await both(
      [
        { path: first, format: 'csv' },
        { path: second, format: 'jsonl' },
      ],
      1000,
    );
    expectSame(sharded, onePass);
    expect(
      onePass.findings.filter((f) => f.file === second && f.code === 'primary-key').length,
    ).toBeGreaterThanOrEqual(100);
  });

  it('checks Parquet row groups on workers as one pass does, up to max-errors, with or without duplicate rows', async () => {
    const path = join(dir, 'columns.parquet');
    await writeParquet(path, parquetTable(), 150);
    const { ml: _, ...withoutDuplicateRows } = SCHEMA;
    for (const [maxFindings, schema] of [
      [1000, SCHEMA],
      [7, SCHEMA],
      [1000, withoutDuplicateRows],
    ] as const) {
      const [onePass, sharded] = await both(
        [{ path, format: 'parquet' }],
        maxFindings,
        700,
        schema,
      );
      expectSame(sharded, onePass);
    }
  });

  it('leaves out a Parquet row group that cannot be read, as one pass does, and stops there', async () => {
    const path = join(dir, 'corrupt.parquet');
    await writeParquet(path, parquetTable(), 150);
    const { parquetMetadataAsync, asyncBufferFromFile } = await import('hyparquet');
    const chunk = (await parquetMetadataAsync(await asyncBufferFromFile(path))).row_groups[6]!
      .columns[1]!.meta_data!;
    const bytes = await readFile(path);
    bytes.fill(0xff, Number(chunk.data_page_offset) + 4, Number(chunk.data_page_offset) + 40);
    await writeFile(path, bytes);
    const { ml: _, ...withoutDuplicateRows } = SCHEMA;
    for (const schema of [SCHEMA, withoutDuplicateRows]) {
      const [onePass, sharded] = await both([{ path, format: 'parquet' }], 1000, 700, schema);
      expectSame(sharded, onePass);
      expect(onePass.findings.filter((f) => f.code === 'format-error')).toMatchObject([
        { message: expect.stringContaining('row group 7, rows 901 to 1050') },
      ]);
      expect(onePass.rows).toBe(900);
    }
  });

  it('reads in one pass the files whose records a byte scanner cannot find', async () => {
    const plain = await csv('plain.csv', ['a;b', '1;2']);
    expect(await delimitedLayout(plain, 'csv', { delimiter: ';' })).toMatchObject({
      header: ['a', 'b'],
      dataLine: 2,
    });
    expect(
      await delimitedLayout(plain, 'csv', { delimiter: ';', escapeChar: '\\' }),
    ).toBeUndefined(); // a backslash escape hides quotes from the scanner
    expect(await delimitedLayout(plain, 'csv', { delimiter: '§' })).toBeUndefined(); // a delimiter of more than one byte
    // Old Mac line ends (a lone \r) end records for the scanner too, as for Python's csv module.
    expect(await delimitedLayout(await csv('mac.csv', ['a,b', '1,2'], '\r'), 'csv')).toMatchObject({
      header: ['a', 'b'],
      dataLine: 2,
    });
    const path = await csv('escaped.csv', csvLines(rows()));
    const compiled = await tableSchemaFrom(SCHEMA, 'schema.yaml');
    const result = await validateFiles([{ path, format: 'csv' }], compiled, {
      maxFindings: 10,
      dialect: { escapeChar: '\\' },
      parallel: shards(700),
    });
    expect(result.files[0]!.shards).toBeUndefined();
    expect(result.rows).toBe(2001);
  });
});
