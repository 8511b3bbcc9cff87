/**
 * The two tail probabilities the drift tests need, written here rather than taken from npm:
 * each is a few lines of a classical series, and the candidates (@stdlib's gammainc and kstest)
 * bring dozens of packages into every bundle's start-up. Both are checked against scipy to 1e-9
 * (test/fixtures/monitor/make_fixtures.py).
 */

/**
 * Survival function of the limiting Kolmogorov distribution, P(K > λ) (scipy's
 * `kstwobign.sf(λ)`, `scipy.special.kolmogorov`). Above λ = 1.18 the alternating series
 * 2 Σ (−1)^(k−1) e^(−2k²λ²) converges in a few terms and keeps tiny p-values relative-exact;
 * below it, the Jacobi form of the CDF, √(2π)/λ Σ e^(−(2k−1)²π²/(8λ²)), does.
 */
export function kolmogorovSf(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
      cdf += term;
      if (term < 1e-18 * cdf) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf;
  }
  let sf = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sf += k % 2 === 1 ? term : -term;
    if (term < 1e-18 * Math.abs(sf)) break;
  }
  return Math.min(1, Math.max(0, 2 * sf));
}

/** ln Γ(x) for x > 0 (Lanczos, 14 terms, g = 671/128: Numerical Recipes 3rd ed. §6.1, ~1e-15). */
// The coefficients as the nearest doubles (the published 18-digit literals round to these).
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125,
  -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275,
  -0.000026190838401581408, 0.0000036899182659531625,
];
function logGamma(x: number): number {
  const t = x + 5.2421875;
  let series = 0.9999999999999971;
  LANCZOS.forEach((c, j) => (series += c / (x + j + 1)));
  return (x + 0.5) * Math.log(t) - t + Math.log((2.5066282746310007 * series) / x);
}

/**
 * The regularised upper incomplete gamma function Q(a, x): by its power series (as 1 − P)
 * below x = a + 1, by Lentz's continued fraction above, where Q is small and must stay
 * relative-exact (Numerical Recipes §6.2).
 */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P(χ²_dof > x) (scipy's `chi2.sf`). */
export function chiSquareSf(x: number, dof: number): number {
  return gammaQ(dof / 2, x / 2);
}
