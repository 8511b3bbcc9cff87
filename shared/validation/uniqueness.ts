/**
 * Uniqueness across every row of every file: unique fields, the primary key, unique keys and
 * duplicate rows. It is decided in one place, in row order, so that the first occurrence of a
 * value is the one kept and each later one is reported at its own row, whether the rows were
 * read in one pass or checked in shards by workers (which hand their keys over in a
 * `CollectedKeys`).
 *
 * Memory is bounded: each check keeps its keys in a KeySet up to a limit (FINGERPRINT_LIMIT:
 * 1,572,864 keys; integer keys as bits, 8 MB at most, the rest as 53-bit fingerprints, 16 MB at
 * most); past it a `check-limit` warning says the check became partial.
 */
import { FINGERPRINT_LIMIT, KeySet } from '../profile/sketches/key-set.js';
import type { CompiledSchema } from '../schema/table-schema.js';
import { shorten, type Finding, type Report } from './findings.js';
import { rowKeys, type FieldState, type KeySink, type RowKey } from './row-checks.js';

type Check = { kind: 'field'; state: FieldState } | { kind: 'key'; key: RowKey } | { kind: 'rows' };

/** The checks, in the order of a row's keys (row-checks.ts): unique fields, row keys, duplicate rows. */
function checksOf(schema: CompiledSchema, states: readonly FieldState[]): Check[] {
  return [
    ...states.filter((s) => s.unique).map((state) => ({ kind: 'field', state }) as const),
    ...rowKeys(schema).map((key) => ({ kind: 'key', key }) as const),
    ...(schema.descriptor.ml?.duplicateRows ? [{ kind: 'rows' } as const] : []),
  ];
}

/** How many keys each row hands over. */
export function uniquenessChecks(schema: CompiledSchema, states: readonly FieldState[]): number {
  return checksOf(schema, states).length;
}

export class UniquenessTracker {
  private readonly checks: Check[];
  private readonly sets: KeySet[];
  /**
   * A one-field key on a field that is itself unique (the usual `id`) repeats exactly when the
   * field does: it reuses the field's verdict for the row instead of a second set of the same keys.
   */
  private readonly sameAs: number[];
  /** Each check's verdict on the current row. */
  private readonly fresh: boolean[];
  /** Rows that repeat an earlier row (ml.duplicateRows), and the first of them. */
  duplicates = 0;
  firstDuplicate: Finding | undefined;

  constructor(
    private readonly schema: CompiledSchema,
    states: readonly FieldState[],
    private readonly limit = FINGERPRINT_LIMIT,
  ) {
    this.checks = checksOf(schema, states);
    this.sets = this.checks.map(() => new KeySet(limit));
    this.sameAs = this.checks.map((check) =>
      check.kind === 'key'
        ? this.checks.findIndex(
            (other) =>
              other.kind === 'field' &&
              check.key.indexes.length === 1 &&
              other.state.index === check.key.indexes[0],
          )
        : -1,
    );
    this.fresh = this.checks.map(() => true);
  }

  /** Makes room in every set for `rows` more rows than it holds (see KeySet.reserve). */
  expect(rows: number): void {
    this.sets.forEach((set, i) => {
      if (this.sameAs[i] === -1) set.reserve(set.size + rows);
    });
  }

  /** A sink that checks each key as it comes, reporting repeats for `file`. */
  sink(file: string, report: Report): KeySink {
    return {
      key: (constraint, key, row, line) => this.check(constraint, key, row, line, file, report),
    };
  }

  check(
    constraint: number,
    key: number | string | null,
    row: number,
    line: number | undefined,
    file: string,
    report: Report,
  ): void {
    if (key === null) return;
    const check = this.checks[constraint]!;
    const same = this.sameAs[constraint]!;
    const set = this.sets[constraint]!;
    // A row's key is its fingerprint already.
    const fresh =
      same >= 0
        ? this.fresh[same]!
        : typeof key === 'string'
          ? set.addText(key)
          : check.kind === 'rows'
            ? set.addFingerprint(key)
            : set.addNumber(key);
    this.fresh[constraint] = fresh;
    if (fresh) return;
    if (check.kind === 'rows') {
      this.duplicates++;
      this.firstDuplicate ??= {
        code: 'duplicate-row',
        level: 'error',
        scope: 'dataset',
        file,
        row,
        line,
        message: `Row ${row} repeats an earlier row.`,
      };
      return;
    }
    const text = String(key);
    if (check.kind === 'field') {
      const f = check.state.field;
      report({
        code: 'unique-error',
        level: check.state.level,
        row,
        line,
        field: f.name,
        fieldNumber: check.state.column,
        observed: shorten(text),
        expected: 'a unique value',
        message: `Row ${row}: field "${f.name}" repeats the value ${JSON.stringify(shorten(text, 40))} (unique).`,
      });
      return;
    }
    const { key: rowKey } = check;
    const observed =
      typeof key === 'number' ? text : (JSON.parse(key) as unknown[]).map(String).join(', ');
    report({
      code: rowKey.code,
      row,
      line,
      field: rowKey.names.join(', '),
      observed: shorten(observed),
      expected: 'a unique key',
      message: `Row ${row}: the ${rowKey.label} (${rowKey.names.join(', ')}) repeats ${typeof key === 'number' ? `[${key}]` : shorten(key, 60)}.`,
    });
  }

  /** Checks the keys a worker collected for a shard, row by row; `before(row)` runs ahead of each row's keys. */
  replay(
    collected: CollectedKeys,
    file: string,
    report: Report,
    before: (row: number) => void,
  ): void {
    const { firstRow, rows, lines, keys } = collected;
    for (let i = 0; i < rows; i++) {
      const row = firstRow + i;
      before(row);
      const line = lines ? lines[i] : undefined;
      for (let c = 0; c < keys.length; c++) this.check(c, keys[c]![i]!, row, line, file, report);
    }
  }

  /** `check-limit` warnings for the checks that reached their memory limit. */
  limitFindings(report: Report): void {
    for (const [i, check] of this.checks.entries()) {
      if (!this.sets[this.sameAs[i]! >= 0 ? this.sameAs[i]! : i]!.saturated) continue;
      if (check.kind === 'field') {
        const f = check.state.field;
        report({
          code: 'check-limit',
          level: 'warning',
          field: f.name,
          line: f.line,
          constraint: 'unique',
          message: `Field "${f.name}": uniqueness was checked against the first ${this.limit} distinct values only; duplicates among later values may be missed.`,
        });
      } else if (check.kind === 'key') {
        const { key } = check;
        report({
          code: 'check-limit',
          level: 'warning',
          field: key.names.join(', '),
          line: this.schema.mlLine,
          constraint: key.code,
          message: `The ${key.label} (${key.names.join(', ')}) was checked against its first ${this.limit} distinct values only; repeats among later rows may be missed.`,
        });
      } else {
        report({
          code: 'check-limit',
          level: 'warning',
          line: this.schema.mlLine,
          constraint: 'duplicateRows',
          message: `Duplicate rows were looked for among the first ${this.limit} distinct rows only; repeats among later rows may be missed.`,
        });
      }
    }
  }
}

/** The uniqueness keys of a shard's rows, column by column, as a worker hands them over. */
export interface CollectedKeys {
  firstRow: number;
  rows: number;
  /** The file line of each row (text formats). */
  lines?: Int32Array;
  /** keys[constraint][row - firstRow] */
  keys: (number | string | null)[][];
}

/** A KeySink that collects a shard's keys for the main thread. Rows must come in order from `firstRow`. */
export class KeyCollector implements KeySink {
  private readonly keys: (number | string | null)[][];
  /** The rows' file lines; Parquet rows have none. */
  private readonly lines: number[] = [];
  private rows = 0;

  constructor(
    size: number,
    private readonly firstRow: number,
  ) {
    this.keys = Array.from({ length: size }, () => []);
  }

  /** Called for every row, also rows without keys (unreadable, blank), so that positions stay aligned. */
  row(row: number, line: number | undefined): void {
    while (this.firstRow + this.rows <= row) {
      for (const column of this.keys) column.push(null);
      if (line !== undefined) this.lines.push(line);
      this.rows++;
    }
  }

  key(constraint: number, key: number | string | null, row: number): void {
    this.keys[constraint]![row - this.firstRow] = key;
  }

  collected(): CollectedKeys {
    return {
      firstRow: this.firstRow,
      rows: this.rows,
      keys: this.keys,
      ...(this.lines.length === this.rows &&
        this.rows > 0 && { lines: Int32Array.from(this.lines) }),
    };
  }
}
