/**
 * promote-model and GitHub as the registry, against the REST stand-in: promotions recorded as
 * deployments of task model:<name>, judged against the model in the environment now.
 */
import { createHash } from 'node:crypto';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitHubApiStandIn } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
const command =
  'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';

/** A trained model with the given metrics report. */
async function candidate(seed: string, accuracy: number) {
  const trained = await run(
    'train-model',
    job,
    {
      'model-name': 'churn',
      run: command,
      config: 'examples/churn/config.json',
      outputs: 'model/model.json\nmodel/predictions.csv',
      seed,
    },
    { standIns },
  );
  const metrics = await job.write(
    `metrics-${seed}.json`,
    JSON.stringify({
      format: 'mlops-actions/metrics-report@1',
      model: 'churn',
      version: trained.outputs.version,
      fingerprint: trained.outputs.fingerprint,
      metrics: { accuracy: { value: accuracy, n: 100 } },
    }),
  );
  return { manifest: trained.outputs.manifest!, metrics, version: trained.outputs.version! };
}
const promote = (
  model: { manifest: string; metrics: string },
  environment: string,
  inputs: Record<string, string> = {},
) =>
  run(
    'promote-model',
    job,
    {
      'model-name': 'churn',
      environment,
      manifest: model.manifest,
      metrics: model.metrics,
      gates: 'examples/churn/gates.yaml',
      ...inputs,
    },
    { standIns },
  );
const deploymentsTo = (environment: string) =>
  standIns.github.deployments.filter((d) => d.environment === environment);
const latestState = (id: number) => standIns.github.statuses.get(id)?.[0]?.state;

describe('promote-model records promotions in the registry', () => {
  const v1 = candidate('1', 0.8);

  it('promotes to staging, then production, as deployments of task model:churn on the exact commit', async () => {
    const model = await v1;
    standIns.github.runReviews.set(8675309, [
      { login: 'octocat', state: 'approved', comment: 'Ship it!', environments: ['production'] },
      { login: 'hubot', state: 'rejected', comment: 'not yet', environments: ['staging'] },
    ]);
    for (const environment of ['staging', 'production']) {
      const result = await promote(model, environment);
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.outputs).toMatchObject({ version: model.version, 'previous-version': '' });
      const [deployment] = deploymentsTo(environment);
      expect(String(deployment!.id)).toBe(result.outputs['deployment-id']);
      expect(deployment).toMatchObject({
        task: 'model:churn',
        environment,
        sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        payload: { version: model.version, metrics: { accuracy: 0.8 } },
      });
      expect(deployment!.payload.comparisonDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(standIns.github.statuses.get(deployment!.id)!.map((s) => s.state)).toEqual([
        'success',
        'in_progress',
      ]);
      expect(result.summary).toContain(deployment!.payload.comparisonDigest);
    }
    expect(deploymentsTo('production')[0]!.production_environment).toBe(true);
    // Only the production reviewer's approval concerns production; staging recorded none.
    expect(deploymentsTo('production')[0]!.payload.approvals).toEqual([
      { login: 'octocat', state: 'approved', comment: 'Ship it!' },
    ]);
    expect(deploymentsTo('staging')[0]!.payload.approvals).toEqual([
      { login: 'hubot', state: 'rejected', comment: 'not yet' },
    ]);
    expect(deploymentsTo('staging')[0]!.payload.release).toBeUndefined();
  });

  it('keeps the production model as a published Release with its files, manifest, metrics and model card', async () => {
    const model = await v1;
    const tag = `churn@${model.version}`;
    const releases = standIns.github.releases.filter((r) => r.tag_name === tag);
    expect(releases).toHaveLength(1);
    const [release] = releases;
    expect(release).toMatchObject({
      draft: false,
      target_commitish: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    });
    const assets = new Map(
      (standIns.github.assets.get(release!.id) ?? []).map((a) => [a.meta.name as string, a.bytes]),
    );
    expect([...assets.keys()].sort()).toEqual([
      'MODEL_CARD.md',
      'metrics.json',
      'model-manifest.json',
      'model__model.json',
      'model__predictions.csv',
    ]);
    expect(
      assets
        .get('model__model.json')!
        .equals(await readFile(join(job.workspace, 'model/model.json'))),
    ).toBe(true);
    const card = assets.get('MODEL_CARD.md')!.toString('utf8');
    expect(card).toContain(`# Model card: churn \`${model.version}\``);
    expect(card).toContain('| Approved by | octocat (“Ship it\\!”) |');
    expect(card).toBe(release!.body);
    const production = deploymentsTo('production')[0]!;
    expect(production.payload.release).toBe(tag);
    // The deployment names the full metrics report, so compare-metrics can read its intervals and slices.
    const metricsAsset = standIns.github.assets
      .get(release!.id)!
      .find((a) => a.meta.name === 'metrics.json')!;
    expect(production.payload.metricsUrl).toBe(metricsAsset.meta.url);
    expect(production.payload.configSha256).toMatch(/^[0-9a-f]{64}$/);
    // The success status points at the release: the environment page links to the model.
    expect(standIns.github.statuses.get(production.id)![0]).toMatchObject({
      state: 'success',
      environment_url: release!.html_url,
    });
  });
  it('creates nothing on a re-run of the same version', async () => {
    const model = await v1;
    const before = standIns.github.writes().length;
    const releases = standIns.github.releases.length;
    const rerun = await promote(model, 'production');
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs['deployment-id']).toBe(String(deploymentsTo('production')[0]!.id));
    expect(standIns.github.writes().length).toBe(before);
    expect(standIns.github.releases.length).toBe(releases);
  });

  it('refuses a candidate that fails its gates against the model in production now, recording nothing', async () => {
    const worse = await candidate('2', 0.7);
    const before = deploymentsTo('production').length;
    expectUserError(
      await promote(worse, 'production'),
      /Refusing to promote churn \w+ to production: it fails its gates against \w+, the model in production now: accuracy: it got worse by 0\.1, more than the tolerated 0\.02\. Nothing was recorded/,
    );
    expect(deploymentsTo('production')).toHaveLength(before);
  });

  it('promotes a failing candidate with an override reason, recording the reason', async () => {
    const worse = await candidate('3', 0.75);
    const result = await promote(worse, 'production', {
      'override-reason': 'hotfix for a data incident, approved in INC-42',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.annotations.find((a) => a.command === 'warning')?.message).toMatch(
      /although it fails its gates .* Override reason: hotfix/,
    );
    expect(deploymentsTo('production').at(-1)!.payload.overrideReason).toBe(
      'hotfix for a data incident, approved in INC-42',
    );
  });

  it('reports the version that was in the environment before', async () => {
    const better = await candidate('4', 0.9);
    const first = await v1;
    const result = await promote(better, 'staging');
    expect(result.outputs['previous-version']).toBe(first.version);
  });

  it('ends in a clear state when GitHub refuses the deployment with 409', async () => {
    const model = await candidate('5', 0.95);
    standIns.github.inject({
      method: 'POST',
      path: /\/deployments$/,
      status: 409,
      body: {
        message: 'Conflict: Commit status checks failed for main.',
        documentation_url: 'https://docs.github.com',
      },
    });
    const before = standIns.github.deployments.length;
    expectUserError(
      await promote(model, 'staging'),
      /GitHub refused to create the deployment of churn to staging \(409 Conflict: Conflict: Commit status checks failed for main\. - https:\/\/docs\.github\.com\)\. Nothing was recorded/,
    );
    expect(standIns.github.deployments.length).toBe(before);
  });

  it('marks the deployment failed when GitHub fails mid-promotion, so it never counts', async () => {
    const model = await candidate('6', 0.96);
    standIns.github.inject({ method: 'POST', path: /\/statuses$/, status: 502, times: 4 });
    const result = await promote(model, 'staging');
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.command === 'error')?.message).toMatch(
      /^GitHub answered 502 to POST \/repos\/Codertocat\/Hello-World\/deployments\/\d+\/statuses after retries/,
    );
    const deployment = deploymentsTo('staging').at(-1)!;
    expect(deployment.payload.version).toBe(model.version);
    expect(latestState(deployment.id)).toBe('failure');
    // The model in staging is still the last one that finished.
    const again = await promote(model, 'staging');
    expect(again.outputs['previous-version']).toBe((await candidate('4', 0.9)).version);
  }, 60_000);

  it('promotes the model another workflow run trained, found by its run id', async () => {
    standIns.newRun();
    const model = await candidate('9', 0.98);
    standIns.publishRun(4242);
    standIns.newRun();
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'staging',
        'run-id': '4242',
        metrics: model.metrics,
        gates: 'examples/churn/gates.yaml',
      },
      { standIns },
    );
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.version).toBe(model.version);
    expect(deploymentsTo('staging').at(-1)!.payload).toMatchObject({
      version: model.version,
      artifact: `model-churn-${model.version}`,
    });
    expectUserError(
      await run(
        'promote-model',
        job,
        {
          'model-name': 'churn',
          environment: 'staging',
          'run-id': '4242',
          version: 'ffffffffffff',
          metrics: model.metrics,
        },
        { standIns },
      ),
      /Workflow run 4242 has no artifact named "model-churn-ffffffffffff"\. Pass the run that trained churn/,
    );
  });

  it('refuses a read-only token without recording anything', async () => {
    const model = await candidate('7', 0.97);
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'staging',
        manifest: model.manifest,
        metrics: model.metrics,
      },
      { standIns, token: 'read-only' },
    );
    expectUserError(
      result,
      /GitHub refused to create the deployment \(403\): Resource not accessible by integration.*deployments: write/,
    );
    const record = JSON.parse(
      await readFile((await promote(model, 'staging')).outputs.record!, 'utf8'),
    );
    expect(record.version).toBe(model.version);
  });
});

describe('production releases and rollbacks', () => {
  // Trained in the first test, not when the tests are collected: training runs in the shared
  // workspace and must not overlap with another.
  let released: ReturnType<typeof candidate>;
  const firstVersion = () =>
    standIns.github.deployments.find((d) => d.environment === 'production')!.payload
      .version as string;

  it('leaves an unpublished draft and no deployment when GitHub fails while filling the release; a re-run completes it', async () => {
    released = candidate('8', 0.97);
    const model = await released;
    // This model's card also carries its slices and the profile of its training data.
    const report = JSON.parse(await readFile(join(job.workspace, model.metrics), 'utf8'));
    report.slices = {
      'plan=pro': { accuracy: { value: 0.99, n: 40 } },
      'plan=basic': { accuracy: { value: 0.91, ci: [0.85, 0.95], n: 60 } },
    };
    await job.write(model.metrics, JSON.stringify(report));
    const validated = await run(
      'validate-data',
      job,
      {
        data: 'data/train.csv',
        schema: 'examples/churn/schema.yaml',
        profile: 'train-profile.json',
        'fail-on': 'never',
      },
      { standIns },
    );
    expect(validated.exitCode, validated.stdout).toBe(0);
    const withProfile = { profile: 'train-profile.json' };
    const productionBefore = deploymentsTo('production').length;
    standIns.github.inject({
      method: 'POST',
      path: /\/releases\/\d+\/assets$/,
      status: 502,
      times: 4,
    });
    const failed = await promote(model, 'production', withProfile);
    expect(failed.exitCode).toBe(1);
    expect(failed.annotations.find((a) => a.command === 'error')?.message).toMatch(
      /^GitHub answered 502 to POST .*\/releases\/\d+\/assets/,
    );
    const [draft] = standIns.github.releases.filter((r) => r.tag_name === `churn@${model.version}`);
    expect(draft).toMatchObject({ draft: true, published_at: null });
    // The release is filled before the deployment is created, so nothing was recorded either.
    expect(deploymentsTo('production')).toHaveLength(productionBefore);

    const again = await promote(model, 'production', withProfile);
    expect(again.exitCode, again.stdout).toBe(0);
    const releases = standIns.github.releases.filter(
      (r) => r.tag_name === `churn@${model.version}`,
    );
    expect(releases).toEqual([expect.objectContaining({ id: draft!.id, draft: false })]);
    const assets = standIns.github.assets.get(draft!.id)!;
    expect(assets.map((a) => a.meta.name).sort()).toEqual([
      'MODEL_CARD.md',
      'data-profile.json',
      'metrics.json',
      'model-manifest.json',
      'model__model.json',
      'model__predictions.csv',
    ]);
    const card = assets.find((a) => a.meta.name === 'MODEL_CARD.md')!.bytes.toString('utf8');
    // Worst slice first, with its interval.
    expect(card).toMatch(
      /## Slices\n\n\| Slice \| n \| `accuracy` \|\n\| --- \| --- \| --- \|\n\| `plan=basic` \| 60 \| 0\.91 \[0\.85, 0\.95\] \|\n\| `plan=pro` \| 40 \| 0\.99 \|/,
    );
    expect(card).toMatch(/## Data profile\n\n400 rows from `data\/train\.csv` \(400 rows\)\./);
    expect(again.outputs['release-url']).toBe(draft!.html_url);
  });

  it('refuses a rollback without a reason, and to a version that was never in production', async () => {
    expectUserError(
      await rollback(firstVersion(), {}),
      /Rolling production back to churn \w+ needs a reason: set override-reason/,
    );
    const stagingOnly = deploymentsTo('staging').at(-1)!.payload.version as string;
    expectUserError(
      await rollback(stagingOnly, { 'override-reason': 'test' }),
      new RegExp(`There is no published release churn@${stagingOnly} to restore`),
    );
  });

  it('refuses to restore a release whose model file was changed', async () => {
    const release = standIns.github.releases.find((r) => r.tag_name === `churn@${firstVersion()}`)!;
    const asset = standIns.github.assets
      .get(release.id)!
      .find((a) => a.meta.name === 'model__model.json')!;
    const original = asset.bytes;
    asset.bytes = Buffer.concat([original, Buffer.from(' ')]);
    try {
      expectUserError(
        await rollback(firstVersion(), { 'override-reason': 'incident' }),
        /Refusing to promote churn \w+: the model files do not match the manifest \("model\/model.json" has sha256/,
      );
    } finally {
      asset.bytes = original;
    }
  });

  it('rolls production back to an earlier release, recorded as a rollback, and compare-metrics then compares with it', async () => {
    const model = await released;
    const releasesBefore = standIns.github.releases.length;
    const result = await rollback(firstVersion(), {
      'override-reason': 'the new model misroutes enterprise customers (INC-7)',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({
      version: firstVersion(),
      'previous-version': model.version,
    });
    const deployment = deploymentsTo('production').at(-1)!;
    expect(deployment.payload).toMatchObject({
      version: firstVersion(),
      rollback: {
        from: model.version,
        reason: 'the new model misroutes enterprise customers (INC-7)',
      },
      release: `churn@${firstVersion()}`,
    });
    const restored = standIns.github.releases.find(
      (r) => r.tag_name === `churn@${firstVersion()}`,
    )!;
    expect(deployment.payload.metricsUrl).toBe(
      standIns.github.assets.get(restored.id)!.find((a) => a.meta.name === 'metrics.json')!.meta
        .url,
    );
    expect(latestState(deployment.id)).toBe('success');
    expect(standIns.github.releases.length).toBe(releasesBefore);
    expect(result.summary).toContain('rolled back to churn');

    await job.write('pr-metrics.json', JSON.stringify({ accuracy: 0.85 }));
    const compared = await run(
      'compare-metrics',
      job,
      {
        'model-name': 'churn',
        metrics: 'pr-metrics.json',
        gates: 'examples/churn/gates.yaml',
        comment: 'false',
      },
      { standIns },
    );
    expect(compared.exitCode, compared.stdout).toBe(0);
    expect(compared.outputs['baseline-version']).toBe(firstVersion());
  });
});

describe('hostile identifiers and model files', () => {
  it('refuses a version or an environment outside its alphabet, naming the input, recording nothing', async () => {
    const model = await candidate('11', 0.99);
    const before = standIns.github.writes().length;
    const refused = await promote(model, 'staging', { version: '$(id)' });
    expectUserError(
      refused,
      /input "version" must start and end with a letter or digit and use only letters, digits, "\.", "_" and "-".*; got "\$\(id\)"/,
    );
    expect(refused.outputs.version).toBeUndefined();
    expectUserError(
      await promote(model, 'prod uction'),
      /input "environment" must start with a letter or digit .*spaces and "\/" are not allowed\); got "prod uction"/,
    );
    expect(standIns.github.writes().length).toBe(before);
  });

  it('refuses a manifest whose model file is a symbolic link out of the workspace, publishing nothing', async () => {
    const model = await candidate('12', 0.99);
    const outsideFile = join(job.workspace, '..', 'outside-secret.txt');
    await writeFile(outsideFile, 'SECRET=1\n');
    await symlink(outsideFile, join(job.workspace, 'model', 'linked.bin'));
    const manifest = JSON.parse(await readFile(model.manifest, 'utf8'));
    manifest.outputs.push({
      path: 'model/linked.bin',
      sha256: createHash('sha256').update('SECRET=1\n').digest('hex'),
      bytes: 9,
    });
    const hostile = await job.write('hostile-manifest.json', JSON.stringify(manifest, null, 2));
    const [deployments, releases] = [
      standIns.github.deployments.length,
      standIns.github.releases.length,
    ];
    expectUserError(
      await promote({ manifest: hostile, metrics: model.metrics }, 'production'),
      /The manifest "hostile-manifest\.json" lists "model\/linked\.bin" in "outputs\[2\]\.path", which is outside the model's folder .* \(through a symbolic link, it leads to .*outside-secret\.txt\)/,
    );
    expect([standIns.github.deployments.length, standIns.github.releases.length]).toEqual([
      deployments,
      releases,
    ]);
  });
});

const rollback = (version: string, inputs: Record<string, string>) =>
  run(
    'promote-model',
    job,
    {
      'model-name': 'churn',
      environment: 'production',
      version,
      gates: 'examples/churn/gates.yaml',
      ...inputs,
    },
    { standIns },
  );

describe('the stand-in agrees', () => {
  it("saw no request outside GitHub's OpenAPI description", () => {
    expect(standIns.violations()).toEqual([]);
    expect(GitHubApiStandIn.READ_WRITE_TOKEN).toMatch(/^ghs_/);
  });
});
