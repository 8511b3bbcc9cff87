/**
 * Classification metrics from a (weighted) confusion matrix, as scikit-learn 1.2 computes
 * them. Written directly rather than through a library: every one is a few sums over the
 * matrix, and computing them from the matrix is what lets a bootstrap resample cost one pass
 * over the rows. scikit-learn's conventions kept here:
 * - Classes are those seen in the labels or the predictions (`unique_labels`).
 * - zero_division as scikit-learn's default ("warn"): a precision with no predicted rows, a
 *   recall with no true rows, and an F1 with precision + recall = 0 are 0.
 * - Macro averages weigh every class alike; weighted averages weigh by true support.
 * - balanced_accuracy averages recall over classes that occur in the labels.
 * - matthews_corrcoef is 0 when either marginal is constant.
 */
export interface ConfusionMatrix {
  /** Number of classes: the matrix is k × k, row = true class, column = predicted class. */
  k: number;
  counts: Float64Array;
}

export function confusionMatrix(k: number, labels: Int32Array, predictions: Int32Array, weights: Float64Array | null): ConfusionMatrix {
  const counts = new Float64Array(k * k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]! * k + predictions[i]!]! += weights === null ? 1 : weights[i]!;
  return { k, counts };
}

export interface PerClass {
  precision: number;
  recall: number;
  f1: number;
  /** Weight of the rows whose true label is the class. */
  support: number;
}

export function perClass({ k, counts }: ConfusionMatrix): PerClass[] {
  const result: PerClass[] = [];
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += counts[c * k + j]!;
      predicted += counts[j * k + c]!;
    }
    const tp = counts[c * k + c]!;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const denominator = precision + recall;
    result.push({ precision, recall, f1: denominator === 0 ? 0 : (2 * precision * recall) / denominator, support });
  }
  return result;
}

export function total({ counts }: ConfusionMatrix): number {
  let sum = 0;
  for (const value of counts) sum += value;
  return sum;
}

export function accuracy(matrix: ConfusionMatrix): number | undefined {
  const all = total(matrix);
  if (all === 0) return undefined;
  let correct = 0;
  for (let c = 0; c < matrix.k; c++) correct += matrix.counts[c * matrix.k + c]!;
  return correct / all;
}

export function balancedAccuracy(classes: readonly PerClass[]): number | undefined {
  const present = classes.filter((c) => c.support > 0);
  return present.length ? present.reduce((sum, c) => sum + c.recall, 0) / present.length : undefined;
}

export function macroAverage(classes: readonly PerClass[], key: 'precision' | 'recall' | 'f1'): number | undefined {
  return classes.length ? classes.reduce((sum, c) => sum + c[key], 0) / classes.length : undefined;
}

export function weightedAverage(classes: readonly PerClass[], key: 'precision' | 'recall' | 'f1'): number | undefined {
  const support = classes.reduce((sum, c) => sum + c.support, 0);
  return support > 0 ? classes.reduce((sum, c) => sum + c[key] * c.support, 0) / support : undefined;
}

export function matthewsCorrcoef({ k, counts }: ConfusionMatrix): number {
  const trueSums = new Float64Array(k);
  const predictedSums = new Float64Array(k);
  let correct = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      trueSums[t]! += counts[t * k + p]!;
      predictedSums[p]! += counts[t * k + p]!;
    }
    correct += counts[t * k + t]!;
  }
  let samples = 0;
  let truePredicted = 0;
  let predictedPredicted = 0;
  let trueTrue = 0;
  for (let c = 0; c < k; c++) {
    samples += predictedSums[c]!;
    truePredicted += trueSums[c]! * predictedSums[c]!;
    predictedPredicted += predictedSums[c]! * predictedSums[c]!;
    trueTrue += trueSums[c]! * trueSums[c]!;
  }
  const covTruePredicted = correct * samples - truePredicted;
  const covPredicted = samples * samples - predictedPredicted;
  const covTrue = samples * samples - trueTrue;
  return covPredicted * covTrue === 0 ? 0 : covTruePredicted / Math.sqrt(covTrue * covPredicted);
}

/** scikit-learn's clipping bound for log_loss since 1.2 (eps="auto"): the float64 machine epsilon. */
export const LOG_LOSS_EPS = Number.EPSILON;

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

export function multiclassRowLogLoss(scores: Float64Array, offset: number, k: number, trueColumn: number): number {
  let sum = 0;
  let own = 0;
  for (let c = 0; c < k; c++) {
    const p = Math.min(Math.max(scores[offset + c]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum += p;
    if (c === trueColumn) own = p;
  }
  return -Math.log(own / sum);
}
