import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluateModel } from '../../actions/evaluate-model/src/run.js';
import { trainModel } from '../../actions/train-model/src/run.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { metricsReportSchema } from '../../shared/metrics/report.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { runInProcess } from '../helpers/in-process.js';

const job = await exampleWorkspace();
const evaluate = (inputs: Record<string, string>) =>
  runInProcess(evaluateModel, { ...job, inputs: { 'model-name': 'churn', ...inputs } });
const reportOf = async (path: string) =>
  metricsReportSchema.parse(JSON.parse(await readFile(path, 'utf8')));
const trained = await runInProcess(trainModel, {
  ...job,
  inputs: {
    'model-name': 'churn',
    run: 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv',
    config: 'examples/churn/config.json',
    outputs: 'model/model.json\nmodel/predictions.csv',
  },
});

describe('evaluate-model run()', () => {
  it('computes the metrics from predictions, names the model version, sets every output and the summary', async () => {
    const result = await evaluate({
      predictions: 'model/predictions.csv',
      task: 'binary',
      'score-columns': 'score',
      slices: 'contract',
      bootstrap: '50',
      'min-slice-size': '20',
      manifest: trained.outputs.manifest!,
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('evaluate-model')).outputs).sort(),
    );
    const report = await reportOf(result.outputs.metrics!);
    const rows = (await readFile(`${job.workspace}/model/predictions.csv`, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const accuracy = rows.filter((r) => r[2] === r[3]).length / rows.length;
    expect(report).toMatchObject({
      model: 'churn',
      version: trained.outputs.version,
      fingerprint: trained.outputs.fingerprint,
      task: 'binary',
      metrics: { accuracy: { value: accuracy, n: rows.length } },
    });
    expect(report.bootstrap).toMatchObject({ resamples: 50, confidence: 0.95, seed: 0 });
    expect(Object.keys(report.slices).every((name) => name.startsWith('contract='))).toBe(true);
    expect(JSON.parse(result.outputs.summary!)).toMatchObject({ accuracy });
    expect(result.summary).toContain('Worst slice');
    expect(result.outputs.metrics!.startsWith(job.runnerTemp)).toBe(true);
    // A report of a trained version is uploaded for promote-model in a later job.
    expect(result.outputs['artifact-name']).toBe(`metrics-churn-${trained.outputs.version}`);
  });

  it("takes a metrics file of the user's own code", async () => {
    await job.write('my-metrics.yaml', 'val:\n  acc: 0.91\nepochs: 12\n');
    const result = await evaluate({ metrics: 'my-metrics.yaml' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(JSON.parse(result.outputs.summary!)).toEqual({ 'val.acc': 0.91, epochs: 12 });
    expect(result.outputs['artifact-name']).toBe('');
  });

  it.each([
    [
      'predictions without a task',
      { predictions: 'model/predictions.csv' },
      /Input "task" is required with "predictions"/,
    ],
    [
      'both a metrics file and predictions',
      { predictions: 'model/predictions.csv', metrics: 'my-metrics.yaml' },
      /"predictions" cannot be set beside it: give either "metrics" or "predictions"/,
    ],
    ['neither', {}, /Give either "predictions" .* or "metrics"/],
    [
      'score columns for a regression',
      { predictions: 'model/predictions.csv', task: 'regression', 'score-columns': 'score' },
      /a regression task has none/,
    ],
    [
      'two score columns in a binary task',
      { predictions: 'model/predictions.csv', task: 'binary', 'score-columns': 'a\nb' },
      /For a binary task, input "score-columns" is one column/,
    ],
    [
      'an unknown extension',
      { predictions: 'model/predictions.txt', task: 'binary' },
      /Cannot tell the format of the predictions file "model\/predictions.txt"/,
    ],
    [
      'a missing label column',
      { predictions: 'model/predictions.csv', task: 'binary', 'label-column': 'target' },
      /has no column "target" \(input label-column\)/,
    ],
    [
      'a manifest of another model',
      { predictions: 'model/predictions.csv', task: 'binary', 'model-name': 'other' },
      /is for model "churn", but "model-name" is "other"/,
    ],
    [
      'a predictions file outside the workspace',
      { predictions: '../p.csv', task: 'binary' },
      /predictions file "\.\.\/p\.csv".*outside/i,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write('my-metrics.yaml', 'acc: 0.9\n');
    await job.write('model/predictions.txt', 'label,prediction\n1,1\n');
    const withManifest =
      'model-name' in inputs ? { ...inputs, manifest: trained.outputs.manifest! } : inputs;
    const result = await evaluate(withManifest);
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(pattern);
    expect(result.errors.join()).not.toMatch(/bug in mlops-actions/);
  });
});

/** A CSV file from rows of cells. */
const csv = (header: string, rows: readonly (readonly (string | number)[])[]) =>
  `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

describe('evaluate-model never gives a silently wrong answer (issue 15)', () => {
  // Ten rows, eight right: integer labels, predictions as pandas writes a float column.
  const truth = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
  const guess = [0, 1, 2, 0, 1, 2, 0, 1, 0, 2];
  const pandasRows = truth.map((t, i) => [t, `${guess[i]}.0`]);

  it('compares 0 and 0.0 as one class, as scikit-learn does on numeric columns (accuracy 0.8, not 0)', async () => {
    await job.write('p/pandas.csv', csv('label,prediction', pandasRows));
    const result = await evaluate({
      predictions: 'p/pandas.csv',
      task: 'multiclass',
      bootstrap: '0',
    });
    expect(result.errors).toEqual([]);
    const report = await reportOf(result.outputs.metrics!);
    expect(report.metrics.accuracy!.value).toBe(0.8);
    expect(report.confusionMatrix!.classes).toEqual(['0', '1', '2']);
    expect(report.metrics['f1.0']!.value).toBeGreaterThan(0);
  });

  it('takes 0/1 labels with 0.0/1.0 predictions as a binary task too', async () => {
    await job.write(
      'p/binary.csv',
      csv('label,prediction', [
        [0, '0.0'],
        [1, '1.0'],
        [1, '0.0'],
        [0, '0e0'],
      ]),
    );
    const result = await evaluate({ predictions: 'p/binary.csv', task: 'binary', bootstrap: '0' });
    expect(result.errors).toEqual([]);
    expect((await reportOf(result.outputs.metrics!)).metrics.accuracy!.value).toBe(0.75);
  });

  it('advises for the file at hand when a binary file has a third class: probabilities in the prediction column', async () => {
    await job.write(
      'p/proba.csv',
      csv('label,prediction', [
        [0, 0.2],
        [1, 0.9],
        [1, 0.4],
      ]),
    );
    const result = await evaluate({ predictions: 'p/proba.csv', task: 'binary', bootstrap: '0' });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(
      /line \d, column "prediction": "0\.\d" is a third class .*seems to hold probabilities/,
    );
    expect(result.errors.at(-1)).not.toMatch(/multiclass/);
  });

  it.each([
    ['NaN', 'the label "NaN" is a missing value, not a class'],
    ['', 'the label is empty'],
  ])(
    'refuses a missing label %j with its line, or drops it counted when asked',
    async (missing, message) => {
      const rows = pandasRows.map((row, i) => (i === 3 ? [missing, row[1]!] : row));
      await job.write('p/missing.csv', csv('label,prediction', rows));
      const refused = await evaluate({ predictions: 'p/missing.csv', task: 'multiclass' });
      expect(refused.exitCode).toBe(1);
      expect(refused.errors.at(-1)).toContain(`line 5, column "label": ${message}`);
      expect(refused.errors.at(-1)).toContain('missing-labels: drop');
      const dropped = await evaluate({
        predictions: 'p/missing.csv',
        task: 'multiclass',
        'missing-labels': 'drop',
        bootstrap: '0',
      });
      expect(dropped.errors).toEqual([]);
      expect(dropped.warnings).toEqual([
        expect.stringMatching(
          /Left out 1 rows .* label is missing \(the first at line 5\).*other 9 rows/,
        ),
      ]);
      const report = await reportOf(dropped.outputs.metrics!);
      expect(report.evaluation!.rows).toBe(9);
      expect(report.metrics.accuracy!.value).toBeCloseTo(7 / 9, 12);
    },
  );

  it("reads missing labels as a schema's missingValues say, when missing-values lists them", async () => {
    const rows = pandasRows.map((row, i) => (i === 3 ? ['-999', row[1]!] : row));
    await job.write('p/sentinel.csv', csv('label,prediction', rows));
    // By default -999 is a number, so a class: the file is read, with -999 among the labels.
    const asClass = await evaluate({ predictions: 'p/sentinel.csv', task: 'multiclass' });
    expect(asClass.errors).toEqual([]);
    const refused = await evaluate({
      predictions: 'p/sentinel.csv',
      task: 'multiclass',
      'missing-values': '-999\nn/a',
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.at(-1)).toContain(
      'line 5, column "label": the label "-999" is a missing value, not a class',
    );
    const dropped = await evaluate({
      predictions: 'p/sentinel.csv',
      task: 'multiclass',
      'missing-values': '-999',
      'missing-labels': 'drop',
      bootstrap: '0',
    });
    expect(dropped.errors).toEqual([]);
    expect((await reportOf(dropped.outputs.metrics!)).evaluation!.rows).toBe(9);
  });

  it('fails with both sets shown when labels and predictions barely share a class', async () => {
    const names = ['cat', 'dog', 'bird'];
    await job.write(
      'p/encoded.csv',
      csv(
        'label,prediction',
        truth.map((t, i) => [names[t]!, guess[i]!]),
      ),
    );
    const result = await evaluate({ predictions: 'p/encoded.csv', task: 'multiclass' });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(
      /barely share a class: 0 of 10 predictions .* Labels: "cat", "dog", "bird"\. Predictions: "0", "1", "2"\./,
    );
  });

  it("lists a metric it cannot compute with scikit-learn's reason, in the report and the summary", async () => {
    await job.write(
      'p/one-class.csv',
      csv('label,prediction,score', [
        [1, 1, 0.9],
        [1, 0, 0.3],
        [1, 1, 0.7],
      ]),
    );
    const result = await evaluate({
      predictions: 'p/one-class.csv',
      task: 'binary',
      'score-columns': 'score',
      bootstrap: '0',
    });
    expect(result.errors).toEqual([]);
    const report = await reportOf(result.outputs.metrics!);
    expect(report.metrics.roc_auc).toBeUndefined();
    expect(report.skipped).toEqual({
      roc_auc: 'Only one class present in y_true. ROC AUC score is not defined in that case.',
    });
    expect(result.summary).toMatch(
      /\| Not computed \| Why \|[^]*\| roc\\_auc \| Only one class present in y\\_true\. ROC AUC score is not defined in that case\. \|/,
    );
  });

  it('says why a scored class without labels has no one-vs-rest ROC AUC', async () => {
    await job.write(
      'p/absent.csv',
      csv('label,prediction,a,b,c', [
        ['a', 'a', 0.7, 0.2, 0.1],
        ['b', 'a', 0.5, 0.4, 0.1],
        ['b', 'b', 0.1, 0.8, 0.1],
        ['a', 'c', 0.3, 0.3, 0.4],
      ]),
    );
    const result = await evaluate({
      predictions: 'p/absent.csv',
      task: 'multiclass',
      'score-columns': 'a\nb\nc',
      bootstrap: '0',
    });
    const report = await reportOf(result.outputs.metrics!);
    expect(report.metrics.log_loss).toBeDefined();
    expect(report.skipped?.roc_auc_ovr).toMatch(
      /^Only one class present in y_true\. ROC AUC score is not defined in that case\. \(one-vs-rest for class "c", which no row has as its label\)$/,
    );
  });

  it('accepts probabilities rounded to 4 decimals, and keeps the point metrics when probabilities are bad', async () => {
    const rows = (sum: number) =>
      truth.map((t, i) => {
        const p = [0.3333, 0.3333, 0.3334].map((v, c) => (c === t ? v + 0.0001 : v));
        return [t, guess[i]!, ...(i === 4 ? p.map((v) => (v * sum) / 1.0001) : p)];
      });
    await job.write('p/rounded.csv', csv('label,prediction,p0,p1,p2', rows(1.0001)));
    const inputs = { task: 'multiclass', 'score-columns': '0=p0\n1=p1\n2=p2', bootstrap: '0' };
    const rounded = await evaluate({ predictions: 'p/rounded.csv', ...inputs });
    expect(rounded.errors).toEqual([]);
    const report = await reportOf(rounded.outputs.metrics!);
    expect(Object.keys(report.metrics)).toEqual(
      expect.arrayContaining(['accuracy', 'log_loss', 'roc_auc_ovr', 'average_precision']),
    );
    expect(report.skipped).toBeUndefined();
    await job.write('p/bad.csv', csv('label,prediction,p0,p1,p2', rows(0.8)));
    const bad = await evaluate({ predictions: 'p/bad.csv', ...inputs });
    expect(bad.errors).toEqual([]);
    const badReport = await reportOf(bad.outputs.metrics!);
    expect(badReport.metrics.accuracy!.value).toBe(0.8);
    expect(badReport.metrics.log_loss).toBeUndefined();
    expect(Object.keys(badReport.skipped!).sort()).toEqual([
      'average_precision',
      'log_loss',
      'roc_auc_ovr',
      'roc_auc_ovr_weighted',
    ]);
    expect(badReport.skipped!.log_loss).toMatch(
      /^Target scores need to be probabilities for multiclass roc_auc, i\.e\. they should sum up to 1\.0 over classes \(line 6: .* sum to 0\.8/,
    );
    expect(bad.warnings).toEqual([expect.stringMatching(/are not probabilities, .*line 6/)]);
  });

  it('reports the regression metrics a user gates on, with their reasons when undefined', async () => {
    await job.write(
      'p/regression.csv',
      csv('label,prediction', [
        [1, 1.5],
        [-2, -1],
        [3, 3.25],
      ]),
    );
    const result = await evaluate({
      predictions: 'p/regression.csv',
      task: 'regression',
      bootstrap: '0',
    });
    const report = await reportOf(result.outputs.metrics!);
    expect(report.metrics.max_error!.value).toBe(1);
    expect(report.metrics.d2_absolute_error_score).toBeDefined();
    // prediction − label: 0.5, 1, 0.25; numpy's percentile interpolates between ranks.
    const residuals = report.residuals!;
    expect(Object.keys(residuals)).toEqual(['p5', 'p25', 'p50', 'p75', 'p95']);
    for (const [q, expected] of Object.entries({
      p5: 0.275,
      p25: 0.375,
      p50: 0.5,
      p75: 0.75,
      p95: 0.95,
    }))
      expect(residuals[q as keyof typeof residuals], q).toBeCloseTo(expected, 12);
    expect(report.skipped).toEqual({
      mean_squared_log_error:
        'Mean Squared Logarithmic Error cannot be used when targets contain negative values.',
    });
  });
});
