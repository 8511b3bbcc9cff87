import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../shared/gates/evaluate.js';
import { gatePolicySchema, type GatePolicy } from '../../shared/gates/policy.js';

const policy = (metrics: Record<string, unknown>, onMissing = 'warn'): GatePolicy => gatePolicySchema.parse({ 'on-missing-baseline': onMissing, metrics });

describe('evaluateGates', () => {
  it.each([
    ['within tolerance', { accuracy: 0.79 }, { accuracy: 0.8 }, { direction: 'higher', 'max-regression': 0.02 }, 'pass'],
    ['exactly at the tolerance (float noise ignored)', { accuracy: 0.7 }, { accuracy: 0.72 }, { direction: 'higher', 'max-regression': 0.02 }, 'pass'],
    ['beyond tolerance', { accuracy: 0.77 }, { accuracy: 0.8 }, { direction: 'higher', 'max-regression': 0.02 }, 'fail'],
    ['lower is better', { rmse: 1.1 }, { rmse: 1.0 }, { direction: 'lower', 'max-regression': 0.05 }, 'fail'],
    ['lower is better, improving', { rmse: 0.9 }, { rmse: 1.0 }, { direction: 'lower', 'max-regression': 0.05 }, 'pass'],
    ['relative tolerance', { rmse: 1.06 }, { rmse: 1.0 }, { direction: 'lower', 'max-regression-relative': 0.05 }, 'fail'],
    ['required improvement missed', { accuracy: 0.805 }, { accuracy: 0.8 }, { direction: 'higher', 'min-improvement': 0.01 }, 'fail'],
    ['below the absolute minimum', { accuracy: 0.69 }, { accuracy: 0.6 }, { direction: 'higher', min: 0.7 }, 'fail'],
    ['above the absolute maximum', { latency: 12 }, { latency: 9 }, { direction: 'lower', max: 10 }, 'fail'],
    ['a warn-level rule broken', { accuracy: 0.7 }, { accuracy: 0.8 }, { direction: 'higher', 'max-regression': 0.02, level: 'warn' }, 'warn'],
    ['an info-level rule broken', { accuracy: 0.7 }, { accuracy: 0.8 }, { direction: 'higher', 'max-regression': 0.02, level: 'info' }, 'pass'],
    ['a gated metric missing from the candidate', {}, { accuracy: 0.8 }, { direction: 'higher', min: 0.5 }, 'fail'],
  ])('%s', (_case, candidate, baseline, rule, verdict) => {
    const name = Object.keys({ ...candidate, ...baseline })[0]!;
    expect(evaluateGates(candidate, baseline, policy({ [name]: rule })).verdict).toBe(verdict);
  });

  it.each([
    ['pass', 'pass'],
    ['warn', 'warn'],
    ['fail', 'fail'],
  ])('follows on-missing-baseline: %s', (onMissing, verdict) => {
    const result = evaluateGates({ accuracy: 0.9 }, undefined, policy({ accuracy: { direction: 'higher', 'max-regression': 0.01 } }, onMissing));
    expect(result.verdict).toBe(verdict);
    expect(result.hasBaseline).toBe(false);
  });

  it('still checks absolute bounds without a baseline', () => {
    expect(evaluateGates({ accuracy: 0.5 }, undefined, policy({ accuracy: { direction: 'higher', min: 0.7 } }, 'pass')).verdict).toBe('fail');
  });

  it('shows deltas and the rule, and marks ungated metrics as added, removed or info', () => {
    const result = evaluateGates({ accuracy: 0.81, f1: 0.7 }, { accuracy: 0.8, auc: 0.9 }, policy({ accuracy: { direction: 'higher', min: 0.7, 'max-regression': 0.02 } }));
    const byName = Object.fromEntries(result.metrics.map((m) => [m.name, m]));
    expect(byName.accuracy).toMatchObject({ status: 'pass', rule: 'higher is better; ≥ 0.7; drop ≤ 0.02' });
    expect(byName.accuracy!.delta).toBeCloseTo(0.01, 12);
    expect(byName.accuracy!.deltaRelative).toBeCloseTo(0.0125, 12);
    expect(byName.f1!.status).toBe('added');
    expect(byName.auc!.status).toBe('removed');
  });

  it('explains every broken rule', () => {
    const result = evaluateGates({ accuracy: 0.6 }, { accuracy: 0.8 }, policy({ accuracy: { direction: 'higher', min: 0.7, 'max-regression': 0.1 } }));
    expect(result.metrics[0]!.reasons).toEqual(['0.6 is below the minimum 0.7', 'it got worse by 0.2, more than the tolerated 0.1']);
  });

  it('rejects a rule with min above max and unknown keys', () => {
    expect(gatePolicySchema.safeParse({ metrics: { a: { direction: 'higher', min: 2, max: 1 } } }).success).toBe(false);
    expect(gatePolicySchema.safeParse({ metrics: { a: { direction: 'higher', tolerance: 1 } } }).success).toBe(false);
    expect(gatePolicySchema.safeParse({ metrics: { a: { direction: 'up' } } }).success).toBe(false);
  });
});
