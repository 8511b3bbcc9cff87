import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../shared/lineage/manifest.js';
import { metricsReportSchema } from '../../shared/metrics/report.js';
import { actionMetadata } from '../harness/run-bundle.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
const command = 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
const train = (overrides: Record<string, string> = {}) =>
  run('train-model', job, { 'model-name': 'churn', run: command, config: 'examples/churn/config.json', data: 'data/train.csv\ndata/eval.csv', outputs: 'model/model.json\nmodel/predictions.csv', ...overrides });

describe('train-model bundle', () => {
  it('trains, writes a manifest that lists every output with its sha256, and sets every declared output', async () => {
    const result = await train();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys((await actionMetadata('train-model')).outputs).sort());
    const manifest = manifestSchema.parse(JSON.parse(await readFile(result.outputs.manifest!, 'utf8')));
    expect(manifest).toMatchObject({ model: { name: 'churn', version: result.outputs.version }, fingerprint: result.outputs.fingerprint, seed: 0, command });
    expect(manifest.outputs.map((o) => o.path)).toEqual(['model/model.json', 'model/predictions.csv']);
    expect(manifest.data.map((d) => d.path)).toEqual(['data/train.csv', 'data/eval.csv']);
    expect(manifest.git).toMatchObject({ repository: 'Codertocat/Hello-World', runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/8675309' });
    expect(result.outputs['model-path']).toBe(join(job.workspace, 'model/model.json'));
    expect(result.stdout).toMatch(/Epoch|epoch/);
  });

  it('gives the same fingerprint for the same inputs, also when the config is only reformatted', async () => {
    const first = await train();
    const config = JSON.parse(await readFile(join(job.workspace, 'examples/churn/config.json'), 'utf8')) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(config).reverse());
    await job.write('config-reformatted.json', JSON.stringify(reordered, null, 8));
    const second = await train({ config: 'config-reformatted.json' });
    expect(second.outputs.fingerprint).toBe(first.outputs.fingerprint);
  });

  it.each([
    ['a config value', async () => ({ config: await job.write('config-changed.json', (await readFile(join(job.workspace, 'examples/churn/config.json'), 'utf8')).replace(/"epochs":\s*\d+/, '"epochs": 7')) })],
    ['the seed', async () => ({ seed: '1' })],
    ['a data file', async () => ({ data: 'data/train.csv' })],
    ['the command', async () => ({ run: `${command} # changed` })],
  ])('changes the fingerprint when %s changes', async (_what, change) => {
    const base = await train();
    const changed = await train(await change());
    expect(changed.exitCode, changed.stdout).toBe(0);
    expect(changed.outputs.fingerprint).not.toBe(base.outputs.fingerprint);
  });

  it('passes the pins to the command in its environment', async () => {
    const result = await train({ run: 'mkdir -p pins && printf "%s %s %s %s" "$MLOPS_CONFIG" "$MLOPS_SEED" "$PYTHONHASHSEED" "${INPUT_RUN:-none}" > pins/env.txt', outputs: 'pins/env.txt', seed: '7' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(await readFile(join(job.workspace, 'pins/env.txt'), 'utf8')).toBe(`${join(job.workspace, 'examples/churn/config.json')} 7 7 none`);
  });

  it.each([
    ['a failing command', { run: 'echo training...; exit 3' }, /The training command exited with code 3\. Its output is in the log above/],
    ['a failing stage of a pipe', { run: 'false | cat' }, /exited with code 1/],
    ['an output the command did not write', { run: 'true', outputs: 'model/never.bin' }, /the output "model\/never.bin" listed in "outputs" is missing/],
    ['a missing config', { config: 'nope.yaml' }, /config file "nope.yaml" does not exist/],
    ['a seed out of range', { seed: '-1' }, /input "seed" must be a whole number from 0 to 4294967295; got "-1"/],
    ['a bad model name', { 'model-name': 'churn model' }, /input "model-name" must start with a letter or digit/],
  ])('ends with a clear error on %s', async (_case, overrides, pattern) => {
    expectUserError(await train(overrides), pattern);
  });
});

describe('evaluate-model bundle', () => {
  it('computes accuracy from the predictions and writes the metrics report', async () => {
    const trained = await train();
    const result = await run('evaluate-model', job, { 'model-name': 'churn', predictions: 'model/predictions.csv', task: 'binary', manifest: trained.outputs.manifest! });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys((await actionMetadata('evaluate-model')).outputs).sort());
    const report = metricsReportSchema.parse(JSON.parse(await readFile(result.outputs.metrics!, 'utf8')));
    const rows = (await readFile(join(job.workspace, 'model/predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
    const expected = rows.filter((r) => r[2] === r[3]).length / rows.length;
    expect(report).toMatchObject({ model: 'churn', version: trained.outputs.version, fingerprint: trained.outputs.fingerprint, task: 'binary', metrics: { accuracy: { value: expected, n: 200 } } });
    expect(JSON.parse(result.outputs.summary!)).toEqual({ accuracy: expected });
  });

  it('computes rmse and mae for regression', async () => {
    await job.write('reg.csv', 'y,yhat\n1,2\n2,2\n3,5\n');
    const result = await run('evaluate-model', job, { 'model-name': 'reg', predictions: 'reg.csv', task: 'regression', 'label-column': 'y', 'prediction-column': 'yhat' });
    expect(JSON.parse(result.outputs.summary!)).toEqual({ rmse: Math.sqrt(5 / 3), mae: 1 });
  });

  it.each([
    ['a missing label column', { predictions: 'model/predictions.csv', task: 'binary', 'label-column': 'target' }, /predictions file "model\/predictions.csv" has no column "target" \(input label-column\)\. Its columns are: "customer_id"/],
    ['an empty prediction', { predictions: 'holes.csv', task: 'binary' }, /"holes.csv", line 3: column "prediction" is empty/],
    ['a NaN prediction in regression', { predictions: 'nan.csv', task: 'regression' }, /"nan.csv", line 2, column "prediction": row 1: the prediction "NaN" is not a finite number/],
    ['an unknown task', { predictions: 'model/predictions.csv', task: 'ranking' }, /input "task" must be one of binary, multiclass, regression; got "ranking"/],
    ['a manifest of another model', { predictions: 'model/predictions.csv', task: 'binary', manifest: 'other-manifest.json' }, /other-manifest.json" is not valid|is for model/],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write('holes.csv', 'label,prediction\n1,1\n0,\n');
    await job.write('nan.csv', 'label,prediction\n1.5,NaN\n');
    await job.write('other-manifest.json', '{"format": "mlops-actions/model-manifest@1"}');
    expectUserError(await run('evaluate-model', job, { 'model-name': 'churn', ...inputs }), pattern);
  });
});
