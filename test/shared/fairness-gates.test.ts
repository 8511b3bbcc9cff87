import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGates, failures, type FairnessComparison } from '../../shared/gates/judge.js';
import { gatePolicySchema, loadGatePolicy, type GatePolicy } from '../../shared/gates/policy.js';
import type { FairnessReport } from '../../shared/metrics/fairness-report.js';
import { diffPolicies } from '../../shared/gates/policy-diff.js';
import { tempDir } from '../helpers/temp-dir.js';

const policy = (fairness: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  gatePolicySchema.parse({ ...extra, fairness }) as GatePolicy;

type Measure = { value: number | null; ci?: [number, number]; worstGroup?: string };

/**
 * A binary report's fairness section for one attribute: two groups whose selection rates are
 * given, and the measures computed from them as fairlearn defines them (min/max, max − min);
 * `ci` is the interval a bootstrap would give, set by the test.
 */
function report(
  attribute: string,
  rates: { a: number; b: number },
  cis: Record<string, [number, number]> = {},
  extra: Record<string, Measure> = {},
): FairnessReport {
  const low = Math.min(rates.a, rates.b);
  const high = Math.max(rates.a, rates.b);
  const worst = rates.a <= rates.b ? 'a' : 'b';
  const measure = (name: string, value: number): [string, Measure] => [
    name,
    { value, ...(cis[name] ? { ci: cis[name] } : {}), worstGroup: worst },
  ];
  const measures = Object.fromEntries([
    measure('demographic_parity_ratio', low / high),
    measure('demographic_parity_difference', high - low),
  ]);
  return {
    [attribute]: {
      columns: attribute.split(','),
      minGroupSize: 30,
      dataSha256: 'ab'.repeat(32),
      groups: {
        a: { rows: 500, weight: 500, small: false, selectionRate: rates.a, metrics: {} },
        b: { rows: 500, weight: 500, small: false, selectionRate: rates.b, metrics: {} },
      },
      measures: Object.fromEntries(
        Object.entries({ ...measures, ...extra }).map(([name, m]) => [
          name,
          { ...m, groups: ['a', 'b'] },
        ]),
      ),
      notes: [],
    },
  };
}

const judge = (
  p: GatePolicy,
  candidate: FairnessReport,
  baseline?: FairnessReport,
): { verdict: string; fairness: FairnessComparison[] } => {
  const result = evaluateGates({}, baseline ? {} : undefined, p, {
    candidateFairness: candidate,
    ...(baseline ? { baselineFairness: baseline } : {}),
  });
  return { verdict: result.verdict, fairness: result.fairness };
};

const gated = (result: { fairness: FairnessComparison[] }) => result.fairness.filter((f) => f.rule);

const fourFifths = policy({ sex: { demographic_parity_ratio: { 'min-ratio': 0.8 } } });

describe('fairness gates: min-ratio (the four-fifths rule)', () => {
  it('fails a biased candidate whose whole interval lies under 0.8', () => {
    // Selection rates 0.2 and 0.4: ratio 0.5, interval [0.4, 0.62].
    const result = judge(
      fourFifths,
      report('sex', { a: 0.2, b: 0.4 }, { demographic_parity_ratio: [0.4, 0.62] }),
    );
    expect(result.verdict).toBe('fail');
    const [gate] = gated(result);
    expect(gate).toMatchObject({
      attribute: 'sex',
      measure: 'demographic_parity_ratio',
      candidate: 0.5,
      worstGroup: 'a',
      status: 'fail',
    });
    expect(gate!.reasons[0]).toMatch(
      /0\.5 \[0\.4, 0\.62\] is below the minimum ratio 0\.8 \(the four-fifths rule\)/,
    );
    expect(gate!.rule).toContain('four-fifths rule');
  });

  it('passes a fair candidate whose whole interval lies above 0.8', () => {
    const result = judge(
      fourFifths,
      report('sex', { a: 0.38, b: 0.4 }, { demographic_parity_ratio: [0.85, 1] }),
    );
    expect(result.verdict).toBe('pass');
    expect(gated(result)[0]).toMatchObject({ status: 'pass', reasons: [] });
  });

  it('is inconclusive when the interval straddles 0.8, whichever side the point is on', () => {
    for (const [rates, ci] of [
      [{ a: 0.34, b: 0.4 }, [0.74, 0.93]], // point 0.85 above
      [{ a: 0.3, b: 0.4 }, [0.66, 0.84]], // point 0.75 below
    ] as const) {
      const result = judge(fourFifths, report('sex', rates, { demographic_parity_ratio: [...ci] }));
      expect(result.verdict).toBe('inconclusive');
      expect(gated(result)[0]!.reasons[0]).toMatch(/straddles the minimum ratio 0\.8/);
    }
  });

  it('a warn-level rule only warns, straddling or broken', () => {
    const warn = policy({ sex: { demographic_parity_ratio: { 'min-ratio': 0.8, level: 'warn' } } });
    expect(judge(warn, report('sex', { a: 0.2, b: 0.4 })).verdict).toBe('warn');
    expect(
      judge(warn, report('sex', { a: 0.3, b: 0.4 }, { demographic_parity_ratio: [0.66, 0.84] }))
        .verdict,
    ).toBe('warn');
  });

  it('judges the point value when the report has no interval (bootstrap 0)', () => {
    expect(judge(fourFifths, report('sex', { a: 0.3, b: 0.4 })).verdict).toBe('fail');
    expect(judge(fourFifths, report('sex', { a: 0.33, b: 0.4 })).verdict).toBe('pass');
  });
});

describe('fairness gates: max-difference', () => {
  const rule = policy({ sex: { demographic_parity_difference: { 'max-difference': 0.1 } } });
  it.each([
    ['inside', { a: 0.36, b: 0.4 }, [0.01, 0.08], 'pass'],
    ['beyond', { a: 0.2, b: 0.4 }, [0.14, 0.26], 'fail'],
    ['straddling', { a: 0.32, b: 0.4 }, [0.03, 0.13], 'inconclusive'],
  ] as const)('%s the limit: %s', (_, rates, ci, verdict) => {
    const result = judge(rule, report('sex', rates, { demographic_parity_difference: [...ci] }));
    expect(result.verdict).toBe(verdict);
  });
});

describe('fairness gates: max-regression against production', () => {
  const rule = policy({
    sex: {
      demographic_parity_ratio: { 'max-regression': 0.05 },
      demographic_parity_difference: { 'max-regression': 0.05 },
    },
  });
  const production = report('sex', { a: 0.38, b: 0.4 }); // ratio 0.95, difference 0.02

  it('fails a candidate whose disparity grew beyond the tolerance, interval and all', () => {
    const candidate = report(
      'sex',
      { a: 0.28, b: 0.4 }, // ratio 0.7, difference 0.12
      { demographic_parity_ratio: [0.62, 0.8], demographic_parity_difference: [0.08, 0.16] },
    );
    const result = judge(rule, candidate, production);
    expect(result.verdict).toBe('fail');
    for (const gate of gated(result)) {
      expect(gate.status).toBe('fail');
      expect(gate.reasons[0]).toMatch(/worse than production's .* more than the tolerated 0\.05/);
    }
  });

  it('passes one within the tolerance and is inconclusive when the interval reaches past it', () => {
    const near = report('sex', { a: 0.37, b: 0.4 }, { demographic_parity_ratio: [0.9, 0.97] });
    expect(gated(judge(rule, near, production))[0]).toMatchObject({ status: 'pass' });
    const wide = report('sex', { a: 0.37, b: 0.4 }, { demographic_parity_ratio: [0.85, 0.99] });
    expect(gated(judge(rule, wide, production))[0]).toMatchObject({ status: 'inconclusive' });
  });

  it('follows on-missing-baseline without production, and says why', () => {
    const candidate = report('sex', { a: 0.38, b: 0.4 });
    const warned = judge(rule, candidate);
    expect(warned.verdict).toBe('warn');
    expect(gated(warned)[0]!.reasons[0]).toBe(
      'there is no baseline to compare with (on-missing-baseline: warn)',
    );
    const strict = policy(
      { sex: { demographic_parity_ratio: { 'max-regression': 0.05 } } },
      { 'on-missing-baseline': 'fail' },
    );
    // Production evaluated without sensitive-features: its report has no such measure.
    const withoutFairness = evaluateGates({}, {}, strict, {
      candidateFairness: candidate,
      baselineFairness: {},
    });
    expect(withoutFairness.verdict).toBe('fail');
    expect(withoutFairness.fairness.find((f) => f.rule)!.reasons[0]).toMatch(
      /production's metrics report has no demographic_parity_ratio for "sex"/,
    );
  });
});

describe('fairness gates: what the candidate does not report is a finding, never a pass', () => {
  it('an attribute missing from the report', () => {
    const result = judge(fourFifths, report('age_band', { a: 0.3, b: 0.4 }));
    expect(result.verdict).toBe('fail');
    const [gate] = gated(result);
    expect(gate!.attribute).toBe('sex');
    expect(gate!.reasons[0]).toMatch(
      /no fairness section for "sex": list it in evaluate-model's sensitive-features/,
    );
    const full = evaluateGates({}, undefined, fourFifths, {
      candidateFairness: report('age_band', { a: 0.3, b: 0.4 }),
    });
    expect(failures(full)).toEqual([
      expect.stringMatching(/^demographic_parity_ratio for "sex": .*no fairness section/),
    ]);
  });

  it('a report without any fairness section: not checked for bias, said, not judged', () => {
    const result = evaluateGates({}, undefined, fourFifths, { candidateFairness: {} });
    expect(result.verdict).toBe('pass');
    expect(result.fairness).toEqual([
      expect.objectContaining({
        attribute: 'sex',
        status: 'info',
        reasons: [expect.stringMatching(/^not checked for bias: .*no fairness section/)],
      }),
    ]);
  });

  it('a measure that is undefined (fewer than two groups qualify)', () => {
    const candidate = report(
      'sex',
      { a: 0.3, b: 0.4 },
      {},
      {
        demographic_parity_ratio: { value: null },
      },
    );
    const result = judge(fourFifths, candidate);
    expect(result.verdict).toBe('fail');
    expect(gated(result)[0]!.reasons[0]).toMatch(/^undefined: fewer than two groups/);
  });

  it('a measure the report does not have (e.g. a regression model)', () => {
    const rule = policy({ sex: { equalized_odds_ratio: { 'min-ratio': 0.8, level: 'warn' } } });
    const result = judge(rule, report('sex', { a: 0.3, b: 0.4 }));
    expect(result.verdict).toBe('warn');
    expect(gated(result)[0]!.reasons[0]).toMatch(/has no measure equalized_odds_ratio for "sex"/);
  });

  it('an intersection is found however the policy spaces its columns', () => {
    const rule = policy({ 'sex, age_band': { demographic_parity_ratio: { 'min-ratio': 0.8 } } });
    const result = judge(rule, report('sex,age_band', { a: 0.2, b: 0.4 }));
    expect(gated(result)).toHaveLength(1);
    expect(gated(result)[0]).toMatchObject({ attribute: 'sex,age_band', status: 'fail' });
  });

  it('callers without fairness data (the monitor) are not judged on fairness rules', () => {
    expect(evaluateGates({}, undefined, fourFifths).fairness).toEqual([]);
  });
});

describe('fairness: notable changes', () => {
  it('lists a disparity that grew beyond its interval, ungated, as a regression', () => {
    const production = report('sex', { a: 0.38, b: 0.4 }); // ratio 0.95
    const candidate = report('sex', { a: 0.28, b: 0.4 }, { demographic_parity_ratio: [0.62, 0.8] });
    const result = evaluateGates({}, {}, policy({}, { 'notable-regressions': 'warn' }), {
      candidateFairness: candidate,
      baselineFairness: production,
    });
    const change = result.notable.find((n) => n.metric === 'demographic_parity_ratio');
    expect(change).toMatchObject({
      attribute: 'sex',
      kind: 'regression',
      gated: false,
      basis: 'ci',
    });
    expect(change!.status).toBe('warn');
    expect(result.verdict).toBe('warn');
    // A difference that fell is an improvement, not a regression.
    const smaller = evaluateGates({}, {}, policy({}), {
      candidateFairness: production,
      baselineFairness: report('sex', { a: 0.28, b: 0.4 }, {}),
    });
    expect(smaller.notable.map((n) => [n.metric, n.kind])).toContainEqual([
      'demographic_parity_difference',
      'improvement',
    ]);
  });
});

describe('fairness policy errors', () => {
  const load = async (yaml: string) => {
    const dir = await tempDir('fairness-policy-');
    const path = join(dir, 'gates.yaml');
    await writeFile(path, yaml);
    return loadGatePolicy(path).catch((e: unknown) => e as Error);
  };

  it.each([
    [
      'min-ratio above 1',
      'fairness:\n  sex:\n    demographic_parity_ratio:\n      min-ratio: 80\n',
      /fairness\.sex\.demographic_parity_ratio\.min-ratio.*ratio from 0 to 1 \(0\.8 is the four-fifths rule\)/s,
    ],
    [
      'min-ratio on a difference',
      'fairness:\n  sex:\n    demographic_parity_difference:\n      min-ratio: 0.8\n',
      /fairness\.sex\.demographic_parity_difference\.min-ratio.*is a difference: use max-difference/s,
    ],
    [
      'a measure fairlearn does not name',
      'fairness:\n  sex:\n    parity:\n      max-difference: 0.1\n',
      /fairness\.sex\.parity.*ending in _difference or _ratio/s,
    ],
    [
      'an unknown key',
      'fairness:\n  sex:\n    demographic_parity_ratio:\n      min_ratio: 0.8\n',
      /fairness\.sex\.demographic_parity_ratio.*min_ratio/s,
    ],
    [
      'a rule without a limit',
      'fairness:\n  sex:\n    demographic_parity_ratio:\n      level: warn\n',
      /needs max-difference, min-ratio or max-regression/,
    ],
    [
      'a bad level',
      'fairness:\n  sex:\n    demographic_parity_ratio:\n      min-ratio: 0.8\n      level: block\n',
      /fairness\.sex\.demographic_parity_ratio\.level/,
    ],
  ])('%s', async (_, yaml, message) => {
    const error = await load(yaml);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('gates.yaml');
    expect((error as Error).message).toMatch(message);
  });

  it('reads a valid rule with its default level', async () => {
    const loaded = await load(
      'fairness:\n  sex,age_band:\n    demographic_parity_ratio:\n      min-ratio: 0.8\n',
    );
    expect(loaded).toMatchObject({
      fairness: {
        'sex,age_band': { demographic_parity_ratio: { 'min-ratio': 0.8, level: 'fail' } },
      },
    });
  });
});

describe('fairness: what a pull request changes in the rules', () => {
  it('a lowered min-ratio loosens, a removed rule loosens, an added one tightens', () => {
    const base = policy({ sex: { demographic_parity_ratio: { 'min-ratio': 0.8 } } });
    const loosened = policy({
      sex: { demographic_parity_ratio: { 'min-ratio': 0.6 } },
      age_band: { equalized_odds_difference: { 'max-difference': 0.2 } },
    });
    expect(diffPolicies(base, loosened)).toEqual([
      {
        metric: 'demographic_parity_ratio for "sex"',
        rule: 'min-ratio',
        kind: 'loosens',
        effect: 'looser',
        from: '0.8',
        to: '0.6',
      },
      expect.objectContaining({
        metric: 'equalized_odds_difference for "age_band"',
        kind: 'adds',
        effect: 'stricter',
      }),
    ]);
    expect(diffPolicies(base, policy({}))).toEqual([
      expect.objectContaining({ kind: 'removes', effect: 'looser' }),
    ]);
  });
});
