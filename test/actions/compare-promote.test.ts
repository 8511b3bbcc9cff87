import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { sharedStandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
const report = (metrics: Record<string, number>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 'mlops-actions/metrics-report@1',
    model: 'churn',
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, n: 100 }])),
    ...extra,
  });
const gates = 'examples/churn/gates.yaml';
// Pull requests are judged by the base branch's gate policy, read through the API: the base
// commit holds the same policies as the checkout (compare-policy.test.ts tests a PR that changes one).
const BASE_SHA = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
  .base.sha;
(await sharedStandIns()).github.commitFiles(BASE_SHA, {
  [gates]: await readFile(join(job.workspace, gates), 'utf8'),
});

describe('compare-metrics bundle', () => {
  it('passes a candidate that improves, with the table in the summary and the comment file', async () => {
    await job.write('cand.json', report({ accuracy: 0.81 }, { version: 'cand1' }));
    await job.write('base.json', report({ accuracy: 0.78 }, { version: 'base1' }));
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'cand.json',
      baseline: 'base.json',
      gates,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('compare-metrics')).outputs).sort(),
    );
    expect(result.outputs).toMatchObject({
      passed: 'true',
      verdict: 'pass',
      'baseline-version': 'base1',
    });
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    expect(comment).toBe(result.summary.trimEnd() + '\n');
    expect(comment.split('\n')[0]).toBe('### churn `cand1` ✅ passes its gates');
    expect(comment).toContain(
      '| Metric | Baseline (`base1`) | Candidate | Δ | Δ% | Rule | Status |',
    );
    expect(comment).toContain(
      '| `accuracy` | 0.78 | 0.81 | +0.03 | +3.85% | higher is better; ≥ 0.7; drop ≤ 0.02 | ✅ pass |',
    );
  });

  it('fails a regression beyond tolerance, with an error annotation, and fails the step', async () => {
    await job.write('worse.json', report({ accuracy: 0.75 }));
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'worse.json',
      baseline: 'base.json',
      gates,
    });
    expectUserError(result, /churn fails its gates/);
    expect(result.outputs).toMatchObject({ passed: 'false', verdict: 'fail' });
    expect(result.annotations.map((a) => a.message)).toContain(
      'churn: accuracy it got worse by 0.03, more than the tolerated 0.02',
    );
  });

  it('reports without failing the step when fail-on-regression is false', async () => {
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'worse.json',
      baseline: 'base.json',
      gates,
      'fail-on-regression': 'false',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('fail');
  });

  it('warns when there is no baseline (on-missing-baseline: warn)', async () => {
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'cand.json',
      gates,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      verdict: 'warn',
      passed: 'true',
      'baseline-version': '',
    });
  });

  it('reads nested DVC-style metrics files, showing added and removed metrics', async () => {
    await job.write(
      'dvc.yaml',
      'train:\n  loss: 0.3\neval:\n  accuracy: 0.8\n  note: text is ignored\n',
    );
    await job.write('dvc-base.json', '{"eval": {"accuracy": 0.79, "auc": 0.8}}');
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'dvc.yaml',
      baseline: 'dvc-base.json',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const comparison = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(
      Object.fromEntries(
        comparison.metrics.map((m: { name: string; status: string }) => [m.name, m.status]),
      ),
    ).toEqual({ 'train.loss': 'added', 'eval.accuracy': 'info', 'eval.auc': 'removed' });
  });

  it('flags a comparison as not like-for-like when the evaluation data differ', async () => {
    const evaluation = (dataSha256: string) => ({
      evaluation: {
        predictions: 'p.csv',
        predictionsSha256: 'e'.repeat(64),
        dataSha256,
        rows: 100,
      },
    });
    await job.write('cand-data-a.json', report({ accuracy: 0.81 }, evaluation('a'.repeat(64))));
    await job.write('base-data-b.json', report({ accuracy: 0.8 }, evaluation('b'.repeat(64))));
    await job.write('base-data-a.json', report({ accuracy: 0.8 }, evaluation('a'.repeat(64))));
    const differs = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'cand-data-a.json',
      baseline: 'base-data-b.json',
      gates,
    });
    expect(differs.exitCode, differs.stdout).toBe(0);
    expect(JSON.parse(await readFile(differs.outputs.report!, 'utf8')).notLikeForLike).toBe(true);
    expect(await readFile(differs.outputs['comment-file']!, 'utf8')).toContain(
      '> Not like-for-like: the baseline and the candidate were evaluated on different data (evaluation data `bbbbbbbbbbbb` vs `aaaaaaaaaaaa`)',
    );
    const same = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'cand-data-a.json',
      baseline: 'base-data-a.json',
      gates,
    });
    expect(JSON.parse(await readFile(same.outputs.report!, 'utf8')).notLikeForLike).toBe(false);
    expect(await readFile(same.outputs['comment-file']!, 'utf8')).not.toContain(
      'Not like-for-like',
    );
  });

  it('renders hostile metric names inert: no HTML, no mentions, no table breaks', async () => {
    await job.write(
      'hostile.json',
      JSON.stringify({
        '<img src=x onerror=alert(1)>': 1,
        '@everyone': 2,
        'a|b\n| fake | row |': 3,
        '[click](https://evil.example)': 4,
      }),
    );
    const result = await run('compare-metrics', job, {
      'model-name': 'churn',
      metrics: 'hostile.json',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    // Code spans show their text literally; everything outside them must be free of markup.
    const outsideCode = comment.replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<img|\]\(https:\/\/evil/);
    expect(comment).not.toMatch(/@everyone/);
    expect(comment).toContain('@\u200Beveryone');
    const lines = comment.split('\n');
    const start = lines.findIndex((line) => line.startsWith('| Metric |'));
    const tableRows = lines.slice(start, lines.indexOf('', start));
    expect(tableRows).toHaveLength(2 + 4);
    for (const row of tableRows) expect(row.split(/(?<!\\)\|/).length).toBe(9);
  });

  it.each([
    [
      'a gate policy with a typo',
      { metrics: 'cand.json', gates: 'typo-gates.yaml' },
      /gate policy "typo-gates.yaml" is not valid: "metrics.accuracy" \(line 3\): Unrecognized key: "max-regresion"/,
    ],
    [
      'a report of another model',
      { metrics: 'other.json' },
      /is a report for model "fraud", but "model-name" is "churn"/,
    ],
    [
      'a metrics file that is a list',
      { metrics: 'list.json' },
      /must be a JSON or YAML object of metrics/,
    ],
    [
      'a non-boolean fail-on-regression',
      { metrics: 'cand.json', 'fail-on-regression': 'yes' },
      /input "fail-on-regression" must be true or false; got "yes"/,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write(
      'typo-gates.yaml',
      'metrics:\n  accuracy:\n    direction: higher\n    max-regresion: 0.1\n',
    );
    await job.write(
      'other.json',
      JSON.stringify({ ...JSON.parse(report({ accuracy: 1 })), model: 'fraud' }),
    );
    await job.write('list.json', '[1, 2]');
    expectUserError(
      await run('compare-metrics', job, { 'model-name': 'churn', ...inputs }),
      pattern,
    );
  });
});

describe('promote-model bundle', () => {
  const command =
    'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
  async function trained() {
    const training = await run('train-model', job, {
      'model-name': 'churn',
      run: command,
      config: 'examples/churn/config.json',
      outputs: 'model/model.json\nmodel/predictions.csv',
    });
    const evaluation = await run('evaluate-model', job, {
      'model-name': 'churn',
      predictions: 'model/predictions.csv',
      task: 'binary',
      manifest: training.outputs.manifest!,
    });
    return {
      manifest: training.outputs.manifest!,
      metrics: evaluation.outputs.metrics!,
      version: training.outputs.version!,
    };
  }

  it('verifies the model files and writes the promotion record', async () => {
    const model = await trained();
    const result = await run('promote-model', job, {
      'model-name': 'churn',
      environment: 'staging',
      manifest: model.manifest,
      metrics: model.metrics,
      gates,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('promote-model')).outputs).sort(),
    );
    const record = JSON.parse(await readFile(result.outputs.record!, 'utf8'));
    // The example gates tolerate a regression against a baseline; with none to compare with,
    // on-missing-baseline: warn applies.
    expect(record).toMatchObject({
      format: 'mlops-actions/promotion@1',
      model: 'churn',
      version: model.version,
      environment: 'staging',
      verdict: 'warn',
    });
    expect(record.metricsDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a tampered model file', async () => {
    const model = await trained();
    await writeFile(join(job.workspace, 'model/model.json'), '{"weights": "swapped"}');
    const result = await run('promote-model', job, {
      'model-name': 'churn',
      environment: 'production',
      manifest: model.manifest,
      metrics: model.metrics,
    });
    expectUserError(
      result,
      /Refusing to promote churn .*: the model files do not match the manifest \("model\/model.json" has sha256/,
    );
  });

  it('refuses a candidate that fails its gates', async () => {
    const model = await trained();
    await job.write(
      'strict-gates.yaml',
      'metrics:\n  accuracy:\n    direction: higher\n    min: 0.99\n',
    );
    const result = await run('promote-model', job, {
      'model-name': 'churn',
      environment: 'production',
      manifest: model.manifest,
      metrics: model.metrics,
      gates: 'strict-gates.yaml',
    });
    expectUserError(
      result,
      /Refusing to promote churn \w+ to production: it fails its gates against its absolute bounds \(no model is in the environment yet\): accuracy: .* is below the minimum 0\.99\. Nothing was recorded/,
    );
  });

  it('refuses a version that is not the manifest’s', async () => {
    const model = await trained();
    const result = await run('promote-model', job, {
      'model-name': 'churn',
      environment: 'production',
      manifest: model.manifest,
      metrics: model.metrics,
      version: 'v9',
    });
    expectUserError(result, /Input "version" is "v9", but the manifest .* describes version/);
  });
});
