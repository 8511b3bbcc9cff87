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
import { UserError } from '../action/errors.js';
import type { PreparedMetrics } from './compute.js';
import { Xoshiro128 } from './random.js';

export interface BootstrapOptions {
  resamples: number;
  /** Coverage of the interval, e.g. 0.95. */
  confidence: number;
  seed: number;
}

export const BOOTSTRAP_METHOD = 'poisson-bootstrap, percentile interval';

/**
 * The most work a bootstrap may do, in units of one row evaluated once (about 10 ns): a minute
 * or two on a runner. A resample of the whole file and of every slice column costs
 * `(1 + slice columns) × (rows × (1 + score columns) + 10 × classes)` units: every row is
 * tallied once and ranked once per score column, and every class costs about ten rows; with
 * sensitive features, `rows` more (the fairness pass adds each row to its cell once).
 */
export const BOOTSTRAP_WORK_BUDGET = 1e10;
/** Fewer resamples than this give intervals too rough to judge a regression by: refused instead. */
export const MIN_BOOTSTRAP_RESAMPLES = 200;

export interface BootstrapShape {
  rows: number;
  classes: number;
  scoreColumns: number;
  sliceColumns: number;
  /** Whether sensitive features are measured: one more pass over the rows a resample (fairness.ts). */
  sensitive?: boolean;
}

function resampleWork(shape: BootstrapShape): number {
  return (
    (1 + shape.sliceColumns) * (shape.rows * (1 + shape.scoreColumns) + 10 * shape.classes) +
    (shape.sensitive ? shape.rows : 0)
  );
}

/**
 * The resamples to run within the work budget: the ones asked for, or fewer with a warning
 * (`reduced`), or a UserError when even MIN_BOOTSTRAP_RESAMPLES would not fit.
 */
export function boundedResamples(
  requested: number,
  shape: BootstrapShape,
  source: string,
  budget = BOOTSTRAP_WORK_BUDGET,
): { resamples: number; warning?: string } {
  const perResample = resampleWork(shape);
  const affordable = Math.floor(budget / Math.max(1, perResample));
  if (requested <= affordable) return { resamples: requested };
  const what = `${shape.rows} rows, ${shape.classes} classes, ${shape.scoreColumns} score columns and ${shape.sliceColumns} slice columns${shape.sensitive ? ', with sensitive features' : ''}`;
  if (affordable < MIN_BOOTSTRAP_RESAMPLES) {
    throw new UserError(
      `Input "bootstrap": a bootstrap of the predictions file "${source}" (${what}) would cost ${perResample.toExponential(2)} units of work per resample, so not even ${MIN_BOOTSTRAP_RESAMPLES} resamples fit the budget of ${budget.toExponential(0)} (about a minute or two). Set "bootstrap: 0" for metrics without intervals, or evaluate fewer score columns, slice columns or rows (e.g. a sample).`,
    );
  }
  return {
    resamples: affordable,
    warning: `Input "bootstrap" asks for ${requested} resamples, but the predictions file "${source}" (${what}) affords ${affordable} within the bootstrap's work budget; the intervals use ${affordable}. Set "bootstrap" to ${affordable} or less to silence this.`,
  };
}

export function bootstrapIntervals(
  prepared: PreparedMetrics,
  names: readonly string[],
  options: BootstrapOptions,
): Record<string, [number, number]> {
  const random = new Xoshiro128(options.seed);
  const out = new Float64Array(prepared.names.length);
  const slots = names.map((name) => prepared.names.indexOf(name));
  // One row of draws per metric, NaN where the resample leaves the metric undefined.
  const draws = new Float64Array(names.length * options.resamples).fill(Number.NaN);
  for (let r = 0; r < options.resamples; r++) {
    // No buffer of weights: a classification draws each where it uses it (8 bytes a row less at peak).
    prepared.resample(random, null, out);
    for (let m = 0; m < names.length; m++)
      if (slots[m] !== -1) draws[m * options.resamples + r] = out[slots[m]!]!;
  }
  const intervals: Record<string, [number, number]> = {};
  for (let m = 0; m < names.length; m++) {
    const interval = percentileInterval(
      draws.subarray(m * options.resamples, (m + 1) * options.resamples),
      options.confidence,
    );
    if (interval) intervals[names[m]!] = interval;
  }
  return intervals;
}

/**
 * The percentile interval of one quantity's draws (NaN: undefined in that resample), or
 * undefined when it is undefined in half the resamples or more.
 */
export function percentileInterval(
  draws: Float64Array,
  confidence: number,
): [number, number] | undefined {
  const defined = draws.filter((v) => !Number.isNaN(v)).sort();
  if (defined.length * 2 <= draws.length) return undefined;
  const tail = (1 - confidence) / 2;
  return [quantile(defined, tail), quantile(defined, 1 - tail)];
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
