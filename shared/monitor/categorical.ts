/**
 * Drift statistics of a categorical column between two tallies of its values: the
 * reference's values plus one "other" bucket for everything else. Exact from raw values, and
 * from profiles while their top values are exact (Misra–Gries never cut its counters: at most
 * 128 distinct values); past that each count may be short by the sketch's `error`.
 */
import { chiSquareSf } from './distributions.js';
import { psi } from './psi.js';

export interface CategoryTally {
  /** Count of each value (non-missing values only). */
  counts: ReadonlyMap<string, number>;
  /** Non-missing values in all. */
  total: number;
  /** Each count may be short by up to this much (0: exact). */
  error: number;
}

const OTHER_BUCKET = '(other)';

interface ChiSquareResult {
  /** Pearson's statistic of the 2×k table, Yates-corrected when dof = 1 (scipy `chi2_contingency`). */
  statistic: number;
  pValue: number;
  dof: number;
}

export interface CategoricalStatistics {
  /** The buckets: the reference's values, in descending reference count, then OTHER_BUCKET. */
  buckets: string[];
  reference: number[];
  current: number[];
  psi: number;
  /** scipy `jensenshannon(ref, cur)`: natural log (base e), so in [0, √ln 2 ≈ 0.833]. */
  jensenShannon: number;
  chiSquare: ChiSquareResult;
  /** Current values the reference never had, most frequent first, with their counts. */
  newCategories: { value: string; count: number }[];
  /** Share of the current values in new categories (the categorical "outside the range"). */
  newShare: number;
  /** Whether both tallies are exact; if not, each named share may be short by `shareError`. */
  exact: boolean;
  shareError: number;
}

function relEntr(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/** scipy.spatial.distance.jensenshannon(p, q) with base e. */
function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/**
 * scipy.stats.chi2_contingency on the 2×k table of counts. Columns empty in both rows are
 * dropped first (scipy refuses a zero expected frequency); with fewer than two columns left
 * there is nothing to test and the p-value is 1.
 */
function chiSquareContingency(
  reference: readonly number[],
  current: readonly number[],
): ChiSquareResult {
  const columns = reference.map((r, i) => [r, current[i]!] as const).filter(([r, c]) => r + c > 0);
  const rowRef = columns.reduce((s, [r]) => s + r, 0);
  const rowCur = columns.reduce((s, [, c]) => s + c, 0);
  const dof = columns.length - 1;
  if (dof < 1 || rowRef === 0 || rowCur === 0)
    return { statistic: 0, pValue: 1, dof: Math.max(0, dof) };
  const total = rowRef + rowCur;
  let statistic = 0;
  for (const [r, c] of columns) {
    for (const [observed, row] of [
      [r, rowRef],
      [c, rowCur],
    ] as const) {
      const expected = (row * (r + c)) / total;
      let diff = observed - expected;
      // Yates: move each observed count up to 0.5 toward its expectation (scipy, dof 1 only).
      if (dof === 1) diff = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
      statistic += (diff * diff) / expected;
    }
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), dof };
}

export function categoricalStatistics(
  reference: CategoryTally,
  current: CategoryTally,
): CategoricalStatistics {
  const named = [...reference.counts]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([value]) => value);
  const refCounts = named.map((v) => reference.counts.get(v)!);
  const curCounts = named.map((v) => current.counts.get(v) ?? 0);
  refCounts.push(Math.max(0, reference.total - refCounts.reduce((a, b) => a + b, 0)));
  curCounts.push(Math.max(0, current.total - curCounts.reduce((a, b) => a + b, 0)));
  const share = (counts: number[], total: number) => counts.map((c) => (total > 0 ? c / total : 0));
  const r = share(refCounts, reference.total);
  const c = share(curCounts, current.total);
  const known = new Set(named);
  const newCategories = [...current.counts]
    .filter(([value, count]) => !known.has(value) && count > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([value, count]) => ({ value, count }));
  const newCount = newCategories.reduce((s, v) => s + v.count, 0);
  return {
    buckets: [...named, OTHER_BUCKET],
    reference: r,
    current: c,
    psi: psi(r, c),
    jensenShannon: reference.total > 0 && current.total > 0 ? jensenShannon(r, c) : 0,
    chiSquare: chiSquareContingency(refCounts, curCounts),
    newCategories,
    newShare: current.total > 0 ? newCount / current.total : 0,
    exact: reference.error === 0 && current.error === 0,
    shareError: Math.max(
      reference.total > 0 ? reference.error / reference.total : 0,
      current.total > 0 ? current.error / current.total : 0,
    ),
  };
}

/** The exact tally of raw values (null is missing). */
export function tallyValues(values: readonly (string | null)[]): CategoryTally {
  const counts = new Map<string, number>();
  let total = 0;
  for (const v of values) {
    if (v === null) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    total++;
  }
  return { counts, total, error: 0 };
}
