/**
 * Classification metrics from (weighted) per-class tallies, as scikit-learn 1.2 computes
 * them. Written directly rather than through a library: every one is a few sums over the
 * tallies, and computing them from the tallies is what lets a bootstrap resample cost one pass
 * over the rows. scikit-learn's conventions kept here:
 * - Classes are those seen in the labels or the predictions (`unique_labels`).
 * - zero_division as scikit-learn's default ("warn"): a precision with no predicted rows, a
 *   recall with no true rows, and an F1 with precision + recall = 0 are 0.
 * - Macro averages weigh every class alike; weighted averages weigh by true support.
 * - balanced_accuracy averages recall over classes that occur in the labels.
 * - matthews_corrcoef is 0 when either marginal is constant.
 */
/**
 * What every confusion-derived metric needs, per class: the weight of the rows whose true label
 * is the class (support), whose prediction is the class, and both. Tallied in one pass over the
 * rows, O(rows + classes), where a k × k matrix would cost k² per evaluation (10,000 classes:
 * 800 MB, for every bootstrap resample). Each tally sums rows in file order, as scikit-learn's
 * bincounts do.
 */
export interface ClassTallies {
  k: number;
  support: Float64Array;
  predicted: Float64Array;
  truePositive: Float64Array;
  /** Weight of all rows. */
  total: number;
}

/** Per row, the index of a class: bytes when there are at most 256 classes. */
export type ClassCodes = Int32Array | Uint8Array;

function classTallies(
  k: number,
  labels: ClassCodes,
  predictions: ClassCodes,
  weights: Float64Array | null,
): ClassTallies {
  const support = new Float64Array(k);
  const predicted = new Float64Array(k);
  const truePositive = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    const t = labels[i]!;
    const p = predictions[i]!;
    support[t]! += w;
    predicted[p]! += w;
    if (t === p) truePositive[t]! += w;
    total += w;
  }
  return { k, support, predicted, truePositive, total };
}

export interface PerClass {
  precision: number;
  recall: number;
  f1: number;
  /** Weight of the rows whose true label is the class. */
  support: number;
}

export function perClass({ k, support, predicted, truePositive }: ClassTallies): PerClass[] {
  const result: PerClass[] = [];
  for (let c = 0; c < k; c++) {
    const tp = truePositive[c]!;
    const precision = predicted[c] === 0 ? 0 : tp / predicted[c]!;
    const recall = support[c] === 0 ? 0 : tp / support[c]!;
    const denominator = precision + recall;
    result.push({
      precision,
      recall,
      f1: denominator === 0 ? 0 : (2 * precision * recall) / denominator,
      support: support[c]!,
    });
  }
  return result;
}

function correct({ k, truePositive }: ClassTallies): number {
  let sum = 0;
  for (let c = 0; c < k; c++) sum += truePositive[c]!;
  return sum;
}

export function accuracy(tallies: ClassTallies): number | undefined {
  return tallies.total === 0 ? undefined : correct(tallies) / tallies.total;
}

export function balancedAccuracy(classes: readonly PerClass[]): number | undefined {
  const present = classes.filter((c) => c.support > 0);
  return present.length
    ? present.reduce((sum, c) => sum + c.recall, 0) / present.length
    : undefined;
}

export function macroAverage(
  classes: readonly PerClass[],
  key: 'precision' | 'recall' | 'f1',
): number | undefined {
  return classes.length ? classes.reduce((sum, c) => sum + c[key], 0) / classes.length : undefined;
}

export function weightedAverage(
  classes: readonly PerClass[],
  key: 'precision' | 'recall' | 'f1',
): number | undefined {
  const support = classes.reduce((sum, c) => sum + c.support, 0);
  return support > 0
    ? classes.reduce((sum, c) => sum + c[key] * c.support, 0) / support
    : undefined;
}

/** scikit-learn's multiclass MCC, which needs only the marginals and the trace of the matrix. */
export function matthewsCorrcoef(tallies: ClassTallies): number {
  const { k, support, predicted } = tallies;
  let samples = 0;
  let truePredicted = 0;
  let predictedPredicted = 0;
  let trueTrue = 0;
  for (let c = 0; c < k; c++) {
    samples += predicted[c]!;
    truePredicted += support[c]! * predicted[c]!;
    predictedPredicted += predicted[c]! * predicted[c]!;
    trueTrue += support[c]! * support[c]!;
  }
  const covTruePredicted = correct(tallies) * samples - truePredicted;
  const covPredicted = samples * samples - predictedPredicted;
  const covTrue = samples * samples - trueTrue;
  return covPredicted * covTrue === 0 ? 0 : covTruePredicted / Math.sqrt(covTrue * covPredicted);
}

/**
 * The confusion matrix of the report: weighted counts, rows = true class, columns = predicted
 * class, over at most `limit` classes, those with the most true weight (ties: the earlier class),
 * kept in class order. Rows whose label or prediction is another class are left out.
 */
export function cappedConfusion(
  classes: readonly string[],
  labels: ClassCodes,
  predictions: ClassCodes,
  weights: Float64Array | null,
  limit: number,
): { shown: number[]; matrix: number[][] } {
  const k = classes.length;
  const shown = shownClasses(classTallies(k, labels, predictions, weights).support, limit);
  const position = new Int32Array(k).fill(-1);
  shown.forEach((c, i) => (position[c] = i));
  const m = shown.length;
  const counts = new Float64Array(m * m);
  for (let i = 0; i < labels.length; i++) {
    const t = position[labels[i]!]!;
    const p = position[predictions[i]!]!;
    if (t !== -1 && p !== -1) counts[t * m + p]! += weights === null ? 1 : weights[i]!;
  }
  return {
    shown,
    matrix: Array.from({ length: m }, (_, t) => Array.from(counts.subarray(t * m, t * m + m))),
  };
}

/** The indices of the `limit` classes with the most support (ties: the earlier), in class order. */
export function shownClasses(support: Float64Array, limit: number): number[] {
  const all = Array.from(support, (_, c) => c);
  if (all.length <= limit) return all;
  return all
    .sort((a, b) => support[b]! - support[a]! || a - b)
    .slice(0, limit)
    .sort((a, b) => a - b);
}

/** scikit-learn's clipping bound for log_loss since 1.2 (eps="auto"): the float64 machine epsilon. */
const LOG_LOSS_EPS = Number.EPSILON;

/**
 * Each row's log loss, −log p(true class), after scikit-learn 1.2's clipping of every
 * probability to [eps, 1 − eps] and renormalising the row to sum to 1. Binary rows hold
 * P(positive) only, as a 1-D `y_pred` does.
 */
export function binaryRowLogLoss(probability: number, isPositive: boolean): number {
  const p = Math.min(Math.max(probability, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  const q = 1 - p;
  return -Math.log((isPositive ? p : q) / (q + p));
}

export function multiclassRowLogLoss(
  scores: Float64Array,
  offset: number,
  k: number,
  trueColumn: number,
): number {
  let sum = 0;
  let own = 0;
  for (let c = 0; c < k; c++) {
    const p = Math.min(Math.max(scores[offset + c]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum += p;
    if (c === trueColumn) own = p;
  }
  return -Math.log(own / sum);
}
