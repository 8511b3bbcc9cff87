/**
 * The exact path of shared/monitor against scipy (test/fixtures/monitor/make_fixtures.py):
 * every statistic from raw columns within 1e-9 of scipy's value (relative for values above 1).
 */
import { describe, expect, it } from 'vitest';
import { chiSquareSf, kolmogorovSf } from '../../shared/monitor/distributions.js';
import { compareFeature, sideFromValues } from '../../shared/monitor/drift.js';
import { ksExactPValue } from '../../shared/monitor/ks-exact.js';
import { ksAsymptoticPValue } from '../../shared/monitor/numeric.js';
import {
  fixtures,
  type CategoricalExpected,
  type NumericExpected,
} from '../fixtures/monitor/fixtures.js';

const TOLERANCE = 1e-9;
/** |actual − expected| ≤ 1e-9 · max(1, |expected|). */
function close(actual: number, expected: number, what: string): void {
  const allowed = TOLERANCE * Math.max(1, Math.abs(expected));
  expect(
    Math.abs(actual - expected),
    `${what}: ${actual} vs scipy ${expected}`,
  ).toBeLessThanOrEqual(allowed);
}
function closeAll(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => close(a, expected[i]!, `${what}[${i}]`));
}

describe('tail probabilities against scipy', () => {
  it.each(fixtures.kolmogorovSf)('kstwobign.sf($lambda)', ({ lambda, sf }) => {
    // Relative, so that tiny p-values are checked too.
    expect(Math.abs(kolmogorovSf(lambda) - sf)).toBeLessThanOrEqual(TOLERANCE * sf + 1e-15);
  });
  it.each(fixtures.chiSquareSf)('chi2.sf($x, $dof)', ({ x, dof, sf }) => {
    expect(Math.abs(chiSquareSf(x, dof) - sf)).toBeLessThanOrEqual(TOLERANCE * sf + 1e-15);
  });
});

const numericCases = fixtures.cases.filter((c) => c.kind === 'numeric');
const categoricalCases = fixtures.cases.filter((c) => c.kind === 'categorical');

describe('numeric drift from raw values against scipy', () => {
  it.each(numericCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const e = c.expected as NumericExpected;
    const drift = compareFeature(
      'x',
      sideFromValues('number', c.reference),
      sideFromValues('number', c.current),
      { test: 'ks' },
    );
    expect(drift.source).toBe('exact');
    const n = drift.numeric!;
    const m = c.reference.filter((v) => v !== null).length;
    const k = c.current.filter((v) => v !== null).length;
    close(n.ks.statistic, e.ks.statistic, 'KS statistic');
    // Exact up to 10,000 values a sample (scipy's 'auto'), Stephens' asymptotic beyond.
    if (e.ks.pValueExact === null) {
      expect(n.ks.method).toBe('asymp');
      close(n.ks.pValue, e.ks.pValueStephens, 'KS p-value (asymp)');
    } else {
      expect(n.ks.method).toBe('exact');
      close(n.ks.pValue, e.ks.pValueExact, 'KS p-value (exact)');
    }
    close(ksAsymptoticPValue(n.ks.statistic, m, k), e.ks.pValueStephens, 'KS p-value (Stephens)');
    expect(n.ks.bound).toBe(0);
    expect(n.ks.pValueRange).toEqual([n.ks.pValue, n.ks.pValue]);
    close(n.wasserstein.distance, e.wasserstein.distance, 'Wasserstein');
    close(n.wasserstein.norm, e.wasserstein.norm, 'Wasserstein norm');
    close(n.wasserstein.normalised, e.wasserstein.normalised, 'normalised Wasserstein');
    closeAll(n.psi.edges, e.psi.edges, 'decile edges');
    closeAll(n.psi.reference, e.psi.reference, 'reference bin shares');
    closeAll(n.psi.current, e.psi.current, 'current bin shares');
    close(n.psi.value, e.psi.value, 'PSI');
    expect(n.psi.bounds[0]).toBeCloseTo(n.psi.value, 12);
    expect(n.psi.bounds[1]).toBeCloseTo(n.psi.value, 12);
    close(drift.outsideRange.share, e.outsideRange, 'outside the range');
    close(drift.missing.reference, e.missing.reference, 'reference missing rate');
    close(drift.missing.current, e.missing.current, 'current missing rate');
    close(drift.missing.change, e.missing.current - e.missing.reference, 'missing rate change');
    expect(drift.test.value).toBe(n.ks.pValue);
  });

  /**
   * The stated gap between the Stephens-corrected p-value and scipy's ks_2samp(method='asymp')
   * (finite-n kstwo): 0.046 for en ≥ 2.9, 0.012 for en ≥ 100, 0.006 for en ≥ 500, 0.002 for
   * en ≥ 5000 (measured over a grid of D with scipy; docs/monitoring.md).
   */
  it.each(fixtures.ksGap)('the stated gap holds over a grid of D at en = $en', ({ en, gap }) => {
    const stated = en >= 5000 ? 0.002 : en >= 500 ? 0.006 : en >= 100 ? 0.012 : 0.046;
    expect(gap).toBeLessThanOrEqual(stated);
    expect(gap).toBeGreaterThan(stated / 4); // the bound is not slack enough to hide a change
  });

  it.each(numericCases.map((c) => [c.name, c] as const))('KS p-value gap to asymp: %s', (_n, c) => {
    const e = c.expected as NumericExpected;
    const m = c.reference.filter((v) => v !== null).length;
    const n = c.current.filter((v) => v !== null).length;
    const en = (m * n) / (m + n);
    const gap = Math.abs(e.ks.pValueStephens - e.ks.pValueAsymp);
    const stated = en >= 5000 ? 0.002 : en >= 500 ? 0.006 : en >= 100 ? 0.012 : 0.046;
    expect(gap).toBeLessThanOrEqual(stated);
  });
});

describe('the exact KS p-value', () => {
  it('takes the series for equal sizes and the band recursion otherwise, as scipy does', () => {
    // Small cases by hand: with m = n = 2, D = 1 happens on 2 of the 6 orderings.
    expect(ksExactPValue(1, 2, 2)).toBeCloseTo(2 / 6, 15);
    // m = 1, n = 2: D ≥ 1/2 always (p = 1); D = 1 on 2 of the 3 orderings.
    expect(ksExactPValue(0.5, 1, 2)).toBe(1);
    expect(ksExactPValue(1, 1, 2)).toBeCloseTo(2 / 3, 15);
    expect(ksExactPValue(0, 10, 20)).toBe(1);
  });

  it.each(fixtures.ksExact)('matches scipy at m = $m, n = $n, D = $d', ({ m, n, d, p }) => {
    expect(Math.abs(ksExactPValue(d, m, n) - p)).toBeLessThanOrEqual(TOLERANCE * p);
  });
});

describe('categorical drift from raw values against scipy', () => {
  it.each(categoricalCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const e = c.expected as CategoricalExpected;
    const drift = compareFeature(
      'x',
      sideFromValues('string', c.reference),
      sideFromValues('string', c.current),
    );
    expect(drift.kind).toBe('categorical');
    const s = drift.categorical!;
    expect(s.buckets).toEqual(e.buckets);
    closeAll(s.reference, e.reference, 'reference shares');
    closeAll(s.current, e.current, 'current shares');
    close(s.psi, e.psi, 'PSI');
    close(s.jensenShannon, e.jensenShannon, 'Jensen–Shannon');
    close(s.chiSquare.statistic, e.chiSquare.statistic, 'chi-square statistic');
    close(s.chiSquare.pValue, e.chiSquare.pValue, 'chi-square p-value');
    expect(s.chiSquare.dof).toBe(e.chiSquare.dof);
    expect(s.newCategories).toEqual(e.newCategories);
    close(s.newShare, e.newShare, 'new categories share');
    close(drift.outsideRange.share, e.newShare, 'outside the range');
    close(drift.missing.reference, e.missing.reference, 'reference missing rate');
    close(drift.missing.current, e.missing.current, 'current missing rate');
    expect(s.exact).toBe(true);
  });
});
