import { z } from 'zod';
import { modelName, text } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  environment: z.string().regex(/^[^\s/][^/]{0,254}$/, { error: 'must be an environment name (no "/", at most 255 characters)' }),
  manifest: text().optional(),
  artifact: text().optional(),
  metrics: text().optional(),
  version: text().optional(),
  gates: text().optional(),
  'override-reason': text().optional(),
  ref: z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be the full 40-character SHA of a commit' }).optional(),
  'github-token': text(),
  'working-directory': text(),
});

export type Inputs = z.output<typeof inputs>;
