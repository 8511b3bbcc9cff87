/**
 * ROC AUC and average precision of a binary ranking, as scikit-learn computes them:
 * `roc_auc_score` integrates the ROC curve with trapezoids between distinct score thresholds
 * (tied scores form one step, so ties count half), and `average_precision_score` is the
 * step-wise sum Σ (Rₖ − Rₖ₋₁)·Pₖ over the same thresholds, without interpolation.
 * Written directly: the walk over a pre-sorted order is what makes a thousand bootstrap
 * resamples affordable, and no statistics library offers it with sample weights.
 */
import { poissonAt } from './random.js';
export interface RankingMetrics {
  /** Undefined when the rows hold only one class (scikit-learn raises ValueError). */
  rocAuc?: number;
  /** 0 without positives: scikit-learn then sets recall to 1 everywhere, with a warning. */
  averagePrecision?: number;
  /** Weight of the positive rows: the class's support. */
  positives: number;
}

export interface RankedColumn {
  /** Exclusive end of each run of tied scores, in ranked position. */
  groupEnds: Uint32Array;
  /** Per ranked position, 1 when the row belongs to the positive class. */
  positive: Uint8Array;
  /** Per ranked position, the row's index in the weights; null when ranked position is the index. */
  rows: Uint32Array | null;
  /** Per ranked position, the row's index in the file (what a bootstrap weight is drawn for). */
  fileRows: Uint32Array;
  /** Per ranked position, the row's sample weight, if the rows have any. */
  sampleWeights?: Float64Array;
}

/**
 * Row weights as the ranking walk takes them: an array (null: all ones), or a bootstrap
 * resample's key, whose weights are drawn per row on the way (no gather from memory).
 */
export type RankingWeights = { array: Float64Array | null } | { resampleKey: number };

/** One walk down the rows by descending score. */
export function rankingMetrics(column: RankedColumn, weighting: RankingWeights): RankingMetrics {
  const { groupEnds, positive, rows, fileRows, sampleWeights } = column;
  const weights = 'array' in weighting ? weighting.array : null;
  const key = 'resampleKey' in weighting ? weighting.resampleKey : -1;
  let truePositives = 0;
  let falsePositives = 0;
  let area = 0;
  let precisionSum = 0;
  let start = 0;
  for (let g = 0; g < groupEnds.length; g++) {
    const end = groupEnds[g]!;
    let tp = 0;
    let all = 0;
    for (let j = start; j < end; j++) {
      const w =
        key !== -1
          ? poissonAt(key, fileRows[j]!) * (sampleWeights ? sampleWeights[j]! : 1)
          : weights === null
            ? 1
            : weights[rows === null ? j : rows[j]!]!;
      // w·1 and w·0 are exact, so this equals summing by branch, without the mispredictions.
      tp += w * positive[j]!;
      all += w;
    }
    start = end;
    const fp = all - tp;
    const before = truePositives;
    truePositives += tp;
    falsePositives += fp;
    area += (fp * (before + truePositives)) / 2;
    if (tp > 0) precisionSum += tp * (truePositives / (truePositives + falsePositives));
  }
  return {
    rocAuc:
      truePositives > 0 && falsePositives > 0 ? area / (truePositives * falsePositives) : undefined,
    averagePrecision:
      truePositives > 0 ? precisionSum / truePositives : falsePositives > 0 ? 0 : undefined,
    positives: truePositives,
  };
}
