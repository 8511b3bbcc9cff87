import { z } from 'zod';
import { choice, modelName, text } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  predictions: text(),
  task: choice(['binary', 'multiclass', 'regression']),
  'label-column': text(),
  'prediction-column': text(),
  manifest: text().optional(),
});

export type Inputs = z.output<typeof inputs>;
