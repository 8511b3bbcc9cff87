/** Writes one small table as CSV, JSON Lines or Parquet, so that tests can compare formats. */
import { writeFile } from 'node:fs/promises';
import { parquetWriteFile } from 'hyparquet-writer';

export type Cell = string | number | boolean | null;
export interface Table {
  columns: string[];
  rows: Cell[][];
  /** Parquet column types (hyparquet-writer basic types); guessed from the data when absent. */
  parquetTypes?: Record<string, 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN'>;
}

const csvCell = (cell: Cell) => {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export async function writeCsv(path: string, table: Table): Promise<string> {
  await writeFile(
    path,
    [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n',
  );
  return path;
}

export async function writeJsonl(path: string, table: Table): Promise<string> {
  await writeFile(
    path,
    table.rows
      .map((row) =>
        JSON.stringify(Object.fromEntries(table.columns.map((name, i) => [name, row[i]]))),
      )
      .join('\n') + '\n',
  );
  return path;
}

export async function writeParquet(
  path: string,
  table: Table,
  rowGroupSize?: number,
): Promise<string> {
  parquetWriteFile({
    filename: path,
    columnData: table.columns.map((name, i) => {
      const type = table.parquetTypes?.[name];
      // INT64 columns take BigInts, as hyparquet also returns them (the reader turns them back).
      const data = table.rows.map((row) =>
        type === 'INT64' && typeof row[i] === 'number'
          ? BigInt(row[i] as number)
          : (row[i] ?? null),
      );
      return { name, data, type };
    }),
    ...(rowGroupSize && { rowGroupSize }),
  });
  return path;
}
