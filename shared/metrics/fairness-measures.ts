/**
 * Per-group tallies, rates and the disparity measures between groups, as fairlearn defines
 * them. Sources, fairlearn 0.15.0.dev0 (main at ebf8fa75, 2026-08; the same definitions since
 * 0.9.0, equal opportunity since 0.11.0):
 * - fairlearn/metrics/_base_metrics.py: `selection_rate` = Σ w·[ŷ = pos] / Σ w;
 *   `true_positive_rate` and `false_positive_rate` = the rows of scikit-learn's confusion matrix
 *   normalised by the true class (weighted).
 * - fairlearn/metrics/_fairness_metrics.py: demographic_parity_* over selection rates,
 *   equal_opportunity_* over true positive rates, equalized_odds_* = the worse of the TPR and
 *   FPR differences (max) or ratios (min), `agg="worst_case"`.
 * - fairlearn/metrics/_disaggregated_result.py: `method="between_groups"`: difference =
 *   max − min over groups, ratio = min / max (pandas' min and max, which skip NaN).
 * One departure, on purpose: a group without positive labels has no TPR (without negatives, no
 * FPR). scikit-learn's `nan_to_num` makes it 0 there, which invents the worst case; here it is
 * undefined and left out of the measures that need it, with a note.
 */
import type { Cells } from './fairness-groups.js';

/** Tallies of one attribute's groups, summed over the cells (weights times Poisson counts in a resample). */
export interface ClassGroupTallies {
  task: 'binary' | 'multiclass';
  groups: number;
  k: number;
  total: Float64Array;
  /** [g × k + c]: weight of the group's rows whose label is c, whose prediction is c, and both. */
  support: Float64Array;
  predicted: Float64Array;
  truePositive: Float64Array;
  /** Per group, how many classes have support above 0. */
  labelled: Int32Array;
}

export interface RegressionGroupTallies {
  task: 'regression';
  groups: number;
  /** Per group: Σw, Σw·ŷ', Σw·|e|, Σw·e², Σw·y', Σw·y'² (y' and ŷ' shifted by the mean label). */
  sums: Float64Array;
}

export type GroupTallies = ClassGroupTallies | RegressionGroupTallies;

/** Values summed per cell: classification the weight; regression the six sums below. */
export const REGRESSION_SUMS = 6;

export function emptyTallies(
  task: 'binary' | 'multiclass' | 'regression',
  groups: number,
  k: number,
): GroupTallies {
  if (task === 'regression')
    return { task, groups, sums: new Float64Array(groups * REGRESSION_SUMS) };
  return {
    task,
    groups,
    k,
    total: new Float64Array(groups),
    support: new Float64Array(groups * k),
    predicted: new Float64Array(groups * k),
    truePositive: new Float64Array(groups * k),
    labelled: new Int32Array(groups),
  };
}

/** Sums cell totals into one attribute's group tallies (reset first). */
export function tallyGroups(
  tallies: GroupTallies,
  cells: Cells,
  attribute: number,
  cellSums: Float64Array,
): void {
  const group = cells.group[attribute]!;
  if (tallies.task === 'regression') {
    const { sums } = tallies;
    sums.fill(0);
    for (let u = 0; u < cells.count; u++) {
      const at = group[u]! * REGRESSION_SUMS;
      for (let s = 0; s < REGRESSION_SUMS; s++) sums[at + s]! += cellSums[u * REGRESSION_SUMS + s]!;
    }
    return;
  }
  const { k, total, support, predicted, truePositive, labelled } = tallies;
  total.fill(0);
  support.fill(0);
  predicted.fill(0);
  truePositive.fill(0);
  labelled.fill(0);
  for (let u = 0; u < cells.count; u++) {
    const w = cellSums[u]!;
    const g = group[u]!;
    const t = Math.floor(cells.base[u]! / k);
    const p = cells.base[u]! % k;
    total[g]! += w;
    support[g * k + t]! += w;
    predicted[g * k + p]! += w;
    if (t === p) truePositive[g * k + t]! += w;
  }
  for (let g = 0; g < tallies.groups; g++)
    for (let c = 0; c < k; c++) if (support[g * k + c]! > 0) labelled[g]! += 1;
}

/** One-vs-rest rates of class c in group g; NaN where undefined. */
export interface Rates {
  base: number;
  selection: number;
  truePositive: number;
  falsePositive: number;
}

export function ratesOf(t: ClassGroupTallies, g: number, c: number, out: Rates): Rates {
  const total = t.total[g]!;
  const at = g * t.k + c;
  const positives = c < 0 ? 0 : t.support[at]!;
  const predicted = c < 0 ? 0 : t.predicted[at]!;
  const truePositive = c < 0 ? 0 : t.truePositive[at]!;
  // Negatives exist when another class has support; their weight is the rest of the total.
  const hasNegatives = t.labelled[g]! - (positives > 0 ? 1 : 0) > 0;
  out.base = total > 0 ? positives / total : Number.NaN;
  out.selection = total > 0 ? predicted / total : Number.NaN;
  out.truePositive = positives > 0 ? truePositive / positives : Number.NaN;
  out.falsePositive = hasNegatives
    ? Math.max(0, predicted - truePositive) / (total - positives)
    : Number.NaN;
  return out;
}

/** The task's headline metrics per group (those the starting gate policy gates: shared/init/policy.ts). */
export function groupMetricNames(task: 'binary' | 'multiclass' | 'regression'): string[] {
  if (task === 'binary') return ['accuracy', 'f1'];
  if (task === 'multiclass') return ['accuracy', 'f1_macro'];
  return ['mae', 'rmse', 'r2'];
}

/** The error metrics whose difference between groups is a regression's measure. */
export const REGRESSION_ERROR_METRICS = ['mae', 'rmse'] as const;

/**
 * Group g's headline metrics into out[0..], NaN where undefined; as scikit-learn defines them
 * (zero_division 0; f1_macro over the classes present in the group's labels or predictions;
 * r2 1 or 0 for a constant label, as its force_finite).
 */
export function groupMetrics(
  t: GroupTallies,
  g: number,
  positive: number,
  out: Float64Array,
): void {
  if (t.task === 'regression') {
    const at = g * REGRESSION_SUMS;
    const w = t.sums[at]!;
    if (!(w > 0)) {
      out.fill(Number.NaN, 0, 3);
      return;
    }
    const squared = t.sums[at + 3]!;
    const labels = t.sums[at + 4]!;
    const labelSquares = t.sums[at + 5]!;
    out[0] = t.sums[at + 2]! / w;
    out[1] = Math.sqrt(squared / w);
    const spread = labelSquares - (labels * labels) / w;
    out[2] = spread > 1e-12 * labelSquares ? 1 - squared / spread : squared === 0 ? 1 : 0;
    return;
  }
  const total = t.total[g]!;
  if (!(total > 0)) {
    out.fill(Number.NaN, 0, 2);
    return;
  }
  const base = g * t.k;
  let correct = 0;
  for (let c = 0; c < t.k; c++) correct += t.truePositive[base + c]!;
  out[0] = correct / total;
  const f1 = (c: number) => {
    const tp = t.truePositive[base + c]!;
    const denominator = t.support[base + c]! + t.predicted[base + c]!;
    return denominator === 0 ? 0 : (2 * tp) / denominator;
  };
  if (t.task === 'binary') {
    out[1] = positive < 0 ? 0 : f1(positive);
    return;
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < t.k; c++) {
    if (t.support[base + c]! === 0 && t.predicted[base + c]! === 0) continue;
    sum += f1(c);
    present++;
  }
  out[1] = present ? sum / present : Number.NaN;
}

/** A regression group's weighted mean prediction (shifted back by `shift`). */
export function meanPrediction(t: RegressionGroupTallies, g: number, shift: number): number {
  const w = t.sums[g * REGRESSION_SUMS]!;
  return w > 0 ? t.sums[g * REGRESSION_SUMS + 1]! / w + shift : Number.NaN;
}

export interface Spread {
  difference: number;
  ratio: number;
  /** Indices of the groups at the disadvantaged and the advantaged end; -1 when undefined. */
  worst: number;
  best: number;
}

/**
 * max − min and min / max of `values` over `groups` (fairlearn's between_groups). NaN when
 * fewer than two groups take part or a group's value is undefined (in a resample: a group that
 * drew no row of the class); the ratio NaN when the largest value is 0 (0 / 0, as pandas).
 * `higherIsWorse`: the disadvantaged end is the largest value (a false positive rate).
 */
export function spread(
  values: Float64Array,
  groups: readonly number[],
  higherIsWorse: boolean,
): Spread {
  let low = -1;
  let high = -1;
  for (const g of groups) {
    const v = values[g]!;
    if (Number.isNaN(v)) return { difference: Number.NaN, ratio: Number.NaN, worst: -1, best: -1 };
    if (low === -1 || v < values[low]!) low = g;
    if (high === -1 || v > values[high]!) high = g;
  }
  if (groups.length < 2) return { difference: Number.NaN, ratio: Number.NaN, worst: -1, best: -1 };
  const min = values[low]!;
  const max = values[high]!;
  return {
    difference: max - min,
    ratio: max === 0 ? Number.NaN : min / max,
    worst: higherIsWorse ? high : low,
    best: higherIsWorse ? low : high,
  };
}
