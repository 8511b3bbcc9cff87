/** The gate policy file: how a candidate's metrics are judged, alone and against a baseline. */
import { z } from 'zod';
import { readStructuredFile } from '../files/structured.js';
import { monitorPolicySchema } from '../monitor/policy.js';

const LEVELS = ['fail', 'warn', 'info'] as const;
export type Level = (typeof LEVELS)[number];

const nonNegative = z.number().nonnegative();

/**
 * Rules on a metric's slices (metrics reports carry `slices: {slice: {metric: {value, ci, n}}}`).
 * They judge the worst slice, where the model is weakest, and the spread between best and worst.
 */
const sliceRule = z
  .object({
    /** The worst slice must reach this value (at most this, when lower is better). */
    min: z.number().optional(),
    max: z.number().optional(),
    /** How much the worst slice may lose against the baseline's worst slice, absolute. */
    'max-regression': nonNegative.optional(),
    /** How far the best and the worst slice may lie apart. */
    'max-gap': nonNegative.optional(),
    /** Slices with fewer examples than this are shown but not judged (too noisy). */
    'min-n': z.number().int().nonnegative().default(0),
    level: z.enum(LEVELS).optional(),
  })
  .strict();

const metricRule = z
  .object({
    direction: z.enum(['higher', 'lower'], {
      error: 'direction must be "higher" or "lower" (which way is better)',
    }),
    min: z.number().optional(),
    max: z.number().optional(),
    'max-regression': nonNegative.optional(),
    'max-regression-relative': nonNegative.optional(),
    'min-improvement': z.number().optional(),
    level: z.enum(LEVELS).default('fail'),
    /** Overrides the policy's `inconclusive-within-ci` for this metric. */
    'inconclusive-within-ci': z.boolean().optional(),
    slices: sliceRule.optional(),
  })
  .strict()
  .refine((rule) => rule.min === undefined || rule.max === undefined || rule.min <= rule.max, {
    error: 'min is greater than max',
    path: ['min'],
  });

/**
 * A rule on one disparity measure of one sensitive attribute (the metrics report's `fairness`
 * section, measures named as fairlearn names them). Judged on the measure's interval: pass when
 * the whole interval keeps the rule, fail when the whole interval breaks it, inconclusive when
 * it straddles the limit (judge.ts).
 */
const fairnessRule = z
  .object({
    /** The largest tolerated disparity, for a `..._difference` measure (0 = no gap at all). */
    'max-difference': nonNegative.optional(),
    /**
     * The smallest tolerated ratio of the lowest group to the highest, for a `..._ratio`
     * measure. 0.8 on demographic_parity_ratio is the four-fifths rule of the US Uniform
     * Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D): a selection rate under 80%
     * of the highest group's is evidence of adverse impact.
     */
    'min-ratio': z
      .number()
      .min(0, { error: 'min-ratio must be a ratio from 0 to 1 (0.8 is the four-fifths rule)' })
      .max(1, { error: 'min-ratio must be a ratio from 0 to 1 (0.8 is the four-fifths rule)' })
      .optional(),
    /** How much the disparity may grow against production's same measure, absolute. */
    'max-regression': nonNegative.optional(),
    level: z.enum(LEVELS).default('fail'),
  })
  .strict()
  .refine(
    (rule) =>
      rule['max-difference'] !== undefined ||
      rule['min-ratio'] !== undefined ||
      rule['max-regression'] !== undefined,
    { error: 'a fairness rule needs max-difference, min-ratio or max-regression' },
  );

/** Fairlearn's measure names: `<name>_difference` or `<name>_ratio`, `[<class>]` one-vs-rest. */
const MEASURE_NAME = /^[a-z0-9_]+_(difference|ratio)(\[.*\])?$/s;

/** Which way a disparity measure is better: a difference is 0 at parity, a ratio 1. */
export function measureKind(measure: string): 'difference' | 'ratio' | undefined {
  const kind = MEASURE_NAME.exec(measure)?.[1];
  return kind === 'difference' || kind === 'ratio' ? kind : undefined;
}

const fairnessMeasures = z.record(z.string().min(1), fairnessRule).superRefine((rules, ctx) => {
  for (const [measure, rule] of Object.entries(rules)) {
    const kind = measureKind(measure);
    if (!kind)
      ctx.addIssue({
        code: 'custom',
        path: [measure],
        message: `"${measure}" is not a disparity measure: expected fairlearn's name of one, ending in _difference or _ratio (e.g. demographic_parity_ratio, equalized_odds_difference; demographic_parity_ratio[<class>] for a multiclass model)`,
      });
    else if (kind === 'difference' && rule['min-ratio'] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [measure, 'min-ratio'],
        message: `min-ratio judges a ..._ratio measure; "${measure}" is a difference: use max-difference`,
      });
    else if (kind === 'ratio' && rule['max-difference'] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [measure, 'max-difference'],
        message: `max-difference judges a ..._difference measure; "${measure}" is a ratio: use min-ratio`,
      });
  }
});

export const gatePolicySchema = z
  .object({
    'on-missing-baseline': z.enum(['pass', 'warn', 'fail']).default('warn'),
    /**
     * When true, a regression beyond tolerance whose baseline value lies inside the candidate's
     * confidence interval is `inconclusive` (the data cannot tell the two models apart), not failed.
     */
    'inconclusive-within-ci': z.boolean().default(false),
    /**
     * What a notable regression of a metric or slice that no rule gates does to the verdict:
     * `info` (the comment lists it), `warn` or `fail`. Notable: the baseline lies outside the
     * candidate's confidence interval, or, without one, the change exceeds 5% (judge.ts).
     */
    'notable-regressions': z.enum(LEVELS).default('info'),
    metrics: z.record(z.string().min(1), metricRule).default({}),
    /**
     * Per sensitive attribute as evaluate-model's `sensitive-features` names it (`sex`, or
     * `sex,age_band` for an intersection), per disparity measure: a fairnessRule.
     */
    fairness: z.record(z.string().min(1), fairnessMeasures).optional(),
    /** How monitor-model judges serving data (shared/monitor/policy.ts); compare-metrics ignores it. */
    monitor: monitorPolicySchema.optional(),
  })
  .strict();

export type GatePolicy = z.output<typeof gatePolicySchema>;
export type MetricRule = z.output<typeof metricRule>;
export type SliceRule = z.output<typeof sliceRule>;
export type FairnessRule = z.output<typeof fairnessRule>;

export const EMPTY_POLICY: GatePolicy = {
  'on-missing-baseline': 'warn',
  'inconclusive-within-ci': false,
  'notable-regressions': 'info',
  metrics: {},
};

export async function loadGatePolicy(
  path: string | undefined,
  baseDir = process.cwd(),
): Promise<GatePolicy> {
  return path ? readStructuredFile(path, gatePolicySchema, 'gate policy', baseDir) : EMPTY_POLICY;
}
