/**
 * A window's status, pure: the drift reports, the quality of the data, and the performance
 * judged by the gate policy, read through the policy's `monitor:` section into findings and one
 * status. `degraded` when the performance or the selection-rate parity fails, `drifting` when the data or the predictions
 * drift (or quality fails, when the policy says it should), `healthy` otherwise.
 */
import { evaluateGates, type MetricInput } from '../gates/judge.js';
import type { GatePolicy } from '../gates/policy.js';
import type {
  MonitorFinding,
  JudgedMetric,
  MonitorFairness,
  MonitorPerformance,
  MonitorStatus,
} from './monitor-report.js';
import { fairnessFindings } from './fairness.js';
import type { MonitorPolicy } from './policy.js';
import type { DriftReport, FeatureDrift } from './report.js';

const LEVEL_ORDER = { fail: 0, warn: 1, info: 2 } as const;

export interface WindowFacts {
  drift: DriftReport;
  predictionDrift: DriftReport | null;
  validation?: { errors: number; warnings: number };
  performance: MonitorPerformance;
  fairness?: MonitorFairness;
}

export interface Assessment {
  status: MonitorStatus;
  /** Worst first. */
  findings: MonitorFinding[];
}

/** A share as the monitor's findings and tables write it: one decimal, so 0.0% and 0.4% differ. */
export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const quote = (name: string) => JSON.stringify(name);

export function assessWindow(facts: WindowFacts, policy: MonitorPolicy): Assessment {
  // Performance first: of two failures, a model doing worse matters more than data moving.
  const findings = [
    ...performanceFindings(facts.performance, policy),
    ...fairnessFindings(facts.fairness, policy),
    ...dataDrift(facts.drift, policy),
    ...predictionDrift(facts.predictionDrift, policy),
    ...dataQuality(facts, policy),
  ].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  const failing = findings.filter((f) => f.level === 'fail');
  // A model whose outputs treat groups unequally fails on what it does, as with performance.
  const status: MonitorStatus = failing.some(
    (f) => f.kind === 'performance' || f.kind === 'estimated-performance' || f.kind === 'fairness',
  )
    ? 'degraded'
    : failing.length
      ? 'drifting'
      : 'healthy';
  return { status, findings };
}

/** Drifted features, worst first: the furthest past its threshold, relative to the threshold. */
export function driftedWorstFirst(report: DriftReport): FeatureDrift[] {
  const excess = (f: FeatureDrift) =>
    f.test.measures === 'p-value'
      ? -Math.log10(Math.max(f.test.value, 1e-300) / f.test.threshold)
      : f.test.value / f.test.threshold;
  return report.features.filter((f) => f.test.drifted).sort((a, b) => excess(b) - excess(a));
}

function dataDrift(report: DriftReport, policy: MonitorPolicy): MonitorFinding[] {
  const { dataset } = report;
  if (!dataset.drifted) return [];
  const names = driftedWorstFirst(report).map((f) => quote(f.name));
  return [
    {
      kind: 'data-drift',
      level: policy.drift.level,
      message: `${dataset.driftedFeatures.length} of ${dataset.compared} features drift (${percent(dataset.share)}, the policy's limit is ${percent(dataset.driftShare)}): ${names.join(', ')}.`,
    },
  ];
}

function predictionDrift(report: DriftReport | null, policy: MonitorPolicy): MonitorFinding[] {
  if (!report) return [];
  return driftedWorstFirst(report).map((f) => ({
    kind: 'prediction-drift' as const,
    level: policy.predictions.level,
    feature: f.name,
    message: `The model's output ${quote(f.name)} drifts: ${f.test.name} ${f.test.measures === 'p-value' ? 'p-value' : 'distance'} ${f.test.value.toPrecision(3)} against a threshold of ${f.test.threshold}.`,
  }));
}

function dataQuality(facts: WindowFacts, policy: MonitorPolicy): MonitorFinding[] {
  const rules = policy.quality;
  const found: MonitorFinding[] = [];
  for (const feature of facts.drift.features) {
    if (feature.missing.change > rules['max-missing-increase'])
      found.push({
        kind: 'data-quality',
        level: rules.level,
        feature: feature.name,
        message: `${quote(feature.name)} is missing in ${percent(feature.missing.current)} of rows, up from ${percent(feature.missing.reference)} (the policy allows a rise of ${percent(rules['max-missing-increase'])}).`,
      });
    if (feature.outsideRange.share > rules['max-outside-range'])
      found.push({
        kind: 'data-quality',
        level: rules.level,
        feature: feature.name,
        message: `${percent(feature.outsideRange.share)} of ${quote(feature.name)} ${feature.kind === 'numeric' ? 'lies outside the range seen in training' : 'is in categories training never saw'} (the policy allows ${percent(rules['max-outside-range'])}).`,
      });
  }
  const validation = facts.validation;
  if (validation && validation.errors > 0)
    found.push({
      kind: 'validation',
      level: rules.level,
      message: `The window breaks its schema: ${validation.errors} error(s), ${validation.warnings} warning(s).`,
    });
  return found;
}

function performanceFindings(
  performance: MonitorPerformance,
  policy: MonitorPolicy,
): MonitorFinding[] {
  if (performance.source === 'none') return [];
  const kind = performance.source === 'labels' ? 'performance' : 'estimated-performance';
  const level =
    performance.source === 'labels'
      ? policy.performance.level
      : policy.performance['estimated-level'];
  return performance.metrics
    .filter((m) => m.status === 'fail' || m.status === 'warn')
    .map((m) => ({
      kind,
      // A warn-level rule stays a warning whatever the policy's level for failures.
      level: m.status === 'fail' ? level : level === 'info' ? 'info' : 'warn',
      feature: m.name,
      message: `${performance.source === 'labels' ? 'Measured' : 'Estimated'} ${m.name} ${m.value === undefined ? 'is missing' : m.value.toPrecision(4)}${m.ci ? ` (${m.ci[0].toPrecision(4)}–${m.ci[1].toPrecision(4)})` : ''}${m.baseline === undefined ? '' : ` against ${m.baseline.toPrecision(4)} at release`}: ${m.reasons.join(' ')}`,
    }));
}

/**
 * The window's metrics judged against those recorded with the deployed model, by the gate
 * policy's `metrics:` rules (the evaluator of pull requests and promotions). Only metrics the
 * window has are judged: a rule on a metric the window cannot give (a label-free estimate has
 * no log loss) is not a failure. An estimate is judged with `inconclusive-within-ci`, so only
 * a regression beyond its interval counts.
 */
export function judgePerformance(
  window: Readonly<Record<string, MetricInput>>,
  atRelease: Readonly<Record<string, number>> | undefined,
  policy: GatePolicy,
  estimated: boolean,
): { verdict: string; metrics: JudgedMetric[] } {
  const names = new Set(Object.keys(window));
  const pick = <T>(record: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => names.has(name)));
  const rules = pick(policy.metrics);
  const judged = evaluateGates(
    window,
    atRelease && pick(atRelease),
    {
      ...policy,
      'on-missing-baseline': 'pass',
      'notable-regressions': 'info',
      ...(estimated ? { 'inconclusive-within-ci': true } : {}),
      metrics: estimated
        ? Object.fromEntries(
            Object.entries(rules).map(([name, rule]) => [
              name,
              { ...rule, 'inconclusive-within-ci': true },
            ]),
          )
        : rules,
    },
    {},
  );
  return {
    verdict: judged.verdict,
    metrics: judged.metrics.map((m) => ({
      name: m.name,
      ...(m.candidate !== undefined ? { value: m.candidate } : {}),
      ...(m.candidateCi ? { ci: m.candidateCi } : {}),
      ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
      status: m.status,
      ...(m.rule ? { rule: m.rule } : {}),
      reasons: m.reasons,
    })),
  };
}
