/**
 * The flat-column Parquet decoder against hyparquet, the general reader it stands in for: the
 * same cells from files of two writers (hyparquet-writer's data page v2, DuckDB's data page v1),
 * every codec, nulls, dictionaries, multi-page chunks; and the columns it leaves to hyparquet.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import * as hyparquet from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteFile } from 'hyparquet-writer';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../shared/data/data-file-error.js';
import { normaliseParquetValue, openParquet, readParquet } from '../../shared/data/parquet.js';
import {
  decodeFlatColumn,
  decodeHybrid,
  FlatUnsupported,
  planFlatColumn,
} from '../../shared/data/parquet-flat.js';
import type { RawValue } from '../../shared/data/records.js';

const dir = mkdtempSync(join(tmpdir(), 'parquet-flat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every row as hyparquet reads it on its own, normalised as the project reads values (dates as YYYY-MM-DD). */
async function hyparquetRows(path: string): Promise<RawValue[][]> {
  const file = await hyparquet.asyncBufferFromFile(path);
  const rows = (await hyparquet.parquetReadObjects({
    file,
    compressors,
    parsers: {
      dateFromDays: (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10),
    },
  })) as Record<string, unknown>[];
  return rows.map((row) => Object.values(row).map(normaliseParquetValue));
}

async function projectRows(path: string): Promise<RawValue[][]> {
  const rows: RawValue[][] = [];
  await readParquet(
    path,
    () => {},
    (cells) => rows.push([...cells]),
  );
  return rows;
}

/** The columns the flat decoder read itself in every row group (the rest went to hyparquet). */
async function flatColumns(path: string): Promise<string[]> {
  const source = await openParquet(path);
  const bytes = new Uint8Array(readFileSync(path));
  return source.columns.filter((name, c) =>
    source.metadata.row_groups.every((group, g) => {
      const chunk = group.columns.find(
        (column) => column.meta_data?.path_in_schema.join('.') === name,
      );
      const plan =
        chunk?.meta_data && planFlatColumn(source.elements[c]!, chunk.meta_data, compressors);
      if (!plan) return false;
      try {
        decodeFlatColumn(
          bytes.subarray(plan.start, plan.end),
          plan,
          source.groupRows[g]!,
          compressors,
        );
        return true;
      } catch (error) {
        if (error instanceof FlatUnsupported) return false;
        throw error;
      }
    }),
  );
}

const N = 5000;
const range = (f: (i: number) => unknown) => Array.from({ length: N }, (_, i) => f(i));

describe('flat Parquet columns', () => {
  it('read as hyparquet reads them from data page v2 files (hyparquet-writer): nulls, dictionaries, several pages, every plain type', async () => {
    const path = join(dir, 'writer.parquet');
    parquetWriteFile({
      filename: path,
      rowGroupSize: 2000,
      pageSize: 4096,
      columnData: [
        {
          name: 'int32',
          type: 'INT32',
          data: range((i) => (i % 9 === 0 ? null : ((i * 7919) % 200_001) - 100_000)),
        },
        { name: 'required', type: 'INT32', nullable: false, data: range((i) => i % 17) },
        {
          name: 'int64',
          type: 'INT64',
          data: range((i) =>
            i % 5 === 0
              ? null
              : i % 3 === 0
                ? 9_007_199_254_740_993n + BigInt(i)
                : -BigInt(i) * 1_000_003n,
          ),
        },
        {
          name: 'double',
          type: 'DOUBLE',
          data: range((i) => [Number.NaN, -0, Infinity, null, i / 7][i % 5]),
        },
        { name: 'float', type: 'FLOAT', data: range((i) => (i % 4 === 0 ? null : i / 3)) },
        { name: 'flag', type: 'BOOLEAN', data: range((i) => (i % 6 === 0 ? null : i % 4 === 1)) },
        {
          name: 'category',
          type: 'STRING',
          data: range((i) =>
            i % 10 === 0 ? null : ['apple', 'pear', 'fig', 'ünïcødé', ''][i % 5],
          ),
        },
        { name: 'text', type: 'STRING', data: range((i) => `row ${i} ✓ ${'x'.repeat(i % 40)}`) },
        { name: 'all-null', type: 'DOUBLE', data: range(() => null) },
      ],
    });
    const rows = await projectRows(path);
    expect(rows).toHaveLength(N);
    expect(rows).toEqual(await hyparquetRows(path));
    expect(await flatColumns(path)).toEqual([
      'int32',
      'required',
      'int64',
      'double',
      'float',
      'flag',
      'category',
      'text',
      'all-null',
    ]);
  });

  describe('read as hyparquet reads them from DuckDB files (data page v1)', () => {
    const duckdb = DuckDBInstance.create(':memory:').then((instance) => instance.connect());
    const copy = async (sql: string) => (await duckdb).run(sql);
    // The DECIMAL column (`dec`, column 13) is where this reader departs from hyparquet on purpose: see the DECIMAL tests.
    const withoutDecimal = (rows: RawValue[][]) =>
      rows.map((row) => row.filter((_, c) => c !== 12));
    const select = `SELECT
      i::INTEGER AS i32, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000003 - 2000000000 END::BIGINT AS i64,
      ((i % 5) - 2)::TINYINT AS tiny, (i * 2654435761 % 4294967296)::UINTEGER AS u32, (i * 3)::UBIGINT AS u64,
      CASE WHEN i % 13 = 0 THEN NULL ELSE i / 3.0 END::DOUBLE AS dbl, (i / 7.0)::FLOAT AS flt,
      CASE WHEN i % 11 = 0 THEN NULL ELSE 'cat' || (i % 13) END AS cat, 'ünï-' || i AS txt,
      CASE WHEN i % 17 = 0 THEN NULL ELSE i % 3 = 0 END AS flag, DATE '1969-12-25' + (i % 1000)::INTEGER AS day,
      TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND AS ts, (i / 100.0)::DECIMAL(10, 2) AS dec, [i, i + 1] AS list,
      9007199254740990 + i AS big
      FROM range(${N}) t(i)`;
    const flat = ['i32', 'i64', 'tiny', 'u32', 'dbl', 'flt', 'cat', 'txt', 'flag', 'day', 'big'];
    for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4_raw']) {
      it(codec, async () => {
        const path = join(dir, `duckdb-${codec}.parquet`);
        await copy(
          `COPY (${select}) TO '${path}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`,
        );
        expect((await openParquet(path)).groupRows.length).toBeGreaterThan(1);
        expect(withoutDecimal(await projectRows(path))).toEqual(
          withoutDecimal(await hyparquetRows(path)),
        );
        expect(await flatColumns(path)).toEqual(flat);
      });
    }

    it('leaves DELTA and BYTE_STREAM_SPLIT pages (DuckDB PARQUET_VERSION V2) to hyparquet, in the same row group as its own', async () => {
      const path = join(dir, 'duckdb-v2.parquet');
      await copy(
        `COPY (${select}) TO '${path}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2, ROW_GROUP_SIZE 2048)`,
      );
      expect(withoutDecimal(await projectRows(path))).toEqual(
        withoutDecimal(await hyparquetRows(path)),
      );
      const own = await flatColumns(path);
      expect(own).toContain('cat');
      expect(own).not.toContain('txt');
      expect(own).not.toContain('dbl');
    });
  });

  it('reads DECIMAL as the decimal it is, never scaled through a float: INT32, INT64 and FIXED_LEN_BYTE_ARRAY (DuckDB), BYTE_ARRAY (hyparquet-writer)', async () => {
    const path = join(dir, 'decimal.parquet');
    const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    // i from -5000 to 5000; the last d9 is 99.99, where 9999 × 0.01 = 99.99000000000001.
    await duckdb.run(
      `COPY (SELECT ((i * 2 - 1) * 0.01::DECIMAL(9, 2))::DECIMAL(9, 2) AS d9,
        ((i * 3 + 1) * 0.0001::DECIMAL(18, 4))::DECIMAL(18, 4) AS d18,
        CASE WHEN i % 7 = 0 THEN NULL ELSE ((i * 10000000 + 1) * 0.0000000001::DECIMAL(38, 10))::DECIMAL(38, 10) END AS d38
        FROM range(-5000, 5001) t(i)) TO '${path}' (FORMAT parquet)`,
    );
    const source = await openParquet(path);
    expect(source.elements.map((e) => e.type)).toEqual(['INT32', 'INT64', 'FIXED_LEN_BYTE_ARRAY']);
    const rows = await projectRows(path);
    expect(rows).toHaveLength(10_001);
    // The expected values from decimal text, not from scaling: (i·2 − 1)/100 written as text and read as a number.
    const text = (unscaled: bigint, scale: number) => {
      const sign = unscaled < 0n ? '-' : '';
      const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
      return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    };
    rows.forEach((row, k) => {
      const i = BigInt(k - 5000);
      expect(row[0]).toBe(Number(text(i * 2n - 1n, 2)));
      expect(row[1]).toBe(Number(text(i * 3n + 1n, 4)));
      // DECIMAL(38, 10) past 15 significant digits stays exact text.
      const d38 = text(i * 10_000_000n + 1n, 10).replace(/0+$/, '');
      expect(row[2]).toEqual(
        (k - 5000) % 7 === 0
          ? null
          : d38.replace('-', '').replace('.', '').replace(/^0+/, '').length <= 15
            ? Number(d38)
            : d38,
      );
    });
    expect(rows[10_000]![0]).toBe(99.99);
    // hyparquet on its own scales through a float: the reason for all this.
    const reference = await hyparquetRows(path);
    expect(reference.some((row) => row[0] === 99.99000000000001)).toBe(true);

    const binary = join(dir, 'decimal-bytes.parquet');
    parquetWriteFile({
      filename: binary,
      columnData: [{ name: 'amount', data: [9999n, -1n, null, 12345678901234567890123n] }],
      schema: [
        { name: 'root', num_children: 1 },
        {
          name: 'amount',
          type: 'BYTE_ARRAY',
          repetition_type: 'OPTIONAL',
          converted_type: 'DECIMAL',
          scale: 2,
          precision: 30,
        },
      ],
    });
    expect((await projectRows(binary)).map((row) => row[0])).toEqual([
      99.99,
      -0.01,
      null,
      '123456789012345678901.23',
    ]);
  });

  it('unpacks the RLE / bit-packed hybrid at every bit width up to 24, and refuses wider ones', () => {
    for (let width = 1; width <= 24; width++) {
      const values = Array.from({ length: 1000 }, (_, i) =>
        i % 97 < 40 ? 5 % 2 ** width : (i * 2_654_435_761) % 2 ** width,
      );
      const encoded = encodeHybrid(values, width);
      const out = new Uint32Array(values.length);
      decodeHybrid(encoded, 0, encoded.length, width, out, 0, values.length);
      expect([...out], `width ${width}`).toEqual(values);
      expect(
        () =>
          decodeHybrid(
            encoded.subarray(0, encoded.length - 1),
            0,
            encoded.length - 1,
            width,
            new Uint32Array(values.length),
            0,
            values.length,
          ),
        `width ${width}`,
      ).toThrow(/past the end|hold/);
    }
    expect(() => decodeHybrid(new Uint8Array(8), 0, 8, 25, new Uint32Array(1), 0, 1)).toThrow(
      FlatUnsupported,
    );
  });

  it('reports a damaged page as a corrupt row group, never a crash', async () => {
    const path = join(dir, 'damaged.parquet');
    parquetWriteFile({
      filename: path,
      codec: 'UNCOMPRESSED',
      rowGroupSize: 1000,
      columnData: [{ name: 'n', type: 'INT32', data: range((i) => i) }],
    });
    const source = await openParquet(path);
    const plan = planFlatColumn(
      source.elements[0]!,
      source.metadata.row_groups[1]!.columns[0]!.meta_data!,
      compressors,
    )!;
    const bytes = readFileSync(path);
    // The page header's first field (the page type) becomes a type Parquet does not have.
    bytes[plan.start + 1] = 0x7f;
    writeFileSync(path, bytes);
    const error = await projectRows(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toMatch(
      /not a readable Parquet file \(row group 2, rows 1001 to 2000: .*page/,
    );
  });
});

/** A reference encoder for the hybrid: runs of 8+ equal values as RLE runs, the rest bit-packed in groups of 8. */
function encodeHybrid(values: number[], width: number): Uint8Array {
  const bytes: number[] = [];
  const varint = (value: number) => {
    for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value & 0x7f) | 0x80);
    bytes.push(value);
  };
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && values[i + run] === values[i]) run++;
    if (run >= 8) {
      varint(run * 2);
      for (let b = 0; b < Math.ceil(width / 8); b++)
        bytes.push(Math.floor(values[i]! / 2 ** (8 * b)) & 0xff);
      i += run;
      continue;
    }
    const group = values.slice(i, i + 8);
    varint(3); // one group of 8, bit-packed
    const bits: number[] = [];
    for (let k = 0; k < 8; k++)
      for (let b = 0; b < width; b++) bits.push(Math.floor((group[k] ?? 0) / 2 ** b) % 2);
    for (let k = 0; k < bits.length; k += 8)
      bytes.push(bits.slice(k, k + 8).reduce((byte, bit, b) => byte + bit * 2 ** b, 0));
    i += 8;
  }
  return Uint8Array.from(bytes);
}
