/**
 * The gate evaluator, pure: candidate and baseline values in, a status per metric and per
 * sliced metric, and one verdict out. compare-metrics and promote-model both call it, so a
 * model that passed on the pull request is judged by the same rules when it is promoted.
 *
 * Noise: with `inconclusive-within-ci`, a regression beyond tolerance whose baseline value lies
 * inside the candidate's confidence interval is `inconclusive` instead of `fail` (a warn-level
 * rule stays `warn`). Only regressions are softened this way: absolute bounds are judged on the
 * point value, and a required improvement must be shown, not merely not ruled out.
 * The verdict is the worst status: fail, then inconclusive, then warn, then pass.
 *
 * Notable changes: every metric and slice metric, gated or not, whose change is unlikely to be
 * noise: the baseline lies outside the candidate's confidence interval, or, where there is no
 * interval (or it has no width), the change exceeds NOTABLE_RELATIVE of the larger of the two
 * values. The policy's `notable-regressions` gives an ungated one its status (info by default);
 * a gated one is its gate's business and is not judged twice.
 */
import { metricDirection, type Direction } from '../metrics/direction.js';
import type { FairnessReport } from '../metrics/fairness-report.js';
import {
  measureKind,
  type FairnessRule,
  type GatePolicy,
  type Level,
  type MetricRule,
  type SliceRule,
} from './policy.js';

export type Verdict = 'pass' | 'warn' | 'inconclusive' | 'fail';
export type MetricStatus = Verdict | 'info' | 'added' | 'removed';

/** A metric as the evaluator takes it: a bare value, or a report entry with its CI and count. */
export type MetricInput =
  number | { readonly value: number; readonly ci?: readonly [number, number]; readonly n?: number };
/** slice name → metric name → value, as metrics reports carry them. */
type SliceInputs = Readonly<Record<string, Readonly<Record<string, MetricInput>>>>;

export interface GateOptions {
  /**
   * The candidate's slices; pass `{}` for a report without slices. Slice rules are judged only
   * when this is given, so a caller that has no slice data at all (metric values only) is not
   * failed by them.
   */
  candidateSlices?: SliceInputs;
  baselineSlices?: SliceInputs;
  /** Metrics the candidate's report lists as not computed, with the reason (its `skipped`). */
  candidateSkipped?: Readonly<Record<string, string>>;
  /**
   * The candidate's `fairness` section; pass `{}` for a report without one. Fairness rules are
   * judged only when this is given (as slice rules), so a caller without reports is not failed.
   */
  candidateFairness?: FairnessReport;
  baselineFairness?: FairnessReport;
}

/** One disparity measure of one sensitive attribute, candidate against production. */
export interface FairnessComparison {
  /** As evaluate-model's sensitive-features names it: `sex`, or `sex,age_band`. */
  attribute: string;
  /** Fairlearn's name: demographic_parity_ratio, equalized_odds_difference, ... */
  measure: string;
  /** null: the report has the measure, undefined (fewer than two groups qualify). */
  candidate?: number | null;
  candidateCi?: [number, number];
  baseline?: number | null;
  baselineCi?: [number, number];
  /** The group at the disadvantaged end, as the candidate's report names it. */
  worstGroup?: string;
  baselineWorstGroup?: string;
  rule?: string;
  status: MetricStatus;
  reasons: string[];
}

export interface MetricComparison {
  name: string;
  baseline?: number;
  candidate?: number;
  /** The candidate's confidence interval, when its report has one. */
  candidateCi?: [number, number];
  baselineCi?: [number, number];
  /** How many examples the candidate's value is computed on. */
  n?: number;
  /** candidate − baseline */
  delta?: number;
  /** delta / |baseline|; undefined when the baseline is 0 */
  deltaRelative?: number;
  /** The rule in words, e.g. "higher is better; ≥ 0.7; drop ≤ 0.02". */
  rule?: string;
  status: MetricStatus;
  /** Why the status is not pass, one sentence each. */
  reasons: string[];
  /** Why the candidate has no value, when its report says (e.g. ROC AUC with one class). */
  notComputed?: string;
}

export interface SliceValue {
  slice: string;
  value: number;
  ci?: [number, number];
  n?: number;
}

interface SliceRow {
  slice: string;
  candidate?: SliceValue;
  baseline?: SliceValue;
  /** Too few examples (below min-n) to be judged. */
  ignored: boolean;
}

/** One metric across the slices: its worst and best slice, and the slice rules' outcome. */
export interface SliceComparison {
  metric: string;
  rule?: string;
  status: MetricStatus;
  reasons: string[];
  worst?: SliceValue;
  best?: SliceValue;
  baselineWorst?: SliceValue;
  /** |best − worst| of the candidate's judged slices. */
  gap?: number;
  rows: SliceRow[];
}

/** A change beyond the noise, of a metric or of a metric on one slice. */
export interface NotableChange {
  metric: string;
  /** Set for a disparity measure: its sensitive attribute (`metric` is then the measure). */
  attribute?: string;
  /** Set for a metric on one slice. */
  slice?: string;
  baseline: number;
  candidate: number;
  /** candidate − baseline */
  delta: number;
  /** The candidate's confidence interval, when the change was judged by it. */
  ci?: [number, number];
  /** By the metric's better direction; `change` when neither its rule nor its name says which. */
  kind: 'regression' | 'improvement' | 'change';
  /** ci: the baseline lies outside the candidate's interval; relative: beyond NOTABLE_RELATIVE. */
  basis: 'ci' | 'relative';
  /** How far beyond the noise: |delta| over the interval's half width, or the relative change over NOTABLE_RELATIVE. */
  size: number;
  /** A rule of the policy judges this metric (its slices, for a slice): its gate decides, not this. */
  gated: boolean;
  /** The gate's status when gated; otherwise `notable-regressions` for a regression, else info. */
  status: MetricStatus;
}

export interface GateResult {
  verdict: Verdict;
  metrics: MetricComparison[];
  slices: SliceComparison[];
  /** The disparity measures of the candidate's sensitive attributes, gated or not. */
  fairness: FairnessComparison[];
  /** Worst first: regressions, improvements, then changes of unknown direction, each by size. */
  notable: NotableChange[];
  hasBaseline: boolean;
}

/** Without an interval, a change of more than this fraction of the larger value is notable. */
const NOTABLE_RELATIVE = 0.05;

/** Float noise (0.1 + 0.2) must not turn an exact limit into a failure. */
const EPSILON = 1e-12;

interface Entry {
  value: number;
  ci?: [number, number];
  n?: number;
}

function entry(input: MetricInput | undefined): Entry | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'number') return { value: input };
  return {
    value: input.value,
    ...(input.ci ? { ci: [input.ci[0], input.ci[1]] } : {}),
    ...(input.n !== undefined ? { n: input.n } : {}),
  };
}

export function evaluateGates(
  candidate: Readonly<Record<string, MetricInput>>,
  baseline: Readonly<Record<string, MetricInput>> | undefined,
  policy: GatePolicy,
  options: GateOptions = {},
): GateResult {
  const names = [
    ...new Set([
      ...Object.keys(policy.metrics),
      ...Object.keys(candidate),
      ...Object.keys(baseline ?? {}),
    ]),
  ];
  const hasBaseline = baseline !== undefined;
  const metrics = names.map((name) =>
    compareMetric(
      name,
      entry(candidate[name]),
      entry(baseline?.[name]),
      policy.metrics[name],
      policy,
      hasBaseline,
      options.candidateSkipped?.[name],
    ),
  );
  const slices = options.candidateSlices ? compareSlices(options, policy, hasBaseline) : [];
  const fairness = options.candidateFairness
    ? compareFairness(options.candidateFairness, options.baselineFairness, policy, hasBaseline)
    : [];
  const notable = notableChanges(metrics, slices, policy, fairness);
  return {
    verdict: overallVerdict([...metrics, ...slices, ...fairness, ...notable]),
    metrics,
    slices,
    fairness,
    notable,
    hasBaseline,
  };
}

/** The changes beyond the noise among the metrics and the judged slices; see the header. */
function notableChanges(
  metrics: readonly MetricComparison[],
  slices: readonly SliceComparison[],
  policy: Pick<GatePolicy, 'notable-regressions' | 'metrics'>,
  fairness: readonly FairnessComparison[] = [],
): NotableChange[] {
  const found: NotableChange[] = [];
  const direction = (metric: string): Direction | undefined =>
    (Object.hasOwn(policy.metrics, metric) ? policy.metrics[metric]?.direction : undefined) ??
    metricDirection(metric);
  const consider = (
    metric: string,
    slice: string | undefined,
    candidate: Entry | undefined,
    baseline: number | undefined,
    gate: { rule?: string; status: MetricStatus },
  ) => {
    if (candidate === undefined || baseline === undefined) return;
    const change = notable(candidate, baseline);
    if (!change) return;
    const better = direction(metric);
    const delta = candidate.value - baseline;
    const kind =
      better === undefined
        ? 'change'
        : delta > 0 === (better === 'higher')
          ? 'improvement'
          : 'regression';
    const gated = Boolean(gate.rule);
    found.push({
      metric,
      ...(slice === undefined ? {} : { slice }),
      baseline,
      candidate: candidate.value,
      delta,
      ...(change.basis === 'ci' ? { ci: candidate.ci! } : {}),
      kind,
      ...change,
      gated,
      status: gated ? gate.status : kind === 'regression' ? policy['notable-regressions'] : 'info',
    });
  };
  for (const m of metrics)
    if (m.candidate !== undefined)
      consider(m.name, undefined, { value: m.candidate, ci: m.candidateCi }, m.baseline, m);
  for (const s of slices)
    for (const row of s.rows)
      if (!row.ignored) consider(s.metric, row.slice, row.candidate, row.baseline?.value, s);
  // A disparity that grew beyond its interval is notable, gated or not: a difference is better
  // lower, a ratio higher.
  for (const f of fairness) {
    if (typeof f.candidate !== 'number' || typeof f.baseline !== 'number') continue;
    const change = notable({ value: f.candidate, ci: f.candidateCi }, f.baseline);
    if (!change) continue;
    const delta = f.candidate - f.baseline;
    const kind = delta > 0 === (measureKind(f.measure) === 'ratio') ? 'improvement' : 'regression';
    const gated = Boolean(f.rule);
    found.push({
      metric: f.measure,
      attribute: f.attribute,
      baseline: f.baseline,
      candidate: f.candidate,
      delta,
      ...(change.basis === 'ci' ? { ci: f.candidateCi! } : {}),
      kind,
      ...change,
      gated,
      status: gated ? f.status : kind === 'regression' ? policy['notable-regressions'] : 'info',
    });
  }
  const order = { regression: 0, improvement: 1, change: 2 };
  return found.sort(
    (a, b) =>
      order[a.kind] - order[b.kind] ||
      // Equal sizes up to float noise fall back to the names, so the order is stable.
      (Math.abs(b.size - a.size) > 1e-9 ? b.size - a.size : 0) ||
      a.metric.localeCompare(b.metric) ||
      (a.attribute ?? '').localeCompare(b.attribute ?? '') ||
      (a.slice ?? '').localeCompare(b.slice ?? ''),
  );
}

/** Whether a change is beyond the noise, and by how much; undefined when it is not. */
function notable(
  candidate: Entry,
  baseline: number,
): { basis: 'ci' | 'relative'; size: number } | undefined {
  const delta = candidate.value - baseline;
  if (Math.abs(delta) <= EPSILON) return undefined;
  const ci = candidate.ci;
  if (ci && ci[1] - ci[0] > EPSILON) {
    if (within(ci, baseline)) return undefined;
    return { basis: 'ci', size: Math.abs(delta) / ((ci[1] - ci[0]) / 2) };
  }
  const relative = Math.abs(delta) / Math.max(Math.abs(candidate.value), Math.abs(baseline));
  return relative > NOTABLE_RELATIVE + EPSILON
    ? { basis: 'relative', size: relative / NOTABLE_RELATIVE }
    : undefined;
}

/**
 * What fails, in plain words, one entry per metric, sliced metric or notable regression whose
 * status is fail: the reasons a refused promotion gives.
 */
export function failures(result: GateResult): string[] {
  return [
    ...result.metrics
      .filter((m) => m.status === 'fail')
      .map((m) => `${m.name}: ${m.reasons.join('; ')}`),
    ...result.slices
      .filter((s) => s.status === 'fail')
      .map((s) => `${s.metric} by slice: ${s.reasons.join('; ')}`),
    ...(result.fairness ?? [])
      .filter((f) => f.status === 'fail')
      .map((f) => `${fairnessName(f)}: ${f.reasons.join('; ')}`),
    ...result.notable
      .filter((n) => !n.gated && n.status === 'fail')
      .map((n) => `${describeNotable(n)} (notable-regressions: fail)`),
  ];
}

/** A notable change in plain words, for annotations; the comment renders its own. */
export function describeNotable(change: NotableChange): string {
  const what =
    change.attribute !== undefined
      ? `${change.metric} for "${change.attribute}"`
      : change.slice === undefined
        ? change.metric
        : `${change.metric} on slice "${change.slice}"`;
  const verb =
    change.kind === 'regression'
      ? 'regressed'
      : change.kind === 'improvement'
        ? 'improved'
        : 'changed';
  const noise =
    change.basis === 'ci'
      ? `outside the candidate's confidence interval ${interval(change.ci!)}`
      : `more than ${percent(NOTABLE_RELATIVE)}`;
  return `${what} ${verb} from ${format(change.baseline)} to ${format(change.candidate)} (${change.delta >= 0 ? '+' : ''}${format(change.delta)}), ${noise}${change.gated ? '' : ', without a gate'}`;
}

function compareMetric(
  name: string,
  cand: Entry | undefined,
  base: Entry | undefined,
  rule: MetricRule | undefined,
  policy: GatePolicy,
  hasBaseline: boolean,
  notComputed: string | undefined,
): MetricComparison {
  const comparison: MetricComparison = {
    name,
    candidate: cand?.value,
    baseline: base?.value,
    status: 'pass',
    reasons: [],
  };
  if (cand === undefined && notComputed !== undefined) comparison.notComputed = notComputed;
  if (cand?.ci) comparison.candidateCi = cand.ci;
  if (base?.ci) comparison.baselineCi = base.ci;
  if (cand?.n !== undefined) comparison.n = cand.n;
  if (cand !== undefined && base !== undefined) {
    comparison.delta = cand.value - base.value;
    comparison.deltaRelative =
      base.value === 0 ? undefined : (cand.value - base.value) / Math.abs(base.value);
  }
  if (!rule) {
    comparison.status =
      cand === undefined ? 'removed' : base === undefined && hasBaseline ? 'added' : 'info';
    return comparison;
  }
  comparison.rule = describeRule(rule);
  if (cand === undefined)
    return flag(
      comparison,
      rule.level,
      notComputed !== undefined
        ? `not computed: ${notComputed}`
        : 'the candidate does not report this gated metric',
    );

  if (rule.min !== undefined && cand.value < rule.min - EPSILON)
    flag(comparison, rule.level, `${format(cand.value)} is below the minimum ${format(rule.min)}`);
  if (rule.max !== undefined && cand.value > rule.max + EPSILON)
    flag(comparison, rule.level, `${format(cand.value)} is above the maximum ${format(rule.max)}`);

  const needsBaseline =
    rule['max-regression'] !== undefined ||
    rule['max-regression-relative'] !== undefined ||
    rule['min-improvement'] !== undefined;
  if (needsBaseline && base === undefined)
    return missingBaseline(
      comparison,
      rule.level,
      policy,
      hasBaseline
        ? 'the baseline does not report this metric'
        : 'there is no baseline to compare with',
    );
  if (base === undefined) return comparison;

  const better = rule.direction === 'higher' ? 1 : -1;
  const improvement = (cand.value - base.value) * better;
  const regression = -improvement;
  const noisy = inconclusiveAllowed(rule, policy) && within(cand.ci, base.value);
  const regressed = (reason: string) =>
    noisy
      ? flag(
          comparison,
          softened(rule.level),
          `${reason}, but the baseline lies inside the candidate's confidence interval ${interval(cand.ci!)}`,
        )
      : flag(comparison, rule.level, reason);
  const maxDrop = rule['max-regression'];
  if (maxDrop !== undefined && regression > maxDrop + EPSILON)
    regressed(`it got worse by ${format(regression)}, more than the tolerated ${format(maxDrop)}`);
  const maxRelative = rule['max-regression-relative'];
  if (
    maxRelative !== undefined &&
    base.value !== 0 &&
    regression / Math.abs(base.value) > maxRelative + EPSILON
  ) {
    regressed(
      `it got worse by ${percent(regression / Math.abs(base.value))}, more than the tolerated ${percent(maxRelative)}`,
    );
  }
  const minGain = rule['min-improvement'];
  if (minGain !== undefined && improvement < minGain - EPSILON)
    flag(
      comparison,
      rule.level,
      `it improved by ${format(improvement)}, less than the required ${format(minGain)}`,
    );
  return comparison;
}

/** Slices of every metric the candidate reports by slice, judged where the policy has slice rules. */
function compareSlices(
  options: GateOptions,
  policy: GatePolicy,
  hasBaseline: boolean,
): SliceComparison[] {
  const candidate = options.candidateSlices ?? {};
  const baseline = options.baselineSlices ?? {};
  const metricNames = new Set<string>();
  for (const bySlice of Object.values(candidate))
    for (const name of Object.keys(bySlice)) metricNames.add(name);
  for (const [name, rule] of Object.entries(policy.metrics)) if (rule.slices) metricNames.add(name);
  return [...metricNames].map((metric) =>
    compareSlicesOf(metric, candidate, baseline, policy.metrics[metric], policy, hasBaseline),
  );
}

function sliceValues(slices: SliceInputs, metric: string): SliceValue[] {
  const values: SliceValue[] = [];
  for (const [slice, metrics] of Object.entries(slices)) {
    const found = entry(metrics[metric]);
    if (found) values.push({ slice, ...found });
  }
  return values;
}

function compareSlicesOf(
  metric: string,
  candidateSlices: SliceInputs,
  baselineSlices: SliceInputs,
  rule: MetricRule | undefined,
  policy: GatePolicy,
  hasBaseline: boolean,
): SliceComparison {
  const sliceRule = rule?.slices;
  const minN = sliceRule?.['min-n'] ?? 0;
  const judged = (value: SliceValue) => value.n === undefined || value.n >= minN;
  const candidate = sliceValues(candidateSlices, metric);
  const baseline = sliceValues(baselineSlices, metric);
  const names = [...new Set([...candidate.map((v) => v.slice), ...baseline.map((v) => v.slice)])];
  const rows: SliceRow[] = names.map((slice) => {
    const cand = candidate.find((v) => v.slice === slice);
    return {
      slice,
      candidate: cand,
      baseline: baseline.find((v) => v.slice === slice),
      ignored: cand !== undefined && !judged(cand),
    };
  });
  const result: SliceComparison = {
    metric,
    status: sliceRule ? 'pass' : 'info',
    reasons: [],
    rows,
  };
  const direction = rule?.direction ?? 'higher';
  const [worst, best] = extremes(candidate.filter(judged), direction);
  const [baselineWorst] = extremes(baseline.filter(judged), direction);
  if (worst) result.worst = worst;
  if (best) result.best = best;
  if (baselineWorst) result.baselineWorst = baselineWorst;
  if (worst && best) result.gap = Math.abs(best.value - worst.value);
  if (!rule || !sliceRule) return result;

  result.rule = describeSliceRule(sliceRule);
  const level = sliceRule.level ?? rule.level;
  if (!worst || !best)
    return flag(
      result,
      level,
      candidate.length
        ? `no slice has at least ${minN} examples to judge`
        : 'the candidate reports no slices for this metric',
    );

  const names3 = (values: SliceValue[]) =>
    values
      .slice(0, 3)
      .map((v) => `"${v.slice}" (${format(v.value)})`)
      .join(', ') + (values.length > 3 ? ` and ${values.length - 3} more` : '');
  const { min, max } = sliceRule;
  const below =
    min === undefined ? [] : candidate.filter((v) => judged(v) && v.value < min - EPSILON);
  const above =
    max === undefined ? [] : candidate.filter((v) => judged(v) && v.value > max + EPSILON);
  if (below.length)
    flag(
      result,
      level,
      `${below.length === 1 ? 'slice' : 'slices'} ${names3(below)} below the minimum ${format(min!)}`,
    );
  if (above.length)
    flag(
      result,
      level,
      `${above.length === 1 ? 'slice' : 'slices'} ${names3(above)} above the maximum ${format(max!)}`,
    );
  const maxGap = sliceRule['max-gap'];
  if (maxGap !== undefined && result.gap! > maxGap + EPSILON) {
    flag(
      result,
      level,
      `the best slice "${best.slice}" and the worst "${worst.slice}" lie ${format(result.gap!)} apart, more than the tolerated ${format(maxGap)}`,
    );
  }
  const maxDrop = sliceRule['max-regression'];
  if (maxDrop !== undefined) {
    if (!baselineWorst)
      return missingBaseline(
        result,
        level,
        policy,
        hasBaseline
          ? 'the baseline reports no slices for this metric'
          : 'there is no baseline to compare with',
      );
    const regression = (baselineWorst.value - worst.value) * (direction === 'higher' ? 1 : -1);
    if (regression > maxDrop + EPSILON) {
      const reason = `the worst slice "${worst.slice}" (${format(worst.value)}) is worse by ${format(regression)} than the baseline's worst "${baselineWorst.slice}" (${format(baselineWorst.value)}), more than the tolerated ${format(maxDrop)}`;
      if (inconclusiveAllowed(rule, policy) && within(worst.ci, baselineWorst.value))
        flag(
          result,
          softened(level),
          `${reason}, but that lies inside its confidence interval ${interval(worst.ci!)}`,
        );
      else flag(result, level, reason);
    }
  }
  return result;
}

/** The worst and the best value for the metric's direction. */
function extremes(
  values: readonly SliceValue[],
  direction: 'higher' | 'lower',
): [SliceValue | undefined, SliceValue | undefined] {
  if (!values.length) return [undefined, undefined];
  const sorted = [...values].sort(
    (a, b) =>
      (a.value - b.value) * (direction === 'higher' ? 1 : -1) || a.slice.localeCompare(b.slice),
  );
  return [sorted[0], sorted.at(-1)];
}

function inconclusiveAllowed(rule: MetricRule, policy: GatePolicy): boolean {
  return rule['inconclusive-within-ci'] ?? policy['inconclusive-within-ci'];
}

function within(ci: readonly [number, number] | undefined, value: number): boolean {
  return ci !== undefined && ci[0] - EPSILON <= value && value <= ci[1] + EPSILON;
}

/** A failing regression inside the noise is inconclusive; a warn or info rule keeps its level. */
function softened(level: Level): MetricStatus {
  return level === 'fail' ? 'inconclusive' : level;
}

function missingBaseline<T extends { status: MetricStatus; reasons: string[] }>(
  result: T,
  level: Level,
  policy: GatePolicy,
  why: string,
): T {
  const outcome = policy['on-missing-baseline'];
  if (outcome === 'pass') return result;
  return flag(
    result,
    outcome === 'fail' ? level : level === 'fail' ? 'warn' : level,
    `${why} (on-missing-baseline: ${outcome})`,
  );
}

/** How bad a status is, for the worst-first orderings of the judgement and the comment. */
export const SEVERITY: Record<MetricStatus, number> = {
  pass: 0,
  info: 0,
  added: 0,
  removed: 0,
  warn: 1,
  inconclusive: 2,
  fail: 3,
};

function flag<T extends { status: MetricStatus; reasons: string[] }>(
  result: T,
  status: MetricStatus,
  reason: string,
): T {
  result.reasons.push(reason);
  if (SEVERITY[status] >= SEVERITY[result.status] && status !== 'pass') result.status = status;
  return result;
}

export function overallVerdict(results: readonly { status: MetricStatus }[]): Verdict {
  for (const verdict of ['fail', 'inconclusive', 'warn'] as const)
    if (results.some((r) => r.status === verdict)) return verdict;
  return 'pass';
}

export function describeRule(rule: MetricRule): string {
  const parts = [`${rule.direction} is better`];
  if (rule.min !== undefined) parts.push(`≥ ${format(rule.min)}`);
  if (rule.max !== undefined) parts.push(`≤ ${format(rule.max)}`);
  // "drop" for higher-is-better, "rise" for lower-is-better: the word says which way is worse.
  const worse = rule.direction === 'higher' ? 'drop' : 'rise';
  if (rule['max-regression'] !== undefined)
    parts.push(`${worse} ≤ ${format(rule['max-regression'])}`);
  if (rule['max-regression-relative'] !== undefined)
    parts.push(`${worse} ≤ ${percent(rule['max-regression-relative'])}`);
  if (rule['min-improvement'] !== undefined)
    parts.push(`gain ≥ ${format(rule['min-improvement'])}`);
  if (rule.level !== 'fail') parts.push(`${rule.level} only`);
  return parts.join('; ');
}

export function describeSliceRule(rule: SliceRule): string {
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`every slice ≥ ${format(rule.min)}`);
  if (rule.max !== undefined) parts.push(`every slice ≤ ${format(rule.max)}`);
  if (rule['max-regression'] !== undefined)
    parts.push(`worst slice drop ≤ ${format(rule['max-regression'])}`);
  if (rule['max-gap'] !== undefined) parts.push(`best − worst ≤ ${format(rule['max-gap'])}`);
  if (rule['min-n']) parts.push(`slices with n ≥ ${rule['min-n']}`);
  if (rule.level && rule.level !== 'fail') parts.push(`${rule.level} only`);
  return parts.join('; ');
}

export function interval(ci: readonly [number, number]): string {
  return `[${format(ci[0])}, ${format(ci[1])}]`;
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/** A disparity measure in plain words: `demographic_parity_ratio for "sex"`. */
export function fairnessName(f: Pick<FairnessComparison, 'attribute' | 'measure'>): string {
  return `${f.measure} for "${f.attribute}"`;
}

/** The attribute's key as evaluate-model writes it: columns trimmed, joined by commas. */
function attributeKey(attribute: string): string {
  return attribute
    .split(',')
    .map((part) => part.trim())
    .join(',');
}

/**
 * Every disparity measure the candidate or production reports, and every one a rule names,
 * per attribute. Ungated measures are `info`; a rule on a measure or attribute the candidate
 * does not report, or on a measure it reports as undefined, is a finding at the rule's level.
 */
function compareFairness(
  candidate: FairnessReport,
  baseline: FairnessReport | undefined,
  policy: GatePolicy,
  hasBaseline: boolean,
): FairnessComparison[] {
  const rules = new Map<string, Record<string, FairnessRule>>();
  for (const [attribute, measures] of Object.entries(policy.fairness ?? {}))
    rules.set(attributeKey(attribute), measures);
  const attributes = [
    ...new Set([...Object.keys(candidate), ...Object.keys(baseline ?? {}), ...rules.keys()]),
  ];
  const comparisons: FairnessComparison[] = [];
  for (const attribute of attributes) {
    const cand = Object.hasOwn(candidate, attribute) ? candidate[attribute] : undefined;
    const base = baseline && Object.hasOwn(baseline, attribute) ? baseline[attribute] : undefined;
    const ruled = rules.get(attribute) ?? {};
    const measures = [
      ...new Set([
        ...Object.keys(cand?.measures ?? {}),
        ...Object.keys(base?.measures ?? {}),
        ...Object.keys(ruled),
      ]),
    ];
    for (const measure of measures) {
      const rule = Object.hasOwn(ruled, measure) ? ruled[measure] : undefined;
      const c = cand && Object.hasOwn(cand.measures, measure) ? cand.measures[measure] : undefined;
      const b = base && Object.hasOwn(base.measures, measure) ? base.measures[measure] : undefined;
      const comparison: FairnessComparison = {
        attribute,
        measure,
        status: rule ? 'pass' : 'info',
        reasons: [],
        ...(c ? { candidate: c.value } : {}),
        ...(c?.ci ? { candidateCi: [c.ci[0], c.ci[1]] as [number, number] } : {}),
        ...(c?.worstGroup !== undefined ? { worstGroup: c.worstGroup } : {}),
        ...(b ? { baseline: b.value } : {}),
        ...(b?.ci ? { baselineCi: [b.ci[0], b.ci[1]] as [number, number] } : {}),
        ...(b?.worstGroup !== undefined ? { baselineWorstGroup: b.worstGroup } : {}),
      };
      if (!rule) {
        if (!c) comparison.status = 'removed';
        else if (!b && hasBaseline && baseline) comparison.status = 'added';
        comparisons.push(comparison);
        continue;
      }
      comparison.rule = describeFairnessRule(rule);
      const reported = cand !== undefined ? 'yes' : Object.keys(candidate).length ? 'no' : 'never';
      comparisons.push(judgeFairness(comparison, rule, reported, policy, hasBaseline));
    }
  }
  return comparisons;
}

/** One rule on one measure, on the candidate's interval (the point value where it has none). */
function judgeFairness(
  comparison: FairnessComparison,
  rule: FairnessRule,
  /** never: the report has no fairness section at all (evaluated without sensitive-features). */
  attributeReported: 'yes' | 'no' | 'never',
  policy: GatePolicy,
  hasBaseline: boolean,
): FairnessComparison {
  const { level } = rule;
  const value = comparison.candidate;
  // A report without any fairness section (a plain metrics file, or evaluate-model without
  // sensitive-features) was never checked for bias: the comment says so at the top (render.ts),
  // but the verdict is left to the other rules, so that one policy can serve models evaluated
  // with and without sensitive features.
  if (attributeReported === 'never')
    return flag(
      comparison,
      'info',
      `not checked for bias: the candidate's metrics report has no fairness section (evaluate-model's sensitive-features would list "${comparison.attribute}")`,
    );
  if (attributeReported === 'no')
    return flag(
      comparison,
      level,
      `the candidate's metrics report has no fairness section for "${comparison.attribute}": list it in evaluate-model's sensitive-features`,
    );
  if (value === undefined)
    return flag(
      comparison,
      level,
      `the candidate's metrics report has no measure ${comparison.measure} for "${comparison.attribute}"`,
    );
  if (value === null)
    return flag(
      comparison,
      level,
      'undefined: fewer than two groups have enough rows (min-group-size) and the rates it compares',
    );
  // The interval as judged: it holds the point value too, whatever the bootstrap gave.
  const ci = comparison.candidateCi;
  const low = Math.min(value, ci?.[0] ?? value);
  const high = Math.max(value, ci?.[1] ?? value);
  const shown = ci ? `${format(value)} ${interval(ci)}` : format(value);
  // broken: the whole interval breaks the rule; kept: the whole interval keeps it; neither: it
  // straddles the limit, and the data cannot tell.
  const judge = (broken: boolean, kept: boolean, reason: string, limit: string) => {
    if (broken) flag(comparison, level, reason);
    else if (!kept)
      flag(
        comparison,
        softened(level),
        // Only an interval can straddle: without one, low = high = the value.
        `the interval ${interval(ci!)} straddles ${limit}: the data cannot tell whether the rule holds`,
      );
  };
  const minRatio = rule['min-ratio'];
  if (minRatio !== undefined)
    judge(
      high < minRatio - EPSILON,
      low >= minRatio - EPSILON,
      `${shown} is below the minimum ratio ${format(minRatio)}${minRatio === 0.8 ? ' (the four-fifths rule)' : ''}`,
      `the minimum ratio ${format(minRatio)}`,
    );
  const maxDifference = rule['max-difference'];
  if (maxDifference !== undefined)
    judge(
      low > maxDifference + EPSILON,
      high <= maxDifference + EPSILON,
      `${shown} is above the maximum difference ${format(maxDifference)}`,
      `the maximum difference ${format(maxDifference)}`,
    );
  const maxRegression = rule['max-regression'];
  if (maxRegression !== undefined) {
    const base = comparison.baseline;
    if (typeof base !== 'number')
      return missingBaseline(
        comparison,
        level,
        policy,
        !hasBaseline
          ? 'there is no baseline to compare with'
          : base === null
            ? "production's measure is undefined (fewer than two groups qualified)"
            : `production's metrics report has no ${comparison.measure} for "${comparison.attribute}"`,
      );
    // How much worse than production: a difference grows, a ratio falls.
    const ratio = measureKind(comparison.measure) === 'ratio';
    const worse = (x: number) => (ratio ? base - x : x - base);
    const least = Math.min(worse(low), worse(high));
    const most = Math.max(worse(low), worse(high));
    judge(
      least > maxRegression + EPSILON,
      most <= maxRegression + EPSILON,
      `${shown} is worse than production's ${format(base)} by ${format(worse(value))}, more than the tolerated ${format(maxRegression)}`,
      `production's ${format(base)} plus the tolerated ${format(maxRegression)}`,
    );
  }
  return comparison;
}

export function describeFairnessRule(rule: FairnessRule): string {
  const parts: string[] = [];
  if (rule['min-ratio'] !== undefined)
    parts.push(
      `ratio ≥ ${format(rule['min-ratio'])}${rule['min-ratio'] === 0.8 ? ' (four-fifths rule)' : ''}`,
    );
  if (rule['max-difference'] !== undefined)
    parts.push(`difference ≤ ${format(rule['max-difference'])}`);
  if (rule['max-regression'] !== undefined)
    parts.push(`worse than production by ≤ ${format(rule['max-regression'])}`);
  parts.push('judged on the interval');
  if (rule.level !== 'fail') parts.push(`${rule.level} only`);
  return parts.join('; ');
}
