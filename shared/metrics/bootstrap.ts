/**
 * Bootstrap confidence intervals for every scalar metric.
 *
 * Scheme: the Poisson bootstrap. Each resample gives every row a weight drawn from
 * Poisson(1), the number of times it is "drawn", instead of drawing n row indices with
 * replacement (the multinomial bootstrap, whose counts tend to the same Poisson(1) law as n
 * grows). The weights are drawn in one sequential pass with no count array to scatter into,
 * and every metric is computed from them by `PreparedMetrics.evaluate`, which walks the
 * confusion counts, per-row losses and the score orders sorted once up front: a resample costs
 * a few passes over the rows and no sorting. Sample weights multiply the Poisson weights.
 * The interval is the percentile interval (quantiles with linear interpolation, as
 * numpy.percentile) over the resamples in which the metric is defined; a metric undefined in
 * more than half of them (e.g. ROC AUC of a slice with few positives) gets no interval.
 * Seeded: the same seed, rows and options give identical intervals on every machine.
 */
import type { PreparedMetrics } from './compute.js';
import { Xoshiro128 } from './random.js';

export interface BootstrapOptions {
  resamples: number;
  /** Coverage of the interval, e.g. 0.95. */
  confidence: number;
  seed: number;
}

export const BOOTSTRAP_METHOD = 'poisson-bootstrap, percentile interval';

export function bootstrapIntervals(prepared: PreparedMetrics, names: readonly string[], options: BootstrapOptions): Record<string, [number, number]> {
  const random = new Xoshiro128(options.seed);
  const buffer = new Float64Array(prepared.rows);
  const out = new Float64Array(prepared.names.length);
  const slots = names.map((name) => prepared.names.indexOf(name));
  // One row of draws per metric, NaN where the resample leaves the metric undefined.
  const draws = new Float64Array(names.length * options.resamples).fill(Number.NaN);
  for (let r = 0; r < options.resamples; r++) {
    prepared.resample(random, buffer, out);
    for (let m = 0; m < names.length; m++) if (slots[m] !== -1) draws[m * options.resamples + r] = out[slots[m]!]!;
  }
  const intervals: Record<string, [number, number]> = {};
  const tail = (1 - options.confidence) / 2;
  for (let m = 0; m < names.length; m++) {
    const defined = draws.subarray(m * options.resamples, (m + 1) * options.resamples).filter((v) => !Number.isNaN(v)).sort();
    if (defined.length * 2 <= options.resamples) continue;
    intervals[names[m]!] = [quantile(defined, tail), quantile(defined, 1 - tail)];
  }
  return intervals;
}

/** numpy.quantile's default ("linear") of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** A seed of its own for each slice, so that adding a slice column leaves the others' intervals alone. */
export function derivedSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
