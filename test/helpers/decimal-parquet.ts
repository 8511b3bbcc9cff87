/**
 * Parquet files with DECIMAL columns, written by hyparquet-writer from unscaled integers (no
 * float on the way): `amount` DECIMAL(9, 2) stored as INT32, as Spark and DuckDB store money,
 * and `wide` DECIMAL(38, 20) stored as FIXED_LEN_BYTE_ARRAY, as pyarrow stores wide decimals.
 * pyarrow is not installed here; DuckDB's own files are read in test/shared/parquet-flat.test.ts.
 */
import { parquetWriteFile } from 'hyparquet-writer';

export interface DecimalRow {
  /** Unscaled, scale 2: 9999n is 99.99. */
  amount: bigint | null;
  /** Unscaled, scale 20. */
  wide: bigint | null;
}

export function writeDecimalParquet(path: string, rows: readonly DecimalRow[]): string {
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'amount', data: rows.map((r) => r.amount) },
      { name: 'wide', data: rows.map((r) => r.wide) },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      {
        name: 'amount',
        type: 'INT32',
        repetition_type: 'OPTIONAL',
        converted_type: 'DECIMAL',
        scale: 2,
        precision: 9,
      },
      {
        name: 'wide',
        type: 'FIXED_LEN_BYTE_ARRAY',
        type_length: 16,
        repetition_type: 'OPTIONAL',
        converted_type: 'DECIMAL',
        scale: 20,
        precision: 38,
      },
    ],
  });
  return path;
}

/** 99.99 and its neighbours, unscaled: the money column that a float scaling breaks. */
export const MONEY_ROWS: DecimalRow[] = [
  { amount: 9999n, wide: 9999n * 10n ** 18n }, // 99.99 exactly, in both
  { amount: 1n, wide: 1n }, // 0.01 and 1e-20
  { amount: -12345n, wide: null },
  { amount: null, wide: 9999n * 10n ** 18n - 1n }, // 99.98999999999999999999
];
