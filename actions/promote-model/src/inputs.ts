import { z } from 'zod';
import { modelName, text } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  environment: z.string().regex(/^[^\s/][^/]{0,254}$/, { error: 'must be an environment name (no "/", at most 255 characters)' }),
  manifest: text().optional(),
  artifact: text().optional(),
  'run-id': z.string().regex(/^[1-9][0-9]{0,18}$/, { error: 'must be the numeric id of a workflow run, e.g. ${{ github.event.workflow_run.id }}' }).transform(Number).optional(),
  metrics: text().optional(),
  version: text().optional(),
  gates: text().optional(),
  profile: text().optional(),
  'override-reason': text().optional(),
  ref: z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be the full 40-character SHA of a commit' }).optional(),
  'github-token': text(),
  'working-directory': text(),
});

export type Inputs = z.output<typeof inputs>;
