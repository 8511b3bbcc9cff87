/**
 * The metric suite: point metrics of a prediction set, named as scikit-learn names them
 * (its scorer names without the `neg_` sign flip; per-class values as `precision.<class>`),
 * computed as scikit-learn 1.2 computes them. test/fixtures/metrics/make_fixtures.py holds the
 * reference values this is checked against.
 *
 * A set is prepared once (orders by score, per-row losses); then `evaluate(weights)` computes
 * every metric under any row weights in a few passes, which is how a bootstrap resample (row
 * weights = how often each row was drawn) costs little more than one evaluation, and no sort.
 */
import {
  accuracy,
  balancedAccuracy,
  binaryRowLogLoss,
  cappedConfusion,
  macroAverage,
  matthewsCorrcoef,
  multiclassRowLogLoss,
  perClass,
  weightedAverage,
  type ClassCodes,
  type ClassTallies,
} from './classification.js';
import { quoteValue } from '../identifiers.js';
import { poissonAt, type Xoshiro128 } from './random.js';
import {
  RankingWalk,
  rankingMetrics,
  walkResult,
  type RankedColumn,
  type RankingMetrics,
} from './ranking.js';
import {
  REGRESSION_REASONS,
  regressionMetrics,
  regressionRows,
  residualQuantiles,
  type ResidualQuantiles,
} from './regression.js';
import { descendingOrder, type SortScratch } from './sort.js';

export type Task = 'binary' | 'multiclass' | 'regression';

export interface MetricValue {
  value: number;
  /** Confidence interval from the bootstrap. */
  ci?: [number, number];
  /** Rows the value was computed on. */
  n: number;
}

export interface ClassificationSet {
  task: 'binary' | 'multiclass';
  /** Classes seen in the labels or the predictions, in scikit-learn's order (see sortClasses). */
  classes: string[];
  /** Per row, the index in `classes` of the true label and of the prediction (bytes when they fit). */
  labels: ClassCodes;
  predictions: ClassCodes;
  /** Binary: the class that counts as positive (it may be absent from the rows). */
  positive?: string;
  /**
   * Probabilities. Binary: P(positive) per row. Multiclass: row-major, one column per entry
   * of `scoreClasses`.
   */
  scores?: Float64Array;
  scoreClasses?: string[];
  /** sample_weight per row. */
  weights?: Float64Array;
}

interface RegressionSet {
  task: 'regression';
  labels: Float64Array;
  predictions: Float64Array;
  weights?: Float64Array;
}

export type PredictionSet = ClassificationSet | RegressionSet;

export interface PreparedMetrics {
  rows: number;
  /** Every metric these rows can have, in report order: the slots of `resample`'s output. */
  names: readonly string[];
  /** Why a metric of `names` is undefined on these rows (under their sample weights), in scikit-learn's words where it has some. */
  why(name: string): string | undefined;
  /** Every metric defined on these rows under per-row `weights` (null: all ones). */
  evaluate(weights: Float64Array | null): Record<string, number>;
  /**
   * The metrics of one Poisson bootstrap resample, written to `out` in `names` order (NaN:
   * undefined in this resample): every row weighted by a Poisson(1) draw (times its sample
   * weight). The draws are made in the order the rows are held in, which makes every pass
   * sequential. `buffer`, one entry per row, holds the weights where a set needs them in
   * memory (a regression's median walk); null: the set allocates one if it needs it (a
   * classification draws each weight where it uses it, and needs none). Numbers in slots, not
   * an object per resample: a thousand resamples of a small file then cost next to nothing at
   * start-up.
   */
  resample(random: Xoshiro128, buffer: Float64Array | null, out: Float64Array): void;
  /**
   * The weighted confusion matrix (classification), rows = true class, in `classes` order, over
   * at most MAX_REPORTED_CLASSES classes (those with the most rows); `totalClasses` is set when
   * there were more, whose rows and per-class values are then left out.
   */
  confusion?: { classes: string[]; matrix: number[][]; totalClasses?: number };
  /** Regression: quantiles of prediction − label under the sample weights. */
  residuals?: ResidualQuantiles;
}

/** The metrics of a regression, in report order. */
const REGRESSION_METRICS = [
  'mae',
  'mse',
  'rmse',
  'r2',
  'mape',
  'median_absolute_error',
  'explained_variance',
  'mean_squared_log_error',
  'max_error',
  'd2_absolute_error_score',
] as const;

/**
 * Every metric a task defines (besides per-class values): each is either in a report or
 * listed under its `skipped`, with the reason. `scored`: the probability metrics too.
 */
export function taskMetrics(task: Task): {
  point: readonly string[];
  probability: readonly string[];
} {
  if (task === 'regression') return { point: REGRESSION_METRICS, probability: [] };
  const averaged = ['precision', 'recall', 'f1'].flatMap((m) => [`${m}_macro`, `${m}_weighted`]);
  const point = [
    'accuracy',
    'balanced_accuracy',
    ...(task === 'binary' ? ['precision', 'recall', 'f1'] : []),
    ...averaged,
    'matthews_corrcoef',
  ];
  const probability =
    task === 'binary'
      ? ['log_loss', 'brier_score', 'roc_auc', 'average_precision']
      : ['log_loss', 'roc_auc_ovr', 'roc_auc_ovr_weighted', 'average_precision'];
  return { point, probability };
}

/** scikit-learn's words when ROC AUC has rows of one class only. */
const ONE_CLASS_ROC_AUC =
  'Only one class present in y_true. ROC AUC score is not defined in that case.';

/**
 * Most classes whose per-class values (`precision.<class>`, …) and confusion matrix row and
 * column a report holds: beyond a few dozen the matrix is unreadable and, at 10,000 classes,
 * too large to write (the averages still cover every class).
 */
export const MAX_REPORTED_CLASSES = 50;

/** Orders class names as scikit-learn orders labels: numerically when they all are numbers. */
export function sortClasses(classes: Iterable<string>): string[] {
  const list = [...new Set(classes)];
  const numeric = list.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  return numeric
    ? list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0))
    : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function prepareMetrics(set: PredictionSet): PreparedMetrics {
  return set.task === 'regression' ? prepareRegression(set) : prepareClassification(set);
}

/**
 * The shared frame of a prepared set: rows are held in an internal order (`held[j]` is the
 * original row at position j; null: the file's order) chosen so that the costliest walk is
 * sequential; `evaluateHeld` takes weights in that order. `drawsWeights`: given a resample's
 * key, `evaluateHeld` draws every row's weight itself (times its sample weight), so a resample
 * needs no array of weights.
 */
function prepared(
  rows: number,
  held: Uint32Array | null,
  sampleWeights: Float64Array | undefined,
  names: readonly string[],
  evaluateHeld: (weights: Float64Array | null, out: Float64Array, resampleKey?: number) => void,
  drawsWeights = false,
): Omit<PreparedMetrics, 'confusion' | 'why'> {
  // Both made on first need: a classification's resamples use neither.
  let heldWeights: Float64Array | undefined | null = null;
  let ownBuffer: Float64Array | undefined;
  const memo = rows <= MEMO_ROWS ? new Map<string, Float64Array>() : undefined;
  return {
    rows,
    names,
    evaluate(weights) {
      const out = new Float64Array(names.length);
      evaluateHeld(weights && gather(weights, held), out);
      const metrics: Record<string, number> = {};
      names.forEach((name, slot) => {
        if (!Number.isNaN(out[slot]!)) metrics[name] = out[slot]!;
      });
      return metrics;
    },
    resample(random, given, out) {
      const key = random.nextUint32();
      if (drawsWeights && memo === undefined) {
        evaluateHeld(null, out, key);
        return;
      }
      const buffer = given ?? (ownBuffer ??= new Float64Array(rows));
      if (heldWeights === null) heldWeights = sampleWeights && gather(sampleWeights, held);
      for (let j = 0; j < rows; j++)
        buffer[j] =
          poissonAt(key, held === null ? j : held[j]!) * (heldWeights ? heldWeights[j]! : 1);
      // A handful of rows has few distinct weightings, and the metrics are a function of the
      // weights: each is computed once (a thousand resamples of a tiny file then start fast).
      const seen = memo && buffer.join(',');
      const known = seen === undefined ? undefined : memo!.get(seen);
      if (known) {
        out.set(known);
        return;
      }
      evaluateHeld(buffer, out, key);
      if (seen !== undefined) memo!.set(seen, out.slice());
    },
  };
}

/** Sets up to this many rows remember the metrics of each distinct resample weighting. */
const MEMO_ROWS = 16;

/** Metric names and their slots in an output array, fixed when a set is prepared. */
class Slots {
  readonly names: string[] = [];
  /** The slot of a metric this set reports; -1 for one it cannot (`when` false). */
  add(name: string, when = true): number {
    if (!when) return -1;
    this.names.push(name);
    return this.names.length - 1;
  }
}

/** Writes a value to its slot: undefined and skipped slots as scikit-learn leaves them out. */
function put(out: Float64Array, slot: number, value: number | undefined): void {
  if (slot !== -1) out[slot] = value ?? Number.NaN;
}

/** Class codes (0 … k − 1) in held order, as bytes when k ≤ 256. */
function classCodes(codes: ClassCodes, held: Uint32Array | null, k: number): ClassCodes {
  if (k > 256 || codes instanceof Uint8Array) return gather(codes, held);
  const out = new Uint8Array(codes.length);
  for (let j = 0; j < codes.length; j++) out[j] = codes[held === null ? j : held[j]!]!;
  return out;
}

function gather<T extends Float64Array | Int32Array | Uint8Array>(
  values: T,
  held: Uint32Array | null,
  width = 1,
): T {
  if (held === null) return values;
  const out = new (values.constructor as new (length: number) => T)(held.length * width);
  for (let j = 0; j < held.length; j++)
    for (let c = 0; c < width; c++) out[j * width + c] = values[held[j]! * width + c]!;
  return out;
}

function prepareRegression(set: RegressionSet): PreparedMetrics {
  const n = set.labels.length;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = Math.abs(set.predictions[i]! - set.labels[i]!);
  // Held by descending absolute error: the median is then a walk, not a sort, per resample.
  const { order } = descendingOrder(errors);
  const labels = gather(set.labels, order);
  // The labels' ascending order in held positions, for the median of the labels (d2).
  const labelOrder = descendingOrder(labels).order.reverse();
  const rows = regressionRows(
    labels,
    gather(set.predictions, order),
    gather(errors, order),
    labelOrder,
  );
  const names = REGRESSION_METRICS;
  // Weights without sample weights are bootstrap repeat counts: their median is that of the rows repeated.
  const frame = prepared(n, order, set.weights, names, (weights, out) => {
    const metrics = regressionMetrics(rows, weights, weights !== null && !set.weights);
    names.forEach((name, slot) => put(out, slot, metrics?.[name]));
  });
  const residuals = residualQuantiles(set.labels, set.predictions, set.weights);
  return {
    ...frame,
    ...(residuals ? { residuals } : {}),
    why: (name) =>
      name === 'mean_squared_log_error' || name === 'r2' || name === 'd2_absolute_error_score'
        ? REGRESSION_REASONS[name]
        : undefined,
  };
}

function prepareClassification(set: ClassificationSet): PreparedMetrics {
  const n = set.labels.length;
  const k = set.classes.length;
  const binary = set.task === 'binary';
  const scoreClasses = binary ? [set.positive!] : (set.scoreClasses ?? []);
  const width = scoreClasses.length;
  // The true label's column among the scores (-1: not a scored class).
  const scoreColumn = new Map(scoreClasses.map((c, column) => [c, column]));
  const columnOf = set.classes.map((c) => scoreColumn.get(c) ?? -1);
  // Held in the order of the first score column, so that its ranking walk is sequential.
  // The radix sort's keys, made once for every column, become the per-row losses below.
  const scratch: SortScratch = {};
  const orders = set.scores
    ? scoreClasses.map((_, c) =>
        descendingOrder(set.scores!, width, c, c > 0 && !set.weights, scratch),
      )
    : [];
  const held = orders[0]?.order ?? null;
  // Class codes in held order: a byte each when the classes fit one (a binary task holds two
  // arrays of a byte a row, not of four).
  const labels = classCodes(set.labels, held, k);
  const predictions = classCodes(set.predictions, held, k);
  // The scores are read through `held`, not copied into held order: they are only read here.
  const scores = set.scores;
  let rowLogLoss: Float64Array | undefined;
  let rowBrier: Float64Array | undefined;
  const columns: RankedColumn[] = [];
  if (scores) {
    // Every entry is written below, so the sort's spent keys (16 bytes a row) serve as they are.
    const spent = scratch.words?.buffer;
    const losses = (at: number) =>
      spent && spent.byteLength >= (at + 1) * 8 * n
        ? new Float64Array(spent, at * 8 * n, n)
        : new Float64Array(n);
    rowLogLoss = losses(0);
    const brier = binary ? losses(1) : undefined;
    rowBrier = brier;
    for (let j = 0; j < n; j++) {
      const column = columnOf[labels[j]!]!;
      if (brier) {
        const p = scores[held![j]!]!;
        rowLogLoss[j] = binaryRowLogLoss(p, column === 0);
        brier[j] = ((column === 0 ? 1 : 0) - p) ** 2;
      } else {
        rowLogLoss[j] = multiclassRowLogLoss(scores, held![j]! * width, width, column);
      }
    }
    // Each column's ranking, in held positions; the first column's is the held order itself.
    // Only the other columns need it (one fewer array of n words for a binary task).
    const positionOf = new Uint32Array(orders.length > 1 ? n : 0);
    if (orders.length > 1) for (let j = 0; j < n; j++) positionOf[held![j]!] = j;
    const fileLabels = set.labels;
    orders.forEach((order, c) => {
      const fileRows = order.order;
      const positive = new Uint8Array(n);
      for (let r = 0; r < n; r++) positive[r] = columnOf[fileLabels[fileRows[r]!]!] === c ? 1 : 0;
      // The first column is walked in the held pass, which has its own sample weights.
      const sampleWeights = c > 0 && set.weights ? gather(set.weights, fileRows) : undefined;
      // The other columns' file rows become held positions in place (no further array of n words).
      if (c > 0) for (let r = 0; r < n; r++) fileRows[r] = positionOf[fileRows[r]!]!;
      columns.push({
        groupEnds: order.groupEnds,
        positive,
        rows: c > 0 ? fileRows : null,
        sampleWeights,
      });
    });
  }
  const positiveIndex = binary ? set.classes.indexOf(set.positive!) : -1;
  // Per-class values and the matrix cover the classes with the most rows, so that the report stays readable.
  const { shown, matrix } = cappedConfusion(
    set.classes,
    set.labels,
    set.predictions,
    set.weights ?? null,
    MAX_REPORTED_CLASSES,
  );
  const slots = new Slots();
  const at = confusionSlots(slots, set.classes, shown, binary);
  const scored = scores !== undefined;
  const logLossSlot = slots.add('log_loss', scored && (width >= 2 || binary));
  const brierSlot = slots.add('brier_score', scored && binary);
  const rocAucSlot = slots.add('roc_auc', scored && binary);
  const rocAucOvrSlot = slots.add('roc_auc_ovr', scored && !binary);
  const rocAucOvrWeightedSlot = slots.add('roc_auc_ovr_weighted', scored && !binary);
  const averagePrecisionSlot = slots.add('average_precision', scored);
  const grouped = groupedWalks(
    orders.slice(1).map((order) => order.groups),
    held,
    labels,
    Int32Array.from(columnOf),
  );
  const heldWeights = set.weights && gather(set.weights, held);
  const pass = heldPass({
    n,
    labels,
    predictions,
    held,
    heldWeights,
    tallies: emptyTallies(k),
    // A resample's Poisson counts, for the other score columns' walks (made on first need).
    drawnFor: columns.length > 1,
    rowLogLoss,
    rowBrier,
    first: columns[0],
  });
  const evaluateHeld = (
    weights: Float64Array | null,
    out: Float64Array,
    resampleKey?: number,
  ): void => {
    out.fill(Number.NaN);
    const sums = pass(weights, resampleKey ?? -1);
    const tallies = sums.tallies;
    if (tallies.total === 0) return;
    confusionMetrics(tallies, at, out, positiveIndex, binary);
    if (rowLogLoss) {
      // log_loss needs two classes among the labels it is given (scikit-learn's `labels`).
      put(out, logLossSlot, sums.logLoss / tallies.total);
      put(out, brierSlot, sums.brier / tallies.total);
      // The first column was walked in the pass (it is the held order); the others walk their
      // own orders, reading a resample's weights as the pass drew them.
      const walked = sums.drawn && grouped ? grouped(sums.drawn) : [];
      const ranked = columns.map((column, c) =>
        c === 0
          ? sums.firstRanking!
          : (walked[c - 1] ??
            rankingMetrics(column, sums.drawn ? { drawn: sums.drawn } : { array: weights })),
      );
      if (binary) {
        put(out, rocAucSlot, ranked[0]!.rocAuc);
        put(out, averagePrecisionSlot, ranked[0]!.averagePrecision);
      } else {
        // One-vs-rest over the scored classes; like scikit-learn, undefined when a class is absent.
        const all = ranked.every((r) => r.rocAuc !== undefined);
        const support = ranked.reduce((sum, r) => sum + r.positives, 0);
        put(
          out,
          rocAucOvrSlot,
          all ? ranked.reduce((sum, r) => sum + r.rocAuc!, 0) / ranked.length : undefined,
        );
        put(
          out,
          rocAucOvrWeightedSlot,
          all ? ranked.reduce((sum, r) => sum + r.rocAuc! * r.positives, 0) / support : undefined,
        );
        put(
          out,
          averagePrecisionSlot,
          ranked.every((r) => r.averagePrecision !== undefined)
            ? ranked.reduce((sum, r) => sum + r.averagePrecision!, 0) / ranked.length
            : undefined,
        );
      }
    }
  };
  // Why a probability metric is undefined: a scored class that no row has, or that every row has.
  // Tallied now, not when asked: a closure over the set would keep its arrays alive through the
  // bootstrap, which is where an evaluation's memory peaks.
  const support = new Float64Array(width);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = set.weights ? set.weights[i]! : 1;
    const column = columnOf[set.labels[i]!]!;
    if (column !== -1) support[column]! += w;
    total += w;
  }
  const why = (name: string): string | undefined => {
    if (name === 'roc_auc') return ONE_CLASS_ROC_AUC;
    if (name !== 'roc_auc_ovr' && name !== 'roc_auc_ovr_weighted') return undefined;
    const c = support.findIndex((s) => s === 0 || s === total);
    if (c === -1) return ONE_CLASS_ROC_AUC;
    return `${ONE_CLASS_ROC_AUC} (one-vs-rest for class ${quoteValue(scoreClasses[c])}, which ${support[c] === 0 ? 'no row has' : 'every row has'} as its label)`;
  };
  const shownNames = shown.map((c) => set.classes[c]!);
  return {
    ...prepared(n, held, set.weights, slots.names, evaluateHeld, true),
    why,
    confusion: {
      classes: shownNames,
      matrix,
      ...(shown.length < k ? { totalClasses: k } : {}),
    },
  };
}

interface ConfusionSlots {
  accuracy: number;
  balancedAccuracy: number;
  /** Binary: the positive class's precision, recall and F1; else -1. */
  own: [number, number, number];
  macro: [number, number, number];
  weighted: [number, number, number];
  matthews: number;
  /** Per class: precision, recall, F1 (-1 for a class whose values are not reported). */
  perClass: [number, number, number][];
}

function confusionSlots(
  slots: Slots,
  classes: readonly string[],
  shown: readonly number[],
  binary: boolean,
): ConfusionSlots {
  const accuracySlot = slots.add('accuracy');
  const balancedAccuracy = slots.add('balanced_accuracy');
  const own: [number, number, number] = [
    slots.add('precision', binary),
    slots.add('recall', binary),
    slots.add('f1', binary),
  ];
  const macro: [number, number, number] = [-1, -1, -1];
  const weighted: [number, number, number] = [-1, -1, -1];
  (['precision', 'recall', 'f1'] as const).forEach((key, m) => {
    macro[m] = slots.add(`${key}_macro`);
    weighted[m] = slots.add(`${key}_weighted`);
  });
  const matthews = slots.add('matthews_corrcoef');
  const perClass = classes.map((): [number, number, number] => [-1, -1, -1]);
  for (const c of shown)
    perClass[c] = [
      slots.add(`precision.${classes[c]}`),
      slots.add(`recall.${classes[c]}`),
      slots.add(`f1.${classes[c]}`),
    ];
  return { accuracy: accuracySlot, balancedAccuracy, own, macro, weighted, matthews, perClass };
}

const KEYS = ['precision', 'recall', 'f1'] as const;

function confusionMetrics(
  tallies: ClassTallies,
  at: ConfusionSlots,
  out: Float64Array,
  positiveIndex: number,
  binary: boolean,
): void {
  const per = perClass(tallies);
  put(out, at.accuracy, accuracy(tallies));
  put(out, at.balancedAccuracy, balancedAccuracy(per));
  for (let m = 0; m < 3; m++) {
    const key = KEYS[m]!;
    // average="binary": the positive class's own values (0 when it never occurs).
    if (binary) put(out, at.own[m]!, per[positiveIndex]?.[key] ?? 0);
    put(out, at.macro[m]!, macroAverage(per, key));
    put(out, at.weighted[m]!, weightedAverage(per, key));
  }
  put(out, at.matthews, matthewsCorrcoef(tallies));
  for (let c = 0; c < per.length; c++)
    for (let m = 0; m < 3; m++) put(out, at.perClass[c]![m]!, per[c]![KEYS[m]!]);
}

/** Most classes whose confusion matrix a pass tallies in cells (k² of them). */
const MAX_CELL_CLASSES = 16;

function emptyTallies(k: number): ClassTallies {
  const zeros = () => new Float64Array(k);
  return { k, support: zeros(), predicted: zeros(), truePositive: zeros(), total: 0 };
}

interface HeldRows {
  n: number;
  labels: ClassCodes;
  predictions: ClassCodes;
  held: Uint32Array | null;
  /** Sample weights in held order. */
  heldWeights: Float64Array | undefined;
  /** Reused by every pass: a resample allocates nothing per row or per class. */
  tallies: ClassTallies;
  /** Whether a resample's pass keeps its Poisson counts (in held order) for other walks. */
  drawnFor: boolean;
  rowLogLoss: Float64Array | undefined;
  rowBrier: Float64Array | undefined;
  /** The ranking of the first score column, whose order is the held order. */
  first: RankedColumn | undefined;
}

/**
 * One pass down the held rows under `weights` (null: all ones) or, given a resample's key
 * (not -1), under Poisson(1) weights drawn on the way (times the sample weights): the class
 * tallies, the weighted sums of the per-row log loss and Brier score, and the first score
 * column's ranking walk. One pass rather than one per metric: at a million rows a resample is
 * bound by the walks over memory, and every weight is drawn once. Each sum adds the rows in
 * held order, as the separate passes did, so the values are the same to the last bit.
 */
function heldPass(rows: HeldRows) {
  const { n, labels, predictions, held, heldWeights, tallies, rowLogLoss, rowBrier, first } = rows;
  let kept: Uint8Array | undefined;
  const k = tallies.k;
  const cells = k <= MAX_CELL_CLASSES ? new Int32Array(k * k) : undefined;
  const { support, predicted, truePositive } = tallies;
  const ends = first?.groupEnds ?? new Uint32Array(0);
  const positive = first?.positive ?? new Uint8Array(0);
  const passRows = (weights: Float64Array | null, key: number) => {
    const drawn = key !== -1 && rows.drawnFor ? (kept ??= new Uint8Array(n)) : undefined;
    support.fill(0);
    predicted.fill(0);
    truePositive.fill(0);
    // Whole-number weights (counts, or ones) over few classes are tallied in integer cells of
    // the confusion matrix: one store a row instead of three, and exact in any order.
    const whole = key !== -1 ? heldWeights === undefined : weights === null;
    const integral = cells !== undefined && whole;
    if (integral) cells.fill(0);
    // Continuous scores (a run per row) under whole-number weights: the first column's walk as
    // distinctDrawnWalk (ranking.ts) does it, branching only on a positive row with a weight.
    const countWalk = whole && first !== undefined && ends.length === n;
    let above = 0;
    let total = 0;
    let logLoss = 0;
    let brier = 0;
    // The open run of tied scores in the first column: where it ends, and its sums.
    let group = 0;
    let end = ends.length > 0 ? ends[0]! : -1;
    let groupPositive = 0;
    let groupAll = 0;
    // The first column's walk (RankingWalk.group written out: in locals, it is twice as fast).
    let truePositives = 0;
    let falsePositives = 0;
    let area = 0;
    let precisionSum = 0;
    for (let j = 0; j < n; j++) {
      let w: number;
      let count = 1;
      if (key !== -1) {
        count = poissonAt(key, held === null ? j : held[j]!);
        if (drawn !== undefined) drawn[j] = count;
        w = count * (heldWeights ? heldWeights[j]! : 1);
      } else {
        w = weights === null ? 1 : weights[j]!;
      }
      const t = labels[j]!;
      const p = predictions[j]!;
      if (integral) {
        cells![t * k + p]! += count;
      } else {
        support[t]! += w;
        predicted[p]! += w;
        if (t === p) truePositive[t]! += w;
      }
      total += w;
      if (rowLogLoss !== undefined) {
        logLoss += w * rowLogLoss[j]!;
        if (rowBrier !== undefined) brier += w * rowBrier[j]!;
        if (countWalk) {
          const own = positive[j]!;
          falsePositives += w - w * own;
          if (own === 1 && w > 0) {
            truePositives += w;
            above += w * falsePositives;
            precisionSum += w * (truePositives / (truePositives + falsePositives));
          }
          continue;
        }
        // w·1 and w·0 are exact, so this equals summing by branch, without the mispredictions.
        groupPositive += w * positive[j]!;
        groupAll += w;
        if (j + 1 === end) {
          const negatives = groupAll - groupPositive;
          const before = truePositives;
          truePositives += groupPositive;
          falsePositives += negatives;
          area += (negatives * (before + truePositives)) / 2;
          if (groupPositive > 0)
            precisionSum += groupPositive * (truePositives / (truePositives + falsePositives));
          groupPositive = 0;
          groupAll = 0;
          end = ends[++group] ?? -1;
        }
      }
    }
    if (integral)
      for (let t = 0; t < k; t++)
        for (let p = 0; p < k; p++) {
          const v = cells![t * k + p]!;
          support[t]! += v;
          predicted[p]! += v;
          if (t === p) truePositive[t]! += v;
        }
    tallies.total = total;
    if (countWalk) area = truePositives * falsePositives - above;
    return {
      tallies,
      logLoss,
      brier,
      firstRanking:
        first === undefined
          ? undefined
          : walkResult(truePositives, falsePositives, area, precisionSum),
      drawn,
    };
  };
  return passRows;
}

/**
 * The ranking walks of a resample over the score columns after the first whose thresholds are
 * few (`groups`, per file row, from the counting sort): a sequential pass down the held rows
 * per column tallies each row's Poisson count into its threshold, then the column walks its
 * thresholds in order, where following the column's own order would read the counts at
 * random (a third of the time, measured). Counts only (no sample weights, which have none of their own):
 * sums of whole numbers are exact in any order, so the values equal the ordered walk's.
 * Returns, per column after the first, its metrics (undefined: walk it in order); undefined
 * when no column qualifies.
 */
function groupedWalks(
  groups: readonly (Uint16Array | undefined)[],
  held: Uint32Array | null,
  labels: ClassCodes,
  columnOf: Int32Array,
): ((drawn: Uint8Array) => (RankingMetrics | undefined)[]) | undefined {
  if (held === null || groups.every((g) => g === undefined)) return undefined;
  const n = held.length;
  const columns = groups.flatMap((perRow, m) => {
    if (perRow === undefined) return [];
    // Each row's threshold in this column, in held order; the number of thresholds.
    const code = new Uint16Array(n);
    let most = 0;
    for (let j = 0; j < n; j++) {
      const g = perRow[held[j]!]!;
      code[j] = g;
      if (g > most) most = g;
    }
    // Per class, 1 when its rows are this column's positives (score column m + 1).
    const own = Uint8Array.from(columnOf, (column) => (column === m + 1 ? 1 : 0));
    // Counts per threshold in integers: whole numbers, so exact, and integer adds are cheaper.
    return [{ m, code, own, all: new Int32Array(most + 1), positive: new Int32Array(most + 1) }];
  });
  const walkGroups = (drawn: Uint8Array): (RankingMetrics | undefined)[] => {
    const out: (RankingMetrics | undefined)[] = groups.map(() => undefined);
    for (const { m, code, own, all, positive } of columns) {
      all.fill(0);
      positive.fill(0);
      tallyThresholds(code, own, labels, drawn, all, positive);
      const walk = new RankingWalk();
      for (let g = 0; g < all.length; g++) walk.group(positive[g]!, all[g]!);
      out[m] = walk.result();
    }
    return out;
  };
  return walkGroups;
}

/**
 * Adds each row's count to its threshold's total and, when its class is the column's, to its
 * positives. Two rows a step: each step's adds are independent of each other, which more than
 * halves the time a million rows take (measured).
 */
function tallyThresholds(
  code: Uint16Array,
  own: Uint8Array,
  labels: ClassCodes,
  drawn: Uint8Array,
  all: Int32Array,
  positive: Int32Array,
): void {
  const n = code.length;
  const even = n - (n % 2);
  for (let j = 0; j < even; j += 2) {
    const w0 = drawn[j]!;
    const w1 = drawn[j + 1]!;
    const g0 = code[j]!;
    const g1 = code[j + 1]!;
    all[g0]! += w0;
    all[g1]! += w1;
    positive[g0]! += w0 * own[labels[j]!]!;
    positive[g1]! += w1 * own[labels[j + 1]!]!;
  }
  if (even < n) {
    all[code[even]!]! += drawn[even]!;
    positive[code[even]!]! += drawn[even]! * own[labels[even]!]!;
  }
}
