/**
 * Parquet files read row group by row group with hyparquet (pure JavaScript, no native
 * binding), so memory holds one row group at a time whatever the file size. Values come out
 * as the JSON-like values the rest of the project knows: INT64 as numbers (as digit strings
 * beyond ±2^53, so no digit is lost), DATE as `YYYY-MM-DD`, timestamps as ISO 8601 text.
 */
import type * as hyparquetModule from 'hyparquet';
import type { ParquetParsers } from 'hyparquet';
import { fileError } from '../files/read-file.js';
import { DataFileError } from './data-file-error.js';
import type { RawValue } from './records.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function isoDate(millis: number): string {
  const date = new Date(millis);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/**
 * Day numbers as ISO dates, remembered: a date column repeats its days, and building the text
 * costs more than the rest of reading the value. Bounded: emptied past 4,096 days.
 */
const DAYS = new Map<number, string>();
function isoDay(days: number): string {
  let text = DAYS.get(days);
  if (text === undefined) {
    if (DAYS.size >= 4096) DAYS.clear();
    DAYS.set(days, (text = isoDate(days * 86_400_000)));
  }
  return text;
}

const PARSERS: Partial<ParquetParsers> = {
  dateFromDays: isoDay,
  timestampFromMilliseconds: (millis: bigint) => new Date(Number(millis)).toISOString(),
  timestampFromMicroseconds: (micros: bigint) => new Date(Number(micros / 1000n)).toISOString(),
  timestampFromNanoseconds: (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString(),
};

/** A decoded Parquet value as a record value. */
export function normaliseParquetValue(value: unknown): RawValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(normaliseParquetValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normaliseParquetValue(item)]));
  return value as RawValue;
}

type Hyparquet = typeof hyparquetModule;
type Metadata = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;

export interface ParquetSource {
  path: string;
  hyparquet: Hyparquet;
  file: Awaited<ReturnType<Hyparquet['asyncBufferFromFile']>>;
  metadata: Metadata;
  columns: string[];
  /** Rows in each row group. */
  groupRows: number[];
}

/** Opens a Parquet file and reads its footer; a corrupt footer is a located DataFileError. */
export async function openParquet(path: string): Promise<ParquetSource> {
  const hyparquet = await import('hyparquet');
  let file: ParquetSource['file'];
  try {
    file = await hyparquet.asyncBufferFromFile(path);
  } catch (error) {
    throw fileError(error, path, 'data file');
  }
  let metadata: Metadata;
  try {
    metadata = await hyparquet.parquetMetadataAsync(file);
  } catch (error) {
    throw corrupt(path, 'footer', error);
  }
  const columns = hyparquet.parquetSchema(metadata).children.map((child) => child.element.name);
  return { path, hyparquet, file, metadata, columns, groupRows: metadata.row_groups.map((group) => Number(group.num_rows)) };
}

const corrupt = (path: string, where: string, error: unknown) =>
  new DataFileError(`The data file "${path}" is not a readable Parquet file (${where}: ${(error as Error).message}). Write it again, or check that it is Parquet.`, 'format-error', path);

/** `onRow` gets one cells array, refilled for every row: read it during the call, do not keep it. */
export async function readParquet(
  path: string,
  onHeader: (columns: string[]) => void,
  onRow: (cells: RawValue[], row: number) => void,
): Promise<void> {
  const source = await openParquet(path);
  onHeader(source.columns);
  await readParquetGroups(source, onRow, 0, source.groupRows.length);
}

/** The rows of row groups [from, to) of an opened file (a shard), as readParquet gives them. */
export async function readParquetGroups(source: ParquetSource, onRow: (cells: RawValue[], row: number) => void, from: number, to: number): Promise<void> {
  const { columns, groupRows } = source;
  const cells = new Array<RawValue>(columns.length);
  for (let index = from; index < to; index++) {
    const data = await readRowGroup(source, index);
    const arrays = columns.map((name) => data.get(name));
    const rowStart = groupStart(source, index);
    for (let i = 0; i < groupRows[index]!; i++) {
      for (let c = 0; c < arrays.length; c++) cells[c] = parquetCell(arrays[c]?.[i]);
      onRow(cells, rowStart + i + 1);
    }
  }
}

/** The 0-based index of the first row of a row group. */
function groupStart(source: ParquetSource, group: number): number {
  let start = 0;
  for (let i = 0; i < group; i++) start += source.groupRows[i]!;
  return start;
}

/** A decoded value as a raw cell: numbers, strings, booleans and null as they are, the rest normalised. */
function parquetCell(value: unknown): RawValue {
  return typeof value === 'object' || typeof value === 'bigint' || value === undefined ? normaliseParquetValue(value) : (value as RawValue);
}

/** The columns of one row group, by name. */
async function readRowGroup(source: ParquetSource, group: number): Promise<Map<string, ArrayLike<unknown>>> {
  const { hyparquet, file, metadata } = source;
  const { compressors } = await import('hyparquet-compressors');
  const rowStart = groupStart(source, group);
  const rowEnd = rowStart + source.groupRows[group]!;
  // Column by column (onChunk), not row objects (onComplete): hyparquet then skips transposing the row group.
  const data = new Map<string, ArrayLike<unknown>>();
  const place = (chunk: { columnName: string; columnData: ArrayLike<unknown>; rowStart: number; rowEnd: number }) => {
    if (chunk.rowStart === rowStart && chunk.rowEnd === rowEnd) {
      data.set(chunk.columnName, chunk.columnData);
      return;
    }
    // A column delivered in parts (or beyond the range asked): place each part by its rows.
    let target = data.get(chunk.columnName) as unknown[] | undefined;
    if (!target || !Array.isArray(target)) data.set(chunk.columnName, (target = new Array<unknown>(rowEnd - rowStart)));
    for (let row = Math.max(chunk.rowStart, rowStart); row < Math.min(chunk.rowEnd, rowEnd); row++) target[row - rowStart] = chunk.columnData[row - chunk.rowStart];
  };
  try {
    await hyparquet.parquetRead({ file, metadata, compressors, parsers: PARSERS, rowStart, rowEnd, onChunk: place });
  } catch (error) {
    throw corrupt(source.path, `row group ${group + 1}, rows ${rowStart + 1} to ${rowEnd}`, error);
  }
  return data;
}
