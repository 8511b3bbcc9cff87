/**
 * The gate evaluator, pure: candidate and baseline values in, a status per metric and one
 * verdict out. compare-metrics and promote-model both call it, so a model that passed on the
 * pull request is judged by the same rules when it is promoted.
 */
import type { GatePolicy, Level, MetricRule } from './policy.js';

export type Verdict = 'pass' | 'warn' | 'fail';
export type MetricStatus = Verdict | 'info' | 'added' | 'removed';

export interface MetricComparison {
  name: string;
  baseline?: number;
  candidate?: number;
  /** candidate − baseline */
  delta?: number;
  /** delta / |baseline|; undefined when the baseline is 0 */
  deltaRelative?: number;
  /** The rule in words, e.g. "higher is better; ≥ 0.7; drop ≤ 0.02". */
  rule?: string;
  status: MetricStatus;
  /** Why the status is not pass, one sentence each. */
  reasons: string[];
}

export interface GateResult {
  verdict: Verdict;
  metrics: MetricComparison[];
  hasBaseline: boolean;
}

/** Float noise (0.1 + 0.2) must not turn an exact limit into a failure. */
const EPSILON = 1e-12;

export function evaluateGates(candidate: Readonly<Record<string, number>>, baseline: Readonly<Record<string, number>> | undefined, policy: GatePolicy): GateResult {
  const names = [...new Set([...Object.keys(policy.metrics), ...Object.keys(candidate), ...Object.keys(baseline ?? {})])];
  const metrics = names.map((name) => compareMetric(name, candidate[name], baseline?.[name], policy.metrics[name], policy, baseline !== undefined));
  return { verdict: overallVerdict(metrics), metrics, hasBaseline: baseline !== undefined };
}

function compareMetric(name: string, cand: number | undefined, base: number | undefined, rule: MetricRule | undefined, policy: GatePolicy, hasBaseline: boolean): MetricComparison {
  const comparison: MetricComparison = { name, candidate: cand, baseline: base, status: 'pass', reasons: [] };
  if (cand !== undefined && base !== undefined) {
    comparison.delta = cand - base;
    comparison.deltaRelative = base === 0 ? undefined : (cand - base) / Math.abs(base);
  }
  if (!rule) {
    comparison.status = cand === undefined ? 'removed' : base === undefined && hasBaseline ? 'added' : 'info';
    return comparison;
  }
  comparison.rule = describeRule(rule);
  if (cand === undefined) return fail(comparison, rule.level, 'the candidate does not report this gated metric');

  const better = rule.direction === 'higher' ? 1 : -1;
  if (rule.min !== undefined && cand < rule.min - EPSILON) fail(comparison, rule.level, `${format(cand)} is below the minimum ${format(rule.min)}`);
  if (rule.max !== undefined && cand > rule.max + EPSILON) fail(comparison, rule.level, `${format(cand)} is above the maximum ${format(rule.max)}`);

  const needsBaseline = rule['max-regression'] !== undefined || rule['max-regression-relative'] !== undefined || rule['min-improvement'] !== undefined;
  if (needsBaseline && base === undefined) {
    const outcome = policy['on-missing-baseline'];
    const why = hasBaseline ? 'the baseline does not report this metric' : 'there is no baseline to compare with';
    if (outcome !== 'pass') fail(comparison, outcome === 'fail' ? rule.level : lesser(rule.level, 'warn'), `${why} (on-missing-baseline: ${outcome})`);
    return comparison;
  }
  if (base !== undefined) {
    const improvement = (cand - base) * better;
    const regression = -improvement;
    const maxDrop = rule['max-regression'];
    if (maxDrop !== undefined && regression > maxDrop + EPSILON) fail(comparison, rule.level, `it got worse by ${format(regression)}, more than the tolerated ${format(maxDrop)}`);
    const maxRelative = rule['max-regression-relative'];
    if (maxRelative !== undefined && base !== 0 && regression / Math.abs(base) > maxRelative + EPSILON) {
      fail(comparison, rule.level, `it got worse by ${percent(regression / Math.abs(base))}, more than the tolerated ${percent(maxRelative)}`);
    }
    const minGain = rule['min-improvement'];
    if (minGain !== undefined && improvement < minGain - EPSILON) fail(comparison, rule.level, `it improved by ${format(improvement)}, less than the required ${format(minGain)}`);
  }
  return comparison;
}

const SEVERITY: Record<MetricStatus, number> = { pass: 0, info: 0, added: 0, removed: 0, warn: 1, fail: 2 };

function fail(comparison: MetricComparison, level: Level, reason: string): MetricComparison {
  comparison.reasons.push(reason);
  const status: MetricStatus = level === 'info' ? 'info' : level;
  if (SEVERITY[status] >= SEVERITY[comparison.status]) comparison.status = status;
  return comparison;
}

function lesser(level: Level, cap: 'warn'): Level {
  return level === 'fail' ? cap : level;
}

function overallVerdict(metrics: readonly MetricComparison[]): Verdict {
  if (metrics.some((m) => m.status === 'fail')) return 'fail';
  if (metrics.some((m) => m.status === 'warn')) return 'warn';
  return 'pass';
}

export function describeRule(rule: MetricRule): string {
  const parts = [`${rule.direction} is better`];
  if (rule.min !== undefined) parts.push(`≥ ${format(rule.min)}`);
  if (rule.max !== undefined) parts.push(`≤ ${format(rule.max)}`);
  if (rule['max-regression'] !== undefined) parts.push(`drop ≤ ${format(rule['max-regression'])}`);
  if (rule['max-regression-relative'] !== undefined) parts.push(`drop ≤ ${percent(rule['max-regression-relative'])}`);
  if (rule['min-improvement'] !== undefined) parts.push(`gain ≥ ${format(rule['min-improvement'])}`);
  if (rule.level !== 'fail') parts.push(`${rule.level} only`);
  return parts.join('; ');
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
