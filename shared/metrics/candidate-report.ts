/**
 * The metrics report evaluate-model writes for a candidate: from a metrics file the user's own
 * code wrote, or computed from a predictions file (the metric suite, slices, confusion matrix
 * and, when asked, bootstrap intervals).
 */
import type { Logger } from '../action/runner.js';
import { detectFormat } from '../data/records.js';
import { sha256File } from '../files/hash.js';
import { BOOTSTRAP_METHOD } from './bootstrap.js';
import { evaluatePredictions } from './evaluate-predictions.js';
import type { SensitiveAttribute } from './fairness.js';
import type { PredictionSpec } from './predictions.js';
import { loadMetrics, type MetricsReport } from './report.js';

/** Who the report is about: the model, and its version and fingerprint when a manifest named them. */
export type ReportIdentity = Pick<MetricsReport, 'format' | 'model' | 'version' | 'fingerprint'>;

export async function reportFromMetricsFile(
  path: string,
  identity: ReportIdentity,
): Promise<MetricsReport> {
  const loaded = await loadMetrics(path, 'metrics file');
  return { ...identity, metrics: loaded.metrics, slices: {} };
}

export interface PredictionsEvaluation {
  predictions: string;
  spec: PredictionSpec;
  /** Resamples; 0 for none. */
  bootstrap: number;
  confidence: number;
  seed: number;
  minSliceSize: number;
  /** Sensitive attributes (parseSensitiveFeatures) and the smallest group the measures compare. */
  fairness?: { attributes: readonly SensitiveAttribute[]; minGroupSize: number };
}

export async function reportFromPredictions(
  request: PredictionsEvaluation,
  identity: ReportIdentity,
  log: Logger,
): Promise<MetricsReport> {
  const { predictions, spec } = request;
  const format = detectFormat(predictions, 'predictions file', 'Rename the file to match.');
  const bootstrap =
    request.bootstrap > 0
      ? { resamples: request.bootstrap, confidence: request.confidence, seed: request.seed }
      : undefined;
  const started = performance.now();
  const evaluation = await evaluatePredictions(predictions, format, spec, {
    bootstrap,
    minSliceSize: request.minSliceSize,
    fairness: request.fairness,
  });
  for (const warning of evaluation.warnings) log.warning(warning);
  const ran = evaluation.bootstrap;
  return {
    ...identity,
    task: spec.task,
    evaluation: {
      predictions,
      predictionsSha256: await sha256File(predictions, 'predictions file'),
      dataSha256: evaluation.labelsSha256,
      rows: evaluation.rows,
      seconds: (performance.now() - started) / 1000,
    },
    metrics: evaluation.metrics,
    ...(Object.keys(evaluation.skipped).length ? { skipped: evaluation.skipped } : {}),
    slices: evaluation.slices,
    sliceSummary: evaluation.sliceSummary,
    confusionMatrix: evaluation.confusion,
    ...(evaluation.residuals ? { residuals: evaluation.residuals } : {}),
    ...(evaluation.fairness ? { fairness: evaluation.fairness } : {}),
    bootstrap: ran && {
      method: BOOTSTRAP_METHOD,
      ...ran,
      ...(ran.resamples < request.bootstrap ? { requested: request.bootstrap } : {}),
    },
  };
}
