/**
 * Line ends are read as Python's csv module and pandas read them (CRLF, LF and a lone CR each
 * end a record outside quotes, mixed in one file too; inside quotes they are kept), by the
 * one-pass reader and by the sharded one alike. The oracle's rows are in
 * test/fixtures/line-endings/oracle.json, written by oracle.py in the same folder.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  delimitedLayout,
  delimitedShards,
  parseDelimitedShard,
} from '../../shared/data/delimited-shards.js';
import { readDelimited } from '../../shared/data/delimited.js';
import type { TableRow } from '../../shared/data/records.js';
import { tempDir } from '../helpers/temp-dir.js';

interface OracleCase {
  name: string;
  text: string;
  csv: string[][];
  pandas: string[][];
}

const oracle = JSON.parse(
  readFileSync(new URL('../fixtures/line-endings/oracle.json', import.meta.url), 'utf8'),
) as { cases: OracleCase[] };
const dir = await tempDir();

async function fileOf(name: string, text: string): Promise<string> {
  const path = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
  await writeFile(path, text);
  return path;
}

async function onePass(path: string): Promise<{ cells: string[]; line: number }[]> {
  const rows: { cells: string[]; line: number }[] = [];
  await readDelimited(path, 'csv', ({ fields, line, parseError }) => {
    expect(parseError).toBeUndefined();
    rows.push({ cells: fields, line });
  });
  return rows;
}

async function sharded(
  path: string,
  shardBytes: number,
): Promise<{ cells: string[]; line: number }[]> {
  const layout = await delimitedLayout(path, 'csv');
  expect(layout).toBeDefined();
  const rows = [{ cells: layout!.header, line: layout!.headerLine }];
  for await (const shard of delimitedShards(path, layout!, shardBytes)) {
    parseDelimitedShard({ layout: layout!, path, shard }, (row: TableRow) => {
      expect(row.problem).toBeUndefined();
      rows.push({ cells: row.cells as string[], line: row.line! });
    });
  }
  return rows;
}

describe('line ends, as Python csv and pandas read them', () => {
  it('has an oracle on which both libraries agree', () => {
    expect(oracle.cases.length).toBeGreaterThanOrEqual(10);
    for (const entry of oracle.cases) expect(entry.pandas, entry.name).toEqual(entry.csv);
  });

  it.each(oracle.cases.map((entry) => [entry.name, entry] as const))(
    'one pass: %s',
    async (_name, entry) => {
      const rows = await onePass(await fileOf(entry.name, entry.text));
      expect(rows.map((row) => row.cells)).toEqual(entry.csv);
    },
  );

  it.each(oracle.cases.map((entry) => [entry.name, entry] as const))(
    'in shards cut at every size: %s',
    async (_name, entry) => {
      const path = await fileOf(`${entry.name}-shards`, entry.text);
      const reference = await onePass(path);
      for (const shardBytes of [1, 2, 3, 4, 5, 7, 11, 64]) {
        const rows = await sharded(path, shardBytes);
        expect(
          rows.map((row) => row.cells),
          `shards of ${shardBytes} bytes`,
        ).toEqual(entry.csv);
        // The same file lines as the one-pass reader (a lone CR counts as a line end).
        expect(
          rows.map((row) => row.line),
          `lines, shards of ${shardBytes} bytes`,
        ).toEqual(reference.map((row) => row.line));
      }
    },
  );

  it('follows quotes after any delimiter of the dialect, a two-unit one too', async () => {
    const path = await fileOf('astral', 'a\u{1F600}b\r\n1\u{1F600}"x\r\ny"\r2\u{1F600}3\n');
    const rows: string[][] = [];
    await readDelimited(path, 'csv', ({ fields }) => rows.push(fields), { delimiter: '\u{1F600}' });
    expect(rows).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
      ['2', '3'],
    ]);
  });

  it('counts a lone CR, LF or CRLF as one line, so findings point at the editor line', async () => {
    const rows = await onePass(await fileOf('lines', 'a,b\r\n1,2\r3,4\n5,"x\ny"\r\n6,7'));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3, 4, 6]);
  });
});
