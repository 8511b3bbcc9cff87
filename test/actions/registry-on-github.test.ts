/**
 * The registry and the sticky comment under GitHub's own rules, through the built bundles over
 * the OpenAPI-checked stand-in: GitHub's `auto_inactive` rule (a job declaring `environment:`
 * retires earlier non-production deployments there), GitHub App installation tokens (GET /user
 * refused), the call budget of a default compare run on a busy pull request with a long
 * production history, and creates that GitHub completed before answering 502.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { compareOnBusyPullRequest } from '../helpers/api-budget.js';
import { exampleWorkspace, trainedByBundle, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = standIns.github;
const job = await exampleWorkspace();
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
/** The commit the runner checked out (GITHUB_SHA), which train-model records. */
const CHECKOUT_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

/** A model trained by the train-model bundle, with a metrics report. */
const trained = trainedByBundle(job, standIns);

const promote = async (environment: string) => {
  const model = await trained;
  return run(
    'promote-model',
    job,
    { 'model-name': 'churn', environment, manifest: model.manifest, metrics: model.metrics },
    { standIns },
  );
};

let prNumber = 500;
const compare = (number: number, inputs: Record<string, string> = {}, token?: 'app') =>
  run(
    'compare-metrics',
    job,
    { 'model-name': 'churn', metrics: 'cand.json', ...inputs },
    {
      standIns,
      event: { name: 'pull_request', payload: pullRequestEvent({ number }) },
      ...(token ? { token } : {}),
    },
  );

describe("GitHub's auto_inactive rule", () => {
  it('leaves staging its model after a later job declaring environment: staging succeeds', async () => {
    const promoted = await promote('staging');
    expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);
    const ours = github.deployments.find((d) => d.task === 'model:churn')!;
    expect(ours).toMatchObject({ environment: 'staging', production_environment: true });
    // What the runner records for `environment: staging` in any later job, with GitHub's default
    // auto_inactive: true. A deployment not marked production_environment would now be inactive.
    github.environmentJob('staging');
    expect(github.statuses.get(ours.id)![0]).toMatchObject({ state: 'success' });
    const compared = await compare(++prNumber, {
      'baseline-environment': 'staging',
      comment: 'false',
    });
    expect(compared.exitCode, compared.stdout + compared.stderr).toBe(0);
    expect(compared.outputs['baseline-version']).toBe((await trained).version);
  });
});

describe('a GitHub App installation token', () => {
  it("keeps one sticky comment over three runs, and leaves the workflow bot's comment alone", async () => {
    const number = ++prNumber;
    const first = await compare(number, { baseline: 'cand.json' });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    for (let i = 0; i < 3; i++) {
      const result = await compare(number, { baseline: 'cand.json' }, 'app');
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    }
    const comments = github.comments.get(number)!;
    expect(comments.map((c) => c.user.login)).toEqual([
      'github-actions[bot]',
      'mlops-reporter[bot]',
    ]);
    // GET /user refuses installation tokens; the account came from GraphQL's viewer.
    expect(github.log.some((e) => e.path === '/user')).toBe(false);
  });
});

describe('the API call budget', () => {
  it('compares on a pull request with 150 comments against 50 production promotions (10 failed) in at most 6 calls', async () => {
    const number = ++prNumber;
    const { calls, result, current } = await compareOnBusyPullRequest(standIns, job, {
      comments: 150,
      promotions: 50,
      failed: 10,
      pullRequest: number,
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['baseline-version']).toBe(current);
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/deployments',
      'POST /graphql',
      'GET /repos/{owner}/{repo}/releases/assets/{asset_id}',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'POST /graphql',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ]);
    expect(github.comments.get(number)![0]!.body).toContain('0.83');
  });
});

describe('creates GitHub completed before answering 502', () => {
  it('leave one deployment and one release, promoted once', async () => {
    github.inject({ method: 'POST', path: /\/deployments$/, status: 502, afterEffect: true });
    github.inject({ method: 'POST', path: /\/releases$/, status: 502, afterEffect: true });
    const before = { deployments: github.deployments.length, releases: github.releases.length };
    const result = await promote('production');
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const created = github.deployments.slice(before.deployments);
    expect(created.map((d) => d.task)).toEqual(['model:churn']);
    expect(github.statuses.get(created[0]!.id)![0]).toMatchObject({ state: 'success' });
    expect(github.releases.slice(before.releases)).toHaveLength(1);
    const warned = result.annotations.map((a) => a.message).join('\n');
    expect(warned).toMatch(/answered 502 while creating the deployment/);
    expect(warned).toMatch(/answered 502 while creating the draft release/);
  });

  it("saw no request outside GitHub's OpenAPI description or GraphQL schema", () => {
    expect(github.violations).toEqual([]);
    expect(CHECKOUT_SHA).toMatch(/^[0-9a-f]{40}$/);
  });
});
