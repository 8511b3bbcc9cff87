import { describe, expect, it } from 'vitest';
import { evaluateGates, failures } from '../../shared/gates/judge.js';
import { gatePolicySchema, type GatePolicy } from '../../shared/gates/policy.js';

const policy = (metrics: Record<string, unknown>, onMissing = 'warn'): GatePolicy =>
  gatePolicySchema.parse({ 'on-missing-baseline': onMissing, metrics });

describe('evaluateGates', () => {
  it.each([
    [
      'within tolerance',
      { accuracy: 0.79 },
      { accuracy: 0.8 },
      { direction: 'higher', 'max-regression': 0.02 },
      'pass',
    ],
    [
      'exactly at the tolerance (float noise ignored)',
      { accuracy: 0.7 },
      { accuracy: 0.72 },
      { direction: 'higher', 'max-regression': 0.02 },
      'pass',
    ],
    [
      'beyond tolerance',
      { accuracy: 0.77 },
      { accuracy: 0.8 },
      { direction: 'higher', 'max-regression': 0.02 },
      'fail',
    ],
    [
      'lower is better',
      { rmse: 1.1 },
      { rmse: 1.0 },
      { direction: 'lower', 'max-regression': 0.05 },
      'fail',
    ],
    [
      'lower is better, improving',
      { rmse: 0.9 },
      { rmse: 1.0 },
      { direction: 'lower', 'max-regression': 0.05 },
      'pass',
    ],
    [
      'relative tolerance',
      { rmse: 1.06 },
      { rmse: 1.0 },
      { direction: 'lower', 'max-regression-relative': 0.05 },
      'fail',
    ],
    [
      'required improvement missed',
      { accuracy: 0.805 },
      { accuracy: 0.8 },
      { direction: 'higher', 'min-improvement': 0.01 },
      'fail',
    ],
    [
      'below the absolute minimum',
      { accuracy: 0.69 },
      { accuracy: 0.6 },
      { direction: 'higher', min: 0.7 },
      'fail',
    ],
    [
      'above the absolute maximum',
      { latency: 12 },
      { latency: 9 },
      { direction: 'lower', max: 10 },
      'fail',
    ],
    [
      'a warn-level rule broken',
      { accuracy: 0.7 },
      { accuracy: 0.8 },
      { direction: 'higher', 'max-regression': 0.02, level: 'warn' },
      'warn',
    ],
    [
      'an info-level rule broken',
      { accuracy: 0.7 },
      { accuracy: 0.8 },
      { direction: 'higher', 'max-regression': 0.02, level: 'info' },
      'pass',
    ],
    [
      'a gated metric missing from the candidate',
      {},
      { accuracy: 0.8 },
      { direction: 'higher', min: 0.5 },
      'fail',
    ],
  ])('%s', (_case, candidate, baseline, rule, verdict) => {
    const name = Object.keys({ ...candidate, ...baseline })[0]!;
    expect(evaluateGates(candidate, baseline, policy({ [name]: rule })).verdict).toBe(verdict);
  });

  it.each([
    ['pass', 'pass'],
    ['warn', 'warn'],
    ['fail', 'fail'],
  ])('follows on-missing-baseline: %s', (onMissing, verdict) => {
    const result = evaluateGates(
      { accuracy: 0.9 },
      undefined,
      policy({ accuracy: { direction: 'higher', 'max-regression': 0.01 } }, onMissing),
    );
    expect(result.verdict).toBe(verdict);
    expect(result.hasBaseline).toBe(false);
  });

  it('still checks absolute bounds without a baseline', () => {
    expect(
      evaluateGates(
        { accuracy: 0.5 },
        undefined,
        policy({ accuracy: { direction: 'higher', min: 0.7 } }, 'pass'),
      ).verdict,
    ).toBe('fail');
  });

  it('shows deltas and the rule, and marks ungated metrics as added, removed or info', () => {
    const result = evaluateGates(
      { accuracy: 0.81, f1: 0.7 },
      { accuracy: 0.8, auc: 0.9 },
      policy({ accuracy: { direction: 'higher', min: 0.7, 'max-regression': 0.02 } }),
    );
    const byName = Object.fromEntries(result.metrics.map((m) => [m.name, m]));
    expect(byName.accuracy).toMatchObject({
      status: 'pass',
      rule: 'higher is better; ≥ 0.7; drop ≤ 0.02',
    });
    expect(byName.accuracy!.delta).toBeCloseTo(0.01, 12);
    expect(byName.accuracy!.deltaRelative).toBeCloseTo(0.0125, 12);
    expect(byName.f1!.status).toBe('added');
    expect(byName.auc!.status).toBe('removed');
  });

  it('explains every broken rule', () => {
    const result = evaluateGates(
      { accuracy: 0.6 },
      { accuracy: 0.8 },
      policy({ accuracy: { direction: 'higher', min: 0.7, 'max-regression': 0.1 } }),
    );
    expect(result.metrics[0]!.reasons).toEqual([
      '0.6 is below the minimum 0.7',
      'it got worse by 0.2, more than the tolerated 0.1',
    ]);
  });

  it('rejects a rule with min above max and unknown keys', () => {
    expect(
      gatePolicySchema.safeParse({ metrics: { a: { direction: 'higher', min: 2, max: 1 } } })
        .success,
    ).toBe(false);
    expect(
      gatePolicySchema.safeParse({ metrics: { a: { direction: 'higher', tolerance: 1 } } }).success,
    ).toBe(false);
    expect(gatePolicySchema.safeParse({ metrics: { a: { direction: 'up' } } }).success).toBe(false);
  });
});

describe('evaluateGates with confidence intervals (inconclusive-within-ci)', () => {
  const rule = { direction: 'higher', 'max-regression': 0.02 };
  const noisy = (onPolicy: boolean, metricRule: Record<string, unknown> = rule) =>
    gatePolicySchema.parse({
      'inconclusive-within-ci': onPolicy,
      metrics: { accuracy: metricRule },
    });

  it("is inconclusive when a regression beyond tolerance lies inside the candidate's CI", () => {
    const result = evaluateGates(
      { accuracy: { value: 0.75, ci: [0.7, 0.81] } },
      { accuracy: 0.8 },
      noisy(true),
    );
    expect(result.verdict).toBe('inconclusive');
    expect(result.metrics[0]).toMatchObject({ status: 'inconclusive', candidateCi: [0.7, 0.81] });
    expect(result.metrics[0]!.reasons).toEqual([
      "it got worse by 0.05, more than the tolerated 0.02, but the baseline lies inside the candidate's confidence interval [0.7, 0.81]",
    ]);
  });

  it('fails when the baseline lies outside the CI, when the report has no CI, or when the policy does not allow it', () => {
    expect(
      evaluateGates({ accuracy: { value: 0.75, ci: [0.72, 0.78] } }, { accuracy: 0.8 }, noisy(true))
        .verdict,
    ).toBe('fail');
    expect(evaluateGates({ accuracy: 0.75 }, { accuracy: 0.8 }, noisy(true)).verdict).toBe('fail');
    expect(
      evaluateGates({ accuracy: { value: 0.75, ci: [0.7, 0.81] } }, { accuracy: 0.8 }, noisy(false))
        .verdict,
    ).toBe('fail');
  });

  it('lets a metric override the policy either way', () => {
    expect(
      evaluateGates(
        { accuracy: { value: 0.75, ci: [0.7, 0.81] } },
        { accuracy: 0.8 },
        noisy(false, { ...rule, 'inconclusive-within-ci': true }),
      ).verdict,
    ).toBe('inconclusive');
    expect(
      evaluateGates(
        { accuracy: { value: 0.75, ci: [0.7, 0.81] } },
        { accuracy: 0.8 },
        noisy(true, { ...rule, 'inconclusive-within-ci': false }),
      ).verdict,
    ).toBe('fail');
  });

  it('never softens absolute bounds or a required improvement, and keeps a warn rule at warn', () => {
    const wide = { value: 0.6, ci: [0.5, 0.9] as [number, number] };
    expect(
      evaluateGates(
        { accuracy: wide },
        { accuracy: 0.8 },
        noisy(true, { direction: 'higher', min: 0.7 }),
      ).verdict,
    ).toBe('fail');
    expect(
      evaluateGates(
        { accuracy: { value: 0.805, ci: [0.7, 0.9] } },
        { accuracy: 0.8 },
        noisy(true, { direction: 'higher', 'min-improvement': 0.01 }),
      ).verdict,
    ).toBe('fail');
    expect(
      evaluateGates({ accuracy: wide }, { accuracy: 0.8 }, noisy(true, { ...rule, level: 'warn' }))
        .verdict,
    ).toBe('warn');
  });

  it('ranks the verdict fail > inconclusive > warn > pass', () => {
    const policy = gatePolicySchema.parse({
      'inconclusive-within-ci': true,
      metrics: { a: rule, b: { ...rule, level: 'warn' }, c: { direction: 'higher', min: 0.9 } },
    });
    const noisyA = { value: 0.75, ci: [0.7, 0.81] as [number, number] };
    expect(evaluateGates({ a: noisyA, b: 0.5, c: 0.95 }, { a: 0.8, b: 0.8 }, policy).verdict).toBe(
      'inconclusive',
    );
    expect(evaluateGates({ a: noisyA, b: 0.5, c: 0.5 }, { a: 0.8, b: 0.8 }, policy).verdict).toBe(
      'fail',
    );
    expect(evaluateGates({ a: 0.8, b: 0.5, c: 0.95 }, { a: 0.8, b: 0.8 }, policy).verdict).toBe(
      'warn',
    );
  });

  it('still takes plain numbers, as promote-model passes them', () => {
    const values: Record<string, number> = { accuracy: 0.79 };
    expect(evaluateGates(values, { accuracy: 0.8 }, noisy(true)).verdict).toBe('pass');
  });
});

describe('evaluateGates on slices', () => {
  const slices = (
    values: Record<string, number | { value: number; ci?: [number, number]; n?: number }>,
  ) => Object.fromEntries(Object.entries(values).map(([slice, v]) => [slice, { accuracy: v }]));
  const sliced = (sliceRule: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    gatePolicySchema.parse({
      ...extra,
      metrics: { accuracy: { direction: 'higher', slices: sliceRule } },
    });
  const candidateSlices = slices({ 'plan=basic': 0.7, 'plan=pro': 0.85, 'plan=team': 0.8 });
  const baselineSlices = slices({ 'plan=basic': 0.74, 'plan=pro': 0.84, 'plan=team': 0.8 });

  it('finds the worst and best slice and the gap between them', () => {
    const result = evaluateGates({ accuracy: 0.8 }, { accuracy: 0.8 }, sliced({ 'max-gap': 0.2 }), {
      candidateSlices,
      baselineSlices,
    });
    expect(result.verdict).toBe('pass');
    expect(result.slices).toHaveLength(1);
    const [accuracy] = result.slices;
    expect(accuracy).toMatchObject({
      metric: 'accuracy',
      status: 'pass',
      worst: { slice: 'plan=basic', value: 0.7 },
      best: { slice: 'plan=pro', value: 0.85 },
      baselineWorst: { slice: 'plan=basic', value: 0.74 },
    });
    expect(accuracy!.gap).toBeCloseTo(0.15, 12);
    expect(accuracy!.rows.map((r) => r.slice)).toEqual(['plan=basic', 'plan=pro', 'plan=team']);
  });

  it.each([
    [
      'a slice below the minimum',
      { min: 0.72 },
      'fail',
      'slice "plan=basic" (0.7) below the minimum 0.72',
    ],
    [
      'best and worst too far apart',
      { 'max-gap': 0.1 },
      'fail',
      'the best slice "plan=pro" and the worst "plan=basic" lie 0.15 apart, more than the tolerated 0.1',
    ],
    [
      'the worst slice dropping more than tolerated',
      { 'max-regression': 0.03 },
      'fail',
      'the worst slice "plan=basic" (0.7) is worse by 0.04 than the baseline\'s worst "plan=basic" (0.74), more than the tolerated 0.03',
    ],
    ['a warn-level slice rule', { 'max-regression': 0.03, level: 'warn' }, 'warn', undefined],
    ['the worst slice within tolerance', { 'max-regression': 0.05 }, 'pass', undefined],
  ])('judges %s', (_case, rule, verdict, reason) => {
    const result = evaluateGates({ accuracy: 0.8 }, { accuracy: 0.8 }, sliced(rule), {
      candidateSlices,
      baselineSlices,
    });
    expect(result.verdict).toBe(verdict);
    if (reason) expect(result.slices[0]!.reasons).toEqual([reason]);
  });

  it('ignores slices with fewer examples than min-n, and says so', () => {
    const tiny = slices({
      'plan=basic': { value: 0.2, n: 5 },
      'plan=pro': { value: 0.85, n: 500 },
      'plan=team': { value: 0.8, n: 400 },
    });
    const result = evaluateGates({ accuracy: 0.8 }, undefined, sliced({ min: 0.7, 'min-n': 30 }), {
      candidateSlices: tiny,
    });
    expect(result.verdict).toBe('pass');
    expect(result.slices[0]!.worst!.slice).toBe('plan=team');
    expect(result.slices[0]!.rows.find((r) => r.slice === 'plan=basic')!.ignored).toBe(true);
  });

  it("is inconclusive when the worst slice's drop lies inside its confidence interval", () => {
    const noisyCandidate = slices({
      'plan=basic': { value: 0.7, ci: [0.6, 0.78] },
      'plan=pro': 0.85,
    });
    const result = evaluateGates(
      { accuracy: 0.8 },
      { accuracy: 0.8 },
      sliced({ 'max-regression': 0.01 }, { 'inconclusive-within-ci': true }),
      { candidateSlices: noisyCandidate, baselineSlices },
    );
    expect(result.verdict).toBe('inconclusive');
  });

  it('fails a slice rule the candidate cannot be judged by (no slices), and follows on-missing-baseline for the baseline', () => {
    expect(
      evaluateGates({ accuracy: 0.8 }, { accuracy: 0.8 }, sliced({ min: 0.5 }), {
        candidateSlices: {},
      }).slices[0]!.reasons,
    ).toEqual(['the candidate reports no slices for this metric']);
    expect(
      evaluateGates({ accuracy: 0.8 }, { accuracy: 0.8 }, sliced({ min: 0.5 }), {
        candidateSlices: {},
      }).verdict,
    ).toBe('fail');
    // A caller with metric values only (no slice data at all) is not judged by slice rules.
    expect(
      evaluateGates({ accuracy: 0.8 }, { accuracy: 0.8 }, sliced({ min: 0.5 })).slices,
    ).toEqual([]);
    const noBaseline = evaluateGates(
      { accuracy: 0.8 },
      undefined,
      sliced({ 'max-regression': 0.01 }, { 'on-missing-baseline': 'warn' }),
      { candidateSlices },
    );
    expect(noBaseline.verdict).toBe('warn');
    expect(noBaseline.slices[0]!.reasons).toEqual([
      'there is no baseline to compare with (on-missing-baseline: warn)',
    ]);
  });

  it('shows metrics reported by slice without rules as info', () => {
    const result = evaluateGates({ accuracy: 0.8 }, undefined, gatePolicySchema.parse({}), {
      candidateSlices,
    });
    expect(result.slices[0]).toMatchObject({ metric: 'accuracy', status: 'info' });
    expect(result.verdict).toBe('pass');
  });

  it('rejects unknown slice-rule keys', () => {
    expect(
      gatePolicySchema.safeParse({
        metrics: { a: { direction: 'higher', slices: { 'worst-min': 0.5 } } },
      }).success,
    ).toBe(false);
  });
});

describe('notable changes, gated or not', () => {
  const ci = (value: number, half: number) => ({
    value,
    ci: [value - half, value + half] as [number, number],
    n: 500,
  });

  it("finds a slice's drop outside the candidate's interval though only accuracy is gated, and counts it as ungated", () => {
    const result = evaluateGates(
      { accuracy: ci(0.8, 0.02), recall: ci(0.6, 0.03) },
      { accuracy: 0.805, recall: 0.61 },
      policy({ accuracy: { direction: 'higher', 'max-regression': 0.02 } }),
      {
        candidateSlices: { 'contract=two-year': { recall: ci(0.37, 0.07) } },
        baselineSlices: { 'contract=two-year': { recall: 0.84 } },
      },
    );
    expect(result.verdict).toBe('pass');
    expect(result.notable).toEqual([
      expect.objectContaining({
        metric: 'recall',
        slice: 'contract=two-year',
        kind: 'regression',
        basis: 'ci',
        gated: false,
        status: 'info',
      }),
    ]);
    // 0.47 below, over a half width of 0.07.
    expect(result.notable[0]!.size).toBeCloseTo(0.47 / 0.07, 6);
  });

  it('leaves out changes inside the interval, or within 5% where there is none, and slices too small to judge', () => {
    const result = evaluateGates(
      { accuracy: ci(0.8, 0.02), f1: 0.62, precision: 0.7 },
      { accuracy: 0.81, f1: 0.6, precision: 0.8 },
      policy({ accuracy: { direction: 'higher', slices: { 'min-n': 100 } } }),
      {
        candidateSlices: { tiny: { accuracy: { value: 0.2, n: 10 } } },
        baselineSlices: { tiny: { accuracy: { value: 0.9, n: 12 } } },
      },
    );
    expect(result.notable.map((n) => [n.metric, n.slice, n.basis, n.kind])).toEqual([
      ['precision', undefined, 'relative', 'regression'],
    ]);
  });

  it('takes the direction from the rule, then from the metric: a lower log loss or latency is an improvement', () => {
    const result = evaluateGates(
      { log_loss: 0.3, 'latency_ms.p95': 30, accuracy: 0.7, custom_thing: 5, score: 3 },
      { log_loss: 0.4, 'latency_ms.p95': 40, accuracy: 0.9, custom_thing: 10, score: 2 },
      policy({ score: { direction: 'lower' } }),
    );
    const kinds = Object.fromEntries(result.notable.map((n) => [n.metric, n.kind]));
    expect(kinds).toEqual({
      accuracy: 'regression',
      score: 'regression',
      log_loss: 'improvement',
      'latency_ms.p95': 'improvement',
      custom_thing: 'change',
    });
    // Regressions first, the larger first; then improvements; then changes of unknown direction.
    expect(result.notable.map((n) => n.metric)).toEqual([
      'score',
      'accuracy',
      'latency_ms.p95',
      'log_loss',
      'custom_thing',
    ]);
    expect(result.notable.find((n) => n.metric === 'score')!.gated).toBe(true);
  });

  it.each([
    ['info', 'pass', 'info'],
    ['warn', 'warn', 'warn'],
    ['fail', 'fail', 'fail'],
  ] as const)(
    'notable-regressions: %s turns an ungated regression into %s, never a gated one',
    (level, verdict, status) => {
      const gates = gatePolicySchema.parse({
        'notable-regressions': level,
        metrics: { accuracy: { direction: 'higher', 'max-regression': 0.5 } },
      });
      const result = evaluateGates(
        { accuracy: ci(0.7, 0.01), recall: ci(0.5, 0.01) },
        { accuracy: 0.8, recall: 0.6 },
        gates,
      );
      expect(result.verdict).toBe(verdict);
      const byName = Object.fromEntries(result.notable.map((n) => [n.metric, n]));
      expect(byName.recall!.status).toBe(status);
      expect(byName.accuracy!.gated).toBe(true);
      // The gated regression is judged by its gate (max-regression 0.5: pass), not again here.
      expect(byName.accuracy!.status).toBe('pass');
    },
  );

  it('names every failure in words: metrics, sliced metrics and notable regressions failed by the policy', () => {
    const gates = gatePolicySchema.parse({
      'notable-regressions': 'fail',
      metrics: {
        accuracy: { direction: 'higher', min: 0.9, slices: { 'max-gap': 0.05 } },
      },
    });
    const result = evaluateGates(
      { accuracy: ci(0.8, 0.01), recall: ci(0.5, 0.01) },
      { accuracy: 0.8, recall: 0.6 },
      gates,
      {
        candidateSlices: { a: { accuracy: 0.7 }, b: { accuracy: 0.9 } },
        baselineSlices: { a: { accuracy: 0.7 }, b: { accuracy: 0.9 } },
      },
    );
    expect(failures(result)).toEqual([
      'accuracy: 0.8 is below the minimum 0.9',
      'accuracy by slice: the best slice "b" and the worst "a" lie 0.2 apart, more than the tolerated 0.05',
      "recall regressed from 0.6 to 0.5 (-0.1), outside the candidate's confidence interval [0.49, 0.51], without a gate (notable-regressions: fail)",
    ]);
  });

  it('rejects an unknown notable-regressions level', () => {
    expect(() => gatePolicySchema.parse({ 'notable-regressions': 'block' })).toThrow();
    expect(gatePolicySchema.parse({})['notable-regressions']).toBe('info');
  });

  it('falls back to the relative threshold when the interval has no width', () => {
    const result = evaluateGates(
      { recall: { value: 1, ci: [1, 1] as [number, number] } },
      { recall: 0.99 },
      policy({}),
    );
    expect(result.notable).toEqual([]);
  });
});
