/**
 * Parquet files read row group by row group with hyparquet (pure JavaScript, no native
 * binding), so memory holds one row group at a time whatever the file size. Values come out
 * as the JSON-like values the rest of the project knows: INT64 as numbers (as digit strings
 * beyond ±2^53, so no digit is lost), DECIMAL as the decimal it is (decimal.ts: never scaled
 * through a float), DATE as `YYYY-MM-DD`, timestamps as ISO 8601 text.
 * Flat columns of plain types take the faster decoder in parquet-flat.ts; hyparquet reads the rest.
 */
import type * as hyparquetModule from 'hyparquet';
import type { Compressors, ParquetParsers, SchemaElement } from 'hyparquet';
import { endianness } from 'node:os';
import { fileError } from '../files/read-file.js';
import { DataFileError } from './data-file-error.js';
import { decimalCell, unscaledOf } from './decimal.js';
import {
  decodeFlatColumn,
  FlatUnsupported,
  isoDay,
  planFlatColumn,
  type FlatBuffers,
  type FlatColumn,
} from './parquet-flat.js';
import type { RawValue } from './raw-value.js';

const PARSERS: Partial<ParquetParsers> = {
  dateFromDays: isoDay,
  timestampFromMilliseconds: (millis: bigint) => new Date(Number(millis)).toISOString(),
  timestampFromMicroseconds: (micros: bigint) => new Date(Number(micros / 1000n)).toISOString(),
  timestampFromNanoseconds: (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString(),
};

/** A decoded Parquet value as a record value. */
export function normaliseParquetValue(value: unknown): RawValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(normaliseParquetValue);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, normaliseParquetValue(item)]),
    );
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
  /** Each column's schema element: the flat decoder reads the columns whose element it covers. */
  elements: SchemaElement[];
  /** Rows in each row group. */
  groupRows: number[];
  /** Each column's arrays for the flat decoder, filled again for every row group read (one at a time). */
  buffers: FlatBuffers[];
  /** Each DECIMAL column's scale (undefined for other columns): hyparquet hands over its unscaled integers. */
  scales: (number | undefined)[];
  /** The footer as hyparquet is given it: DECIMAL annotations removed, so that it does not scale them through a float. */
  readMetadata: Metadata;
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
  const children = hyparquet.parquetSchema(metadata).children;
  const columns = children.map((child) => child.element.name);
  const elements = children.map((child) => ({
    ...child.element,
    num_children: child.children.length,
  }));
  const scales = elements.map((element) =>
    !element.num_children && isDecimal(element) ? (element.scale ?? 0) : undefined,
  );
  return {
    path,
    hyparquet,
    file,
    metadata,
    columns,
    elements,
    groupRows: metadata.row_groups.map((group) => Number(group.num_rows)),
    buffers: columns.map(() => ({})),
    scales,
    readMetadata: scales.some((scale) => scale !== undefined)
      ? {
          ...metadata,
          schema: metadata.schema.map((element) =>
            isDecimal(element)
              ? { ...element, converted_type: undefined, logical_type: undefined }
              : element,
          ),
        }
      : metadata,
  };
}

const isDecimal = (element: SchemaElement) =>
  element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL';

const corrupt = (path: string, where: string, error: unknown) =>
  new DataFileError(
    `The data file "${path}" is not a readable Parquet file (${where}: ${(error as Error).message}). Write it again, or check that it is Parquet.`,
    'format-error',
    path,
  );

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
export async function readParquetGroups(
  source: ParquetSource,
  onRow: (cells: RawValue[], row: number) => void,
  from: number,
  to: number,
): Promise<void> {
  const { columns, groupRows } = source;
  const cells = new Array<RawValue>(columns.length);
  for (let index = from; index < to; index++) {
    const data = await readRowGroup(source, index);
    const next = new Array<number>(data.length).fill(0);
    const rowStart = groupStart(source, index);
    for (let i = 0; i < groupRows[index]!; i++) {
      for (let c = 0; c < data.length; c++) {
        const column = data[c]!;
        if (column.present !== undefined && column.present[i] === 0) cells[c] = null;
        else {
          const value = column.values[next[c]!++];
          const scale = source.scales[c];
          cells[c] = column.decoded
            ? (value as RawValue)
            : scale !== undefined
              ? decimalOf(value, scale)
              : parquetCell(value);
        }
      }
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

/** A DECIMAL's unscaled integer (a number, bigint or bytes, as its physical type has it) as a cell. */
function decimalOf(value: unknown, scale: number): RawValue {
  const unscaled = unscaledOf(value);
  return unscaled === undefined ? null : decimalCell(unscaled, scale);
}

/** A decoded Parquet value as a raw cell: numbers, strings, booleans and null as they are, the rest normalised. */
function parquetCell(value: unknown): RawValue {
  return typeof value === 'object' || typeof value === 'bigint' || value === undefined
    ? normaliseParquetValue(value)
    : (value as RawValue);
}

/**
 * One column of a row group: from the flat decoder (`decoded`: present values only, already
 * record values), or from hyparquet (a value per row, still to normalise).
 */
type GroupColumn =
  | { decoded: true; values: ArrayLike<RawValue>; present: Uint8Array | undefined }
  | { decoded: false; values: ArrayLike<unknown>; present: undefined };

/** Typed-array views in the flat decoder read Parquet's little-endian numbers as this machine's. */
const FLAT_DECODER = endianness() === 'LE';

/** The columns of one row group, in file order; a read that fails is a located DataFileError. */
async function readRowGroup(source: ParquetSource, group: number): Promise<GroupColumn[]> {
  const { compressors } = await import('hyparquet-compressors');
  const rowStart = groupStart(source, group);
  const rowEnd = rowStart + source.groupRows[group]!;
  const result = new Array<GroupColumn | undefined>(source.columns.length);
  try {
    const flat = FLAT_DECODER ? await readFlatColumns(source, group, compressors) : [];
    flat.forEach((column, c) => column && (result[c] = { decoded: true, ...column }));
    const rest = source.columns.filter((_, c) => !result[c]);
    if (rest.length > 0) {
      const data = await readWithHyparquet(source, rest, rowStart, rowEnd, compressors);
      source.columns.forEach(
        (name, c) =>
          (result[c] ??= { decoded: false, values: data.get(name) ?? [], present: undefined }),
      );
    }
  } catch (error) {
    throw corrupt(source.path, `row group ${group + 1}, rows ${rowStart + 1} to ${rowEnd}`, error);
  }
  return result as GroupColumn[];
}

/** The flat decoder's columns of a row group; undefined where it does not cover the column (hyparquet reads those). */
async function readFlatColumns(
  source: ParquetSource,
  group: number,
  compressors: Compressors,
): Promise<(FlatColumn | undefined)[]> {
  const rowGroup = source.metadata.row_groups[group]!;
  const rows = source.groupRows[group]!;
  const plans = source.columns.map((name, c) => {
    const chunk = rowGroup.columns.find(
      (column) =>
        column.meta_data?.path_in_schema.length === 1 &&
        column.meta_data.path_in_schema[0] === name,
    );
    return chunk?.meta_data && !chunk.file_path
      ? planFlatColumn(source.elements[c]!, chunk.meta_data, compressors)
      : undefined;
  });
  const planned = plans.filter((plan) => plan !== undefined);
  if (planned.length === 0) return [];
  // One read for the row group's covered chunks, which a writer stores side by side.
  const start = Math.min(...planned.map((plan) => plan.start));
  const end = Math.max(...planned.map((plan) => plan.end));
  if (start < 0 || end > source.file.byteLength)
    throw new Error(
      `column chunks at bytes ${start} to ${end} lie outside the file's ${source.file.byteLength} bytes`,
    );
  const bytes = new Uint8Array(await source.file.slice(start, end));
  return plans.map((plan, c) => {
    if (!plan) return undefined;
    try {
      return decodeFlatColumn(
        bytes.subarray(plan.start - start, plan.end - start),
        plan,
        rows,
        compressors,
        source.buffers[c],
      );
    } catch (error) {
      if (error instanceof FlatUnsupported) return undefined;
      throw error;
    }
  });
}

/** Columns of the rows [rowStart, rowEnd) (one row group) read by hyparquet, by name. */
async function readWithHyparquet(
  source: ParquetSource,
  names: string[],
  rowStart: number,
  rowEnd: number,
  compressors: Compressors,
): Promise<Map<string, ArrayLike<unknown>>> {
  const { hyparquet, file } = source;
  const metadata = source.readMetadata;
  // Column by column (onChunk), not row objects (onComplete): hyparquet then skips transposing the row group.
  const data = new Map<string, ArrayLike<unknown>>();
  const place = (chunk: {
    columnName: string;
    columnData: ArrayLike<unknown>;
    rowStart: number;
    rowEnd: number;
  }) => {
    if (chunk.rowStart === rowStart && chunk.rowEnd === rowEnd) {
      data.set(chunk.columnName, chunk.columnData);
      return;
    }
    // A column delivered in parts (or beyond the range asked): place each part by its rows.
    let target = data.get(chunk.columnName) as unknown[] | undefined;
    if (!target || !Array.isArray(target))
      data.set(chunk.columnName, (target = new Array<unknown>(rowEnd - rowStart)));
    for (let row = Math.max(chunk.rowStart, rowStart); row < Math.min(chunk.rowEnd, rowEnd); row++)
      target[row - rowStart] = chunk.columnData[row - chunk.rowStart];
  };
  const read = (columns: string[], utf8: boolean) =>
    hyparquet.parquetRead({
      file,
      metadata,
      columns,
      compressors,
      parsers: PARSERS,
      utf8,
      rowStart,
      rowEnd,
      onChunk: place,
    });
  // A BYTE_ARRAY DECIMAL holds bytes, not text: read without UTF-8 decoding.
  const binary = new Set(
    source.columns.filter(
      (_, c) => source.scales[c] !== undefined && source.elements[c]!.type === 'BYTE_ARRAY',
    ),
  );
  const text = names.filter((name) => !binary.has(name));
  if (text.length) await read(text, true);
  if (text.length < names.length)
    await read(
      names.filter((name) => binary.has(name)),
      false,
    );
  return data;
}
