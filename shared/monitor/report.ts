/**
 * The drift report, `mlops-actions/drift-report@1`: a JSON document, stable and versioned like
 * the profile. Field meanings are in docs/monitoring.md; a change that renames or removes a
 * field is a new format version. Shares and rates are in [0, 1]; a `bound` is the most a
 * statistic read from sketches may differ from its exact value (0 on the exact path).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DataProfile } from '../profile/profile.js';
import { DRIFT_TESTS } from './tests.js';

export const DRIFT_REPORT_FORMAT = 'mlops-actions/drift-report@1';

const share = z.number().min(0).max(1);
const finite = z.number().finite();

const profileIdentity = z.object({
  /** sha256 of the profile document as read (or of the raw columns on the exact path). */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  rows: z.number().int().min(0),
  sources: z.array(z.object({ path: z.string(), format: z.string(), rows: z.number() })),
});
export type ProfileIdentity = z.infer<typeof profileIdentity>;

const ks = z.object({
  statistic: share,
  method: z.enum(['exact', 'asymp']),
  pValue: share,
  bound: finite.min(0),
  pValueRange: z.tuple([share, share]),
});
const wassersteinSchema = z.object({
  distance: finite.min(0),
  normalised: finite.min(0),
  norm: finite.positive(),
  bound: finite.min(0),
});
const binnedPsi = z.object({
  value: finite.min(0),
  edges: z.array(finite),
  reference: z.array(share),
  current: z.array(share),
  bounds: z.tuple([finite.min(0), finite.min(0)]),
});
const categorical = z.object({
  buckets: z.array(z.string()),
  reference: z.array(share),
  current: z.array(share),
  psi: finite.min(0),
  jensenShannon: finite.min(0),
  chiSquare: z.object({ statistic: finite.min(0), pValue: share, dof: z.number().int().min(0) }),
  newCategories: z.array(z.object({ value: z.string(), count: finite.min(0) })),
  newShare: share,
  exact: z.boolean(),
  shareError: finite.min(0),
});

const featureDrift = z.object({
  name: z.string(),
  /** The column's type in the profile (number, integer, string, boolean, …). */
  type: z.string(),
  /** How it is compared: numeric, or categorical (text, booleans, numbers with ≤ 5 values). */
  kind: z.enum(['numeric', 'categorical']),
  /** exact: from every value; sketch: from the profiles' sketches, within the stated bounds. */
  source: z.enum(['exact', 'sketch']),
  test: z.object({
    name: z.enum(DRIFT_TESTS),
    measures: z.enum(['p-value', 'distance']),
    value: finite,
    threshold: finite,
    drifted: z.boolean(),
    /** default: Evidently's choice for the column; override: the policy named it. */
    chosen: z.enum(['default', 'override']),
  }),
  missing: z.object({ reference: share, current: share, change: finite }),
  /** Current values outside the reference's [min, max] (numeric) or in new categories. */
  outsideRange: z.object({ share, bound: finite.min(0) }),
  numeric: z.object({ ks, wasserstein: wassersteinSchema, psi: binnedPsi }).nullable(),
  categorical: categorical.nullable(),
});
export type FeatureDrift = z.infer<typeof featureDrift>;

export const driftReport = z.object({
  format: z.literal(DRIFT_REPORT_FORMAT),
  reference: profileIdentity,
  current: profileIdentity,
  dataset: z.object({
    drifted: z.boolean(),
    /** Drifted features ÷ compared features. */
    share,
    /** The data drifts when share ≥ driftShare. */
    driftShare: share,
    compared: z.number().int().min(0),
    driftedFeatures: z.array(z.string()),
  }),
  features: z.array(featureDrift),
  /** Columns not compared, and why (e.g. a date column, or text past 128 distinct values). */
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type DriftReport = z.infer<typeof driftReport>;

/** sha256 of a JSON value as text: the identity of a profile (or of raw columns). */
export function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
}

export function identifyProfile(profile: DataProfile): ProfileIdentity {
  return {
    digest: digestOf(profile),
    rows: profile.rows,
    sources: profile.sources.map(({ path, format, rows }) => ({ path, format, rows })),
  };
}
