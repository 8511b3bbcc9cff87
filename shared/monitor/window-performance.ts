/**
 * How well the model serves the window: measured with evaluate-model's own metric suite when
 * the window holds labels, estimated from the scores alone (confidence-based performance
 * estimation) for a binary classifier when it does not, and judged either way by the gate
 * policy against the metrics recorded with the deployed model. Performance needs rows: a
 * window given as profiles has none, and the report says so.
 */
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { detectFormat, readTable } from '../data/records.js';
import type { GatePolicy } from '../gates/policy.js';
import type { MetricInput } from '../gates/judge.js';
import { reportFromPredictions } from '../metrics/candidate-report.js';
import type { Task } from '../metrics/compute.js';
import { GrowableFloat64, readPredictions, type PredictionSpec } from '../metrics/predictions.js';
import { METRICS_REPORT_FORMAT } from '../metrics/report.js';
import { judgePerformance } from './assess.js';
import type { MonitorPerformance } from './monitor-report.js';
import { estimatePerformance } from './performance-estimate.js';

export interface PerformanceRequest {
  model: string;
  task?: Task;
  /** The window's data files (none when it came as profiles). */
  files: readonly string[];
  /** The window's columns. */
  columns: ReadonlySet<string>;
  spec: Omit<PredictionSpec, 'task'>;
  /** Predictions with labels the deployed model made on its evaluation data: calibrates the estimate. */
  calibration?: string;
  /** The metric values recorded with the deployed model. */
  atRelease?: Readonly<Record<string, number>>;
  policy: GatePolicy;
  seed: number;
}

const none = (reason: string): MonitorPerformance => ({ source: 'none', reason });

export async function windowPerformance(
  request: PerformanceRequest,
  log: Logger,
): Promise<MonitorPerformance> {
  const { task, files, columns, spec } = request;
  if (!task)
    return none(
      "give `task` (and the window's label column, or for a binary classifier its score column) to measure or estimate it.",
    );
  if (files.length === 0)
    return none(
      'the window came as profiles, which hold no rows; give the data files to measure performance.',
    );
  if (files.length > 1)
    return none(
      `the window is ${files.length} files; performance is measured on one file of predictions (profile shards for drift, and one file of the rows for performance).`,
    );
  const file = files[0]!;
  if (columns.has(spec.label)) {
    const report = await reportFromPredictions(
      {
        predictions: file,
        spec: { ...spec, task },
        bootstrap: 0,
        confidence: 0.95,
        seed: request.seed,
        minSliceSize: 30,
      },
      { format: METRICS_REPORT_FORMAT, model: request.model },
      log,
    );
    const values: Record<string, MetricInput> = Object.fromEntries(
      Object.entries(report.metrics).map(([name, entry]) => [name, entry]),
    );
    return {
      source: 'labels',
      rows: report.evaluation?.rows ?? 0,
      ...judgePerformance(values, request.atRelease, request.policy, false),
    };
  }
  const scoreColumn = spec.scores?.length === 1 ? spec.scores[0]!.column : undefined;
  if (task !== 'binary' || !scoreColumn)
    return none(
      `the window has no label column ${JSON.stringify(spec.label)}, and performance is estimated without labels only for a binary classifier with its score column (\`score-columns\`).`,
    );
  if (!columns.has(scoreColumn))
    throw new UserError(
      `The window has neither the label column ${JSON.stringify(spec.label)} nor the score column ${JSON.stringify(scoreColumn)}: name the columns your serving data has ("label-column", "score-columns"), or leave "task" empty to judge drift only.`,
    );
  const scores = await readScores(file, scoreColumn, log);
  const calibration = request.calibration
    ? await calibrationSet(request.calibration, { ...spec, task }, scoreColumn)
    : undefined;
  const estimate = estimatePerformance({
    scores,
    ...(calibration ? { calibration } : {}),
    seed: request.seed,
    names: {
      window: `the window "${file}"`,
      calibration: `the reference predictions "${request.calibration}"`,
    },
  });
  const values: Record<string, MetricInput> = {};
  for (const [name, m] of Object.entries(estimate.metrics)) if (m) values[name] = m;
  for (const note of estimate.notes) log.info(note);
  return {
    source: 'estimate',
    method: 'cbpe',
    calibrated: estimate.calibrated,
    rows: estimate.rows,
    confidence: estimate.confidence,
    ...judgePerformance(values, request.atRelease, request.policy, true),
  };
}

/** The score column as numbers; a row without a number is left out and counted. */
async function readScores(path: string, column: string, log: Logger): Promise<Float64Array> {
  const format = detectFormat(path, 'data file', '');
  let index = -1;
  const values = new GrowableFloat64();
  let skipped = 0;
  let firstSkipped: string | undefined;
  await readTable(path, format, {
    header(names) {
      index = names.indexOf(column);
    },
    row(row) {
      if (row.blank || row.problem) return;
      const cell = row.cells[index];
      const value =
        typeof cell === 'number'
          ? cell
          : typeof cell === 'string' && cell.trim() !== ''
            ? Number(cell)
            : NaN;
      if (!Number.isFinite(value)) {
        skipped++;
        firstSkipped ??= row.line === undefined ? `row ${row.row}` : `line ${row.line}`;
        return;
      }
      values.push(value);
    },
  });
  if (skipped)
    log.warning(
      `${skipped} row(s) of "${path}" have no number in the score column ${JSON.stringify(column)} (the first at ${firstSkipped}); the estimate leaves them out.`,
    );
  return values.finish();
}

/** The evaluation predictions, read by evaluate-model's reader (label forms included): scores and 0/1 labels. */
async function calibrationSet(
  path: string,
  spec: PredictionSpec,
  scoreColumn: string,
): Promise<{ scores: Float64Array; labels: Uint8Array }> {
  const format = detectFormat(path, 'reference predictions file', 'Rename the file to match.');
  const { set } = await readPredictions(path, format, spec);
  if (set.task === 'regression' || !set.scores)
    throw new UserError(
      `The reference predictions "${path}" have no score column ${JSON.stringify(scoreColumn)}: give the evaluation predictions of the deployed model, with its labels and scores.`,
    );
  const positive = set.classes.indexOf(set.positive ?? '');
  const labels = new Uint8Array(set.labels.length);
  for (let i = 0; i < labels.length; i++) labels[i] = set.labels[i] === positive ? 1 : 0;
  return { scores: set.scores, labels };
}
