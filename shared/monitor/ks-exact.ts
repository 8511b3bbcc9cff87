/**
 * The exact two-sided p-value of the two-sample Kolmogorov–Smirnov test, P(D ≥ d) under the
 * null, as scipy's `ks_2samp(method='exact')` computes it (and 'auto' does when both samples
 * have at most 10,000 values): the share of monotone lattice paths from (0, 0) to (m, n) that
 * leave the band |x/m − y/n| < d (Hodges 1958), with Viehmann's recursion for that share
 * (arXiv 2102.08037), which stays in [0, 1] instead of counting paths. Cost: O(m · band width).
 */

/** Both samples at most this large: scipy's MAX_AUTO_N, where 'auto' is exact. */
export const KS_EXACT_MAX_N = 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Equal sizes: P(D ≥ h/n) by the alternating binomial series, in Horner form. */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * Unequal sizes: the share of paths that touch |n·x − m·y| ≥ h·g, column by column over a
 * sliding window of y; each cell holds 1 − (share of paths to it that stayed inside).
 */
function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let width = maxj - minj;
  const cells = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  cells.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastMinj = minj;
    const lastWidth = width;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let k = 0; k < maxj - minj; k++) {
      const j = k + minj;
      value = (cells[k + minj - lastMinj]! * i + value * j) / (i + j);
      cells[k] = value;
    }
    width = maxj - minj;
    // Cells that slid out of the band above count as left (1).
    if (lastWidth > width) cells.fill(1, width, lastWidth);
  }
  return cells[maxj - minj - 1]!;
}

/** The exact two-sided p-value of statistic d between samples of m and n values. */
export function ksExactPValue(d: number, m: number, n: number): number {
  const g = gcd(m, n);
  const lcm = (m / g) * n;
  // D is a multiple of 1/lcm; rounding removes the floating-point error of the ECDF difference.
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p = m === n ? outsideSquare(m, h) : outsideBand(m, n, g, h);
  return Math.min(1, Math.max(0, p));
}
