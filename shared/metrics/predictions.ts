/**
 * Predictions files, read into a prediction set for the metric suite. This is the one place
 * evaluate-model reads predictions: rows arrive from the project's delimited reader (CSV/TSV,
 * optionally gzip) and every value is checked with its file, line and column named.
 *
 * The rows are held in typed arrays (a few dozen bytes a row, about 50 MB for a million rows
 * with four probabilities): ROC AUC needs every score in order, and the bootstrap revisits
 * every row a thousand times, so unlike validation this cannot stream in constant memory.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../action/errors.js';
import { quoteValue } from '../identifiers.js';
import { readTable, type DataFormat, type RawValue } from '../data/records.js';
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
}

/** Most distinct values a slice column may have: each slice is evaluated and bootstrapped on its own. */
const MAX_SLICE_VALUES = 100;

/**
 * Most probabilities (rows × score columns) a predictions file may hold: each is held as a
 * number and ranked once per column, about 30 bytes in all, so this is about 1.5 GB.
 */
const MAX_SCORE_CELLS = 50_000_000;

/** How far a row of probabilities may sum from 1 (scikit-learn's roc_auc_score check, rtol 1e-5). */
const PROBABILITY_SUM_TOLERANCE = 1e-5;

export async function readPredictions(
  path: string,
  format: DataFormat,
  spec: PredictionSpec,
): Promise<ReadPredictions> {
  const builder = new PredictionSetBuilder(spec, path);
  const labels = createHash('sha256');
  const sliceColumns = (spec.slices ?? []).map((column) => ({
    column,
    values: [] as string[],
    lookup: new Map<string, number>(),
    index: new GrowableInt32(),
  }));
  let positions: ColumnPositions | undefined;
  let rows = 0;
  await readTable(path, format, {
    header(columns) {
      positions = locateColumns(path, [...columns], spec);
    },
    row({ cells, line: textLine, row, blank, problem }) {
      if (blank) return; // an empty line holds no example
      // Where a value is, for messages: text formats name the file line; Parquet has no lines, so the data row (row 1 is the first).
      const where = textLine !== undefined ? `line ${textLine}` : `data row ${row}`;
      if (problem)
        throw new UserError(
          `The predictions file "${path}" cannot be read at ${where}: ${problem}.`,
        );
      rows++;
      const at = (column: string, index: number) =>
        new Cell(path, where, column, cellText(cells[index]));
      const label = at(spec.label, positions!.label).required();
      labels.update(`${label}\n`);
      builder.add(
        { where, label, prediction: at(spec.prediction, positions!.prediction).required() },
        positions!.scores.map((index, s) => at(spec.scores![s]!.column, index)),
        positions!.weight === undefined ? undefined : at(spec.weight!, positions!.weight),
      );
      sliceColumns.forEach((slice, s) => {
        const value = cellText(cells[positions!.slices[s]!]);
        let index = slice.lookup.get(value);
        if (index === undefined) {
          if (slice.values.length === MAX_SLICE_VALUES) {
            throw new UserError(
              `The slice column "${slice.column}" of "${path}" has more than ${MAX_SLICE_VALUES} distinct values (${where} brings another): slice by a column with fewer values, e.g. a bucketed one.`,
            );
          }
          index = slice.values.length;
          slice.values.push(value);
          slice.lookup.set(value, index);
        }
        slice.index.push(index);
      });
    },
  });
  if (!positions)
    throw new UserError(
      `The predictions file "${path}" is empty: it needs a header row and one row per example.`,
    );
  if (rows === 0)
    throw new UserError(
      `The predictions file "${path}" has a header but no rows: there is nothing to evaluate.`,
    );
  return {
    set: builder.build(),
    rows,
    labelsSha256: labels.digest('hex'),
    slices: sliceColumns.map(({ column, values, index }) => ({
      column,
      values,
      index: index.finish(),
    })),
  };
}

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
}

function locateColumns(path: string, header: string[], spec: PredictionSpec): ColumnPositions {
  const wanted: [input: string, column: string][] = [
    ['label-column', spec.label],
    ['prediction-column', spec.prediction],
    ...(spec.scores ?? []).map((s) => ['score-columns', s.column] as [string, string]),
    ...(spec.weight ? [['weight-column', spec.weight] as [string, string]] : []),
    ...(spec.slices ?? []).map((s) => ['slices', s] as [string, string]),
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

const MISSING_PREDICTIONS = new Set(['NaN', 'nan', 'NAN']);

/**
 * Collects rows into a prediction set. Classes are numbered as they first appear and put in
 * scikit-learn's order when the set is built. Values come as cells so that every problem is
 * reported with its line and column; tests feed it cells directly.
 */
export class PredictionSetBuilder {
  private readonly classLookup = new Map<string, number>();
  private readonly classNames: string[] = [];
  private readonly labels = new GrowableInt32();
  private readonly predictions = new GrowableInt32();
  private readonly numericLabels = new GrowableFloat64();
  private readonly numericPredictions = new GrowableFloat64();
  private readonly scores = new GrowableFloat64();
  private readonly weights = new GrowableFloat64();
  private readonly scoreClasses: string[];
  private readonly scored: ReadonlySet<string>;

  constructor(
    private readonly spec: PredictionSpec,
    /** The file, for error messages. */
    private readonly path: string,
    private readonly maxScoreCells = MAX_SCORE_CELLS,
  ) {
    this.scoreClasses = (spec.scores ?? []).map((s) => s.class);
    this.scored = new Set(this.scoreClasses);
    if (spec.task === 'binary' && spec.positive !== undefined) this.classIndex(spec.positive);
  }

  add(row: LabelledRow, scores: readonly Cell[], weight: Cell | undefined): void {
    const { spec } = this;
    if (spec.task === 'regression') {
      const advice = 'A regression task needs numbers there.';
      this.numericLabels.push(
        new Cell(this.path, row.where, spec.label, row.label).number('label', advice),
      );
      this.numericPredictions.push(
        new Cell(this.path, row.where, spec.prediction, row.prediction).number(
          'prediction',
          advice,
        ),
      );
    } else {
      if (MISSING_PREDICTIONS.has(row.prediction.trim())) {
        throw new UserError(
          `The predictions file "${this.path}", ${row.where}, column "${spec.prediction}": the prediction is ${quoteValue(row.prediction)}, a missing value, not a class. Drop rows the model did not score, or fix the model's output.`,
        );
      }
      this.labels.push(this.classOf(row.label, row.where, spec.label));
      this.predictions.push(this.classOf(row.prediction, row.where, spec.prediction));
      if (scores.length) this.addScores(row, scores);
    }
    if (weight) {
      const value = weight.number('weight', 'Weights must be numbers, 0 or more.');
      if (value < 0) weight.fail(`the weight ${value} is negative`, 'Weights must be 0 or more.');
      this.weights.push(value);
    }
  }

  private addScores(row: LabelledRow, cells: readonly Cell[]) {
    if (this.scores.length + cells.length > this.maxScoreCells) {
      throw new UserError(
        `The predictions file "${this.path}", ${row.where}: more than ${this.maxScoreCells.toLocaleString('en-US')} probabilities (rows × ${cells.length} score columns), more than evaluate-model holds in memory. Evaluate a sample of the rows, or fewer score columns.`,
      );
    }
    let sum = 0;
    for (const cell of cells) {
      const p = cell.number('probability', 'Score columns hold probabilities from 0 to 1.');
      if (p < 0 || p > 1)
        cell.fail(
          `the probability ${p} is outside 0 to 1`,
          'Score columns hold probabilities (predict_proba), not raw decision scores.',
        );
      sum += p;
      this.scores.push(p);
    }
    if (this.spec.task === 'multiclass' && Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      const columns = cells.map((c) => `"${c.column}"`).join(', ');
      throw new UserError(
        `The predictions file "${this.path}", ${row.where}: the probabilities in columns ${columns} sum to ${sum}, not 1. Each row needs the probability of every class; list a score column for every class in "score-columns".`,
      );
    }
  }

  private classIndex(name: string): number {
    let index = this.classLookup.get(name);
    if (index === undefined) {
      index = this.classNames.length;
      this.classLookup.set(name, index);
      this.classNames.push(name);
    }
    return index;
  }

  private classOf(name: string, where: string, column: string): number {
    const known = this.classLookup.get(name);
    if (known !== undefined) return known;
    const { spec } = this;
    if (spec.task === 'binary' && this.classNames.length === 2) {
      throw new UserError(
        `The predictions file "${this.path}", ${where}, column "${column}": ${quoteValue(name)} is a third class beside ${this.classNames.map(quoteValue).join(' and ')}, but "task" is binary (positive class ${JSON.stringify(spec.positive)}). Use task: multiclass, or set "positive-label" to the positive class.`,
      );
    }
    if (spec.task === 'multiclass' && this.scoreClasses.length && !this.scored.has(name)) {
      throw new UserError(
        `The predictions file "${this.path}", ${where}, column "${column}": the class ${quoteValue(name)} has no probability column; "score-columns" covers ${someQuoted(this.scoreClasses)}. List one column per class.`,
      );
    }
    return this.classIndex(name);
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
    // Classes that occur in the rows (the positive class may not), in scikit-learn's order.
    const labels = this.labels.finish();
    const predictions = this.predictions.finish();
    const seen = new Uint8Array(this.classNames.length);
    for (let i = 0; i < labels.length; i++) seen[labels[i]!] = seen[predictions[i]!] = 1;
    const classes = sortClasses(this.classNames.filter((_, c) => seen[c]));
    const renumber = renumbering(this.classNames, classes);
    for (let i = 0; i < labels.length; i++) {
      labels[i] = renumber[labels[i]!]!;
      predictions[i] = renumber[predictions[i]!]!;
    }
    const set: ClassificationSet = { task: spec.task, classes, labels, predictions, weights };
    if (spec.task === 'binary') set.positive = spec.positive;
    if (this.scores.length) {
      set.scores = this.scores.finish();
      if (spec.task === 'multiclass') set.scoreClasses = this.scoreClasses;
    }
    return set;
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
  const pick = <T extends Float64Array | Int32Array>(values: T, width = 1): T => {
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

class GrowableFloat64 {
  private data = new Float64Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableInt32 {
  private data = new Int32Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
