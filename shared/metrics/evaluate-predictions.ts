/** Metrics from a predictions file: point values, bootstrap intervals, and per-slice values. */
import type { DataFormat } from '../data/records.js';
import {
  bootstrapIntervals,
  boundedResamples,
  derivedSeed,
  type BootstrapOptions,
} from './bootstrap.js';
import {
  prepareMetrics,
  taskMetrics,
  type MetricValue,
  type PredictionSet,
  type PreparedMetrics,
} from './compute.js';
import { lowerIsBetter } from './direction.js';
import { evaluateFairness, sensitiveColumns, type SensitiveAttribute } from './fairness.js';
import type { FairnessReport } from './fairness-report.js';
import type { ResidualQuantiles } from './regression.js';
import { readPredictions, subsetPredictions, type PredictionSpec } from './predictions.js';

export interface EvaluationOptions {
  /** Undefined: no intervals. */
  bootstrap?: BootstrapOptions;
  /** Slices with fewer rows are marked small and left out of the worst slice and the gaps. */
  minSliceSize: number;
  /** The bootstrap's work budget; default BOOTSTRAP_WORK_BUDGET. */
  workBudget?: number;
  /** Sensitive attributes to measure bias across (fairness.ts), and the smallest group the measures compare. */
  fairness?: { attributes: readonly SensitiveAttribute[]; minGroupSize: number };
}

interface SliceInfo {
  column: string;
  value: string;
  rows: number;
  small: boolean;
}

interface SliceGap {
  /** The slice with the best and the worst value, among slices that are not small. */
  best: string;
  bestValue: number;
  worst: string;
  worstValue: number;
  /** |best − worst|. */
  gap: number;
}

interface SliceSummary {
  minSize: number;
  slices: Record<string, SliceInfo>;
  /** The metric the worst slice is judged by: accuracy, or rmse for regression. */
  headline: string;
  /** The largest gap between slices, for every metric defined in two or more of them. */
  gaps: Record<string, SliceGap>;
}

export interface Evaluation {
  rows: number;
  labelsSha256: string;
  metrics: Record<string, MetricValue>;
  /** Every metric the task defines that is not in `metrics`, with the reason (scikit-learn's words where it has some). */
  skipped: Record<string, string>;
  confusion?: { classes: string[]; matrix: number[][]; totalClasses?: number };
  /** Regression: quantiles of prediction − label. */
  residuals?: ResidualQuantiles;
  slices: Record<string, Record<string, MetricValue>>;
  sliceSummary?: SliceSummary;
  /** The bootstrap as run: its resamples may be fewer than asked, within the work budget. */
  bootstrap?: BootstrapOptions;
  /** What the user should know about how this was computed (fewer resamples than asked). */
  warnings: string[];
  /** Per sensitive attribute, the groups' rates and the disparity measures. */
  fairness?: FairnessReport;
}

export async function evaluatePredictions(
  path: string,
  format: DataFormat,
  spec: PredictionSpec,
  options: EvaluationOptions,
): Promise<Evaluation> {
  const fairness = options.fairness?.attributes.length ? options.fairness : undefined;
  const read = await readPredictions(
    path,
    format,
    fairness ? { ...spec, sensitive: sensitiveColumns(fairness.attributes) } : spec,
  );
  const warnings: string[] = [];
  if (read.dropped.rows)
    warnings.push(
      `Left out ${read.dropped.rows} rows of "${path}" whose label is missing (the first at ${read.dropped.first}), as "missing-labels: drop" asks: the metrics cover the other ${read.rows} rows.`,
    );
  if (read.probabilityProblem)
    warnings.push(
      `The probabilities in "${path}" are not probabilities, so the metrics that need them are not computed (the others are): ${read.probabilityProblem}.`,
    );
  let bootstrap = options.bootstrap;
  if (bootstrap) {
    const set = read.set;
    const shape = {
      rows: read.rows,
      classes: set.task === 'regression' ? 0 : set.classes.length,
      scoreColumns: spec.scores?.length ?? 0,
      sliceColumns: read.slices.length,
      sensitive: fairness !== undefined,
    };
    const bounded = boundedResamples(bootstrap.resamples, shape, path, options.workBudget);
    if (bounded.warning) warnings.push(bounded.warning);
    bootstrap = { ...bootstrap, resamples: bounded.resamples };
  }
  const whole = evaluateSet(read.set, bootstrap);
  const slices: Evaluation['slices'] = {};
  const info: Record<string, SliceInfo> = {};
  for (const slice of read.slices) {
    const members = slice.values.map(() => [] as number[]);
    slice.index.forEach((value, row) => members[value]!.push(row));
    slice.values.forEach((value, v) => {
      const name = `${slice.column}=${value}`;
      const rows = Uint32Array.from(members[v]!);
      const sliceBootstrap = bootstrap && { ...bootstrap, seed: derivedSeed(bootstrap.seed, name) };
      slices[name] = evaluateSet(subsetPredictions(read.set, rows), sliceBootstrap).metrics;
      info[name] = {
        column: slice.column,
        value,
        rows: rows.length,
        small: rows.length < options.minSliceSize,
      };
    });
  }
  const headline = read.set.task === 'regression' ? 'rmse' : 'accuracy';
  return {
    rows: read.rows,
    labelsSha256: read.labelsSha256,
    metrics: whole.metrics,
    skipped: skippedMetrics(spec, whole, read.probabilityProblem),
    confusion: whole.confusion,
    residuals: whole.prepared.residuals,
    slices,
    sliceSummary: read.slices.length
      ? { minSize: options.minSliceSize, slices: info, headline, gaps: sliceGaps(slices, info) }
      : undefined,
    bootstrap,
    warnings,
    ...(fairness
      ? {
          fairness: evaluateFairness(read.set, read.sensitive, {
            ...fairness,
            dataSha256: read.labelsSha256,
            path,
            bootstrap,
          }),
        }
      : {}),
  };
}

/** The task's metrics that the evaluation does not hold, each with why. */
function skippedMetrics(
  spec: PredictionSpec,
  whole: EvaluatedSet,
  probabilityProblem: string | undefined,
): Record<string, string> {
  const { point, probability } = taskMetrics(spec.task);
  const skipped: Record<string, string> = {};
  for (const name of point)
    if (!(name in whole.metrics))
      skipped[name] = whole.prepared.why(name) ?? 'undefined on these rows';
  for (const name of probability) {
    if (name in whole.metrics) continue;
    skipped[name] = !spec.scores?.length
      ? 'no probabilities: "score-columns" is empty'
      : (probabilityProblem ?? whole.prepared.why(name) ?? 'undefined on these rows');
  }
  return skipped;
}

interface EvaluatedSet {
  metrics: Record<string, MetricValue>;
  confusion?: Evaluation['confusion'];
  prepared: PreparedMetrics;
}

function evaluateSet(set: PredictionSet, bootstrap: BootstrapOptions | undefined): EvaluatedSet {
  const prepared = prepareMetrics(set);
  const point = prepared.evaluate(set.weights ?? null);
  const intervals = bootstrap ? bootstrapIntervals(prepared, Object.keys(point), bootstrap) : {};
  const metrics: Record<string, MetricValue> = {};
  for (const [name, value] of Object.entries(point))
    metrics[name] = intervals[name]
      ? { value, ci: intervals[name], n: prepared.rows }
      : { value, n: prepared.rows };
  return { metrics, confusion: prepared.confusion, prepared };
}

function sliceGaps(
  slices: Evaluation['slices'],
  info: Record<string, SliceInfo>,
): Record<string, SliceGap> {
  const gaps: Record<string, SliceGap> = {};
  const large = Object.keys(slices).filter((name) => !info[name]!.small);
  const metricNames = new Set(large.flatMap((name) => Object.keys(slices[name]!)));
  for (const metric of metricNames) {
    const lower = lowerIsBetter(metric);
    let best: [string, number] | undefined;
    let worst: [string, number] | undefined;
    let count = 0;
    for (const name of large) {
      const value = slices[name]![metric]?.value;
      if (value === undefined) continue;
      count++;
      if (!best || (lower ? value < best[1] : value > best[1])) best = [name, value];
      if (!worst || (lower ? value > worst[1] : value < worst[1])) worst = [name, value];
    }
    if (count >= 2 && best && worst)
      gaps[metric] = {
        best: best[0],
        bestValue: best[1],
        worst: worst[0],
        worstValue: worst[1],
        gap: Math.abs(best[1] - worst[1]),
      };
  }
  return gaps;
}
