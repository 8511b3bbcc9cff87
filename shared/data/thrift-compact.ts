/**
 * A reader for Thrift's compact protocol, enough for Parquet page headers. hyparquet has one,
 * but does not export it, and the flat-column reader (parquet-flat.ts) must read page headers
 * itself. A struct comes back as its fields by id, the way the Thrift IDL numbers them; the
 * caller names the fields it knows and ignores the rest.
 */

/** A decoded Thrift value. Integers beyond ±2^53 are not expected in page headers and lose digits. */
export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
export interface ThriftStruct {
  [field: number]: ThriftValue | undefined;
}

const enum CompactType {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

/** Nesting deeper than this is corrupt input, not a page header. */
const MAX_DEPTH = 16;

export class ThriftReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}

  /** One struct from the current offset; the offset ends after its stop byte. */
  struct(depth = 0): ThriftStruct {
    if (depth > MAX_DEPTH) throw new Error('thrift structs nested too deeply');
    const fields: ThriftStruct = {};
    let field = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === CompactType.Stop) return fields;
      const delta = header >> 4;
      field = delta === 0 ? this.zigzag() : field + delta;
      fields[field] =
        type === CompactType.True
          ? true
          : type === CompactType.False
            ? false
            : this.value(type, depth);
    }
  }

  private value(type: number, depth: number): ThriftValue {
    switch (type) {
      case CompactType.Byte:
        return (this.byte() << 24) >> 24;
      case CompactType.I16:
      case CompactType.I32:
      case CompactType.I64:
        return this.zigzag();
      case CompactType.Double: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.take(8), 8);
        return view.getFloat64(0, true);
      }
      case CompactType.Binary: {
        const length = this.varint();
        const start = this.take(length);
        return this.bytes.subarray(start, start + length);
      }
      case CompactType.List:
      case CompactType.Set: {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        const elementType = header & 0x0f;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++)
          items.push(
            elementType === CompactType.True || elementType === CompactType.False
              ? this.byte() === 1
              : this.value(elementType, depth + 1),
          );
        return items;
      }
      case CompactType.Map: {
        const size = this.varint();
        if (size === 0) return [];
        const types = this.byte();
        const entries: ThriftValue[] = [];
        for (let i = 0; i < size; i++)
          entries.push([this.value(types >> 4, depth + 1), this.value(types & 0x0f, depth + 1)]);
        return entries;
      }
      case CompactType.Struct:
        return this.struct(depth + 1);
      default:
        throw new Error(`unknown thrift type ${type} at byte ${this.offset - 1}`);
    }
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new Error('thrift data ends early');
    return this.bytes[this.offset++]!;
  }

  /** Moves past `length` bytes and returns where they start. */
  private take(length: number): number {
    if (this.offset + length > this.bytes.length) throw new Error('thrift data ends early');
    const start = this.offset;
    this.offset += length;
    return start;
  }

  /** An unsigned LEB128 varint; arithmetic, not bit operations, so values past 2^31 stay whole. */
  private varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('thrift varint longer than 10 bytes');
  }

  private zigzag(): number {
    const value = this.varint();
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }
}
