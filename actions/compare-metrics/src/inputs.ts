import { z } from 'zod';
import { flag, modelName, text } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  metrics: text(),
  baseline: text().optional(),
  'baseline-environment': text(),
  gates: text().optional(),
  'fail-on-regression': flag(),
  comment: flag(),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;
