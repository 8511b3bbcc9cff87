import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { pullRequestEvent, workflowRunEvent } from '../../harness/runner/events.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { sharedStandIns } from '../../harness/stand-ins/index.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess, type InProcessOptions } from '../helpers/in-process.js';

// The artifact service (the fork hand-over) is the stand-in's; the action's GitHub is the fake.
const standIns = await sharedStandIns();
const github = new FakeGitHub();
const job = await exampleWorkspace();
const event = pullRequestEvent() as { pull_request: { number: number; base: { sha: string } } };
// A pull request is judged by its base branch's gate policy, read through the API.
github.commitFiles(event.pull_request.base.sha, {
  'examples/churn/gates.yaml': await readFile(
    join(job.workspace, 'examples/churn/gates.yaml'),
    'utf8',
  ),
});
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
await job.write('base-low.json', JSON.stringify({ accuracy: 0.8 }));
await job.write('base-high.json', JSON.stringify({ accuracy: 0.9 }));

const compare = (inputs: Record<string, string>, options: Partial<InProcessOptions> = {}) =>
  runInProcess(compareMetrics, {
    ...job,
    standIns,
    github,
    inputs: {
      'model-name': 'churn',
      metrics: 'cand.json',
      gates: 'examples/churn/gates.yaml',
      ...inputs,
    },
    ...options,
  });

const commentsOn = (issueNumber: number) =>
  github.comments.filter((comment) => comment.issueNumber === issueNumber);

/** A production deployment as promote-model records it, through the port. */
async function deploy(version: string, accuracy: number): Promise<void> {
  const port = github.port();
  const deployment = await port.createDeployment({
    ref: 'f'.repeat(40),
    task: 'model:churn',
    environment: 'production',
    description: `churn ${version}`,
    productionEnvironment: true,
    payload: {
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model: 'churn',
      version,
      fingerprint: version.padEnd(64, '0'),
      metricsDigest: 'd',
      metrics: { accuracy },
    },
  });
  await port.createDeploymentStatus(deployment.id, { state: 'success', description: 'promoted' });
}

describe('compare-metrics run()', () => {
  it('passes a candidate within its gates, writes the report, the summary and the sticky comment', async () => {
    const result = await compare({ baseline: 'base-low.json' });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('compare-metrics')).outputs).sort(),
    );
    expect(result.outputs).toMatchObject({
      passed: 'true',
      verdict: 'pass',
      'comment-artifact': '',
    });
    const document = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(document).toMatchObject({
      format: 'mlops-actions/comparison@1',
      model: 'churn',
      verdict: 'pass',
      candidate: { source: 'cand.json' },
      baseline: { source: 'base-low.json' },
    });
    expect(result.summary).toContain('| `accuracy` | 0.8 | 0.81 | +0.01 |');
    expect(result.outputs['comment-url']).toMatch(
      new RegExp(`/issues/comments/\\d+|#issuecomment-\\d+`),
    );
    const comments = commentsOn(event.pull_request.number);
    expect(
      comments.some((c) => String(c.body).includes('| `accuracy` | 0.8 | 0.81 | +0.01 |')),
    ).toBe(true);
  });

  it('fails a regression with an error annotation per failing metric, and the step only with fail-on-regression', async () => {
    const reported = await compare({
      baseline: 'base-high.json',
      'fail-on-regression': 'false',
      comment: 'false',
    });
    expect(reported.exitCode).toBe(0);
    expect(reported.outputs).toMatchObject({ passed: 'false', verdict: 'fail', 'comment-url': '' });
    expect(reported.errors).toEqual([expect.stringMatching(/^churn: accuracy /)]);
    const failed = await compare({ baseline: 'base-high.json', comment: 'false' });
    expect(failed.exitCode).toBe(1);
    expect(failed.errors.at(-1)).toMatch(
      /^churn fails its gates \(see the table in the job summary\)\. Set fail-on-regression: false/,
    );
    expect(failed.outputs.verdict).toBe('fail');
  });

  it('compares with the model in production when no baseline file is given', async () => {
    const none = await compare({ comment: 'false' });
    expect(none.outputs).toMatchObject({ verdict: 'warn', 'baseline-version': '' });
    await deploy('aaaaaaaaaaaa', 0.8);
    const result = await compare({ comment: 'false' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.outputs).toMatchObject({ verdict: 'pass', 'baseline-version': 'aaaaaaaaaaaa' });
    expect(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')).lineage.baseline,
    ).toMatchObject({ version: 'aaaaaaaaaaaa', commit: 'f'.repeat(40) });
  });

  it("hands the comment of a fork's pull request (read-only token) over as an artifact", async () => {
    const fork = {
      name: 'pull_request',
      payload: pullRequestEvent({ number: 301, headSha: 'a'.repeat(40), fork: true }),
    };
    const result = await compare(
      { baseline: 'base-low.json' },
      { token: 'read-only', event: fork },
    );
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.outputs['comment-url']).toBe('');
    expect(result.outputs['comment-artifact']).toBe('compare-metrics-comment-churn-attempt-1');
    expect(commentsOn(301)).toEqual([]);
    expect(result.annotations.find((a) => a.level === 'notice')?.message).toMatch(
      /^The comment for pull request #301 is in artifact compare-metrics-comment-churn-attempt-1: a workflow triggered by workflow_run can post it/,
    );
  });

  it("posts the comment a fork's run handed over, from a workflow_run workflow (comment-from-run)", async () => {
    const head = 'a'.repeat(40);
    const runId = 7001;
    standIns.newRun();
    standIns.publishRun(runId);
    github.pullRequests.set(305, { headSha: head });
    const fork = {
      name: 'pull_request',
      payload: pullRequestEvent({ number: 305, headSha: head, fork: true }),
    };
    const handed = await compare(
      { baseline: 'base-low.json' },
      { token: 'read-only', event: fork, env: { GITHUB_RUN_ID: String(runId) } },
    );
    expect(handed.outputs['comment-artifact']).toBe('compare-metrics-comment-churn-attempt-1');
    standIns.newRun();
    const posted = await runInProcess(compareMetrics, {
      ...job,
      standIns,
      github,
      inputs: { 'model-name': 'churn', 'comment-from-run': String(runId) },
      event: { name: 'workflow_run', payload: workflowRunEvent({ id: runId, headSha: head }) },
      env: { GITHUB_RUN_ID: String(runId + 500) },
    });
    expect(posted.errors).toEqual([]);
    expect(posted.exitCode).toBe(0);
    const comments = commentsOn(305);
    expect(comments).toHaveLength(1);
    expect(posted.outputs).toMatchObject({
      verdict: 'pass',
      passed: 'true',
      'comment-url': comments[0]!.htmlUrl,
      'comment-artifact': '',
    });
    expect(comments[0]!.body).toContain(`from the artifact of run ${runId}`);
    const wrongRun = await runInProcess(compareMetrics, {
      ...job,
      standIns,
      github,
      inputs: { 'model-name': 'churn', 'comment-from-run': '1' },
      event: { name: 'workflow_run', payload: workflowRunEvent({ id: runId, headSha: head }) },
    });
    expect(wrongRun.errors.at(-1)).toMatch(
      /^"comment-from-run" is 1, but this workflow was triggered by run 7001/,
    );
  });

  it.each([
    ['no metrics', { metrics: '' }, /Input "metrics" is required/],
    [
      'metrics beside comment-from-run',
      { 'comment-from-run': '123' },
      /Give either "metrics" .* or "comment-from-run"/,
    ],
    [
      'a metrics file outside the workspace',
      { metrics: '../cand.json' },
      /metrics file "\.\.\/cand\.json".*outside/i,
    ],
    [
      'a history out of range',
      { history: '51' },
      /input "history" must be a whole number from 0 to 50/,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    const result = await compare({ baseline: 'base-low.json', comment: 'false', ...inputs });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(pattern);
    expect(result.errors.join()).not.toMatch(/bug in mlops-actions/);
  });

  it('refuses a baseline report of another model', async () => {
    await job.write(
      'base-other.json',
      JSON.stringify({
        format: 'mlops-actions/metrics-report@1',
        model: 'other',
        metrics: { accuracy: { value: 0.8 } },
        slices: {},
      }),
    );
    const result = await compare({ baseline: 'base-other.json', comment: 'false' });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(
      /The baseline file "base-other.json" is a report for model "other", but "model-name" is "churn"/,
    );
  });
});
