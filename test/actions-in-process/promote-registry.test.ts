/**
 * promote-model and GitHub as the registry, in process on the in-memory GitHub: promotions
 * recorded as deployments of task model:<name>, judged against the model in the environment
 * now, production models kept as releases, rollbacks. The bundle over the REST stand-in (what
 * goes over the wire, the runner contract) is test/actions/promote-registry.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { promoteModel } from '../../actions/promote-model/src/run.js';
import { validateData } from '../../actions/validate-data/src/run.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import type { DeploymentPayload } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub, GitHubError } from '../fakes/github-port.js';
import { expectUserError, runInProcess, type InProcessOptions } from '../helpers/in-process.js';
import { trainedCandidate } from '../helpers/trained-candidate.js';

// The artifact and cache services are the stand-ins'; the action's GitHub is the fake, answering
// at the step's API URL (compare-metrics follows only release assets of that API).
const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub(standIns.github.url);
const job = await exampleWorkspace();
/** The commit the runner checked out (GITHUB_SHA), which train-model records. */
const CHECKOUT_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
/** The workflow run the steps run in (GITHUB_RUN_ID): its review log holds the approvals. */
const RUN_ID = 8675309;

/** A trained model (trained in process too) with a metrics report of the given accuracy. */
const candidate = (seed: string, accuracy: number) =>
  trainedCandidate(job, standIns, seed, accuracy);
const runPromote = (inputs: Record<string, string>, options: Partial<InProcessOptions> = {}) =>
  runInProcess(promoteModel, {
    ...job,
    standIns,
    github,
    inputs: { 'model-name': 'churn', ...inputs },
    ...options,
  });
const promote = (
  model: { manifest: string; metrics: string },
  environment: string,
  inputs: Record<string, string> = {},
) =>
  runPromote({
    environment,
    manifest: model.manifest,
    metrics: model.metrics,
    gates: 'examples/churn/gates.yaml',
    ...inputs,
  });
const rollback = (version: string, inputs: Record<string, string>) =>
  runPromote({
    environment: 'production',
    version,
    gates: 'examples/churn/gates.yaml',
    ...inputs,
  });

const deploymentsTo = (environment: string) =>
  github.deployments.filter((d) => d.environment === environment);
const payloadOf = (deployment: { payload: unknown }) => deployment.payload as DeploymentPayload;
const latestState = (id: number) =>
  github.deployments.find((d) => d.id === id)?.statuses.at(-1)?.state;
const releasesTagged = (tag: string) => github.releases.filter((r) => r.tag === tag);
/** A release's assets by name, with their bytes. */
const assetsOf = (release: FakeGitHub['releases'][number]) =>
  new Map(release.assets.map((a) => [a.name, { ...a, bytes: release.bytes.get(a.id)! }]));

describe('promote-model records promotions in the registry', () => {
  const v1 = candidate('1', 0.8);

  it('promotes to staging, then production, as deployments of task model:churn on the exact commit', async () => {
    const model = await v1;
    github.runReviews.set(RUN_ID, [
      { login: 'octocat', state: 'approved', comment: 'Ship it!', environments: ['production'] },
      { login: 'hubot', state: 'rejected', comment: 'not yet', environments: ['staging'] },
    ]);
    for (const environment of ['staging', 'production']) {
      const result = await promote(model, environment);
      expect(result.exitCode, result.errors.join()).toBe(0);
      expect(result.outputs).toMatchObject({ version: model.version, 'previous-version': '' });
      const [deployment] = deploymentsTo(environment);
      expect(String(deployment!.id)).toBe(result.outputs['deployment-id']);
      expect(deployment).toMatchObject({
        task: 'model:churn',
        environment,
        sha: CHECKOUT_SHA,
        payload: { version: model.version, metrics: { accuracy: 0.8 } },
      });
      expect(payloadOf(deployment!).comparisonDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      // Oldest first here (the REST API lists them newest first).
      expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect(result.summary).toContain(payloadOf(deployment!).comparisonDigest);
      if (environment === 'production')
        // The release's URL as GitHub gives it (the tag's "@" as %40), not encoded twice.
        expect(result.summary).toContain(
          `](${result.outputs['release-url']!.replace(/[()]/g, encodeURIComponent)})`,
        );
      expect(result.summary).not.toContain('%2540');
    }
    expect(github.deploymentRequests.get(deploymentsTo('production')[0]!.id)).toMatchObject({
      productionEnvironment: true,
    });
    // Every model deployment is marked production_environment, so that GitHub's auto_inactive
    // rule never retires staging's model (registry-github.test.ts).
    expect(github.deploymentRequests.get(deploymentsTo('staging')[0]!.id)).toMatchObject({
      productionEnvironment: true,
    });
    // Only the production reviewer's approval concerns production; staging recorded none.
    expect(payloadOf(deploymentsTo('production')[0]!).approvals).toEqual([
      { login: 'octocat', state: 'approved', comment: 'Ship it!' },
    ]);
    expect(payloadOf(deploymentsTo('staging')[0]!).approvals).toEqual([
      { login: 'hubot', state: 'rejected', comment: 'not yet' },
    ]);
    expect(payloadOf(deploymentsTo('staging')[0]!).release).toBeUndefined();
  });

  it('keeps the production model as a published Release with its files, manifest, metrics and model card', async () => {
    const model = await v1;
    const tag = `churn@${model.version}`;
    const releases = releasesTagged(tag);
    expect(releases).toHaveLength(1);
    const [release] = releases;
    expect(release!.draft).toBe(false);
    const created = github.releaseRequests.get(release!.id)!;
    expect(created.targetCommitish).toBe(CHECKOUT_SHA);
    const assets = assetsOf(release!);
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
        .bytes.equals(await readFile(join(job.workspace, 'model/model.json'))),
    ).toBe(true);
    const card = assets.get('MODEL_CARD.md')!.bytes.toString('utf8');
    expect(card).toContain(`# Model card: churn \`${model.version}\``);
    expect(card).toContain('| Approved by | octocat (“Ship it\\!”) |');
    expect(card).toBe(created.body);
    const production = deploymentsTo('production')[0]!;
    expect(payloadOf(production).release).toBe(tag);
    // The deployment names the full metrics report, so compare-metrics can read its intervals and slices.
    expect(payloadOf(production).metricsUrl).toBe(assets.get('metrics.json')!.url);
    expect(payloadOf(production).configSha256).toMatch(/^[0-9a-f]{64}$/);
    // The success status points at the release: the environment page links to the model.
    expect(production.statuses.at(-1)).toMatchObject({
      state: 'success',
      environmentUrl: release!.htmlUrl,
    });
  });

  it('creates nothing on a re-run of the same version', async () => {
    const model = await v1;
    const before = github.writes().length;
    const releases = github.releases.length;
    const rerun = await promote(model, 'production');
    expect(rerun.exitCode, rerun.errors.join()).toBe(0);
    expect(rerun.outputs['deployment-id']).toBe(String(deploymentsTo('production')[0]!.id));
    expect(github.writes().length).toBe(before);
    expect(github.releases.length).toBe(releases);
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
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.warnings[0]).toMatch(/although it fails its gates .* Override reason: hotfix/);
    expect(payloadOf(deploymentsTo('production').at(-1)!).overrideReason).toBe(
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
    // GitHub's message and documentation URL, joined as Octokit joins them.
    github.inject(
      'createDeployment',
      new GitHubError(
        409,
        'Conflict: Commit status checks failed for main. - https://docs.github.com',
      ),
    );
    const before = github.deployments.length;
    expectUserError(
      await promote(model, 'staging'),
      /GitHub refused to create the deployment of churn to staging \(409 Conflict: Conflict: Commit status checks failed for main\. - https:\/\/docs\.github\.com\)\. Nothing was recorded/,
    );
    expect(github.deployments.length).toBe(before);
  });

  it('marks the deployment failed when GitHub fails mid-promotion, so it never counts', async () => {
    const model = await candidate('6', 0.96);
    // Octokit's retries are the bundle's concern: here the status fails once, as after them.
    github.inject('createDeploymentStatus', new GitHubError(502, 'Bad Gateway'));
    const result = await promote(model, 'staging');
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^GitHub answered 502 to POST \/repos\/Codertocat\/Hello-World\/deployments\/\d+\/statuses after retries/,
    );
    const deployment = deploymentsTo('staging').at(-1)!;
    expect(payloadOf(deployment).version).toBe(model.version);
    expect(latestState(deployment.id)).toBe('failure');
    // The model in staging is still the last one that finished.
    const again = await promote(model, 'staging');
    expect(again.outputs['previous-version']).toBe((await candidate('4', 0.9)).version);
  });

  it('promotes the model another workflow run trained, found by its run id', async () => {
    standIns.newRun();
    const model = await candidate('9', 0.98);
    standIns.publishRun(4242);
    standIns.newRun();
    const result = await runPromote({
      environment: 'staging',
      'run-id': '4242',
      metrics: model.metrics,
      gates: 'examples/churn/gates.yaml',
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.outputs.version).toBe(model.version);
    expect(payloadOf(deploymentsTo('staging').at(-1)!)).toMatchObject({
      version: model.version,
      artifact: `model-churn-${model.version}`,
    });
    expectUserError(
      await runPromote({
        environment: 'staging',
        'run-id': '4242',
        version: 'ffffffffffff',
        metrics: model.metrics,
      }),
      /Workflow run 4242 has no artifact named "model-churn-ffffffffffff"\. Pass the run that trained churn/,
    );
  });

  it('refuses a read-only token without recording anything', async () => {
    const model = await candidate('7', 0.97);
    const before = github.deployments.length;
    const result = await runPromote(
      { environment: 'staging', manifest: model.manifest, metrics: model.metrics },
      { token: 'read-only' },
    );
    expectUserError(
      result,
      /GitHub refused to create the deployment \(403\): Resource not accessible by integration.*deployments: write/,
    );
    expect(github.deployments.length).toBe(before);
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
  const firstVersion = () => payloadOf(deploymentsTo('production')[0]!).version;

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
    const validated = await runInProcess(validateData, {
      ...job,
      standIns,
      inputs: {
        data: 'data/train.csv',
        schema: 'examples/churn/schema.yaml',
        profile: 'train-profile.json',
        'fail-on': 'never',
      },
    });
    expect(validated.exitCode, validated.errors.join()).toBe(0);
    const withProfile = { profile: 'train-profile.json' };
    const productionBefore = deploymentsTo('production').length;
    github.inject('uploadReleaseAsset', new GitHubError(502, 'Bad Gateway'));
    const failed = await promote(model, 'production', withProfile);
    expect(failed.exitCode).toBe(1);
    expect(failed.errors[0]).toMatch(/^GitHub answered 502 to POST .*\/releases\/\d+\/assets/);
    const [draft] = releasesTagged(`churn@${model.version}`);
    expect(draft!.draft).toBe(true);
    // The release is filled before the deployment is created, so nothing was recorded either.
    expect(deploymentsTo('production')).toHaveLength(productionBefore);

    const again = await promote(model, 'production', withProfile);
    expect(again.exitCode, again.errors.join()).toBe(0);
    expect(releasesTagged(`churn@${model.version}`)).toEqual([
      expect.objectContaining({ id: draft!.id, draft: false }),
    ]);
    const assets = assetsOf(draft!);
    expect([...assets.keys()].sort()).toEqual([
      'MODEL_CARD.md',
      'data-profile.json',
      'metrics.json',
      'model-manifest.json',
      'model__model.json',
      'model__predictions.csv',
    ]);
    const card = assets.get('MODEL_CARD.md')!.bytes.toString('utf8');
    // Worst slice first, with its interval.
    expect(card).toMatch(
      /## Slices\n\n\| Slice \| n \| `accuracy` \|\n\| --- \| --- \| --- \|\n\| `plan=basic` \| 60 \| 0\.91 \[0\.85, 0\.95\] \|\n\| `plan=pro` \| 40 \| 0\.99 \|/,
    );
    expect(card).toMatch(/## Data profile\n\n400 rows from `data\/train\.csv` \(400 rows\)\./);
    expect(again.outputs['release-url']).toBe(draft!.htmlUrl);
  });

  it('refuses a rollback without a reason, and to a version that was never in production', async () => {
    expectUserError(
      await rollback(firstVersion(), {}),
      /Rolling production back to churn \w+ needs a reason: set override-reason/,
    );
    const stagingOnly = payloadOf(deploymentsTo('staging').at(-1)!).version;
    expectUserError(
      await rollback(stagingOnly, { 'override-reason': 'test' }),
      new RegExp(`There is no published release churn@${stagingOnly} to restore`),
    );
  });

  it('refuses to restore a release whose model file was changed', async () => {
    const [release] = releasesTagged(`churn@${firstVersion()}`);
    const asset = release!.assets.find((a) => a.name === 'model__model.json')!;
    const original = release!.bytes.get(asset.id)!;
    release!.bytes.set(asset.id, Buffer.concat([original, Buffer.from(' ')]));
    try {
      expectUserError(
        await rollback(firstVersion(), { 'override-reason': 'incident' }),
        /Refusing to promote churn \w+: the model files do not match the manifest \("model\/model.json" has sha256/,
      );
    } finally {
      release!.bytes.set(asset.id, original);
    }
  });

  it('rolls production back to an earlier release, recorded as a rollback, and compare-metrics then compares with it', async () => {
    const model = await released;
    const releasesBefore = github.releases.length;
    const reason = { 'override-reason': 'the new model misroutes enterprise customers (INC-7)' };
    // The rollback workflow's check before the approval: judged as the rollback will be, nothing recorded.
    const deploymentsBefore = github.deployments.length;
    const check = await rollback(firstVersion(), { ...reason, 'dry-run': 'true' });
    expect(check.exitCode, check.errors.join()).toBe(0);
    expect(check.outputs['comparison-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(github.deployments.length).toBe(deploymentsBefore);
    const result = await rollback(firstVersion(), {
      ...reason,
      'approved-digest': check.outputs['comparison-digest']!,
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
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
      approval: { digest: check.outputs['comparison-digest'] },
    });
    const [restored] = releasesTagged(`churn@${firstVersion()}`);
    expect(payloadOf(deployment).metricsUrl).toBe(
      restored!.assets.find((a) => a.name === 'metrics.json')!.url,
    );
    expect(latestState(deployment.id)).toBe('success');
    expect(github.releases.length).toBe(releasesBefore);
    expect(result.summary).toContain('rolled back to churn');

    await job.write('pr-metrics.json', JSON.stringify({ accuracy: 0.85 }));
    const compared = await runInProcess(compareMetrics, {
      ...job,
      standIns,
      github,
      inputs: {
        'model-name': 'churn',
        metrics: 'pr-metrics.json',
        gates: 'examples/churn/gates.yaml',
        comment: 'false',
      },
    });
    expect(compared.exitCode, compared.errors.join()).toBe(0);
    expect(compared.outputs['baseline-version']).toBe(firstVersion());
  });
});

describe('hostile identifiers and model files', () => {
  it('refuses a version or an environment outside its alphabet, naming the input, recording nothing', async () => {
    const model = await candidate('11', 0.99);
    const before = github.writes().length;
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
    expect(github.writes().length).toBe(before);
  });

  it('refuses a manifest whose model file is a symbolic link out of the workspace, publishing nothing', async () => {
    const model = await candidate('12', 0.99);
    const outsideFile = join(job.workspace, '..', 'outside-secret.txt');
    await writeFile(outsideFile, 'SECRET=1\n');
    await symlink(outsideFile, join(job.workspace, 'model', 'linked.bin'));
    const manifest = JSON.parse(await readFile(resolve(job.workspace, model.manifest), 'utf8'));
    manifest.outputs.push({
      path: 'model/linked.bin',
      sha256: createHash('sha256').update('SECRET=1\n').digest('hex'),
      bytes: 9,
    });
    const hostile = await job.write('hostile-manifest.json', JSON.stringify(manifest, null, 2));
    const [deployments, releases] = [github.deployments.length, github.releases.length];
    expectUserError(
      await promote({ manifest: hostile, metrics: model.metrics }, 'production'),
      /The manifest "hostile-manifest\.json" lists "model\/linked\.bin" in "outputs\[2\]\.path", which is outside the model's folder .* \(through a symbolic link, it leads to .*outside-secret\.txt\)/,
    );
    expect([github.deployments.length, github.releases.length]).toEqual([deployments, releases]);
  });
});

describe('approval bound to evidence: the check before the gate, the promotion after it', () => {
  // A registry of its own, so that what is in production is what these tests put there.
  const bound = new FakeGitHub(standIns.github.url);
  const inBound = { github: bound };
  const production = () => bound.deployments.filter((d) => d.environment === 'production');
  const DIGEST = /^sha256:[0-9a-f]{64}$/;
  let inProduction: Awaited<ReturnType<typeof candidate>>;
  let approved: Awaited<ReturnType<typeof candidate>>;
  const runCheck = (model: { manifest: string; metrics: string }) =>
    runPromote(
      {
        environment: 'production',
        manifest: model.manifest,
        metrics: model.metrics,
        gates: 'examples/churn/gates.yaml',
        'dry-run': 'true',
      },
      inBound,
    );
  const runBound = (model: { manifest: string; metrics: string }, digest?: string) =>
    runPromote(
      {
        environment: 'production',
        manifest: model.manifest,
        metrics: model.metrics,
        gates: 'examples/churn/gates.yaml',
        ...(digest ? { 'approved-digest': digest } : {}),
      },
      inBound,
    );

  it('says in the summary and the model card when a promotion is not bound to an approved comparison', async () => {
    inProduction = await candidate('21', 0.8);
    const result = await runBound(inProduction);
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.summary).toContain('This approval was not bound to a comparison');
    expect(noticesOf(result).join()).toMatch(/was not bound to an approved comparison/);
    expect(payloadOf(production()[0]!).approval).toBeUndefined();
    const card = cardOf(bound, `churn@${inProduction.version}`);
    expect(card).toContain('| Approved comparison | not bound: promote-model was given no');
  });

  it('checks before the approval: judges as a promotion would, records nothing, gives the digest', async () => {
    approved = await candidate('22', 0.85);
    const before = bound.writes().length;
    const result = await runCheck(approved);
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(bound.writes().length).toBe(before);
    const digest = result.outputs['comparison-digest']!;
    expect(digest).toMatch(DIGEST);
    expect(result.outputs).toMatchObject({
      version: approved.version,
      'previous-version': inProduction.version,
      'deployment-id': '',
      record: '',
      'release-url': '',
    });
    // What the reviewer reads: what is promoted, against which version, the verdict, the digest.
    expect(result.summary).toContain(`churn \`${approved.version}\` → \`production\``);
    expect(result.summary).toContain(
      `| Against | \`${inProduction.version}\`, the model in \`production\` now (deployment ${production()[0]!.id}`,
    );
    expect(result.summary).toContain('| Verdict | **pass** |');
    expect(result.summary).toContain(`| Comparison digest | \`${digest}\` |`);
    expect(result.summary).toContain('| `accuracy` | 0.8 | 0.85 |');
    // The same check again gives the same digest; a failing candidate fails the check itself.
    expect((await runCheck(approved)).outputs['comparison-digest']).toBe(digest);
    const report = JSON.parse(await readFile(join(job.workspace, approved.metrics), 'utf8'));
    report.metrics.accuracy.value = 0.7;
    const worse = await job.write('metrics-22-worse.json', JSON.stringify(report));
    expectUserError(
      await runCheck({ ...approved, metrics: worse }),
      /Refusing to promote churn \w+ to production: it fails its gates against/,
    );
    expect(bound.writes().length).toBe(before);
  });

  it('promotes after the approval when the comparison is unchanged, recording the digest, who approved and when', async () => {
    const digest = (await runCheck(approved)).outputs['comparison-digest']!;
    bound.runReviews.set(RUN_ID, [
      { login: 'octocat', state: 'approved', comment: 'Ship it!', environments: ['production'] },
      { login: 'hubot', state: 'approved', environments: ['staging'] },
    ]);
    const started = Date.now();
    const result = await runBound(approved, digest);
    expect(result.exitCode, result.errors.join()).toBe(0);
    const deployment = production().at(-1)!;
    expect(payloadOf(deployment)).toMatchObject({
      version: approved.version,
      comparisonDigest: digest,
      approval: { digest, by: ['octocat'] },
    });
    const at = Date.parse(payloadOf(deployment).approval!.at);
    expect(at).toBeGreaterThanOrEqual(started - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    const record = JSON.parse(await readFile(result.outputs.record!, 'utf8'));
    expect(record.approval).toEqual(payloadOf(deployment).approval);
    expect(result.outputs['comparison-digest']).toBe(digest);
    expect(result.summary).not.toContain('not bound');
    // Promoted without "profile": the only notice says so (promote-profile.test.ts).
    expect(noticesOf(result)).toEqual([expect.stringMatching(/^No data profile: /)]);
    // The release notes are the model card: both carry the approved digest.
    const card = cardOf(bound, `churn@${approved.version}`);
    expect(card).toContain(`| Comparison digest | \`${digest}\` |`);
    expect(card).toContain(
      '| Approved comparison | the digest the reviewers approved before the gate, recomputed unchanged at',
    );
    expect(card).toContain('| Approved by | octocat (“Ship it\\!”) |');
  });

  it('refuses when the model in production changed between the check and the promotion, recording nothing', async () => {
    const reviewed = await candidate('24', 0.9);
    const digest = (await runCheck(reviewed)).outputs['comparison-digest']!;
    // Meanwhile another run promotes a different model to production.
    const meanwhile = await candidate('25', 0.88);
    expect((await runBound(meanwhile)).exitCode).toBe(0);
    // The job after the approval has the reviewed model's files (the workspace is shared here).
    expect((await candidate('24', 0.9)).version).toBe(reviewed.version);
    const [writes, releases] = [bound.writes().length, bound.releases.length];
    const refused = await runBound(reviewed, digest);
    expectUserError(
      refused,
      new RegExp(
        `^Refusing to promote churn ${reviewed.version} to production: the comparison is not the one the reviewers approved \\(approved-digest ${digest}, now sha256:[0-9a-f]{64}\\)\\. The reviewers approved it against ${approved.version}, the model in production then; the model in production is now ${meanwhile.version}\\. Nothing was recorded\\. Re-run the workflow, so that its check job compares again and the reviewers approve the new comparison\\.$`,
      ),
    );
    expect([bound.writes().length, bound.releases.length]).toEqual([writes, releases]);
    expect(payloadOf(production().at(-1)!).version).toBe(meanwhile.version);
  });

  it("refuses when the candidate's metrics changed after the check, recording nothing", async () => {
    const reviewed = await candidate('26', 0.95);
    const digest = (await runCheck(reviewed)).outputs['comparison-digest']!;
    const report = JSON.parse(await readFile(join(job.workspace, reviewed.metrics), 'utf8'));
    report.metrics.accuracy.value = 0.97;
    await job.write(reviewed.metrics, JSON.stringify(report));
    const writes = bound.writes().length;
    expectUserError(
      await runBound(reviewed, digest),
      /the comparison is not the one the reviewers approved .* It is judged against \w+, the model in production now; the model in production, the candidate's metrics or the gate policy changed since the check .* Nothing was recorded\. Re-run the workflow/,
    );
    expect(bound.writes().length).toBe(writes);
  });

  it('refuses the digest of a check for another environment', async () => {
    const reviewed = await candidate('27', 0.96);
    const staged = await runPromote(
      {
        environment: 'staging',
        manifest: reviewed.manifest,
        metrics: reviewed.metrics,
        gates: 'examples/churn/gates.yaml',
        'dry-run': 'true',
      },
      inBound,
    );
    expect(staged.exitCode, staged.errors.join()).toBe(0);
    const writes = bound.writes().length;
    expectUserError(
      await runBound(reviewed, staged.outputs['comparison-digest']!),
      /the comparison is not the one the reviewers approved/,
    );
    expect(bound.writes().length).toBe(writes);
  });
});

describe('approval bound to evidence: an environment that was empty at the check', () => {
  it('names it: approved when the environment held no model, refused now that it holds one', async () => {
    const registry = { github: new FakeGitHub(standIns.github.url) };
    const inCanary = (
      model: { manifest: string; metrics: string },
      extra: Record<string, string>,
    ) =>
      runPromote(
        {
          environment: 'canary',
          manifest: model.manifest,
          metrics: model.metrics,
          gates: 'examples/churn/gates.yaml',
          ...extra,
        },
        registry,
      );
    const reviewed = await candidate('31', 0.9);
    const check = await inCanary(reviewed, { 'dry-run': 'true' });
    expect(check.exitCode, check.errors.join()).toBe(0);
    expect(check.summary).toContain('| Against | no model: `canary` holds none yet |');
    const meanwhile = await candidate('32', 0.85);
    expect((await inCanary(meanwhile, {})).exitCode).toBe(0);
    expect((await candidate('31', 0.9)).version).toBe(reviewed.version);
    const writes = registry.github.writes().length;
    expectUserError(
      await inCanary(reviewed, { 'approved-digest': check.outputs['comparison-digest']! }),
      new RegExp(
        `The reviewers approved it when canary held no model; it holds ${meanwhile.version} now\\. Nothing was recorded\\.`,
      ),
    );
    expect(registry.github.writes().length).toBe(writes);
  });
});

/** The model card of the one release with this tag in a fake registry: its notes, as created. */
function cardOf(registry: FakeGitHub, tag: string): string {
  const [release, ...more] = registry.releases.filter((r) => r.tag === tag);
  expect(more).toEqual([]);
  return registry.releaseRequests.get(release!.id)!.body;
}

const noticesOf = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
