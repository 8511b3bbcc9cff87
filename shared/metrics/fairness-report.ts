/**
 * The `fairness` section of the metrics report: per sensitive attribute, each group's rows and
 * rates, and the disparity measures between groups as fairlearn names them
 * (fairlearn/metrics/_fairness_metrics.py). evaluate-model writes it (fairness.ts); the gates,
 * the comment, the manifest and the registry read it. The full table stays in the report;
 * anything published merges the small groups (publishableGroups).
 */
import { z } from 'zod';

/** The group of rows whose sensitive value is missing (empty cell, NA, null). */
export const MISSING_GROUP = '(missing)';

/** How an intersection's values are joined into one group name, in column order. */
export const INTERSECTION_SEPARATOR = ', ';

const interval = z.tuple([z.number(), z.number()]);

const groupMetric = z.object({ value: z.number(), ci: interval.optional() });

const fairnessGroupSchema = z.object({
  rows: z.number().int().nonnegative(),
  weight: z.number().nonnegative(),
  /** rows < minGroupSize: reported, left out of the measures. */
  small: z.boolean(),
  /** Binary: the weighted share of positive labels. */
  baseRate: z.number().nullable().optional(),
  /** Binary: the weighted share predicted positive. */
  selectionRate: z.number().nullable().optional(),
  /** null = undefined (the group has no positive labels), never 0. */
  truePositiveRate: z.number().nullable().optional(),
  /** null = undefined (the group has no negative labels). */
  falsePositiveRate: z.number().nullable().optional(),
  /** Regression: the weighted mean prediction. */
  meanPrediction: z.number().optional(),
  /** The task's headline metrics on the group's rows. */
  metrics: z.record(z.string(), groupMetric),
});

const fairnessMeasureSchema = z.object({
  /** null when fewer than two groups qualify. */
  value: z.number().nullable(),
  /** From the same seeded bootstrap as every metric, resampled within each group. */
  ci: interval.optional(),
  /** The group at the disadvantaged end (lowest selection rate, ...). */
  worstGroup: z.string().optional(),
  bestGroup: z.string().optional(),
  /** The groups the measure compared. */
  groups: z.array(z.string()),
});

const fairnessAttributeSchema = z.object({
  /** ["sex"], or ["sex", "age_band"] for an intersection. */
  columns: z.array(z.string()).min(1),
  minGroupSize: z.number().int().nonnegative(),
  /** The evaluation data fingerprint (the report's evaluation.dataSha256). */
  dataSha256: z.string(),
  groups: z.record(z.string(), fairnessGroupSchema),
  /**
   * Binary: demographic_parity_difference / _ratio, equalized_odds_difference / _ratio,
   * equal_opportunity_difference / _ratio. Multiclass: the same one-vs-rest, keyed
   * "<measure>[<class>]". Regression: mean_prediction_difference and "<metric>_difference".
   */
  measures: z.record(z.string(), fairnessMeasureSchema),
  notes: z.array(z.string()),
});

/** Keyed by attribute as the user wrote it: "sex", or "sex,age_band" for an intersection. */
export const fairnessReportSchema = z.record(z.string(), fairnessAttributeSchema);

export type FairnessReport = z.output<typeof fairnessReportSchema>;
export type FairnessAttribute = z.output<typeof fairnessAttributeSchema>;
export type FairnessGroup = z.output<typeof fairnessGroupSchema>;
export type FairnessMeasure = z.output<typeof fairnessMeasureSchema>;

/** One line of a published group table: a group, or the small groups merged. */
export interface PublishableGroup {
  /** The group's name, or "other (fewer than k rows each)". */
  name: string;
  rows: number;
  weight: number;
  /** How many groups this line stands for (1 unless merged). */
  groups: number;
  merged: boolean;
  baseRate?: number | null;
  selectionRate?: number | null;
  truePositiveRate?: number | null;
  falsePositiveRate?: number | null;
  meanPrediction?: number;
}

/** The name of the merged line of groups under the minimum size. */
function otherGroupName(minGroupSize: number): string {
  return `other (fewer than ${minGroupSize} rows each)`;
}

/**
 * The groups as anything published (job summary, pull-request comment, Release notes) may show
 * them: groups are data about people, so those under min-group-size (whose rates could point at
 * a few individuals) are merged into one "other (fewer than k rows each)" line that carries only
 * their total rows and weight, never their rates. Largest groups first.
 */
export function publishableGroups(attribute: FairnessAttribute): PublishableGroup[] {
  const lines: PublishableGroup[] = [];
  let smallRows = 0;
  let smallWeight = 0;
  let smallCount = 0;
  for (const [name, group] of Object.entries(attribute.groups)) {
    if (group.small) {
      smallRows += group.rows;
      smallWeight += group.weight;
      smallCount += 1;
      continue;
    }
    lines.push({
      name,
      rows: group.rows,
      weight: group.weight,
      groups: 1,
      merged: false,
      ...(group.baseRate !== undefined ? { baseRate: group.baseRate } : {}),
      ...(group.selectionRate !== undefined ? { selectionRate: group.selectionRate } : {}),
      ...(group.truePositiveRate !== undefined ? { truePositiveRate: group.truePositiveRate } : {}),
      ...(group.falsePositiveRate !== undefined
        ? { falsePositiveRate: group.falsePositiveRate }
        : {}),
      ...(group.meanPrediction !== undefined ? { meanPrediction: group.meanPrediction } : {}),
    });
  }
  lines.sort((a, b) => b.rows - a.rows || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (smallCount > 0)
    lines.push({
      name: otherGroupName(attribute.minGroupSize),
      rows: smallRows,
      weight: smallWeight,
      groups: smallCount,
      merged: true,
    });
  return lines;
}
