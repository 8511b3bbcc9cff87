/**
 * The fairness section through the built evaluate-model bundle (issue 23's acceptance): on
 * generated predictions with weights, two to five groups, an intersection, a tiny group and a
 * group with one class only, every per-group rate and every measure equals the numpy oracle of
 * fairlearn's definitions (test/fixtures/fairness/make_fairness.py) within 1e-9.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MISSING_GROUP } from '../../shared/metrics/fairness-report.js';
import { metricsReportSchema } from '../../shared/metrics/report.js';
import { compareWithOracle, type OracleCase } from '../helpers/fairness-oracle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { expectUserError, run } from './workspace.js';

const fixtures = fileURLToPath(new URL('../fixtures/fairness/', import.meta.url));
const oracle = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as Record<
  string,
  OracleCase
>;
const root = await tempDir('mlops-fairness-bundle-');
const job = { workspace: join(root, 'workspace'), runnerTemp: join(root, 'temp') };
await mkdir(job.workspace, { recursive: true });
await mkdir(job.runnerTemp, { recursive: true });
for (const task of ['binary', 'multiclass', 'regression'])
  await copyFile(join(fixtures, `${task}.csv`), join(job.workspace, `${task}.csv`));

const evaluate = (task: string, inputs: Record<string, string> = {}) =>
  run('evaluate-model', job, {
    'model-name': 'fair',
    predictions: `${task}.csv`,
    task,
    'weight-column': 'weight',
    'sensitive-features': 'sex\nage_band\nregion\nsex,age_band',
    bootstrap: '200',
    ...inputs,
  });

describe('evaluate-model bundle: fairness', () => {
  it.each(['binary', 'multiclass', 'regression'])(
    '%s: every group rate, metric and measure equals the oracle of fairlearn definitions within 1e-9',
    async (task) => {
      const result = await evaluate(task);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const report = metricsReportSchema.parse(
        JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
      );
      const fairness = report.fairness!;
      const compared = compareWithOracle(fairness, oracle[task]!);
      expect(compared.problems).toEqual([]);
      expect(compared.values).toBeGreaterThan(150);
      expect(fairness['sex,age_band']!.columns).toEqual(['sex', 'age_band']);
      expect(fairness['sex']!.dataSha256).toBe(report.evaluation!.dataSha256);
      expect(Object.keys(fairness['sex']!.groups)).toContain(MISSING_GROUP);
      for (const measure of Object.values(fairness['sex']!.measures))
        expect(measure.ci).toBeDefined();
      if (task !== 'binary') return;
      // The job summary: a Fairness table, the tiny group merged, no rows.
      expect(result.summary).toContain('#### Fairness');
      expect(result.summary).toMatch(/other \(fewer than 30 rows each\) \| 6 \|/);
      // Every group of the 90+ band is under 30 rows: merged, never named.
      expect(result.summary).not.toContain('90\\+');
      expect(result.summary).toContain('demographic\\_parity\\_ratio');
    },
  );

  it('refuses a sensitive column missing from the predictions file, naming the columns there are', async () => {
    expectUserError(
      await evaluate('binary', { 'sensitive-features': 'gender' }),
      /has no column "gender" \(input sensitive-features\)\. Its columns are: "id", "label", "prediction", "weight", "sex"/,
    );
  });

  it('refuses an identifier column as a sensitive feature, suggesting to bin it', async () => {
    expectUserError(
      await evaluate('binary', { 'sensitive-features': 'id' }),
      /sensitive column "id" of "binary.csv" has more than 100 distinct values .* Bin it/,
    );
  });

  it('refuses the label column as a sensitive feature', async () => {
    expectUserError(
      await evaluate('binary', { 'sensitive-features': 'sex,label' }),
      /Input "sensitive-features": the column "label" is the label column/,
    );
  });
});
