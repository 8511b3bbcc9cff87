import { z } from 'zod';
import { InputError } from '../../../shared/action/errors.js';
import {
  choice,
  decimalBetween,
  modelName,
  pathList,
  text,
  wholeNumber,
} from '../../../shared/action/inputs.js';
import type { PredictionsEvaluation } from '../../../shared/metrics/candidate-report.js';
import type { ScoreColumn } from '../../../shared/metrics/predictions.js';

export const inputs = z.object({
  'model-name': modelName(),
  predictions: text().optional(),
  metrics: text().optional(),
  task: choice(['binary', 'multiclass', 'regression']).optional(),
  'label-column': text(),
  'prediction-column': text(),
  'score-columns': pathList().optional(),
  'positive-label': text(),
  'weight-column': text().optional(),
  'missing-labels': choice(['error', 'drop']),
  // One value per line, as `slices` lists its columns.
  'missing-values': pathList().optional(),
  slices: pathList().optional(),
  'min-slice-size': wholeNumber(1),
  bootstrap: wholeNumber(0, 100000),
  confidence: decimalBetween(0, 1),
  'bootstrap-seed': wholeNumber(0, 4294967295),
  manifest: text().optional(),
});

export type Inputs = z.output<typeof inputs>;

/** Inputs that describe a predictions file, and so mean nothing beside `metrics`. */
const PREDICTION_INPUTS = [
  'predictions',
  'task',
  'score-columns',
  'weight-column',
  'slices',
] as const;

/** What to evaluate: a metrics file the user's code wrote, or a predictions file with how to read it. */
export function evaluationSource(input: Inputs): { metrics: string } | PredictionsEvaluation {
  if (input.metrics) {
    const conflicting = PREDICTION_INPUTS.filter((name) => input[name] !== undefined);
    if (conflicting.length)
      throw new InputError(
        `Input "metrics" takes a metrics file your own code wrote, so ${conflicting.map((n) => `"${n}"`).join(', ')} cannot be set beside it: give either "metrics" or "predictions".`,
      );
    return { metrics: input.metrics };
  }
  if (!input.predictions)
    throw new InputError(
      'Give either "predictions" (a predictions file to compute metrics from) or "metrics" (a metrics file your own code wrote).',
    );
  if (!input.task)
    throw new InputError(
      'Input "task" is required with "predictions": binary, multiclass or regression.',
    );
  const spec = {
    task: input.task,
    label: input['label-column'],
    prediction: input['prediction-column'],
    positive: input.task === 'binary' ? input['positive-label'] : undefined,
    scores:
      input['score-columns'] &&
      scoreColumns(input['score-columns'], input.task, input['positive-label']),
    weight: input['weight-column'],
    slices: input.slices,
    missingLabels: input['missing-labels'],
    ...(input['missing-values']?.length ? { missingValues: input['missing-values'] } : {}),
  };
  return {
    predictions: input.predictions,
    spec,
    bootstrap: input.bootstrap,
    confidence: input.confidence,
    seed: input['bootstrap-seed'],
    minSliceSize: input['min-slice-size'],
  };
}

/** `score-columns` lines: `<class>=<column>`, or a bare column named as its class (binary: the positive class). */
function scoreColumns(
  lines: readonly string[],
  task: 'binary' | 'multiclass' | 'regression',
  positive: string,
): ScoreColumn[] {
  if (task === 'regression')
    throw new InputError(
      'Input "score-columns" holds class probabilities; a regression task has none. Leave it empty.',
    );
  const columns = lines.map((line) => {
    const split = line.indexOf('=');
    return split === -1
      ? { class: task === 'binary' ? positive : line, column: line }
      : { class: line.slice(0, split).trim(), column: line.slice(split + 1).trim() };
  });
  if (task === 'binary') {
    if (columns.length !== 1)
      throw new InputError(
        `For a binary task, input "score-columns" is one column, the probability of the positive class "${positive}"; got ${columns.length}.`,
      );
    if (columns[0]!.class !== positive)
      throw new InputError(
        `Input "score-columns" gives the probability of class "${columns[0]!.class}", but the positive class ("positive-label") is "${positive}". Give the positive class's probability.`,
      );
  }
  const repeated = columns.find((c, i) => columns.findIndex((d) => d.class === c.class) !== i);
  if (repeated)
    throw new InputError(`Input "score-columns" lists class "${repeated.class}" twice.`);
  return columns;
}
