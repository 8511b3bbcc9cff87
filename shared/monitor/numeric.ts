/**
 * Drift statistics of a numeric column between a reference and a current weighted sample
 * (sample.ts): exact for raw values, within stated bounds for profile sketches. Each statistic
 * names its scipy equivalent; test/fixtures/monitor/make_fixtures.py computes them with scipy.
 */
import { kolmogorovSf } from './distributions.js';
import { KS_EXACT_MAX_N, ksExactPValue } from './ks-exact.js';
import { psi, psiBounds } from './psi.js';
import { quantile, weightAtOrBelow, weightBelow, type WeightedSample } from './sample.js';

export interface KsResult {
  /** sup |F_ref − F_cur| (scipy `ks_2samp(...).statistic`). */
  statistic: number;
  /**
   * exact: both samples exact and at most 10,000 values each, the exact p-value of scipy's
   * `ks_2samp` (its default 'auto' there; ks-exact.ts). asymp: otherwise, as below.
   */
  method: 'exact' | 'asymp';
  /**
   * Two-sided p-value; with method asymp, from the limiting Kolmogorov distribution with Stephens' small-sample
   * correction, `kstwobign.sf((s + 0.12 + 0.11/s) · D)`, s = √(mn/(m+n)): scipy's ks_2samp
   * 'asymp' p-value up to scipy 1.4. scipy ≥ 1.5 uses the finite-n `kstwo.sf(D, round(s²))`;
   * the two differ by at most 0.046 at s² ≈ 3, 0.012 at s² ≥ 100, 0.006 at s² ≥ 500 and 0.002
   * at s² ≥ 5000 (docs/monitoring.md; the tests check the gap on every fixture).
   */
  pValue: number;
  /** |statistic − exact statistic| ≤ bound (ε_ref + ε_cur; 0 on the exact path). */
  bound: number;
  /**
   * The p-values at statistic + bound and statistic − bound: the exact p-value lies between
   * them. From sketches of large data the interval is wide (a sketch p-value is noise once
   * √en · ε ≳ 1), so the ks test judges by the upper end: a sketch's error never reads as drift.
   */
  pValueRange: [number, number];
}

/** Walks both samples' distinct values in order, calling back with both CDFs after each point. */
function walk(
  a: WeightedSample,
  b: WeightedSample,
  visit: (x: number, fa: number, fb: number, next: number) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? a.values[i]! : Infinity;
    const vb = j < b.values.length ? b.values[j]! : Infinity;
    const x = Math.min(va, vb);
    if (va === x) i++;
    if (vb === x) j++;
    const fa = i === 0 ? 0 : a.cumulative[i - 1]! / a.total;
    const fb = j === 0 ? 0 : b.cumulative[j - 1]! / b.total;
    const na = i < a.values.length ? a.values[i]! : Infinity;
    const nb = j < b.values.length ? b.values[j]! : Infinity;
    visit(x, fa, fb, Math.min(na, nb));
  }
}

export function kolmogorovSmirnov(reference: WeightedSample, current: WeightedSample): KsResult {
  let statistic = 0;
  walk(reference, current, (_x, fa, fb) => {
    statistic = Math.max(statistic, Math.abs(fa - fb));
  });
  const m = reference.total;
  const n = current.total;
  const bound = reference.rankError + current.rankError;
  const exact = bound === 0 && Math.max(m, n) <= KS_EXACT_MAX_N;
  const p = (d: number) =>
    m === 0 || n === 0 ? 1 : exact ? ksExactPValue(d, m, n) : ksAsymptoticPValue(d, m, n);
  return {
    statistic,
    method: exact ? 'exact' : 'asymp',
    pValue: p(statistic),
    bound,
    pValueRange: [p(Math.min(1, statistic + bound)), p(Math.max(0, statistic - bound))],
  };
}

/** kstwobign.sf((s + 0.12 + 0.11/s) · d), s = √(mn/(m+n)): Stephens' corrected limit. */
export function ksAsymptoticPValue(d: number, m: number, n: number): number {
  const s = Math.sqrt((m * n) / (m + n));
  return kolmogorovSf((s + 0.12 + 0.11 / s) * d);
}

export interface WassersteinResult {
  /** ∫|F_ref − F_cur| dx (scipy `wasserstein_distance(ref, cur)`). */
  distance: number;
  /** distance / max(std_ref, 0.001), std with ddof = 0: Evidently's `wasserstein` drift test. */
  normalised: number;
  /** The divisor used. */
  norm: number;
  /** |distance − exact distance| ≤ bound = (ε_ref + ε_cur) · (max − min of both columns). */
  bound: number;
}

/**
 * `meanGap` is |mean_ref − mean_cur|, exact on both paths, and a lower bound of W (W₁ is at
 * least the difference of the means). A sketch keeps few values of a thin tail: 1% of the
 * current values far past the reference's maximum barely moves its CDF, but moves the mean by
 * all of it. Taking the larger of the two keeps the estimate within its bound (both lie below
 * W + bound) and brings it to the right side of a threshold such a tail crosses.
 */
export function wasserstein(
  reference: WeightedSample,
  current: WeightedSample,
  referenceStd: number,
  range: { min: number; max: number },
  meanGap = 0,
): WassersteinResult {
  let walked = 0;
  walk(reference, current, (x, fa, fb, next) => {
    if (next !== Infinity) walked += Math.abs(fa - fb) * (next - x);
  });
  const distance = Math.max(walked, meanGap);
  const norm = Math.max(referenceStd, 0.001);
  const bound = (reference.rankError + current.rankError) * (range.max - range.min);
  return { distance, normalised: distance / norm, norm, bound };
}

export interface BinnedPsi {
  /** PSI over the bins between the reference's deciles (psi.ts has the formula). */
  value: number;
  /** The inner edges: the reference's deciles q0.1…q0.9, repeated values once. */
  edges: number[];
  reference: number[];
  current: number[];
  /** The PSI of the data itself over these edges lies in [lo, hi] (equal on the exact path). */
  bounds: [number, number];
}

/** The reference's inner deciles, the smallest value reaching each tenth (numpy `inverted_cdf`). */
export function decileEdges(reference: WeightedSample): number[] {
  const edges: number[] = [];
  for (let d = 1; d <= 9; d++) {
    const edge = quantile(reference, d / 10);
    if (edges[edges.length - 1] !== edge) edges.push(edge);
  }
  return edges;
}

/** Shares of bins (−∞, e1], (e1, e2], …, (e_last, ∞). */
function binShares(sample: WeightedSample, edges: readonly number[]): number[] {
  // No values (all missing): no shares, so PSI reads 0 and the missing rate tells the change.
  if (sample.total === 0) return edges.map(() => 0).concat(0);
  const at = edges.map((e) => weightAtOrBelow(sample, e));
  return [...at, sample.total].map((w, i) => (w - (i === 0 ? 0 : at[i - 1]!)) / sample.total);
}

export function psiOverEdges(
  reference: WeightedSample,
  current: WeightedSample,
  edges: readonly number[],
): BinnedPsi {
  const r = binShares(reference, edges);
  const c = binShares(current, edges);
  // A bin's share is a difference of two CDF values, each within ε.
  const bounds = psiBounds(r, c, 2 * reference.rankError, 2 * current.rankError);
  return { value: psi(r, c), edges: [...edges], reference: r, current: c, bounds };
}

export interface OutsideRange {
  /** Share of the current values below the reference's minimum or above its maximum. */
  share: number;
  /** |share − exact share| ≤ bound (2 ε_cur). */
  bound: number;
}

/**
 * `currentRange` is the current values' exact min and max: when one lies past the reference's,
 * at least one value is outside, which a sketch that kept none of them would read as 0.
 */
export function outsideRange(
  current: WeightedSample,
  reference: { min: number; max: number },
  currentRange: { min: number; max: number } = reference,
): OutsideRange {
  if (current.total === 0) return { share: 0, bound: 0 };
  const outside =
    weightBelow(current, reference.min) + current.total - weightAtOrBelow(current, reference.max);
  const atLeastOne = currentRange.min < reference.min || currentRange.max > reference.max;
  return {
    share: Math.max(outside, atLeastOne ? 1 : 0) / current.total,
    bound: 2 * current.rankError,
  };
}
