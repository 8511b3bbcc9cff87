/**
 * A decoder for flat Parquet columns: top-level, not repeated, of a primitive type the rest of
 * the project reads as a number, a string, a boolean or a date. These are nearly all the columns
 * of a training table, and they decode without Dremel assembly.
 *
 * Written by hand, not left to hyparquet, because the benchmark showed hyparquet to be the
 * bottleneck on exactly these columns: its general list assembly (`assembleLists`) and the
 * garbage it leaves were half of its reading time on a flat table, and reading was half of
 * validating a Parquet file. Here a column comes out as one dense array of its present values
 * and a presence mask, without a per-value object.
 *
 * Anything else — nested columns, decimals, timestamps, DELTA or BYTE_STREAM_SPLIT pages, bit
 * widths past 24 — throws FlatUnsupported, and parquet.ts reads that column with hyparquet. A
 * test checks that both readers give the same cells on files from two writers.
 */
import type { ColumnMetaData, Compressors, SchemaElement } from 'hyparquet';
import type { RawValue } from './raw-value.js';
import { ThriftReader, type ThriftStruct } from './thrift-compact.js';

/** A page or column this decoder does not cover; the caller reads it the general way. */
export class FlatUnsupported extends Error {}

/** How a column's stored values become record values. */
type ValueKind = 'boolean' | 'int32' | 'uint32' | 'date' | 'int64' | 'float' | 'string';

/** A decoded column chunk: its present values in row order, and which rows have one. */
export interface FlatColumn {
  values: ArrayLike<RawValue>;
  /** 1 where the row has a value, 0 where it is null; absent when every row has a value. */
  present: Uint8Array | undefined;
}

export interface FlatColumnPlan {
  kind: ValueKind;
  type: NonNullable<SchemaElement['type']>;
  nullable: boolean;
  codec: ColumnMetaData['codec'];
  /** The chunk's bytes in the file, from its dictionary page (if any) to its end. */
  start: number;
  end: number;
}

/** How a top-level schema element's values read, or undefined when this decoder does not cover it. */
function flatValueKind(element: SchemaElement): ValueKind | undefined {
  if (element.num_children || element.repetition_type === 'REPEATED') return undefined;
  const converted = element.converted_type;
  const logical = element.logical_type;
  switch (element.type) {
    case 'BOOLEAN':
      return converted || logical ? undefined : 'boolean';
    case 'FLOAT':
    case 'DOUBLE':
      return converted || logical ? undefined : 'float';
    case 'INT32':
      if (converted === 'DATE' || logical?.type === 'DATE') return 'date';
      if (
        converted === 'UINT_32' ||
        (logical?.type === 'INTEGER' && !logical.isSigned && logical.bitWidth === 32)
      )
        return 'uint32';
      if (logical && logical.type !== 'INTEGER') return undefined;
      return !converted || ['INT_8', 'INT_16', 'INT_32', 'UINT_8', 'UINT_16'].includes(converted)
        ? 'int32'
        : undefined;
    case 'INT64':
      if (logical && !(logical.type === 'INTEGER' && logical.isSigned)) return undefined;
      return !converted || converted === 'INT_64' ? 'int64' : undefined;
    case 'BYTE_ARRAY':
      // hyparquet reads an unannotated BYTE_ARRAY as UTF-8 text too; so must this reader.
      if (logical && logical.type !== 'STRING' && logical.type !== 'ENUM') return undefined;
      return !converted || converted === 'UTF8' || converted === 'ENUM' ? 'string' : undefined;
    default:
      return undefined;
  }
}

/** The plan for one column chunk, or undefined when its element or codec is not covered. */
export function planFlatColumn(
  element: SchemaElement,
  meta: ColumnMetaData,
  compressors: Compressors,
): FlatColumnPlan | undefined {
  const kind = flatValueKind(element);
  if (!kind || !element.type || meta.path_in_schema.length !== 1) return undefined;
  if (meta.codec !== 'UNCOMPRESSED' && !compressors[meta.codec]) return undefined;
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const dataStart = Number(meta.data_page_offset);
  // Some writers leave dictionary_page_offset at 0 when there is none.
  const from = start > 0 && start < dataStart ? start : dataStart;
  return {
    kind,
    type: element.type,
    nullable: element.repetition_type !== 'REQUIRED',
    codec: meta.codec,
    start: from,
    end: from + Number(meta.total_compressed_size),
  };
}

/** Page types and encodings by their numbers in parquet.thrift. */
const PAGE = { data: 0, index: 1, dictionary: 2, dataV2: 3 } as const;
const ENCODING = { plain: 0, plainDictionary: 2, rle: 3, rleDictionary: 8 } as const;

/**
 * A column's arrays, kept by the caller from one row group to the next and filled again: a
 * row group's columns are large (a value per row), and allocating them anew for every group
 * made garbage collection a tenth of checking a Parquet file.
 */
export interface FlatBuffers {
  numbers?: Float64Array;
  list?: RawValue[];
  present?: Uint8Array;
}

/**
 * Decodes one column chunk of `rows` rows into `buffers` (reused; the result is valid until
 * they are passed again). Corrupt data throws an Error; uncovered encodings throw FlatUnsupported.
 */
export function decodeFlatColumn(
  chunk: Uint8Array,
  plan: FlatColumnPlan,
  rows: number,
  compressors: Compressors,
  buffers: FlatBuffers = {},
): FlatColumn {
  const column = new ColumnBuilder(plan, rows, buffers);
  let dictionary: ArrayLike<RawValue> | undefined;
  const reader = new ThriftReader(chunk, 0);
  while (column.rows < rows) {
    if (reader.offset >= chunk.length)
      throw new Error(`the column chunk ends after ${column.rows} of ${rows} rows`);
    const header = reader.struct();
    const compressedSize = int(header[3], 'compressed_page_size');
    const uncompressedSize = int(header[2], 'uncompressed_page_size');
    // Writers cut pages at about 1 MB; a size past 1 GiB is a damaged header, not a page to allocate.
    if (uncompressedSize > 2 ** 30)
      throw new Error(`a page claims ${uncompressedSize} bytes uncompressed`);
    const pageStart = reader.offset;
    if (pageStart + compressedSize > chunk.length)
      throw new Error('a page runs past the end of its column chunk');
    const page = chunk.subarray(pageStart, pageStart + compressedSize);
    reader.offset = pageStart + compressedSize;
    const type = header[1];
    if (type === PAGE.dictionary) {
      const dictionaryHeader = struct(header[7], 'dictionary_page_header');
      const encoding = int(dictionaryHeader[2], 'encoding');
      if (encoding !== ENCODING.plain && encoding !== ENCODING.plainDictionary)
        throw new FlatUnsupported(`dictionary encoding ${encoding}`);
      const bytes = decompress(page, uncompressedSize, plan.codec, compressors);
      dictionary = decodePlain(plan, bytes, 0, int(dictionaryHeader[1], 'num_values'), [], 0);
    } else if (type === PAGE.data) {
      const dataHeader = struct(header[5], 'data_page_header');
      const bytes = decompress(page, uncompressedSize, plan.codec, compressors);
      const count = column.pageRows(int(dataHeader[1], 'num_values'));
      let offset = 0;
      let present = count;
      if (plan.nullable) {
        if (int(dataHeader[3], 'definition_level_encoding') !== ENCODING.rle)
          throw new FlatUnsupported('BIT_PACKED definition levels');
        const length = uint32(bytes, 0);
        present = column.definitionLevels(bytes, 4, 4 + length, count);
        offset = 4 + length;
      }
      column.values(bytes, offset, present, int(dataHeader[2], 'encoding'), dictionary);
    } else if (type === PAGE.dataV2) {
      const v2 = struct(header[8], 'data_page_header_v2');
      const count = column.pageRows(int(v2[1], 'num_values'));
      if (int(v2[6] ?? 0, 'repetition_levels_byte_length') !== 0)
        throw new FlatUnsupported('repetition levels');
      const levelBytes = int(v2[5] ?? 0, 'definition_levels_byte_length');
      if (levelBytes > page.length)
        throw new Error('definition levels run past the end of their page');
      const present = plan.nullable ? column.definitionLevels(page, 0, levelBytes, count) : count;
      const valueBytes = page.subarray(levelBytes);
      const bytes =
        v2[7] === false
          ? valueBytes
          : decompress(valueBytes, uncompressedSize - levelBytes, plan.codec, compressors);
      column.values(bytes, 0, present, int(v2[4], 'encoding'), dictionary);
    } else if (type !== PAGE.index) {
      throw new Error(`unknown page type ${String(type)}`);
    }
  }
  return column.result();
}

function int(value: ThriftStruct[number], field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new Error(`the page header's ${field} is ${String(value)}, not a count`);
  return value;
}

function struct(value: ThriftStruct[number], field: string): ThriftStruct {
  if (
    typeof value !== 'object' ||
    value === null ||
    value instanceof Uint8Array ||
    Array.isArray(value)
  )
    throw new Error(`the page header has no ${field}`);
  return value;
}

function decompress(
  page: Uint8Array,
  size: number,
  codec: ColumnMetaData['codec'],
  compressors: Compressors,
): Uint8Array {
  if (codec === 'UNCOMPRESSED') return page;
  const output = compressors[codec]!(page, size);
  if (output.length !== size)
    throw new Error(`a ${codec} page decompressed to ${output.length} bytes, not ${size}`);
  return output;
}

const uint32 = (bytes: Uint8Array, at: number) => {
  if (at + 4 > bytes.length) throw new Error('a length prefix runs past the end of its page');
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 0x1000000;
};

/** Accumulates a column chunk's pages into one dense value array and a presence mask. */
class ColumnBuilder {
  /** Rows seen so far, with or without a value. */
  rows = 0;
  private filled = 0;
  /**
   * The values: a Float64Array for the kinds whose values are all numbers, else an array written
   * in order from index 0 (`new Array(n)` past about 32K elements makes a slow dictionary-mode
   * array). Either may be longer than this chunk's values, from an earlier row group.
   */
  private readonly numbers: Float64Array | undefined;
  private readonly list: RawValue[];
  private readonly present: Uint8Array | undefined;
  private nulls = 0;

  constructor(
    private readonly plan: FlatColumnPlan,
    private readonly total: number,
    buffers: FlatBuffers,
  ) {
    // Numbers other than int64 cannot be anything but numbers, so they take a typed array (no boxing, no GC).
    const numeric = plan.kind === 'float' || plan.kind === 'int32' || plan.kind === 'uint32';
    if (numeric && !(buffers.numbers && buffers.numbers.length >= total))
      buffers.numbers = new Float64Array(total);
    if (plan.nullable && !(buffers.present && buffers.present.length >= total))
      buffers.present = new Uint8Array(total);
    this.numbers = numeric ? buffers.numbers : undefined;
    this.present = plan.nullable ? buffers.present : undefined;
    this.list = numeric ? [] : (buffers.list ??= []);
  }

  /** Checks a page's row count against what is left, and takes its rows. */
  pageRows(count: number): number {
    if (this.rows + count > this.total)
      throw new Error(`the pages hold more than the row group's ${this.total} rows`);
    this.rows += count;
    return count;
  }

  /** Fills the presence mask for the page's rows from its definition levels; returns how many have a value. */
  definitionLevels(bytes: Uint8Array, from: number, to: number, count: number): number {
    const present = this.present!;
    const start = this.rows - count;
    decodeHybrid(bytes, from, to, 1, present, start, count);
    let values = 0;
    for (let i = start; i < start + count; i++) values += present[i]!;
    this.nulls += count - values;
    return values;
  }

  /** Appends a page's `count` present values. */
  values(
    bytes: Uint8Array,
    offset: number,
    count: number,
    encoding: number,
    dictionary: ArrayLike<RawValue> | undefined,
  ): void {
    if (encoding === ENCODING.plainDictionary || encoding === ENCODING.rleDictionary) {
      if (!dictionary) throw new Error('a dictionary-encoded page comes before its dictionary');
      if (count === 0) return;
      if (offset >= bytes.length) throw new Error('a dictionary-encoded page has no bit width');
      const width = bytes[offset]!;
      const indices = scratchIndices(count);
      decodeHybrid(bytes, offset + 1, bytes.length, width, indices, 0, count);
      if (this.numbers)
        gatherNumbers(this.numbers, this.filled, dictionary as Float64Array, indices, count);
      else gatherList(this.list, this.filled, dictionary as RawValue[], indices, count);
    } else if (encoding === ENCODING.plain) {
      const values = decodePlain(this.plan, bytes, offset, count, this.list, this.filled);
      if (this.numbers) this.numbers.set(values as Float64Array, this.filled);
    } else if (encoding === ENCODING.rle && this.plan.kind === 'boolean') {
      const bits = scratchBits(count);
      decodeHybrid(bytes, offset + 4, offset + 4 + uint32(bytes, offset), 1, bits, 0, count);
      for (let i = 0; i < count; i++) this.list[this.filled + i] = bits[i] === 1;
    } else {
      throw new FlatUnsupported(`value encoding ${encoding}`);
    }
    this.filled += count;
  }

  result(): FlatColumn {
    return {
      values: this.numbers ?? this.list,
      present: this.nulls > 0 ? this.present : undefined,
    };
  }
}

// Scratch arrays for a page's dictionary indices and bits, used up before the next page.
let indexScratch = new Uint32Array(0);
let bitScratch = new Uint8Array(0);
const scratchIndices = (count: number) =>
  indexScratch.length >= count ? indexScratch : (indexScratch = new Uint32Array(count));
const scratchBits = (count: number) =>
  bitScratch.length >= count ? bitScratch : (bitScratch = new Uint8Array(count));

// The gathers are separate functions so that each sees one array type and V8 keeps it fast.
function gatherNumbers(
  numbers: Float64Array,
  at: number,
  dictionary: Float64Array,
  indices: Uint32Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (index >= dictionary.length) throw pastDictionary(index, dictionary.length);
    numbers[at + i] = dictionary[index]!;
  }
}

function gatherList(
  list: RawValue[],
  at: number,
  dictionary: RawValue[],
  indices: Uint32Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (index >= dictionary.length) throw pastDictionary(index, dictionary.length);
    list[at + i] = dictionary[index]!;
  }
}

const pastDictionary = (index: number, entries: number) =>
  new Error(`dictionary index ${index} is past the dictionary's ${entries} entries`);

/**
 * `count` PLAIN values of the column's type from `offset`: numbers as a new Float64Array, the
 * other kinds written into `list` from index `at` (which is returned).
 */
function decodePlain(
  plan: FlatColumnPlan,
  bytes: Uint8Array,
  offset: number,
  count: number,
  list: RawValue[],
  at: number,
): ArrayLike<RawValue> {
  const width =
    plan.type === 'INT32' || plan.type === 'FLOAT'
      ? 4
      : plan.type === 'INT64' || plan.type === 'DOUBLE'
        ? 8
        : 0;
  if (width && offset + count * width > bytes.length)
    throw new Error(`a page holds fewer than its ${count} values`);
  // A copy makes the values aligned for a typed-array view; Parquet stores them little-endian, as this machine does (checked in parquet.ts).
  const aligned = width
    ? bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * width)
    : undefined;
  switch (plan.kind) {
    case 'float':
      return plan.type === 'FLOAT'
        ? Float64Array.from(new Float32Array(aligned!))
        : new Float64Array(aligned!);
    case 'int32':
      return Float64Array.from(new Int32Array(aligned!));
    case 'uint32':
      return Float64Array.from(new Uint32Array(aligned!));
    case 'date': {
      const days = new Int32Array(aligned!);
      for (let i = 0; i < count; i++) list[at + i] = isoDay(days[i]!);
      return list;
    }
    case 'int64':
      int64Values(new Int32Array(aligned!), count, list, at);
      return list;
    case 'boolean': {
      if (offset + Math.ceil(count / 8) > bytes.length)
        throw new Error(`a page holds fewer than its ${count} values`);
      for (let i = 0; i < count; i++)
        list[at + i] = ((bytes[offset + (i >> 3)]! >> (i & 7)) & 1) === 1;
      return list;
    }
    case 'string':
      byteArrayStrings(bytes, offset, count, list, at);
      return list;
  }
}

/** INT64 as numbers while they are exact (within ±(2^53 − 1)), and as digit strings beyond, like normaliseParquetValue. */
function int64Values(words: Int32Array, count: number, list: RawValue[], at: number): void {
  for (let i = 0; i < count; i++) {
    const low = words[2 * i]!;
    const high = words[2 * i + 1]!;
    const safe = high >= -0x200000 && high < 0x200000 && !(high === -0x200000 && low === 0);
    list[at + i] = safe
      ? high * 0x100000000 + (low >>> 0)
      : ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
  }
}

/** Length-prefixed UTF-8 strings; invalid bytes become U+FFFD, as TextDecoder (hyparquet) makes them. */
function byteArrayStrings(
  bytes: Uint8Array,
  offset: number,
  count: number,
  list: RawValue[],
  into: number,
): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  for (let i = 0; i < count; i++) {
    const length = uint32(bytes, at);
    const start = at + 4;
    at = start + length;
    if (at > bytes.length) throw new Error(`string ${i + 1} of a page runs past its end`);
    list[into + i] = buffer.toString('utf8', start, at);
  }
}

/**
 * The RLE / bit-packed hybrid encoding (definition levels, dictionary indices, RLE booleans):
 * writes `count` values of `width` bits into `out` from `outStart`, reading bytes [from, to).
 */
export function decodeHybrid(
  bytes: Uint8Array,
  from: number,
  to: number,
  width: number,
  out: Uint8Array | Uint32Array,
  outStart: number,
  count: number,
): void {
  // unpackBits's buffer holds up to 31 bits, so 24-bit values at most: wider means a dictionary of 16M+ entries.
  if (width > 24) throw new FlatUnsupported(`bit width ${width}`);
  if (to > bytes.length)
    throw new Error('encoded levels or indices run past the end of their page');
  const mask = width === 0 ? 0 : (1 << width) - 1;
  const byteWidth = (width + 7) >> 3;
  let at = from;
  let written = 0;
  while (written < count) {
    if (at >= to) throw new Error(`encoded levels or indices hold ${written} of ${count} values`);
    // The run header: a ULEB128 varint.
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      if (at >= to || shift > 28)
        throw new Error('a malformed run header in encoded levels or indices');
      byte = bytes[at++]!;
      header |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    header >>>= 0;
    if (header & 1) {
      // Bit-packed: (header >> 1) groups of 8 values, least significant bit first.
      // A run may hold padding values past `count`; only the bytes of the values taken must be there.
      const values = (header >>> 1) * 8;
      const take = Math.min(values, count - written);
      if (at + Math.ceil((take * width) / 8) > to)
        throw new Error('a bit-packed run runs past the end of its page');
      unpackBits(bytes, at, width, mask, out, outStart + written, take);
      at += (values * width) >> 3;
      written += take;
    } else {
      const repeat = header >>> 1;
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value |= bytes[at++]! << (8 * i);
      if (at > to) throw new Error('a repeated run runs past the end of its page');
      const take = Math.min(repeat, count - written);
      out.fill(value >>> 0, outStart + written, outStart + written + take);
      written += take;
    }
  }
}

/** Unpacks `take` values of `width` bits from `at`; reads only the bytes those values occupy. */
function unpackBits(
  bytes: Uint8Array,
  at: number,
  width: number,
  mask: number,
  out: Uint8Array | Uint32Array,
  outAt: number,
  take: number,
): void {
  if (width === 1) {
    // Definition levels and booleans: a byte is eight values.
    for (let i = 0; i < take; i++) out[outAt + i] = (bytes[at + (i >> 3)]! >> (i & 7)) & 1;
    return;
  }
  // A bit buffer refilled a byte at a time; with width <= 24 it never holds more than 31 bits.
  let buffer = 0;
  let bits = 0;
  let next = at;
  for (let i = 0; i < take; i++) {
    while (bits < width) {
      buffer |= bytes[next++]! << bits;
      bits += 8;
    }
    out[outAt + i] = buffer & mask;
    buffer >>>= width;
    bits -= width;
  }
}

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
export function isoDay(days: number): string {
  let text = DAYS.get(days);
  if (text === undefined) {
    if (DAYS.size >= 4096) DAYS.clear();
    DAYS.set(days, (text = isoDate(days * 86_400_000)));
  }
  return text;
}
