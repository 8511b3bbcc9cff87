/**
 * A CSV read with the wrong delimiter (a `;`-separated export from a European spreadsheet, a
 * `|` or tab file named .csv) is one column wide: every row then fails, in thousands of
 * findings that never say why. The header tells: when it is one column that another delimiter
 * splits into the schema's fields, the file is refused with one message that names the
 * delimiter to set. Checked on the header, before any row, in one pass and in shards alike.
 */
import { UserError } from '../action/errors.js';
import type { DataFormat } from '../data/records.js';
import { quoteValue } from '../identifiers.js';

const CANDIDATES = [',', ';', '\t', '|'] as const;

const NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/**
 * The delimiter that splits a one-column header into at least two of the schema's fields (at
 * least half of its parts, or as many parts as the schema has fields), if there is one.
 */
export function sniffDelimiter(
  header: readonly string[],
  fields: readonly string[],
  current: string,
): string | undefined {
  if (header.length !== 1 || fields.length < 2) return undefined;
  const label = header[0]!;
  if (fields.includes(label)) return undefined;
  const known = new Set(fields);
  let best: { delimiter: string; matched: number } | undefined;
  for (const delimiter of CANDIDATES) {
    if (delimiter === current) continue;
    const parts = label.split(delimiter).map((part) => part.trim().replace(/^"(.*)"$/, '$1'));
    if (parts.length < 2 || parts.some((part) => part === '')) continue;
    const matched = parts.filter((part) => known.has(part)).length;
    const fits = matched >= 2 && (matched * 2 >= parts.length || parts.length === fields.length);
    if (fits && (!best || matched > best.matched)) best = { delimiter, matched };
  }
  return best?.delimiter;
}

/** Refuses a CSV or TSV file whose header another delimiter splits into the schema's fields. */
export function refuseWrongDelimiter(
  path: string,
  format: DataFormat,
  header: readonly string[],
  fields: readonly string[],
  delimiter: string | undefined,
): void {
  if (format !== 'csv' && format !== 'tsv') return;
  const current = delimiter ?? (format === 'tsv' ? '\t' : ',');
  const found = sniffDelimiter(header, fields, current);
  if (found === undefined) return;
  const parts = header[0]!.split(found).length;
  const fix =
    found === '\t' ? 'Set input "format" to "tsv"' : `Set input "delimiter" to "${found}"`;
  throw new UserError(
    `The data file "${path}" was read as ${NAMES[current] ?? quoteValue(current)}-separated, but its header is one column, ${quoteValue(header[0])}, which the ${NAMES[found]} splits into ${parts} columns named as the schema's fields: the file is ${NAMES[found]}-separated. ${fix} and run again.`,
  );
}

/**
 * For a file without a schema (infer-schema): the delimiter that splits a sample's header into
 * two or more columns and nearly every row (9 in 10) into as many, when the current one leaves
 * the header and nearly every row one column. Quotes are not parsed: a sniff, not a reader.
 */
export function sniffSampleDelimiter(
  lines: readonly string[],
  current: string,
): string | undefined {
  const rows = lines.filter((line) => line.trim() !== '').slice(0, 50);
  if (rows.length < 2) return undefined;
  const width = (line: string, delimiter: string) => line.split(delimiter).length;
  const nearlyAll = (count: number) => count * 10 >= rows.length * 9;
  if (width(rows[0]!, current) !== 1) return undefined;
  if (!nearlyAll(rows.filter((row) => width(row, current) === 1).length)) return undefined;
  for (const delimiter of CANDIDATES) {
    if (delimiter === current) continue;
    const columns = width(rows[0]!, delimiter);
    if (columns < 2) continue;
    if (nearlyAll(rows.filter((row) => width(row, delimiter) === columns).length)) return delimiter;
  }
  return undefined;
}

/** How a delimiter is named in a message: "semicolon", "tab", … */
export function delimiterName(delimiter: string): string {
  return NAMES[delimiter] ?? quoteValue(delimiter);
}
