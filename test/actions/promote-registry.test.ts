/**
 * promote-model's bundle against the REST stand-in: the smoke layer. It proves the built bundle,
 * the runner contract (outputs, annotations, exit code) and the Octokit port on the wire (a
 * production promotion with its release and deployment, as GitHub's OpenAPI description accepts
 * them). The registry's logic (gates against the model in the environment, re-runs, overrides,
 * faults, drafts, rollbacks, hostile inputs) is tested in process on the in-memory GitHub:
 * test/actions-in-process/promote-registry.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitHubApiStandIn } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { MINIMAL_PROFILE } from '../helpers/minimal-profile.js';
import { exampleWorkspace, trainedByBundle, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
/** The commit the runner checked out (GITHUB_SHA), which train-model records. */
const CHECKOUT_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

/** A model trained by the train-model bundle, with a metrics report. */
const trained = trainedByBundle(job, standIns);

describe('the promote-model bundle', () => {
  it('promotes to production: a deployment on the exact commit and a published release, over the wire', async () => {
    const model = await trained;
    // GitHub would merge the default branch instead of deploying unless auto_merge is false, and
    // refuse with 409 while a commit status fails unless required_contexts is []: the deployment
    // exists only if both went over the wire.
    standIns.github.refsBehindDefault.add(CHECKOUT_SHA);
    standIns.github.commitStatuses.set(CHECKOUT_SHA, { 'ci/test': 'failure' });
    standIns.github.runReviews.set(8675309, [
      { login: 'octocat', state: 'approved', comment: 'Ship it!', environments: ['production'] },
    ]);
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'production',
        manifest: model.manifest,
        metrics: model.metrics,
        gates: 'examples/churn/gates.yaml',
      },
      { standIns },
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.annotations.filter((a) => a.command === 'error')).toEqual([]);

    const [deployment] = standIns.github.deployments;
    expect(standIns.github.deployments).toHaveLength(1);
    expect(deployment).toMatchObject({
      task: 'model:churn',
      environment: 'production',
      production_environment: true,
      sha: CHECKOUT_SHA,
      // Sent as an object, so GitHub gives it back as one.
      payload: {
        version: model.version,
        metrics: { accuracy: 0.8 },
        release: `churn@${model.version}`,
        approvals: [{ login: 'octocat', state: 'approved', comment: 'Ship it!' }],
      },
    });
    const [release] = standIns.github.releases;
    expect(standIns.github.releases).toHaveLength(1);
    expect(release).toMatchObject({
      tag_name: `churn@${model.version}`,
      draft: false,
      target_commitish: CHECKOUT_SHA,
    });
    // Newest first, as GitHub lists them; the success status links the release.
    expect(standIns.github.statuses.get(deployment!.id)!.map((s) => s.state)).toEqual([
      'success',
      'in_progress',
    ]);
    expect(standIns.github.statuses.get(deployment!.id)![0]!.environment_url).toBe(
      release!.html_url,
    );
    const assets = new Map(
      (standIns.github.assets.get(release!.id) ?? []).map((a) => [a.meta.name as string, a]),
    );
    expect([...assets.keys()].sort()).toEqual([
      'MODEL_CARD.md',
      'metrics.json',
      'model-manifest.json',
      'model__model.json',
      'model__predictions.csv',
    ]);
    // The bytes arrive intact through the upload host.
    expect(
      assets
        .get('model__model.json')!
        .bytes.equals(await readFile(join(job.workspace, 'model/model.json'))),
    ).toBe(true);
    expect(assets.get('MODEL_CARD.md')!.bytes.toString('utf8')).toBe(release!.body);
    expect(deployment!.payload.metricsUrl).toBe(assets.get('metrics.json')!.meta.url);

    // The runner contract: every output through GITHUB_OUTPUT, the summary through GITHUB_STEP_SUMMARY.
    expect(result.outputs).toMatchObject({
      version: model.version,
      'previous-version': '',
      'deployment-id': String(deployment!.id),
      'release-url': release!.html_url,
    });
    expect(JSON.parse(await readFile(result.outputs.record!, 'utf8')).version).toBe(model.version);
    expect(result.summary).toContain(deployment!.payload.comparisonDigest);
  });

  it('ends with one error annotation and exit code 1 when the token may not write, recording nothing', async () => {
    const model = await trained;
    const before = standIns.github.writes().length;
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
    expect(standIns.github.writes().length).toBe(before);
  });
});

describe('approval bound to evidence, through the bundle', () => {
  it('checks with a read-only token, then refuses a promotion whose comparison changed since, recording nothing', async () => {
    const model = await trained;
    const inputs = {
      'model-name': 'churn',
      environment: 'staging',
      manifest: model.manifest,
      gates: 'examples/churn/gates.yaml',
    };
    const before = standIns.github.writes().length;
    const check = await run(
      'promote-model',
      job,
      { ...inputs, metrics: model.metrics, 'dry-run': 'true' },
      { standIns, token: 'read-only' },
    );
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    const digest = check.outputs['comparison-digest']!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(check.summary).toContain(`| Comparison digest | \`${digest}\` |`);
    expect(standIns.github.writes().length).toBe(before);

    // The candidate's metrics change between the check and the promotion after the approval.
    const report = JSON.parse(await readFile(join(job.workspace, model.metrics), 'utf8'));
    report.metrics.accuracy.value = 0.81;
    const changed = await job.write('metrics-changed.json', JSON.stringify(report));
    const refused = await run(
      'promote-model',
      job,
      { ...inputs, metrics: changed, 'approved-digest': digest },
      { standIns },
    );
    expectUserError(
      refused,
      /Refusing to promote churn \w+ to staging: the comparison is not the one the reviewers approved \(approved-digest sha256:[0-9a-f]{64}, now sha256:[0-9a-f]{64}\)\. .* Nothing was recorded\. Re-run the workflow/,
    );
    expect(standIns.github.writes().length).toBe(before);
  });
});

describe('the drift reference, through the bundle', () => {
  it('keeps the profile of a staging promotion as an artifact the service holds, and names it in the deployment', async () => {
    const model = await trained;
    const profile = MINIMAL_PROFILE;
    await job.write('train-profile.json', profile);
    const result = await run(
      'promote-model',
      job,
      {
        'model-name': 'churn',
        environment: 'staging',
        manifest: model.manifest,
        metrics: model.metrics,
        profile: 'train-profile.json',
      },
      { standIns },
    );
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const name = `profile-churn-${model.version}`;
    const artifacts = standIns.results.artifacts.filter((a) => a.name === name && a.finalized);
    expect(artifacts).toHaveLength(1);
    const staging = standIns.github.deployments.filter((d) => d.environment === 'staging');
    expect(staging).toHaveLength(1);
    expect(staging[0]!.payload.profile).toEqual({
      sha256: createHash('sha256').update(profile).digest('hex'),
      artifact: { name, id: artifacts[0]!.id, runId: 8675309 },
    });
  });
});

describe('the stand-in agrees', () => {
  it("saw no request outside GitHub's OpenAPI description", () => {
    expect(standIns.github.log.length).toBeGreaterThan(0);
    expect(standIns.violations()).toEqual([]);
    expect(GitHubApiStandIn.READ_WRITE_TOKEN).toMatch(/^ghs_/);
  });
});
