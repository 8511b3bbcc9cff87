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
    /** How monitor-model judges serving data (shared/monitor/policy.ts); compare-metrics ignores it. */
    monitor: monitorPolicySchema.optional(),
  })
  .strict();

export type GatePolicy = z.output<typeof gatePolicySchema>;
export type MetricRule = z.output<typeof metricRule>;
export type SliceRule = z.output<typeof sliceRule>;

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
