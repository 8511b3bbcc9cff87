/** The gate policy file: how a candidate's metrics are judged, alone and against a baseline. */
import { z } from 'zod';
import { readStructuredFile } from '../files/structured.js';

export const LEVELS = ['fail', 'warn', 'info'] as const;
export type Level = (typeof LEVELS)[number];

const nonNegative = z.number().nonnegative();

const metricRule = z
  .object({
    direction: z.enum(['higher', 'lower'], { error: 'direction must be "higher" or "lower" (which way is better)' }),
    min: z.number().optional(),
    max: z.number().optional(),
    'max-regression': nonNegative.optional(),
    'max-regression-relative': nonNegative.optional(),
    'min-improvement': z.number().optional(),
    level: z.enum(LEVELS).default('fail'),
  })
  .strict()
  .refine((rule) => rule.min === undefined || rule.max === undefined || rule.min <= rule.max, { error: 'min is greater than max', path: ['min'] });

export const gatePolicySchema = z
  .object({
    'on-missing-baseline': z.enum(['pass', 'warn', 'fail']).default('warn'),
    metrics: z.record(z.string().min(1), metricRule).default({}),
  })
  .strict();

export type GatePolicy = z.output<typeof gatePolicySchema>;
export type MetricRule = z.output<typeof metricRule>;

export const EMPTY_POLICY: GatePolicy = { 'on-missing-baseline': 'warn', metrics: {} };

export async function loadGatePolicy(path: string | undefined, baseDir = process.cwd()): Promise<GatePolicy> {
  return path ? readStructuredFile(path, gatePolicySchema, 'gate policy', baseDir) : EMPTY_POLICY;
}
