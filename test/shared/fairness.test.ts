import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundedResamples } from '../../shared/metrics/bootstrap.js';
import type { Task } from '../../shared/metrics/compute.js';
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { parseSensitiveFeatures } from '../../shared/metrics/fairness.js';
import {
  fairnessReportSchema,
  MISSING_GROUP,
  publishableGroups,
  type FairnessReport,
} from '../../shared/metrics/fairness-report.js';
import { renderFairnessSummary } from '../../shared/metrics/fairness-summary.js';
import { writeCsv, type Cell } from '../helpers/data-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { compareWithOracle, type OracleCase } from '../helpers/fairness-oracle.js';

const fixtures = fileURLToPath(new URL('../fixtures/fairness/', import.meta.url));
const oracle = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<
  string,
  OracleCase
>;
const dir = await tempDir('mlops-fairness-');
const ATTRIBUTES = ['sex', 'age_band', 'region', 'sex,age_band'];

async function fairness(
  path: string,
  task: Task,
  lines: string[],
  options: {
    weight?: string;
    minGroupSize?: number;
    resamples?: number;
    seed?: number;
    /** The section as computed, not read back through the report's schema. */
    raw?: boolean;
  } = {},
): Promise<FairnessReport> {
  const attributes = parseSensitiveFeatures(lines, { label: 'label', prediction: 'prediction' });
  const evaluation = await evaluatePredictions(
    path,
    'csv',
    {
      task,
      label: 'label',
      prediction: 'prediction',
      weight: options.weight,
      positive: task === 'binary' ? '1' : undefined,
    },
    {
      minSliceSize: 30,
      bootstrap: options.resamples
        ? { resamples: options.resamples, confidence: 0.95, seed: options.seed ?? 0 }
        : undefined,
      fairness: { attributes, minGroupSize: options.minGroupSize ?? 30 },
    },
  );
  return options.raw ? evaluation.fairness! : fairnessReportSchema.parse(evaluation.fairness);
}

/** A binary file from [group, label, prediction, count] runs. */
async function binaryFile(
  name: string,
  runs: [group: string, label: number, prediction: number, count: number][],
  extra: (row: number) => Record<string, Cell> = () => ({}),
): Promise<string> {
  const rows: Cell[][] = [];
  const extraColumns = Object.keys(extra(0));
  for (const [group, label, prediction, count] of runs)
    for (let i = 0; i < count; i++)
      rows.push([label, prediction, group, ...Object.values(extra(rows.length))]);
  return writeCsv(join(dir, name), {
    columns: ['label', 'prediction', 'group', ...extraColumns],
    rows,
  });
}

describe('fairness against the numpy oracle of fairlearn definitions (from source)', () => {
  it.each(['binary', 'multiclass', 'regression'] as const)(
    '%s: every group count, rate, metric and measure within 1e-9',
    async (task) => {
      const report = await fairness(join(fixtures, `${task}.csv`), task, ATTRIBUTES, {
        weight: 'weight',
      });
      const compared = compareWithOracle(report, oracle[task]!);
      expect(compared.problems).toEqual([]);
      expect(compared.values).toBeGreaterThan(100);
    },
  );
});

describe('fairness from source', () => {
  it('gives a group without positive labels no TPR (null, never 0), leaves it out of equal opportunity and says so', async () => {
    const path = await binaryFile('no-positives.csv', [
      ['a', 1, 1, 30],
      ['a', 1, 0, 10],
      ['a', 0, 0, 40],
      ['b', 1, 1, 20],
      ['b', 0, 1, 20],
      ['b', 0, 0, 40],
      ['c', 0, 0, 35],
      ['c', 0, 1, 5],
    ]);
    const report = (await fairness(path, 'binary', ['group']))['group']!;
    expect(report.groups['c']).toMatchObject({ truePositiveRate: null, falsePositiveRate: 5 / 40 });
    expect(report.groups['a']!.truePositiveRate).toBeCloseTo(0.75, 12);
    expect(report.measures['equal_opportunity_difference']).toMatchObject({
      value: expect.closeTo(1 - 0.75, 12),
      groups: ['a', 'b'],
      worstGroup: 'a',
      bestGroup: 'b',
    });
    // The FPR half still compares all three: c's FPR 0.125, a's 0, b's 1/3.
    expect(report.measures['equalized_odds_difference']!.groups).toEqual(['a', 'b', 'c']);
    expect(report.measures['equalized_odds_difference']!.value).toBeCloseTo(1 / 3, 12);
    expect(report.notes.join(' ')).toMatch(
      /group "c" has no positive labels: no true positive rate/,
    );
  });

  it('gives a group without negatives no FPR and leaves it out of the FPR half', async () => {
    const path = await binaryFile('no-negatives.csv', [
      ['a', 1, 1, 30],
      ['a', 0, 1, 10],
      ['a', 0, 0, 30],
      ['b', 1, 1, 20],
      ['b', 1, 0, 20],
    ]);
    const report = (await fairness(path, 'binary', ['group']))['group']!;
    expect(report.groups['b']!.falsePositiveRate).toBeNull();
    expect(report.notes.join(' ')).toMatch(/group "b" has no negative labels/);
    // Only one group has an FPR: equalized odds is the TPR half alone (a: 1, b: 0.5).
    expect(report.measures['equalized_odds_difference']!.value).toBeCloseTo(0.5, 12);
    expect(report.measures['equalized_odds_ratio']!.value).toBeCloseTo(0.5, 12);
  });

  it('reports groups under min-group-size, marks them small, leaves them out of the measures and merges them when published', async () => {
    const path = await binaryFile('small.csv', [
      ['big', 1, 1, 40],
      ['big', 0, 0, 40],
      ['mid', 1, 0, 20],
      ['mid', 0, 1, 20],
      ['tiny', 1, 1, 3],
      ['few', 0, 1, 5],
    ]);
    const report = (await fairness(path, 'binary', ['group']))['group']!;
    expect(report.groups['tiny']).toMatchObject({ rows: 3, small: true, selectionRate: 1 });
    expect(report.measures['demographic_parity_difference']!.groups).toEqual(['big', 'mid']);
    expect(report.notes.join(' ')).toMatch(/2 groups have fewer than 30 rows/);
    const published = publishableGroups(report);
    expect(published.map((g) => g.name)).toEqual(['big', 'mid', 'other (fewer than 30 rows each)']);
    expect(published.at(-1)).toEqual({
      name: 'other (fewer than 30 rows each)',
      rows: 8,
      weight: 8,
      groups: 2,
      merged: true,
    });
    const summary = renderFairnessSummary({ group: report }, undefined);
    expect(summary).toContain('other (fewer than 30 rows each) | 8 |');
    expect(summary).not.toContain('tiny');
  });

  it('puts missing values (the empty cell, NA) in a group of their own', async () => {
    const path = await binaryFile('missing.csv', [
      ['x', 1, 1, 40],
      ['', 0, 1, 20],
      ['NA', 0, 0, 20],
    ]);
    const report = (await fairness(path, 'binary', ['group']))['group']!;
    expect(Object.keys(report.groups).sort()).toEqual([MISSING_GROUP, 'x'].sort());
    expect(report.groups[MISSING_GROUP]).toMatchObject({ rows: 40, selectionRate: 0.5 });
  });

  it('keeps a group named like an object property ("__proto__") as a group of its own', async () => {
    const path = await binaryFile('proto.csv', [
      ['__proto__', 1, 1, 30],
      ['__proto__', 0, 1, 10],
      ['constructor', 0, 0, 40],
    ]);
    // As computed and written (zod's records drop a "__proto__" key when a report is read back).
    const report = (await fairness(path, 'binary', ['group'], { raw: true }))['group']!;
    expect(Object.keys(report.groups).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(report.groups, '__proto__')).toBe(true);
    expect(report.groups['__proto__']!.selectionRate).toBe(1);
    expect(JSON.parse(JSON.stringify(report)).groups['__proto__'].rows).toBe(40);
  });

  it('weighs rows by the weight column: a row of weight 2 counts as the row twice', async () => {
    const runs: [string, number, number, number][] = [
      ['a', 1, 1, 35],
      ['a', 0, 1, 12],
      ['a', 0, 0, 30],
      ['b', 1, 0, 14],
      ['b', 1, 1, 31],
      ['b', 0, 0, 33],
    ];
    const weighted = await binaryFile('weighted.csv', runs, (row) => ({
      weight: row % 3 === 0 ? 2 : 1,
    }));
    // The same rows, those of weight 2 (every third) written twice.
    const source = readFileSync(weighted, 'utf8').trim().split('\n').slice(1);
    const repeated = source.flatMap((line, row) => {
      const cells = line.split(',').slice(0, 3);
      return row % 3 === 0 ? [cells, cells] : [cells];
    });
    const repeatedPath = await writeCsv(join(dir, 'repeated.csv'), {
      columns: ['label', 'prediction', 'group'],
      rows: repeated,
    });
    const a = (await fairness(weighted, 'binary', ['group'], { weight: 'weight' }))['group']!;
    const b = (await fairness(repeatedPath, 'binary', ['group']))['group']!;
    for (const group of ['a', 'b'])
      for (const key of [
        'selectionRate',
        'truePositiveRate',
        'falsePositiveRate',
        'baseRate',
      ] as const)
        expect(a.groups[group]![key]).toBeCloseTo(b.groups[group]![key]!, 12);
    expect(a.groups['a']!.weight).toBe(b.groups['a']!.rows);
    for (const [name, measure] of Object.entries(a.measures))
      expect(measure.value).toBeCloseTo(b.measures[name]!.value!, 12);
    // And the weights matter: unweighted, the values differ.
    const plain = (await fairness(weighted, 'binary', ['group']))['group']!;
    expect(plain.groups['a']!.selectionRate).not.toBeCloseTo(a.groups['a']!.selectionRate!, 6);
  });

  it('measures multiclass one-vs-rest per class, keyed "<measure>[<class>]"', async () => {
    const rows: Cell[][] = [];
    const add = (group: string, label: string, prediction: string, count: number) => {
      for (let i = 0; i < count; i++) rows.push([label, prediction, group]);
    };
    add('g1', 'x', 'x', 30);
    add('g1', 'y', 'y', 30);
    add('g1', 'z', 'x', 10);
    add('g2', 'x', 'y', 20);
    add('g2', 'y', 'y', 20);
    add('g2', 'z', 'z', 20);
    const path = await writeCsv(join(dir, 'multi.csv'), {
      columns: ['label', 'prediction', 'group'],
      rows,
    });
    const report = (await fairness(path, 'multiclass', ['group']))['group']!;
    expect(Object.keys(report.measures)).toHaveLength(18);
    // Selection rate of x: g1 40/70, g2 0/60.
    expect(report.measures['demographic_parity_difference[x]']!.value).toBeCloseTo(40 / 70, 12);
    expect(report.measures['demographic_parity_ratio[x]']!.value).toBe(0);
    // TPR of z: g1 0/10, g2 20/20.
    expect(report.measures['equal_opportunity_difference[z]']).toMatchObject({
      value: 1,
      worstGroup: 'g1',
      bestGroup: 'g2',
    });
    expect(report.groups['g1']!.metrics['accuracy']!.value).toBeCloseTo(60 / 70, 12);
    expect(report.groups['g1']!.selectionRate).toBeUndefined();
  });

  it('measures regression by the gap in mean prediction and per-group errors', async () => {
    const rows: Cell[][] = [];
    for (let i = 0; i < 40; i++) rows.push([i, i + 2, 'up']);
    for (let i = 0; i < 40; i++) rows.push([i, i - 1, 'down']);
    const path = await writeCsv(join(dir, 'regression.csv'), {
      columns: ['label', 'prediction', 'group'],
      rows,
    });
    const report = (await fairness(path, 'regression', ['group']))['group']!;
    expect(report.groups['up']!.meanPrediction).toBeCloseTo(19.5 + 2, 12);
    expect(report.measures['mean_prediction_difference']).toMatchObject({
      value: expect.closeTo(3, 12),
      worstGroup: 'down',
    });
    expect(report.measures['mae_difference']).toMatchObject({
      value: expect.closeTo(1, 12),
      worstGroup: 'up',
      bestGroup: 'down',
    });
    expect(report.groups['down']!.metrics['rmse']!.value).toBeCloseTo(1, 12);
  });

  it('gives every measure a seeded bootstrap interval that contains its value', async () => {
    const path = join(fixtures, 'binary.csv');
    const first = await fairness(path, 'binary', ['sex'], { weight: 'weight', resamples: 300 });
    const again = await fairness(path, 'binary', ['sex'], { weight: 'weight', resamples: 300 });
    const other = await fairness(path, 'binary', ['sex'], {
      weight: 'weight',
      resamples: 300,
      seed: 7,
    });
    expect(again).toEqual(first);
    const measures = Object.entries(first['sex']!.measures);
    expect(measures).toHaveLength(6);
    for (const [name, measure] of measures) {
      expect(measure.ci, name).toBeDefined();
      expect(measure.ci![0], name).toBeLessThanOrEqual(measure.value!);
      expect(measure.ci![1], name).toBeGreaterThanOrEqual(measure.value!);
      expect(other['sex']!.measures[name]!.ci).not.toEqual(measure.ci);
    }
    expect(first['sex']!.groups['F']!.metrics['accuracy']!.ci).toHaveLength(2);
  });

  it("counts the fairness pass in the bootstrap's work budget", () => {
    const shape = { rows: 1_000_000, classes: 2, scoreColumns: 0, sliceColumns: 0 };
    expect(boundedResamples(1000, shape, 'p.csv', 1.2e9).resamples).toBe(1000);
    // A resample: the rows, 10 units a class, and the rows once more for the fairness pass.
    const withFairness = boundedResamples(1000, { ...shape, sensitive: true }, 'p.csv', 1.2e9);
    expect(withFairness.resamples).toBe(Math.floor(1.2e9 / (1_000_000 + 20 + 1_000_000)));
    expect(withFairness.warning).toMatch(/with sensitive features/);
  });

  it('keeps a small qualifying group in every resample: resampled within itself', async () => {
    // 30 rows of group "few" beside 3,000 of "many": the measure is defined in (nearly) every
    // resample, so its interval exists, and it is wide where the small group is noisy.
    const path = await binaryFile('stratified.csv', [
      ['many', 1, 1, 1200],
      ['many', 0, 0, 1200],
      ['many', 1, 0, 300],
      ['many', 0, 1, 300],
      ['few', 1, 1, 10],
      ['few', 0, 0, 10],
      ['few', 1, 0, 5],
      ['few', 0, 1, 5],
    ]);
    const report = (await fairness(path, 'binary', ['group'], { resamples: 400 }))['group']!;
    const measure = report.measures['equal_opportunity_difference']!;
    expect(measure.groups).toEqual(['many', 'few']);
    expect(measure.ci).toBeDefined();
    expect(measure.ci![1] - measure.ci![0]).toBeGreaterThan(0.2);
  });
});

describe('fairness: bad input', () => {
  const roles = { label: 'label', prediction: 'prediction', scores: ['proba'], weight: 'w' };

  it.each([
    ['label', /"label" is the label column \("label-column"\)/],
    ['prediction', /"prediction" is the prediction column/],
    ['sex,proba', /"proba" is a score column/],
    ['w', /"w" is the weight column/],
    ['sex,', /empty column name/],
    ['sex,sex', /names a column twice/],
  ])('refuses the sensitive feature %j', (line, message) => {
    expect(() => parseSensitiveFeatures([line], roles)).toThrow(message);
  });

  it('names a sensitive column missing from the predictions file and lists the columns there are', async () => {
    const path = await binaryFile('cols.csv', [['a', 1, 1, 3]]);
    await expect(fairness(path, 'binary', ['gender'])).rejects.toThrow(
      /has no column "gender" \(input sensitive-features\)\. Its columns are: "label", "prediction", "group"/,
    );
  });

  it('refuses a column of more than 100 values as a likely identifier, suggesting to bin it', async () => {
    const path = await binaryFile('ids.csv', [['a', 1, 1, 150]], (row) => ({
      id: `person-${row}`,
    }));
    await expect(fairness(path, 'binary', ['id'])).rejects.toThrow(
      /sensitive column "id" .* more than 100 distinct values .* likely an identifier.* Bin it/,
    );
  });

  it('refuses an attribute whose rows are all in one group: nothing to compare', async () => {
    const path = await binaryFile('one.csv', [
      ['only', 1, 1, 50],
      ['only', 0, 0, 50],
    ]);
    await expect(fairness(path, 'binary', ['group'])).rejects.toThrow(
      /sensitive feature "group" .* all 100 evaluated rows are in one group \("only"\), so there is nothing to compare/,
    );
  });
});
