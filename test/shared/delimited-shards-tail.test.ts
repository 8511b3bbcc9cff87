/**
 * The tail of a large CSV is cut into smaller shards, so that the workers finish together
 * (delimited-shards.ts, nextShardBytes): the shards still hold every record once, in order, with
 * the right rows and lines, whatever the number of workers.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  delimitedLayout,
  delimitedShards,
  parseDelimitedShard,
} from '../../shared/data/delimited-shards.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const ROWS = 60_000; // about 1.5 MiB: past the 256 KiB tail shards, several times over

async function csvFile(): Promise<string> {
  const path = join(dir, 'tail.csv');
  const lines = ['id,name,score'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},name ${i % 97},${(i * 0.37).toFixed(2)}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function shardsOf(path: string, shardBytes: number, workers?: number) {
  const layout = (await delimitedLayout(path, 'csv'))!;
  const sizes: number[] = [];
  const rows: { id: string; row: number; line: number | undefined }[] = [];
  for await (const shard of delimitedShards(path, layout, shardBytes, workers)) {
    sizes.push(shard.bytes.length);
    parseDelimitedShard({ layout, path, shard }, (row) =>
      rows.push({ id: row.cells[0] as string, row: row.row, line: row.line }),
    );
  }
  return { sizes, rows };
}

describe('shards of a file tail', () => {
  it('shrink towards the end with several workers, and stay whole records in order', async () => {
    const path = await csvFile();
    const plain = await shardsOf(path, 1 << 20);
    const balanced = await shardsOf(path, 1 << 20, 2);
    // Without workers: shards of the full size but the last; with two, the tail is cut finer.
    expect(plain.sizes.length).toBe(2);
    expect(balanced.sizes.length).toBeGreaterThan(plain.sizes.length);
    expect(balanced.sizes.at(-2)!).toBeLessThan(balanced.sizes[0]!);
    expect(Math.min(...balanced.sizes.slice(0, -1))).toBeGreaterThanOrEqual(256 * 1024 - 64);
    expect(balanced.rows).toEqual(plain.rows);
    expect(balanced.rows.length).toBe(ROWS);
    expect(balanced.rows.at(-1)).toEqual({ id: String(ROWS), row: ROWS, line: ROWS + 1 });
  });

  it('keeps tiny shard sizes as asked, below the tail minimum', async () => {
    const path = await csvFile();
    const { sizes, rows } = await shardsOf(path, 50_000, 4);
    expect(Math.max(...sizes)).toBeLessThan(50_000 + 64);
    expect(rows.length).toBe(ROWS);
  });
});
