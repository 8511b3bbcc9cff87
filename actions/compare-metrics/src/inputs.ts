import { z } from 'zod';
import { UserError } from '../../../shared/action/errors.js';
import {
  choice,
  environmentName,
  flag,
  modelName,
  text,
  wholeNumber,
} from '../../../shared/action/inputs.js';
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
  'comment-from-run': z
    .string()
    .regex(/^[1-9]\d{0,19}$/, {
      error: 'must be a workflow run id (digits), e.g. ${{ github.event.workflow_run.id }}',
    })
    .optional(),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;

/**
 * compare-metrics either compares a candidate ("metrics") or posts the comment another run
 * prepared ("comment-from-run"). Returns the metrics file, or undefined in the posting mode.
 */
export function requireOneMode(input: Inputs): string | undefined {
  if (input['comment-from-run']) {
    if (input.metrics)
      throw new UserError(
        'Give either "metrics" (compare a candidate) or "comment-from-run" (post the comment another run prepared), not both.',
      );
    return undefined;
  }
  if (!input.metrics)
    throw new UserError(
      'Input "metrics" is required: the candidate\'s metrics report from evaluate-model, or a JSON or YAML file of metrics.',
    );
  return input.metrics;
}
