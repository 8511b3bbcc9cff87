/**
 * Predictions files, read into a prediction set for the metric suite. This is the one place
 * evaluate-model reads predictions: rows arrive from the project's delimited reader (CSV/TSV,
 * optionally gzip) and every value is checked with its file, line and column named.
 *
 * The rows are held in typed arrays (class codes a byte each, a float64 per probability: 10 MB
 * for a million binary rows, 42 MB with five probabilities), and nothing else is kept per row:
 * ROC AUC needs every score in order, and the bootstrap revisits every row a thousand times,
 * so unlike validation this cannot stream in constant memory.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../action/errors.js';
import { quoteValue } from '../identifiers.js';
import { CAST_FAILED, plainDecimal } from '../schema/cast.js';
import { countByte, countNewlines, openText } from '../data/delimited.js';
import { delimitedLayout, delimitedShards, parseDelimitedShard } from '../data/delimited-shards.js';
import { readTable, type DataFormat, type RawValue, type TableRow } from '../data/records.js';
import type { ClassCodes } from './classification.js';
import { MISSING_GROUP } from './fairness-report.js';
import { sortClasses, type ClassificationSet, type PredictionSet, type Task } from './compute.js';

export interface ScoreColumn {
  /** The class whose probability the column holds. */
  class: string;
  column: string;
}

export interface PredictionSpec {
  task: Task;
  label: string;
  prediction: string;
  /** Binary: one column, P(positive). Multiclass: one column per class. */
  scores?: readonly ScoreColumn[];
  /** Binary: the positive class. */
  positive?: string;
  weight?: string;
  /** Columns whose values split the rows into slices. */
  slices?: readonly string[];
  /** Sensitive columns (each once) whose values split the rows into groups of people (fairness.ts). */
  sensitive?: readonly string[];
  /** A row whose label is missing (see missingValues): an error at its line (default), or left out and counted. */
  missingLabels?: 'error' | 'drop';
  /**
   * The values that mean "missing", as a Table Schema's `missingValues` lists them; the empty
   * cell always does. MISSING_VALUES, pandas' and R's spellings, when not given.
   */
  missingValues?: readonly string[];
}

interface SliceColumn {
  column: string;
  /** Distinct values, in order of first appearance. */
  values: string[];
  /** Per row, the index of its value in `values`. */
  index: Int32Array;
}

export interface ReadPredictions {
  set: PredictionSet;
  rows: number;
  /** sha256 of the true labels in row order: equal when two models were scored on the same examples. */
  labelsSha256: string;
  slices: SliceColumn[];
  /** The spec's sensitive columns, in its order; a missing value is the value MISSING_GROUP. */
  sensitive: SliceColumn[];
  /** Rows left out for a missing label ("missing-labels: drop"), and where the first was. */
  dropped: { rows: number; first?: string };
  /** Why the probability metrics are not computed: the first row whose probabilities are not probabilities. */
  probabilityProblem?: string;
}

/** Most distinct values a slice column may have: each slice is evaluated and bootstrapped on its own. */
const MAX_SLICE_VALUES = 100;
/** Most distinct values a sensitive column may have: more is likely an identifier, not a group. */
const MAX_SENSITIVE_VALUES = 100;

/**
 * Most probabilities (rows × score columns) a predictions file may hold: each is held as a
 * number and ranked once per column, about 30 bytes in all, so this is about 1.5 GB.
 */
const MAX_SCORE_CELLS = 50_000_000;

export async function readPredictions(
  path: string,
  format: DataFormat,
  spec: PredictionSpec,
): Promise<ReadPredictions> {
  // CSV and TSV are cut into blocks of whole records and split in place (the reader
  // validate-data's workers use, here on the main thread): ten times faster than the one-pass
  // streaming reader, which takes the files it cannot cut (gzip, a header it cannot read).
  const layout =
    (format === 'csv' || format === 'tsv') && !/\.gz$/i.test(path)
      ? await delimitedLayout(path, format)
      : undefined;
  const capacity = layout ? await recordCapacity(path) : await lineCapacity(path, format);
  const builder = new PredictionSetBuilder(spec, path, MAX_SCORE_CELLS, capacity);
  const labels = new LabelDigest();
  const sliceColumns = (spec.slices ?? []).map((column) => ({
    column,
    values: [] as string[],
    lookup: new Map<string, number>(),
    index: new GrowableInt32(capacity),
  }));
  const sensitiveColumns = (spec.sensitive ?? []).map((column) => ({
    column,
    values: [] as string[],
    lookup: new Map<string, number>(),
    index: new GrowableInt32(capacity),
  }));
  const missing = missingValueSet(spec);
  let positions: ColumnPositions | undefined;
  let rows = 0;
  const header = (columns: readonly string[]) => {
    positions = locateColumns(path, [...columns], spec);
  };
  const row = ({ cells, line, row, blank, problem }: TableRow) => {
    if (blank) return; // an empty line holds no example
    // Where a value is, for messages: text formats name the file line; Parquet has no lines, so
    // the data row (row 1 is the first). Made into text only for a message.
    const place: Place = line ?? `data row ${row}`;
    if (problem)
      throw new UserError(
        `The predictions file "${path}" cannot be read at ${placeText(place)}: ${problem}.`,
      );
    if (!builder.addRow(place, cells, positions!)) return;
    rows++;
    labels.add(cellText(cells[positions!.label]));
    for (let s = 0; s < sliceColumns.length; s++) {
      const slice = sliceColumns[s]!;
      const value = cellText(cells[positions!.slices[s]!]);
      let index = slice.lookup.get(value);
      if (index === undefined) {
        if (slice.values.length === MAX_SLICE_VALUES) {
          throw new UserError(
            `The slice column "${slice.column}" of "${path}" has more than ${MAX_SLICE_VALUES} distinct values (${placeText(place)} brings another): slice by a column with fewer values, e.g. a bucketed one.`,
          );
        }
        index = slice.values.length;
        slice.values.push(value);
        slice.lookup.set(value, index);
      }
      slice.index.push(index);
    }
    for (let s = 0; s < sensitiveColumns.length; s++) {
      const group = sensitiveColumns[s]!;
      const text = cellText(cells[positions!.sensitive[s]!]);
      const value = missing.has(text.trim()) ? MISSING_GROUP : text;
      let index = group.lookup.get(value);
      if (index === undefined) {
        if (group.values.length === MAX_SENSITIVE_VALUES) {
          throw new UserError(
            `The sensitive column "${group.column}" of "${path}" has more than ${MAX_SENSITIVE_VALUES} distinct values (${placeText(place)} brings another): it is likely an identifier, not a group of people. Bin it into a few groups (e.g. age into age bands) in a column of its own and name that one in "sensitive-features".`,
          );
        }
        index = group.values.length;
        group.values.push(value);
        group.lookup.set(value, index);
      }
      group.index.push(index);
    }
  };
  if (layout) {
    header(layout.header);
    for await (const shard of delimitedShards(path, layout, SHARD_BYTES))
      parseDelimitedShard({ layout, path, shard }, row);
  } else await readTable(path, format, { header, row });
  if (!positions)
    throw new UserError(
      `The predictions file "${path}" is empty: it needs a header row and one row per example.`,
    );
  if (rows === 0)
    throw new UserError(
      builder.dropped.rows
        ? `The predictions file "${path}": every row's label is missing (${builder.dropped.rows} rows dropped, as "missing-labels: drop" asks), so there is nothing to evaluate.`
        : `The predictions file "${path}" has a header but no rows: there is nothing to evaluate.`,
    );
  return {
    set: builder.build(),
    rows,
    dropped: { ...builder.dropped },
    probabilityProblem: builder.probabilityProblem,
    labelsSha256: labels.digest(),
    slices: sliceColumns.map(({ column, values, index }) => ({
      column,
      values,
      index: index.finish(),
    })),
    sensitive: sensitiveColumns.map(({ column, values, index }) => ({
      column,
      values,
      index: index.finish(),
    })),
  };
}

/**
 * Bytes of a CSV or TSV file split at a time. A few blocks, their text and their cells await
 * collection at once: blocks of 4 MiB made them most of the reader's fixed memory.
 */
const SHARD_BYTES = 2 ** 20;

/**
 * sha256 of the labels, each followed by a newline, written a block of UTF-8 at a time: an
 * update per row cost a tenth of reading a million-row file, and a string of pending labels,
 * built a row at a time, lived long enough to be promoted to V8's old generation (tens of
 * megabytes of garbage at the read's peak).
 */
class LabelDigest {
  private readonly hash = createHash('sha256');
  private readonly block = Buffer.allocUnsafe(65536);
  private used = 0;

  add(label: string): void {
    // At most 3 bytes of UTF-8 per UTF-16 unit, and the newline.
    if (this.used + label.length * 3 + 1 > this.block.length) this.flush();
    if (label.length * 3 + 1 > this.block.length) this.hash.update(label);
    else if (label.length === 1 && label.charCodeAt(0) < 0x80)
      this.block[this.used++] = label.charCodeAt(0);
    else this.used += this.block.write(label, this.used, 'utf8');
    this.block[this.used++] = 0x0a;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    this.hash.update(this.block.subarray(0, this.used));
    this.used = 0;
  }
}

/** Where a row is: its file line (text formats), or a description ("data row 12" in Parquet). */
type Place = number | string;

const placeText = (place: Place): string => (typeof place === 'number' ? `line ${place}` : place);

/**
 * A cell as the text the checks read: CSV gives text already; JSON Lines and Parquet give typed
 * values, written as CSV would hold them, so the same data gives the same labels (and the same
 * evaluation-data hash) in every format. A missing value is empty, as in CSV.
 */
function cellText(value: RawValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

interface ColumnPositions {
  label: number;
  prediction: number;
  scores: number[];
  weight?: number;
  slices: number[];
  sensitive: number[];
}

function locateColumns(path: string, header: string[], spec: PredictionSpec): ColumnPositions {
  const wanted: [input: string, column: string][] = [
    ['label-column', spec.label],
    ['prediction-column', spec.prediction],
    ...(spec.scores ?? []).map((s) => ['score-columns', s.column] as [string, string]),
    ...(spec.weight ? [['weight-column', spec.weight] as [string, string]] : []),
    ...(spec.slices ?? []).map((s) => ['slices', s] as [string, string]),
    ...(spec.sensitive ?? []).map((s) => ['sensitive-features', s] as [string, string]),
  ];
  // The first position of each name, through a map: thousands of score columns in a header of thousands.
  const positions = new Map<string, number>();
  header.forEach((name, i) => positions.has(name) || positions.set(name, i));
  const missing = wanted.filter(([, column]) => !positions.has(column));
  if (missing.length) {
    const names = missing
      .slice(0, 5)
      .map(([input, column]) => `${quoteValue(column)} (input ${input})`)
      .join(' and ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new UserError(
      `The predictions file "${path}" has no column ${names}${more}. Its columns are: ${someQuoted(header, 20)}.`,
    );
  }
  const position = (column: string) => positions.get(column)!;
  return {
    label: position(spec.label),
    prediction: position(spec.prediction),
    scores: (spec.scores ?? []).map((s) => position(s.column)),
    weight: spec.weight ? position(spec.weight) : undefined,
    slices: (spec.slices ?? []).map(position),
    sensitive: (spec.sensitive ?? []).map(position),
  };
}

/** One value of the file, which knows where it is for the error message. */
export class Cell {
  constructor(
    readonly path: string,
    /** "line 12" in a text file, "data row 12" in Parquet. */
    readonly where: string,
    readonly column: string,
    readonly text: string,
  ) {}

  fail(problem: string, advice: string): never {
    throw new UserError(
      `The predictions file "${this.path}", ${this.where}, column "${this.column}": ${problem}. ${advice}`,
    );
  }

  required(): string {
    if (this.text.trim() === '')
      this.fail(
        'the value is empty',
        'Every row needs a label and a prediction; drop rows the model did not score.',
      );
    return this.text;
  }

  number(what: string, advice: string): number {
    const value = this.text.trim() === '' ? Number.NaN : Number(this.text);
    if (!Number.isFinite(value))
      this.fail(`the ${what} ${quoteValue(this.text)} is not a finite number`, advice);
    return value;
  }
}

interface LabelledRow {
  /** As Cell.where. */
  where: string;
  label: string;
  prediction: string;
}

/**
 * Label and prediction values that mean "no value": the empty cell (and JSON null) and the
 * spellings of NaN and NA that pandas and R write for a missing value. A literal `NaN` in a
 * label column is never a class.
 */
const MISSING_VALUES: ReadonlySet<string> = new Set([
  '',
  'NaN',
  'nan',
  'NAN',
  '-NaN',
  '-nan',
  'NA',
  'N/A',
  'n/a',
  '<NA>',
  'null',
  'NULL',
]);

/** The texts that mean a missing value under `spec`: its missingValues and the empty cell, or MISSING_VALUES. */
export function missingValueSet(spec: Pick<PredictionSpec, 'missingValues'>): ReadonlySet<string> {
  return spec.missingValues ? new Set(['', ...spec.missingValues]) : MISSING_VALUES;
}

/** A decimal number as pandas and R write one (`0`, `-1.5`, `0.0`, `1e-3`); not `0x10`, `Infinity` or the empty text. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The roles of a label or prediction text, as bits. */
const LABEL = 1;
const PREDICTION = 2;

/**
 * The number a text holds, as Cell.number reads it (Number, with the empty or blank text not
 * a number), or undefined when it is not a finite one; without making a Cell.
 */
function finiteNumber(text: string): number | undefined {
  // Plain decimals (nearly every probability) through the schema's scanner, which returns
  // Number()'s value at a fifth of its cost; anything else through Number() itself.
  const plain = plainDecimal(text);
  if (plain !== CAST_FAILED && Number.isFinite(plain)) return plain;
  const value = Number(text);
  if (!Number.isFinite(value) || (value === 0 && text.trim() === '')) return undefined;
  return value;
}

/** The class a numeric label stands for: `0`, `0.0`, `0e0` and `-0` are all `0`. */
function numberKey(text: string): string {
  return String(Number(text.trim()));
}

const isNumber = (text: string) => NUMBER.test(text.trim());

/**
 * How far a multiclass row of probabilities may sum from 1 and still count as probabilities:
 * 0.005, which covers probabilities rounded to 3 decimals for up to 10 classes and to 4
 * decimals for up to 100 (each rounding moves a row's sum by at most half a unit in the last
 * place). log_loss renormalises every row, as scikit-learn does.
 */
const PROBABILITY_SUM_TOLERANCE = 0.005;

/**
 * Most classes that may occur in the predictions but not among the labels before the two
 * columns count as naming classes differently, when they also cover fewer than half the rows.
 */
const MAX_FOREIGN_PREDICTED_CLASSES = 1;

/**
 * Collects rows into a prediction set. Values are interned as the text they are; whether they
 * are compared as numbers or as text is decided when the set is built, once both columns have
 * been read: numbers when every label and every prediction is a number (`0` and `0.0` are then
 * one class, as in scikit-learn on numeric arrays), text otherwise. Classes are put in
 * scikit-learn's order when the set is built. Values come as cells so that every problem is
 * reported with its line and column; tests feed it cells directly.
 */
export class PredictionSetBuilder {
  /** Distinct label and prediction texts, with where each first occurs. */
  private readonly rawLookup = new Map<string, number>();
  private readonly rawTexts: string[] = [];
  private readonly rawWhere: Place[] = [];
  private readonly rawColumn: string[] = [];
  /** Per distinct text, the roles it has been seen in (LABEL, PREDICTION bits). */
  private readonly rawRoles: number[] = [];
  private readonly labels: CodeColumn;
  private readonly predictions: CodeColumn;
  private labelsNumeric = true;
  private predictionsNumeric = true;
  /** Binary: the classes so far compared as text and as numbers (with the positive class), to fail at the line that brings a third. */
  private readonly binaryText = new Set<string>();
  private readonly binaryNumbers = new Set<string>();
  private readonly labelText = new Set<string>();
  private readonly labelNumbers = new Set<string>();
  private readonly numericLabels: GrowableFloat64;
  private readonly numericPredictions: GrowableFloat64;
  private scores: GrowableFloat64 | undefined;
  private readonly weights: GrowableFloat64;
  private readonly scoreClasses: string[];
  /** Rows left out for a missing label, and where the first was. */
  readonly dropped = { rows: 0, first: undefined as string | undefined };
  /** Why the probability metrics cannot be computed: the first row whose probabilities are not probabilities. */
  probabilityProblem: string | undefined;
  private readonly missing: ReadonlySet<string>;

  constructor(
    private readonly spec: PredictionSpec,
    /** The file, for error messages. */
    private readonly path: string,
    private readonly maxScoreCells = MAX_SCORE_CELLS,
    /** At most how many rows the file holds, when known: each column is then allocated once. */
    rows?: number,
  ) {
    this.scoreClasses = (spec.scores ?? []).map((s) => s.class);
    this.missing = missingValueSet(spec);
    this.labels = new CodeColumn(rows);
    this.predictions = new CodeColumn(rows);
    this.numericLabels = new GrowableFloat64(rows);
    this.numericPredictions = new GrowableFloat64(rows);
    this.weights = new GrowableFloat64(rows);
    const width = this.scoreClasses.length;
    // Never more than the most probabilities a file may hold: a file past it is refused.
    this.scores = new GrowableFloat64(
      rows === undefined ? undefined : Math.min(rows * width, maxScoreCells + width),
    );
    if (spec.task === 'binary' && spec.positive !== undefined) {
      this.binaryText.add(spec.positive);
      this.binaryNumbers.add(isNumber(spec.positive) ? numberKey(spec.positive) : spec.positive);
    }
  }

  /**
   * Adds a row of values that know where they are (tests build rows this way); false when it
   * was left out for a missing label (missing-labels: drop). The score and weight cells are
   * the spec's columns, in its order.
   */
  add(row: LabelledRow, scores: readonly Cell[], weight: Cell | undefined): boolean {
    const cells = [row.label, row.prediction, ...scores.map((cell) => cell.text)];
    if (weight) cells.push(weight.text);
    const at: ColumnPositions = {
      label: 0,
      prediction: 1,
      scores: scores.map((_, s) => 2 + s),
      weight: weight ? 2 + scores.length : undefined,
      slices: [],
      sensitive: [],
    };
    return this.addRow(row.where, cells, at);
  }

  /**
   * Adds the row of a file, its values at `at` in `cells`; false when it was left out for a
   * missing label. Nothing is made per row but the numbers and class codes kept: where a value
   * is becomes text only for a message (a Cell per value cost two fifths of the read).
   */
  addRow(place: Place, cells: readonly RawValue[], at: ColumnPositions): boolean {
    const { spec } = this;
    const regression = spec.task === 'regression';
    const label = cellText(cells[at.label]);
    // A text already kept as a label (or a prediction) passed every check of its role: one
    // lookup a value, where checking again cost two.
    const labelId = regression ? -1 : this.known(label, LABEL);
    if (labelId === -1 && this.missing.has(label.trim())) {
      if (spec.missingLabels === 'drop') {
        this.dropped.rows++;
        this.dropped.first ??= placeText(place);
        return false;
      }
      this.cell(place, spec.label, label).fail(
        label.trim() === ''
          ? 'the label is empty'
          : `the label ${quoteValue(label)} is a missing value, not a class`,
        'Every row needs its true label: fill it in, or set "missing-labels: drop" to leave such rows out (they are counted in a warning). Which values mean missing is the "missing-values" input.',
      );
    }
    const prediction = cellText(cells[at.prediction]);
    if (regression) {
      const advice = 'A regression task needs numbers there.';
      this.numericLabels.push(
        finiteNumber(label) ?? this.cell(place, spec.label, label).number('label', advice),
      );
      this.numericPredictions.push(
        finiteNumber(prediction) ??
          this.cell(place, spec.prediction, prediction).number('prediction', advice),
      );
    } else {
      const predictionId = this.known(prediction, PREDICTION);
      if (predictionId === -1) {
        const trimmed = prediction.trim();
        if (trimmed === '') this.cell(place, spec.prediction, prediction).required();
        if (this.missing.has(trimmed)) {
          throw new UserError(
            `The predictions file "${this.path}", ${placeText(place)}, column "${spec.prediction}": the prediction is ${quoteValue(prediction)}, a missing value, not a class. Drop rows the model did not score, or fix the model's output.`,
          );
        }
      }
      this.labels.push(labelId !== -1 ? labelId : this.intern(label, place, spec.label, LABEL));
      this.predictions.push(
        predictionId !== -1
          ? predictionId
          : this.intern(prediction, place, spec.prediction, PREDICTION),
      );
      if (at.scores.length) this.addScores(place, cells, at.scores);
    }
    if (at.weight !== undefined) {
      const text = cellText(cells[at.weight]);
      // Not a number: Cell.number says so, with where it is.
      const value =
        finiteNumber(text) ??
        this.cell(place, spec.weight!, text).number(
          'weight',
          'Weights must be numbers, 0 or more.',
        );
      if (value < 0)
        this.cell(place, spec.weight!, text).fail(
          `the weight ${value} is negative`,
          'Weights must be 0 or more.',
        );
      this.weights.push(value);
    }
    return true;
  }

  /** A value with where it is, for its error message (a method, not a closure made per row). */
  private cell(place: Place, column: string, text: string): Cell {
    return new Cell(this.path, placeText(place), column, text);
  }

  private addScores(place: Place, cells: readonly RawValue[], at: readonly number[]) {
    const width = at.length;
    if (this.rows() * width > this.maxScoreCells) {
      throw new UserError(
        `The predictions file "${this.path}", ${placeText(place)}: more than ${this.maxScoreCells.toLocaleString('en-US')} probabilities (rows × ${width} score columns), more than evaluate-model holds in memory. Evaluate a sample of the rows, or fewer score columns.`,
      );
    }
    const columns = this.spec.scores!;
    let sum = 0;
    let problem: string | undefined;
    for (let s = 0; s < width; s++) {
      const text = cellText(cells[at[s]!]);
      const p =
        finiteNumber(text) ??
        new Cell(this.path, placeText(place), columns[s]!.column, text).number(
          'probability',
          'Score columns hold probabilities from 0 to 1.',
        );
      if ((p < 0 || p > 1) && problem === undefined)
        problem = `${p > 1 ? 'y_prob contains values greater than 1.' : 'y_prob contains values less than 0.'} (${placeText(place)}, column "${columns[s]!.column}": ${p}; score columns hold probabilities, predict_proba, not decision scores)`;
      sum += p;
      this.scores?.push(p);
    }
    if (
      problem === undefined &&
      this.spec.task === 'multiclass' &&
      Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE
    ) {
      const names = columns
        .slice(0, 5)
        .map((c) => quoteValue(c.column))
        .join(', ');
      problem = `Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes (${placeText(place)}: the probabilities in columns ${names}${width > 5 ? ` and ${width - 5} more` : ''} sum to ${sum}, more than ${PROBABILITY_SUM_TOLERANCE} from 1; list a score column for every class)`;
    }
    if (problem !== undefined && this.probabilityProblem === undefined) {
      // Point metrics need no probabilities: they are still computed; the probabilities are let go.
      this.probabilityProblem = problem;
      this.scores = undefined;
    }
  }

  private rows(): number {
    return this.labels.length;
  }

  /** The id of a text already kept in `role`, or -1. */
  private known(text: string, role: number): number {
    const id = this.rawLookup.get(text);
    return id !== undefined && (this.rawRoles[id]! & role) !== 0 ? id : -1;
  }

  /**
   * The id of a label or prediction text. A text already seen in the same role (label or
   * prediction) returns at once: what the slow path learns from a text (whether it is a
   * number, the binary task's classes) it learns the first time.
   */
  private intern(text: string, place: Place, column: string, role: number): number {
    let id = this.rawLookup.get(text);
    if (id !== undefined && (this.rawRoles[id]! & role) !== 0) return id;
    const label = role === LABEL;
    const numeric = isNumber(text);
    if (label ? this.labelsNumeric && !numeric : this.predictionsNumeric && !numeric) {
      if (label) this.labelsNumeric = false;
      else this.predictionsNumeric = false;
      this.checkBinary(text, place, column, label);
    }
    if (id === undefined) {
      id = this.rawTexts.length;
      this.rawLookup.set(text, id);
      this.rawTexts.push(text);
      this.rawWhere.push(place);
      this.rawColumn.push(column);
      this.rawRoles.push(0);
    }
    this.rawRoles[id]! |= role;
    if (this.spec.task === 'binary') {
      const before = this.binaryText.size + this.binaryNumbers.size;
      this.binaryText.add(text);
      if (numeric) this.binaryNumbers.add(numberKey(text));
      if (label) {
        this.labelText.add(text);
        if (numeric) this.labelNumbers.add(numberKey(text));
      }
      if (this.binaryText.size + this.binaryNumbers.size !== before)
        this.checkBinary(text, place, column, label);
    }
    return id;
  }

  /**
   * A binary task fails at the value that makes a third class however the columns end up
   * compared: as text (a column that is not all numbers), or as numbers with three values.
   */
  private checkBinary(text: string, place: Place, column: string, label: boolean): void {
    if (this.spec.task !== 'binary') return;
    const numeric = this.labelsNumeric && this.predictionsNumeric;
    const classes = numeric ? this.binaryNumbers : this.binaryText;
    if (this.binaryText.size <= 2 || (numeric && this.binaryNumbers.size <= 2)) return;
    const own = numeric && isNumber(text) ? numberKey(text) : text;
    const others = [...classes].filter((c) => c !== own).slice(0, 2);
    new Cell(this.path, placeText(place), column, text).fail(
      `${quoteValue(text)} is a third class beside ${others.map(quoteValue).join(' and ')}, but "task" is binary (positive class ${quoteValue(this.spec.positive)})`,
      this.binaryAdvice(text, label, numeric),
    );
  }

  /** What to do about a third class, for the file in front of it. */
  private binaryAdvice(text: string, label: boolean, numeric: boolean): string {
    const input = label ? 'label-column' : 'prediction-column';
    const value = Number(text);
    if (isNumber(text) && value > 0 && value < 1)
      return `The column seems to hold probabilities, not classes: point "${input}" at the column of classes, and "score-columns" at the probability of the positive class.`;
    const labelClasses = numeric ? this.labelNumbers : this.labelText;
    if (label && labelClasses.size > 2)
      return 'The labels hold more than two classes: use task: multiclass, which compares labels and predictions as the same values (0 and 0.0 as one class when both columns hold numbers).';
    if (!label && this.labelsNumeric !== this.predictionsNumeric)
      return `The labels are ${this.labelsNumeric ? 'numbers' : 'text'} and the predictions ${this.predictionsNumeric ? 'numbers' : 'text'}: write the predicted classes as the labels are written, so that they compare.`;
    const positive = this.spec.positive ?? '';
    const positiveKey = numeric && isNumber(positive) ? numberKey(positive) : positive;
    if (!labelClasses.has(positiveKey))
      return `The positive class ${quoteValue(positive)} is not among the labels (${[...labelClasses].slice(0, 2).map(quoteValue).join(', ')}): set "positive-label" to the label of the positive class.`;
    return 'The predictions name a class the labels do not have: check that "prediction-column" holds the predicted class, written as the labels are.';
  }

  /** The set, with classes in scikit-learn's order. */
  build(): PredictionSet {
    const { spec, path } = this;
    const weights = this.weights.length ? this.weights.finish() : undefined;
    if (weights && !weights.some((w) => w > 0))
      throw new UserError(
        `The predictions file "${path}": every weight in column "${spec.weight}" is 0, so no row counts.`,
      );
    if (spec.task === 'regression')
      return {
        task: 'regression',
        labels: this.numericLabels.finish(),
        predictions: this.numericPredictions.finish(),
        weights,
      };
    const numeric = this.labelsNumeric && this.predictionsNumeric;
    const keyOf = (text: string) => (numeric && isNumber(text) ? numberKey(text) : text);
    // Each distinct text's class, numbered by first appearance.
    const keyIndex = new Map<string, number>();
    const keys: string[] = [];
    const rawClass = Int32Array.from(this.rawTexts, (text) => {
      const key = keyOf(text);
      let index = keyIndex.get(key);
      if (index === undefined) {
        index = keys.length;
        keyIndex.set(key, index);
        keys.push(key);
      }
      return index;
    });
    const labels = this.labels.finish();
    const predictions = this.predictions.finish();
    for (let i = 0; i < labels.length; i++) {
      labels[i] = rawClass[labels[i]!]!;
      predictions[i] = rawClass[predictions[i]!]!;
    }
    const scoreClasses = this.scoredClasses(keyOf);
    if (spec.task === 'multiclass') {
      if (scoreClasses.length) this.checkScored(new Set(scoreClasses), keyOf);
      this.checkOverlap(keys, labels, predictions);
    }
    // Classes that occur in the rows (the positive class may not), in scikit-learn's order.
    const seen = new Uint8Array(keys.length);
    for (let i = 0; i < labels.length; i++) seen[labels[i]!] = seen[predictions[i]!] = 1;
    const classes = sortClasses(keys.filter((_, c) => seen[c]));
    const renumber = renumbering(keys, classes);
    for (let i = 0; i < labels.length; i++) {
      labels[i] = renumber[labels[i]!]!;
      predictions[i] = renumber[predictions[i]!]!;
    }
    const set: ClassificationSet = { task: spec.task, classes, labels, predictions, weights };
    if (spec.task === 'binary') set.positive = keyOf(spec.positive!);
    if (this.scores && this.scores.length) {
      set.scores = this.scores.finish();
      if (spec.task === 'multiclass') set.scoreClasses = scoreClasses;
    }
    return set;
  }

  /** The scored classes as the labels are compared; two columns for one class are refused. */
  private scoredClasses(keyOf: (text: string) => string): string[] {
    const seen = new Map<string, string>();
    return this.scoreClasses.map((name) => {
      const key = keyOf(name);
      const other = seen.get(key);
      if (other !== undefined)
        throw new UserError(
          `Input "score-columns" lists classes ${quoteValue(other)} and ${quoteValue(name)}, which are the same number, as the labels of "${this.path}" are compared. List each class once.`,
        );
      seen.set(key, name);
      return key;
    });
  }

  /** Every class of a multiclass file needs a probability column: fails at the first value without one. */
  private checkScored(scored: ReadonlySet<string>, keyOf: (text: string) => string): void {
    const id = this.rawTexts.findIndex((text) => !scored.has(keyOf(text)));
    if (id === -1) return;
    new Cell(
      this.path,
      placeText(this.rawWhere[id]!),
      this.rawColumn[id]!,
      this.rawTexts[id]!,
    ).fail(
      `the class ${quoteValue(this.rawTexts[id])} has no probability column; "score-columns" covers ${someQuoted(this.scoreClasses)}`,
      'List one column per class.',
    );
  }

  /**
   * Labels and predictions that barely share a class name their classes differently (`cat` and
   * `0`, or `0` and `0.0` beside text): fail with both sets shown rather than report a
   * meaningless accuracy. A weak model that predicts one foreign class is not refused.
   */
  private checkOverlap(keys: readonly string[], labels: ClassCodes, predictions: ClassCodes) {
    const isLabel = new Uint8Array(keys.length);
    const isPrediction = new Uint8Array(keys.length);
    for (let i = 0; i < labels.length; i++) isLabel[labels[i]!] = isPrediction[predictions[i]!] = 1;
    let matching = 0;
    for (let i = 0; i < predictions.length; i++) matching += isLabel[predictions[i]!]!;
    const foreign = keys.filter((_, c) => isPrediction[c] && !isLabel[c]);
    if (foreign.length <= MAX_FOREIGN_PREDICTED_CLASSES || matching * 2 >= predictions.length)
      return;
    const { spec } = this;
    throw new UserError(
      `The predictions file "${this.path}": the labels (column "${spec.label}") and the predictions (column "${spec.prediction}") barely share a class: ${matching} of ${predictions.length} predictions are classes found among the labels. Labels: ${someQuoted(
        keys.filter((_, c) => isLabel[c]),
        10,
      )}. Predictions: ${someQuoted(
        keys.filter((_, c) => isPrediction[c]),
        10,
      )}. Write the predicted classes as the labels are written (the same names, or the same numbers).`,
    );
  }
}

/** The first few names, quoted, for a message that must stay short with thousands of classes or columns. */
function someQuoted(names: readonly string[], shown = 5): string {
  const first = names.slice(0, shown).map(quoteValue).join(', ');
  return names.length > shown ? `${first} and ${names.length - shown} more` : first;
}

/** Each class's index in `to` (-1: absent), through a map: an indexOf per class is quadratic in thousands of classes. */
function renumbering(from: readonly string[], to: readonly string[]): Int32Array {
  const index = new Map(to.map((name, i) => [name, i]));
  return Int32Array.from(from, (name) => index.get(name) ?? -1);
}

/** The rows of a set at `rows`, with classes renumbered to those the rows hold (as scikit-learn sees a subset). */
export function subsetPredictions(set: PredictionSet, rows: Uint32Array): PredictionSet {
  const pick = <T extends Float64Array | Int32Array | Uint8Array>(values: T, width = 1): T => {
    const out = new (values.constructor as new (length: number) => T)(rows.length * width);
    for (let j = 0; j < rows.length; j++)
      for (let c = 0; c < width; c++) out[j * width + c] = values[rows[j]! * width + c]!;
    return out;
  };
  const weights = set.weights && pick(set.weights);
  if (set.task === 'regression')
    return {
      task: 'regression',
      labels: pick(set.labels),
      predictions: pick(set.predictions),
      weights,
    };
  const labels = pick(set.labels);
  const predictions = pick(set.predictions);
  const present = new Uint8Array(set.classes.length);
  for (let j = 0; j < rows.length; j++) present[labels[j]!] = present[predictions[j]!] = 1;
  const classes = set.classes.filter((_, c) => present[c]);
  const renumber = renumbering(set.classes, classes);
  for (let j = 0; j < rows.length; j++) {
    labels[j] = renumber[labels[j]!]!;
    predictions[j] = renumber[predictions[j]!]!;
  }
  const width = set.task === 'binary' ? 1 : (set.scoreClasses?.length ?? 0);
  return {
    ...set,
    classes,
    labels,
    predictions,
    weights,
    scores: set.scores && pick(set.scores, width),
  };
}

/**
 * A column of numbers of unknown length. With a capacity (the file's line count) it is one
 * array of that length, and `finish` hands out its first `length` entries without a copy;
 * past the capacity (or without one) it grows in chunks, never copying what it holds (a
 * doubling array holds the old and the new array at once), and `finish` copies it once.
 */
class Column<T extends Float64Array | Int32Array | Uint8Array> {
  private readonly chunks: T[] = [];
  private current: T | undefined;
  private used = 0;
  length = 0;
  constructor(
    private readonly make: (length: number) => T,
    private readonly capacity = CHUNK,
  ) {}
  push(value: number) {
    if (this.current === undefined) this.current = this.make(Math.max(1, this.capacity));
    else if (this.used === this.current.length) {
      this.chunks.push(this.current);
      this.current = this.make(CHUNK);
      this.used = 0;
    }
    this.current[this.used++] = value;
    this.length++;
  }
  finish(): T {
    const current = this.current ?? this.make(0);
    if (this.chunks.length === 0) return current.subarray(0, this.used) as T;
    const out = this.make(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(current.subarray(0, this.used), at);
    this.chunks.length = 0;
    return out;
  }
}

/** Values per chunk of a column past its capacity: 512 KB of float64. */
const CHUNK = 65536;

export class GrowableFloat64 extends Column<Float64Array> {
  constructor(capacity?: number) {
    super((length) => new Float64Array(length), capacity);
  }
}

class GrowableInt32 extends Column<Int32Array> {
  constructor(capacity?: number) {
    super((length) => new Int32Array(length), capacity);
  }
}

/**
 * Class ids per row (the distinct label and prediction texts, numbered): a byte each while the
 * file has brought fewer than 256 texts, which is nearly always; past that the bytes are copied
 * once into words. A binary million-row file holds 2 MB of ids instead of 8.
 */
class CodeColumn {
  private bytes: Column<Uint8Array> | undefined;
  private words: GrowableInt32 | undefined;
  constructor(private readonly capacity?: number) {
    this.bytes = new Column((length) => new Uint8Array(length), capacity);
  }
  get length(): number {
    return this.words ? this.words.length : this.bytes!.length;
  }
  push(id: number) {
    if (this.words) return this.words.push(id);
    if (id < 256) return this.bytes!.push(id);
    const bytes = this.bytes!.finish();
    this.bytes = undefined;
    this.words = new GrowableInt32(this.capacity);
    for (const held of bytes) this.words.push(held);
    this.words.push(id);
  }
  /** Built sets renumber ids in place to class indices, which are never more: they fit the same width. */
  finish(): ClassCodes {
    return this.words ? this.words.finish() : this.bytes!.finish();
  }
}

/**
 * At most how many rows a CSV or TSV file holds: its newline bytes, counted a block at a time
 * before it is read, so that each column is allocated once at its size. About a hundredth of
 * the read (a few milliseconds for ten megabytes), where growing the columns as they fill
 * would hold the old and the new array of each at once. Lone \r line ends are not counted:
 * such a file's columns grow past the count in chunks.
 */
async function recordCapacity(path: string): Promise<number | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const block = new Uint8Array(1 << 20);
    let lines = 1;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length);
      if (bytesRead === 0) return lines;
      lines += countByte(block, 0x0a, bytesRead);
    }
  } catch {
    return undefined; // only a hint: the read that follows reports the problem
  } finally {
    await handle?.close();
  }
}

/**
 * At most how many rows a text file holds: its line breaks, counted in one streaming pass
 * before it is read, so that each column is allocated once at about its size (Parquet: none).
 */
async function lineCapacity(path: string, format: DataFormat): Promise<number | undefined> {
  if (format === 'parquet') return undefined;
  try {
    const text = await openText(path);
    let lines = 1;
    for await (const chunk of text) lines += countNewlines(chunk as string);
    return lines;
  } catch {
    // Only a hint: the read that follows meets the same problem (bad UTF-8, a truncated gzip,
    // a missing file) and reports it as a data error at its line.
    return undefined;
  }
}
