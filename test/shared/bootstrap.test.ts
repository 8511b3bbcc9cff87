import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, derivedSeed, quantile } from '../../shared/metrics/bootstrap.js';
import { prepareMetrics, type ClassificationSet } from '../../shared/metrics/compute.js';
import { poissonAt, Xoshiro128 } from '../../shared/metrics/random.js';

/** A multiclass set with probabilities, from a fixed generator. */
function multiclassSet(n: number, seed: number, weighted = false): ClassificationSet {
  const random = new Xoshiro128(seed);
  const uniform = () => random.nextUint32() / 4294967296;
  const k = 3;
  const labels = new Int32Array(n);
  const predictions = new Int32Array(n);
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(uniform() * k);
    predictions[i] = uniform() < 0.8 ? labels[i]! : Math.floor(uniform() * k);
    let sum = 0;
    for (let c = 0; c < k; c++)
      sum += scores[i * k + c] = Math.round((uniform() + (c === predictions[i] ? 1 : 0)) * 10);
    for (let c = 0; c < k; c++) scores[i * k + c]! /= sum;
  }
  const weights = weighted ? Float64Array.from({ length: n }, () => uniform() * 2) : undefined;
  return {
    task: 'multiclass',
    classes: ['a', 'b', 'c'],
    labels,
    predictions,
    scores,
    scoreClasses: ['a', 'b', 'c'],
    weights,
  };
}

describe('Poisson bootstrap weights', () => {
  it('have the Poisson(1) distribution: mean 1, variance 1, P(0) = 1/e', () => {
    const draws = Array.from({ length: 200_000 }, (_, row) => poissonAt(0x12345678, row));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(1, 2);
    expect(variance).toBeCloseTo(1, 1);
    expect(draws.filter((d) => d === 0).length / draws.length).toBeCloseTo(Math.exp(-1), 2);
    expect(draws.reduce((a, b) => Math.max(a, b))).toBeLessThan(13);
  });

  it('weigh a row the same in every pass of a resample, whatever order the pass walks', () => {
    for (const weighted of [false, true]) {
      const set = multiclassSet(500, 1, weighted);
      const prepared = prepareMetrics(set);
      const key = new Xoshiro128(9).nextUint32();
      const fileOrder = Float64Array.from(
        { length: 500 },
        (_, row) => poissonAt(key, row) * (set.weights ? set.weights[row]! : 1),
      );
      const out = new Float64Array(prepared.names.length);
      prepared.resample(new Xoshiro128(9), new Float64Array(500), out);
      const resampled = Object.fromEntries(
        prepared.names
          .map((name, slot) => [name, out[slot]!])
          .filter(([, value]) => !Number.isNaN(value)),
      );
      const direct = prepared.evaluate(fileOrder);
      expect(Object.keys(resampled).sort()).toEqual(Object.keys(direct).sort());
      expect(Object.keys(direct).length).toBeGreaterThan(15);
      for (const [name, value] of Object.entries(direct))
        expect(resampled[name], name).toBeCloseTo(value, 12);
    }
  });

  // From 2,048 rows the orders come from the counting or the radix sort, and a resample takes
  // its fast paths (integer confusion cells, per-threshold tallies of the other score columns):
  // the same values as weighing the rows in file order, exactly when the weights are counts.
  it.each([
    ['6,000 rows, few distinct scores, counts', 6000, true, false],
    ['6,000 rows, few distinct scores, sample weights', 6000, true, true],
    ['70,000 rows, every score distinct (radix sort), counts', 70_000, false, false],
  ])('give %s the metrics of their weights in file order', (_, n, rounded, weighted) => {
    const set = multiclassSet(n, 5, weighted);
    if (!rounded) for (let i = 0; i < set.scores!.length; i++) set.scores![i]! += i * 1e-9;
    const binary: ClassificationSet = {
      task: 'binary',
      classes: ['a', 'b'],
      labels: set.labels.map((l) => (l === 0 ? 0 : 1)),
      predictions: set.predictions.map((p) => (p === 0 ? 0 : 1)),
      positive: 'a',
      scores: Float64Array.from({ length: n }, (_, i) => set.scores![i * 3]!),
      weights: set.weights,
    };
    for (const each of [set, binary]) {
      const prepared = prepareMetrics(each);
      const random = new Xoshiro128(17);
      const keys = new Xoshiro128(17);
      const out = new Float64Array(prepared.names.length);
      for (let r = 0; r < 3; r++) {
        const key = keys.nextUint32();
        prepared.resample(random, null, out);
        const direct = prepared.evaluate(
          Float64Array.from(
            { length: n },
            (_, row) => poissonAt(key, row) * (each.weights ? each.weights[row]! : 1),
          ),
        );
        expect(Object.keys(direct).length).toBeGreaterThan(15);
        prepared.names.forEach((name, slot) => {
          if (weighted) expect(out[slot], name).toBeCloseTo(direct[name]!, 12);
          else expect(out[slot], name).toBe(direct[name]);
        });
      }
    }
  });

  // Every score distinct takes the ranking walk's short path; one tie (a copy of a row, weighed
  // 0) takes the general one: the same metrics, to the bit, in a point evaluation and a resample.
  it.each([500, 5000])('rank %i rows of distinct scores as rows with one tie of no weight', (n) => {
    const set = multiclassSet(n, 8);
    for (let i = 0; i < set.scores!.length; i++) set.scores![i]! += i * 1e-9;
    const ones = new Float64Array(n).fill(1);
    const distinct: ClassificationSet = { ...set, weights: ones };
    const tied: ClassificationSet = {
      ...set,
      labels: Int32Array.from([...set.labels, set.labels[0]!]),
      predictions: Int32Array.from([...set.predictions, set.predictions[0]!]),
      scores: Float64Array.from([...set.scores!, ...set.scores!.subarray(0, 3)]),
      weights: Float64Array.from([...ones, 0]),
    };
    const [a, b] = [prepareMetrics(distinct), prepareMetrics(tied)];
    const [pointA, pointB] = [a.evaluate(distinct.weights!), b.evaluate(tied.weights!)];
    expect(pointA.roc_auc_ovr).toBeGreaterThan(0.5);
    expect(pointA).toEqual(pointB);
    const options = { resamples: 20, confidence: 0.9, seed: 2 };
    expect(bootstrapIntervals(a, Object.keys(pointA), options)).toEqual(
      bootstrapIntervals(b, Object.keys(pointB), options),
    );
  });

  it('give a small set, whose resamples repeat and are remembered, the metrics of each weighting', () => {
    const set = multiclassSet(5, 3);
    const prepared = prepareMetrics(set);
    const keys = new Xoshiro128(21);
    const random = new Xoshiro128(21);
    const out = new Float64Array(prepared.names.length);
    for (let r = 0; r < 200; r++) {
      const key = keys.nextUint32();
      prepared.resample(random, new Float64Array(5), out);
      const direct = prepared.evaluate(
        Float64Array.from({ length: 5 }, (_, row) => poissonAt(key, row)),
      );
      prepared.names.forEach((name, slot) =>
        expect(out[slot], `${name}, resample ${r}`).toBe(direct[name] ?? Number.NaN),
      );
    }
  });
});

describe('bootstrapIntervals', () => {
  const options = { resamples: 400, confidence: 0.95, seed: 3 };

  it('reproduces exactly with the same seed, and differs with another', () => {
    const prepared = prepareMetrics(multiclassSet(800, 2));
    const names = Object.keys(prepared.evaluate(null));
    const first = bootstrapIntervals(prepared, names, options);
    expect(bootstrapIntervals(prepared, names, options)).toEqual(first);
    expect(bootstrapIntervals(prepared, names, { ...options, seed: 4 }).accuracy).not.toEqual(
      first.accuracy,
    );
  });

  it('brackets each value, about as widely as the normal approximation for accuracy', () => {
    const prepared = prepareMetrics(multiclassSet(2000, 5));
    const point = prepared.evaluate(null);
    const intervals = bootstrapIntervals(prepared, Object.keys(point), options);
    for (const name of [
      'accuracy',
      'f1_macro',
      'log_loss',
      'roc_auc_ovr',
      'average_precision',
      'matthews_corrcoef',
    ]) {
      expect(intervals[name]![0], name).toBeLessThan(point[name]!);
      expect(intervals[name]![1], name).toBeGreaterThan(point[name]!);
    }
    const p = point.accuracy!;
    const normalWidth = 2 * 1.96 * Math.sqrt((p * (1 - p)) / 2000);
    const width = intervals.accuracy![1] - intervals.accuracy![0];
    expect(width / normalWidth).toBeGreaterThan(0.8);
    expect(width / normalWidth).toBeLessThan(1.2);
  });

  it('brackets the regression metrics, median included, with and without sample weights', () => {
    const random = new Xoshiro128(11);
    const uniform = () => random.nextUint32() / 4294967296;
    const labels = Float64Array.from({ length: 400 }, () => uniform() * 10);
    const predictions = labels.map((y) => y + (uniform() - 0.5) * 2);
    for (const weights of [undefined, Float64Array.from({ length: 400 }, () => 0.5 + uniform())]) {
      const prepared = prepareMetrics({ task: 'regression', labels, predictions, weights });
      const point = prepared.evaluate(weights ?? null);
      const intervals = bootstrapIntervals(prepared, Object.keys(point), options);
      for (const name of [
        'mae',
        'rmse',
        'r2',
        'median_absolute_error',
        'explained_variance',
        'mape',
      ]) {
        expect(intervals[name]![0], name).toBeLessThanOrEqual(point[name]!);
        expect(intervals[name]![1], name).toBeGreaterThanOrEqual(point[name]!);
        expect(intervals[name]![1], name).toBeGreaterThan(intervals[name]![0]);
      }
    }
  });

  it('narrows with the confidence level', () => {
    const prepared = prepareMetrics(multiclassSet(600, 6));
    const at = (confidence: number) =>
      bootstrapIntervals(prepared, ['accuracy'], { ...options, confidence }).accuracy!;
    const [wide, narrow] = [at(0.99), at(0.5)];
    expect(wide[1] - wide[0]).toBeGreaterThan(narrow[1] - narrow[0]);
  });

  it('gives no interval for a metric undefined in most resamples', () => {
    // One row of class "c": one-vs-rest AUC is undefined whenever the resample leaves it out (P = 1/e)
    // and also needs every class; with two rows of "c" it is defined in most resamples.
    const set = multiclassSet(40, 7);
    set.labels.fill(0).fill(1, 20);
    set.labels[39] = 2;
    const prepared = prepareMetrics(set);
    const intervals = bootstrapIntervals(prepared, ['roc_auc_ovr', 'accuracy'], options);
    expect(intervals.accuracy).toBeDefined();
    expect(prepared.evaluate(null).roc_auc_ovr).toBeDefined();
    // Defined in about 1 − 1/e ≈ 63% of resamples: still more than half, so it has an interval.
    expect(intervals.roc_auc_ovr).toBeDefined();
    set.labels[39] = 1;
    set.predictions[39] = 2;
    expect(
      bootstrapIntervals(prepareMetrics(set), ['roc_auc_ovr'], options).roc_auc_ovr,
    ).toBeUndefined();
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics, as numpy.quantile', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 0.25)).toBe(1.75);
    expect(quantile(sorted, 0.975)).toBeCloseTo(3.925, 12);
    expect(quantile(sorted, 1)).toBe(4);
  });

  it('derives a distinct seed per slice', () => {
    expect(derivedSeed(0, 'contract=one-year')).not.toBe(derivedSeed(0, 'contract=two-year'));
    expect(derivedSeed(0, 'x')).not.toBe(derivedSeed(1, 'x'));
  });
});
