/**
 * The sketch path of shared/monitor: drift from data profiles (KLL quantiles, Misra–Gries top
 * values, exact moments and counts) stays within its stated bounds of the exact statistics
 * scipy computed (test/fixtures/monitor/scipy-values.json): |D̂ − D| ≤ ε_ref + ε_cur,
 * |Ŵ − W| ≤ (ε_ref + ε_cur)·range, PSI of the data over the sketch's edges within the stated
 * interval, the out-of-range share within 2ε_cur; exact (1e-9) while no sketch compacted.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareFeature,
  driftBetweenProfiles,
  sideFromProfile,
  sideFromValues,
} from '../../shared/monitor/drift.js';
import { psiOverEdges } from '../../shared/monitor/numeric.js';
import {
  sampleFromValues,
  weightAtOrBelow,
  type WeightedSample,
} from '../../shared/monitor/sample.js';
import {
  ColumnStats,
  mergeProfiles,
  type ColumnProfile,
  type DataProfile,
} from '../../shared/profile/profile.js';
import { hash32, hashNumber } from '../../shared/profile/sketches/hash.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { writeCsv } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtures } from '../fixtures/monitor/fixtures.js';

/** A profile column as the validator builds it, value by value. */
function numericColumn(values: readonly (number | null)[]): ColumnProfile {
  const stats = new ColumnStats('x', 'number');
  for (const v of values) {
    stats.count++;
    if (v === null) stats.nulls++;
    else {
      stats.addNumber(v);
      stats.distinct.addHash(hashNumber(v));
    }
  }
  return JSON.parse(JSON.stringify(stats.toProfile())) as ColumnProfile;
}

function textColumn(values: readonly (string | null)[]): ColumnProfile {
  const stats = new ColumnStats('x', 'string');
  for (const v of values) {
    stats.count++;
    if (v === null) stats.nulls++;
    else {
      stats.distinct.addHash(hash32(v));
      stats.top!.add(v);
    }
  }
  return JSON.parse(JSON.stringify(stats.toProfile())) as ColumnProfile;
}

const profileOf = (column: ColumnProfile): DataProfile => ({
  format: 'mlops-actions/profile@1',
  rows: column.count,
  sources: [{ path: 'x.csv', format: 'csv', rows: column.count }],
  columns: [column],
});

/** Shards profiled apart and merged, as a job matrix does. */
function shardedColumn(values: readonly (number | null)[], shards: number): ColumnProfile {
  const size = Math.ceil(values.length / shards);
  const profiles = Array.from({ length: shards }, (_, i) =>
    profileOf(numericColumn(values.slice(i * size, (i + 1) * size))),
  );
  return mergeProfiles(profiles).columns[0]!;
}

/** Shards merged into a running profile one at a time, as repeated runs would. */
function pairwiseColumn(values: readonly (number | null)[], shards: number): ColumnProfile {
  const size = Math.ceil(values.length / shards);
  let merged = profileOf(numericColumn(values.slice(0, size)));
  for (let i = 1; i < shards; i++) {
    merged = mergeProfiles([
      merged,
      profileOf(numericColumn(values.slice(i * size, (i + 1) * size))),
    ]);
  }
  return merged.columns[0]!;
}

/** max |F̂ − F| over the data's values: the sketch's actual rank error. */
function rankError(sketch: WeightedSample, exact: WeightedSample): number {
  let worst = 0;
  exact.values.forEach((x, i) => {
    const diff = Math.abs(
      weightAtOrBelow(sketch, x) / sketch.total - exact.cumulative[i]! / exact.total,
    );
    worst = Math.max(worst, diff);
  });
  return worst;
}

type NumericCase = {
  name: string;
  reference: (number | null)[];
  current: (number | null)[];
  expected: {
    ks: { statistic: number; pValueStephens: number; pValueExact: number | null };
    wasserstein: { distance: number; norm: number };
    outsideRange: number;
    missing: { reference: number; current: number };
  };
};
const numericCases = fixtures.cases.filter((c) => c.kind === 'numeric') as unknown as NumericCase[];

const layouts = {
  'one profile': (values: readonly (number | null)[]) => numericColumn(values),
  'four merged shards': (values: readonly (number | null)[]) => shardedColumn(values, 4),
  'eight merged shards': (values: readonly (number | null)[]) => shardedColumn(values, 8),
  'sixteen shards merged one by one': (values: readonly (number | null)[]) =>
    pairwiseColumn(values, 16),
  'sorted input': (values: readonly (number | null)[]) =>
    numericColumn([...values].sort((a, b) => (a ?? -Infinity) - (b ?? -Infinity))),
};

describe.each(Object.entries(layouts))('numeric drift from profiles (%s)', (_layout, build) => {
  it.each(numericCases.map((c) => [c.name, c] as const))('%s holds the stated bounds', (_n, c) => {
    const refColumn = build(c.reference);
    const curColumn = build(c.current);
    const ref = sideFromProfile(refColumn);
    const cur = sideFromProfile(curColumn);
    if (typeof ref === 'string' || typeof cur === 'string') throw new Error('not compared');
    const drift = compareFeature('x', ref, cur, { test: 'ks' });
    expect(drift.source).toBe('sketch');
    const n = drift.numeric!;
    const e = c.expected;
    // Each sketch within its stated rank error of the data.
    const exactRef = sampleFromValues(c.reference);
    const exactCur = sampleFromValues(c.current);
    expect(rankError(ref.numeric!.sample, exactRef)).toBeLessThanOrEqual(
      ref.numeric!.sample.rankError + 1e-12,
    );
    expect(rankError(cur.numeric!.sample, exactCur)).toBeLessThanOrEqual(
      cur.numeric!.sample.rankError + 1e-12,
    );
    const tolerance = (bound: number, scale = 1) => bound + 1e-9 * Math.max(1, scale);
    expect(Math.abs(n.ks.statistic - e.ks.statistic)).toBeLessThanOrEqual(tolerance(n.ks.bound));
    // The p-value of the same method at scipy's D lies in the stated range; the test reads its top.
    const p = n.ks.method === 'exact' ? e.ks.pValueExact! : e.ks.pValueStephens;
    expect(p).toBeGreaterThanOrEqual(n.ks.pValueRange[0] - 1e-9);
    expect(p).toBeLessThanOrEqual(n.ks.pValueRange[1] + 1e-9);
    expect(drift.test.value).toBe(n.ks.pValueRange[1]);
    expect(Math.abs(n.wasserstein.distance - e.wasserstein.distance)).toBeLessThanOrEqual(
      tolerance(n.wasserstein.bound, e.wasserstein.distance),
    );
    // The norm comes from exact moments, so it is scipy's value on every path.
    expect(Math.abs(n.wasserstein.norm - e.wasserstein.norm)).toBeLessThanOrEqual(
      1e-9 * e.wasserstein.norm,
    );
    expect(Math.abs(drift.outsideRange.share - e.outsideRange)).toBeLessThanOrEqual(
      tolerance(drift.outsideRange.bound),
    );
    expect(drift.missing.reference).toBeCloseTo(e.missing.reference, 12);
    expect(drift.missing.current).toBeCloseTo(e.missing.current, 12);
    // The PSI of the data itself over the edges the sketch chose lies in the stated interval.
    const truth = psiOverEdges(exactRef, exactCur, n.psi.edges).value;
    expect(truth).toBeGreaterThanOrEqual(n.psi.bounds[0] - 1e-12);
    expect(truth).toBeLessThanOrEqual(n.psi.bounds[1] + 1e-12);
    expect(n.psi.value).toBeGreaterThanOrEqual(n.psi.bounds[0] - 1e-12);
    expect(n.psi.value).toBeLessThanOrEqual(n.psi.bounds[1] + 1e-12);
    if (n.ks.bound === 0) {
      // No sketch compacted: the profile path is the exact path.
      const exact = compareFeature(
        'x',
        sideFromValues('number', c.reference),
        sideFromValues('number', c.current),
        { test: 'ks' },
      );
      expect(n.ks.statistic).toBeCloseTo(exact.numeric!.ks.statistic, 12);
      expect(n.wasserstein.distance).toBeCloseTo(exact.numeric!.wasserstein.distance, 9);
      expect(n.psi.value).toBeCloseTo(exact.numeric!.psi.value, 12);
    }
  });
});

it('compacts on the large fixtures, so the bounds above are not vacuous', () => {
  const large = numericCases.filter((c) => c.reference.length > 10_000);
  expect(large.length).toBeGreaterThanOrEqual(3);
  for (const c of large) {
    const side = sideFromProfile(numericColumn(c.reference));
    if (typeof side === 'string') throw new Error(side);
    expect(side.numeric!.sample.rankError).toBeGreaterThan(0);
    expect(side.numeric!.sample.rankError).toBeLessThan(0.017);
  }
});

type CategoricalCase = { name: string; reference: (string | null)[]; current: (string | null)[] };
const categoricalCases = fixtures.cases.filter(
  (c) => c.kind === 'categorical',
) as unknown as CategoricalCase[];

describe('categorical drift from profiles', () => {
  it.each(categoricalCases.map((c) => [c.name, c] as const))(
    '%s: exact top values give the exact statistics',
    (_n, c) => {
      const ref = sideFromProfile(textColumn(c.reference));
      const cur = sideFromProfile(textColumn(c.current));
      if (typeof ref === 'string' || typeof cur === 'string') throw new Error('not compared');
      const sketch = compareFeature('x', ref, cur);
      const exact = compareFeature(
        'x',
        sideFromValues('string', c.reference),
        sideFromValues('string', c.current),
      );
      expect(sketch.categorical!.exact).toBe(true);
      expect(sketch.categorical!.buckets).toEqual(exact.categorical!.buckets);
      expect(sketch.categorical!.psi).toBeCloseTo(exact.categorical!.psi, 12);
      expect(sketch.categorical!.jensenShannon).toBeCloseTo(exact.categorical!.jensenShannon, 12);
      expect(sketch.categorical!.chiSquare.pValue).toBeCloseTo(
        exact.categorical!.chiSquare.pValue,
        12,
      );
      expect(sketch.categorical!.newCategories).toEqual(exact.categorical!.newCategories);
      expect(sketch.missing).toEqual(exact.missing);
    },
  );

  it('past 128 distinct values, each named share is within the stated share error', () => {
    // 300 categories, Zipf-like: Misra–Gries cuts its counters, so counts become lower bounds.
    const values = (seed: number) =>
      Array.from(
        { length: 20_000 },
        (_, i) => `c${Math.floor(300 * ((((i + seed) * 2654435761) % 2 ** 32) / 2 ** 32) ** 3)}`,
      );
    const refValues = values(1);
    const curValues = values(7);
    const ref = sideFromProfile(textColumn(refValues));
    const cur = sideFromProfile(textColumn(curValues));
    if (typeof ref === 'string' || typeof cur === 'string') throw new Error('not compared');
    const sketch = compareFeature('x', ref, cur).categorical!;
    expect(sketch.exact).toBe(false);
    expect(sketch.shareError).toBeGreaterThan(0);
    const truth = (data: string[], value: string) =>
      data.filter((v) => v === value).length / data.length;
    sketch.buckets.slice(0, -1).forEach((bucket, i) => {
      expect(Math.abs(sketch.reference[i]! - truth(refValues, bucket))).toBeLessThanOrEqual(
        sketch.shareError + 1e-12,
      );
      expect(Math.abs(sketch.current[i]! - truth(curValues, bucket))).toBeLessThanOrEqual(
        sketch.shareError + 1e-12,
      );
    });
  });
});

describe('drift between profiles validate-data wrote', () => {
  it('reads the columns of two validated CSV files and flags the shifted one', async () => {
    const dir = await tempDir();
    const schema = await tableSchemaFrom(
      {
        fields: [
          { name: 'x', type: 'number' },
          { name: 'plan', type: 'string' },
          { name: 'when', type: 'date' },
        ],
      },
      'schema.yaml',
    );
    const table = (shift: number) => ({
      columns: ['x', 'plan', 'when'],
      rows: Array.from({ length: 3000 }, (_, i) => [
        ((i * 7919) % 1000) / 10 + shift,
        i % 4 === 0 ? 'pro' : 'free',
        '2026-01-01',
      ]),
    });
    const profileOf = async (path: string) =>
      (await validateFiles([{ path, format: 'csv' as const }], schema, 10)).profile;
    const reference = await profileOf(await writeCsv(join(dir, 'ref.csv'), table(0)));
    const current = await profileOf(await writeCsv(join(dir, 'cur.csv'), table(30)));
    const report = driftBetweenProfiles(reference, current);
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    expect(byName.x!.test).toMatchObject({ name: 'wasserstein', drifted: true });
    expect(byName.plan!.test).toMatchObject({ name: 'jensenshannon', drifted: false });
    expect(report.skipped.map((s) => s.name)).toEqual(['when']);
    expect(report.dataset).toMatchObject({
      compared: 2,
      driftedFeatures: ['x'],
      share: 0.5,
      drifted: true,
    });
  });
});

describe('a thin tail far past the reference', () => {
  // 1% of a million current values 12 standard deviations out: the sketch keeps almost none of
  // them (its walk reads W = 0.034, under the 0.1 threshold, where the data's is 0.121), but the
  // exact mean and maximum know they are there (a finding of the drift bench).
  const normal = (n: number, seed: number) => {
    let state = seed;
    const uniform = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state + 0.5) / 4294967296;
    };
    return Array.from(
      { length: n },
      () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
    );
  };
  const reference = normal(1_000_000, 1);
  const current = normal(1_000_000, 2).map((v, i) => (i % 100 === 0 ? 12 + v : v));

  // Both sides from profiles, as monitor-model reads them; the sketches are built once.
  const referenceColumn = numericColumn(reference);
  const currentColumn = numericColumn(current);
  const fromSketches = (override: { test?: 'wasserstein' } = {}) =>
    compareFeature(
      'x',
      sideFromProfile(referenceColumn) as Exclude<ReturnType<typeof sideFromProfile>, string>,
      sideFromProfile(currentColumn) as Exclude<ReturnType<typeof sideFromProfile>, string>,
      override,
    );

  it('drifts by the normalised Wasserstein distance on the sketch path as on the exact one', () => {
    const exact = compareFeature(
      'x',
      sideFromValues('number', reference),
      sideFromValues('number', current),
      { test: 'wasserstein' },
    );
    const sketch = fromSketches({ test: 'wasserstein' });
    expect(exact.test.drifted).toBe(true);
    expect(sketch.test.drifted).toBe(true);
    const { distance, bound } = sketch.numeric!.wasserstein;
    expect(Math.abs(distance - exact.numeric!.wasserstein.distance)).toBeLessThanOrEqual(bound);
  });

  it('counts values past the reference maximum however few the sketch kept', () => {
    const sketch = fromSketches();
    expect(sketch.outsideRange.share).toBeGreaterThan(0);
    expect(Math.abs(sketch.outsideRange.share - 0.01)).toBeLessThanOrEqual(
      sketch.outsideRange.bound,
    );
  });
});
