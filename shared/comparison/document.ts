/**
 * The comparison as data: what compare-metrics writes as its `report` output and uploads with
 * the comment, and the only thing the comment is rendered from. A workflow_run workflow that
 * posts the comment for a pull request from a fork reads it back from that run's artifact, so
 * the schema below is a boundary: every byte of it may have been written by the fork's code.
 */
import { z } from 'zod';
import { MODEL_NAME_PATTERN } from '../identifiers.js';
import type {
  FairnessComparison,
  GateResult,
  MetricStatus,
  NotableChange,
  Verdict,
} from '../gates/judge.js';
import type { PublishableGroup } from '../metrics/fairness-report.js';
import { confusionMatrixSchema, residualQuantilesSchema } from '../metrics/report.js';
import { policySourceSchema } from '../gates/policy-source.js';
import { runtimeSummarySchema } from '../lineage/runtime.js';
import { changesSchema } from './changes.js';

export const COMPARISON_FORMAT = 'mlops-actions/comparison@1';

const ci = z.tuple([z.number(), z.number()]);
const status = z.enum([
  'pass',
  'warn',
  'inconclusive',
  'fail',
  'info',
  'added',
  'removed',
]) satisfies z.ZodType<MetricStatus>;
const verdict = z.enum(['pass', 'warn', 'inconclusive', 'fail']) satisfies z.ZodType<Verdict>;
const sha = z.string().regex(/^[0-9a-f]{1,64}$/);

const metricComparison = z.object({
  name: z.string(),
  baseline: z.number().optional(),
  candidate: z.number().optional(),
  candidateCi: ci.optional(),
  baselineCi: ci.optional(),
  n: z.number().optional(),
  delta: z.number().optional(),
  deltaRelative: z.number().optional(),
  rule: z.string().optional(),
  status,
  reasons: z.array(z.string()),
  notComputed: z.string().optional(),
});

const sliceValue = z.object({
  slice: z.string(),
  value: z.number(),
  ci: ci.optional(),
  n: z.number().optional(),
});

const sliceComparison = z.object({
  metric: z.string(),
  rule: z.string().optional(),
  status,
  reasons: z.array(z.string()),
  worst: sliceValue.optional(),
  best: sliceValue.optional(),
  baselineWorst: sliceValue.optional(),
  gap: z.number().optional(),
  rows: z.array(
    z.object({
      slice: z.string(),
      candidate: sliceValue.optional(),
      baseline: sliceValue.optional(),
      ignored: z.boolean(),
    }),
  ),
});

const fairnessComparison = z.object({
  attribute: z.string(),
  measure: z.string(),
  candidate: z.number().nullable().optional(),
  candidateCi: ci.optional(),
  baseline: z.number().nullable().optional(),
  baselineCi: ci.optional(),
  worstGroup: z.string().optional(),
  baselineWorstGroup: z.string().optional(),
  rule: z.string().optional(),
  status,
  reasons: z.array(z.string()),
}) satisfies z.ZodType<FairnessComparison>;

/** A line of a published group table: a group, or the groups under min-group-size merged. */
const publishableGroup = z.object({
  name: z.string(),
  rows: z.number(),
  weight: z.number(),
  groups: z.number(),
  merged: z.boolean(),
  baseRate: z.number().nullable().optional(),
  selectionRate: z.number().nullable().optional(),
  truePositiveRate: z.number().nullable().optional(),
  falsePositiveRate: z.number().nullable().optional(),
  meanPrediction: z.number().optional(),
}) satisfies z.ZodType<PublishableGroup>;

/** Per sensitive attribute, the candidate's groups as anything published may show them. */
const fairnessGroups = z.record(
  z.string(),
  z.object({
    columns: z.array(z.string()),
    minGroupSize: z.number(),
    groups: z.array(publishableGroup),
  }),
);
export type FairnessGroups = z.output<typeof fairnessGroups>;

const notableChange = z.object({
  metric: z.string(),
  attribute: z.string().optional(),
  slice: z.string().optional(),
  baseline: z.number(),
  candidate: z.number(),
  delta: z.number(),
  ci: ci.optional(),
  kind: z.enum(['regression', 'improvement', 'change']),
  basis: z.enum(['ci', 'relative']),
  size: z.number(),
  gated: z.boolean(),
  status,
}) satisfies z.ZodType<NotableChange>;

/** A side of the comparison's confusion matrices or residual summaries: the candidate's, and production's when its report has one. */
const bothSides = <T extends z.ZodType>(schema: T) =>
  z.object({ candidate: schema, baseline: schema.optional() });

const seconds = z.number().nonnegative().max(1e9);
const costSchema = z.object({
  training: z
    .object({
      /** How long the command ran; on a cache hit, the training the restore saved. */
      seconds,
      restoredFrom: z
        .object({ runUrl: z.string().max(2000).optional(), restoreSeconds: seconds.optional() })
        .optional(),
    })
    .optional(),
  /** How long evaluate-model computed the candidate's metrics (its report says). */
  evaluationSeconds: seconds.optional(),
  comparisonSeconds: seconds,
});
export type Cost = z.output<typeof costSchema>;

/** Which baseline was used and why, as the comment states it. */
const baselineSummarySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string() }),
  z.object({
    kind: z.literal('registry'),
    environment: z.string(),
    model: z.string(),
    version: z.string(),
    deploymentId: z.number().int(),
    sha,
    createdAt: z.string(),
    /** fetched: its full metrics report (CIs, slices); payload: the values its deployment records; unavailable: the report could not be read. */
    report: z.enum(['fetched', 'payload', 'unavailable']),
  }),
  z.object({ kind: z.literal('none'), reason: z.string() }),
]);
export type BaselineSummary = z.output<typeof baselineSummarySchema>;

const lineageSide = z.object({
  version: z.string().optional(),
  fingerprint: sha.optional(),
  evaluationSha256: sha.optional(),
  configSha256: sha.optional(),
  dataFiles: z.array(z.object({ path: z.string(), sha256: sha })).optional(),
  commit: sha.optional(),
  runUrl: z.string().optional(),
  /** What the model was trained on, in short (see lineage/runtime.ts). */
  runtime: runtimeSummarySchema.optional(),
});
export type LineageSide = z.output<typeof lineageSide>;

const side = z.object({
  source: z.string(),
  version: z.string().optional(),
  evaluationSha256: z.string().optional(),
});

export const comparisonDocumentSchema = z.object({
  format: z.literal(COMPARISON_FORMAT),
  model: z.string().regex(MODEL_NAME_PATTERN),
  verdict,
  candidate: side,
  baseline: side.nullable(),
  baselineSource: baselineSummarySchema,
  /** Set when baseline and candidate were evaluated on different data (their evaluation hashes differ). */
  notLikeForLike: z.boolean(),
  gates: z.string().nullable(),
  /** Which gate policy judged the run: on a pull request, the base branch's, with what the pull request changes in it. */
  policy: policySourceSchema.optional(),
  metrics: z.array(metricComparison),
  slices: z.array(sliceComparison),
  /** The disparity measures per sensitive attribute, gated or not (absent from older documents). */
  fairness: z.array(fairnessComparison).optional(),
  /**
   * The candidate's groups per attribute: names, counts and rates only, never rows, and the
   * groups under min-group-size merged into one line (publishableGroups): people are in them.
   */
  fairnessGroups: fairnessGroups.optional(),
  /** The changes beyond the noise, gated or not, worst first (absent from documents of older versions). */
  notable: z.array(notableChange).optional(),
  /** Classification: the confusion matrices (weighted counts, rows = true class). */
  confusion: bothSides(confusionMatrixSchema).optional(),
  /** Regression: the quantiles of prediction − label. */
  residuals: bothSides(residualQuantilesSchema).optional(),
  lineage: z.object({ candidate: lineageSide, baseline: lineageSide.optional() }).optional(),
  /** What the pull request changed in config, data and environment since production (changes.ts). */
  changes: changesSchema.optional(),
  /** What it cost: training (or the cache hit that saved it) and the comparison itself. */
  cost: costSchema.optional(),
  /** The recent models in the baseline environment, oldest first. */
  history: z
    .array(z.object({ version: z.string(), metrics: z.record(z.string(), z.number()) }))
    .optional(),
});

export type ComparisonDocument = z.output<typeof comparisonDocumentSchema>;

export function gateResultOf(document: ComparisonDocument): GateResult {
  return {
    verdict: document.verdict,
    metrics: document.metrics,
    slices: document.slices,
    fairness: document.fairness ?? [],
    notable: document.notable ?? [],
    hasBaseline: document.baseline !== null,
  };
}
