/**
 * Drift per feature and of the whole data set, between a reference and a current data profile
 * (the sketch path: never needs the rows, so shard profiles merged from a job matrix suffice)
 * or between raw columns (the exact path, for small data and to test the sketch path).
 */
import { z } from 'zod';
import { UserError } from '../action/errors.js';
import type { ColumnProfile, DataProfile } from '../profile/profile.js';
import type { MomentsState } from '../profile/sketches/moments.js';
import type { QuantileState } from '../profile/sketches/quantiles.js';
import type { TopValuesState } from '../profile/sketches/top-values.js';
import { categoricalStatistics, tallyValues, type CategoryTally } from './categorical.js';
import {
  decileEdges,
  kolmogorovSmirnov,
  outsideRange,
  psiOverEdges,
  wasserstein,
} from './numeric.js';
import {
  DRIFT_REPORT_FORMAT,
  digestOf,
  identifyProfile,
  type DriftReport,
  type FeatureDrift,
  type ProfileIdentity,
} from './report.js';
import { sampleCounts, sampleFromSketch, sampleFromValues, type WeightedSample } from './sample.js';
import {
  DEFAULT_DRIFT_SHARE,
  defaultTest,
  DRIFT_TESTS,
  FEW_DISTINCT,
  TEST_RULES,
} from './tests.js';

const driftOptions = z.strictObject({
  /** Per feature: the test and threshold that replace the defaults. */
  features: z
    .record(
      z.string(),
      z.strictObject({
        test: z.enum(DRIFT_TESTS).optional(),
        threshold: z.number().finite().optional(),
      }),
    )
    .default({}),
  driftShare: z.number().min(0).max(1).default(DEFAULT_DRIFT_SHARE),
});
export type DriftOptions = z.input<typeof driftOptions>;

/** What the statistics need of one side of a feature, from a profile or from raw values. */
interface Side {
  type: string;
  source: 'exact' | 'sketch';
  /** Rows that have the column, and the missing values among them (null or NaN). */
  count: number;
  missing: number;
  /** The mean, standard deviation (ddof 0), min and max are exact on both paths (the profile's moments). */
  numeric?: { sample: WeightedSample; mean: number; std: number; min: number; max: number };
  tally?: CategoryTally;
  /** Distinct non-missing values (estimated on the sketch path). */
  distinct: number;
}

/** A column name in a message: quoted, with quotes and control characters escaped (names come from data files). */
const quoted = (name: string) => JSON.stringify(name);

const isNumericType = (type: string) => type === 'number' || type === 'integer';

/** One side from raw values: numbers for a numeric column, text (or null) otherwise. */
export function sideFromValues(type: string, values: readonly (number | string | null)[]): Side {
  let missing = 0;
  for (const v of values) if (v === null || (typeof v === 'number' && Number.isNaN(v))) missing++;
  if (isNumericType(type)) {
    const sample = sampleFromValues(values.map((v) => (typeof v === 'number' ? v : null)));
    // Two passes over the sorted distinct values: the population variance (ddof 0), stably.
    let mean = 0;
    const weightOf = (i: number) => sample.cumulative[i]! - (i ? sample.cumulative[i - 1]! : 0);
    sample.values.forEach((v, i) => (mean += v * weightOf(i)));
    mean /= sample.total || 1;
    let variance = 0;
    sample.values.forEach((v, i) => (variance += (v - mean) ** 2 * weightOf(i)));
    variance /= sample.total || 1;
    return {
      type,
      source: 'exact',
      count: values.length,
      missing,
      numeric: {
        sample,
        mean,
        std: Math.sqrt(variance),
        min: sample.values[0] ?? NaN,
        max: sample.values[sample.values.length - 1] ?? NaN,
      },
      ...(sample.values.length <= FEW_DISTINCT && {
        tally: { counts: sampleCounts(sample), total: sample.total, error: 0 },
      }),
      distinct: sample.values.length,
    };
  }
  const tally = tallyValues(values.map((v) => (v === null ? null : String(v))));
  return {
    type,
    source: 'exact',
    count: values.length,
    missing,
    tally,
    distinct: tally.counts.size,
  };
}

/** One side from a profile's column, or the reason it cannot be compared. */
export function sideFromProfile(column: ColumnProfile): Side | string {
  const state = column.state as {
    moments?: MomentsState;
    quantiles?: QuantileState;
    top?: TopValuesState;
  };
  const base = {
    type: column.type,
    source: 'sketch' as const,
    count: column.count,
    missing: column.nulls + column.nan,
    distinct: column.distinct,
  };
  if (isNumericType(column.type)) {
    if (!state.quantiles || !state.moments) return 'the profile has no quantile sketch for it';
    const sample = sampleFromSketch(state.quantiles);
    const { n, mean, m2, min, max } = state.moments;
    return {
      ...base,
      numeric: {
        sample,
        mean,
        std: n > 0 ? Math.sqrt(m2 / n) : 0,
        min: min ?? NaN,
        max: max ?? NaN,
      },
      // Categories only for few values; a count read from the sketch may be off by 2εn.
      ...(sample.values.length <= FEW_DISTINCT && {
        tally: {
          counts: sampleCounts(sample),
          total: sample.total,
          error: 2 * sample.rankError * sample.total,
        },
      }),
    };
  }
  if (!state.top) {
    return 'it has too many distinct values to compare as categories (the profile kept no top values)';
  }
  return {
    ...base,
    tally: {
      counts: new Map(state.top.counts),
      total: column.count - column.nulls - column.invalid,
      error: state.top.error,
    },
  };
}

const rate = (missing: number, count: number) => (count > 0 ? missing / count : 0);

/** Compares one feature; `override` replaces the default test or threshold. */
export function compareFeature(
  name: string,
  reference: Side,
  current: Side,
  override: { test?: (typeof DRIFT_TESTS)[number]; threshold?: number } = {},
): FeatureDrift {
  if (isNumericType(reference.type) !== isNumericType(current.type)) {
    throw new UserError(
      `Column ${quoted(name)} is ${reference.type} in the reference and ${current.type} in the current data: drift compares like with like. Profile both with the same schema.`,
    );
  }
  const fewValues =
    reference.numeric !== undefined &&
    Math.max(reference.distinct, current.distinct, unionSize(reference, current)) <= FEW_DISTINCT;
  const kind = reference.numeric && !fewValues ? 'numeric' : 'categorical';
  const numeric =
    reference.numeric && current.numeric ? numericStatistics(reference, current) : null;
  const categorical =
    kind === 'categorical' && reference.tally && current.tally
      ? categoricalStatistics(reference.tally, current.tally)
      : null;
  const testName = override.test ?? defaultTest(kind, reference.count - reference.missing);
  const rule = TEST_RULES[testName];
  if (!rule.kinds.includes(kind)) {
    throw new UserError(
      `The drift policy asks for the ${testName} test on ${quoted(name)}, a ${kind} feature; ${testName} applies to ${rule.kinds.join(' and ')} features. Choose one of: ${DRIFT_TESTS.filter((t) => TEST_RULES[t].kinds.includes(kind)).join(', ')}.`,
    );
  }
  const value = testValue(testName, numeric, categorical);
  const threshold = override.threshold ?? rule.threshold;
  const missingRef = rate(reference.missing, reference.count);
  const missingCur = rate(current.missing, current.count);
  const outside = numeric?.outside ?? {
    share: categorical?.newShare ?? 0,
    bound: categorical?.shareError ?? 0,
  };
  return {
    name,
    type: reference.type,
    kind,
    source: reference.source === 'exact' && current.source === 'exact' ? 'exact' : 'sketch',
    test: {
      name: testName,
      measures: rule.measures,
      value,
      threshold,
      drifted: rule.drifted(value, threshold),
      chosen:
        override.test !== undefined || override.threshold !== undefined ? 'override' : 'default',
    },
    missing: { reference: missingRef, current: missingCur, change: missingCur - missingRef },
    outsideRange: outside,
    numeric: numeric && { ks: numeric.ks, wasserstein: numeric.wasserstein, psi: numeric.psi },
    categorical,
  };
}

function unionSize(reference: Side, current: Side): number {
  const values = new Set<number>();
  for (const side of [reference, current]) {
    for (const v of side.numeric?.sample.values ?? []) {
      values.add(v);
      if (values.size > FEW_DISTINCT) return values.size;
    }
  }
  return values.size;
}

function numericStatistics(reference: Side, current: Side) {
  const ref = reference.numeric!;
  const cur = current.numeric!;
  const range = { min: Math.min(ref.min, cur.min), max: Math.max(ref.max, cur.max) };
  const empty = ref.sample.total === 0 || cur.sample.total === 0;
  return {
    ks: kolmogorovSmirnov(ref.sample, cur.sample),
    wasserstein: empty
      ? { distance: 0, normalised: 0, norm: Math.max(ref.std, 0.001), bound: 0 }
      : wasserstein(ref.sample, cur.sample, ref.std, range, Math.abs(ref.mean - cur.mean)),
    psi: psiOverEdges(ref.sample, cur.sample, empty ? [] : decileEdges(ref.sample)),
    outside: empty ? { share: 0, bound: 0 } : outsideRange(cur.sample, ref, cur),
  };
}

function testValue(
  test: (typeof DRIFT_TESTS)[number],
  numeric: ReturnType<typeof numericStatistics> | null,
  categorical: ReturnType<typeof categoricalStatistics> | null,
): number {
  switch (test) {
    case 'ks':
      // Equal to pValue on the exact path; on the sketch path the largest p the bound allows.
      return numeric!.ks.pValueRange[1];
    case 'wasserstein':
      return numeric!.wasserstein.normalised;
    case 'psi':
      return categorical ? categorical.psi : numeric!.psi.value;
    case 'jensenshannon':
      return categorical!.jensenShannon;
    case 'chisquare':
      return categorical!.chiSquare.pValue;
  }
}

function datasetDrift(features: FeatureDrift[], driftShare: number): DriftReport['dataset'] {
  const drifted = features.filter((f) => f.test.drifted).map((f) => f.name);
  const share = features.length ? drifted.length / features.length : 0;
  return {
    drifted: features.length > 0 && share >= driftShare,
    share,
    driftShare,
    compared: features.length,
    driftedFeatures: drifted,
  };
}

function compareSides(
  names: readonly string[],
  reference: (name: string) => Side | string,
  current: (name: string) => Side | string,
  options: DriftOptions,
  identities: { reference: ProfileIdentity; current: ProfileIdentity },
): DriftReport {
  const parsed = driftOptions.parse(options);
  const unknown = Object.keys(parsed.features).filter((f) => !names.includes(f));
  if (unknown.length) {
    throw new UserError(
      `The drift policy names ${unknown.map(quoted).join(', ')}, not a column of the reference data. Columns: ${names.map(quoted).join(', ')}.`,
    );
  }
  const features: FeatureDrift[] = [];
  const skipped: DriftReport['skipped'] = [];
  for (const name of names) {
    const ref = reference(name);
    const cur = current(name);
    if (typeof ref === 'string' || typeof cur === 'string') {
      skipped.push({ name, reason: typeof ref === 'string' ? ref : (cur as string) });
      continue;
    }
    features.push(compareFeature(name, ref, cur, parsed.features[name]));
  }
  return {
    format: DRIFT_REPORT_FORMAT,
    ...identities,
    dataset: datasetDrift(features, parsed.driftShare),
    features,
    skipped,
  };
}

/**
 * Drift between two data profiles, column by column. Every reference column must be in the
 * current profile (a missing one is an error that names it); extra current columns are ignored.
 */
export function driftBetweenProfiles(
  reference: DataProfile,
  current: DataProfile,
  options: DriftOptions = {},
): DriftReport {
  const currentColumns = new Map(current.columns.map((c) => [c.name, c]));
  const missing = reference.columns.filter((c) => !currentColumns.has(c.name)).map((c) => c.name);
  if (missing.length) {
    throw new UserError(
      `The current data has no column ${missing.map(quoted).join(', ')}, which the reference profile has. Monitor data with the reference's columns (the model's inputs); give a reference profile of the same columns; or, if the column is not an input of the model, give it its role in the training schema (ml: {role: id}, target or timestamp) or list it under monitor.drift.ignore in the policy.`,
    );
  }
  const referenceColumns = new Map(reference.columns.map((c) => [c.name, c]));
  return compareSides(
    reference.columns.map((c) => c.name),
    (name) => sideFromProfile(referenceColumns.get(name)!),
    (name) => sideFromProfile(currentColumns.get(name)!),
    options,
    { reference: identifyProfile(reference), current: identifyProfile(current) },
  );
}

export interface RawColumn {
  type: string;
  values: readonly (number | string | null)[];
}

/** The exact path: drift between raw columns (small data, and the oracle of the sketch path). */
export function driftBetweenColumns(
  reference: Readonly<Record<string, RawColumn>>,
  current: Readonly<Record<string, RawColumn>>,
  options: DriftOptions = {},
): DriftReport {
  const names = Object.keys(reference);
  const missing = names.filter((n) => !(n in current));
  if (missing.length) {
    throw new UserError(
      `The current data has no column ${missing.map(quoted).join(', ')}, which the reference has.`,
    );
  }
  const identity = (columns: Readonly<Record<string, RawColumn>>): ProfileIdentity => ({
    digest: digestOf(columns),
    rows: Math.max(0, ...Object.values(columns).map((c) => c.values.length)),
    sources: [],
  });
  return compareSides(
    names,
    (name) => sideFromValues(reference[name]!.type, reference[name]!.values),
    (name) => sideFromValues(current[name]!.type, current[name]!.values),
    options,
    { reference: identity(reference), current: identity(current) },
  );
}
