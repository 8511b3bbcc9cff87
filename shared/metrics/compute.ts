/**
 * The metric suite: point metrics of a prediction set, named as scikit-learn names them
 * (its scorer names without the `neg_` sign flip; per-class values as `precision.<class>`),
 * computed as scikit-learn 1.2 computes them. test/fixtures/metrics/make_fixtures.py holds the
 * reference values this is checked against.
 *
 * A set is prepared once (orders by score, per-row losses); then `evaluate(weights)` computes
 * every metric under any row weights in a few passes, which is how a bootstrap resample (row
 * weights = how often each row was drawn) costs little more than one evaluation.
 */
import { accuracy, balancedAccuracy, binaryRowLogLoss, confusionMatrix, macroAverage, matthewsCorrcoef, multiclassRowLogLoss, perClass, weightedAverage, type ConfusionMatrix } from './classification.js';
import { rankingMetrics } from './ranking.js';
import { regressionMetrics, type RegressionRows } from './regression.js';
import { descendingOrder, type ScoreOrder } from './sort.js';

export type Task = 'binary' | 'multiclass' | 'regression';

export interface MetricValue {
  value: number;
  /** Confidence interval from the bootstrap. */
  ci?: [number, number];
  /** Rows the value was computed on. */
  n: number;
}

export interface ClassificationSet {
  task: 'binary' | 'multiclass';
  /** Classes seen in the labels or the predictions, in scikit-learn's order (see sortClasses). */
  classes: string[];
  /** Per row, the index in `classes` of the true label and of the prediction. */
  labels: Int32Array;
  predictions: Int32Array;
  /** Binary: the class that counts as positive (it may be absent from the rows). */
  positive?: string;
  /**
   * Probabilities. Binary: P(positive) per row. Multiclass: row-major, one column per entry
   * of `scoreClasses`.
   */
  scores?: Float64Array;
  scoreClasses?: string[];
  /** sample_weight per row. */
  weights?: Float64Array;
}

export interface RegressionSet {
  task: 'regression';
  labels: Float64Array;
  predictions: Float64Array;
  weights?: Float64Array;
}

export type PredictionSet = ClassificationSet | RegressionSet;

export interface PreparedMetrics {
  rows: number;
  /** Every metric defined on these rows under `weights` (null: all ones). */
  evaluate(weights: Float64Array | null): Record<string, number>;
  /** The weighted confusion matrix (classification), rows = true class, in `classes` order. */
  confusion?: { classes: string[]; matrix: number[][] };
}

/** Orders class names as scikit-learn orders labels: numerically when they all are numbers. */
export function sortClasses(classes: Iterable<string>): string[] {
  const list = [...new Set(classes)];
  const numeric = list.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function prepareMetrics(set: PredictionSet): PreparedMetrics {
  return set.task === 'regression' ? prepareRegression(set) : prepareClassification(set);
}

function prepareRegression(set: RegressionSet): PreparedMetrics {
  const n = set.labels.length;
  const absoluteErrors = new Float64Array(n);
  for (let i = 0; i < n; i++) absoluteErrors[i] = Math.abs(set.predictions[i]! - set.labels[i]!);
  const rows: RegressionRows = { labels: set.labels, predictions: set.predictions, absoluteErrors, absoluteErrorOrder: descendingOrder(absoluteErrors) };
  return {
    rows: n,
    evaluate(weights) {
      const metrics = regressionMetrics(rows, weights, weights !== null && !set.weights);
      return metrics ? defined(metrics as unknown as Record<string, number | undefined>) : {};
    },
  };
}

interface ScoreColumn {
  sorted: ScoreOrder;
  positive: Uint8Array;
}

function prepareClassification(set: ClassificationSet): PreparedMetrics {
  const n = set.labels.length;
  const k = set.classes.length;
  const binary = set.task === 'binary';
  const scoreClasses = binary ? [set.positive!] : (set.scoreClasses ?? []);
  // The true label's column among the scores, per row (-1: not a scored class).
  const columnOf = set.classes.map((c) => scoreClasses.indexOf(c));
  let rowLogLoss: Float64Array | undefined;
  let rowBrier: Float64Array | undefined;
  const columns: ScoreColumn[] = [];
  if (set.scores) {
    rowLogLoss = new Float64Array(n);
    if (binary) {
      rowBrier = new Float64Array(n);
      const positive = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const isPositive = set.classes[set.labels[i]!] === set.positive;
        positive[i] = isPositive ? 1 : 0;
        const p = set.scores[i]!;
        rowLogLoss[i] = binaryRowLogLoss(p, isPositive);
        rowBrier[i] = ((isPositive ? 1 : 0) - p) ** 2;
      }
      columns.push({ sorted: descendingOrder(set.scores), positive });
    } else {
      const width = scoreClasses.length;
      for (let i = 0; i < n; i++) rowLogLoss[i] = multiclassRowLogLoss(set.scores, i * width, width, columnOf[set.labels[i]!]!);
      for (let c = 0; c < width; c++) {
        const positive = new Uint8Array(n);
        for (let i = 0; i < n; i++) positive[i] = columnOf[set.labels[i]!] === c ? 1 : 0;
        columns.push({ sorted: descendingOrder(set.scores, width, c), positive });
      }
    }
  }
  const positiveIndex = binary ? set.classes.indexOf(set.positive!) : -1;
  const matrixOf = (weights: Float64Array | null) => confusionMatrix(k, set.labels, set.predictions, weights);
  const evaluate = (weights: Float64Array | null): Record<string, number> => {
    const matrix = matrixOf(weights);
    const metrics = confusionMetrics(matrix, set.classes, positiveIndex, binary);
    if (metrics.accuracy === undefined) return {};
    if (rowLogLoss) {
      let weight = 0;
      let logLoss = 0;
      let brier = 0;
      for (let i = 0; i < n; i++) {
        const w = weights === null ? 1 : weights[i]!;
        weight += w;
        logLoss += w * rowLogLoss[i]!;
        if (rowBrier) brier += w * rowBrier[i]!;
      }
      // log_loss needs two classes among the labels it is given (scikit-learn's `labels`).
      if (scoreClasses.length >= 2 || binary) metrics.log_loss = logLoss / weight;
      if (rowBrier) metrics.brier_score = brier / weight;
      const ranked = columns.map((column) => rankingMetrics(column.sorted, column.positive, weights));
      if (binary) {
        metrics.roc_auc = ranked[0]!.rocAuc;
        metrics.average_precision = ranked[0]!.averagePrecision;
      } else {
        // One-vs-rest over the scored classes; like scikit-learn, undefined when a class is absent.
        const all = ranked.every((r) => r.rocAuc !== undefined);
        const support = ranked.reduce((sum, r) => sum + r.positives, 0);
        metrics.roc_auc_ovr = all ? ranked.reduce((sum, r) => sum + r.rocAuc!, 0) / ranked.length : undefined;
        metrics.roc_auc_ovr_weighted = all ? ranked.reduce((sum, r) => sum + r.rocAuc! * r.positives, 0) / support : undefined;
        metrics.average_precision = ranked.every((r) => r.averagePrecision !== undefined) ? ranked.reduce((sum, r) => sum + r.averagePrecision!, 0) / ranked.length : undefined;
      }
    }
    return defined(metrics);
  };
  const matrix = matrixOf(set.weights ?? null);
  return {
    rows: n,
    evaluate,
    confusion: { classes: set.classes, matrix: Array.from({ length: k }, (_, t) => Array.from(matrix.counts.subarray(t * k, t * k + k))) },
  };
}

function confusionMetrics(matrix: ConfusionMatrix, classes: readonly string[], positiveIndex: number, binary: boolean): Record<string, number | undefined> {
  const per = perClass(matrix);
  const metrics: Record<string, number | undefined> = {
    accuracy: accuracy(matrix),
    balanced_accuracy: balancedAccuracy(per),
  };
  if (binary) {
    // average="binary": the positive class's own values (0 when it never occurs).
    const own = per[positiveIndex];
    metrics.precision = own?.precision ?? 0;
    metrics.recall = own?.recall ?? 0;
    metrics.f1 = own?.f1 ?? 0;
  }
  for (const key of ['precision', 'recall', 'f1'] as const) {
    metrics[`${key}_macro`] = macroAverage(per, key);
    metrics[`${key}_weighted`] = weightedAverage(per, key);
  }
  metrics.matthews_corrcoef = matthewsCorrcoef(matrix);
  per.forEach((values, c) => {
    for (const key of ['precision', 'recall', 'f1'] as const) metrics[`${key}.${classes[c]}`] = values[key];
  });
  return metrics;
}

function defined(metrics: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) if (value !== undefined && !Number.isNaN(value)) out[name] = value;
  return out;
}
