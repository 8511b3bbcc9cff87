/**
 * Which way a metric is better, where no gate rule says so: evaluate-model's best and worst
 * slice, and the notable changes of compare-metrics (a metric or slice that moved beyond the
 * noise, gated or not). The metrics this suite computes are known by name; a metric of the
 * user's own (a DVC or DVCLive file) is guessed from the words of its name (`val_loss`,
 * `latency_ms.p95`, `top1_accuracy`), and left undecided when they say nothing or disagree.
 */
export type Direction = 'higher' | 'lower';

/** The suite's metrics that are better when lower; its other metrics are better when higher. */
const LOWER_IS_BETTER = new Set([
  'log_loss',
  'brier_score',
  'mae',
  'mse',
  'rmse',
  'mape',
  'median_absolute_error',
  'mean_squared_log_error',
  'max_error',
]);

const HIGHER_IS_BETTER = new Set([
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'precision_macro',
  'precision_weighted',
  'recall_macro',
  'recall_weighted',
  'f1_macro',
  'f1_weighted',
  'matthews_corrcoef',
  'roc_auc',
  'roc_auc_ovr',
  'roc_auc_ovr_weighted',
  'average_precision',
  'r2',
  'explained_variance',
  'd2_absolute_error_score',
]);

/** Words in a metric's name that say which way it is better. */
const LOWER_WORDS = new Set([
  'loss',
  'error',
  'errors',
  'err',
  'latency',
  'ms',
  'seconds',
  'duration',
  'time',
  'cost',
  'rmse',
  'mae',
  'mse',
  'mape',
  'ece',
  'brier',
  'perplexity',
  'wer',
  'cer',
]);
const HIGHER_WORDS = new Set([
  'accuracy',
  'acc',
  'auc',
  'f1',
  'precision',
  'recall',
  'r2',
  'ndcg',
  'map',
  'mrr',
  'bleu',
  'rouge',
  'iou',
  'dice',
  'score',
]);

/** True for the suite's metrics that are better when lower (evaluate-model's slice summary). */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.has(metric);
}

/**
 * The better direction of a metric by its name: the suite's metrics and their per-class values
 * (`recall.<class>`) exactly, other names by their words; undefined when the name does not say.
 */
export function metricDirection(metric: string): Direction | undefined {
  for (const name of [metric, metric.split('.')[0]!]) {
    if (LOWER_IS_BETTER.has(name)) return 'lower';
    if (HIGHER_IS_BETTER.has(name)) return 'higher';
  }
  const words = metric.toLowerCase().split(/[^a-z0-9]+/);
  const lower = words.some((word) => LOWER_WORDS.has(word));
  const higher = words.some((word) => HIGHER_WORDS.has(word));
  return lower === higher ? undefined : lower ? 'lower' : 'higher';
}
