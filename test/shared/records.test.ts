import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import {
  detectFormat,
  readRecords,
  readTable,
  type DataRecord,
} from '../../shared/data/records.js';
import { writeParquet } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();

async function records(path: string, format: Parameters<typeof readRecords>[1]) {
  const out: DataRecord[] = [];
  const columns = await readRecords(path, format, (record) => out.push(record));
  return { columns, out };
}

describe('readRecords', () => {
  it('picks the format from the file name, and names the file and the known extensions when it cannot', () => {
    const detect = (path: string) => detectFormat(path, 'data file', 'Set "format".');
    expect(
      ['a.csv', 'a.CSV.gz', 'a.tab', 'a.tsv.gz', 'a.jsonl', 'a.ndjson.gz', 'a.parquet', 'a.pq'].map(
        detect,
      ),
    ).toEqual(['csv', 'csv', 'tsv', 'tsv', 'jsonl', 'jsonl', 'parquet', 'parquet']);
    for (const path of ['a.parquet.gz', 'a.txt'])
      expect(() => detect(path)).toThrow(
        `Cannot tell the format of the data file "${path}" from its extension (expected .csv, .tsv or .tab, .jsonl or .ndjson (these three optionally .gz), .parquet or .pq). Set "format".`,
      );
  });

  it('reads CSV records with their row and file line', async () => {
    const path = join(dir, 'a.csv');
    await writeFile(path, 'a,b\n1,"x\ny"\n\n2,z\n');
    expect(await records(path, 'csv')).toEqual({
      columns: ['a', 'b'],
      out: [
        { values: { a: '1', b: 'x\ny' }, row: 1, line: 2 },
        { values: { a: '2', b: 'z' }, row: 3, line: 5 },
      ],
    });
  });

  it('reads gzip-compressed JSON Lines, an absent key as null', async () => {
    const path = join(dir, 'a.jsonl.gz');
    await writeFile(path, gzipSync('{"a":1,"b":{"c":[1,2]}}\r\n{"a":null}\n'));
    expect(await records(path, 'jsonl')).toEqual({
      columns: ['a', 'b'],
      out: [
        { values: { a: 1, b: { c: [1, 2] } }, row: 1, line: 1 },
        { values: { a: null, b: null }, row: 2, line: 2 },
      ],
    });
  });

  it('reads Parquet row group by row group, with INT64, dates and timestamps as plain values', async () => {
    const path = join(dir, 'a.parquet');
    parquetWriteFile({
      filename: path,
      rowGroupSize: 2,
      columnData: [
        { name: 'big', data: [1n, 2n ** 60n, null], type: 'INT64' },
        {
          name: 'when',
          data: [new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), new Date(0), null],
          type: 'TIMESTAMP',
        },
        { name: 'x', data: [0.5, null, 2], type: 'DOUBLE' },
      ],
    });
    expect(await records(path, 'parquet')).toEqual({
      columns: ['big', 'when', 'x'],
      out: [
        { values: { big: 1, when: '2024-01-02T03:04:05.000Z', x: 0.5 }, row: 1 },
        {
          values: { big: '1152921504606846976', when: '1970-01-01T00:00:00.000Z', x: null },
          row: 2,
        },
        { values: { big: null, when: null, x: 2 }, row: 3 },
      ],
    });
  });

  it('reads Parquet DATE columns as YYYY-MM-DD, and many row groups in order', async () => {
    const path = await writeParquet(
      join(dir, 'b.parquet'),
      { columns: ['i'], rows: Array.from({ length: 2500 }, (_, i) => [i]) },
      1000,
    );
    const { out } = await records(path, 'parquet');
    expect(out.map((r) => r.values.i)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const dates = join(dir, 'c.parquet');
    parquetWriteFile({
      filename: dates,
      columnData: [{ name: 'd', data: [19723] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'd', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      ],
    });
    expect((await records(dates, 'parquet')).out[0]!.values).toEqual({ d: '2024-01-01' });
  });

  it('stops with a located UserError on a row it cannot read', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"a":1}\n[2]\n');
    await expect(records(path, 'jsonl')).rejects.toThrow(
      new UserError(
        `The data file "${path}" cannot be read at line 2: line 2 is a JSON array, not an object.`,
      ),
    );
    const ragged = join(dir, 'ragged.csv');
    await writeFile(ragged, 'a,b\n1\n');
    await expect(records(ragged, 'csv')).rejects.toThrow(/line 2: 1 cells where the header has 2/);
    await expect(records(join(dir, 'x.parquet.gz'), 'parquet')).rejects.toThrow(
      /gzip-compressed Parquet/,
    );
    await expect(records(join(dir, 'missing.csv'), 'csv')).rejects.toThrow(/does not exist/);
  });
});

describe('readTable on JSON Lines whose first lines are not objects', () => {
  async function table(name: string, text: string) {
    const path = join(dir, name);
    await writeFile(path, text);
    const events: unknown[] = [];
    await readTable(path, 'jsonl', {
      header: (columns, line) => events.push({ header: [...columns], line }),
      row: ({ row, line, problem }) => events.push({ row, line, problem }),
    });
    return events;
  }

  it('gives the header before any row: the lines before the first object follow it', async () => {
    expect(await table('late-header.jsonl', '\nnot json\n[1]\n{"a":1}\n')).toEqual([
      { header: ['a'], line: 4 },
      { row: 1, line: 2, problem: expect.stringMatching(/^line 2 is not valid JSON/) },
      { row: 2, line: 3, problem: 'line 3 is a JSON array, not an object' },
      { row: 3, line: 4, problem: undefined },
    ]);
  });

  it('gives an empty header when no line is an object', async () => {
    expect(await table('no-object.jsonl', '1\n"x"\n')).toEqual([
      { header: [], line: 1 },
      { row: 1, line: 1, problem: 'line 1 is a JSON number, not an object' },
      { row: 2, line: 2, problem: 'line 2 is a JSON string, not an object' },
    ]);
  });

  it('stops a long file without any object: it is not JSON Lines', async () => {
    await expect(table('not-jsonl.jsonl', 'a,b\n'.repeat(5000))).rejects.toThrow(
      /^The data file ".*not-jsonl.jsonl" has no JSON object in its first 1000 lines \(line 1 is not valid JSON.*\): it is not JSON Lines, one object per line\.$/,
    );
  });
});

describe('readTable on JSON Lines that is not valid JSON', () => {
  it('says why and where on the line, without quoting the line back', async () => {
    const path = join(dir, 'bad-json.jsonl');
    await writeFile(path, '{"a":1}\nnot json\n{"a": 1,, "b": 2}\n{"a":"\u001b[31mred"}\n{"a":\n');
    const problems: (string | undefined)[] = [];
    await readTable(path, 'jsonl', {
      header: () => {},
      row: ({ problem }) => problems.push(problem),
    });
    expect(problems).toEqual([
      undefined,
      "line 2 is not valid JSON (Unexpected token 'o')",
      expect.stringMatching(/^line 3 is not valid JSON \(.* at character 9\)$/),
      expect.stringMatching(
        /^line 4 is not valid JSON \(Bad control character in string literal at character 7\)$/,
      ),
      'line 5 is not valid JSON (Unexpected end of JSON input)',
    ]);
  });
});
