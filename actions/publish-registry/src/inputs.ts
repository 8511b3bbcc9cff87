import { z } from 'zod';
import { flag, pathList, text, wholeNumber } from '../../../shared/action/inputs.js';
import { identifier } from '../../../shared/identifiers.js';
import { durationSchema } from '../../../shared/monitor/policy.js';

export const inputs = z.object({
  repositories: z.string(),
  'stale-after': durationSchema,
  'watched-environments': pathList().pipe(z.array(identifier('environment name'))),
  'monitor-labels': pathList(),
  'detailed-versions': wholeNumber(0, 1000),
  out: text().min(1),
  cache: flag(),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;
