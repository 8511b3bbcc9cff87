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
import { COMMENT_MODES, type CommentMode } from '../../../shared/comparison/post.js';
import { MENTION_PATTERN } from '../../../shared/comparison/render.js';
import { GATES_FROM } from '../../../shared/gates/policy-source.js';
import { quoteValue } from '../../../shared/identifiers.js';

export const inputs = z.object({
  'model-name': modelName(),
  metrics: text().optional(),
  baseline: text().optional(),
  'baseline-environment': environmentName(),
  gates: text().optional(),
  'gates-from': choice(GATES_FROM),
  manifest: text().optional(),
  'baseline-manifest': text().optional(),
  history: wholeNumber(0, 50),
  'fail-on-regression': flag(),
  comment: commentMode(),
  mention: mentions(),
  'comment-from-run': z
    .string()
    .regex(/^[1-9]\d{0,19}$/, {
      error: 'must be a workflow run id (digits), e.g. ${{ github.event.workflow_run.id }}',
    })
    .optional(),
  'github-token': text(),
});

export type Inputs = z.output<typeof inputs>;

/** `always | on-change | on-regression | never`; `true` and `false` (the input's old values) read as always and never. */
function commentMode() {
  return z.string().transform((value, ctx): CommentMode => {
    const mode = /^(?:true|True|TRUE)$/.test(value)
      ? 'always'
      : /^(?:false|False|FALSE)$/.test(value)
        ? 'never'
        : value;
    if ((COMMENT_MODES as readonly string[]).includes(mode)) return mode as CommentMode;
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `must be one of ${COMMENT_MODES.join(', ')}; got ${quoteValue(value)}`,
    });
    return z.NEVER;
  });
}

/** Users (`@login`) and teams (`@org/team`), one per line or separated by spaces or commas. */
function mentions() {
  return z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .superRefine((handles, ctx) => {
      for (const handle of handles)
        if (!MENTION_PATTERN.test(handle))
          ctx.addIssue({
            code: 'custom',
            input: handle,
            message: `must list GitHub users as @login and teams as @org/team-slug; got ${quoteValue(handle)}`,
          });
      if (handles.length > 20)
        ctx.addIssue({ code: 'custom', input: handles, message: 'may name at most 20 handles' });
    })
    .optional();
}

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
