/**
 * train-model, evaluate-model and promote-model against the Actions results-service stand-in:
 * @actions/artifact and @actions/cache run unmodified, as on a runner.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
const command =
  'echo run >> runs.log; node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
const train = (inputs: Record<string, string> = {}, jobName = 'train') =>
  run(
    'train-model',
    job,
    {
      'model-name': 'churn',
      run: command,
      config: 'examples/churn/config.json',
      data: 'data/train.csv',
      outputs: 'model/model.json\nmodel/predictions.csv',
      ...inputs,
    },
    { standIns, job: jobName },
  );
const trainingRuns = async () =>
  (await readFile(join(job.workspace, 'runs.log'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean).length;

describe('the run cache', () => {
  it('restores the outputs of an identical fingerprint and skips the command', async () => {
    standIns.newRun();
    const first = await train({ cache: 'true' });
    expect(first.outputs['cache-hit']).toBe('false');
    const runsAfterFirst = await trainingRuns();
    standIns.newRun(); // a later workflow run
    const second = await train({ cache: 'true' });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs['cache-hit']).toBe('true');
    expect(await trainingRuns()).toBe(runsAfterFirst);
    expect(second.outputs.fingerprint).toBe(first.outputs.fingerprint);
    const [a, b] = await Promise.all(
      [first, second].map(async (r) => JSON.parse(await readFile(r.outputs.manifest!, 'utf8'))),
    );
    expect(b.outputs).toEqual(a.outputs);
    expect(b.training.restoredFrom).toMatchObject({ startedAt: a.training.startedAt });
    expect(second.stdout).toMatch(/skipped training that took \d+\.\d s/);
  });

  it('restores whatever the order of outputs, with the runtime of the run that trained (issue 15)', async () => {
    standIns.newRun();
    const first = await train({
      cache: 'true',
      outputs: 'model/predictions.csv\nmodel/model.json',
    });
    expect(first.exitCode, first.stdout).toBe(0);
    standIns.newRun();
    const second = await train({
      cache: 'true',
      outputs: 'model/model.json\nmodel/predictions.csv',
    });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs['cache-hit']).toBe('true');
    const [a, b] = await Promise.all(
      [first, second].map(async (r) => JSON.parse(await readFile(r.outputs.manifest!, 'utf8'))),
    );
    expect(b.runtime).toEqual(a.runtime);
  });

  it('trains when the config changes the fingerprint', async () => {
    const base = await train({ cache: 'true' });
    await job.write(
      'config-more-epochs.json',
      (await readFile(join(job.workspace, 'examples/churn/config.json'), 'utf8')).replace(
        /"epochs":\s*\d+/,
        '"epochs": 250',
      ),
    );
    const before = await trainingRuns();
    const changed = await train({ cache: 'true', config: 'config-more-epochs.json' });
    expect(changed.outputs).toMatchObject({ 'cache-hit': 'false' });
    expect(changed.outputs.fingerprint).not.toBe(base.outputs.fingerprint);
    expect(await trainingRuns()).toBe(before + 1);
  });

  it('degrades to training with a warning when the cache service fails', async () => {
    // A refusal the client does not retry; 5xx are retried with back-off for half a minute.
    standIns.results.inject({ method: 'GetCacheEntryDownloadURL', status: 403 });
    const before = await trainingRuns();
    const result = await train({ cache: 'true' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['cache-hit']).toBe('false');
    expect(await trainingRuns()).toBe(before + 1);
    expect(
      result.annotations
        .filter((a) => a.command === 'warning')
        .map((a) => a.message)
        .join('\n'),
    ).toMatch(/Restoring cached outputs failed|Failed to restore/);
  });

  it('never touches the cache with cache: false', async () => {
    const calls = standIns.results.log.filter((c) => c.service === 'cache').length;
    await train({ cache: 'false' });
    expect(standIns.results.log.filter((c) => c.service === 'cache').length).toBe(calls);
  });
});

describe('artifacts across jobs of one run', () => {
  it('promotes in a later job exactly what an earlier job trained and evaluated', async () => {
    standIns.newRun();
    const trained = await train({}, 'staging');
    const evaluated = await run(
      'evaluate-model',
      job,
      {
        'model-name': 'churn',
        predictions: 'model/predictions.csv',
        task: 'binary',
        manifest: trained.outputs.manifest!,
      },
      { standIns, job: 'staging' },
    );
    expect(trained.outputs['artifact-name']).toBe(`model-churn-${trained.outputs.version}`);
    expect(trained.outputs['artifact-id']).toMatch(/^\d+$/);
    expect(evaluated.outputs['artifact-name']).toBe(`metrics-churn-${trained.outputs.version}`);
    // The production job has a fresh workspace: nothing of the staging job's files.
    const production = await exampleWorkspace();
    const promoted = await run(
      'promote-model',
      production,
      {
        'model-name': 'churn',
        environment: 'production',
        artifact: trained.outputs['artifact-name']!,
        gates: 'examples/churn/gates.yaml',
      },
      { standIns, job: 'production' },
    );
    expect(promoted.exitCode, promoted.stdout).toBe(0);
    const record = JSON.parse(await readFile(promoted.outputs.record!, 'utf8'));
    expect(record).toMatchObject({
      version: trained.outputs.version,
      fingerprint: trained.outputs.fingerprint,
      environment: 'production',
      metrics: JSON.parse(evaluated.outputs.summary!),
    });
  });

  it('does not upload the same model twice when a step is re-run', async () => {
    standIns.newRun();
    const first = await train({}, 'a');
    const uploads = standIns.results.log.filter((c) => c.method === 'CreateArtifact').length;
    const rerun = await train({}, 'a');
    expect(rerun.outputs['artifact-id']).toBe(first.outputs['artifact-id']);
    expect(standIns.results.log.filter((c) => c.method === 'CreateArtifact').length).toBe(uploads);
  });

  it('refuses an artifact whose bytes changed after upload', async () => {
    standIns.newRun();
    const trained = await train({}, 'staging');
    const stored = standIns.results.artifacts.find(
      (a) => a.runId === standIns.runBackendId && a.name === trained.outputs['artifact-name'],
    )!;
    standIns.results.tamper(stored.blob);
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'production',
        artifact: trained.outputs['artifact-name']!,
        metrics: 'examples/churn/config.json',
      },
      { standIns, job: 'production' },
    );
    expectUserError(
      result,
      /did not download intact: its sha256 differs from the one recorded at upload/,
    );
  });

  it('refuses an artifact that is not in this run, naming it', async () => {
    standIns.newRun();
    const result = await run(
      'promote-model',
      job,
      { 'model-name': 'churn', environment: 'production', artifact: 'model-churn-000000000000' },
      { standIns, job: 'production' },
    );
    expectUserError(result, /This workflow run has no artifact named "model-churn-000000000000"/);
  });

  it('refuses manifest and artifact together', async () => {
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'production',
        artifact: 'x',
        manifest: 'y',
        metrics: 'z',
      },
      { standIns },
    );
    expectUserError(result, /Give either "manifest" or "artifact", not both/);
  });
});
