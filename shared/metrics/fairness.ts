/**
 * Bias across groups of people, measured as fairlearn measures it (fairness-measures.ts names
 * the fairlearn files and version each definition comes from): per sensitive attribute (a
 * column, or the intersection of several), each group's rows, weight, rates and headline
 * metrics, and the disparity measures between the groups of at least `minGroupSize` rows.
 *
 * Intervals come from the same seeded Poisson bootstrap as every other metric (bootstrap.ts):
 * resample r gives every row the same Poisson(1) count as the whole set's resample r. Those
 * counts are independent per row, so each group is resampled within itself, from its own rows
 * only, whatever the size of the others: a group of 40 beside one of 4,000 keeps about its 40
 * rows in every resample (a Poisson(40) count of them), where a bootstrap drawing n rows from
 * the whole file would give it anything from 25 to 55. Rates are ratios, so a group's resampled
 * size scales nothing. A resample in which a compared group drew no row a rate needs leaves that
 * measure undefined for the resample (as every metric's bootstrap does).
 *
 * Cost: one pass over the rows per resample adding each row's count (times its weight) to its
 * cell (fairness-groups.ts), whatever the number of attributes; the rest is per cell and group.
 */
import { UserError } from '../action/errors.js';
import { quoteValue } from '../identifiers.js';
import { percentileInterval, type BootstrapOptions } from './bootstrap.js';
import { MAX_REPORTED_CLASSES, type PredictionSet } from './compute.js';
import {
  attributeGroups,
  cellsOf,
  type AttributeGroups,
  type Cells,
  type CodedColumn,
} from './fairness-groups.js';
import {
  emptyTallies,
  groupMetricNames,
  groupMetrics,
  meanPrediction,
  ratesOf,
  REGRESSION_ERROR_METRICS,
  REGRESSION_SUMS,
  spread,
  tallyGroups,
  type ClassGroupTallies,
  type GroupTallies,
  type Rates,
  type RegressionGroupTallies,
} from './fairness-measures.js';
import type {
  FairnessAttribute,
  FairnessGroup,
  FairnessMeasure,
  FairnessReport,
} from './fairness-report.js';
import { poissonAt, Xoshiro128 } from './random.js';

/** An attribute as the user wrote it (`sex`, or `sex,age_band`) and its columns. */
export interface SensitiveAttribute {
  name: string;
  columns: string[];
}

/** The columns a model's predictions file uses for other roles than a sensitive attribute. */
export interface ColumnRoles {
  label: string;
  prediction: string;
  scores?: readonly string[];
  weight?: string;
}

/** Most notes an attribute's report keeps (the rest are counted). */
const MAX_NOTES = 30;

/**
 * The attributes of the `sensitive-features` input: one a line, `a,b` for the intersection of
 * columns a and b. A column that is the label, the prediction, a score or the weight is refused:
 * a model's own inputs and outputs are not groups of people.
 */
export function parseSensitiveFeatures(
  lines: readonly string[],
  roles: ColumnRoles,
  input = 'sensitive-features',
): SensitiveAttribute[] {
  const attributes: SensitiveAttribute[] = [];
  const role = new Map<string, string>([
    [roles.label, 'the label column ("label-column")'],
    [roles.prediction, 'the prediction column ("prediction-column")'],
    ...(roles.scores ?? []).map((c): [string, string] => [c, 'a score column ("score-columns")']),
    ...(roles.weight
      ? [[roles.weight, 'the weight column ("weight-column")'] as [string, string]]
      : []),
  ]);
  for (const line of lines) {
    const columns = line.split(',').map((part) => part.trim());
    if (columns.some((c) => c === ''))
      throw new UserError(
        `Input "${input}": the line ${quoteValue(line)} has an empty column name. Write one column a line, or columns joined by commas for their intersection (e.g. "sex,age_band").`,
      );
    if (new Set(columns).size !== columns.length)
      throw new UserError(
        `Input "${input}": the line ${quoteValue(line)} names a column twice. An intersection joins different columns (e.g. "sex,age_band").`,
      );
    for (const column of columns) {
      const is = role.get(column);
      if (is)
        throw new UserError(
          `Input "${input}": the column ${quoteValue(column)} is ${is}: the model's own label, predictions, scores and weights are not groups of people to compare it across. Name a column that records the attribute (e.g. sex or age_band).`,
        );
    }
    const name = columns.join(',');
    if (attributes.some((a) => a.name === name))
      throw new UserError(`Input "${input}": ${quoteValue(name)} is listed twice.`);
    attributes.push({ name, columns });
  }
  return attributes;
}

/** Every column the attributes read, each once, in order of first mention. */
export function sensitiveColumns(attributes: readonly SensitiveAttribute[]): string[] {
  return [...new Set(attributes.flatMap((a) => a.columns))];
}

export interface FairnessOptions {
  attributes: readonly SensitiveAttribute[];
  minGroupSize: number;
  /** The evaluation data's fingerprint (the report's evaluation.dataSha256). */
  dataSha256: string;
  /** The predictions file, for messages. */
  path: string;
  bootstrap?: BootstrapOptions;
}

/** A measure at an evaluation: its value and the groups at either end (indices; -1: none). */
interface MeasureValue {
  value: number;
  worst: number;
  best: number;
}

/** One measure of an attribute: which rates of which class, compared over which groups. */
interface MeasurePlan {
  name: string;
  kind: 'difference' | 'ratio';
  family:
    'demographic_parity' | 'equal_opportunity' | 'equalized_odds' | 'mean_prediction' | 'error';
  /** Classification: the class (index in the set's classes; -1 absent). Regression error: the metric's slot. */
  at: number;
  /** Groups compared by selection rate (or mean prediction, or error), TPR and FPR. */
  groups: number[];
  tprGroups: number[];
  fprGroups: number[];
}

/** An attribute's fixed frame: its groups, which take part in what, and its point tallies. */
interface AttributeFrame {
  attribute: SensitiveAttribute;
  groups: AttributeGroups;
  small: boolean[];
  tallies: GroupTallies;
  plans: MeasurePlan[];
  /** The classes whose one-vs-rest measures are reported (binary: the positive class). */
  classes: number[];
  notes: string[];
}

export function evaluateFairness(
  set: PredictionSet,
  columns: readonly CodedColumn[],
  options: FairnessOptions,
): FairnessReport {
  const rows = set.labels.length;
  const byName = new Map(columns.map((c) => [c.column, c]));
  const attributes = options.attributes.map((attribute) => {
    const groups = attributeGroups(
      attribute.name,
      attribute.columns.map((c) => byName.get(c)!),
      rows,
      options.path,
    );
    if (groups.names.length < 2)
      throw new UserError(
        `The sensitive feature ${quoteValue(attribute.name)} of "${options.path}": all ${rows} evaluated rows are in one group (${quoteValue(groups.names[0] ?? '')}), so there is nothing to compare. Name a column whose values differ across the rows, or leave it out of "sensitive-features".`,
      );
    return { attribute, groups };
  });
  const task = set.task;
  const k = task === 'regression' ? 0 : set.classes.length;
  const cells = cellsOf(
    attributes.map((a) => a.groups),
    task === 'regression' ? null : (i) => set.labels[i]! * k + set.predictions[i]!,
    task === 'regression' ? 1 : k * k,
    rows,
  );
  // Regression sums are taken around the mean label, so that r2's spread keeps its digits.
  const shift = task === 'regression' ? weightedMean(set.labels, set.weights) : 0;
  const width = task === 'regression' ? REGRESSION_SUMS : 1;
  const cellSums = new Float64Array(cells.count * width);
  sumCells(set, cells, -1, shift, cellSums);
  const positive = set.task === 'binary' ? set.classes.indexOf(set.positive!) : -1;
  const measured =
    set.task === 'binary'
      ? [positive]
      : set.task === 'multiclass'
        ? reportedClasses(set.labels, k)
        : [];
  const frames = attributes.map(({ attribute, groups }, a): AttributeFrame => {
    const tallies = emptyTallies(task, groups.names.length, k);
    tallyGroups(tallies, cells, a, cellSums);
    const small = [...groups.rows].map((r) => r < options.minGroupSize);
    const frame: AttributeFrame = {
      attribute,
      groups,
      small,
      tallies,
      plans: [],
      classes: measured,
      notes: [],
    };
    frame.plans = planMeasures(frame, set, options.minGroupSize);
    return frame;
  });
  const metricNames = groupMetricNames(task);
  // The point values, then each resample's, of every group metric and measure.
  const point = frames.map((frame) =>
    evaluateFrame(frame, frame.tallies, positive, shift, metricNames.length),
  );
  const intervals = options.bootstrap
    ? bootstrapFrames(set, cells, frames, positive, shift, metricNames.length, options.bootstrap)
    : undefined;
  // Keys are column names and values from the file: made own properties with fromEntries, so
  // that a group called "__proto__" is a group like any other, not an object's prototype.
  return Object.fromEntries(
    frames.map((frame, a) => [
      frame.attribute.name,
      attributeReport(frame, point[a]!, intervals?.[a], metricNames, positive, shift, options),
    ]),
  );
}

function weightedMean(values: Float64Array, weights: Float64Array | undefined): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    sum += w * values[i]!;
    weight += w;
  }
  return weight > 0 ? sum / weight : 0;
}

/** Multiclass: the classes whose measures are reported, the MAX_REPORTED_CLASSES with the most rows (in class order). */
function reportedClasses(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  const all = [...counts.keys()];
  if (k <= MAX_REPORTED_CLASSES) return all;
  return all
    .sort((a, b) => counts[b]! - counts[a]! || a - b)
    .slice(0, MAX_REPORTED_CLASSES)
    .sort((a, b) => a - b);
}

/**
 * Adds each row's weight (its sample weight, times its Poisson count in the resample keyed
 * `key`; -1: no resample) to its cell. Regression adds the six sums of fairness-measures.ts.
 */
function sumCells(
  set: PredictionSet,
  cells: Cells,
  key: number,
  shift: number,
  out: Float64Array,
): void {
  out.fill(0);
  const of = cells.of;
  const weights = set.weights;
  const n = of.length;
  if (set.task !== 'regression') {
    if (key === -1) {
      for (let i = 0; i < n; i++) out[of[i]!]! += weights ? weights[i]! : 1;
    } else if (weights) {
      // No branch on a count of 0 (a third of the rows, at random): adding 0 costs less than
      // the mispredicted branch.
      for (let i = 0; i < n; i++) out[of[i]!]! += poissonAt(key, i) * weights[i]!;
    } else {
      for (let i = 0; i < n; i++) out[of[i]!]! += poissonAt(key, i);
    }
    return;
  }
  const { labels, predictions } = set;
  for (let i = 0; i < n; i++) {
    const count = key === -1 ? 1 : poissonAt(key, i);
    const w = count * (weights ? weights[i]! : 1);
    const y = labels[i]! - shift;
    const error = predictions[i]! - labels[i]!;
    const at = of[i]! * REGRESSION_SUMS;
    out[at]! += w;
    out[at + 1]! += w * (predictions[i]! - shift);
    out[at + 2]! += w * Math.abs(error);
    out[at + 3]! += w * error * error;
    out[at + 4]! += w * y;
    out[at + 5]! += w * y * y;
  }
}

const CLASS_MEASURES = [
  ['demographic_parity', 'difference'],
  ['demographic_parity', 'ratio'],
  ['equalized_odds', 'difference'],
  ['equalized_odds', 'ratio'],
  ['equal_opportunity', 'difference'],
  ['equal_opportunity', 'ratio'],
] as const;

/** Which groups each measure compares, from the point tallies; notes for the groups left out. */
function planMeasures(
  frame: AttributeFrame,
  set: PredictionSet,
  minGroupSize: number,
): MeasurePlan[] {
  const { groups, small, tallies, notes } = frame;
  const names = groups.names;
  const g = names.length;
  const smallCount = small.filter(Boolean).length;
  if (smallCount)
    notes.push(
      `${smallCount} group${smallCount === 1 ? ' has' : 's have'} fewer than ${minGroupSize} rows: reported, left out of the measures.`,
    );
  const weighted = (i: number) =>
    tallies.task === 'regression' ? tallies.sums[i * REGRESSION_SUMS]! : tallies.total[i]!;
  const qualified: number[] = [];
  for (let i = 0; i < g; i++) {
    if (small[i]) continue;
    if (!(weighted(i) > 0)) {
      notes.push(
        `group ${quoteValue(names[i])} has no weight (every row weighs 0): left out of the measures.`,
      );
      continue;
    }
    qualified.push(i);
  }
  const plans: MeasurePlan[] = [];
  if (tallies.task === 'regression') {
    const plan = (name: string, family: MeasurePlan['family'], at: number): MeasurePlan => ({
      name,
      kind: 'difference',
      family,
      at,
      groups: qualified,
      tprGroups: [],
      fprGroups: [],
    });
    plans.push(plan('mean_prediction_difference', 'mean_prediction', -1));
    REGRESSION_ERROR_METRICS.forEach((metric) =>
      plans.push(
        plan(`${metric}_difference`, 'error', groupMetricNames('regression').indexOf(metric)),
      ),
    );
    return plans;
  }
  const rates: Rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
  const binary = set.task === 'binary';
  const classNames = set.task === 'regression' ? [] : set.classes;
  for (const c of frame.classes) {
    const suffix = binary ? '' : `[${classNames[c]}]`;
    const cls = quoteValue(classNames[c]);
    const tprGroups: number[] = [];
    const fprGroups: number[] = [];
    for (const i of qualified) {
      ratesOf(tallies, i, c, rates);
      const group = `group ${quoteValue(names[i])}`;
      if (Number.isNaN(rates.truePositive))
        notes.push(
          binary
            ? `${group} has no positive labels: no true positive rate; left out of equal_opportunity_* and the TPR half of equalized_odds_*.`
            : `${group} has no rows labelled ${cls}: no true positive rate for it; left out of equal_opportunity_*${suffix} and the TPR half of equalized_odds_*${suffix}.`,
        );
      else tprGroups.push(i);
      if (Number.isNaN(rates.falsePositive))
        notes.push(
          binary
            ? `${group} has no negative labels: no false positive rate; left out of the FPR half of equalized_odds_*.`
            : `${group} has no rows labelled other than ${cls}: no false positive rate for it; left out of the FPR half of equalized_odds_*${suffix}.`,
        );
      else fprGroups.push(i);
    }
    for (const [family, kind] of CLASS_MEASURES)
      plans.push({
        name: `${family}_${kind}${suffix}`,
        kind,
        family,
        at: c,
        groups: qualified,
        tprGroups,
        fprGroups,
      });
  }
  return plans;
}

interface FrameValues {
  /** [group × metrics + m]: each group's headline metrics (NaN: undefined). */
  metrics: Float64Array;
  measures: MeasureValue[];
}

/** The group metrics and measures of a frame under its current tallies. */
function evaluateFrame(
  frame: AttributeFrame,
  tallies: GroupTallies,
  positive: number,
  shift: number,
  metricCount: number,
): FrameValues {
  const { plans } = frame;
  const g = tallies.groups;
  const metrics = new Float64Array(g * metricCount);
  for (let i = 0; i < g; i++)
    groupMetrics(tallies, i, positive, metrics.subarray(i * metricCount, (i + 1) * metricCount));
  const measures: MeasureValue[] = [];
  if (tallies.task === 'regression') {
    const means = Float64Array.from({ length: g }, (_, i) => meanPrediction(tallies, i, shift));
    for (const plan of plans) {
      const values =
        plan.family === 'mean_prediction'
          ? means
          : Float64Array.from({ length: g }, (_, i) => metrics[i * metricCount + plan.at]!);
      const s = spread(values, plan.groups, plan.family === 'error');
      measures.push({ value: s.difference, worst: s.worst, best: s.best });
    }
    return { metrics, measures };
  }
  // Per measured class, the groups' rates, then its six measures.
  const rates: Rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
  const selection = new Float64Array(g);
  const tpr = new Float64Array(g);
  const fpr = new Float64Array(g);
  let ratesOfClass = Number.NaN;
  for (const plan of plans) {
    if (plan.at !== ratesOfClass) {
      ratesOfClass = plan.at;
      for (let i = 0; i < g; i++) {
        ratesOf(tallies, i, plan.at, rates);
        selection[i] = rates.selection;
        tpr[i] = rates.truePositive;
        fpr[i] = rates.falsePositive;
      }
    }
    measures.push(classMeasure(plan, selection, tpr, fpr));
  }
  return { metrics, measures };
}

function classMeasure(
  plan: MeasurePlan,
  selection: Float64Array,
  tpr: Float64Array,
  fpr: Float64Array,
): MeasureValue {
  const pick = (s: ReturnType<typeof spread>): MeasureValue => ({
    value: plan.kind === 'difference' ? s.difference : s.ratio,
    worst: s.worst,
    best: s.best,
  });
  if (plan.family === 'demographic_parity') return pick(spread(selection, plan.groups, false));
  if (plan.family === 'equal_opportunity') return pick(spread(tpr, plan.tprGroups, false));
  // equalized_odds, worst case of the TPR and the FPR halves that have two groups to compare
  // (pandas' max and min over the two skip a NaN half, as fairlearn's does).
  const halves = [
    plan.tprGroups.length >= 2 ? spread(tpr, plan.tprGroups, false) : undefined,
    plan.fprGroups.length >= 2 ? spread(fpr, plan.fprGroups, true) : undefined,
  ].filter((h) => h !== undefined);
  const none: MeasureValue = { value: Number.NaN, worst: -1, best: -1 };
  if (halves.length === 0) return none;
  // A half whose rate is undefined in a resample leaves the measure undefined there.
  if (halves.some((h) => Number.isNaN(h.difference))) return none;
  let chosen: MeasureValue = none;
  for (const half of halves) {
    const value = plan.kind === 'difference' ? half.difference : half.ratio;
    if (Number.isNaN(value)) continue;
    const better = plan.kind === 'difference' ? value > chosen.value : value < chosen.value;
    if (Number.isNaN(chosen.value) || better)
      chosen = { value, worst: half.worst, best: half.best };
  }
  return chosen;
}

/**
 * The percentile intervals of every group metric and measure, from the resamples of the
 * whole set's bootstrap (the same seed, so the same per-row counts); per frame, the group
 * metrics' and the measures' intervals (undefined where the quantity is undefined in half the
 * resamples or more).
 */
function bootstrapFrames(
  set: PredictionSet,
  cells: Cells,
  frames: readonly AttributeFrame[],
  positive: number,
  shift: number,
  metricCount: number,
  options: BootstrapOptions,
): { metrics: ([number, number] | undefined)[]; measures: ([number, number] | undefined)[] }[] {
  const resamples = options.resamples;
  const draws = frames.map((frame) => ({
    metrics: new Float64Array(frame.tallies.groups * metricCount * resamples),
    measures: new Float64Array(frame.plans.length * resamples),
  }));
  const random = new Xoshiro128(options.seed);
  const width = set.task === 'regression' ? REGRESSION_SUMS : 1;
  const cellSums = new Float64Array(cells.count * width);
  // Scratch tallies: the frames' own hold the point values the report is made from.
  const scratch = frames.map((frame) =>
    emptyTallies(
      set.task,
      frame.tallies.groups,
      set.task === 'regression' ? 0 : set.classes.length,
    ),
  );
  for (let r = 0; r < resamples; r++) {
    sumCells(set, cells, random.nextUint32(), shift, cellSums);
    frames.forEach((frame, a) => {
      tallyGroups(scratch[a]!, cells, a, cellSums);
      const values = evaluateFrame(frame, scratch[a]!, positive, shift, metricCount);
      const d = draws[a]!;
      for (let q = 0; q < values.metrics.length; q++)
        d.metrics[q * resamples + r] = values.metrics[q]!;
      values.measures.forEach((m, q) => (d.measures[q * resamples + r] = m.value));
    });
  }
  const intervals = (all: Float64Array, count: number) =>
    Array.from({ length: count }, (_, q) =>
      percentileInterval(all.subarray(q * resamples, (q + 1) * resamples), options.confidence),
    );
  return draws.map((d, a) => ({
    metrics: intervals(d.metrics, frames[a]!.tallies.groups * metricCount),
    measures: intervals(d.measures, frames[a]!.plans.length),
  }));
}

const definedOrNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

function attributeReport(
  frame: AttributeFrame,
  point: FrameValues,
  intervals: ReturnType<typeof bootstrapFrames>[number] | undefined,
  metricNames: readonly string[],
  positive: number,
  shift: number,
  options: FairnessOptions,
): FairnessAttribute {
  const { groups, tallies, small, plans } = frame;
  const names = groups.names;
  const report: [string, FairnessGroup][] = [];
  const rates: Rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
  names.forEach((name, i) => {
    const metrics: FairnessGroup['metrics'] = {};
    metricNames.forEach((metric, m) => {
      const q = i * metricNames.length + m;
      const value = point.metrics[q]!;
      if (Number.isNaN(value)) return;
      const ci = intervals?.metrics[q];
      metrics[metric] = ci ? { value, ci } : { value };
    });
    const group: FairnessGroup = {
      rows: groups.rows[i]!,
      weight:
        tallies.task === 'regression' ? tallies.sums[i * REGRESSION_SUMS]! : tallies.total[i]!,
      small: small[i]!,
      metrics,
    };
    if (tallies.task === 'binary') {
      ratesOf(tallies as ClassGroupTallies, i, positive, rates);
      group.baseRate = definedOrNull(rates.base);
      group.selectionRate = definedOrNull(rates.selection);
      group.truePositiveRate = definedOrNull(rates.truePositive);
      group.falsePositiveRate = definedOrNull(rates.falsePositive);
    } else if (tallies.task === 'regression') {
      const mean = meanPrediction(tallies as RegressionGroupTallies, i, shift);
      if (!Number.isNaN(mean)) group.meanPrediction = mean;
    }
    // Reordered so the counts and rates come before the metrics in the JSON.
    const { metrics: own, ...rest } = group;
    report.push([name, { ...rest, metrics: own }]);
  });
  const notes = [...frame.notes];
  const measures: Record<string, FairnessMeasure> = {};
  plans.forEach((plan, q) => {
    const value = point.measures[q]!;
    const compared =
      plan.family === 'equal_opportunity'
        ? plan.tprGroups
        : plan.family === 'equalized_odds'
          ? [...new Set([...plan.tprGroups, ...plan.fprGroups])].sort((a, b) => a - b)
          : plan.groups;
    const measure: FairnessMeasure = {
      value: definedOrNull(value.value),
      groups: compared.map((g) => names[g]!),
    };
    const ci = intervals?.measures[q];
    if (ci && measure.value !== null) measure.ci = ci;
    if (value.worst !== -1 && measure.value !== null) {
      measure.worstGroup = names[value.worst]!;
      measure.bestGroup = names[value.best]!;
    }
    if (measure.value === null)
      notes.push(
        compared.length < 2
          ? `${plan.name}: fewer than two groups qualify (${compared.length}), so there is nothing to compare.`
          : `${plan.name}: undefined, every compared group's rate is 0 (0 / 0).`,
      );
    measures[plan.name] = measure;
  });
  const kept =
    notes.length > MAX_NOTES
      ? [...notes.slice(0, MAX_NOTES - 1), `… and ${notes.length - MAX_NOTES + 1} more notes.`]
      : notes;
  return {
    columns: frame.attribute.columns,
    minGroupSize: options.minGroupSize,
    dataSha256: options.dataSha256,
    groups: Object.fromEntries(report),
    measures,
    notes: kept,
  };
}
