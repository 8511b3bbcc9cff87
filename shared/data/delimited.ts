/**
 * Streaming reader for CSV and TSV files (optionally gzip-compressed). Rows are handed to a
 * callback one at a time, so memory stays flat whatever the file size. Each row carries the
 * file line it starts on, for annotations and for people opening the file.
 */
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import Papa from 'papaparse';
import { fileError } from '../files/read-file.js';
import { DataFileError } from './data-file-error.js';

export type DelimitedFormat = 'csv' | 'tsv';

export interface DelimitedRow {
  fields: string[];
  /** 1-based line of the file the row starts on. */
  line: number;
  /** Set when the parser could not read the row cleanly (e.g. an unterminated quote). */
  parseError?: string;
  /** An empty line: `fields` is `[""]`. In a one-column file that is one empty cell. */
  blank?: boolean;
}

const DELIMITERS: Record<DelimitedFormat, string> = { csv: ',', tsv: '\t' };

/** The Table Dialect options a delimited file may need; each defaults to the format's usual one. */
export interface Dialect {
  /** One character; `,` for CSV and a tab for TSV by default. */
  delimiter?: string;
  /** One character; `"` by default. */
  quoteChar?: string;
  /** One character that escapes a quote inside a quoted cell; by default the quote is doubled. */
  escapeChar?: string;
}

/**
 * Reads every row, empty lines included and marked `blank`; the newline that ends the file
 * does not make a row. Rejects with a UserError on unreadable input: a missing file, invalid
 * UTF-8 or a truncated gzip stream.
 */
export async function readDelimited(path: string, format: DelimitedFormat, onRow: (row: DelimitedRow) => void, dialect: Dialect = {}): Promise<void> {
  const source = await openText(path);
  let line = 1;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      reject(error);
    };
    source.on('error', (error) => fail(streamError(error, path)));
    Papa.parse<string[]>(source as unknown as File, {
      delimiter: dialect.delimiter ?? DELIMITERS[format],
      quoteChar: dialect.quoteChar ?? '"',
      escapeChar: dialect.escapeChar ?? dialect.quoteChar ?? '"',
      skipEmptyLines: false,
      step(result) {
        const fields = result.data;
        const start = line;
        line += 1 + fields.reduce((count, field) => count + countNewlines(field), 0);
        const error = result.errors[0];
        try {
          // In stream mode papaparse makes no row of the newline that ends the file, so an
          // empty row is a real empty line (test/shared/validate.test.ts pins this down).
          if (error) onRow({ fields, line: start, parseError: error.message });
          else if (fields.length === 1 && fields[0] === '') onRow({ fields, line: start, blank: true });
          else onRow({ fields, line: start });
        } catch (caught) {
          fail(caught);
        }
      },
      complete: () => {
        if (!failed) resolve();
      },
      error: (error: Error) => fail(error),
    });
  });
}

export function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** The file as UTF-8 text, gunzipped when its name ends in `.gz`; errors become DataFileErrors. */
export async function openText(path: string): Promise<Readable> {
  const bytes = createReadStream(path);
  // zlib is loaded only for compressed files: it is a measurable part of start-up.
  const plain: Readable = /\.gz$/i.test(path) ? bytes.pipe((await import('node:zlib')).createGunzip()) : bytes;
  if (plain !== bytes) bytes.on('error', (error) => plain.destroy(error));
  const decoded = plain.pipe(utf8Decoder());
  plain.on('error', (error) => decoded.destroy(error));
  return decoded;
}

class InvalidUtf8Error extends Error {
  constructor(
    readonly offset: number,
    readonly line: number,
  ) {
    super(`invalid UTF-8 at byte offset ${offset} (line ${line})`);
  }
}

/** Decodes strictly: invalid UTF-8 is an error with its byte offset and line, never replaced silently. */
function utf8Decoder(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  let newlines = 0;
  const decode = (chunk: Buffer | undefined, stream: boolean): string => {
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      const at = chunk ? firstInvalidUtf8(chunk) : 0;
      const before = chunk ? countByte(chunk, 0x0a, at) : 0;
      throw new InvalidUtf8Error(offset + at, newlines + before + 1);
    } finally {
      offset += chunk?.length ?? 0;
      newlines += chunk ? countByte(chunk, 0x0a, chunk.length) : 0;
    }
  };
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, callback) {
      try {
        callback(null, decode(chunk, true));
      } catch (error) {
        // Hand on the lines before the bad byte, so that they are still checked.
        const at = (error as InvalidUtf8Error).offset - (offset - chunk.length);
        const lastNewline = chunk.lastIndexOf(0x0a, at);
        if (lastNewline >= 0) this.push(new TextDecoder().decode(chunk.subarray(0, lastNewline + 1)));
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        callback(null, decode(undefined, false));
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

export function countByte(bytes: Uint8Array, byte: number, end: number): number {
  let count = 0;
  for (let index = bytes.indexOf(byte); index !== -1 && index < end; index = bytes.indexOf(byte, index + 1)) count++;
  return count;
}

/**
 * The offset of the first byte that starts no valid UTF-8 sequence, to say where the file goes
 * wrong (TextDecoder only says that it does). Only run once the decoder has failed.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (i + k < bytes.length && (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}

/** The error for a data file whose bytes are not UTF-8, at the first bad byte. */
export function invalidUtf8(path: string, offset: number, line: number): DataFileError {
  return new DataFileError(`The data file "${path}" is not valid UTF-8 text: invalid UTF-8 at byte offset ${offset} (line ${line}). Re-export it as UTF-8.`, 'encoding-error', path, line);
}

export function streamError(error: unknown, path: string): Error {
  if (error instanceof InvalidUtf8Error) return invalidUtf8(path, error.offset, error.line);
  const code = (error as { code?: string }).code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new DataFileError(`The data file "${path}" is not a complete gzip stream (${(error as Error).message}). The file may be truncated; compress it again.`, 'compression-error', path);
  }
  return fileError(error, path, 'data file');
}
