import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../shared/lineage/manifest.js';
import { metricsReportSchema } from '../../shared/metrics/report.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
const command =
  'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
const trainInputs = (overrides: Record<string, string> = {}) => ({
  'model-name': 'churn',
  run: command,
  config: 'examples/churn/config.json',
  data: 'data/train.csv\ndata/eval.csv',
  outputs: 'model/model.json\nmodel/predictions.csv',
  ...overrides,
});
const train = (overrides: Record<string, string> = {}) =>
  run('train-model', job, trainInputs(overrides));

describe('train-model bundle', () => {
  it('trains, writes a manifest that lists every output with its sha256, and sets every declared output', async () => {
    const result = await train();
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('train-model')).outputs).sort(),
    );
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(result.outputs.manifest!, 'utf8')),
    );
    expect(manifest).toMatchObject({
      model: { name: 'churn', version: result.outputs.version },
      fingerprint: result.outputs.fingerprint,
      seed: 0,
      command,
    });
    expect(manifest.outputs.map((o) => o.path)).toEqual([
      'model/model.json',
      'model/predictions.csv',
    ]);
    expect(manifest.data.map((d) => d.path)).toEqual(['data/train.csv', 'data/eval.csv']);
    expect(manifest.git).toMatchObject({
      repository: 'Codertocat/Hello-World',
      runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/8675309',
    });
    expect(result.outputs['model-path']).toBe(join(job.workspace, 'model/model.json'));
    expect(result.stdout).toMatch(/Epoch|epoch/);
  });

  it('gives the same fingerprint for the same inputs, also when the config is only reformatted', async () => {
    const first = await train();
    const path = 'examples/churn/config.json';
    const original = await readFile(join(job.workspace, path), 'utf8');
    const config = JSON.parse(original) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(config).reverse());
    // Reformatted in place: a tracked file, so the default code setting (the git tree) sees it.
    await job.write(path, JSON.stringify(reordered, null, 8));
    try {
      const second = await train();
      expect(second.outputs.fingerprint).toBe(first.outputs.fingerprint);
    } finally {
      await job.write(path, original);
    }
  });

  it.each([
    [
      'a config value',
      async () => ({
        config: await job.write(
          'config-changed.json',
          (await readFile(join(job.workspace, 'examples/churn/config.json'), 'utf8')).replace(
            /"epochs":\s*\d+/,
            '"epochs": 7',
          ),
        ),
      }),
    ],
    ['the seed', async () => ({ seed: '1' })],
    ['a data file', async () => ({ data: 'data/train.csv' })],
    ['the command', async () => ({ run: `${command} # changed` })],
  ])('changes the fingerprint when %s changes', async (_what, change) => {
    const base = await train();
    const changed = await train(await change());
    expect(changed.exitCode, changed.stdout).toBe(0);
    expect(changed.outputs.fingerprint).not.toBe(base.outputs.fingerprint);
  });

  it('passes the pins to the command in its environment, and records them', async () => {
    const variables = [
      'MLOPS_CONFIG',
      'MLOPS_MODEL_NAME',
      'MLOPS_SEED',
      'PYTHONHASHSEED',
      'PL_GLOBAL_SEED',
      'CUBLAS_WORKSPACE_CONFIG',
      'TF_DETERMINISTIC_OPS',
      'TF_CUDNN_DETERMINISTIC',
    ];
    const print = variables.map((name) => `"$${name}"`).join(' ');
    // The command is the pull request's code: it gets what a run: step gets, not the action's
    // inputs nor the service tokens the runner gives actions only.
    const result = await train({
      run: `mkdir -p pins && printf "%s|" ${print} "\${INPUT_RUN:-none}" "\${ACTIONS_RUNTIME_TOKEN:-none}" "\${ACTIONS_RESULTS_URL:-none}" > pins/env.txt`,
      outputs: 'pins/env.txt',
      seed: '7',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(await readFile(join(job.workspace, 'pins/env.txt'), 'utf8')).toBe(
      `${join(job.workspace, 'examples/churn/config.json')}|churn|7|7|7|:4096:8|1|1|none|none|none|`,
    );
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(result.outputs.manifest!, 'utf8')),
    );
    expect(manifest.environment).toMatchObject({
      MLOPS_CONFIG: 'examples/churn/config.json',
      MLOPS_SEED: '7',
      CUBLAS_WORKSPACE_CONFIG: ':4096:8',
    });
  });

  it('gives the same fingerprint in another checkout at another path, as on another machine', async () => {
    const elsewhere = await exampleWorkspace();
    const [here, there] = [await train(), await run('train-model', elsewhere, trainInputs())];
    expect(there.exitCode, there.stdout).toBe(0);
    expect(there.outputs.fingerprint).toBe(here.outputs.fingerprint);
  });

  it('fingerprints the git tree: a change to tracked code counts, an untracked file does not', async () => {
    const base = await train();
    await job.write('notes/scratch.txt', 'untracked');
    expect((await train()).outputs.fingerprint).toBe(base.outputs.fingerprint);
    const script = join(job.workspace, 'examples/churn/train.mjs');
    const original = await readFile(script, 'utf8');
    await writeFile(script, `${original}\n// a comment is a change\n`);
    const edited = await train();
    await writeFile(script, original);
    expect(edited.outputs.fingerprint).not.toBe(base.outputs.fingerprint);
    expect((await train()).outputs.fingerprint).toBe(base.outputs.fingerprint);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(base.outputs.manifest!, 'utf8')),
    );
    // The example's 8 tracked files less the config, which counts by its canonical form.
    expect(manifest.code).toMatchObject({ source: 'git', files: 7 });
  });

  it('fingerprints only the code named in "code" when it is set, and takes globs in "data"', async () => {
    const inputs = { code: 'examples/churn/*.mjs', data: 'data/*.csv' };
    const base = await train(inputs);
    expect(base.exitCode, base.stdout).toBe(0);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(base.outputs.manifest!, 'utf8')),
    );
    // generate-data, random, serve and train.
    expect(manifest.code).toMatchObject({ source: 'paths', files: 4 });
    expect(manifest.data.map((d) => d.path)).toEqual(['data/eval.csv', 'data/train.csv']);
    const gates = join(job.workspace, 'examples/churn/gates.yaml');
    const original = await readFile(gates, 'utf8');
    await writeFile(gates, `${original}# not code\n`);
    const unrelated = await train(inputs);
    await writeFile(gates, original);
    expect(unrelated.outputs.fingerprint).toBe(base.outputs.fingerprint);
    expectUserError(
      await train({ data: 'data/*.parquet' }),
      /The data file pattern "data\/\*\.parquet" matches no file/,
    );
  });

  it('fingerprints the lock files it finds, and reports unpinned requirements with file and line', async () => {
    const base = await train();
    await job.write('requirements.txt', '# pinned\nnumpy==1.26.4\nscikit-learn>=1.2\npandas\n');
    const warned = await train();
    expect(warned.exitCode, warned.stdout).toBe(0);
    expect(warned.outputs.fingerprint).not.toBe(base.outputs.fingerprint);
    const warnings = warned.annotations.filter((a) => a.command === 'warning');
    expect(warnings.map((w) => [w.properties.file, w.properties.line, w.message])).toEqual([
      [
        'requirements.txt',
        '3',
        expect.stringMatching(
          /"scikit-learn" allows a range \(>=1\.2\): write scikit-learn==<version> instead/,
        ),
      ],
      ['requirements.txt', '4', expect.stringMatching(/"pandas" has no version/)],
    ]);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(warned.outputs.manifest!, 'utf8')),
    );
    expect(manifest.lockFiles!.map((l) => l.path)).toEqual(['requirements.txt']);
    expect(manifest.unpinned).toHaveLength(2);
    expectUserError(
      await train({ 'strict-pins': 'error' }),
      /strict-pins is "error" and 2 dependencies are not pinned: requirements.txt:3: "scikit-learn" allows a range .* requirements.txt:4: "pandas" has no version/,
    );
    const off = await train({ 'strict-pins': 'off' });
    expect(off.annotations.filter((a) => a.command === 'warning')).toEqual([]);
    await job.write('requirements.txt', 'numpy==1.26.4\n');
    expect((await train({ 'strict-pins': 'error' })).exitCode).toBe(0);
    await rm(join(job.workspace, 'requirements.txt'));
  });

  it('issue 15: types count in the config, -e without a commit and -r includes are caught, the manifest records the runtime', async () => {
    const trivial = { run: 'mkdir -p t15 && echo m > t15/model.bin', outputs: 't15/model.bin' };
    const withConfig = async (text: string, extra: Record<string, string> = {}) =>
      train({ config: await job.write('t15/config.yaml', text), ...trivial, ...extra });
    const integer = await withConfig('n_estimators: 50\n');
    const float = await withConfig('n_estimators: 50.0\n');
    expect(integer.exitCode, integer.stdout).toBe(0);
    expect(float.outputs.fingerprint).not.toBe(integer.outputs.fingerprint);
    // Re-indented and commented, default code setting (the git tree, the config tracked or not).
    const reindented = await withConfig('n_estimators:    50   # trees\n');
    expect(reindented.outputs.fingerprint).toBe(integer.outputs.fingerprint);

    await job.write('requirements.txt', 'numpy==1.26.4\n-r requirements/dev.txt\n');
    await job.write('requirements/dev.txt', '-e git+https://github.com/o/lib#egg=lib\n');
    try {
      expectUserError(
        await withConfig('n_estimators: 50\n', { 'strict-pins': 'error' }),
        /requirements\/dev.txt:1: "-e git\+https:\/\/github.com\/o\/lib#egg=lib" installs whatever that git reference holds .* -e git\+https:\/\/github.com\/o\/lib@<40-hex commit sha>#egg=lib/,
      );
    } finally {
      await rm(join(job.workspace, 'requirements'), { recursive: true, force: true });
      await rm(join(job.workspace, 'requirements.txt'), { force: true });
    }

    const imaged = await withConfig('n_estimators: 50\n', {});
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(imaged.outputs.manifest!, 'utf8')),
    );
    expect(manifest.runtime?.python?.version).toMatch(/^3\.\d+\.\d+$/);
    expect(manifest.runtime?.python?.packages?.length).toBeGreaterThan(0);
    expect(manifest.runtime?.osRelease?.id).toMatch(/\w/);
  });

  it('records every file of an output folder', async () => {
    const result = await train({
      run: 'mkdir -p bundle/sub && echo a > bundle/a.txt && echo b > bundle/sub/b.txt',
      outputs: 'bundle',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(result.outputs.manifest!, 'utf8')),
    );
    expect(manifest.outputs.map((o) => o.path)).toEqual(['bundle/a.txt', 'bundle/sub/b.txt']);
  });

  it('warns that no code is fingerprinted outside a git repository, or one git cannot read, when "code" is empty', async () => {
    await rename(join(job.workspace, '.git'), join(job.workspace, '.git-away'));
    try {
      const result = await train();
      expect(result.exitCode, result.stdout).toBe(0);
      expect(
        result.annotations
          .filter((a) => a.command === 'warning')
          .map((a) => a.message)
          .join('\n'),
      ).toMatch(/not in a git repository and input "code" is empty/);
      // A repository git cannot read (here a broken worktree link) warns with git's reason.
      await job.write('.git', 'gitdir: /nonexistent/worktree\n');
      const broken = await train();
      expect(broken.exitCode, broken.stdout).toBe(0);
      expect(
        broken.annotations
          .filter((a) => a.command === 'warning')
          .map((a) => a.message)
          .join('\n'),
      ).toMatch(/git could not list the files of .*\(fatal: .*\) and input "code" is empty/);
      await rm(join(job.workspace, '.git'));
    } finally {
      await rename(join(job.workspace, '.git-away'), join(job.workspace, '.git'));
    }
  });

  it.each([
    [
      'a failing command',
      { run: 'echo training...; exit 3' },
      /The training command exited with code 3\. Its output is in the log above this message\. Command: echo training\.\.\.; exit 3/,
    ],
    ['a failing stage of a pipe', { run: 'false | cat' }, /exited with code 1/],
    [
      'an output the command did not write',
      { run: 'true', outputs: 'model/never.bin' },
      /the output "model\/never.bin" listed in "outputs" is missing/,
    ],
    ['a missing config', { config: 'nope.yaml' }, /config file "nope.yaml" does not exist/],
    [
      'a seed out of range',
      { seed: '-1' },
      /input "seed" must be a whole number from 0 to 4294967295; got "-1"/,
    ],
    [
      'a bad model name',
      { 'model-name': 'churn model' },
      /input "model-name" must start with a letter or digit/,
    ],
  ])('ends with a clear error on %s', async (_case, overrides, pattern) => {
    expectUserError(await train(overrides), pattern);
  });
});

describe('evaluate-model bundle', () => {
  const evaluate = (inputs: Record<string, string>) =>
    run('evaluate-model', job, { 'model-name': 'churn', ...inputs });

  it('reads predictions as JSON Lines the same as CSV', async () => {
    const csv = (await readFile(join(job.workspace, 'model/predictions.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const [header, ...rows] = csv;
    await job.write(
      'model/predictions.jsonl',
      rows
        .map((row) =>
          JSON.stringify(Object.fromEntries(header!.map((column, i) => [column, row[i]]))),
        )
        .join('\n') + '\n',
    );
    const inputs = { task: 'binary', 'score-columns': 'score', bootstrap: '50' };
    const [fromCsv, fromJsonl] = [
      await evaluate({ predictions: 'model/predictions.csv', ...inputs }),
      await evaluate({ predictions: 'model/predictions.jsonl', ...inputs }),
    ];
    expect(fromJsonl.exitCode, fromJsonl.stdout).toBe(0);
    const report = async (result: typeof fromCsv) =>
      JSON.parse(await readFile(result.outputs.metrics!, 'utf8'));
    const [a, b] = [await report(fromCsv), await report(fromJsonl)];
    expect(b.metrics).toEqual(a.metrics);
    expect(b.evaluation.dataSha256).toBe(a.evaluation.dataSha256);
  });

  it('computes the metric suite with intervals and slices from the predictions, and writes the metrics report', async () => {
    const trained = await train();
    const inputs = {
      predictions: 'model/predictions.csv',
      task: 'binary',
      'score-columns': 'score',
      slices: 'contract',
      bootstrap: '200',
      'min-slice-size': '50',
      manifest: trained.outputs.manifest!,
    };
    const result = await evaluate(inputs);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('evaluate-model')).outputs).sort(),
    );
    const report = metricsReportSchema.parse(
      JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
    );
    const rows = (await readFile(join(job.workspace, 'model/predictions.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const expected = rows.filter((r) => r[2] === r[3]).length / rows.length;
    expect(report).toMatchObject({
      model: 'churn',
      version: trained.outputs.version,
      fingerprint: trained.outputs.fingerprint,
      task: 'binary',
      metrics: { accuracy: { value: expected, n: 200 } },
    });
    expect(report.bootstrap).toEqual({
      method: 'poisson-bootstrap, percentile interval',
      resamples: 200,
      confidence: 0.95,
      seed: 0,
    });
    for (const name of [
      'accuracy',
      'balanced_accuracy',
      'precision',
      'recall',
      'f1',
      'f1_macro',
      'matthews_corrcoef',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier_score',
      'precision.0',
      'recall.1',
    ]) {
      const metric = report.metrics[name]!;
      expect(metric, name).toBeDefined();
      expect(metric.ci![0], name).toBeLessThanOrEqual(metric.value);
      expect(metric.ci![1], name).toBeGreaterThanOrEqual(metric.value);
    }
    expect(report.confusionMatrix!.classes).toEqual(['0', '1']);
    expect(report.confusionMatrix!.matrix.flat().reduce((a, b) => a + b)).toBe(200);
    // One slice per contract value, each with its rows; accuracy per slice from the rows themselves.
    const contracts = [...new Set(rows.map((r) => r[1]!))];
    expect(Object.keys(report.slices).sort()).toEqual(contracts.map((c) => `contract=${c}`).sort());
    for (const contract of contracts) {
      const mine = rows.filter((r) => r[1] === contract);
      expect(report.sliceSummary!.slices[`contract=${contract}`]).toEqual({
        column: 'contract',
        value: contract,
        rows: mine.length,
        small: mine.length < 50,
      });
      expect(report.slices[`contract=${contract}`]!.accuracy!.value).toBeCloseTo(
        mine.filter((r) => r[2] === r[3]).length / mine.length,
        12,
      );
    }
    expect(result.summary).toContain('Worst slice');
    expect(JSON.parse(result.outputs.summary!)).toMatchObject({ accuracy: expected });
    // Seeded: a second run gives the same intervals.
    const again = metricsReportSchema.parse(
      JSON.parse(await readFile((await evaluate(inputs)).outputs.metrics!, 'utf8')),
    );
    expect(again.metrics).toEqual(report.metrics);
    expect(again.slices).toEqual(report.slices);
  });

  it('computes the regression metrics, weighted', async () => {
    await job.write('reg.csv', 'y,yhat,w\n1,2,1\n2,2,1\n3,5,2\n');
    const result = await evaluate({
      'model-name': 'reg',
      predictions: 'reg.csv',
      task: 'regression',
      'label-column': 'y',
      'prediction-column': 'yhat',
      'weight-column': 'w',
      bootstrap: '0',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const summary = JSON.parse(result.outputs.summary!) as Record<string, number>;
    expect(summary).toMatchObject({ mae: 5 / 4, mse: 9 / 4, rmse: 1.5 });
    expect(Object.keys(summary).sort()).toEqual([
      'd2_absolute_error_score',
      'explained_variance',
      'mae',
      'mape',
      'max_error',
      'mean_squared_log_error',
      'median_absolute_error',
      'mse',
      'r2',
      'rmse',
    ]);
  });

  it('compares pandas-written 0.0 with 0, drops a NaN label when asked, and keeps accuracy when probabilities are bad (issue 15)', async () => {
    // Integer labels, float predictions (as pandas writes them), one NaN label, one row whose
    // probabilities sum to 0.8, the others rounded to 4 decimals (1.0001).
    const rows = [
      [0, '0.0', 0.5001, 0.25, 0.25],
      [1, '1.0', 0.25, 0.5001, 0.25],
      [2, '2.0', 0.25, 0.25, 0.5001],
      ['NaN', '2.0', 0.25, 0.25, 0.5001],
      [0, '1.0', 0.3, 0.4, 0.1],
      [1, '1.0', 0.25, 0.5001, 0.25],
    ];
    await job.write(
      'p15.csv',
      `label,prediction,p0,p1,p2\n${rows.map((r) => r.join(',')).join('\n')}\n`,
    );
    const result = await evaluate({
      predictions: 'p15.csv',
      task: 'multiclass',
      'score-columns': '0=p0\n1=p1\n2=p2',
      'missing-labels': 'drop',
      bootstrap: '0',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const report = metricsReportSchema.parse(
      JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
    );
    expect(report.evaluation!.rows).toBe(5);
    expect(report.metrics.accuracy!.value).toBe(0.8);
    expect(report.metrics.log_loss).toBeUndefined();
    expect(report.skipped!.log_loss).toMatch(/should sum up to 1\.0 over classes \(line 6: /);
    expect(result.stdout).toMatch(/::warning[^\n]*Left out 1 rows[^\n]*line 5/);
  });

  it("takes a metrics file written by the user's own code, flattening nested keys with dots", async () => {
    await job.write('my-metrics.yaml', 'val:\n  acc: 0.91\n  loss: 0.3\nepochs: 12\nnote: text\n');
    const result = await evaluate({ metrics: 'my-metrics.yaml' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(JSON.parse(result.outputs.summary!)).toEqual({
      'val.acc': 0.91,
      'val.loss': 0.3,
      epochs: 12,
    });
    const report = metricsReportSchema.parse(
      JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
    );
    expect(report.metrics['val.acc']).toEqual({ value: 0.91 });
  });

  it.each([
    [
      'a missing label column',
      { predictions: 'model/predictions.csv', task: 'binary', 'label-column': 'target' },
      /predictions file "model\/predictions.csv" has no column "target" \(input label-column\)\. Its columns are: "customer_id"/,
    ],
    [
      'a missing score column',
      { predictions: 'model/predictions.csv', task: 'binary', 'score-columns': 'proba' },
      /has no column "proba" \(input score-columns\)/,
    ],
    [
      'an empty prediction',
      { predictions: 'holes.csv', task: 'binary' },
      /"holes.csv", line 3, column "prediction": the value is empty/,
    ],
    [
      'a NaN prediction in regression',
      { predictions: 'nan.csv', task: 'regression' },
      /"nan.csv", line 2, column "prediction": the prediction "NaN" is not a finite number/,
    ],
    [
      'a NaN prediction in classification',
      { predictions: 'nan-class.csv', task: 'multiclass' },
      /"nan-class.csv", line 3, column "prediction": the prediction is "nan", a missing value/,
    ],
    [
      'a class without a probability column',
      { predictions: 'proba.csv', task: 'multiclass', 'score-columns': 'a=pa\nb=pb' },
      /"proba.csv", line 2, column "label": the class "c" has no probability column; "score-columns" covers "a", "b"/,
    ],
    [
      'a third class in a binary task',
      { predictions: 'proba.csv', task: 'binary', 'positive-label': 'a' },
      /"proba.csv", line 4, column "label": "b" is a third class beside "a" and "c", but "task" is binary \(positive class "a"\)/,
    ],
    [
      'a negative weight',
      { predictions: 'weights.csv', task: 'binary', 'weight-column': 'w' },
      /"weights.csv", line 3, column "w": the weight -1 is negative/,
    ],
    [
      'an unknown task',
      { predictions: 'model/predictions.csv', task: 'ranking' },
      /input "task" must be one of binary, multiclass, regression; got "ranking"/,
    ],
    [
      'predictions without a task',
      { predictions: 'model/predictions.csv' },
      /Input "task" is required with "predictions"/,
    ],
    [
      'both a metrics file and predictions',
      { predictions: 'model/predictions.csv', metrics: 'my-metrics.yaml' },
      /cannot be set beside it: give either "metrics" or "predictions"/,
    ],
    ['neither', {}, /Give either "predictions" .* or "metrics"/],
    [
      'a manifest of another model',
      { predictions: 'model/predictions.csv', task: 'binary', manifest: 'other-manifest.json' },
      /other-manifest.json" is not valid|is for model/,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write('holes.csv', 'label,prediction\n1,1\n0,\n');
    await job.write('nan.csv', 'label,prediction\n1.5,NaN\n');
    await job.write('nan-class.csv', 'label,prediction\na,a\nb,nan\n');
    await job.write(
      'proba.csv',
      'label,prediction,pa,pb,pc\nc,a,0.2,0.3,0.5\na,a,0.5,0.3,0.1\nb,b,1.5,0,0\n',
    );
    await job.write(
      'proba-high.csv',
      'label,prediction,pa,pb,pc\na,a,0.5,0.3,0.2\nb,b,1.5,-0.5,0\n',
    );
    await job.write('weights.csv', 'label,prediction,w\n1,1,2\n0,1,-1\n');
    await job.write('my-metrics.yaml', 'acc: 0.9\n');
    await job.write('other-manifest.json', '{"format": "mlops-actions/model-manifest@1"}');
    expectUserError(await evaluate(inputs), pattern);
  });

  it.each([
    [
      'probabilities that do not sum to 1',
      'label,prediction,pa,pb,pc\nc,a,0.2,0.3,0.5\na,a,0.5,0.3,0.1\nb,b,0.1,0.8,0.1\n',
      /^Target scores need to be probabilities .* \(line 3: the probabilities in columns "pa", "pb", "pc" sum to 0\.9/,
    ],
    [
      'a probability above 1',
      'label,prediction,pa,pb,pc\na,a,0.5,0.3,0.2\nb,b,1.5,-0.5,0\nc,b,0.1,0.1,0.8\n',
      /^y_prob contains values greater than 1\. \(line 3, column "pa": 1\.5;/,
    ],
  ])(
    'computes the point metrics and skips the probability metrics, with the reason, on %s',
    async (_case, text, reason) => {
      await job.write('bad-proba.csv', text);
      const result = await evaluate({
        predictions: 'bad-proba.csv',
        task: 'multiclass',
        'score-columns': 'a=pa\nb=pb\nc=pc',
        bootstrap: '0',
      });
      expect(result.exitCode, result.stdout).toBe(0);
      const report = metricsReportSchema.parse(
        JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
      );
      expect(report.metrics.accuracy).toBeDefined();
      expect(Object.keys(report.skipped!).sort()).toEqual([
        'average_precision',
        'log_loss',
        'roc_auc_ovr',
        'roc_auc_ovr_weighted',
      ]);
      expect(report.skipped!.roc_auc_ovr).toMatch(reason);
    },
  );
});
