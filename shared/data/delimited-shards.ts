/**
 * CSV and TSV cut into shards of whole records, so that workers can parse and check them
 * side by side while the file is read once, in constant memory (a few shards in flight).
 *
 * papaparse cannot start in the middle of a file: whether a newline ends a record depends on
 * the quotes before it. So the cut is found here by a small scanner that follows RFC 4180's
 * quoting (a quote opens a quoted field only at the start of a field; a doubled quote inside
 * one is a literal quote), the way papaparse reads well-formed files. A shard is whole records,
 * with the file line and data row it starts at, so every finding keeps its true location.
 * Inside a shard, records without a quote are split on the delimiter directly, and records with
 * one are handed to papaparse, which reports their quoting problems as the one-pass reader does.
 * On malformed quoting the two readers may cut records differently; both report the problem.
 *
 * Line ends are the one-pass reader's: outside quotes \r\n, \n and a lone \r each end a record,
 * mixed in one file too. A record longer than MAX_RECORD_LENGTH bytes stops the file, and a
 * NUL byte in a cell is reported on its row, as in the one-pass reader.
 */
import { open, type FileHandle } from 'node:fs/promises';
import Papa from 'papaparse';
import { fileError } from '../files/read-file.js';
import {
  countByte,
  countNewlines,
  firstInvalidUtf8,
  invalidUtf8,
  MAX_RECORD_LENGTH,
  nulProblem,
  recordTooLong,
  type DelimitedFormat,
  type Dialect,
} from './delimited.js';
import type { TableRow } from './records.js';

const DELIMITERS: Record<DelimitedFormat, string> = { csv: ',', tsv: '\t' };
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Line breaks in bytes[0, end) without quotes: each \n, and each \r not followed by \n (old Mac line ends). */
function countLineBreaks(bytes: Uint8Array, end: number): number {
  const newlines = countByte(bytes, NEWLINE, end);
  if (bytes.subarray(0, end).indexOf(CR) === -1) return newlines;
  let lone = 0;
  for (
    let index = bytes.indexOf(CR);
    index !== -1 && index < end;
    index = bytes.indexOf(CR, index + 1)
  )
    if (bytes[index + 1] !== NEWLINE) lone++;
  return newlines + lone;
}

/** What the shards of one file share: its dialect, resolved, and where its header is. */
export interface DelimitedLayout {
  delimiter: string;
  quoteChar: string;
  /** The header line ends in \r\n (every record's \r before its \n is dropped whatever this says). */
  crlf: boolean;
  header: string[];
  /** The header's file line. */
  headerLine: number;
  /** Byte offset of the first data record, and its file line. */
  dataOffset: number;
  dataLine: number;
}

export interface DelimitedShard {
  bytes: Uint8Array;
  /** Byte offset of the shard in the file, for the location of invalid UTF-8. */
  offset: number;
  firstLine: number;
  firstRow: number;
  /** The last shard of the file: its last record may lack the newline. */
  final: boolean;
}

/**
 * The layout of a file that can be cut into shards, read from its first block; undefined when
 * it cannot (a dialect the scanner does not follow, no newline in the first block, a header
 * that papaparse finds malformed): such files are read in one pass.
 */
export async function delimitedLayout(
  path: string,
  format: DelimitedFormat,
  dialect: Dialect = {},
): Promise<DelimitedLayout | undefined> {
  const delimiter = dialect.delimiter ?? DELIMITERS[format];
  const quoteChar = dialect.quoteChar ?? '"';
  const escapeChar = dialect.escapeChar ?? quoteChar;
  if (escapeChar !== quoteChar || !isAscii(delimiter) || !isAscii(quoteChar)) return undefined;
  const handle = await openData(path);
  try {
    const block = new Uint8Array(1 << 20);
    const { bytesRead } = await handle.read(block, 0, block.length, 0);
    const scanner = new RecordScanner(delimiter.charCodeAt(0), quoteChar.charCodeAt(0));
    let start = 0;
    let line = 1;
    for (;;) {
      const end = scanner.nextRecordEnd(block, start, bytesRead);
      if (end === -1) return undefined;
      const record = block.subarray(start, end - 1);
      const lines = 1 + countByte(record, NEWLINE, record.length);
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(record);
      if (text === '' || text === '\r') {
        // Blank lines before the header hold nothing, as in the one-pass reader.
        start = end;
        line += lines;
        continue;
      }
      const crlf = text.endsWith('\r');
      const parsed = Papa.parse<string[]>(crlf ? text.slice(0, -1) : text, {
        delimiter,
        quoteChar,
        escapeChar,
        newline: '\n',
      });
      if (parsed.errors.length || parsed.data.length !== 1) return undefined;
      return {
        delimiter,
        quoteChar,
        crlf,
        header: parsed.data[0]!,
        headerLine: line,
        dataOffset: end,
        dataLine: line + lines,
      };
    }
  } catch {
    return undefined; // invalid UTF-8 in the header, and the like: the one-pass reader says what is wrong
  } finally {
    await handle.close();
  }
}

const isAscii = (char: string) =>
  char.length === 1 && char.charCodeAt(0) < 0x80 && char !== '\n' && char !== '\r';

async function openData(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw fileError(error, path, 'data file');
  }
}

/** The smallest shard the tail of a file is cut into (or `shardBytes`, when that is smaller). */
const MIN_TAIL_SHARD_BYTES = 256 * 2 ** 10;

/**
 * The size of the next shard: `shardBytes`, until the rest of the file would make fewer than two
 * shards per worker; then a share of what is left (guided self-scheduling), so that the workers
 * finish together rather than one of them checking the last whole shard alone (on the bench's
 * 1M-row CSV, 17 shards of 4 MiB on 2 workers left one idle for a shard's time at the end).
 */
function nextShardBytes(shardBytes: number, remaining: number, workers: number): number {
  return Math.max(
    Math.min(shardBytes, MIN_TAIL_SHARD_BYTES),
    Math.min(shardBytes, Math.ceil(remaining / (2 * workers))),
  );
}

/**
 * The data records of a file as shards of about `shardBytes`, each a fresh buffer that can be
 * moved to a worker. A record longer than a shard makes the shard grow to hold it. With
 * `workers`, the file's tail is cut into smaller shards (nextShardBytes).
 */
export async function* delimitedShards(
  path: string,
  layout: DelimitedLayout,
  shardBytes: number,
  workers = 1,
): AsyncGenerator<DelimitedShard> {
  const handle = await openData(path);
  const scanner = new RecordScanner(layout.delimiter.charCodeAt(0), layout.quoteChar.charCodeAt(0));
  try {
    // Read once: a file that grows while it is read is read to its end all the same (eof below).
    const size = workers > 1 ? (await handle.stat()).size : 0;
    let position = layout.dataOffset;
    let line = layout.dataLine;
    let row = 1;
    let carry: Uint8Array = new Uint8Array(0);
    let eof = false;
    while (!eof || carry.length) {
      const target =
        workers > 1
          ? nextShardBytes(shardBytes, size - position + carry.length, workers)
          : shardBytes;
      let buffer = new Uint8Array(Math.max(target, carry.length * 2));
      buffer.set(carry);
      let filled = carry.length;
      let end = -1;
      let records = 0;
      let newlines = 0;
      let grown = false;
      for (;;) {
        if (!eof && filled < buffer.length) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
          position += bytesRead;
          filled += bytesRead;
          if (bytesRead === 0) eof = true;
          if (!eof && filled < buffer.length) continue;
        }
        ({ end, records, newlines } = scanner.lastRecordEnd(buffer, filled));
        if (end > 0 || eof) break;
        // The buffer is one record, not yet ended, which starts at `line`: past the limit, do not grow it further.
        if (filled >= MAX_RECORD_LENGTH) throw recordTooLong(path, line);
        grown = true;
        const larger = new Uint8Array(buffer.length * 2); // one record longer than the shard
        larger.set(buffer.subarray(0, filled));
        buffer = larger;
      }
      // A shard grown for one long record: that record (the first) may still be over the limit.
      if (
        grown &&
        (end === -1 ? filled : scanner.nextRecordEnd(buffer, 0, filled)) > MAX_RECORD_LENGTH
      )
        throw recordTooLong(path, line);
      const final = eof && (end === -1 || end === filled);
      const cut = final ? filled : end;
      if (cut === 0) break;
      const bytes = buffer.subarray(0, cut);
      carry = buffer.slice(cut, filled);
      // Counted before the shard goes, as its buffer moves to a worker. A last record without
      // its newline is one more record and one more line.
      const unterminated = final && bytes[cut - 1] !== NEWLINE && bytes[cut - 1] !== CR ? 1 : 0;
      const whole = end === cut; // else the last shard, which no newline outside quotes ends
      const lines = (whole ? newlines : scanner.lineBreaks(bytes, cut)) + unterminated;
      yield { bytes, offset: position - filled, firstLine: line, firstRow: row, final };
      line += lines;
      row += (whole ? records : 0) + unterminated;
      if (final) break;
    }
  } finally {
    await handle.close();
  }
}

/** Finds where records end in a file's bytes (scanRecords), with shortcuts for the usual blocks without quotes. */
class RecordScanner {
  constructor(
    private readonly delimiter: number,
    private readonly quote: number,
  ) {}

  /** The offset just past the first record ending at or after `start`, or -1 when none ends before `end`. */
  nextRecordEnd(bytes: Uint8Array, start: number, end: number): number {
    let found = -1;
    this.scan(bytes, start, end, (at) => {
      found = at;
      return false;
    });
    return found;
  }

  /**
   * The offset just past the last complete record in bytes[0, end) (-1 when none), with how many
   * records and newlines (quoted ones too) come before it: a shard's rows and file lines.
   */
  lastRecordEnd(
    bytes: Uint8Array,
    end: number,
  ): { end: number; records: number; newlines: number } {
    const view = bytes.subarray(0, end);
    if (view.indexOf(this.quote) === -1 && view.indexOf(CR) === -1) {
      const last = view.lastIndexOf(NEWLINE);
      const newlines = last === -1 ? 0 : countByte(view, NEWLINE, last + 1);
      return { end: last === -1 ? -1 : last + 1, records: newlines, newlines };
    }
    let found = -1;
    let records = 0;
    let loneCRs = 0;
    this.scan(bytes, 0, end, (at) => {
      found = at;
      records++;
      if (bytes[at - 1] === CR) loneCRs++;
      return true;
    });
    return {
      end: found,
      records,
      newlines: found === -1 ? 0 : countByte(view, NEWLINE, found) + loneCRs,
    };
  }

  /** The line breaks in the whole text bytes[0, end): each \n, and each lone \r outside quotes (inside, it is part of a cell). */
  lineBreaks(bytes: Uint8Array, end: number): number {
    const view = bytes.subarray(0, end);
    if (view.indexOf(this.quote) === -1) return countLineBreaks(view, end);
    let loneCRs = 0;
    this.scan(
      bytes,
      0,
      end,
      (at) => {
        if (bytes[at - 1] === CR) loneCRs++;
        return true;
      },
      true,
    );
    return countByte(view, NEWLINE, end) + loneCRs;
  }

  /** scanRecords over bytes[start, end), read as Latin-1 so that offsets in the text are offsets in the bytes. */
  private scan(
    bytes: Uint8Array,
    start: number,
    end: number,
    onRecordEnd: (at: number) => boolean,
    complete = false,
  ): void {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(
      'latin1',
    );
    scanRecords(text, this.delimiter, this.quote, complete, (at) => onRecordEnd(start + at));
  }
}

/**
 * The one reading of quotes both the cutter (over bytes) and the workers (over text) follow:
 * calls `onRecordEnd(offset just past the newline)` for each line end outside quotes (\n, or a
 * \r not followed by \n), until it returns false. A quote opens a quoted field only at the start of a field; inside one, a
 * doubled quote is a literal quote and a single one ends it. When the text is not `complete`,
 * a quote or \r at its very end is left undecided (the next byte may double the quote or make
 * the \r a \r\n) and the scan stops.
 */
function scanRecords(
  text: string,
  delimiter: number,
  quote: number,
  complete: boolean,
  onRecordEnd: (at: number) => boolean,
): void {
  let fieldStart = true;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c !== quote) continue;
      if (i + 1 === text.length && !complete) return;
      if (text.charCodeAt(i + 1) === quote) i++;
      else quoted = false;
    } else if (c === NEWLINE) {
      fieldStart = true;
      if (!onRecordEnd(i + 1)) return;
    } else if (c === CR) {
      if (i + 1 === text.length && !complete) return;
      if (text.charCodeAt(i + 1) === NEWLINE) continue;
      fieldStart = true;
      if (!onRecordEnd(i + 1)) return;
    } else if (c === delimiter) fieldStart = true;
    else if (c === quote && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else fieldStart = false;
  }
}

export interface ShardParse {
  layout: DelimitedLayout;
  path: string;
  shard: DelimitedShard;
}

/**
 * Parses a shard into rows, as readTable does for the whole file: each with its data row and
 * file line, empty lines marked blank, unreadable records with the problem. Throws the
 * encoding DataFileError at the first invalid UTF-8 byte, after the rows before it.
 */
export function parseDelimitedShard(
  { layout, path, shard }: ShardParse,
  onRow: (row: TableRow) => void,
): void {
  const { bytes } = shard;
  let text: string;
  let invalidAt = -1;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    invalidAt = firstInvalidUtf8(bytes);
    const lastNewline = bytes.lastIndexOf(NEWLINE, invalidAt);
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(0, lastNewline + 1),
    );
  }
  const { delimiter, quoteChar } = layout;
  const next = { line: shard.firstLine, row: shard.firstRow };
  // NUL bytes are looked for on each row only in a shard that has one.
  const emit = text.indexOf('\0') === -1 ? onRow : withNulCheck(onRow, layout.header);
  if (text.indexOf(quoteChar) !== -1) readQuotedRecords(text, layout, next, emit);
  else if (text.indexOf('\r') === -1) readPlainRecords(text, delimiter, false, next, emit);
  else if (!hasLoneCR(text))
    readPlainRecords(text, delimiter, true, next, emit); // CRLF lines: the usual Windows file
  else readPlainRecords(text.replace(/\r\n?/g, '\n'), delimiter, false, next, emit); // no quotes: every \r is a line end
  if (invalidAt !== -1)
    throw invalidUtf8(
      path,
      shard.offset + invalidAt,
      shard.firstLine + countByte(bytes, NEWLINE, invalidAt),
    );
}

/**
 * The rows of a shard without quotes: one a line, cells between delimiters. Cut with indexOf
 * and slice rather than split(): on the bench's file that reads the cells in half the time. The
 * newline that ends the last line makes no row.
 */
function withNulCheck(
  onRow: (row: TableRow) => void,
  header: readonly string[],
): (row: TableRow) => void {
  return (row) => {
    const problem = row.problem ? undefined : nulProblem(row.cells as string[], header);
    onRow(problem ? { cells: row.cells, row: row.row, line: row.line, problem } : row);
  };
}

/** A \r not followed by \n: an old Mac line end. */
function hasLoneCR(text: string): boolean {
  for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1))
    if (text.charCodeAt(at + 1) !== NEWLINE) return true;
  return false;
}

/** `crlf`: drop the \r of each line's \r\n (there is no lone \r). */
function readPlainRecords(
  text: string,
  delimiter: string,
  crlf: boolean,
  next: { line: number; row: number },
  onRow: (row: TableRow) => void,
): void {
  // The next delimiter at or after `start`, kept across lines so that a file with few delimiters is not scanned again for each line.
  let delimiterAt = -2;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const recordEnd = crlf && end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    const line = next.line++;
    if (recordEnd === start) onRow({ cells: [''], row: next.row++, line, blank: true });
    else {
      const cells: string[] = [];
      let cell = start;
      for (;;) {
        if (delimiterAt < cell && delimiterAt !== -1) delimiterAt = text.indexOf(delimiter, cell);
        if (delimiterAt === -1 || delimiterAt >= recordEnd) {
          cells.push(text.slice(cell, recordEnd));
          break;
        }
        cells.push(text.slice(cell, delimiterAt));
        cell = delimiterAt + 1;
      }
      onRow({ cells, row: next.row++, line });
    }
    start = end + 1;
  }
}

/** The rows of a shard with quotes: records that have one go to papaparse, the others are split directly. */
function readQuotedRecords(
  text: string,
  layout: DelimitedLayout,
  next: { line: number; row: number },
  onRow: (row: TableRow) => void,
): void {
  const { delimiter, quoteChar } = layout;
  const newline = '\n'; // a record holds no line end outside quotes
  for (let record of splitQuotedRecords(text, layout)) {
    const line = next.line;
    const row = next.row++;
    if (record.endsWith('\r')) record = record.slice(0, -1);
    if (record.indexOf(quoteChar) === -1) {
      next.line++;
      onRow(
        record === ''
          ? { cells: [''], row, line, blank: true }
          : { cells: record.split(delimiter), row, line },
      );
      continue;
    }
    next.line += 1 + countNewlines(record);
    const parsed = Papa.parse<string[]>(record, {
      delimiter,
      quoteChar,
      escapeChar: quoteChar,
      newline,
    });
    const error = parsed.errors[0];
    const cells = parsed.data[0] ?? [''];
    if (error) onRow({ cells, row, line, problem: error.message });
    else if (parsed.data.length !== 1)
      onRow({ cells, row, line, problem: 'its quotes do not pair up into fields' });
    else onRow({ cells, row, line });
  }
}

/** The shard's text as records, without their newlines, where quoted fields may hold newlines. */
function splitQuotedRecords(text: string, layout: DelimitedLayout): string[] {
  const records: string[] = [];
  let start = 0;
  scanRecords(text, layout.delimiter.charCodeAt(0), layout.quoteChar.charCodeAt(0), true, (at) => {
    records.push(text.slice(start, at - 1)); // without the \n, or the lone \r; a \r before a \n is dropped by the caller
    start = at;
    return true;
  });
  if (start < text.length) records.push(text.slice(start));
  return records;
}
