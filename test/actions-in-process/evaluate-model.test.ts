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
