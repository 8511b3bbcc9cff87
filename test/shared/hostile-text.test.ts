/**
 * Bounded, located reading of hostile data files: NUL bytes, endless records, deep JSON Lines,
 * UTF-16 and files that are not gzip; and findings that quote only a short, escaped excerpt.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../shared/data/data-file-error.js';
import { delimitedLayout, delimitedShards } from '../../shared/data/delimited-shards.js';
import { MAX_GZIP_EXPANSION, MAX_RECORD_LENGTH } from '../../shared/data/delimited.js';
import {
  readRecords,
  readTable,
  type DataFormat,
  type TableRow,
} from '../../shared/data/records.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import {
  completeFinding,
  excerpt,
  FindingSink,
  type Finding,
} from '../../shared/validation/findings.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const entry = fileURLToPath(new URL('./validation-worker-entry.mjs', import.meta.url));

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function table(path: string, format: DataFormat): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  await readTable(path, format, {
    header: () => {},
    row: (row) => rows.push({ ...row, cells: [...row.cells] }),
  });
  return rows;
}

const schema = await tableSchemaFrom(
  {
    fields: [
      { name: 'id', type: 'integer' },
      { name: 'text', type: 'string' },
    ],
  },
  'schema.yaml',
);

describe('NUL bytes in a cell', () => {
  const text = 'id,text\n1,ok\n2,"bad\0"\n3,x\0y\n4,fine\n';

  it('are reported on their row, cell and column, by the one-pass reader', async () => {
    const rows = await table(await file('nul.csv', text), 'csv');
    expect(rows.map((row) => row.problem)).toEqual([
      undefined,
      'cell 2 (column "text") holds a NUL byte at character 4, which text data never does: the file may be binary, UTF-16 or corrupt',
      expect.stringMatching(/^cell 2 \(column "text"\) holds a NUL byte at character 2/),
      undefined,
    ]);
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 5]);
  });

  it('are reported alike when a large file is checked in shards', async () => {
    const path = await file('nul-big.csv', text);
    const onePass = await validateFiles([{ path, format: 'csv' }], schema, { maxFindings: 10 });
    const sharded = await validateFiles([{ path, format: 'csv' }], schema, {
      maxFindings: 10,
      parallel: { entry, workers: 2, minFileBytes: 0, shardBytes: 8 },
    });
    expect(sharded.files[0]!.shards).toBeGreaterThan(1);
    for (const result of [onePass, sharded]) {
      expect(result.findings.map((f) => [f.code, f.line, f.message])).toEqual([
        [
          'source-error',
          3,
          expect.stringMatching(
            /^Row 2 could not be read: cell 2 \(column "text"\) holds a NUL byte/,
          ),
        ],
        [
          'source-error',
          4,
          expect.stringMatching(
            /^Row 3 could not be read: cell 2 \(column "text"\) holds a NUL byte/,
          ),
        ],
      ]);
    }
  });

  it('stop readRecords (predictions) with the file and line', async () => {
    const path = await file('nul-records.csv', text);
    await expect(readRecords(path, 'csv', () => {})).rejects.toThrow(
      /^The data file ".*nul-records.csv" cannot be read at line 3: cell 2 \(column "text"\) holds a NUL byte/,
    );
  });
});

describe('a record longer than the limit', () => {
  const huge = 'x'.repeat(MAX_RECORD_LENGTH + 10);

  it('stops a CSV file at the line it starts on, unquoted or in a quote never closed', async () => {
    for (const [name, content] of [
      ['long.csv', `id,text\n1,a\n2,${huge}\n3,b\n`],
      ['open-quote.csv', `id,text\n1,a\n\n2,"${'ab\n'.repeat(MAX_RECORD_LENGTH / 2)}`],
    ] as const) {
      const error = await table(await file(name, content), 'csv').catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DataFileError);
      expect(error).toMatchObject({
        code: 'format-error',
        line: name === 'long.csv' ? 3 : 4,
        message: expect.stringMatching(
          new RegExp(
            `^The data file ".*${name}" has a record longer than 8 MiB starting at line ${name === 'long.csv' ? 3 : 4} \\(the limit for one row\\)`,
          ),
        ),
      });
    }
  });

  it('stops a JSON Lines file, without joining the line again for each chunk', async () => {
    const started = performance.now();
    const error = await table(
      await file('long.jsonl', `{"id":1}\n{"text":"${huge}"}\n`),
      'jsonl',
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'format-error',
      line: 2,
      message: expect.stringMatching(/has a line longer than 8 MiB starting at line 2/),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops the shard cutter instead of growing a shard without end', async () => {
    const path = await file('long-shards.csv', `id,text\n1,a\n2,${huge}\n`);
    const layout = (await delimitedLayout(path, 'csv'))!;
    const cut = async () => {
      for await (const shard of delimitedShards(path, layout, 1 << 16)) void shard;
    };
    await expect(cut()).rejects.toMatchObject({ code: 'format-error', line: 3 });
  });
});

describe('JSON Lines nested too deep', () => {
  it('is a problem of its line, not a stack overflow', async () => {
    const deep = `{"id":1,"text":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const rows = await table(
      await file('deep.jsonl', `{"id":1,"text":"a"}\n${deep}\n{"id":2,"text":{"a":[1,{"b":2}]}}\n`),
      'jsonl',
    );
    expect(rows.map((row) => row.problem)).toEqual([
      undefined,
      'line 2 is an object whose values nest more than 64 levels deep (from character 79); flatten the record',
      undefined,
    ]);
  });
});

describe('bytes that are not UTF-8 text', () => {
  it('names UTF-16 by its byte order mark', async () => {
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const path = await file(
        'utf16.csv',
        Buffer.concat([Buffer.from(bom), Buffer.from('id,text\n1,a\n', 'utf16le')]),
      );
      await expect(table(path, 'csv')).rejects.toMatchObject({
        code: 'encoding-error',
        line: 1,
        message: expect.stringMatching(
          /"[^"]*utf16.csv" is UTF-16 text \(it starts with a UTF-16 byte order mark\), not UTF-8/,
        ),
      });
    }
  });

  it('says a .gz file that is not gzip is not gzip', async () => {
    await expect(table(await file('plain.csv.gz', 'id,text\n1,a\n'), 'csv')).rejects.toMatchObject({
      code: 'compression-error',
      message: expect.stringMatching(/is not gzip data, though its name ends in .gz/),
    });
  });
});

describe('a gzip bomb', () => {
  it('is stopped once it expands past 200 times its size, after the rows before are read', async () => {
    // 8 MiB of newlines gzip to about 8 KiB, a thousand times over the bound, and reach past the
    // 1 MiB that any small file may expand to; the work the bomb can cause is bounded by the
    // limit, which the row count below holds (a newline is a row).
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('id,text\n'), Buffer.alloc(8 * 2 ** 20, 0x0a)]),
    );
    const limit = Math.max(2 ** 20, MAX_GZIP_EXPANSION * bomb.length);
    expect(limit).toBeLessThan(4 * 2 ** 20);
    const path = await file('newlines.csv.gz', bomb);
    const result = await validateFiles([{ path, format: 'csv' }], schema, { maxFindings: 10 });
    expect(result.findings[0]).toMatchObject({ code: 'blank-row', row: 1 });
    // Past the kept findings (the blank rows come first), the refusal is in its group.
    const refusal = result.groups.find((group) => group.code === 'compression-error')?.first;
    expect(refusal?.message).toMatch(
      new RegExp(
        `^The data file ".*newlines.csv.gz" expands to more than ${MAX_GZIP_EXPANSION} times its size when decompressed \\(past \\d+\\.\\d MiB\\): a gzip bomb`,
      ),
    );
    expect(result.rows).toBeLessThanOrEqual(limit);
  });

  it('leaves a real compressed table alone', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `${i},${(i * 7919) % 1000}`).join('\n');
    const result = await validateFiles(
      [{ path: await file('real.csv.gz', gzipSync(`id,text\n${rows}\n`)), format: 'csv' }],
      schema,
      { maxFindings: 10 },
    );
    expect(result).toMatchObject({ rows: 50_000, errors: 0 });
  });
});

describe('what a finding quotes of a file', () => {
  it('is a short excerpt, with control and invisible characters escaped', () => {
    expect(excerpt('a\nb\r\tc\u0000d\u202ee\u2028')).toBe('a\\nb\\r\\tc\\u0000d\\u202ee\\u2028');
    expect(excerpt('x'.repeat(1000))).toBe(`${'x'.repeat(80)}…`);
    expect(excerpt(`${'x'.repeat(79)}😀`)).toBe(`${'x'.repeat(79)}…`);
  });

  it('is capped wherever a finding comes from', () => {
    const sink = new FindingSink(5);
    const finding: Finding = {
      code: 'type-error',
      level: 'error',
      scope: 'cell',
      file: 'a.csv',
      field: `f${'x'.repeat(500)}`,
      observed: `${'y'.repeat(500)}\n::error::forged`,
      message: 'Row 1:\n::error::forged',
    };
    sink.add(finding);
    expect(sink.kept[0]).toMatchObject({
      observed: `${'y'.repeat(80)}…`,
      field: `f${'x'.repeat(79)}…`,
      message: 'Row 1:\\n::error::forged',
    });
  });

  it('is completed with its file, level and scope, keeping a file and level of its own', () => {
    expect(
      completeFinding({ code: 'blank-row', row: 2, message: 'Row 2 is an empty line.' }, 'a.csv'),
    ).toEqual({
      code: 'blank-row',
      row: 2,
      message: 'Row 2 is an empty line.',
      file: 'a.csv',
      level: 'error',
      scope: 'row',
    });
    expect(
      completeFinding(
        { code: 'row-count', level: 'warning', file: 'schema.yaml', message: 'm' },
        'a.csv',
      ),
    ).toMatchObject({ file: 'schema.yaml', level: 'warning', scope: 'dataset' });
    expect(
      completeFinding(
        { code: 'row-count', level: undefined, file: undefined, message: 'm' },
        'a.csv',
      ),
    ).toMatchObject({ file: 'a.csv', level: 'error' });
  });

  it('keeps a very long column name out of the header findings', async () => {
    const path = await file('long-name.csv', `id,${'n'.repeat(1_000_000)}\n1,2\n`);
    const result = await validateFiles([{ path, format: 'csv' }], schema, { maxFindings: 10 });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.message.length).toBeLessThan(300);
    expect(result.findings[0]!.message).toContain(
      `Column 2 is "${'n'.repeat(80)}…" where the schema has field "text"`,
    );
  });
});

describe('a JSON cell nested too deep', () => {
  it('is a type error of its cell, not a stack overflow', async () => {
    const objects = await tableSchemaFrom(
      {
        fields: [
          { name: 'o', type: 'object' },
          { name: 'a', type: 'array' },
        ],
      },
      'schema.yaml',
    );
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const path = await file(
      'deep-cells.csv',
      `o,a\n"{""x"": ${deep}}",[1]\n"{""x"": [[1]]}","${deep}"\n`,
    );
    const result = await validateFiles([{ path, format: 'csv' }], objects, { maxFindings: 10 });
    expect(result.findings.map((f) => [f.code, f.row, f.field, f.expected])).toEqual([
      ['type-error', 1, 'o', 'a JSON object nested at most 64 levels deep'],
      ['type-error', 2, 'a', 'a JSON array nested at most 64 levels deep'],
    ]);
  });
});
