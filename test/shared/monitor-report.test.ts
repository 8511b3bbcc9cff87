/**
 * The drift report (`mlops-actions/drift-report@1`) and the choices around the statistics:
 * Evidently's default test per column, per-feature overrides, dataset drift by share, the
 * profiles' identities, and the errors a user can fix.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { driftBetweenColumns, driftBetweenProfiles } from '../../shared/monitor/drift.js';
import { DRIFT_REPORT_FORMAT, driftReport } from '../../shared/monitor/report.js';
import { ColumnStats, type DataProfile } from '../../shared/profile/profile.js';

/** A deterministic uniform stream (linear congruential). */
function uniform(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  });
}

const numbers = (count: number, seed: number, shift = 0) =>
  uniform(count, seed).map((u) => Math.round((u * 100 + shift) * 100) / 100);
const plans = (count: number, seed: number, proShare = 0.25) =>
  uniform(count, seed).map((u) => (u < proShare ? 'pro' : 'free'));

describe('default tests (Evidently) and dataset drift', () => {
  it('uses KS and chi-square up to 1,000 reference values, Wasserstein and Jensen–Shannon above', () => {
    const small = driftBetweenColumns(
      {
        x: { type: 'number', values: numbers(1000, 1) },
        plan: { type: 'string', values: plans(1000, 2) },
      },
      {
        x: { type: 'number', values: numbers(800, 3) },
        plan: { type: 'string', values: plans(800, 4) },
      },
    );
    expect(small.features.map((f) => f.test.name)).toEqual(['ks', 'chisquare']);
    const large = driftBetweenColumns(
      {
        x: { type: 'number', values: numbers(1001, 1) },
        plan: { type: 'string', values: plans(1001, 2) },
      },
      {
        x: { type: 'number', values: numbers(800, 3) },
        plan: { type: 'string', values: plans(800, 4) },
      },
    );
    expect(large.features.map((f) => [f.test.name, f.test.threshold])).toEqual([
      ['wasserstein', 0.1],
      ['jensenshannon', 0.1],
    ]);
  });

  it('compares a numeric column with at most five values as categories', () => {
    const grades = (count: number, seed: number) =>
      uniform(count, seed).map((u) => Math.floor(u * 5));
    const report = driftBetweenColumns(
      { grade: { type: 'integer', values: grades(500, 1) } },
      { grade: { type: 'integer', values: grades(500, 2) } },
    );
    expect(report.features[0]).toMatchObject({ kind: 'categorical', test: { name: 'chisquare' } });
    expect(report.features[0]!.categorical!.buckets).toHaveLength(6);
    expect(report.features[0]!.numeric).not.toBeNull();
  });

  it('flags a shifted numeric and a reweighted categorical column, and the data when half drift', () => {
    const reference = {
      x: { type: 'number', values: numbers(2000, 1) },
      y: { type: 'number', values: numbers(2000, 5) },
      plan: { type: 'string', values: plans(2000, 2) },
      region: { type: 'string', values: plans(2000, 6) },
    };
    const current = {
      x: { type: 'number', values: numbers(2000, 3, 20) },
      y: { type: 'number', values: numbers(2000, 7) },
      plan: { type: 'string', values: plans(2000, 4, 0.6) },
      region: { type: 'string', values: plans(2000, 8) },
    };
    const report = driftBetweenColumns(reference, current);
    expect(report.dataset).toEqual({
      drifted: true,
      share: 0.5,
      driftShare: 0.5,
      compared: 4,
      driftedFeatures: ['x', 'plan'],
    });
    // The shift of 20 on a uniform(0, 100) column: W = 20, normalised by its std (≈ 28.9).
    const x = report.features[0]!;
    expect(x.numeric!.wasserstein.distance).toBeGreaterThan(19);
    expect(x.test.value).toBeCloseTo(
      x.numeric!.wasserstein.distance / x.numeric!.wasserstein.norm,
      12,
    );
    expect(driftBetweenColumns(reference, current, { driftShare: 0.75 }).dataset.drifted).toBe(
      false,
    );
  });

  it('applies a per-feature override of the test and threshold', () => {
    const reference = { x: { type: 'number', values: numbers(2000, 1) } };
    const current = { x: { type: 'number', values: numbers(2000, 3, 3) } };
    const byDefault = driftBetweenColumns(reference, current).features[0]!;
    expect(byDefault.test).toMatchObject({
      name: 'wasserstein',
      drifted: false,
      chosen: 'default',
    });
    const psi = driftBetweenColumns(reference, current, {
      features: { x: { test: 'psi', threshold: 0.01 } },
    }).features[0]!;
    expect(psi.test).toMatchObject({ name: 'psi', threshold: 0.01, chosen: 'override' });
    expect(psi.test.value).toBe(psi.numeric!.psi.value);
    expect(psi.test.drifted).toBe(psi.numeric!.psi.value >= 0.01);
    const stricter = driftBetweenColumns(reference, current, {
      features: { x: { threshold: 0.01 } },
    });
    expect(stricter.features[0]!.test).toMatchObject({ name: 'wasserstein', drifted: true });
  });
});

function profile(
  columns: Record<string, { type: string; values: (number | string | null)[] }>,
): DataProfile {
  const rows = Math.max(...Object.values(columns).map((c) => c.values.length));
  return {
    format: 'mlops-actions/profile@1',
    rows,
    sources: [{ path: 'data.csv', format: 'csv', rows }],
    columns: Object.entries(columns).map(([name, { type, values }]) => {
      const stats = new ColumnStats(name, type);
      for (const v of values) {
        stats.count++;
        if (v === null) stats.nulls++;
        else if (typeof v === 'number') stats.addNumber(v);
        else stats.top?.add(v);
      }
      return stats.toProfile();
    }),
  };
}

describe('edge cases', () => {
  it('reports a column missing in all current rows by its missing rate, with finite statistics', () => {
    const reference = profile({
      x: { type: 'number', values: numbers(500, 1) },
      plan: { type: 'string', values: plans(500, 2) },
    });
    const current = profile({
      x: { type: 'number', values: Array<null>(300).fill(null) },
      plan: { type: 'string', values: Array<null>(300).fill(null) },
    });
    const report = driftBetweenProfiles(reference, current);
    expect(driftReport.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    for (const feature of report.features) {
      expect(feature.missing).toEqual({ reference: 0, current: 1, change: 1 });
      expect(feature.test.drifted).toBe(false);
    }
  });

  it('reads the categories of a numeric column with few values from its sketch within 2ε', () => {
    const levels = (count: number, seed: number) =>
      uniform(count, seed).map((u) => (u < 0.5 ? 1 : u < 0.8 ? 2 : 3));
    const ref = levels(50_000, 1);
    const cur = levels(40_000, 2);
    const report = driftBetweenProfiles(
      profile({ level: { type: 'integer', values: ref } }),
      profile({ level: { type: 'integer', values: cur } }),
    );
    const feature = report.features[0]!;
    expect(feature).toMatchObject({ kind: 'categorical', source: 'sketch' });
    const stats = feature.categorical!;
    expect(stats.exact).toBe(false);
    expect(stats.shareError).toBeGreaterThan(0);
    stats.buckets.slice(0, -1).forEach((bucket, i) => {
      const share = (data: number[]) =>
        data.filter((v) => String(v) === bucket).length / data.length;
      expect(Math.abs(stats.reference[i]! - share(ref))).toBeLessThanOrEqual(stats.shareError);
      expect(Math.abs(stats.current[i]! - share(cur))).toBeLessThanOrEqual(stats.shareError);
    });
  });
});

describe('the drift report document', () => {
  const reference = profile({
    x: { type: 'number', values: numbers(3000, 1) },
    plan: { type: 'string', values: [...plans(2900, 2), ...Array<null>(100).fill(null)] },
  });
  const current = profile({
    x: { type: 'number', values: numbers(2000, 3, 5) },
    plan: { type: 'string', values: [...plans(1800, 4), ...Array<null>(200).fill(null)] },
    extra: { type: 'string', values: plans(2000, 9) },
  });

  it('passes its schema and survives JSON as it is', () => {
    const report = driftBetweenProfiles(reference, current);
    expect(report.format).toBe(DRIFT_REPORT_FORMAT);
    const roundTrip = JSON.parse(JSON.stringify(report)) as unknown;
    expect(driftReport.parse(roundTrip)).toEqual(report);
    expect(report.features.map((f) => f.name)).toEqual(['x', 'plan']);
    expect(report.features[1]!.missing.reference).toBeCloseTo(100 / 3000, 12);
    expect(report.features[1]!.missing.current).toBeCloseTo(200 / 2000, 12);
  });

  it('names both profiles by digest, rows and sources', () => {
    const report = driftBetweenProfiles(reference, current);
    expect(report.reference.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.reference.digest).not.toBe(report.current.digest);
    expect(report.reference).toMatchObject({ rows: 3000, sources: [{ path: 'data.csv' }] });
    expect(driftBetweenProfiles(reference, current).reference.digest).toBe(report.reference.digest);
  });

  it('refuses a report with a statistic out of range', () => {
    const report = JSON.parse(JSON.stringify(driftBetweenProfiles(reference, current)));
    report.features[0].numeric.ks.pValue = 1.5;
    expect(driftReport.safeParse(report).success).toBe(false);
  });
});

describe('errors a user can fix', () => {
  const reference = profile({
    x: { type: 'number', values: numbers(100, 1) },
    plan: { type: 'string', values: plans(100, 2) },
  });

  it('names a reference column the current data lacks', () => {
    const current = profile({ x: { type: 'number', values: numbers(100, 3) } });
    expect(() => driftBetweenProfiles(reference, current)).toThrow(UserError);
    expect(() => driftBetweenProfiles(reference, current)).toThrow(/no column "plan"/);
  });

  it('quotes a hostile column name on one line', () => {
    const name = 'a"\nb';
    const withName = profile({ [name]: { type: 'number', values: numbers(10, 1) } });
    const without = profile({ x: { type: 'number', values: numbers(10, 1) } });
    expect(() => driftBetweenProfiles(withName, without)).toThrow('no column "a\\"\\nb", which');
  });

  it('names a column whose type changed', () => {
    const current = profile({
      x: { type: 'string', values: plans(100, 3) },
      plan: { type: 'string', values: plans(100, 2) },
    });
    expect(() => driftBetweenProfiles(reference, current)).toThrow(
      /"x" is number in the reference and string/,
    );
  });

  it('names a test that does not fit the feature, and a feature that is not there', () => {
    expect(() =>
      driftBetweenProfiles(reference, reference, { features: { plan: { test: 'ks' } } }),
    ).toThrow(
      /ks test on "plan", a categorical feature.*Choose one of: psi, jensenshannon, chisquare/,
    );
    expect(() =>
      driftBetweenProfiles(reference, reference, { features: { age: { test: 'psi' } } }),
    ).toThrow(/names "age", not a column/);
  });
});
