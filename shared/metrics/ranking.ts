/**
 * ROC AUC and average precision of a binary ranking, as scikit-learn computes them:
 * `roc_auc_score` integrates the ROC curve with trapezoids between distinct score thresholds
 * (tied scores form one step, so ties count half), and `average_precision_score` is the
 * step-wise sum Σ (Rₖ − Rₖ₋₁)·Pₖ over the same thresholds, without interpolation.
 * Written directly: the walk over a pre-sorted order is what makes a thousand bootstrap
 * resamples affordable, and no statistics library offers it with sample weights.
 */
import type { ScoreOrder } from './sort.js';

export interface RankingMetrics {
  /** Undefined when the rows hold only one class (scikit-learn raises ValueError). */
  rocAuc?: number;
  /** 0 without positives: scikit-learn then sets recall to 1 everywhere, with a warning. */
  averagePrecision?: number;
  /** Weight of the positive rows: the class's support. */
  positives: number;
}

/**
 * One walk down the rows by descending score. `positive[row]` is 1 for the positive class;
 * `weights` are per-row weights (sample weights times bootstrap counts), null for all ones.
 */
export function rankingMetrics(sorted: ScoreOrder, positive: Uint8Array, weights: Float64Array | null): RankingMetrics {
  const { order, groupEnds } = sorted;
  let truePositives = 0;
  let falsePositives = 0;
  let area = 0;
  let precisionSum = 0;
  let start = 0;
  for (let g = 0; g < groupEnds.length; g++) {
    const end = groupEnds[g]!;
    let tp = 0;
    let fp = 0;
    for (let j = start; j < end; j++) {
      const row = order[j]!;
      const w = weights === null ? 1 : weights[row]!;
      if (positive[row] === 1) tp += w;
      else fp += w;
    }
    start = end;
    const before = truePositives;
    truePositives += tp;
    falsePositives += fp;
    area += (fp * (before + truePositives)) / 2;
    if (tp > 0) precisionSum += tp * (truePositives / (truePositives + falsePositives));
  }
  return {
    rocAuc: truePositives > 0 && falsePositives > 0 ? area / (truePositives * falsePositives) : undefined,
    averagePrecision: truePositives > 0 ? precisionSum / truePositives : falsePositives > 0 ? 0 : undefined,
    positives: truePositives,
  };
}
