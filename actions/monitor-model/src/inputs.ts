import { z } from 'zod';
import {
  choice,
  environmentName,
  modelName,
  pathList,
  text,
  wholeNumber,
} from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  environment: environmentName(),
  data: pathList(),
  reference: text().optional(),
  'reference-predictions': text().optional(),
  schema: text().optional(),
  policy: text().optional(),
  task: choice(['binary', 'multiclass', 'regression']).optional(),
  'label-column': text(),
  'prediction-column': text(),
  'score-columns': pathList().optional(),
  'positive-label': text(),
  issue: choice(['never', 'on-failure', 'always']),
  'issue-labels': pathList(),
  retrain: text().optional(),
  'retrain-ref': text(),
  'fail-on': choice(['never', 'degraded', 'drifting']),
  seed: wholeNumber(0, 4294967295),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;
