import { z } from 'zod';
import { choice, environmentName, flag, modelName, text, wholeNumber } from '../../../shared/action/inputs.js';
import { GATES_FROM } from '../../../shared/gates/policy-source.js';

export const inputs = z.object({
  'model-name': modelName(),
  metrics: text().optional(),
  baseline: text().optional(),
  'baseline-environment': environmentName(),
  gates: text().optional(),
  'gates-from': choice(GATES_FROM),
  manifest: text().optional(),
  history: wholeNumber(0, 50),
  'fail-on-regression': flag(),
  comment: flag(),
  'comment-from-run': z.string().regex(/^[1-9]\d{0,19}$/, { error: 'must be a workflow run id (digits), e.g. ${{ github.event.workflow_run.id }}' }).optional(),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;
