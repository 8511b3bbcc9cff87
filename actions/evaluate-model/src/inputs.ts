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
import { parseSensitiveFeatures } from '../../../shared/metrics/fairness.js';
import { scoreColumns } from '../../../shared/metrics/score-columns.js';

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
  // One attribute per line; `a,b` for an intersection (parseSensitiveFeatures).
  'sensitive-features': pathList().optional(),
  'min-group-size': wholeNumber(1),
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
  'sensitive-features',
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
  const attributes = input['sensitive-features']?.length
    ? parseSensitiveFeatures(input['sensitive-features'], {
        label: spec.label,
        prediction: spec.prediction,
        scores: spec.scores?.map((s) => s.column),
        weight: spec.weight,
      })
    : undefined;
  return {
    predictions: input.predictions,
    spec,
    bootstrap: input.bootstrap,
    confidence: input.confidence,
    seed: input['bootstrap-seed'],
    minSliceSize: input['min-slice-size'],
    ...(attributes ? { fairness: { attributes, minGroupSize: input['min-group-size'] } } : {}),
  };
}
