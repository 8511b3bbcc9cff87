/**
 * Regression metrics as scikit-learn 1.2 computes them, with sample weights:
 * mean_absolute_error, mean_squared_error (and its root), r2_score and
 * explained_variance_score (both 1 for a perfect fit of a constant target and 0 for an
 * imperfect one, force_finite), mean_absolute_percentage_error (|y| floored at the float64
 * epsilon) and median_absolute_error (np.median unweighted; scikit-learn's
 * `_weighted_percentile` with weights: the first value whose cumulative weight reaches half),
 * mean_squared_log_error, max_error and d2_absolute_error_score.
 * Written directly: each is one or two passes over the rows.
 */
/** Rows ordered by descending absolute error, so that the median is a walk from the end. */
export interface RegressionRows {
  labels: Float64Array;
  predictions: Float64Array;
  /** |prediction − label|, descending. */
  absoluteErrors: Float64Array;
  /** Row positions by ascending label: the median of the labels (d2_absolute_error_score) is a walk. */
  labelOrder: Uint32Array;
  /** Per row (log(1 + label) − log(1 + prediction))²; undefined when a label or prediction is negative. */
  squaredLogErrors?: Float64Array;
}

/** Why a regression metric is undefined, in scikit-learn's words. */
export const REGRESSION_REASONS = {
  r2: 'R^2 score is not well-defined with less than two samples.',
  d2_absolute_error_score: 'D^2 score is not well-defined with less than two samples.',
  mean_squared_log_error:
    'Mean Squared Logarithmic Error cannot be used when targets contain negative values.',
} as const;

export interface RegressionMetrics {
  mae: number;
  mse: number;
  rmse: number;
  /** Undefined below two rows, as scikit-learn's r2_score. */
  r2?: number;
  mape: number;
  median_absolute_error: number;
  explained_variance: number;
  /** Undefined when a label or prediction is negative. */
  mean_squared_log_error?: number;
  /** The largest absolute error among the rows that count (weight above 0; scikit-learn's max_error takes no weights). */
  max_error: number;
  /** Undefined below two rows. */
  d2_absolute_error_score?: number;
}

/** The rows of a regression, prepared: `order` holds the rows by descending absolute error. */
export function regressionRows(
  labels: Float64Array,
  predictions: Float64Array,
  absoluteErrors: Float64Array,
  labelOrder: Uint32Array,
): RegressionRows {
  const n = labels.length;
  let negative = false;
  for (let i = 0; i < n && !negative; i++) negative = labels[i]! < 0 || predictions[i]! < 0;
  let squaredLogErrors: Float64Array | undefined;
  if (!negative) {
    squaredLogErrors = new Float64Array(n);
    for (let i = 0; i < n; i++)
      squaredLogErrors[i] = (Math.log1p(labels[i]!) - Math.log1p(predictions[i]!)) ** 2;
  }
  return { labels, predictions, absoluteErrors, labelOrder, squaredLogErrors };
}

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
  let squaredLogSum = 0;
  let maxError = Number.NaN;
  const { squaredLogErrors } = rows;
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (w === 0) continue;
    // Rows are in descending absolute error: the first that counts holds the largest.
    if (Number.isNaN(maxError)) maxError = absoluteErrors[i]!;
    if (squaredLogErrors) squaredLogSum += w * squaredLogErrors[i]!;
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
  // scikit-learn counts rows (zero weights too); a resample counts the rows it drew.
  const enough = (countsOnly ? weight : n) >= 2;
  return {
    mae: absoluteSum / weight,
    mse,
    rmse: Math.sqrt(mse),
    r2: enough ? explained(squaredSum, totalSquares) : undefined,
    mape: percentageSum / weight,
    median_absolute_error: medianAbsoluteError(rows, weights, countsOnly),
    explained_variance: explained(differenceSquares / weight, totalSquares / weight),
    mean_squared_log_error: squaredLogErrors ? squaredLogSum / weight : undefined,
    max_error: maxError,
    d2_absolute_error_score: enough
      ? d2AbsoluteError(rows, weights, countsOnly, absoluteSum / weight, weight)
      : undefined,
  };
}

/**
 * scikit-learn's d2_absolute_error_score: 1 − Σ w|y − ŷ| / Σ w|y − median(y)| (the median
 * weighted as its `_weighted_percentile` weighs it), 1 when the model's error is 0 and 0 when
 * only the median's is.
 */
function d2AbsoluteError(
  rows: RegressionRows,
  weights: Float64Array | null,
  countsOnly: boolean,
  meanAbsoluteError: number,
  totalWeight: number,
): number {
  const { labels, labelOrder } = rows;
  const median = weightedMedian(
    labels.length,
    (j) => labels[labelOrder[j]!]!,
    weights && ((j) => weights[labelOrder[j]!]!),
    countsOnly,
  );
  let spread = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    if (w !== 0) spread += w * Math.abs(labels[i]! - median);
  }
  const baseline = spread / totalWeight;
  if (meanAbsoluteError === 0) return 1;
  return baseline === 0 ? 0 : 1 - meanAbsoluteError / baseline;
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
  return weightedMedian(
    n,
    (j) => absoluteErrors[n - 1 - j]!,
    weights && ((j) => weights[n - 1 - j]!),
    countsOnly,
  );
}

/**
 * The median of n values given in ascending order (`value(j)`, the j-th smallest) under
 * weights (`weight(j)`; null: unweighted, numpy's median, the mean of the two middle values).
 * `countsOnly`: the weights are bootstrap repeat counts, the median is that of the values
 * repeated; otherwise scikit-learn's `_weighted_percentile`: the first value whose cumulative
 * weight reaches half.
 */
function weightedMedian(
  n: number,
  value: (j: number) => number,
  weight: ((j: number) => number) | null,
  countsOnly: boolean,
): number {
  if (weight === null) return (value(Math.floor((n - 1) / 2)) + value(Math.floor(n / 2))) / 2;
  let totalWeight = 0;
  for (let j = 0; j < n; j++) totalWeight += weight(j);
  if (countsOnly) {
    const lowerRank = Math.floor((totalWeight - 1) / 2);
    const upperRank = Math.floor(totalWeight / 2);
    let seen = 0;
    let lower = Number.NaN;
    for (let j = 0; j < n; j++) {
      seen += weight(j);
      if (Number.isNaN(lower) && seen > lowerRank) lower = value(j);
      if (seen > upperRank) return (lower + value(j)) / 2;
    }
    return lower;
  }
  const half = totalWeight * 0.5;
  let cumulative = 0;
  for (let j = 0; j < n; j++) {
    cumulative += weight(j);
    if (cumulative >= half) return value(j);
  }
  return value(n - 1);
}

/** The quantiles of the residual summary, in percent. */
const RESIDUAL_PERCENTILES = [5, 25, 50, 75, 95] as const;

/** Quantiles of prediction − label: where the errors lie, and which way the model leans. */
export interface ResidualQuantiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/**
 * The residual summary: without weights numpy's `percentile` (linear interpolation between the
 * two nearest ranks); with weights scikit-learn's `_weighted_percentile`, the first residual
 * whose cumulative weight reaches the quantile, the definition its median_absolute_error uses.
 * Undefined without rows (or without weight).
 */
export function residualQuantiles(
  labels: Float64Array,
  predictions: Float64Array,
  weights?: Float64Array,
): ResidualQuantiles | undefined {
  const n = labels.length;
  if (n === 0) return undefined;
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = predictions[i]! - labels[i]!;
  const quantile = weights ? weightedQuantile(residuals, weights) : linearQuantile(residuals);
  if (!quantile) return undefined;
  const [p5, p25, p50, p75, p95] = RESIDUAL_PERCENTILES.map(quantile) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { p5, p25, p50, p75, p95 };
}

function linearQuantile(values: Float64Array): (percent: number) => number {
  const sorted = values.slice().sort();
  return (percent) => {
    const position = (percent / 100) * (sorted.length - 1);
    const below = Math.floor(position);
    const t = position - below;
    const a = sorted[below]!;
    const b = sorted[Math.min(below + 1, sorted.length - 1)]!;
    // numpy's lerp: from the nearer end, so that t = 1 gives b exactly.
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  };
}

function weightedQuantile(
  values: Float64Array,
  weights: Float64Array,
): ((percent: number) => number) | undefined {
  const order = Array.from(values.keys()).sort((i, j) => values[i]! - values[j]!);
  const cumulative = new Float64Array(order.length);
  let total = 0;
  order.forEach((row, k) => (cumulative[k] = total += weights[row]!));
  if (!(total > 0)) return undefined;
  return (percent) => {
    let target = (percent / 100) * total;
    // scikit-learn: at 0, rows of no weight at the start do not count.
    if (target === 0) target = Number.MIN_VALUE;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return values[order[Math.min(lo, order.length - 1)]!]!;
  };
}
