import { z } from 'zod';
import { artifactName, environmentName, modelName, modelVersion, text } from '../../../shared/action/inputs.js';

export const inputs = z.object({
  'model-name': modelName(),
  environment: environmentName(),
  manifest: text().optional(),
  artifact: artifactName().optional(),
  'run-id': z.string().regex(/^[1-9][0-9]{0,18}$/, { error: 'must be the numeric id of a workflow run, e.g. ${{ github.event.workflow_run.id }}' }).transform(Number).optional(),
  metrics: text().optional(),
  version: modelVersion().optional(),
  gates: text().optional(),
  profile: text().optional(),
  'override-reason': text().optional(),
  ref: z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be the full 40-character SHA of a commit' }).optional(),
  'github-token': text(),
  'working-directory': text(),
});

export type Inputs = z.output<typeof inputs>;
