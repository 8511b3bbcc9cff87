/**
 * compare-metrics' bundle finding its baseline in the registry over the REST stand-in: the smoke
 * layer. It proves the built bundle, the runner contract (outputs, annotations, exit code) and
 * the Octokit port's reads on the wire: deployments, their statuses and the release asset a
 * deployment names. Which deployment is the baseline, the full report's checks and the history
 * are tested in process on the in-memory GitHub: test/actions-in-process/compare-baseline.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../shared/github/client.js';
import { canonicalJson, sha256Text } from '../../shared/files/hash.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { exampleWorkspace, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
await job.write('worse.json', JSON.stringify({ accuracy: 0.7 }));
// Pull requests are judged by the base branch's gate policy, read through the API: the base
// commit holds the same policies as the checkout (compare-policy.test.ts tests a PR that changes one).
const BASE_SHA = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
  .base.sha;
standIns.github.commitFiles(BASE_SHA, {
  'examples/churn/gates.yaml': await readFile(
    join(job.workspace, 'examples/churn/gates.yaml'),
    'utf8',
  ),
});
const client = await createGitHubClient(GitHubApiStandIn.READ_WRITE_TOKEN, recordingRunner(), {
  GITHUB_API_URL: standIns.github.url,
});
const repo = { owner: OWNER, repo: REPO };

/** A deployment as promote-model records it, with its latest status; `asString` sends the payload as JSON text. */
async function deploy(
  version: string,
  state: 'success' | 'failure',
  payload: Record<string, unknown>,
  asString = false,
) {
  const full = {
    format: DEPLOYMENT_PAYLOAD_FORMAT,
    model: 'churn',
    version,
    fingerprint: version.padEnd(64, '0'),
    ...payload,
  };
  const { data } = await client.rest.repos.createDeployment({
    ...repo,
    ref: 'f'.repeat(40),
    task: 'model:churn',
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
    payload: asString ? JSON.stringify(full) : full,
  });
  await client.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: (data as { id: number }).id,
    state,
  });
}

const compare = (inputs: Record<string, string> = {}) =>
  run(
    'compare-metrics',
    job,
    {
      'model-name': 'churn',
      metrics: 'cand.json',
      gates: 'examples/churn/gates.yaml',
      comment: 'false',
      ...inputs,
    },
    { standIns },
  );

describe('the compare-metrics bundle against the model in production', () => {
  it('compares with the newest successful deployment, reading the full report from its release asset', async () => {
    await deploy('bbbbbbbbbbbb', 'failure', { metricsDigest: 'd', metrics: { accuracy: 0.5 } });
    const report = {
      format: 'mlops-actions/metrics-report@1',
      model: 'churn',
      version: 'rrrrrrrrrrrr',
      metrics: { accuracy: { value: 0.8, ci: [0.78, 0.82], n: 500 } },
    };
    const { data: release } = await client.rest.repos.createRelease({
      ...repo,
      tag_name: 'churn@rrrrrrrrrrrr',
    });
    const { data: asset } = await client.rest.repos.uploadReleaseAsset({
      ...repo,
      baseUrl: standIns.github.url,
      release_id: release.id,
      name: 'metrics.json',
      data: JSON.stringify(report) as unknown as string,
      headers: { 'content-type': 'application/json' },
    });
    // Sent as JSON text, so GitHub gives the payload back as a string, which is read all the same.
    await deploy(
      'rrrrrrrrrrrr',
      'success',
      {
        metrics: { accuracy: 0.8 },
        metricsDigest: sha256Text(canonicalJson({ accuracy: 0.8 })),
        metricsUrl: asset.url,
      },
      true,
    );
    const result = await compare();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.annotations.filter((a) => a.command !== 'notice')).toEqual([]);
    expect(result.outputs).toMatchObject({
      passed: 'true',
      verdict: 'pass',
      'baseline-version': 'rrrrrrrrrrrr',
    });
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    expect(comment).toContain('using its full metrics report.');
    expect(comment).toContain('| `accuracy` | 0.8 <sub>[0.78, 0.82]</sub> | 0.81 |');
    expect(JSON.parse(await readFile(result.outputs.report!, 'utf8'))).toMatchObject({
      verdict: 'pass',
      lineage: { baseline: { version: 'rrrrrrrrrrrr', commit: 'f'.repeat(40) } },
    });
    expect(result.summary).toContain('rrrrrrrrrrrr');
  });

  it('fails the step on a regression against it: an error annotation per failing metric, exit code 1, outputs set', async () => {
    const result = await compare({ metrics: 'worse.json' });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.command === 'error').map((a) => a.message);
    expect(errors[0]).toMatch(/^churn: accuracy /);
    expect(errors.at(-1)).toMatch(
      /^churn fails its gates \(see the table in the job summary\)\. Set fail-on-regression: false/,
    );
    expect(result.outputs).toMatchObject({
      passed: 'false',
      verdict: 'fail',
      'baseline-version': 'rrrrrrrrrrrr',
    });
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

describe('the stand-in agrees', () => {
  it("saw no request outside GitHub's OpenAPI description", () => {
    expect(standIns.github.log.some((e) => e.path.includes('/releases/assets/'))).toBe(true);
    expect(standIns.violations()).toEqual([]);
  });
});
