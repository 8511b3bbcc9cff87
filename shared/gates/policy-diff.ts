/**
 * What a pull request changes in the gate policy, rule by rule, and whether each change makes
 * the gates more lenient. compare-metrics judges a pull request by the base branch's policy and
 * shows these changes in the comment ("this PR loosens `accuracy` max-regression from 0.02 to
 * 0.2"), so that a reviewer sees a loosened gate before it applies.
 */
import { z } from 'zod';
import {
  describeFairnessRule,
  describeRule,
  describeSliceRule,
  fairnessName,
  format,
} from './judge.js';
import type { FairnessRule, GatePolicy, MetricRule, SliceRule } from './policy.js';

const CHANGE_KINDS = ['loosens', 'tightens', 'adds', 'removes', 'changes'] as const;

/**
 * One change, as data (it is stored in the comparison document, which a fork's run may have
 * written, so every field is rendered escaped). `rule` is the key as written in the policy file
 * (`max-regression`, `slices.max-gap`); without it the metric's whole gate is added or removed.
 */
export const policyChangeSchema = z.object({
  metric: z.string().optional(),
  rule: z.string().optional(),
  kind: z.enum(CHANGE_KINDS),
  effect: z.enum(['looser', 'stricter', 'other']),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type PolicyChange = z.output<typeof policyChangeSchema>;

type Value = number | string | boolean | undefined;

/** How lenient a value is: a larger number lets more through. Undefined: not comparable (direction). */
type Leniency = (value: Value) => number | undefined;

const upperBound: Leniency = (value) => (value === undefined ? Infinity : Number(value));
const lowerBound: Leniency = (value) => (value === undefined ? Infinity : -Number(value));
const LEVEL_LENIENCY: Record<string, number> = { fail: 0, warn: 1, info: 2 };
const MISSING_BASELINE_LENIENCY: Record<string, number> = { fail: 0, warn: 1, pass: 2 };

const METRIC_FIELDS: Record<string, Leniency> = {
  direction: () => undefined,
  min: lowerBound,
  max: upperBound,
  'max-regression': upperBound,
  'max-regression-relative': upperBound,
  'min-improvement': lowerBound,
  level: (value) => LEVEL_LENIENCY[String(value)],
  // Softens a failed regression inside the noise to "inconclusive"; unset inherits the policy's.
  'inconclusive-within-ci': (value) => (value === true ? 1 : value === false ? 0 : undefined),
};

const SLICE_FIELDS: Record<string, Leniency> = {
  min: lowerBound,
  max: upperBound,
  'max-regression': upperBound,
  'max-gap': upperBound,
  // Slices with fewer examples are not judged: a larger min-n judges fewer slices.
  'min-n': (value) => (value === undefined ? 0 : Number(value)),
  level: (value) => (value === undefined ? undefined : LEVEL_LENIENCY[String(value)]),
};

/**
 * The changes from `base` to `proposed`; undefined stands for no policy file (nothing gated).
 * Metrics in the order the files name them, base first.
 */
export function diffPolicies(
  base: GatePolicy | undefined,
  proposed: GatePolicy | undefined,
): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const before = base?.metrics ?? {};
  const after = proposed?.metrics ?? {};
  if (base && proposed) {
    changes.push(
      ...fieldChanges(
        undefined,
        '',
        { 'on-missing-baseline': base['on-missing-baseline'] },
        { 'on-missing-baseline': proposed['on-missing-baseline'] },
        { 'on-missing-baseline': (v) => MISSING_BASELINE_LENIENCY[String(v)] },
      ),
    );
    changes.push(
      ...fieldChanges(
        undefined,
        '',
        { 'inconclusive-within-ci': base['inconclusive-within-ci'] },
        { 'inconclusive-within-ci': proposed['inconclusive-within-ci'] },
        { 'inconclusive-within-ci': METRIC_FIELDS['inconclusive-within-ci']! },
      ),
    );
    changes.push(
      ...fieldChanges(
        undefined,
        '',
        { 'notable-regressions': base['notable-regressions'] },
        { 'notable-regressions': proposed['notable-regressions'] },
        { 'notable-regressions': METRIC_FIELDS.level! },
      ),
    );
  }
  for (const metric of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = Object.hasOwn(before, metric) ? before[metric] : undefined;
    const to = Object.hasOwn(after, metric) ? after[metric] : undefined;
    if (!from && to)
      changes.push({ metric, kind: 'adds', effect: 'stricter', to: describeWhole(to) });
    else if (from && !to)
      changes.push({ metric, kind: 'removes', effect: 'looser', from: describeWhole(from) });
    else if (from && to)
      changes.push(
        ...metricChanges(metric, from, to, [
          base?.['inconclusive-within-ci'] ?? false,
          proposed?.['inconclusive-within-ci'] ?? false,
        ]),
      );
  }
  changes.push(...fairnessChanges(base?.fairness ?? {}, proposed?.fairness ?? {}));
  return changes;
}

const FAIRNESS_FIELDS: Record<string, Leniency> = {
  'min-ratio': lowerBound,
  'max-difference': upperBound,
  'max-regression': upperBound,
  level: (value) => LEVEL_LENIENCY[String(value)],
};

type FairnessRules = NonNullable<GatePolicy['fairness']>;

/** The fairness rules' changes, each named `<measure> for <attribute>` as the comment names it. */
function fairnessChanges(before: FairnessRules, after: FairnessRules): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const rules = (policy: FairnessRules) => {
    const all = new Map<string, FairnessRule>();
    for (const [attribute, measures] of Object.entries(policy))
      for (const [measure, rule] of Object.entries(measures))
        all.set(fairnessName({ attribute, measure }), rule);
    return all;
  };
  const from = rules(before);
  const to = rules(after);
  for (const name of new Set([...from.keys(), ...to.keys()])) {
    const was = from.get(name);
    const now = to.get(name);
    if (!was && now)
      changes.push({
        metric: name,
        kind: 'adds',
        effect: 'stricter',
        to: describeFairnessRule(now),
      });
    else if (was && !now)
      changes.push({
        metric: name,
        kind: 'removes',
        effect: 'looser',
        from: describeFairnessRule(was),
      });
    else if (was && now) changes.push(...fieldChanges(name, '', was, now, FAIRNESS_FIELDS));
  }
  return changes;
}

function describeWhole(rule: MetricRule): string {
  return rule.slices
    ? `${describeRule(rule)}; by slice: ${describeSliceRule(rule.slices)}`
    : describeRule(rule);
}

/** `inherited`: the policies' own `inconclusive-within-ci`, which a metric without one follows. */
function metricChanges(
  metric: string,
  from: MetricRule,
  to: MetricRule,
  inherited: [boolean, boolean],
): PolicyChange[] {
  const changes = fieldChanges(metric, '', from, to, METRIC_FIELDS);
  const softening = changes.find((change) => change.rule === 'inconclusive-within-ci');
  if (softening) {
    const was = from['inconclusive-within-ci'] ?? inherited[0];
    const now = to['inconclusive-within-ci'] ?? inherited[1];
    softening.effect = was === now ? 'other' : now ? 'looser' : 'stricter';
  }
  if (!from.slices && to.slices)
    changes.push({
      metric,
      rule: 'slices',
      kind: 'adds',
      effect: 'stricter',
      to: describeSliceRule(to.slices),
    });
  else if (from.slices && !to.slices)
    changes.push({
      metric,
      rule: 'slices',
      kind: 'removes',
      effect: 'looser',
      from: describeSliceRule(from.slices),
    });
  else if (from.slices && to.slices) {
    // An unset slice level is the metric's level.
    const level = (slices: SliceRule, rule: MetricRule) => ({
      ...slices,
      level: slices.level ?? rule.level,
    });
    changes.push(
      ...fieldChanges(
        metric,
        'slices.',
        level(from.slices, from),
        level(to.slices, to),
        SLICE_FIELDS,
      ),
    );
  }
  return changes;
}

function fieldChanges(
  metric: string | undefined,
  prefix: string,
  from: object,
  to: object,
  fields: Record<string, Leniency>,
): PolicyChange[] {
  const changes: PolicyChange[] = [];
  for (const [key, leniency] of Object.entries(fields)) {
    const before = (from as Record<string, Value>)[key];
    const after = (to as Record<string, Value>)[key];
    if (before === after) continue;
    const was = leniency(before);
    const now = leniency(after);
    const effect =
      was === undefined || now === undefined || was === now
        ? 'other'
        : now > was
          ? 'looser'
          : 'stricter';
    const kind =
      before === undefined
        ? 'adds'
        : after === undefined
          ? 'removes'
          : effect === 'looser'
            ? 'loosens'
            : effect === 'stricter'
              ? 'tightens'
              : 'changes';
    changes.push({
      ...(metric === undefined ? {} : { metric }),
      rule: `${prefix}${key}`,
      kind,
      effect,
      ...(before === undefined ? {} : { from: show(before) }),
      ...(after === undefined ? {} : { to: show(after) }),
    });
  }
  return changes;
}

function show(value: Exclude<Value, undefined>): string {
  return typeof value === 'number' ? format(value) : String(value);
}

/** True when a change lets a candidate through that the base policy would stop. */
export function loosens(changes: readonly PolicyChange[]): boolean {
  return changes.some((change) => change.effect === 'looser');
}

/**
 * One change in words. `name` renders a metric name and `value` a rule or value (both come
 * from files, so a Markdown caller passes escaping functions; a plain-text caller may quote).
 */
export function describeChange(
  change: PolicyChange,
  render: { name: (text: string) => string; value: (text: string) => string },
): string {
  const subject = change.metric === undefined ? '' : `${render.name(change.metric)} `;
  const effect = change.effect === 'other' ? '' : ` (${change.effect})`;
  if (change.rule === undefined) {
    return change.kind === 'adds'
      ? `adds a gate on ${subject}(${render.value(change.to ?? '')})`
      : `removes the gate on ${subject}(${render.value(change.from ?? '')})${effect}`;
  }
  const rule = render.value(change.rule);
  switch (change.kind) {
    case 'adds':
      return `adds ${subject}${rule} ${render.value(change.to ?? '')}${effect}`;
    case 'removes':
      return `removes ${subject}${rule} ${render.value(change.from ?? '')}${effect}`;
    default:
      return `${change.kind} ${subject}${rule} from ${render.value(change.from ?? '')} to ${render.value(change.to ?? '')}`;
  }
}
