/**
 * The `monitor:` section of the gate policy file: how monitor-model judges a window of serving
 * data. Performance is judged by the policy's own `metrics:` rules (the window's metrics against
 * those recorded with the deployed model, by the same evaluator as a pull request), so one file
 * says what "good enough" means before and after release; this section adds what only the
 * monitor sees: drift, data quality, and when to ask for retraining.
 */
import { z } from 'zod';
import { DRIFT_TESTS, DEFAULT_DRIFT_SHARE } from './tests.js';

const LEVELS = ['fail', 'warn', 'info'] as const;

const share = z.number().min(0).max(1);

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A duration as people write one in a config: `30m`, `12h`, `7d`, `2w`. A regular expression
 * rather than a library: four units and a whole number are all the file accepts, and a value
 * outside that grammar must be refused, not guessed.
 */
export const durationSchema = z
  .string()
  .regex(/^\d{1,6}\s*[mhdw]$/, 'a whole number and a unit: m, h, d or w, e.g. "7d"')
  .transform((text) => {
    const unit = text.at(-1) as keyof typeof UNIT_MS;
    return Number.parseInt(text, 10) * UNIT_MS[unit];
  });

const featureOverride = z.strictObject({
  test: z.enum(DRIFT_TESTS).optional(),
  threshold: z.number().finite().optional(),
});

const driftSection = z.strictObject({
  /** The data set drifts when at least this share of the compared features drift (Evidently's 0.5). */
  share: share.default(DEFAULT_DRIFT_SHARE),
  /** What a drifted data set does to the status: fail makes it `drifting`. */
  level: z.enum(LEVELS).default('fail'),
  /** Per feature: the test and threshold that replace the defaults (docs/monitoring.md). */
  features: z.record(z.string(), featureOverride).default({}),
  /** Columns not compared (identifiers, timestamps): drift in them means nothing. */
  ignore: z.array(z.string()).default([]),
});

const predictionsSection = z.strictObject({
  /** What drift of a prediction or score column does to the status: fail makes it `drifting`. */
  level: z.enum(LEVELS).default('fail'),
  features: z.record(z.string(), featureOverride).default({}),
});

const qualitySection = z.strictObject({
  /** How much a feature's missing rate may rise (absolute, e.g. 0.05 = five points). */
  'max-missing-increase': share.default(0.05),
  /** Share of values outside the reference's range, or in categories it never had. */
  'max-outside-range': share.default(0.05),
  /** What a quality problem does: fail makes the status `drifting`; by default only a warning. */
  level: z.enum(LEVELS).default('warn'),
});

const STATUSES = ['drifting', 'degraded'] as const;

const retrainSection = z.strictObject({
  /** At most one dispatch of the retraining workflow within this time. */
  cooldown: durationSchema.prefault('7d'),
  /** Which statuses ask for retraining. */
  on: z.array(z.enum(STATUSES)).min(1).default(['degraded', 'drifting']),
});

const performanceSection = z.strictObject({
  /** What a failed metric rule does to the status when labels are present: fail makes it `degraded`. */
  level: z.enum(LEVELS).default('fail'),
  /**
   * The same for performance estimated from scores alone. An estimate is judged with
   * `inconclusive-within-ci`: only a regression beyond its interval counts.
   */
  'estimated-level': z.enum(LEVELS).default('fail'),
});

const fairnessSection = z.strictObject({
  /**
   * The sensitive attributes whose selection-rate parity is tracked, as evaluate-model's
   * `sensitive-features` writes them: a column, or `a,b` for the intersection of two. Empty:
   * not tracked. The window must carry the columns and the prediction.
   */
  attributes: z.array(z.string().min(1)).default([]),
  /** The lowest demographic_parity_ratio allowed: 0.8 is the four-fifths rule. */
  'min-ratio': share.default(0.8),
  /** The largest demographic_parity_difference allowed; absent: not judged. */
  'max-difference': share.optional(),
  /** Groups with fewer rows in the window are shown merged and left out of the measures. */
  'min-group-size': z.number().int().min(1).default(30),
  /** What a breach does: fail makes the status `degraded` (the model's outputs fail the policy). */
  level: z.enum(LEVELS).default('fail'),
});

export const monitorPolicySchema = z.strictObject({
  drift: driftSection.default(driftSection.parse({})),
  predictions: predictionsSection.default(predictionsSection.parse({})),
  quality: qualitySection.default(qualitySection.parse({})),
  performance: performanceSection.default(performanceSection.parse({})),
  retrain: retrainSection.default(retrainSection.parse({})),
  fairness: fairnessSection.default(fairnessSection.parse({})),
});

export type MonitorPolicy = z.output<typeof monitorPolicySchema>;

/** The defaults, for a policy file without a `monitor:` section (or without a file). */
const DEFAULT_MONITOR_POLICY: MonitorPolicy = monitorPolicySchema.parse({});

/** The `monitor:` section of a gate policy, or the defaults when it has none. */
export function monitorPolicyOf(policy: { monitor?: MonitorPolicy }): MonitorPolicy {
  return policy.monitor ?? DEFAULT_MONITOR_POLICY;
}
