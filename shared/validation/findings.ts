/**
 * One taxonomy for every problem found in data, after frictionless' error codes (and, for
 * column and dataset checks, TFDV's anomalies and Great Expectations' expectations), so reports
 * from this project read like the ones data people already know.
 */
import { escapeInvisible, hasInvisible } from '../markdown/escape.js';

export type FindingLevel = 'error' | 'warning';

/** Where a finding lives, from the whole file down to one cell. */
export type FindingScope = 'file' | 'header' | 'row' | 'cell' | 'column' | 'dataset';

export const FINDING_CODES = {
  // file: the bytes are not what the format says
  'encoding-error': 'file', // invalid UTF-8
  'compression-error': 'file', // a truncated or corrupt gzip stream
  'format-error': 'file', // a corrupt Parquet file
  'empty-file': 'file', // no header, or a header and no rows
  // header: the columns do not match the schema's fields (by its fieldsMatch rule)
  'missing-label': 'header', // a schema field has no column
  'extra-label': 'header', // a column has no schema field
  'duplicate-label': 'header', // two columns share a name
  'blank-label': 'header', // a column has no name
  'incorrect-label': 'header', // columns out of the schema's order (fieldsMatch: exact)
  'unmatched-header': 'header', // no column matches any field (fieldsMatch: partial)
  // row
  'source-error': 'row', // a row cannot be read (bad quoting, invalid JSON, not an object)
  'blank-row': 'row', // every cell of the row empty or missing (an empty line too), in a table of several columns
  'missing-cell': 'row', // one per cell a short row lacks (fieldsMatch exact: up to the schema's fields; else the header's)
  'extra-cell': 'row', // one per cell past the expected width (JSON Lines: keys the first object lacks)
  'primary-key': 'row', // a primary key value repeats or is missing
  'unique-key': 'row', // a uniqueKeys combination repeats
  'foreign-key': 'row', // a foreignKeys value has no match in the referenced fields
  // cell
  'type-error': 'cell', // not of the field's type and format
  'constraint-error': 'cell', // breaks a constraint; `constraint` names it
  'unique-error': 'cell', // repeats a value in a unique field
  'nan-value': 'cell', // NaN where ml.allowNaN is false
  'inf-value': 'cell', // ±Infinity where ml.allowInf is false
  // column (ml extensions)
  'mostly-violated': 'column', // fewer than `mostly` of the values pass the field's checks
  'null-fraction': 'column', // more missing values than ml.nullFraction.max
  'distinct-count': 'column', // distinct values outside ml.distinctCount
  'distinct-fraction': 'column', // distinct / non-missing outside ml.distinctFraction
  'stat-out-of-range': 'column', // mean, median, stdev, min, max or a quantile outside ml.stats
  'check-limit': 'column', // a bounded structure filled up: the check covered part of the data
  // dataset (ml extensions)
  'row-count': 'dataset', // rows outside ml.rowCount
  'duplicate-row': 'dataset', // more identical rows than ml.duplicateRows.maxFraction
  'class-imbalance': 'dataset', // the rarest class is below ml.classBalance.minRatio of the commonest
} as const satisfies Record<string, FindingScope>;

export type FindingCode = keyof typeof FINDING_CODES;

export interface Finding {
  code: FindingCode;
  level: FindingLevel;
  scope: FindingScope;
  message: string;
  /** The file the finding points at: the data file, or the schema file for column and dataset checks. */
  file: string;
  /** 1-based data row (the header is not counted). */
  row?: number;
  /** 1-based file line: where the row starts, or the schema line of the field or check. */
  line?: number;
  field?: string;
  /**
   * 1-based position of the column in the file (frictionless' fieldNumber): on every cell and
   * label finding. A schema field with no column is placed after the file's columns, as
   * frictionless places it.
   */
  fieldNumber?: number;
  /** For constraint-error, stat-out-of-range and mostly-violated: which constraint or statistic. */
  constraint?: string;
  /** What was found: the cell (shortened to 120 characters) or the statistic. */
  observed?: string;
  expected?: string;
  /** For aggregate findings: how many values or rows it covers. */
  count?: number;
}

/** A finding as checks report it: `completeFinding` fills in its file, scope and level. */
export type PartialFinding = Omit<Finding, 'file' | 'scope' | 'level'> & {
  level?: FindingLevel;
  file?: string;
};

export type Report = (finding: PartialFinding) => void;

/** A reported finding made whole: its file (`file` unless it names one), its scope from its code, and error unless it says otherwise. */
export function completeFinding(partial: PartialFinding, file: string): Finding {
  // Defaults first, then the partial's own: on Node 20 this is about 15 times faster than spreading
  // the partial first, and a hostile file can make millions of findings (one per blank line).
  const finding = {
    file,
    level: 'error',
    scope: FINDING_CODES[partial.code],
    ...partial,
  } as Finding;
  if (finding.file === undefined) finding.file = file;
  if (finding.level === undefined) finding.level = 'error';
  return finding;
}

export function shorten(value: string, limit = 120): string {
  return value.length > limit ? `${value.slice(0, limit)}…` : value;
}

/** How much of a file's content a finding quotes at most: an observed value or a column name. */
const EXCERPT_LIMIT = 80;
/** A message longer than this is cut: it quotes excerpts only, so only a bug or a huge schema value could make it longer. */
const MESSAGE_LIMIT = 2_000;

/**
 * Whether a finding's text can be shown as it is: short, and without the invisible characters
 * (markdown/escape.ts) with which a cell could forge lines or hide text in an annotation, a log
 * or the job summary.
 */
const isSafe = (text: string | undefined, limit: number) =>
  text === undefined || (text.length <= limit && !hasInvisible(text));

/** A short, escaped excerpt of file content, for a finding: at most `limit` characters of it, then "…". */
export function excerpt(value: string, limit = EXCERPT_LIMIT): string {
  if (value.length <= limit) return escapeInvisible(value);
  // Do not cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(value.charAt(limit - 1)) ? limit - 1 : limit;
  return `${escapeInvisible(value.slice(0, end))}…`;
}

/**
 * The finding as it may be shown and stored: what it quotes of the file is a short excerpt,
 * escaped. Every finding passes here (FindingSink), whichever check or worker made it.
 */
function safeFinding(finding: Finding): Finding {
  // Most findings are short and plain: they pass as they are (this runs for every finding).
  if (
    isSafe(finding.message, MESSAGE_LIMIT) &&
    isSafe(finding.observed, EXCERPT_LIMIT) &&
    isSafe(finding.field, EXCERPT_LIMIT) &&
    isSafe(finding.expected, MESSAGE_LIMIT)
  )
    return finding;
  const safe: Finding = { ...finding, message: excerpt(finding.message, MESSAGE_LIMIT) };
  if (finding.observed !== undefined) safe.observed = excerpt(finding.observed);
  if (finding.field !== undefined) safe.field = excerpt(finding.field);
  if (finding.expected !== undefined) safe.expected = excerpt(finding.expected, MESSAGE_LIMIT);
  return safe;
}

/** Findings of one kind (code, constraint, field, file) together: what annotations and the summary show. */
export interface FindingGroup {
  code: FindingCode;
  level: FindingLevel;
  field?: string;
  constraint?: string;
  file: string;
  count: number;
  /** The first finding of the group, with its location. */
  first: Finding;
}

/** Collects findings: counts all, keeps the first `max`, and groups them by kind. */
export class FindingSink {
  errors = 0;
  warnings = 0;
  kept: Finding[] = [];
  dropped = 0;
  groups = new Map<string, FindingGroup>();

  constructor(private readonly max: number) {}

  add(unsafe: Finding): void {
    const finding = safeFinding(unsafe);
    if (finding.level === 'error') this.errors++;
    else this.warnings++;
    if (this.kept.length < this.max) this.kept.push(finding);
    else this.dropped++;
    const key = groupKey(finding);
    const group = this.groups.get(key);
    if (group) group.count++;
    else
      this.groups.set(key, {
        code: finding.code,
        level: finding.level,
        field: finding.field,
        constraint: finding.constraint,
        file: finding.file,
        count: 1,
        first: finding,
      });
  }

  /** For each group, how many of its findings were counted but not kept. */
  unkept(): { group: FindingGroup; count: number }[] {
    const counts = new Map<string, number>();
    for (const [key, group] of this.groups) counts.set(key, group.count);
    for (const finding of this.kept)
      counts.set(groupKey(finding), counts.get(groupKey(finding))! - 1);
    return [...this.groups]
      .filter(([key]) => counts.get(key)! > 0)
      .map(([key, group]) => ({ group, count: counts.get(key)! }));
  }

  /**
   * Takes in `count` more findings of a group that were counted elsewhere (a worker's shard)
   * but not kept: they come after every kept one, so they count as dropped.
   */
  addUnkept(unsafe: FindingGroup, count: number): void {
    if (count <= 0) return;
    const first = safeFinding(unsafe.first);
    const group: FindingGroup = { ...unsafe, field: first.field, first };
    if (group.level === 'error') this.errors += count;
    else this.warnings += count;
    this.dropped += count;
    const key = groupKey(group.first);
    const existing = this.groups.get(key);
    if (existing) existing.count += count;
    else this.groups.set(key, { ...group, count });
  }
}

const groupKey = (finding: Finding) =>
  `${finding.code}\u0000${finding.constraint ?? ''}\u0000${finding.field ?? ''}\u0000${finding.file}\u0000${finding.level}`;
