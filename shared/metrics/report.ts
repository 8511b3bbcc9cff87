/**
 * The metrics report, the contract between evaluate-model, compare-metrics and promote-model.
 * compare-metrics and promote-model also take plain or nested metrics files of the user's own
 * (JSON or YAML, as DVC and DVCLive write them): nested keys are joined with dots.
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import { identifier } from '../identifiers.js';
import { readUserFile } from '../files/read-file.js';
import { parseStructured, validateStructured } from '../files/structured.js';
import { fairnessReportSchema } from './fairness-report.js';

export const METRICS_REPORT_FORMAT = 'mlops-actions/metrics-report@1';

const metricValue = z.object({
  value: z.number(),
  ci: z.tuple([z.number(), z.number()]).optional(),
  n: z.number().int().nonnegative().optional(),
});

/** Most classes a confusion matrix of a report or a comparison holds (compute.ts keeps 50). */
const MAX_MATRIX_CLASSES = 200;

export const confusionMatrixSchema = z
  .object({
    classes: z.array(z.string()).max(MAX_MATRIX_CLASSES),
    matrix: z.array(z.array(z.number()).max(MAX_MATRIX_CLASSES)).max(MAX_MATRIX_CLASSES),
    totalClasses: z.number().int().positive().optional(),
  })
  .refine(
    (m) =>
      m.matrix.length === m.classes.length &&
      m.matrix.every((row) => row.length === m.classes.length),
    { error: 'the confusion matrix must have one row and one column per class' },
  );
type ConfusionMatrix = z.output<typeof confusionMatrixSchema>;

export const residualQuantilesSchema = z.object({
  p5: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
});

export const metricsReportSchema = z.object({
  format: z.literal(METRICS_REPORT_FORMAT),
  // The model and version become outputs (compare-metrics' baseline-version) and are matched
  // against the manifest's, so they are identifiers.
  model: identifier('model name'),
  version: identifier('model version').optional(),
  fingerprint: z.string().optional(),
  task: z.enum(['binary', 'multiclass', 'regression']).optional(),
  evaluation: z
    .object({
      predictions: z.string(),
      predictionsSha256: z.string(),
      /** sha256 of the true labels in row order: equal when two models were scored on the same examples. */
      dataSha256: z.string(),
      rows: z.number().int().nonnegative(),
      /** How long computing the metrics took, for the comment's cost line. */
      seconds: z.number().nonnegative().max(1e9).optional(),
    })
    .optional(),
  metrics: z.record(z.string(), metricValue),
  /** Metrics the task defines that could not be computed, each with the reason (scikit-learn's words where it has some). */
  skipped: z.record(z.string(), z.string()).optional(),
  /** Per slice (`column=value`), the same metrics on the slice's rows. */
  slices: z.record(z.string(), z.record(z.string(), metricValue)).default({}),
  /** Each slice's rows and whether it is under the minimum size; the largest gap per metric. */
  sliceSummary: z
    .object({
      minSize: z.number().int().nonnegative(),
      headline: z.string(),
      slices: z.record(
        z.string(),
        z.object({
          column: z.string(),
          value: z.string(),
          rows: z.number().int().nonnegative(),
          small: z.boolean(),
        }),
      ),
      gaps: z.record(
        z.string(),
        z.object({
          best: z.string(),
          bestValue: z.number(),
          worst: z.string(),
          worstValue: z.number(),
          gap: z.number(),
        }),
      ),
    })
    .optional(),
  /**
   * Classification: weighted counts, rows = true class, columns = predicted class, in `classes`
   * order. With more than MAX_REPORTED_CLASSES (50) classes, `classes` are those with the most
   * rows, `totalClasses` counts them all, and rows of the others (and their per-class metrics)
   * are left out.
   */
  confusionMatrix: confusionMatrixSchema.optional(),
  /** Regression: quantiles of prediction − label (weighted as the metrics are), see regression.ts. */
  residuals: residualQuantilesSchema.optional(),
  /** How the confidence intervals were computed; `requested` when the work budget allowed fewer resamples. */
  bootstrap: z
    .object({
      method: z.string(),
      resamples: z.number().int().positive(),
      requested: z.number().int().positive().optional(),
      confidence: z.number(),
      seed: z.number().int(),
    })
    .optional(),
  /** Per sensitive attribute, the groups' rates and the disparity measures (fairness-report.ts). */
  fairness: fairnessReportSchema.optional(),
});

export type MetricsReport = z.output<typeof metricsReportSchema>;
export type MetricEntry = z.output<typeof metricValue>;

/** Metrics as compare-metrics sees them, whatever file they came from. */
export interface LoadedMetrics {
  source: string;
  model?: string;
  version?: string;
  fingerprint?: string;
  evaluationSha256?: string;
  /** How long evaluate-model took to compute the metrics, when it did. */
  evaluationSeconds?: number;
  metrics: Record<string, MetricEntry>;
  /** Metrics a metrics report says were not computed, with the reason. */
  skipped?: Record<string, string>;
  /** slice → metric → entry; empty for files other than metrics reports. */
  slices?: Record<string, Record<string, MetricEntry>>;
  /** A metrics report's confusion matrix (classification) or residual quantiles (regression). */
  confusion?: ConfusionMatrix;
  residuals?: MetricsReport['residuals'];
  /** A metrics report's fairness section (evaluate-model's `sensitive-features`). */
  fairness?: MetricsReport['fairness'];
}

/** What compare-metrics takes from a metrics report, read from a file or a release asset. */
export function loadedFromReport(report: MetricsReport, source: string): LoadedMetrics {
  return {
    source,
    model: report.model,
    version: report.version,
    fingerprint: report.fingerprint,
    evaluationSha256: report.evaluation?.dataSha256,
    evaluationSeconds: report.evaluation?.seconds,
    metrics: report.metrics,
    skipped: report.skipped,
    slices: report.slices,
    ...(report.confusionMatrix ? { confusion: report.confusionMatrix } : {}),
    ...(report.residuals ? { residuals: report.residuals } : {}),
    ...(report.fairness ? { fairness: report.fairness } : {}),
  };
}

export async function loadMetrics(
  path: string,
  what: string,
  baseDir = process.cwd(),
): Promise<LoadedMetrics> {
  const text = await readUserFile(path, what, baseDir);
  const value = await parseStructured(text, path, what);
  if (
    value &&
    typeof value === 'object' &&
    (value as { format?: unknown }).format === METRICS_REPORT_FORMAT
  ) {
    const report = await validateStructured(value, metricsReportSchema, { path, what, text });
    return loadedFromReport(report, path);
  }
  const metrics = flattenMetrics(value, path, what);
  if (Object.keys(metrics).length === 0)
    throw new UserError(
      `The ${what} "${path}" holds no numeric metrics. Expected a metrics report from evaluate-model or a JSON/YAML object of numbers.`,
    );
  return { source: path, metrics };
}

/**
 * Flattens nested objects of numbers the way DVC does (`{"val": {"acc": 0.9}}` → `val.acc`).
 * Booleans, strings and nulls are not metrics and are left out; arrays are not supported.
 */
export function flattenMetrics(
  value: unknown,
  path: string,
  what: string,
): Record<string, MetricEntry> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `The ${what} "${path}" must be a JSON or YAML object of metrics (name: number); its top level is ${Array.isArray(value) ? 'a list' : typeof value}.`,
    );
  }
  const out: Record<string, MetricEntry> = {};
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, child] of Object.entries(node)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (typeof child === 'number') out[name] = { value: child };
      else if (child && typeof child === 'object' && !Array.isArray(child))
        walk(child as Record<string, unknown>, name);
    }
  };
  walk(value as Record<string, unknown>, '');
  return out;
}

export function metricValues(loaded: LoadedMetrics): Record<string, number> {
  return Object.fromEntries(
    Object.entries(loaded.metrics).map(([name, metric]) => [name, metric.value]),
  );
}
