/**
 * The bias check a promotion records: which sensitive attributes the promoted model was checked
 * on, on which evaluation data, each fairness measure with its interval, and the rules the gates
 * applied to them. It comes from the metrics report promote-model promotes (evaluate-model's
 * `sensitive-features`) and goes into the promotion record, the deployment payload (where the
 * fleet view reads it back) and, through the model card, the production Release. It is a
 * compact summary: no group names, no rows; the full table stays in the metrics report, which the
 * production Release keeps as an asset.
 *
 * The manifest is written at training, before any evaluation, so it has no place for this.
 */
import { z } from 'zod';
import type { GateResult } from '../gates/judge.js';
import type { FairnessReport } from '../metrics/fairness-report.js';

/** Most attributes and measures a record keeps: a deployment payload is not a report. */
const MAX_ATTRIBUTES = 20;
const MAX_MEASURES = 60;
const NAME_LENGTH = 300;

const name = z.string().min(1).max(NAME_LENGTH);
const finite = z.number().finite();

const measureSchema = z.object({
  /** "sex", or "sex,age_band" for an intersection, as evaluate-model keys it. */
  attribute: name,
  /** As fairlearn names it: demographic_parity_ratio, equalized_odds_difference[class], ... */
  measure: name,
  /** null when fewer than two groups qualified. */
  value: finite.nullable(),
  ci: z.tuple([finite, finite]).optional(),
});

const ruleSchema = z.object({
  attribute: name,
  measure: name,
  /** The rule in words, e.g. "≥ 0.8 (four-fifths rule)". */
  rule: z.string().max(NAME_LENGTH),
  status: z.enum(['pass', 'warn', 'fail', 'inconclusive', 'info']),
});

/**
 * Read back from a deployment payload, which anyone who may create deployments could have
 * written: bounded, finite, and (in the payload schema) dropped whole when malformed.
 */
export const fairnessRecordSchema = z.object({
  attributes: z.array(name).min(1).max(MAX_ATTRIBUTES),
  /** The evaluation data's fingerprint (the metrics report's evaluation.dataSha256). */
  dataSha256: z.string().max(128),
  /** Groups with fewer rows were left out of the measures. */
  minGroupSize: z.number().int().nonnegative(),
  measures: z.array(measureSchema).max(MAX_MEASURES),
  /** Measures of the report not kept here (multiclass has six a class): they are in the report. */
  omittedMeasures: z.number().int().positive().optional(),
  /** The fairness rules of the gate policy the promotion was judged by, when it had any. */
  rules: z.array(ruleSchema).max(MAX_MEASURES).optional(),
});

export type FairnessRecord = z.output<typeof fairnessRecordSchema>;
type FairnessRule = z.output<typeof ruleSchema>;
type RecordedMeasure = FairnessRecord['measures'][number];

/** The promotion's record of a metrics report's fairness section; undefined when it has none. */
export function summariseFairness(
  report: FairnessReport | undefined,
  rules: readonly FairnessRule[] = [],
): FairnessRecord | undefined {
  const attributes = Object.entries(report ?? {}).slice(0, MAX_ATTRIBUTES);
  if (!attributes.length) return undefined;
  const all: RecordedMeasure[] = attributes.flatMap(([attribute, section]) =>
    Object.entries(section.measures).map(([measure, m]) => ({
      attribute,
      measure,
      value: Number.isFinite(m.value) ? m.value : null,
      ...(m.ci && m.ci.every(Number.isFinite)
        ? { ci: [m.ci[0], m.ci[1]] as [number, number] }
        : {}),
    })),
  );
  // Every attribute's headline first, so that a cut keeps what the one-line bias check shows.
  const headline = new Set(headlineOf(all, rules));
  const ordered = [...headline, ...all.filter((m) => !headline.has(m))];
  const kept = ordered.slice(0, MAX_MEASURES);
  const first = attributes[0]![1];
  return {
    attributes: attributes.map(([attribute]) => attribute),
    dataSha256: first.dataSha256,
    minGroupSize: first.minGroupSize,
    measures: kept,
    ...(ordered.length > kept.length ? { omittedMeasures: ordered.length - kept.length } : {}),
    ...(rules.length ? { rules: rules.slice(0, MAX_MEASURES) } : {}),
  };
}

/**
 * A recorded bias check as the gates read a report's fairness section: the measures and their
 * intervals (no groups: the record keeps none). What promote-model judges `max-regression`
 * against, for the model in the environment, whose own report is not at hand.
 */
export function fairnessOfRecord(record: FairnessRecord): FairnessReport {
  const report: FairnessReport = {};
  for (const m of record.measures) {
    const section = (report[m.attribute] ??= {
      columns: m.attribute.split(','),
      minGroupSize: record.minGroupSize,
      dataSha256: record.dataSha256,
      groups: {},
      measures: {},
      notes: [],
    });
    section.measures[m.measure] = { value: m.value, ...(m.ci ? { ci: m.ci } : {}), groups: [] };
  }
  return report;
}

const RULE_STATUSES = new Set<string>(ruleSchema.shape.status.options);

/** The fairness rules the gates applied (the policy's `fairness:` section), as the record keeps them. */
export function fairnessRulesOf(gates: Pick<GateResult, 'fairness'> | undefined): FairnessRule[] {
  return (gates?.fairness ?? []).flatMap((f) =>
    f.rule && RULE_STATUSES.has(f.status)
      ? [
          {
            attribute: f.attribute,
            measure: f.measure,
            rule: f.rule,
            status: f.status as FairnessRule['status'],
          },
        ]
      : [],
  );
}

/**
 * The measures the one-line bias check shows, one or more an attribute: those a rule was applied
 * to; else the demographic parity ratio, the four-fifths rule's measure (multiclass: the lowest
 * of its classes'); else (regression) the gap in mean prediction; else the attribute's first.
 */
function headlineOf(
  measures: readonly RecordedMeasure[],
  rules: readonly FairnessRule[],
): RecordedMeasure[] {
  const attributes = [...new Set(measures.map((m) => m.attribute))];
  return attributes.flatMap((attribute) => {
    const own = measures.filter((m) => m.attribute === attribute);
    const ruled = own.filter((m) =>
      rules.some((r) => r.attribute === attribute && r.measure === m.measure),
    );
    if (ruled.length) return ruled;
    const parity = own.filter((m) => /^demographic_parity_ratio(\[.*\])?$/.test(m.measure));
    if (parity.length)
      return [
        parity.reduce((low, m) =>
          m.value !== null && (low.value === null || m.value < low.value) ? m : low,
        ),
      ];
    const mean = own.find((m) => m.measure === 'mean_prediction_difference');
    return mean ? [mean] : own.slice(0, 1);
  });
}

/**
 * What the fleet view and promote-model's summary show of a recorded check (FleetVersion's
 * `fairness`, which bias-check.ts puts in one line): the attributes and their headline measures.
 */
export function biasCheckOf(
  record: FairnessRecord | undefined,
): { attributes: string[]; measures: RecordedMeasure[] } | undefined {
  if (!record) return undefined;
  return {
    attributes: record.attributes,
    measures: headlineOf(record.measures, record.rules ?? []),
  };
}
