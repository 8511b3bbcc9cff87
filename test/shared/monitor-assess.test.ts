/**
 * A window's status from its findings (shared/monitor/assess.ts), read through the policy's
 * `monitor:` section (shared/monitor/policy.ts), and the performance judged by the gate policy's
 * own evaluator.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatePolicySchema, loadGatePolicy } from '../../shared/gates/policy.js';
import { assessWindow, judgePerformance, type WindowFacts } from '../../shared/monitor/assess.js';
import { driftBetweenColumns, type RawColumn } from '../../shared/monitor/drift.js';
import type { MonitorPerformance } from '../../shared/monitor/monitor-report.js';
import { monitorPolicySchema, type MonitorPolicy } from '../../shared/monitor/policy.js';
import { Xoshiro128 } from '../../shared/metrics/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const policy = (section: unknown = {}): MonitorPolicy => monitorPolicySchema.parse(section);

/** n values of a normal(mean, 1), seeded. */
function normal(n: number, mean: number, seed: number): number[] {
  const random = new Xoshiro128(seed);
  const uniform = () => (random.nextUint32() + 0.5) / 4294967296;
  return Array.from(
    { length: n },
    () => mean + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

/** Three numeric inputs; `shifted` of them moved by two standard deviations in the window. */
function drift(shifted: number, missingNow = 0, driftShare = 0.5) {
  const reference: Record<string, RawColumn> = {};
  const current: Record<string, RawColumn> = {};
  for (const [i, name] of ['age', 'tenure', 'spend'].entries()) {
    reference[name] = { type: 'number', values: normal(2000, 0, i + 1) };
    const values: (number | null)[] = normal(2000, i < shifted ? 2 : 0, i + 11);
    for (let k = 0; k < missingNow * values.length; k++) values[k] = null;
    current[name] = { type: 'number', values };
  }
  return driftBetweenColumns(reference, current, { driftShare });
}

const none: MonitorPerformance = { source: 'none', reason: 'no task' };
const facts = (overrides: Partial<WindowFacts> = {}): WindowFacts => ({
  drift: drift(0),
  predictionDrift: null,
  performance: none,
  ...overrides,
});

describe('the status of a window', () => {
  it('is healthy with no findings when nothing moved', () => {
    const result = assessWindow(facts(), policy());
    expect(result).toEqual({ status: 'healthy', findings: [] });
  });

  it('is drifting when the share of drifting inputs reaches the policy, naming them worst first', () => {
    const result = assessWindow(facts({ drift: drift(2) }), policy());
    expect(result.status).toBe('drifting');
    expect(result.findings[0]).toMatchObject({ kind: 'data-drift', level: 'fail' });
    // Moved by two standard deviations, some values lie past the training maximum: a warning each.
    expect(result.findings.slice(1).map((f) => [f.kind, f.level, f.feature])).toEqual([
      ['data-quality', 'warn', 'age'],
      ['data-quality', 'warn', 'tenure'],
    ]);
    expect(result.findings[0]!.message).toMatch(
      /^2 of 3 features drift \(66\.7%.*50\.0%\): "(age|tenure)", "(age|tenure)"\.$/,
    );
  });

  it('stays healthy below the share, and with drift at level warn only warns', () => {
    expect(assessWindow(facts({ drift: drift(1) }), policy()).status).toBe('healthy');
    const warned = assessWindow(facts({ drift: drift(3) }), policy({ drift: { level: 'warn' } }));
    expect(warned.status).toBe('healthy');
    expect(warned.findings.filter((f) => f.kind === 'data-drift').map((f) => f.level)).toEqual([
      'warn',
    ]);
    expect(warned.findings.every((f) => f.level === 'warn')).toBe(true);
    // The share is the drift report's (monitor.ts passes the policy's when it measures drift).
    expect(assessWindow(facts({ drift: drift(1, 0, 0.3) }), policy()).status).toBe('drifting');
  });

  it('warns of a rising missing rate by default, and drifts on it when the policy says fail', () => {
    const withGaps = facts({ drift: drift(0, 0.2) });
    const warned = assessWindow(withGaps, policy());
    expect(warned.status).toBe('healthy');
    expect(warned.findings).toHaveLength(3);
    expect(warned.findings[0]).toMatchObject({ kind: 'data-quality', level: 'warn' });
    expect(warned.findings[0]!.message).toMatch(/missing in 20\.0% of rows, up from 0\.0%/);
    expect(assessWindow(withGaps, policy({ quality: { level: 'fail' } })).status).toBe('drifting');
    expect(
      assessWindow(withGaps, policy({ quality: { 'max-missing-increase': 0.25 } })).findings,
    ).toEqual([]);
  });

  it('counts schema errors of the window as data quality', () => {
    const result = assessWindow(
      facts({ validation: { errors: 4, warnings: 1 } }),
      policy({ quality: { level: 'fail' } }),
    );
    expect(result.status).toBe('drifting');
    expect(result.findings[0]).toMatchObject({ kind: 'validation', level: 'fail' });
  });

  it('is degraded when a measured metric fails its rule, whatever drifts', () => {
    const gates = gatePolicySchema.parse({
      metrics: { accuracy: { direction: 'higher', 'max-regression': 0.02 } },
    });
    const judged = judgePerformance(
      { accuracy: 0.8 },
      { accuracy: 0.9, log_loss: 0.3 },
      gates,
      false,
    );
    expect(judged.verdict).toBe('fail');
    // log_loss was recorded at release but the window has none: not judged, not "removed".
    expect(judged.metrics.map((m) => m.name)).toEqual(['accuracy']);
    const result = assessWindow(
      facts({ drift: drift(3), performance: { source: 'labels', rows: 2000, ...judged } }),
      policy(),
    );
    expect(result.status).toBe('degraded');
    expect(result.findings[0]).toMatchObject({
      kind: 'performance',
      level: 'fail',
      feature: 'accuracy',
    });
    expect(result.findings[0]!.message).toMatch(
      /^Measured accuracy 0\.8000 against 0\.9000 at release/,
    );
    expect(result.findings[1]).toMatchObject({ kind: 'data-drift' });
  });

  it('judges an estimate only by regressions beyond its interval', () => {
    const gates = gatePolicySchema.parse({
      metrics: { roc_auc: { direction: 'higher', 'max-regression': 0.01 } },
    });
    const estimate = (value: number, ci: [number, number]) =>
      judgePerformance({ roc_auc: { value, ci } }, { roc_auc: 0.9 }, gates, true);
    // Down 0.04, but the value at release lies inside the interval: the data cannot tell.
    expect(estimate(0.86, [0.82, 0.91]).verdict).toBe('inconclusive');
    const beyond = estimate(0.8, [0.77, 0.83]);
    expect(beyond.verdict).toBe('fail');
    const performance: MonitorPerformance = {
      source: 'estimate',
      method: 'cbpe',
      calibrated: true,
      rows: 2000,
      confidence: 0.95,
      ...beyond,
    };
    expect(assessWindow(facts({ performance }), policy()).status).toBe('degraded');
    expect(
      assessWindow(facts({ performance }), policy({ performance: { 'estimated-level': 'warn' } }))
        .status,
    ).toBe('healthy');
  });
});

describe("the policy's monitor section", () => {
  it('reads durations in m, h, d and w, and refuses anything else, saying what it takes', () => {
    expect(policy({ retrain: { cooldown: '12h' } }).retrain.cooldown).toBe(12 * 3_600_000);
    expect(policy().retrain.cooldown).toBe(7 * 86_400_000);
    const refused = monitorPolicySchema.safeParse({ retrain: { cooldown: '7 days' } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/m, h, d or w/);
  });

  it('is a section of the gate policy file, whose unknown keys are refused at their line', async () => {
    const dir = await tempDir('mlops-monitor-policy-');
    const path = join(dir, 'gates.yaml');
    await writeFile(
      path,
      'metrics:\n  accuracy:\n    direction: higher\nmonitor:\n  drift:\n    share: 0.3\n    features:\n      age: { test: psi, threshold: 0.2 }\n',
    );
    const loaded = await loadGatePolicy(path);
    expect(loaded.monitor?.drift.share).toBe(0.3);
    expect(loaded.monitor?.drift.features.age).toEqual({ test: 'psi', threshold: 0.2 });
    await writeFile(path, 'monitor:\n  drift:\n    shares: 0.3\n');
    await expect(loadGatePolicy(path)).rejects.toThrow(/gates\.yaml.*line 3|line 3.*shares/s);
  });
});
