/**
 * Streaming reader for CSV and TSV files (optionally gzip-compressed). Rows are handed to a
 * callback one at a time, so memory stays flat whatever the file size. Each row carries the
 * file line it starts on, for annotations and for people opening the file.
 *
 * Line ends are read as Python's csv module and pandas read them: outside quotes, \r\n, \n
 * and a lone \r each end a record, mixed in one file too; inside quotes they are kept as they
 * are. papaparse takes one newline for the whole file (guessed from its start), so a
 * RecordGuard in front of it turns each line end outside quotes into \n. The guard also bounds
 * a record's length (MAX_RECORD_LENGTH: a gzip bomb of one endless line, a quote never closed)
 * and notices NUL bytes, which are reported on their row.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import Papa from 'papaparse';
import { fileError } from '../files/read-file.js';
import { excerpt } from '../validation/findings.js';
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

/**
 * The longest record read, in characters (bytes when a large file is read in shards): a CSV or
 * TSV row, quoted line breaks included, or a JSON line. Real rows are far shorter; past it the
 * file is refused at that line, rather than held in memory whole.
 */
export const MAX_RECORD_LENGTH = 8 * 2 ** 20;

export function recordTooLong(path: string, line: number, what = 'record'): DataFileError {
  return new DataFileError(
    `The data file "${path}" has a ${what} longer than ${MAX_RECORD_LENGTH / 2 ** 20} MiB starting at line ${line} (the limit for one row). ${what === 'line' ? 'A file that is not JSON Lines' : 'A quote that is never closed, or a file that is not CSV or TSV,'} makes one; check the file.`,
    'format-error',
    path,
    line,
  );
}

/** The problem of a row with a NUL byte in a cell: text data holds none, so the file is likely binary or UTF-16. */
export function nulProblem(
  fields: readonly string[],
  header?: readonly string[],
): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const at = fields[i]!.indexOf('\0');
    if (at === -1) continue;
    const name = header?.[i];
    return `cell ${i + 1}${name !== undefined ? ` (column ${JSON.stringify(excerpt(name, 40))})` : ''} holds a NUL byte at character ${at + 1}, which text data never does: the file may be binary, UTF-16 or corrupt`;
  }
  return undefined;
}

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
export async function readDelimited(
  path: string,
  format: DelimitedFormat,
  onRow: (row: DelimitedRow) => void,
  dialect: Dialect = {},
): Promise<void> {
  const delimiter = dialect.delimiter ?? DELIMITERS[format];
  const quoteChar = dialect.quoteChar ?? '"';
  const escapeChar = dialect.escapeChar ?? quoteChar;
  const text = await openText(path);
  text.setEncoding('utf8');
  const guard = new RecordGuard(path, delimiter, quoteChar, escapeChar);
  const source = text.pipe(guard);
  text.on('error', (error) => source.destroy(error));
  source.on('close', () => text.destroy()); // a refused record stops the reading of the file too
  let header: string[] | undefined;
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
      delimiter,
      quoteChar,
      escapeChar,
      newline: '\n', // the guard has made every line end outside quotes one
      skipEmptyLines: false,
      step(result) {
        const fields = result.data;
        const start = line;
        line += 1 + fields.reduce((count, field) => count + countNewlines(field), 0);
        const error = result.errors[0];
        try {
          // Only looked for once the guard has seen a NUL: it runs ahead of the parser.
          const nul = guard.sawNul ? nulProblem(fields, header) : undefined;
          header ??= fields;
          // In stream mode papaparse makes no row of the newline that ends the file, so an
          // empty row is a real empty line (test/shared/validate.test.ts pins this down).
          if (error) onRow({ fields, line: start, parseError: error.message });
          else if (nul) onRow({ fields, line: start, parseError: nul });
          else if (fields.length === 1 && fields[0] === '')
            onRow({ fields, line: start, blank: true });
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

/**
 * Follows quoting as papaparse does (a quote opens a quoted field only at the start of a field;
 * inside one, a doubled quote, or the escape character then a quote, is a literal quote) to turn
 * each line end outside quotes (\r\n, \n, a lone \r) into \n, to stop a record longer than
 * MAX_RECORD_LENGTH, and to notice NUL bytes. Text in, text out. On malformed quoting (a quote
 * closing a field followed by more text) papaparse may keep a line end in the field that this
 * guard took as the end of the record, or the reverse; papaparse reports the quotes either way.
 */
class RecordGuard extends Transform {
  /** A NUL byte has been seen. */
  sawNul = false;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly escape: number;
  private quoted = false;
  private fieldStart = true;
  /** The previous character, across chunks: \r waiting for a \n, or the escape character before a quote. */
  private previous = -1;
  /** In a quoted field whose escape is the quote: a quote was the chunk's last character, not yet known to be doubled. */
  private pendingQuote = false;
  private recordLength = 0;
  private line = 1;
  private recordLine = 1;

  constructor(
    private readonly path: string,
    delimiter: string,
    quoteChar: string,
    escapeChar: string,
  ) {
    super({ decodeStrings: false, encoding: 'utf8' });
    this.delimiter = delimiter.charCodeAt(delimiter.length - 1); // its last unit: a field starts after it (an astral delimiter is two)
    this.quote = quoteChar.charCodeAt(0);
    this.escape = escapeChar.charCodeAt(0);
  }

  override _transform(
    chunk: string | Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null, data?: string) => void,
  ): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    try {
      callback(null, this.follow(text));
    } catch (error) {
      callback(error as Error);
    }
  }

  private follow(text: string): string {
    if (text.indexOf('\0') !== -1) this.sawNul = true;
    const { delimiter, quote, escape } = this;
    const pieces: string[] = [];
    let copied = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (++this.recordLength > MAX_RECORD_LENGTH) throw recordTooLong(this.path, this.recordLine);
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (c === quote) {
          this.previous = c;
          continue; // a doubled quote: still quoted
        }
        this.quoted = false;
      }
      if (this.quoted) {
        if (c === LF) this.line++;
        else if (c === quote) {
          if (escape !== quote) {
            if (this.previous !== escape) this.quoted = false;
          } else if (i + 1 === text.length) this.pendingQuote = true;
          else if (text.charCodeAt(i + 1) === quote) i++;
          else this.quoted = false;
        }
        this.previous = c;
        continue;
      }
      if (c === LF) {
        if (this.previous === CR) {
          // \r\n, or a \r that ended the previous chunk and was made \n already: drop this \n.
          pieces.push(text.slice(copied, i));
          copied = i + 1;
          this.previous = -1;
          continue;
        }
        this.endRecord();
      } else if (c === CR) {
        pieces.push(text.slice(copied, i), '\n');
        copied = i + 1;
        this.endRecord();
        this.previous = CR;
        continue;
      } else if (c === quote && this.fieldStart) {
        this.quoted = true;
        this.fieldStart = false;
      } else this.fieldStart = c === delimiter;
      this.previous = c;
    }
    if (copied === 0) return text;
    pieces.push(text.slice(copied));
    return pieces.join('');
  }

  private endRecord(): void {
    this.line++;
    this.recordLine = this.line;
    this.recordLength = 0;
    this.fieldStart = true;
  }
}

const LF = 0x0a;
const CR = 0x0d;

export function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** The file as UTF-8 text, gunzipped when its name ends in `.gz`; errors become DataFileErrors. */
export async function openText(path: string): Promise<Readable> {
  const bytes = createReadStream(path);
  let plain: Readable = bytes;
  if (/\.gz$/i.test(path)) {
    // zlib is loaded only for compressed files: it is a measurable part of start-up.
    const gunzip = (await import('node:zlib')).createGunzip();
    const limited = expansionLimit(path, await fileSize(path));
    bytes.pipe(gunzip).pipe(limited);
    bytes.on('error', (error) => gunzip.destroy(error));
    gunzip.on('error', (error) => limited.destroy(error));
    plain = limited;
  }
  const decoded = plain.pipe(utf8Decoder());
  plain.on('error', (error) => decoded.destroy(error));
  // A reader that stops early (a refused record or line) closes the file, compressed or not.
  decoded.on('close', () => {
    plain.destroy();
    bytes.destroy();
  });
  return decoded;
}

/**
 * How far a gzip-compressed data file may expand: real tables compress 3 to 50 times, while a
 * gzip bomb (a few kilobytes of zeros or newlines) expands a thousand times, into more rows
 * than a job has time to check. Small files may always reach MIN_EXPANDED_BYTES.
 */
export const MAX_GZIP_EXPANSION = 200;
const MIN_EXPANDED_BYTES = 2 ** 20;

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw fileError(error, path, 'data file');
  }
}

/** Passes decompressed bytes on, and fails once they exceed MAX_GZIP_EXPANSION times the file's size. */
function expansionLimit(path: string, compressedBytes: number): Transform {
  const limit = Math.max(MIN_EXPANDED_BYTES, MAX_GZIP_EXPANSION * compressedBytes);
  let expanded = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      expanded += chunk.length;
      if (expanded <= limit) return callback(null, chunk);
      callback(
        new DataFileError(
          `The data file "${path}" expands to more than ${MAX_GZIP_EXPANSION} times its size when decompressed (past ${formatBytes(limit)}): a gzip bomb, or data far more repetitive than real data. Check the file; a table this repetitive is better stored uncompressed or summarised.`,
          'compression-error',
          path,
        ),
      );
    },
  });
}

const formatBytes = (bytes: number) =>
  bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

class InvalidUtf8Error extends Error {
  constructor(
    readonly offset: number,
    readonly line: number,
    /** The file starts with a UTF-16 byte order mark. */
    readonly utf16 = false,
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
      throw new InvalidUtf8Error(
        offset + at,
        newlines + before + 1,
        offset === 0 && chunk !== undefined && startsWithUtf16Bom(chunk),
      );
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
        if (lastNewline >= 0)
          this.push(new TextDecoder().decode(chunk.subarray(0, lastNewline + 1)));
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

/**
 * How many times `byte` occurs in bytes[0, end). Four bytes at a time (SWAR: a byte of the word
 * XOR the pattern is zero where it matches, and the exact zero-byte test marks each such byte's
 * high bit): the main thread counts every newline of a large file to number the shards' lines,
 * and one indexOf call per newline took about twice as long.
 */
export function countByte(bytes: Uint8Array, byte: number, end: number): number {
  let count = 0;
  let i = 0;
  const head = Math.min(end, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if (bytes[i] === byte) count++;
  const words = Math.max(0, (end - i) >>> 2);
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    const pattern = Math.imul(byte, 0x01010101);
    for (let k = 0; k < words; k++) {
      const x = view[k]! ^ pattern;
      const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (zeros !== 0) count += Math.imul((zeros >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i < end; i++) if (bytes[i] === byte) count++;
  return count;
}

/**
 * The offset of the first byte that starts no valid UTF-8 sequence, to say where the file goes
 * wrong (TextDecoder only says that it does). Only run once the decoder has failed.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const length =
      b < 0x80
        ? 1
        : b >= 0xc2 && b <= 0xdf
          ? 2
          : b >= 0xe0 && b <= 0xef
            ? 3
            : b >= 0xf0 && b <= 0xf4
              ? 4
              : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++)
      if (i + k < bytes.length && (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}

function startsWithUtf16Bom(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  );
}

/** The error for a data file whose bytes are not UTF-8, at the first bad byte. */
export function invalidUtf8(
  path: string,
  offset: number,
  line: number,
  utf16 = false,
): DataFileError {
  if (utf16)
    return new DataFileError(
      `The data file "${path}" is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8. Re-export it as UTF-8.`,
      'encoding-error',
      path,
      1,
    );
  return new DataFileError(
    `The data file "${path}" is not valid UTF-8 text: invalid UTF-8 at byte offset ${offset} (line ${line}). Re-export it as UTF-8.`,
    'encoding-error',
    path,
    line,
  );
}

export function streamError(error: unknown, path: string): Error {
  if (error instanceof InvalidUtf8Error)
    return invalidUtf8(path, error.offset, error.line, error.utf16);
  const code = (error as { code?: string }).code;
  if (code === 'Z_DATA_ERROR' && /header check/.test((error as Error).message)) {
    return new DataFileError(
      `The data file "${path}" is not gzip data, though its name ends in .gz. Compress it with gzip, or drop the .gz from its name.`,
      'compression-error',
      path,
    );
  }
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new DataFileError(
      `The data file "${path}" is not a complete gzip stream (${(error as Error).message}). The file may be truncated; compress it again.`,
      'compression-error',
      path,
    );
  }
  return fileError(error, path, 'data file');
}
