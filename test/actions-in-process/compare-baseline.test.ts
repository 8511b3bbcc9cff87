/**
 * compare-metrics finding its baseline in the registry, in process on the in-memory GitHub: the
 * model in the baseline environment is the newest deployment of task model:<name> whose latest
 * status is success. The bundle over the REST stand-in is test/actions/compare-baseline.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { sharedStandIns } from '../../harness/stand-ins/index.js';
import { canonicalJson, sha256Text } from '../../shared/files/hash.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess } from '../helpers/in-process.js';

// The artifact service is the stand-in's; the action's GitHub is the fake, answering at the
// step's API URL (compare-metrics follows only release assets of that API).
const standIns = await sharedStandIns();
const github = new FakeGitHub(standIns.github.url);
const port = github.port();
const job = await exampleWorkspace();
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
// Pull requests are judged by the base branch's gate policy, read through the API: the base
// commit holds the same policies as the checkout (compare-policy.test.ts tests a PR that changes one).
const BASE_SHA = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
  .base.sha;
const sliced =
  'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.05\n    slices:\n      max-regression: 0.02\n';
github.commitFiles(BASE_SHA, {
  'examples/churn/gates.yaml': await readFile(
    join(job.workspace, 'examples/churn/gates.yaml'),
    'utf8',
  ),
  'sliced-gates.yaml': sliced,
});

/** A deployment as promote-model records it (or not, for the cases that must be skipped). */
async function deploy(
  environment: string,
  version: string,
  accuracy: number,
  state: 'success' | 'failure',
  payload: Record<string, unknown> = {},
) {
  const deployment = await port.createDeployment({
    ref: 'f'.repeat(40),
    task: 'model:churn',
    environment,
    description: `churn ${version}`,
    productionEnvironment: environment === 'production',
    payload: {
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model: 'churn',
      version,
      fingerprint: version.padEnd(64, '0'),
      metricsDigest: 'd',
      metrics: { accuracy },
      ...payload,
    },
  });
  await port.createDeploymentStatus(deployment.id, { state, description: state });
}

const compare = (inputs: Record<string, string> = {}) =>
  runInProcess(compareMetrics, {
    ...job,
    standIns,
    github,
    inputs: {
      'model-name': 'churn',
      metrics: 'cand.json',
      gates: 'examples/churn/gates.yaml',
      comment: 'false',
      ...inputs,
    },
  });
const messages = (result: { annotations: { message: string }[] }) =>
  result.annotations.map((a) => a.message).join('\n');

describe('compare-metrics baseline from the registry', () => {
  it('says there is no model in production yet, and follows on-missing-baseline', async () => {
    const result = await compare();
    expect(result.outputs).toMatchObject({ verdict: 'warn', 'baseline-version': '' });
    expect(await readFile(result.outputs['comment-file']!, 'utf8')).toContain(
      '**No baseline:** no model is in production yet (no successful deployment of task model:churn).',
    );
  });

  it('compares with the newest successful production deployment, skipping failed and foreign ones', async () => {
    await deploy('production', 'aaaaaaaaaaaa', 0.8, 'success');
    await deploy('production', 'bbbbbbbbbbbb', 0.9, 'failure');
    await deploy('production', 'cccccccccccc', 0.95, 'success', { format: 'someone-else@1' });
    const result = await compare();
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.outputs).toMatchObject({ verdict: 'pass', 'baseline-version': 'aaaaaaaaaaaa' });
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    expect(comment).toMatch(
      /Compared with `aaaaaaaaaaaa`, the model in `production` since \d{4}-\d\d-\d\d \(commit `ffffffffffff`, \[deployment \d+\]\(https:\/\/github.com\/Codertocat\/Hello-World\/deployments\/production\)\): the newest successful deployment of `model:churn` there, using the metric values its deployment records\./,
    );
    expect(comment).toContain('| `accuracy` | 0.8 | 0.81 | +0.01 |');
  });

  it('fails a regression against the model in production', async () => {
    await deploy('production', 'dddddddddddd', 0.9, 'success');
    const result = await compare({ 'fail-on-regression': 'false' });
    expect(result.outputs).toMatchObject({ verdict: 'fail', 'baseline-version': 'dddddddddddd' });
  });

  it('reads another environment when asked', async () => {
    await deploy('staging', 'eeeeeeeeeeee', 0.5, 'success');
    const result = await compare({ 'baseline-environment': 'staging' });
    expect(result.outputs).toMatchObject({ verdict: 'pass', 'baseline-version': 'eeeeeeeeeeee' });
  });

  it('uses an explicit baseline file without reading the registry', async () => {
    await job.write(
      'base.json',
      JSON.stringify({
        format: 'mlops-actions/metrics-report@1',
        model: 'churn',
        version: 'file-version',
        metrics: { accuracy: { value: 0.79 } },
      }),
    );
    const before = github.calls.length;
    const result = await compare({ baseline: 'base.json' });
    expect(result.outputs['baseline-version']).toBe('file-version');
    expect(
      github.calls
        .slice(before)
        .filter((call) => call === 'listDeployments' || call === 'deploymentStatuses'),
    ).toEqual([]);
  });
});

describe('compare-metrics baseline from the full report the deployment records', () => {
  const metricsReport = (accuracy: number) => ({
    format: 'mlops-actions/metrics-report@1',
    model: 'churn',
    version: 'rrrrrrrrrrrr',
    metrics: { accuracy: { value: accuracy, ci: [accuracy - 0.02, accuracy + 0.02], n: 500 } },
    slices: {
      'plan=pro': { accuracy: { value: accuracy + 0.05, n: 200 } },
      'plan=basic': { accuracy: { value: accuracy - 0.05, n: 300 } },
    },
  });

  /** A production release holding metrics.json, as promote-model publishes it; returns the asset's API URL. */
  async function releaseAsset(tag: string, report: unknown): Promise<string> {
    const release = await port.createRelease({
      tag,
      targetCommitish: 'f'.repeat(40),
      name: tag,
      body: '',
      draft: false,
    });
    const asset = await port.uploadReleaseAsset(release, {
      name: 'metrics.json',
      contentType: 'application/json',
      bytes: Buffer.from(JSON.stringify(report)),
    });
    return asset.url;
  }
  const digest = (values: Record<string, number>) => sha256Text(canonicalJson(values));

  it('reads the release asset, with its CIs and slices, and charts the recent versions', async () => {
    for (const [version, accuracy] of [
      ['h1', 0.7],
      ['h2', 0.74],
      ['h3', 0.76],
    ] as const)
      await deploy('production', version, accuracy, 'success');
    const url = await releaseAsset('churn@rrrrrrrrrrrr', metricsReport(0.8));
    await deploy('production', 'rrrrrrrrrrrr', 0.8, 'success', {
      metricsUrl: url,
      metricsDigest: digest({ accuracy: 0.8 }),
    });
    await job.write('sliced-gates.yaml', sliced);
    await job.write(
      'cand-sliced.json',
      JSON.stringify({ ...metricsReport(0.79), version: 'cand' }),
    );
    const result = await compare({
      metrics: 'cand-sliced.json',
      gates: 'sliced-gates.yaml',
      history: '3',
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    expect(comment).toContain('using its full metrics report.');
    expect(comment).toContain(
      '| `accuracy` | 0.8 <sub>[0.78, 0.82]</sub> | 0.79 <sub>[0.77, 0.81]</sub> |',
    );
    expect(comment).toContain(
      '| `plan=basic` | 0.75 <sub>n=300</sub> | 0.74 <sub>n=300</sub> | -0.01 |  | worst |',
    );
    expect(comment).toContain('x-axis ["h2", "h3", "rrrrrrrrrrrr", "this PR"]');
    expect(comment).toContain('line [0.74, 0.76, 0.8, 0.79]');
  });

  it('falls back to the payload values when the asset does not match the recorded digest, or lies outside this repository', async () => {
    const url = await releaseAsset('churn@tampered', metricsReport(0.99));
    await deploy('production', 'tttttttttttt', 0.8, 'success', {
      metricsUrl: url,
      metricsDigest: digest({ accuracy: 0.8 }),
    });
    const tampered = await compare({ history: '0' });
    expect(messages(tampered)).toMatch(
      /is not the one deployment \d+ recorded .*; using the metric values of its payload/,
    );
    expect(await readFile(tampered.outputs['comment-file']!, 'utf8')).toContain(
      'using the metric values its deployment records (its full report could not be read).',
    );

    await deploy('production', 'uuuuuuuuuuuu', 0.8, 'success', {
      metricsUrl: 'https://evil.example/metrics.json',
    });
    const before = github.calls.length;
    const foreign = await compare({ history: '0' });
    expect(messages(foreign)).toMatch(
      /recorded at https:\/\/evil.example\/metrics.json, which is not a release asset of Codertocat\/Hello-World/,
    );
    expect(
      github.calls
        .slice(before)
        .some((call) => ['downloadReleaseAsset', 'getReleaseByTag', 'listReleases'].includes(call)),
    ).toBe(false);
  });
});
