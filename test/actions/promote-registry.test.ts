/**
 * promote-model and GitHub as the registry, against the REST stand-in: promotions recorded as
 * deployments of task model:<name>, judged against the model in the environment now.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { GitHubApiStandIn } from '../stand-ins/github-api.js';
import { StandIns } from '../stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
const command = 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';

/** A trained model with the given metrics report. */
async function candidate(seed: string, accuracy: number) {
  const trained = await run('train-model', job, { 'model-name': 'churn', run: command, config: 'examples/churn/config.json', outputs: 'model/model.json\nmodel/predictions.csv', seed }, { standIns });
  const metrics = await job.write(`metrics-${seed}.json`, JSON.stringify({ format: 'mlops-actions/metrics-report@1', model: 'churn', version: trained.outputs.version, fingerprint: trained.outputs.fingerprint, metrics: { accuracy: { value: accuracy, n: 100 } } }));
  return { manifest: trained.outputs.manifest!, metrics, version: trained.outputs.version! };
}
const promote = (model: { manifest: string; metrics: string }, environment: string, inputs: Record<string, string> = {}) =>
  run('promote-model', job, { 'model-name': 'churn', environment, manifest: model.manifest, metrics: model.metrics, gates: 'examples/churn/gates.yaml', ...inputs }, { standIns });
const deploymentsTo = (environment: string) => standIns.github.deployments.filter((d) => d.environment === environment);
const latestState = (id: number) => standIns.github.statuses.get(id)?.[0]?.state;

describe('promote-model records promotions in the registry', () => {
  const v1 = candidate('1', 0.8);

  it('promotes to staging, then production, as deployments of task model:churn on the exact commit', async () => {
    const model = await v1;
    for (const environment of ['staging', 'production']) {
      const result = await promote(model, environment);
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.outputs).toMatchObject({ version: model.version, 'previous-version': '' });
      const [deployment] = deploymentsTo(environment);
      expect(String(deployment!.id)).toBe(result.outputs['deployment-id']);
      expect(deployment).toMatchObject({ task: 'model:churn', environment, sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', payload: { version: model.version, metrics: { accuracy: 0.8 } } });
      expect(standIns.github.statuses.get(deployment!.id)!.map((s) => s.state)).toEqual(['success', 'in_progress']);
    }
    expect(deploymentsTo('production')[0]!.production_environment).toBe(true);
  });

  it('creates nothing on a re-run of the same version', async () => {
    const model = await v1;
    const before = standIns.github.writes().length;
    const rerun = await promote(model, 'production');
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs['deployment-id']).toBe(String(deploymentsTo('production')[0]!.id));
    expect(standIns.github.writes().length).toBe(before);
  });

  it('refuses a candidate that fails its gates against the model in production now, recording nothing', async () => {
    const worse = await candidate('2', 0.7);
    const before = deploymentsTo('production').length;
    expectUserError(await promote(worse, 'production'), /Refusing to promote churn \w+ to production: it fails its gates against \w+, the model in production now: accuracy: it got worse by 0\.1, more than the tolerated 0\.02\. Nothing was recorded/);
    expect(deploymentsTo('production')).toHaveLength(before);
  });

  it('promotes a failing candidate with an override reason, recording the reason', async () => {
    const worse = await candidate('3', 0.75);
    const result = await promote(worse, 'production', { 'override-reason': 'hotfix for a data incident, approved in INC-42' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.annotations.find((a) => a.command === 'warning')?.message).toMatch(/although it fails its gates .* Override reason: hotfix/);
    expect(deploymentsTo('production').at(-1)!.payload.overrideReason).toBe('hotfix for a data incident, approved in INC-42');
  });

  it('reports the version that was in the environment before', async () => {
    const better = await candidate('4', 0.9);
    const first = await v1;
    const result = await promote(better, 'staging');
    expect(result.outputs['previous-version']).toBe(first.version);
  });

  it('ends in a clear state when GitHub refuses the deployment with 409', async () => {
    const model = await candidate('5', 0.95);
    standIns.github.inject({ method: 'POST', path: /\/deployments$/, status: 409, body: { message: 'Conflict: Commit status checks failed for main.', documentation_url: 'https://docs.github.com' } });
    const before = standIns.github.deployments.length;
    expectUserError(await promote(model, 'staging'), /GitHub refused to create the deployment of churn to staging \(409 Conflict: Conflict: Commit status checks failed for main\. - https:\/\/docs\.github\.com\)\. Nothing was recorded/);
    expect(standIns.github.deployments.length).toBe(before);
  });

  it('marks the deployment failed when GitHub fails mid-promotion, so it never counts', async () => {
    const model = await candidate('6', 0.96);
    standIns.github.inject({ method: 'POST', path: /\/statuses$/, status: 502, times: 4 });
    const result = await promote(model, 'staging');
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.command === 'error')?.message).toMatch(/^GitHub answered 502 to POST \/repos\/Codertocat\/Hello-World\/deployments\/\d+\/statuses after retries/);
    const deployment = deploymentsTo('staging').at(-1)!;
    expect(deployment.payload.version).toBe(model.version);
    expect(latestState(deployment.id)).toBe('failure');
    // The model in staging is still the last one that finished.
    const again = await promote(model, 'staging');
    expect(again.outputs['previous-version']).toBe((await candidate('4', 0.9)).version);
  }, 60_000);

  it('refuses a read-only token without recording anything', async () => {
    const model = await candidate('7', 0.97);
    const result = await run('promote-model', job, { 'model-name': 'churn', environment: 'staging', manifest: model.manifest, metrics: model.metrics }, { standIns, token: 'read-only' });
    expectUserError(result, /GitHub refused to create the deployment \(403\): Resource not accessible by integration.*deployments: write/);
    const record = JSON.parse(await readFile((await promote(model, 'staging')).outputs.record!, 'utf8'));
    expect(record.version).toBe(model.version);
  });
});

describe('the stand-in agrees', () => {
  it('saw no request outside GitHub\'s OpenAPI description', () => {
    expect(standIns.violations()).toEqual([]);
    expect(GitHubApiStandIn.READ_WRITE_TOKEN).toMatch(/^ghs_/);
  });
});
