/**
 * Label-free performance of a binary classifier: confidence-based performance estimation
 * (CBPE, as NannyML does). When the labels of a serving window are not known yet, its scores
 * still say how many rows are probably positive, once the scores are calibrated probabilities.
 *
 * - Calibration: with labelled calibration rows (the evaluation set), scores are mapped through
 *   an isotonic regression fitted on them, as scikit-learn's IsotonicRegression(increasing=True,
 *   y_min=0, y_max=1, out_of_bounds='clip') fits and predicts (ties in the score pooled, linear
 *   interpolation between its thresholds, scores outside the fitted range clamped to it).
 *   Without calibration rows the scores are taken as calibrated probabilities.
 * - Predictions are the model's: score ≥ threshold on the RAW score, as the deployed model
 *   decides and as its evaluation metrics were computed; the calibrated probability only says
 *   how likely each row is to be positive. (Thresholding the calibrated probability would
 *   estimate another classifier than the one serving.)
 * - Point estimates: the expected confusion matrix, Σ p over predicted positives for TP and so
 *   on, and accuracy, precision, recall and F1 of it (NannyML's CBPE); ROC AUC from the expected
 *   ROC curve (NannyML's approach: every row counts p positive and 1 − p negative, walked in
 *   the model's ranking, so the area is Σ p_i (1 − p_j) over pairs ranked i above j, over
 *   Σ p · Σ (1 − p)).
 * - Interval: where the metric realised on the window's true labels lies. Each resample draws
 *   labels y_i ~ Bernoulli(p_i) for every row and computes the metrics of those labels with the
 *   model's predictions and ranking; with calibration rows it first refits the isotonic map on
 *   a Poisson bootstrap of them, so the interval also carries the calibration's own error
 *   (with 2,000 calibration rows it is as large as the label noise of a 2,000-row window, and
 *   for a large window it is most of the uncertainty: labels alone then cover far too rarely).
 *   Percentile interval (numpy's linear quantiles) over the resamples.
 *
 * What CBPE assumes: the score-to-probability relation of the calibration rows still holds in
 * the window (covariate shift is fine, concept shift is not), and the window's scores lie where
 * calibration rows were seen.
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { quantile } from '../metrics/bootstrap.js';
import { accuracy, perClass, type ClassTallies } from '../metrics/classification.js';
import { poissonAt, Xoshiro128 } from '../metrics/random.js';
import { RankingWalk, walkResult } from '../metrics/ranking.js';
import { descendingOrder } from '../metrics/sort.js';

const ESTIMATE_METHOD = 'cbpe';

const share = z.number().min(0).max(1);
const metricEstimate = z.object({ value: share, ci: z.tuple([share, share]) });
type MetricEstimate = z.infer<typeof metricEstimate>;

export const performanceEstimateSchema = z.object({
  method: z.literal(ESTIMATE_METHOD),
  /** True when the scores were mapped through an isotonic fit on labelled calibration rows. */
  calibrated: z.boolean(),
  /** A row is predicted positive when its raw score is at least this. */
  threshold: share,
  /** Rows of the window. */
  rows: z.number().int().positive(),
  /** Labelled rows the calibration was fitted on (0: uncalibrated). */
  calibrationRows: z.number().int().min(0),
  resamples: z.number().int().positive(),
  confidence: z.number().gt(0).lt(1),
  seed: z.number().int(),
  metrics: z.object({
    accuracy: metricEstimate,
    precision: metricEstimate,
    recall: metricEstimate,
    f1: metricEstimate,
    /** Null when the probabilities leave one class impossible (every p is 0, or every p is 1). */
    roc_auc: metricEstimate.nullable(),
  }),
  /** Why a metric is missing, in a sentence each. */
  notes: z.array(z.string()),
});
export type PerformanceEstimate = z.infer<typeof performanceEstimateSchema>;

export interface EstimateOptions {
  /** Per row of the window, the model's probability of the positive class. */
  scores: ArrayLike<number>;
  /** Rows whose labels are known (e.g. the evaluation set), scored by the same model. */
  calibration?: { scores: ArrayLike<number>; labels: ArrayLike<number> };
  /** Predicted positive when score ≥ threshold (default 0.5). */
  threshold?: number;
  /** Simulated label sets (default 500). */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
  /** How messages name the window and the calibration rows, e.g. 'the window "serving.csv"'. */
  names?: { window?: string; calibration?: string };
  /** Most rows × resamples to draw (default ESTIMATE_WORK_BUDGET); a test sets it lower. */
  workBudget?: number;
}

const ESTIMATE_DEFAULTS = { threshold: 0.5, resamples: 500, seed: 0, confidence: 0.95 };
const MAX_RESAMPLES = 100_000;
/**
 * The most rows one estimate draws, (window rows + calibration rows) × resamples: 10–30 s on a
 * busy 2-core machine (a window row's label costs 5–15 ns with its share of the ranking walk, a
 * calibration row's Poisson weight and refit about as much). A window too large for the
 * resamples asked is estimated with fewer, never fewer than MIN_RESAMPLES, and says so in
 * `notes`: its interval is narrow, so the percentiles of fewer draws still place it well. A
 * million window rows get the default 500, with up to a million calibration rows.
 */
const ESTIMATE_WORK_BUDGET = 1e9;
const MIN_RESAMPLES = 100;
const TWO_TO_32 = 4294967296;

export function estimatePerformance(options: EstimateOptions): PerformanceEstimate {
  const settings = checkedSettings(options);
  const windowName = options.names?.window ?? 'the window';
  const scores = checkedScores(options.scores, `The scores of ${windowName}`);
  if (scores.length === 0)
    throw new UserError(
      `${capitalised(windowName)} has no rows: there is nothing to estimate the performance of. Check the time range or filter that selected it, or skip the estimate for an empty window.`,
    );
  const calibration = options.calibration
    ? calibrationGrid(options.calibration, options.names?.calibration ?? 'the calibration set')
    : undefined;
  const window = rankedWindow(scores, settings.threshold, calibration);
  const notes: string[] = [];
  // A resample draws every window row's label and, with calibration, refits on every calibration row.
  const perResample = scores.length + (calibration?.cell.length ?? 0);
  const budget = options.workBudget ?? ESTIMATE_WORK_BUDGET;
  const affordable = Math.max(MIN_RESAMPLES, Math.floor(budget / perResample));
  if (settings.resamples > affordable) {
    notes.push(
      `The intervals use ${affordable} resamples, not the ${settings.resamples} asked for: ${scores.length} window rows${calibration ? ` and ${calibration.cell.length} calibration rows` : ''} × ${settings.resamples} resamples is past the estimate's budget of ${budget.toExponential(0)} rows drawn.`,
    );
    settings.resamples = affordable;
  }

  const probabilities = new Float64Array(scores.length);
  const fit = calibration ? gridFit(calibration) : undefined;
  fillProbabilities(window, fit, probabilities);
  const point = expectedMetrics(window, probabilities);
  const draws = simulate(window, calibration, fit, probabilities, point, settings);

  const tail = (1 - settings.confidence) / 2;
  const interval = (name: MetricName, value: number): MetricEstimate => {
    const sorted = draws[name].filter((v) => !Number.isNaN(v)).sort();
    return { value, ci: [quantile(sorted, tail), quantile(sorted, 1 - tail)] };
  };
  let rocAuc: MetricEstimate | null = null;
  const definedAuc = draws.roc_auc.filter((v) => !Number.isNaN(v)).length;
  if (Number.isNaN(point.roc_auc) || definedAuc * 2 <= settings.resamples) {
    notes.push(
      `ROC AUC is not estimated: the ${fit ? 'calibrated ' : ''}probabilities of ${windowName} make ${
        point.positives < scores.length / 2 ? 'positive' : 'negative'
      } rows too unlikely (expected ${point.positives.toFixed(2)} positives in ${scores.length} rows) for it to be defined in most label draws.`,
    );
  } else {
    rocAuc = interval('roc_auc', point.roc_auc);
  }
  return {
    method: ESTIMATE_METHOD,
    calibrated: calibration !== undefined,
    threshold: settings.threshold,
    rows: scores.length,
    calibrationRows: calibration?.labels.length ?? 0,
    resamples: settings.resamples,
    confidence: settings.confidence,
    seed: settings.seed,
    metrics: {
      accuracy: interval('accuracy', point.accuracy),
      precision: interval('precision', point.precision),
      recall: interval('recall', point.recall),
      f1: interval('f1', point.f1),
      roc_auc: rocAuc,
    },
    notes,
  };
}

type Settings = typeof ESTIMATE_DEFAULTS;

function checkedSettings(options: EstimateOptions): Settings {
  const settings = {
    threshold: options.threshold ?? ESTIMATE_DEFAULTS.threshold,
    resamples: options.resamples ?? ESTIMATE_DEFAULTS.resamples,
    seed: options.seed ?? ESTIMATE_DEFAULTS.seed,
    confidence: options.confidence ?? ESTIMATE_DEFAULTS.confidence,
  };
  const problem = (field: string, value: number, expected: string) =>
    new UserError(
      `Performance estimate: "${field}" is ${value}; expected ${expected}. Set it to such a value or leave it out for the default (${ESTIMATE_DEFAULTS[field as keyof Settings]}).`,
    );
  if (!(settings.threshold >= 0 && settings.threshold <= 1))
    throw problem('threshold', settings.threshold, 'a probability in [0, 1]');
  if (
    !Number.isInteger(settings.resamples) ||
    settings.resamples < 1 ||
    settings.resamples > MAX_RESAMPLES
  )
    throw problem('resamples', settings.resamples, `a whole number from 1 to ${MAX_RESAMPLES}`);
  if (!Number.isSafeInteger(settings.seed)) throw problem('seed', settings.seed, 'a whole number');
  if (!(settings.confidence > 0 && settings.confidence < 1))
    throw problem('confidence', settings.confidence, 'a number between 0 and 1, e.g. 0.95');
  return settings;
}

/** The scores as a Float64Array, after checking that every one is a probability. */
function checkedScores(values: ArrayLike<number>, what: string): Float64Array {
  // Checked before the conversion, which would read null as 0 and '0.5' as 0.5.
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const s = values[i];
    if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
      bad++;
      if (first === -1) first = i;
    }
  }
  if (bad > 0)
    throw new UserError(
      `${what} must be probabilities of the positive class, numbers in [0, 1], but row ${first + 1} is ${describe(values[first])}${bad > 1 ? ` (and ${bad - 1} more rows are missing, not numbers or outside [0, 1])` : ''}. Check that the column holds the positive class's probability (not a logit, a margin or a label) and that missing scores are dropped before the estimate.`,
    );
  return Float64Array.from(values);
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${String(value)}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The calibration rows on the grid of their distinct scores, ascending: what every isotonic fit
 * starts from (scikit-learn pools rows of equal score before the regression).
 */
interface CalibrationGrid {
  /** Distinct scores, ascending. */
  x: Float64Array;
  /**
   * The calibration rows in ascending score order (so that a resample's pass over them writes
   * its weights in order: a million rows in random order took 100 ms a resample, in order 5):
   * each row's index in x, its label (1 positive), and its index in the input.
   */
  cell: Uint32Array;
  labels: Uint8Array;
  rows: Uint32Array;
}

function calibrationGrid(
  data: { scores: ArrayLike<number>; labels: ArrayLike<number> },
  name: string,
): CalibrationGrid {
  const scores = checkedScores(data.scores, `The scores of ${name}`);
  if (data.labels.length !== scores.length)
    throw new UserError(
      `${capitalised(name)} has ${scores.length} scores but ${data.labels.length} labels: every labelled row needs both. Check that the score and label columns come from the same rows.`,
    );
  const labels = new Uint8Array(scores.length);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = data.labels[i];
    if (label !== 0 && label !== 1)
      throw new UserError(
        `The labels of ${name} must be 0 (negative) or 1 (positive), but row ${i + 1} is ${describe(label)}. Map the label column to 0/1 for the positive class the scores are the probability of, and drop unlabelled rows.`,
      );
    labels[i] = label;
    positives += label;
  }
  if (positives === 0 || positives === labels.length)
    throw new UserError(
      `${capitalised(name)} ${labels.length === 0 ? 'has no rows' : `holds only ${positives === 0 ? 'negative' : 'positive'} labels (${labels.length} rows)`}: a calibration needs rows of both classes to learn how often a score is right. Use a labelled set with both classes (e.g. the evaluation set), or leave the calibration out if the scores are calibrated probabilities already.`,
    );
  // The metrics' radix sort, walked from its end for ascending order.
  const { order } = descendingOrder(scores);
  const n = scores.length;
  const distinct: number[] = [];
  const cell = new Uint32Array(n);
  const sortedLabels = new Uint8Array(n);
  const rows = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[n - 1 - k]!;
    if (distinct.length === 0 || distinct[distinct.length - 1] !== scores[i])
      distinct.push(scores[i]!);
    cell[k] = distinct.length - 1;
    sortedLabels[k] = labels[i]!;
    rows[k] = i;
  }
  return { x: Float64Array.from(distinct), cell, labels: sortedLabels, rows };
}

/**
 * An isotonic fit on the grid: the fitted probability at every distinct calibration score
 * (`y`, with y[m] = y[m − 1] so that interpolation at the top end needs no branch).
 */
interface GridFit {
  y: Float64Array;
}

/**
 * Scratch space of the pool-adjacent-violators pass, allocated once for all resamples.
 * PAV is written here rather than taken from a package: no maintained npm package offers it
 * (the one WebAssembly package once published is gone from the registry), it is thirty lines,
 * and the bootstrap needs a weighted refit on the pre-sorted grid per resample, O(grid), which
 * a fit-from-raw-rows API would redo with a sort every time.
 */
class Pav {
  private readonly sum: Float64Array;
  private readonly weight: Float64Array;
  private readonly first: Uint32Array;
  private readonly last: Uint32Array;

  constructor(private readonly x: Float64Array) {
    const m = x.length;
    this.sum = new Float64Array(m);
    this.weight = new Float64Array(m);
    this.first = new Uint32Array(m);
    this.last = new Uint32Array(m);
  }

  /**
   * The increasing least-squares fit of positives[j] / weights[j] with weights weights[j], into
   * y (length m + 1). Grid points of no weight (left out of a bootstrap resample, as
   * scikit-learn drops zero-weight rows) get what scikit-learn would predict there: the
   * interpolation between their weighted neighbours, or the nearest end's value. False when no
   * point has weight.
   */
  fit(weights: Float64Array, positives: Float64Array, y: Float64Array): boolean {
    const { x, sum, weight, first, last } = this;
    let blocks = 0;
    for (let j = 0; j < x.length; j++) {
      let w = weights[j]!;
      if (w === 0) continue;
      let s = positives[j]!;
      let start = j;
      // Pool while the previous block's mean is at least this one's (s_prev/w_prev ≥ s/w).
      while (blocks > 0 && sum[blocks - 1]! * w >= s * weight[blocks - 1]!) {
        blocks--;
        s += sum[blocks]!;
        w += weight[blocks]!;
        start = first[blocks]!;
      }
      sum[blocks] = s;
      weight[blocks] = w;
      first[blocks] = start;
      last[blocks] = j;
      blocks++;
    }
    if (blocks === 0) return false;
    const m = x.length;
    const value = (b: number) => Math.min(1, Math.max(0, sum[b]! / weight[b]!));
    y.fill(value(0), 0, first[0]! + 1);
    for (let b = 0; b < blocks; b++) {
      const v = value(b);
      y.fill(v, first[b]!, last[b]! + 1);
      const next = b + 1 < blocks ? first[b + 1]! : m;
      if (next === m) {
        y.fill(v, last[b]! + 1, m + 1);
        break;
      }
      const from = last[b]!;
      const to = value(b + 1);
      for (let j = from + 1; j < next; j++)
        y[j] = v + ((x[j]! - x[from]!) / (x[next]! - x[from]!)) * (to - v);
    }
    return true;
  }
}

/** The fit on every calibration row once (with weights: a row counts `weights[i]` times): scikit-learn's fit. */
function gridFit(grid: CalibrationGrid, weights?: ArrayLike<number>): GridFit {
  const m = grid.x.length;
  const total = new Float64Array(m);
  const positives = new Float64Array(m);
  for (let k = 0; k < grid.cell.length; k++) {
    const w = weights ? weights[grid.rows[k]!]! : 1;
    total[grid.cell[k]!]! += w;
    positives[grid.cell[k]!]! += w * grid.labels[k]!;
  }
  const y = new Float64Array(m + 1);
  new Pav(grid.x).fit(total, positives, y);
  return { y };
}

/**
 * An isotonic calibration fitted on labelled scores, as scikit-learn's
 * IsotonicRegression(y_min=0, y_max=1, out_of_bounds='clip').fit(scores, labels, weights)
 * .predict: exported for the oracle test. `weights`: non-negative whole counts, at least one
 * positive row and one negative with weight (what a bootstrap resample gives).
 */
export function isotonicCalibration(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): (values: ArrayLike<number>) => Float64Array {
  const grid = calibrationGrid({ scores, labels }, 'the calibration set');
  const fit = gridFit(grid, weights);
  return (values) => {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const { segment, fraction } = locate(grid.x, values[i]!);
      out[i] = interpolate(fit.y, segment, fraction);
    }
    return out;
  };
}

/** Where a score falls on the grid: x[segment] ≤ score < x[segment + 1], clamped to the ends. */
function locate(x: Float64Array, score: number): { segment: number; fraction: number } {
  const m = x.length;
  if (score <= x[0]!) return { segment: 0, fraction: 0 };
  if (score >= x[m - 1]!) return { segment: m - 1, fraction: 0 };
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  return { segment: lo, fraction: (score - x[lo]!) / (x[lo + 1]! - x[lo]!) };
}

function interpolate(y: Float64Array, segment: number, fraction: number): number {
  const below = y[segment]!;
  return fraction === 0 ? below : below + fraction * (y[segment + 1]! - below);
}

/**
 * The window in the model's ranking (descending raw score): the runs of tied scores, how many
 * ranked rows are predicted positive, and per ranked row its raw score or, with calibration,
 * its place on the calibration grid.
 */
interface RankedWindow {
  rows: number;
  groupEnds: Uint32Array;
  /** Ranked rows with score ≥ threshold: the first `cut` (a run boundary: ties fall together). */
  cut: number;
  /** Per ranked row, the raw score (uncalibrated). */
  scores: Float64Array;
  segment?: Uint32Array;
  fraction?: Float64Array;
}

function rankedWindow(
  scores: Float64Array,
  threshold: number,
  grid: CalibrationGrid | undefined,
): RankedWindow {
  const { order, groupEnds } = descendingOrder(scores);
  const ranked = new Float64Array(scores.length);
  let cut = 0;
  for (let r = 0; r < order.length; r++) {
    ranked[r] = scores[order[r]!]!;
    if (ranked[r]! >= threshold) cut = r + 1;
  }
  const window: RankedWindow = { rows: scores.length, groupEnds, cut, scores: ranked };
  if (grid) {
    window.segment = new Uint32Array(scores.length);
    window.fraction = new Float64Array(scores.length);
    for (let r = 0; r < ranked.length; r++) {
      const { segment, fraction } = locate(grid.x, ranked[r]!);
      window.segment[r] = segment;
      window.fraction[r] = fraction;
    }
  }
  return window;
}

/** Per ranked row, its probability of being positive under the fit (or its raw score). */
function fillProbabilities(window: RankedWindow, fit: GridFit | undefined, out: Float64Array) {
  const { segment, fraction } = window;
  if (!fit || !segment || !fraction) {
    out.set(window.scores);
    return;
  }
  const y = fit.y;
  for (let r = 0; r < out.length; r++) {
    const below = y[segment[r]!]!;
    out[r] = below + fraction[r]! * (y[segment[r]! + 1]! - below);
  }
}

interface CountMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy and the positive class's precision, recall and F1 from a (possibly expected) confusion matrix. */
function countMetrics(tp: number, fp: number, fn: number, tn: number): CountMetrics {
  const tallies: ClassTallies = {
    k: 2,
    support: Float64Array.of(tn + fp, tp + fn),
    predicted: Float64Array.of(tn + fn, tp + fp),
    truePositive: Float64Array.of(tn, tp),
    total: tp + fp + fn + tn,
  };
  const positive = perClass(tallies)[1]!;
  return {
    accuracy: accuracy(tallies)!,
    precision: positive.precision,
    recall: positive.recall,
    f1: positive.f1,
  };
}

/** CBPE's point estimates: the expected confusion matrix, and the expected ROC curve's area. */
function expectedMetrics(window: RankedWindow, p: Float64Array): Metrics & { positives: number } {
  const walk = new RankingWalk();
  let start = 0;
  let positives = 0;
  let above = 0;
  for (const end of window.groupEnds) {
    let expected = 0;
    for (let r = start; r < end; r++) expected += p[r]!;
    walk.group(expected, end - start);
    positives += expected;
    if (end === window.cut) above = positives;
    start = end;
  }
  return { ...metricsOf(window, positives, above, walk.result().rocAuc), positives };
}

const METRIC_NAMES = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'] as const;
type MetricName = (typeof METRIC_NAMES)[number];
type Metrics = Record<MetricName, number>;

/** The metrics of a confusion matrix and a ranking's sums; NaN for an undefined ROC AUC. */
function metricsOf(window: RankedWindow, positives: number, above: number, auc?: number): Metrics {
  const { cut, rows } = window;
  return {
    ...countMetrics(above, cut - above, positives - above, rows - cut - (positives - above)),
    roc_auc: auc ?? Number.NaN,
  };
}

/**
 * The metrics of `resamples` label sets drawn as y ~ Bernoulli(p), each a walk down the
 * ranking (NaN where ROC AUC is undefined: a draw with one class only).
 *
 * With calibration, each resample's p comes from an isotonic refit on a Poisson bootstrap of
 * the calibration rows, and its draw m_b is reflected about the point estimate in its
 * calibration part only: m_b − 2 (e_b − ê), where e_b is the expected metric under the refit
 * and ê the point estimate. That is the basic bootstrap for the calibration error and the
 * simulation for the label noise. Isotonic regression is biased at the ends of the score range
 * (its end blocks reach 0 and 1), which makes every metric here look a little better than it
 * is; the refits repeat that bias, about half as much again, so the percentile interval would
 * move the wrong way (measured: ROC AUC covered in 88% of trials, not 95%) where the
 * reflection moves it back (92–93%). The label noise keeps its own skew, unreflected.
 */
function simulate(
  window: RankedWindow,
  grid: CalibrationGrid | undefined,
  fit: GridFit | undefined,
  probabilities: Float64Array,
  point: Metrics,
  settings: Settings,
): Record<MetricName, Float64Array> {
  const draws = Object.fromEntries(
    METRIC_NAMES.map((name) => [name, new Float64Array(settings.resamples)]),
  ) as Record<MetricName, Float64Array>;
  const random = new Xoshiro128(settings.seed);
  const refit = grid ? new BootstrapRefit(grid) : undefined;
  const p = refit ? new Float64Array(window.rows) : probabilities;
  const { cut, groupEnds } = window;
  const distinct = groupEnds.length === window.rows;
  for (let resample = 0; resample < settings.resamples; resample++) {
    let drawn: Drawn;
    let expected: Metrics | undefined;
    if (!refit || !fit) {
      drawn = distinct ? distinctDraw(p, cut, random) : tiedDraw(p, cut, groupEnds, random);
    } else {
      const resampled = refit.next(random.nextUint32()) ?? fit;
      if (distinct) {
        drawn = distinctCalibratedDraw(window, resampled.y, random);
        expected = metricsOf(window, drawn.expected!, drawn.expectedAbove!, drawn.expectedAuc);
      } else {
        fillProbabilities(window, resampled, p);
        expected = expectedMetrics(window, p);
        drawn = tiedDraw(p, cut, groupEnds, random);
      }
    }
    const metrics = metricsOf(window, drawn.positives, drawn.above, drawn.rocAuc);
    for (const name of METRIC_NAMES) {
      const m = expected ? metrics[name] - 2 * (expected[name] - point[name]) : metrics[name];
      draws[name][resample] = Math.min(1, Math.max(0, m));
    }
  }
  return draws;
}

interface Drawn {
  /** Positive rows drawn. */
  positives: number;
  /** Of them, rows predicted positive (ranked before the cut). */
  above: number;
  rocAuc?: number;
  /** With a refit's probabilities: Σ p, Σ p before the cut, and the expected ROC curve's area. */
  expected?: number;
  expectedAbove?: number;
  expectedAuc?: number;
}

/**
 * One label draw walked down a ranking of distinct scores (continuous scores): a row per step,
 * the area summed as, for every negative, the positives ranked above it; the same integer the
 * ranking walk sums, at a third of its cost per row.
 */
function distinctDraw(p: Float64Array, cut: number, random: Xoshiro128): Drawn {
  let positives = 0;
  let area = 0;
  let above = 0;
  for (let r = 0; r < p.length; r++) {
    if (r === cut) above = positives;
    if (random.nextUint32() < p[r]! * TWO_TO_32) positives++;
    else area += positives;
  }
  if (cut === p.length) above = positives;
  return { positives, above, rocAuc: walkResult(positives, p.length - positives, area, 0).rocAuc };
}

/**
 * distinctDraw with each row's probability interpolated on the resample's isotonic fit as it
 * goes (no pass to write the probabilities out first), summing the expected metrics' terms
 * on the way: the expected area as RankingWalk.group(p, 1) sums it.
 */
function distinctCalibratedDraw(window: RankedWindow, y: Float64Array, random: Xoshiro128): Drawn {
  const segment = window.segment!;
  const fraction = window.fraction!;
  const { rows, cut } = window;
  let positives = 0;
  let area = 0;
  let above = 0;
  let expected = 0;
  let expectedAbove = 0;
  let expectedArea = 0;
  for (let r = 0; r < rows; r++) {
    if (r === cut) {
      above = positives;
      expectedAbove = expected;
    }
    const j = segment[r]!;
    const p = y[j]! + fraction[r]! * (y[j + 1]! - y[j]!);
    if (random.nextUint32() < p * TWO_TO_32) positives++;
    else area += positives;
    expectedArea += (1 - p) * (expected + p / 2);
    expected += p;
  }
  if (cut === rows) {
    above = positives;
    expectedAbove = expected;
  }
  return {
    positives,
    above,
    rocAuc: walkResult(positives, rows - positives, area, 0).rocAuc,
    expected,
    expectedAbove,
    expectedAuc: walkResult(expected, rows - expected, expectedArea, 0).rocAuc,
  };
}

/** One label draw walked down a ranking with ties, a run of tied scores at a time. */
function tiedDraw(p: Float64Array, cut: number, groupEnds: Uint32Array, random: Xoshiro128): Drawn {
  const walk = new RankingWalk();
  let positives = 0;
  let above = 0;
  let start = 0;
  for (let g = 0; g < groupEnds.length; g++) {
    const end = groupEnds[g]!;
    let tp = 0;
    for (let r = start; r < end; r++) if (random.nextUint32() < p[r]! * TWO_TO_32) tp++;
    walk.group(tp, end - start);
    positives += tp;
    if (end === cut) above = positives;
    start = end;
  }
  return { positives, above, rocAuc: walk.result().rocAuc };
}

/** The isotonic fit on a Poisson bootstrap of the calibration rows, one per resample. */
class BootstrapRefit {
  private readonly pav: Pav;
  private readonly weights: Float64Array;
  private readonly positives: Float64Array;
  private readonly fit: GridFit;

  constructor(private readonly grid: CalibrationGrid) {
    const m = grid.x.length;
    this.pav = new Pav(grid.x);
    this.weights = new Float64Array(m);
    this.positives = new Float64Array(m);
    this.fit = { y: new Float64Array(m + 1) };
  }

  /** The refit for the resample keyed `key`; undefined if it drew no row at all. */
  next(key: number): GridFit | undefined {
    const { cell, labels } = this.grid;
    this.weights.fill(0);
    this.positives.fill(0);
    for (let i = 0; i < cell.length; i++) {
      const w = poissonAt(key, i);
      this.weights[cell[i]!]! += w;
      this.positives[cell[i]!]! += w * labels[i]!;
    }
    return this.pav.fit(this.weights, this.positives, this.fit.y) ? this.fit : undefined;
  }
}
