import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ColumnStats, mergeProfiles, PROFILE_FORMAT } from '../../shared/profile/profile.js';
import { DistinctCounter } from '../../shared/profile/sketches/distinct.js';
import { fingerprint, hash32 } from '../../shared/profile/sketches/hash.js';
import { FingerprintSet, KeySet } from '../../shared/profile/sketches/key-set.js';
import { Moments } from '../../shared/profile/sketches/moments.js';
import { QuantileSketch, sortFinite } from '../../shared/profile/sketches/quantiles.js';
import { TopValues } from '../../shared/profile/sketches/top-values.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { writeCsv } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A deterministic stream of numbers (a linear congruential generator) shaped like a skewed measurement. */
function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const u = state / 2 ** 31;
    return Math.round(-Math.log(1 - u) * 1000) / 10;
  });
}

const exactQuantile = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

describe('sketches', () => {
  it('merges moments exactly (Chan et al.)', () => {
    const data = values(10_000, 1);
    const whole = new Moments();
    const left = new Moments();
    const right = new Moments();
    data.forEach((x, i) => (whole.add(x), (i % 3 ? left : right).add(x)));
    left.merge(right.toJSON());
    const mean = data.reduce((a, b) => a + b, 0) / data.length;
    const variance = data.reduce((a, b) => a + (b - mean) ** 2, 0) / (data.length - 1);
    for (const m of [whole, left]) {
      expect(m.mean).toBeCloseTo(mean, 9);
      expect(m.stdev()!).toBeCloseTo(Math.sqrt(variance), 9);
      expect([m.min, m.max, m.n]).toEqual([Math.min(...data), Math.max(...data), data.length]);
    }
  });

  it('keeps KLL quantiles within 2% rank error, merged or not, and exact on small data', () => {
    const data = values(200_000, 7);
    const sorted = [...data].sort((a, b) => a - b);
    const whole = new QuantileSketch();
    const parts = [new QuantileSketch(), new QuantileSketch(), new QuantileSketch()];
    data.forEach((x, i) => (whole.add(x), parts[i % 3]!.add(x)));
    const merged = QuantileSketch.from(parts[0]!.toJSON());
    merged.merge(parts[1]!.toJSON());
    merged.merge(parts[2]!.toJSON());
    const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
    for (const sketch of [whole, merged]) {
      sketch.quantiles(qs)!.forEach((estimate, i) => {
        const rank = sorted.findIndex((x) => x > estimate) / sorted.length;
        expect(Math.abs((rank === -1 ? 1 : rank) - qs[i]!)).toBeLessThan(0.02);
      });
      expect(JSON.stringify(sketch.toJSON()).length).toBeLessThan(20_000); // bounded: a few hundred numbers
    }
    const small = new QuantileSketch();
    [5, 1, 4, 2, 3].forEach((x) => small.add(x));
    expect(small.quantiles([0, 0.5, 1])).toEqual([1, 3, 5]);
    expect(small.quantiles([0.2, 0.4])).toEqual([
      exactQuantile([1, 2, 3, 4, 5], 0.2),
      exactQuantile([1, 2, 3, 4, 5], 0.4),
    ]);
  });

  it('sorts a KLL base level as the native sort does, whatever the shape of the values', () => {
    const uniform = values(800, 3).map((x) => x * 0.37);
    const shapes: Record<string, number[]> = {
      skewed: values(800, 11),
      uniform,
      'few integers': uniform.map((x) => Math.floor(x) % 7),
      binary: uniform.map((x) => (x > 40 ? 1 : 0)),
      'heavy tail': values(800, 5).map((x) => Math.exp(x / 40)),
      'an outlier': uniform.map((x, i) => (i === 400 ? 1e300 : x)),
      negatives: uniform.map((x, i) => (i % 2 ? -x : x)),
      constant: uniform.map(() => 4.2),
      'huge span': uniform.map((x, i) =>
        i === 0 ? -Number.MAX_VALUE : i === 1 ? Number.MAX_VALUE : x,
      ),
      ascending: uniform.map((_, i) => i * 3),
      'ascending with ties': uniform.map((_, i) => Math.floor(i / 3)),
      'ascending but the last': uniform.map((_, i) => (i === 799 ? -1 : i)),
      'ascending then a dip': uniform.map((_, i) => (i === 400 ? 398.5 : i)),
    };
    for (const [shape, data] of Object.entries(shapes)) {
      expect(Array.from(sortFinite(Float64Array.from(data))), shape).toEqual(
        Array.from(Float64Array.from(data).sort()),
      );
    }
  });

  it('counts distinct values exactly up to 1024 and within 5% beyond, merged or not', () => {
    const small = new DistinctCounter();
    for (let i = 0; i < 3000; i++) small.addHash(hash32(String(i % 700)));
    expect([small.estimate(), small.isExact()]).toEqual([700, true]);
    const left = new DistinctCounter();
    const right = new DistinctCounter();
    for (let i = 0; i < 100_000; i++) (i % 2 ? left : right).addHash(hash32(`value ${i % 60_000}`));
    left.merge(right.toJSON());
    expect(left.isExact()).toBe(false);
    expect(Math.abs(left.estimate() / 60_000 - 1)).toBeLessThan(0.05);
    expect(DistinctCounter.from(left.toJSON()).estimate()).toBe(left.estimate());
  });

  it('keeps exact top values while they fit, and the heavy hitters when they do not', () => {
    const top = new TopValues(4);
    ['a', 'b', 'a', 'c', 'a', 'b'].forEach((v) => top.add(v));
    expect(top.top(2)).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
    ]);
    expect(top.error).toBe(0);
    const heavy = new TopValues(4);
    for (let i = 0; i < 10_000; i++) heavy.add(i % 2 ? 'hot' : `cold ${i}`);
    expect(heavy.top(1)[0]!.value).toBe('hot');
    expect(heavy.error).toBeGreaterThan(0);
    expect(heavy.counts.size).toBeLessThanOrEqual(8);
  });

  it('keeps keys exactly: integers near the first as bits, the rest as fingerprints, one limit for both', () => {
    const keys = new KeySet(10);
    const added = [
      1000,
      1001,
      -0,
      0,
      1000 + 2 ** 25,
      1000 - 2 ** 25,
      2.5,
      2 ** 60,
      'text',
      1000,
      2.5,
      2 ** 60,
      'text',
      1001,
    ];
    expect(
      added.map((key) => (typeof key === 'string' ? keys.addText(key) : keys.addNumber(key))),
    ).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([keys.size, keys.saturated]).toEqual([8, false]);
    expect([keys.addNumber(7), keys.addNumber(8), keys.addText('more')]).toEqual([
      true,
      true,
      true,
    ]);
    // At the limit (10): kept keys are still repeats; new ones, bits or fingerprints, are taken as new and not kept.
    expect([keys.size, keys.saturated]).toEqual([10, true]);
    expect([
      keys.addNumber(9),
      keys.addNumber(9),
      keys.addText('again'),
      keys.addText('again'),
      keys.addNumber(7),
      keys.addText('text'),
    ]).toEqual([true, true, true, true, false, false]);
    expect(keys.size).toBe(10);
  });

  it('finds repeated fingerprints, and stops adding at its limit while still answering', () => {
    const set = new FingerprintSet(1000);
    for (let i = 0; i < 1000; i++) expect(set.add(fingerprint(`k${i}`))).toBe(true);
    expect(set.add(fingerprint('k5'))).toBe(false);
    expect(set.add(fingerprint('new'))).toBe(true);
    expect(set.saturated).toBe(true);
    expect(set.add(fingerprint('k999'))).toBe(false);
  });
});

const dir = await tempDir();
const schema = await tableSchemaFrom(
  {
    fields: [
      { name: 'id', type: 'integer' },
      { name: 'x', type: 'number' },
      { name: 'label', type: 'string' },
    ],
  },
  'schema.yaml',
);

describe('data profiles', () => {
  const table = (from: number, to: number) => ({
    columns: ['id', 'x', 'label'],
    rows: Array.from({ length: to - from }, (_, i) => [
      from + i,
      (from + i) % 17 === 0 ? null : (((from + i) * 7919) % 1000) / 10,
      (from + i) % 3 === 0 ? 'yes' : 'no',
    ]),
  });
  const profileOf = async (...paths: string[]) =>
    (
      await validateFiles(
        paths.map((path) => ({ path, format: 'csv' as const })),
        schema,
        10,
      )
    ).profile;

  it('merges the profiles of shards into the profile of the whole', async () => {
    const a = await writeCsv(join(dir, 'a.csv'), table(0, 3000));
    const b = await writeCsv(join(dir, 'b.csv'), table(3000, 5000));
    const whole = await profileOf(a, b);
    const merged = mergeProfiles([
      JSON.parse(JSON.stringify(await profileOf(a))),
      JSON.parse(JSON.stringify(await profileOf(b))),
    ]);
    expect(merged.format).toBe(PROFILE_FORMAT);
    expect(merged.rows).toBe(5000);
    expect(merged.sources.map((s) => s.rows)).toEqual([3000, 2000]);
    merged.columns.forEach((column, i) => {
      const expected = whole.columns[i]!;
      const topValues = column.topValuesExact ? column.topValues : undefined;
      expect(column.topValuesExact).toBe(expected.topValuesExact);
      expect({
        ...column,
        topValues,
        mean: undefined,
        stdev: undefined,
        quantiles: undefined,
        histogram: undefined,
        state: undefined,
        distinct: undefined,
        distinctExact: undefined,
      }).toEqual({
        ...expected,
        topValues,
        mean: undefined,
        stdev: undefined,
        quantiles: undefined,
        histogram: undefined,
        state: undefined,
        distinct: undefined,
        distinctExact: undefined,
      });
      expect(column.mean ?? 0).toBeCloseTo(expected.mean ?? 0, 9);
      expect(column.stdev ?? 0).toBeCloseTo(expected.stdev ?? 0, 9);
      expect(Math.abs(column.distinct / expected.distinct - 1)).toBeLessThan(0.03);
    });
    const x = merged.columns[1]!;
    expect(x).toMatchObject({ count: 5000, nulls: 295, min: 0, max: 99.9 });
    expect(x.histogram!.edges).toHaveLength(11);
    expect(x.histogram!.counts.reduce((s, c) => s + c, 0)).toBe(5000 - 295);
    expect(merged.columns[2]!.topValues).toEqual([
      { value: 'no', count: 3333 },
      { value: 'yes', count: 1667 },
    ]);
  });

  it('keeps the exact minimum and maximum as q0 and q1 and as the outer edges of the histogram, merged or not', () => {
    const stats = new ColumnStats('x', 'number');
    const data = values(50_000, 7);
    data[31_337] = 1e9; // a lone outlier that a sampled sketch would drop
    data[4_242] = -5;
    for (const x of data) stats.addNumber(x);
    const check = (column: ReturnType<ColumnStats['toProfile']>) => {
      const q = column.quantiles!.values;
      expect([q[0], q.at(-1)]).toEqual([-5, 1e9]);
      expect([column.min, column.max]).toEqual([-5, 1e9]);
      expect(q).toEqual([...q].sort((a, b) => a - b));
      const edges = column.histogram!.edges;
      expect([edges[0], edges.at(-1)]).toEqual([-5, 1e9]);
      expect(column.histogram!.counts.reduce((s, c) => s + c, 0)).toBe(data.length);
    };
    check(stats.toProfile());
    const half = new ColumnStats('x', 'number');
    const other = new ColumnStats('x', 'number');
    data.forEach((x, i) => (i % 2 ? half : other).addNumber(x));
    half.mergeProfile(JSON.parse(JSON.stringify(other.toProfile())));
    check(half.toProfile());
  });

  it('refuses to merge columns of different types', async () => {
    const profile = await profileOf(await writeCsv(join(dir, 'c.csv'), table(0, 10)));
    const other = JSON.parse(JSON.stringify(profile));
    other.columns[1].type = 'string';
    expect(() => mergeProfiles([profile, other])).toThrow(
      /column "x" is number in one profile and string in another/,
    );
  });
});
