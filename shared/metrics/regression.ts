/**
 * Regression metrics as scikit-learn 1.2 computes them, with sample weights:
 * mean_absolute_error, mean_squared_error (and its root), r2_score and
 * explained_variance_score (both 1 for a perfect fit of a constant target and 0 for an
 * imperfect one, force_finite), mean_absolute_percentage_error (|y| floored at the float64
 * epsilon) and median_absolute_error (np.median unweighted; scikit-learn's
 * `_weighted_percentile` with weights: the first value whose cumulative weight reaches half).
 * Written directly: each is one or two passes over the rows.
 */
/** Rows ordered by descending absolute error, so that the median is a walk from the end. */
export interface RegressionRows {
  labels: Float64Array;
  predictions: Float64Array;
  /** |prediction − label|, descending. */
  absoluteErrors: Float64Array;
}

export interface RegressionMetrics {
  mae: number;
  mse: number;
  rmse: number;
  /** Undefined below two rows, as scikit-learn's r2_score. */
  r2?: number;
  mape: number;
  median_absolute_error: number;
  explained_variance: number;
}

/**
 * `weights`: null for unweighted rows; otherwise per-row weights. `countsOnly` says the
 * weights are whole-number repeat counts of unweighted rows (a bootstrap resample), whose
 * median is the median of the rows repeated, not a weighted percentile.
 */
export function regressionMetrics(
  rows: RegressionRows,
  weights: Float64Array | null,
  countsOnly: boolean,
): RegressionMetrics | undefined {
  const { labels, predictions, absoluteErrors } = rows;
  const n = labels.length;
  let weight = 0;
  let labelSum = 0;
  let differenceSum = 0;
  let absoluteSum = 0;
  let squaredSum = 0;
  let percentageSum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (w === 0) continue;
    const difference = labels[i]! - predictions[i]!;
    weight += w;
    labelSum += w * labels[i]!;
    differenceSum += w * difference;
    absoluteSum += w * absoluteErrors[i]!;
    squaredSum += w * difference * difference;
    percentageSum += (w * absoluteErrors[i]!) / Math.max(Math.abs(labels[i]!), Number.EPSILON);
  }
  if (weight === 0) return undefined;
  const labelMean = labelSum / weight;
  const differenceMean = differenceSum / weight;
  let totalSquares = 0;
  let differenceSquares = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (w === 0) continue;
    const centred = labels[i]! - labelMean;
    const spread = labels[i]! - predictions[i]! - differenceMean;
    totalSquares += w * centred * centred;
    differenceSquares += w * spread * spread;
  }
  const mse = squaredSum / weight;
  return {
    mae: absoluteSum / weight,
    mse,
    rmse: Math.sqrt(mse),
    // scikit-learn counts rows (zero weights too); a resample counts the rows it drew.
    r2: (countsOnly ? weight : n) < 2 ? undefined : explained(squaredSum, totalSquares),
    mape: percentageSum / weight,
    median_absolute_error: medianAbsoluteError(rows, weights, countsOnly),
    explained_variance: explained(differenceSquares / weight, totalSquares / weight),
  };
}

function explained(residual: number, total: number): number {
  if (total !== 0) return 1 - residual / total;
  return residual === 0 ? 1 : 0;
}

function medianAbsoluteError(
  { absoluteErrors }: RegressionRows,
  weights: Float64Array | null,
  countsOnly: boolean,
): number {
  const n = absoluteErrors.length;
  // Rows are in descending order: ascending rank j is row n − 1 − j.
  const ascending = (j: number) => n - 1 - j;
  if (weights === null)
    return (
      (absoluteErrors[ascending(Math.floor((n - 1) / 2))]! +
        absoluteErrors[ascending(Math.floor(n / 2))]!) /
      2
    );
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weights[i]!;
  if (countsOnly) {
    // The median of the rows repeated as often as drawn: the mean of the two middle values.
    const lowerRank = Math.floor((totalWeight - 1) / 2);
    const upperRank = Math.floor(totalWeight / 2);
    let seen = 0;
    let lower = Number.NaN;
    for (let j = 0; j < n; j++) {
      const row = ascending(j);
      seen += weights[row]!;
      if (Number.isNaN(lower) && seen > lowerRank) lower = absoluteErrors[row]!;
      if (seen > upperRank) return (lower + absoluteErrors[row]!) / 2;
    }
    return lower;
  }
  const half = totalWeight * 0.5;
  let cumulative = 0;
  for (let j = 0; j < n; j++) {
    cumulative += weights[ascending(j)]!;
    if (cumulative >= half) return absoluteErrors[ascending(j)]!;
  }
  return absoluteErrors[0]!;
}
