import { z } from 'zod';
import { choice, decimalBetween, modelName, pathList, text, wholeNumber } from '../../../shared/action/inputs.js';

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
  slices: pathList().optional(),
  'min-slice-size': wholeNumber(1),
  bootstrap: wholeNumber(0, 100000),
  confidence: decimalBetween(0, 1),
  'bootstrap-seed': wholeNumber(0, 4294967295),
  manifest: text().optional(),
});

export type Inputs = z.output<typeof inputs>;
