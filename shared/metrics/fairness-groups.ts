/**
 * Groups of rows for the fairness evaluation, in typed arrays: each attribute's group per row
 * (an intersection's groups are the combinations of its columns' values that occur), and the
 * cells every attribute's tallies are summed from. A cell is one combination of every
 * attribute's group and (classification) the true and the predicted class: rows of one cell
 * are alike to every rate and measure, so a pass over the rows adds each row's weight to its
 * cell once, whatever the number of attributes, and the attributes' tallies are then summed
 * over the cells (a few hundred, not a million). This is what keeps a bootstrap resample of
 * four attributes at one add a row.
 */
import { UserError } from '../action/errors.js';
import { quoteValue } from '../identifiers.js';
import { INTERSECTION_SEPARATOR } from './fairness-report.js';

/** A sensitive column as read: distinct values and, per row, its value's index. */
export interface CodedColumn {
  column: string;
  values: readonly string[];
  index: Int32Array;
}

export interface AttributeGroups {
  /** Group names: the value, or an intersection's values joined with ", " in column order. */
  names: string[];
  /** Per row, its group's index in `names`. */
  index: Int32Array;
  /** Rows per group. */
  rows: Float64Array;
}

/** Most groups an intersection may have: each is a row of every table and a term of every resample. */
const MAX_INTERSECTION_GROUPS = 1000;

/** Dense ids for the keys `key(i)` of n rows, where keys are below `range`; the first id is 0. */
class Densifier {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;
  /** Per id, its key. */
  readonly keys: number[] = [];

  constructor(range: number) {
    // A table while it is small; a map past it (a key range of a billion is possible).
    if (range <= 1 << 22) this.table = new Int32Array(range).fill(-1);
    else this.map = new Map();
  }

  id(key: number): number {
    if (this.table) {
      let id = this.table[key]!;
      if (id === -1) {
        id = this.keys.length;
        this.table[key] = id;
        this.keys.push(key);
      }
      return id;
    }
    let id = this.map!.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.map!.set(key, id);
      this.keys.push(key);
    }
    return id;
  }
}

/**
 * One attribute's groups: a column's values as they are, or the combinations of several
 * columns' values that occur (in order of first appearance).
 */
export function attributeGroups(
  attribute: string,
  columns: readonly CodedColumn[],
  rows: number,
  path: string,
): AttributeGroups {
  const first = columns[0]!;
  if (columns.length === 1)
    return {
      names: [...first.values],
      index: first.index,
      rows: countRows(first.index, first.values.length),
    };
  const index = Int32Array.from(first.index.subarray(0, rows));
  let count = first.values.length;
  // Per id at each step, the previous step's id and this column's value.
  const steps: { keys: number[]; width: number }[] = [];
  for (const column of columns.slice(1)) {
    const width = column.values.length;
    const ids = new Densifier(count * width);
    for (let i = 0; i < rows; i++) index[i] = ids.id(index[i]! * width + column.index[i]!);
    count = ids.keys.length;
    steps.push({ keys: ids.keys, width });
  }
  if (count > MAX_INTERSECTION_GROUPS)
    throw new UserError(
      `The sensitive feature ${quoteValue(attribute)} of "${path}" makes ${count} groups (combinations of ${columns.map((c) => quoteValue(c.column)).join(', ')} that occur), more than ${MAX_INTERSECTION_GROUPS}: most would be too small to compare. Intersect fewer columns, or bin them into fewer values.`,
    );
  const names: string[] = [];
  for (let id = 0; id < count; id++) {
    const parts: string[] = [];
    let at = id;
    for (let s = steps.length - 1; s >= 0; s--) {
      const key = steps[s]!.keys[at]!;
      parts.push(columns[s + 1]!.values[key % steps[s]!.width]!);
      at = Math.floor(key / steps[s]!.width);
    }
    parts.push(first.values[at]!);
    names.push(parts.reverse().join(INTERSECTION_SEPARATOR));
  }
  return { names, index, rows: countRows(index, count) };
}

function countRows(index: Int32Array, groups: number): Float64Array {
  const rows = new Float64Array(groups);
  for (let i = 0; i < index.length; i++) rows[index[i]!]! += 1;
  return rows;
}

/** The cells of a set: per row its cell, and per cell each attribute's group and its base code. */
export interface Cells {
  count: number;
  /** Per row, its cell. */
  of: Int32Array;
  /** Per attribute, per cell, the group. */
  group: Int32Array[];
  /** Per cell, the base code it came from (classification: label × k + prediction; else 0). */
  base: Int32Array;
}

/**
 * The cells of n rows: `base` (per row, a code below `baseRange`, or null for none) combined
 * with every attribute's group.
 */
export function cellsOf(
  attributes: readonly AttributeGroups[],
  base: ((row: number) => number) | null,
  baseRange: number,
  rows: number,
): Cells {
  const of = new Int32Array(rows);
  if (base) for (let i = 0; i < rows; i++) of[i] = base(i);
  let count = base ? baseRange : 1;
  const steps: number[][] = [];
  for (const attribute of attributes) {
    const width = attribute.names.length;
    const ids = new Densifier(count * width);
    const index = attribute.index;
    for (let i = 0; i < rows; i++) of[i] = ids.id(of[i]! * width + index[i]!);
    count = ids.keys.length;
    steps.push(ids.keys);
  }
  const group = attributes.map(() => new Int32Array(count));
  const baseOf = new Int32Array(count);
  for (let cell = 0; cell < count; cell++) {
    let at = cell;
    for (let a = attributes.length - 1; a >= 0; a--) {
      const width = attributes[a]!.names.length;
      const key = steps[a]![at]!;
      group[a]![cell] = key % width;
      at = Math.floor(key / width);
    }
    baseOf[cell] = at;
  }
  return { count, of, group, base: baseOf };
}
