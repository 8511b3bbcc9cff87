/**
 * Selection-rate parity on a window (shared/monitor/fairness.ts): each group's share predicted
 * positive and fairlearn's demographic_parity_ratio / _difference, checked against rates counted
 * here from the rows written (an oracle that shares no code with the monitor); the policy's
 * rules and levels, the status they give, and the issue text (small groups merged, names
 * escaped, never rows).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftBetweenColumns } from '../../shared/monitor/drift.js';
import { assessWindow } from '../../shared/monitor/assess.js';
import { windowFairness } from '../../shared/monitor/fairness.js';
import {
  MONITOR_REPORT_FORMAT,
  monitorReportSchema,
  type MonitorFairness,
} from '../../shared/monitor/monitor-report.js';
import { monitorPolicySchema } from '../../shared/monitor/policy.js';
import { renderMonitorReport } from '../../shared/monitor/render.js';
import { Xoshiro128 } from '../../shared/metrics/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const policy = (fairness: unknown) => monitorPolicySchema.parse({ fairness });

interface Row {
  prediction: string;
  sex: string;
  region: string;
}

/** Seeded rows: `region` independent of the prediction; `sex` F selected with probability pF. */
function rows(n: number, pF: number, pM: number, seed = 7): Row[] {
  const random = new Xoshiro128(seed);
  const u = () => random.nextUint32() / 4294967296;
  return Array.from({ length: n }, (_, i) => {
    const sex = i % 9 === 0 ? 'NA' : u() < 0.5 ? 'F' : 'M';
    const p = sex === 'F' ? pF : sex === 'M' ? pM : 0.5;
    return {
      prediction: u() < p ? 'yes' : 'no',
      sex,
      region: ['north', 'south', 'east'][i % 3]!,
    };
  });
}

async function windowFile(name: string, data: Row[], extra: string[] = []): Promise<string> {
  const path = join(dir, `${name}.csv`);
  const lines = data.map((r) => `${r.prediction},${r.sex},${r.region}`);
  await writeFile(path, ['prediction,sex,region', ...lines, ...extra].join('\n') + '\n');
  return path;
}

/** The oracle: per group, rows and share predicted "yes"; a missing value ("NA") is "(missing)". */
function oracle(data: Row[], key: (r: Row) => string) {
  const groups = new Map<string, { rows: number; yes: number }>();
  for (const r of data) {
    const g = groups.get(key(r)) ?? { rows: 0, yes: 0 };
    g.rows++;
    if (r.prediction === 'yes') g.yes++;
    groups.set(key(r), g);
  }
  return groups;
}

const request = (files: string[], columns = ['prediction', 'sex', 'region']) => ({
  files,
  columns: new Set(columns),
  prediction: 'prediction',
  positive: 'yes',
  label: 'label',
  scores: [],
});

describe('selection-rate parity on a window', () => {
  it('measures each group and the intersection as fairlearn defines them', async () => {
    const data = rows(3000, 0.3, 0.5);
    const fairness = (await windowFairness(
      request([await windowFile('biased', data)]),
      policy({ attributes: ['sex', 'sex,region'] }),
    ))!;
    const sex = oracle(data, (r) => (r.sex === 'NA' ? '(missing)' : r.sex));
    const section = fairness.attributes.sex!;
    for (const [name, g] of sex) {
      expect(section.groups[name]!.rows).toBe(g.rows);
      expect(section.groups[name]!.selectionRate).toBeCloseTo(g.yes / g.rows, 14);
    }
    const rates = [...sex.values()].map((g) => g.yes / g.rows);
    expect(section.measures.demographic_parity_ratio!.value).toBeCloseTo(
      Math.min(...rates) / Math.max(...rates),
      14,
    );
    expect(section.measures.demographic_parity_difference!.value).toBeCloseTo(
      Math.max(...rates) - Math.min(...rates),
      14,
    );
    expect(section.measures.demographic_parity_ratio!.worstGroup).toBe('F');
    const both = oracle(data, (r) => `${r.sex === 'NA' ? '(missing)' : r.sex}, ${r.region}`);
    const cells = fairness.attributes['sex,region']!;
    expect(Object.keys(cells.groups).sort()).toEqual([...both.keys()].sort());
    const cellRates = [...both.values()].map((g) => g.yes / g.rows);
    expect(cells.measures.demographic_parity_ratio!.value).toBeCloseTo(
      Math.min(...cellRates) / Math.max(...cellRates),
      14,
    );
    expect(fairness.rows).toBe(3000);
  });

  it('leaves groups under min-group-size out of the measures, and rows without a prediction out of all', async () => {
    const data = rows(600, 0.4, 0.4);
    const tiny = ['yes,X,north', 'yes,X,south', 'no,X,east', ',F,north'];
    const fairness = (await windowFairness(
      request([await windowFile('tiny', data, tiny)]),
      policy({ attributes: ['sex'], 'min-group-size': 30 }),
    ))!;
    const section = fairness.attributes.sex!;
    expect(section.groups.X).toMatchObject({ rows: 3, small: true });
    expect(section.measures.demographic_parity_ratio!.groups).not.toContain('X');
    expect(fairness.rows).toBe(603);
    expect(section.notes[0]).toMatch(/1 group has fewer than 30 rows/);
  });

  it('judges the policy: a ratio under min-ratio or a difference over max-difference, at its level', async () => {
    const path = await windowFile('judged', rows(3000, 0.3, 0.5));
    const judge = async (rules: object) => {
      const p = policy({ attributes: ['sex'], ...rules });
      const fairness = await windowFairness(request([path]), p);
      const drift = driftBetweenColumns({}, {});
      return assessWindow(
        {
          drift,
          predictionDrift: null,
          performance: { source: 'none', reason: 'no task' },
          ...(fairness ? { fairness } : {}),
        },
        p,
      );
    };
    const failed = await judge({});
    expect(failed.status).toBe('degraded');
    expect(failed.findings[0]).toMatchObject({ kind: 'fairness', level: 'fail', feature: 'sex' });
    expect(failed.findings[0]!.message).toMatch(
      /demographic_parity_ratio 0\.\d+ \(group "F" selected at 0\.\d+, "M" at 0\.\d+\) is under the policy's min-ratio 0\.8 \(the four-fifths rule\)/,
    );
    const warned = await judge({ level: 'warn' });
    expect(warned.status).toBe('healthy');
    expect(warned.findings[0]).toMatchObject({ kind: 'fairness', level: 'warn' });
    expect((await judge({ 'min-ratio': 0.5 })).findings).toEqual([]);
    const difference = await judge({ 'min-ratio': 0.5, 'max-difference': 0.1 });
    expect(difference.findings[0]!.message).toMatch(/over the policy's max-difference 0\.1/);
  });

  it('says why it measured nothing: a window of profiles, columns the window lacks', async () => {
    const rules = policy({ attributes: ['sex'] });
    expect((await windowFairness(request([]), rules))!.reason).toMatch(/came as profiles/);
    expect(
      (await windowFairness(request(['w.csv'], ['prediction', 'region']), rules))!.reason,
    ).toMatch(/the window has no column "sex"/);
    expect(await windowFairness(request(['w.csv']), policy({}))).toBeUndefined();
  });

  it('refuses an identifier-like column and a sensitive attribute that is the prediction', async () => {
    const many = rows(300, 0.5, 0.5).map((r, i) => ({ ...r, sex: `id-${i}` }));
    await expect(
      windowFairness(request([await windowFile('ids', many)]), policy({ attributes: ['sex'] })),
    ).rejects.toThrow(
      /"sex" of the window .* more than 100 distinct values: it is likely an identifier/,
    );
    await expect(
      windowFairness(request(['w.csv']), policy({ attributes: ['prediction'] })),
    ).rejects.toThrow(/monitor\.fairness\.attributes.*the prediction column/);
  });

  it('refuses a policy section it does not know', () => {
    expect(() => policy({ attributes: ['sex'], 'min-ratio': 1.5 })).toThrow();
    expect(() => policy({ attributes: ['sex'], minRatio: 0.8 })).toThrow();
    expect(policy({}).fairness).toMatchObject({
      attributes: [],
      'min-ratio': 0.8,
      'min-group-size': 30,
      level: 'fail',
    });
  });
});

describe('selection-rate parity in the issue', () => {
  const hostile = '<img src=x> | **F**';
  const fairness: MonitorFairness = {
    minRatio: 0.8,
    minGroupSize: 30,
    rows: 700,
    attributes: {
      sex: {
        columns: ['sex'],
        minGroupSize: 30,
        dataSha256: '',
        groups: {
          [hostile]: { rows: 400, weight: 400, small: false, selectionRate: 0.2, metrics: {} },
          M: { rows: 296, weight: 296, small: false, selectionRate: 0.4, metrics: {} },
          'tiny-9': { rows: 4, weight: 4, small: true, selectionRate: 1, metrics: {} },
        },
        measures: {
          demographic_parity_ratio: { value: 0.5, worstGroup: hostile, groups: [hostile, 'M'] },
          demographic_parity_difference: { value: 0.2, groups: [hostile, 'M'] },
        },
        notes: [],
      },
    },
  };

  it('shows group names escaped, counts and rates, the small groups merged', () => {
    const drift = driftBetweenColumns({}, {});
    const performance = { source: 'none', reason: 'no task' } as const;
    const rules = policy({ attributes: ['sex'] });
    const { status, findings } = assessWindow(
      { drift, predictionDrift: null, performance, fairness },
      rules,
    );
    const report = monitorReportSchema.parse({
      format: MONITOR_REPORT_FORMAT,
      model: 'loans',
      environment: 'production',
      generatedAt: '2026-12-07T06:00:00.000Z',
      status,
      findings,
      drift,
      predictionDrift: null,
      performance,
      fairness,
    });
    const text = renderMonitorReport(report, []);
    expect(status).toBe('degraded');
    expect(text).toContain('### Selection-rate parity');
    expect(text).toMatch(/❌ \*\*sex\*\*: demographic_parity_ratio 0\.5/);
    expect(text).not.toContain('<img');
    expect(text).not.toContain('| **F**');
    expect(text).toContain('| other (fewer than 30 rows each) | 4 |  |');
    expect(text).not.toContain('tiny-9');
  });
});
