/**
 * Pull requests from forks: their run has a read-only token, so compare-metrics hands the
 * comparison over as an artifact (exit 0); a workflow_run workflow then posts it with
 * "comment-from-run", after checking the artifact's pull request against the triggering run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, workflowRunEvent } from '../../harness/runner/events.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
await job.write('cand.json', JSON.stringify({ accuracy: 0.75 }));
await job.write('base.json', JSON.stringify({ accuracy: 0.8 }));
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
// The poster runs in its own workflow: a separate checkout of the base branch, no PR files.
const poster = await exampleWorkspace();

const HEAD = 'a'.repeat(40);
let runId = 7000;

/** The fork's pull_request run: read-only token, its artifacts published as run `runId`. */
async function forkRun(prNumber: number, headSha = HEAD) {
  standIns.newRun();
  runId++;
  standIns.publishRun(runId);
  standIns.github.pullRequests.set(prNumber, { headSha });
  const result = await run(
    'compare-metrics',
    job,
    {
      'model-name': 'churn',
      metrics: 'cand.json',
      baseline: 'base.json',
      gates: 'examples/churn/gates.yaml',
    },
    {
      standIns,
      token: 'read-only',
      event: {
        name: 'pull_request',
        payload: pullRequestEvent({ number: prNumber, headSha, fork: true }),
      },
      env: { GITHUB_RUN_ID: String(runId) },
    },
  );
  return { result, runId };
}

function post(
  triggeringRun: number,
  payload: Record<string, unknown>,
  inputs: Record<string, string> = {},
) {
  standIns.newRun();
  return run(
    'compare-metrics',
    poster,
    { 'model-name': 'churn', 'comment-from-run': String(triggeringRun), ...inputs },
    {
      standIns,
      event: { name: 'workflow_run', payload },
      env: { GITHUB_RUN_ID: String(triggeringRun + 500) },
    },
  );
}

describe('compare-metrics on a pull request from a fork', () => {
  it('does not fail with a read-only token: it uploads the comment artifact and names it', async () => {
    const { result } = await forkRun(301);
    // The candidate fails its gates: the step fails for that reason only, not for the comment.
    expectUserError(result, /churn fails its gates/);
    expect(result.outputs['comment-artifact']).toBe('compare-metrics-comment-churn-attempt-1');
    expect(result.outputs['comment-url']).toBe('');
    expect(standIns.github.comments.get(301)).toBeUndefined();
    expect(result.annotations.map((a) => a.message).join('\n')).toMatch(
      /The comment for pull request #301 is in artifact compare-metrics-comment-churn-attempt-1/,
    );
  });

  it('exits 0 with a read-only token when the gates pass', async () => {
    await job.write('good.json', JSON.stringify({ accuracy: 0.81 }));
    standIns.newRun();
    standIns.github.pullRequests.set(302, { headSha: HEAD });
    const result = await run(
      'compare-metrics',
      job,
      { 'model-name': 'churn', metrics: 'good.json', baseline: 'base.json' },
      {
        standIns,
        token: 'read-only',
        event: {
          name: 'pull_request',
          payload: pullRequestEvent({ number: 302, headSha: HEAD, fork: true }),
        },
      },
    );
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs['comment-artifact']).toBe('compare-metrics-comment-churn-attempt-1');
  });

  it('is posted by the workflow_run workflow, rendered again from the data, as the sticky comment', async () => {
    const { runId: triggering } = await forkRun(303);
    const posted = await post(triggering, workflowRunEvent({ id: triggering, headSha: HEAD }));
    expect(posted.exitCode, posted.stdout).toBe(0);
    const comments = standIns.github.comments.get(303)!;
    expect(comments).toHaveLength(1);
    expect(posted.outputs).toMatchObject({ verdict: 'fail', 'comment-url': comments[0]!.html_url });
    const body = comments[0]!.body as string;
    expect(body).toContain('### churn ❌ fails its gates');
    // Which policy judged it travels with the comparison.
    expect(body).toContain(
      `Judged by the gate policy \`examples/churn/gates.yaml\` of the base branch (\`master\` at \`${BASE_SHA.slice(0, 12)}\`).`,
    );
    expect(body).toContain(
      `Posted for a pull request from a fork by a workflow\\_run workflow, from the artifact of run ${triggering}`,
    );
    expect(body).toContain(
      `[workflow run](https://github.com/Codertocat/Hello-World/actions/runs/${triggering})`,
    );
    // Posting again (a re-run of the poster) edits the same comment.
    await post(triggering, workflowRunEvent({ id: triggering, headSha: HEAD }));
    expect(standIns.github.comments.get(303)).toHaveLength(1);
  });

  it.each([
    [
      'a pull request whose head is another commit',
      { prHead: 'b'.repeat(40) },
      /Refusing to post the comment of run \d+ on pull request #304: its head is bbbbbbbbbbbb, not aaaaaaaaaaaa/,
    ],
    [
      'a run that GitHub ties to another pull request',
      { listed: [999] },
      /Refusing to post .*: the run belongs to pull request\(s\) #999/,
    ],
    [
      'a run on another commit than the artifact names',
      { runHead: 'c'.repeat(40) },
      /Refusing to post .*: the artifact names head commit aaaaaaaaaaaa, but the run ran on cccccccccccc/,
    ],
  ])('refuses a forged pull request number: %s', async (_case, forge, pattern) => {
    const { runId: triggering } = await forkRun(304);
    if ('prHead' in forge) standIns.github.pullRequests.set(304, { headSha: forge.prHead });
    const posted = await post(
      triggering,
      workflowRunEvent({
        id: triggering,
        headSha: 'runHead' in forge ? forge.runHead : HEAD,
        pullRequests: 'listed' in forge ? forge.listed : [],
      }),
    );
    expectUserError(posted, pattern);
    expect(standIns.github.comments.get(304)).toBeUndefined();
  });

  it('refuses a run id that is not the triggering run, and an event that is not workflow_run', async () => {
    const { runId: triggering } = await forkRun(305);
    expectUserError(
      await post(triggering, workflowRunEvent({ id: triggering + 1, headSha: HEAD })),
      /"comment-from-run" is \d+, but this workflow was triggered by run \d+/,
    );
    const wrongEvent = await run(
      'compare-metrics',
      poster,
      { 'model-name': 'churn', 'comment-from-run': String(triggering) },
      {
        standIns,
        event: { name: 'pull_request_target', payload: pullRequestEvent({ number: 305 }) },
      },
    );
    expectUserError(wrongEvent, /the workflow must run "on: workflow_run"/);
  });

  it('does nothing when the run posted its own comment (no artifact) or was not a pull request', async () => {
    standIns.newRun();
    runId++;
    standIns.publishRun(runId);
    const none = await post(runId, workflowRunEvent({ id: runId, headSha: HEAD }));
    expect(none.exitCode, none.stdout).toBe(0);
    expect(none.stdout).toMatch(/left no artifact compare-metrics-comment-churn-attempt-1/);
    const push = await post(runId, workflowRunEvent({ id: runId, headSha: HEAD, event: 'push' }));
    expect(push.exitCode).toBe(0);
    expect(push.stdout).toMatch(/triggered by push, not by a pull request/);
  });
});
